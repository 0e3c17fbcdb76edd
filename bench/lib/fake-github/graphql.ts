/**
 * The fake GitHub's GraphQL endpoint: queries are executed by graphql-js
 * against GitHub's published schema (so a field GitHub does not have fails
 * here as it would there), with resolvers over the generated repository.
 * Connections honour first/after/last; cursors are opaque offsets.
 */
import { schema as githubSchema } from "@octokit/graphql-schema";
import { buildSchema, graphql, type GraphQLSchema } from "graphql";
import type { FakeRepository, FakeUser, GenIssue, GenPullRequest, GenThread } from "./data.js";

let cachedSchema: GraphQLSchema | null = null;
export function githubGraphqlSchema(): GraphQLSchema {
  // The SDL defines two enterprise fields twice; the rest is GitHub's schema as published.
  cachedSchema ??= buildSchema(githubSchema.idl, { assumeValidSDL: true });
  return cachedSchema;
}

type Obj = Record<string, unknown>;
interface ConnArgs {
  first?: number;
  last?: number;
  after?: string;
}

const cursor = (offset: number) => Buffer.from(`cursor:${offset}`).toString("base64");
function offsetOf(c: string | undefined): number {
  if (!c) return 0;
  const m = /^cursor:(\d+)$/.exec(Buffer.from(c, "base64").toString("utf8"));
  if (!m) throw new Error(`\`${c}\` does not appear to be a valid cursor.`);
  return Number(m[1]);
}

/** A connection over `count` items, `at(i)` giving the i-th. */
export function connection(count: number, at: (i: number) => unknown, args: ConnArgs): Obj {
  let from = offsetOf(args.after);
  let to = count;
  if (args.first !== undefined) {
    if (args.first < 0 || args.first > 100) throw new Error("first must be between 0 and 100");
    to = Math.min(count, from + args.first);
  } else if (args.last !== undefined) {
    from = Math.max(from, count - args.last);
  }
  const nodes: unknown[] = [];
  for (let i = from; i < to; i++) nodes.push(at(i));
  return { totalCount: count, pageInfo: { hasNextPage: to < count, endCursor: to > from ? cursor(to) : args.after ?? null }, nodes };
}

const list = (items: readonly unknown[]) => (args: ConnArgs) => connection(items.length, (i) => items[i], args);

function actor(u: FakeUser | null): Obj | null {
  if (!u) return null;
  return { __typename: u.type, login: u.login, databaseId: u.id, url: `https://github.com/${u.login}` };
}

export interface GraphqlContext {
  repo: FakeRepository;
  rateLimit: () => Obj;
  configText: string | null;
  orgConfigText: string | null;
}

function reviewCommentObj(repo: FakeRepository, pr: GenPullRequest, t: GenThread, c: GenThread["comments"][number], k: number): Obj {
  return {
    __typename: "PullRequestReviewComment",
    fullDatabaseId: String(c.id),
    author: actor(c.author),
    path: t.path,
    line: c.line,
    originalLine: c.originalLine,
    diffHunk: "@@ -8,6 +8,7 @@ export function total(items) {\n   let sum = 0",
    commit: { oid: pr.headSha },
    originalCommit: { oid: pr.commits[0]?.oid ?? pr.headSha },
    replyTo: k > 0 ? { fullDatabaseId: String(t.comments[0]!.id) } : null,
    pullRequestReview: c.reviewId !== null ? { fullDatabaseId: String(c.reviewId) } : null,
    body: c.body,
    url: `https://github.com/${repo.spec.owner}/${repo.spec.name}/pull/${pr.number}#discussion_r${c.id}`,
    authorAssociation: "MEMBER",
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

function threadObj(repo: FakeRepository, pr: GenPullRequest, t: GenThread): Obj {
  return {
    __typename: "PullRequestReviewThread",
    id: t.nodeId,
    isResolved: t.isResolved,
    isOutdated: t.isOutdated,
    path: t.path,
    diffSide: "RIGHT",
    resolvedBy: t.isResolved ? actor(t.comments[0]!.author) : null,
    comments: (args: ConnArgs) => connection(t.comments.length, (k) => reviewCommentObj(repo, pr, t, t.comments[k]!, k), args),
  };
}

function suiteObj(pr: GenPullRequest): Obj {
  return {
    __typename: "CheckSuite",
    id: `CS_${pr.index}`,
    app: { slug: "github-actions" },
    branch: { name: pr.headRef },
    checkRuns: list(
      pr.checkRuns.map((c) => ({ databaseId: c.id, name: c.name, status: "COMPLETED", conclusion: c.conclusion.toUpperCase(), startedAt: c.startedAt, completedAt: c.completedAt })),
    ),
  };
}

function prObj(repo: FakeRepository, pr: GenPullRequest): Obj {
  const url = `https://github.com/${repo.spec.owner}/${repo.spec.name}/pull/${pr.number}`;
  const comment = (c: GenPullRequest["comments"][number]) => ({
    __typename: "IssueComment",
    fullDatabaseId: String(c.id),
    author: actor(c.author),
    body: c.body,
    url: `${url}#issuecomment-${c.id}`,
    authorAssociation: "MEMBER",
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  });
  return {
    __typename: "PullRequest",
    id: pr.nodeId,
    fullDatabaseId: String(pr.databaseId),
    number: pr.number,
    title: pr.title,
    body: pr.body,
    url,
    state: pr.state,
    isDraft: pr.isDraft,
    merged: pr.state === "MERGED",
    mergedAt: pr.mergedAt,
    mergedBy: actor(pr.mergedBy),
    author: actor(pr.author),
    authorAssociation: pr.author?.type === "Bot" ? "NONE" : pr.index % 13 === 0 ? "FIRST_TIME_CONTRIBUTOR" : "MEMBER",
    additions: pr.files.reduce((s, f) => s + f.additions, 0),
    deletions: pr.files.reduce((s, f) => s + f.deletions, 0),
    changedFiles: pr.files.length,
    headRefOid: pr.headSha,
    headRefName: pr.headRef,
    baseRefOid: pr.baseSha,
    baseRefName: repo.defaultBranch,
    createdAt: pr.createdAt,
    closedAt: pr.closedAt,
    updatedAt: pr.updatedAt,
    labels: list(pr.labels.map((name) => ({ name }))),
    reviews: list(
      pr.reviews.map((r) => ({
        __typename: "PullRequestReview",
        fullDatabaseId: String(r.id),
        author: actor(r.author),
        state: r.state,
        body: r.body,
        commit: { oid: r.commit },
        url: `${url}#pullrequestreview-${r.id}`,
        authorAssociation: "MEMBER",
        submittedAt: r.submittedAt,
      })),
    ),
    reviewThreads: (args: ConnArgs) => connection(pr.threads.length, (k) => threadObj(repo, pr, pr.threads[k]!), args),
    comments: list(pr.comments.map(comment)),
    commits: (args: ConnArgs) => {
      if (args.last !== undefined) return connection(1, () => ({ commit: { oid: pr.headSha, checkSuites: list([suiteObj(pr)]) } }), { last: 1 });
      return connection(
        pr.commits.length,
        (k) => {
          const c = pr.commits[k]!;
          const email = c.author ? `${c.author.login}@example.com` : "ghost@example.com";
          return { commit: { oid: c.oid, message: c.message, authoredDate: c.authoredDate, author: { name: c.author?.login ?? "ghost", email, user: c.author ? { databaseId: c.author.id, login: c.author.login } : null } } };
        },
        args,
      );
    },
    files: list(pr.files.map((f) => ({ path: f.path, additions: f.additions, deletions: f.deletions, changeType: f.changeType }))),
  };
}

function issueObj(repo: FakeRepository, i: GenIssue): Obj {
  const url = `https://github.com/${repo.spec.owner}/${repo.spec.name}/issues/${i.number}`;
  return {
    __typename: "Issue",
    id: i.nodeId,
    fullDatabaseId: String(i.databaseId),
    number: i.number,
    title: i.title,
    body: i.body,
    url,
    state: i.state,
    stateReason: i.stateReason,
    author: actor(i.author),
    authorAssociation: "MEMBER",
    createdAt: i.createdAt,
    closedAt: i.closedAt,
    updatedAt: i.updatedAt,
    labels: list(i.labels.map((name) => ({ name }))),
    comments: list(
      i.comments.map((c) => ({
        __typename: "IssueComment",
        fullDatabaseId: String(c.id),
        author: actor(c.author),
        body: c.body,
        url: `${url}#issuecomment-${c.id}`,
        authorAssociation: "MEMBER",
        createdAt: c.createdAt,
        updatedAt: c.updatedAt,
      })),
    ),
    timelineItems: list(
      i.events.map((e) => ({
        __typename: e.type,
        id: e.id,
        createdAt: e.at,
        actor: actor(e.actor),
        ...(e.label !== undefined ? { label: { name: e.label } } : {}),
        ...(e.previousTitle !== undefined ? { previousTitle: e.previousTitle, currentTitle: i.title } : {}),
      })),
    ),
    userContentEdits: list(i.edits.map((e) => ({ id: e.id, editedAt: e.editedAt, editor: actor(e.editor), diff: e.text }))),
  };
}

/** The number of a search: `repo:o/r is:pr updated:>=D created:<D`. */
function searchCount(repo: FakeRepository, query: string): number {
  const since = /updated:>=(\S+)/.exec(query)?.[1];
  const until = /created:<(\S+)/.exec(query)?.[1];
  const s = since ? Date.parse(since) : -Infinity;
  const u = until ? Date.parse(until) : Infinity;
  let n = 0;
  if (/\bis:pr\b/.test(query)) {
    for (let i = 0; i < repo.spec.pullRequests; i++) {
      const p = repo.pullRequest(i);
      if (Date.parse(p.updatedAt) >= s && Date.parse(p.createdAt) < u) n++;
    }
  } else {
    for (let i = 0; i < repo.spec.issues; i++) {
      const x = repo.issue(i);
      if (Date.parse(x.updatedAt) >= s && Date.parse(x.createdAt) < u) n++;
    }
  }
  return n;
}

function rootValue(ctx: GraphqlContext): Obj {
  const repo = ctx.repo;
  const blob = (text: string | null) => (text === null ? null : { __typename: "Blob", text, byteSize: Buffer.byteLength(text), isBinary: false });
  const repository = (args: { owner: string; name: string }) => {
    if (args.owner.toLowerCase() !== repo.spec.owner.toLowerCase()) return null;
    if (args.name === ".github") return { object: () => blob(ctx.orgConfigText) };
    if (args.name.toLowerCase() !== repo.spec.name.toLowerCase()) return null;
    const n = repo.spec.pullRequests;
    return {
      databaseId: repo.spec.repositoryId,
      name: repo.spec.name,
      nameWithOwner: `${repo.spec.owner}/${repo.spec.name}`,
      isPrivate: repo.spec.private ?? false,
      isArchived: false,
      url: `https://github.com/${repo.spec.owner}/${repo.spec.name}`,
      owner: { __typename: "Organization", login: repo.spec.owner, databaseId: repo.spec.ownerId },
      defaultBranchRef: { name: repo.defaultBranch },
      object: () => blob(ctx.configText),
      // Most recently updated first: updatedAt grows with the index.
      pullRequests: (args: ConnArgs) => connection(n, (k) => prObj(repo, repo.pullRequest(n - 1 - k)), args),
      issues: (args: ConnArgs & { filterBy?: { since?: string } }) => {
        const since = args.filterBy?.since ? Date.parse(args.filterBy.since) : -Infinity;
        let count = 0;
        for (let k = repo.spec.issues - 1; k >= 0 && Date.parse(repo.issue(k).updatedAt) >= since; k--) count++;
        return connection(count, (k) => issueObj(repo, repo.issue(repo.spec.issues - 1 - k)), args);
      },
    };
  };
  return {
    rateLimit: () => ctx.rateLimit(),
    repository,
    search: (args: { query: string }) => ({ issueCount: searchCount(repo, args.query) }),
    node: (args: { id: string }) => {
      const m = /^(PR|PRRT|CS|I)_(\d+)(?:_(\d+))?$/.exec(args.id);
      if (!m) return null;
      const i = Number(m[2]);
      if (m[1] === "I") return i < repo.spec.issues ? issueObj(repo, repo.issue(i)) : null;
      if (i >= repo.spec.pullRequests) return null;
      const pr = repo.pullRequest(i);
      if (m[1] === "PR") return prObj(repo, pr);
      if (m[1] === "CS") return suiteObj(pr);
      const t = pr.threads[Number(m[3])];
      return t ? threadObj(repo, pr, t) : null;
    },
  };
}

export async function executeGraphql(ctx: GraphqlContext, query: string, variables: Obj): Promise<{ data?: unknown; errors?: unknown[] }> {
  const result = await graphql({ schema: githubGraphqlSchema(), source: query, rootValue: rootValue(ctx), variableValues: variables });
  return result.errors ? { data: result.data ?? null, errors: result.errors.map((e) => ({ type: "INVALID", message: e.message, path: e.path })) } : { data: result.data };
}
