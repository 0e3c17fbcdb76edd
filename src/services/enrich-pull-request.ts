/**
 * Fetches what a merged pull request's webhooks do not carry: its files (with
 * patches), its commits (with co-author trailers), and its review threads
 * (resolved? outdated — did the code under the comment change afterwards?).
 * One GraphQL query for threads and commits, REST for files (GraphQL has no
 * patches). Then asks for the detectors to run again.
 */
import type { Kysely } from "kysely";
import { parseCoAuthors } from "../core/parse-co-authors.js";
import type { GitHub, GitHubClientFactory } from "../github/clients.js";
import { emptyFactBatch } from "../github/normalise-delivery.js";
import { parsePullRequestFiles, type PullRequestFileRow } from "../github/parse-pull-request-files.js";
import { PULL_REQUEST_DETAILS } from "../github/queries.js";
import { enqueue, TASK } from "../queue/queue.js";
import type { DB } from "../store/schema.js";
import { writeFacts } from "../store/write-facts.js";

export interface EnrichDeps {
  db: Kysely<DB>;
  clients: GitHubClientFactory;
  now: () => Date;
  detectDebounceSeconds: number;
}

export interface EnrichJob {
  installationId: number;
  repositoryId: number;
  owner: string;
  repo: string;
  number: number;
}

/** Caps that keep one huge pull request from eating the rate limit. */
const MAX_FILE_PAGES = 30; // GitHub lists at most 3,000 files
const MAX_GRAPHQL_PAGES = 10;

interface ThreadNode {
  id: string;
  isResolved: boolean;
  isOutdated: boolean;
  path: string | null;
  resolvedBy: { login: string } | null;
  comments: { nodes: { databaseId: number | null }[] };
}
interface CommitNode {
  commit: {
    oid: string;
    message: string;
    authoredDate: string | null;
    author: { name: string | null; email: string | null; user: { databaseId: number | null; login: string } | null } | null;
  };
}
interface DetailsResponse {
  repository: {
    pullRequest: {
      reviewThreads: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: ThreadNode[] };
      commits: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: CommitNode[] };
    } | null;
  } | null;
}

export type EnrichOutcome = "enriched" | "no-client" | "not-found";

export async function enrichPullRequest(deps: EnrichDeps, job: EnrichJob): Promise<EnrichOutcome> {
  const gh = await deps.clients(job.installationId);
  if (!gh) return "no-client";

  const threads: ThreadNode[] = [];
  const commits: CommitNode[] = [];
  let threadCursor: string | null = null;
  let commitCursor: string | null = null;
  let moreThreads = true;
  let moreCommits = true;
  let found = false;
  for (let page = 0; page < MAX_GRAPHQL_PAGES && (moreThreads || moreCommits); page++) {
    const data: DetailsResponse | null = await graphqlOrNull(gh, {
      owner: job.owner,
      name: job.repo,
      number: job.number,
      threads: threadCursor,
      commits: commitCursor,
    });
    const pr = data?.repository?.pullRequest;
    if (!pr) break;
    found = true;
    // A connection that has been read to its end stays finished: later pages only advance the other one.
    if (moreThreads) {
      threads.push(...validThreads(pr.reviewThreads?.nodes));
      moreThreads = pr.reviewThreads?.pageInfo?.hasNextPage === true && typeof pr.reviewThreads.pageInfo.endCursor === "string";
      threadCursor = pr.reviewThreads?.pageInfo?.endCursor ?? threadCursor;
    }
    if (moreCommits) {
      commits.push(...validCommits(pr.commits?.nodes));
      moreCommits = pr.commits?.pageInfo?.hasNextPage === true && typeof pr.commits.pageInfo.endCursor === "string";
      commitCursor = pr.commits?.pageInfo?.endCursor ?? commitCursor;
    }
  }

  const files: PullRequestFileRow[] = [];
  for (let page = 1; page <= MAX_FILE_PAGES; page++) {
    const res = await restOrNull(gh, `GET /repos/{owner}/{repo}/pulls/{pull_number}/files`, {
      owner: job.owner,
      repo: job.repo,
      pull_number: job.number,
      per_page: 100,
      page,
    });
    if (!Array.isArray(res)) break;
    found = true;
    files.push(...parsePullRequestFiles(res));
    if (res.length < 100) break;
  }
  if (!found) return "not-found";

  const now = deps.now().toISOString();
  // The same writers as webhooks' facts (src/store/write-facts.ts), so every source stores alike.
  const batch = emptyFactBatch();
  if (files.length) batch.pullRequestFiles.push({ repositoryId: job.repositoryId, prNumber: job.number, complete: true, files });
  for (const c of commits) {
    const user = c.commit.author?.user ?? null;
    const email = (c.commit.author?.email ?? "").toLowerCase();
    batch.commits.push({
      repositoryId: job.repositoryId,
      sha: c.commit.oid,
      message: c.commit.message,
      authoredAt: c.commit.authoredDate,
      authorId: user?.databaseId ?? null,
      authorName: c.commit.author?.name ?? "",
      authorEmail: email,
      coAuthors: parseCoAuthors(c.commit.message),
    });
    batch.pullRequestCommits.push({ repositoryId: job.repositoryId, prNumber: job.number, sha: c.commit.oid });
    if (user?.databaseId && email && !email.endsWith("@users.noreply.github.com")) batch.emails.push({ email, personId: user.databaseId });
  }
  for (const t of threads) {
    batch.reviewThreads.push({
      nodeId: t.id,
      repositoryId: job.repositoryId,
      prNumber: job.number,
      path: t.path,
      isResolved: t.isResolved,
      isOutdated: t.isOutdated,
      resolvedByLogin: t.resolvedBy?.login ?? null,
      commentIds: t.comments.nodes.map((n) => n.databaseId).filter((id): id is number => typeof id === "number"),
      updatedAt: now,
    });
  }
  await deps.db.transaction().execute(async (trx) => {
    await writeFacts(trx, batch, now);
    await trx
      .updateTable("pull_requests")
      .set({ enriched_at: now })
      .where("repository_id", "=", job.repositoryId)
      .where("number", "=", job.number)
      .execute();
    await enqueue(trx, TASK.detectPullRequest, { repositoryId: job.repositoryId, number: job.number }, {
      jobKey: `detect-pr:${job.repositoryId}:${job.number}`,
      delaySeconds: deps.detectDebounceSeconds,
      maxAttempts: 5,
    });
  });
  return "enriched";
}

async function graphqlOrNull(gh: GitHub, variables: Record<string, unknown>): Promise<DetailsResponse | null> {
  try {
    return await gh.graphql<DetailsResponse>(PULL_REQUEST_DETAILS, variables);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

async function restOrNull(gh: GitHub, route: string, params: Record<string, unknown>): Promise<unknown> {
  try {
    return (await gh.request(route, params)).data;
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
// eslint-disable-next-line no-control-regex
const noNul = (s: string) => s.replace(/\u0000/g, "");

function validThreads(nodes: unknown): ThreadNode[] {
  if (!Array.isArray(nodes)) return [];
  const out: ThreadNode[] = [];
  for (const t of nodes) {
    if (!isRecord(t) || typeof t.id !== "string" || !t.id) continue;
    const comments = isRecord(t.comments) && Array.isArray(t.comments.nodes) ? t.comments.nodes : [];
    out.push({
      id: t.id,
      isResolved: t.isResolved === true,
      isOutdated: t.isOutdated === true,
      path: typeof t.path === "string" ? noNul(t.path).slice(0, 4096) : null,
      resolvedBy: isRecord(t.resolvedBy) && typeof t.resolvedBy.login === "string" ? { login: t.resolvedBy.login } : null,
      comments: { nodes: comments.map((c) => ({ databaseId: isRecord(c) && Number.isSafeInteger(c.databaseId) ? (c.databaseId as number) : null })) },
    });
  }
  return out;
}

function validCommits(nodes: unknown): CommitNode[] {
  if (!Array.isArray(nodes)) return [];
  const out: CommitNode[] = [];
  for (const n of nodes) {
    const c = isRecord(n) && isRecord(n.commit) ? n.commit : null;
    if (!c || typeof c.oid !== "string" || !/^[0-9a-f]{7,64}$/i.test(c.oid)) continue;
    const a = isRecord(c.author) ? c.author : null;
    const u = a && isRecord(a.user) ? a.user : null;
    const authored = typeof c.authoredDate === "string" && !Number.isNaN(Date.parse(c.authoredDate)) ? c.authoredDate : null;
    out.push({
      commit: {
        oid: c.oid,
        message: typeof c.message === "string" ? noNul(c.message) : "",
        authoredDate: authored,
        author: a
          ? {
              name: typeof a.name === "string" ? noNul(a.name) : null,
              email: typeof a.email === "string" ? noNul(a.email) : null,
              user: u && typeof u.login === "string" ? { login: u.login, databaseId: Number.isSafeInteger(u.databaseId) ? (u.databaseId as number) : null } : null,
            }
          : null,
      },
    });
  }
  return out;
}

function isNotFound(err: unknown): boolean {
  const e = err as { status?: number; errors?: { type?: string }[] };
  return e?.status === 404 || e?.status === 410 || (Array.isArray(e?.errors) && e.errors.some((x) => x?.type === "NOT_FOUND"));
}
