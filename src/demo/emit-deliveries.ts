/**
 * Turns a plan (pull requests, issues, pushes) into webhook deliveries and the
 * API recordings the worker fetches after a merge. Payloads are built in a
 * final chronological pass so that repository state (pushed_at, open issue
 * counts, the default branch's head) is the state at each delivery's moment.
 */
import { Buffer } from "node:buffer";
import { BOTS, ORG, P, REPOS, fullName, noreplyEmail, type Person, type RepoInfo, type RepoKey } from "./cast.js";
import {
  API,
  WEB,
  actionsApp,
  installationObject,
  installationRef,
  labelObject,
  newNodeId,
  nodeId,
  organizationObject,
  reactions,
  repoMini,
  repositoryObject,
  userObject,
} from "./github-shapes.js";
import { commentableLines, fileStats, locate, renderPatch, type DiffLocation, type FileChange } from "./patches.js";
import type { Random } from "./prng.js";
import { MINUTE, iso, ms, type CoAuthor, type CommentSpec, type IssueSpec, type Plan, type PrSpec } from "./spec.js";
import type { Recording, SampleDelivery } from "./types.js";

type Json = Record<string, unknown>;

const T0 = ms("2026-06-01T00:00:00Z");

/** Repository state at the moment a payload is built (the final, chronological pass). */
interface RepoState {
  pushedAt: string;
  mainSha: string;
  openIssues: number;
}

interface Pending {
  at: number;
  seq: number;
  event: string;
  repo: RepoKey | null;
  build: (state: RepoState, repoObject: Json) => Json;
  /** Applied to the repository state after the payload is built. */
  effect?: (state: RepoState) => void;
}

/** Facts the story and the tests need, gathered while emitting. */
export interface EmitFacts {
  numbers: Map<string, { repo: RepoKey; number: number; kind: "pr" | "issue"; url: string }>;
  flaky: {
    fixMergedAt: string;
    mainRunsBefore: number;
    flakyBefore: number;
    mainRunsAfter: number;
    flakyAfter: number;
    /** The same, within the detectors' default windows: 30 days before and 30 days after the merge. */
    windowRunsBefore: number;
    windowFlakyBefore: number;
    windowRunsAfter: number;
    windowFlakyAfter: number;
  };
  mergedPullRequests: number;
  pullRequests: number;
}

interface CiRequest {
  repo: RepoKey;
  sha: string;
  branch: string;
  event: "push" | "pull_request";
  at: number;
  actor: Person;
  title: string;
  commitMessage: string;
  commitAuthor: { name: string; email: string };
  pr?: { id: number; number: number; headRef: string; baseSha: string };
}

class IdAllocator {
  private used = new Map<string, Set<number>>();
  constructor(private readonly bases: Record<string, number>) {}
  alloc(kind: string, at: number): number {
    const base = this.bases[kind];
    if (base === undefined) throw new Error(`unknown id kind ${kind}`);
    let set = this.used.get(kind);
    if (!set) {
      set = new Set();
      this.used.set(kind, set);
    }
    let id = base + Math.max(0, Math.floor((at - T0) / 1000)) * 7;
    while (set.has(id)) id++;
    set.add(id);
    return id;
  }
}

interface ThreadState {
  nodeId: string;
  path: string;
  commentIds: number[];
  comments: Json[];
  outdated: boolean;
  resolvedBy: Person | null;
}

interface PrCommit {
  sha: string;
  message: string;
  authoredAt: number;
  pushedAt: number;
  author: Person;
  coAuthors: CoAuthor[];
  /** Commit e-mail not linked to the account (GraphQL user is null). */
  unlinkedEmail?: string;
}

export class Emitter {
  private pending: Pending[] = [];
  private seq = 0;
  private ids = new IdAllocator({
    pr: 2_710_000_000,
    issue: 3_310_000_000,
    review: 3_050_000_000,
    reviewComment: 2_240_000_000,
    issueComment: 3_180_000_000,
    checkRun: 48_300_000_000,
    checkSuite: 44_100_000_000,
    workflowRun: 16_520_000_000,
  });
  private ci: CiRequest[] = [];
  private recordings: Recording[] = [];
  private stats = new Map<string, string>();
  readonly facts: EmitFacts;
  /** (repo, login) → merge times, for author_association. */
  private merges = new Map<string, number[]>();

  constructor(
    private readonly plan: Plan,
    private readonly rng: Random,
    private readonly flakyFixKey: string,
  ) {
    this.facts = {
      numbers: new Map(),
      flaky: { fixMergedAt: "", mainRunsBefore: 0, flakyBefore: 0, mainRunsAfter: 0, flakyAfter: 0, windowRunsBefore: 0, windowFlakyBefore: 0, windowRunsAfter: 0, windowFlakyAfter: 0 },
      mergedPullRequests: 0,
      pullRequests: plan.pullRequests.length,
    };
    this.assignNumbers();
    for (const pr of plan.pullRequests) {
      if (pr.close?.merged) {
        const k = `${pr.repo}/${pr.author.login}`;
        const list = this.merges.get(k) ?? [];
        list.push(ms(pr.openedAt) + pr.close.atMin * MINUTE);
        this.merges.set(k, list);
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private assignNumbers(): void {
    const subjects = [
      ...this.plan.pullRequests.map((p) => ({ key: p.key, repo: p.repo, at: ms(p.openedAt), kind: "pr" as const })),
      ...this.plan.issues.map((i) => ({ key: i.key, repo: i.repo, at: ms(i.openedAt), kind: "issue" as const })),
    ].sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : 1));
    const next = new Map<RepoKey, number>();
    for (const s of subjects) {
      if (this.facts.numbers.has(s.key)) throw new Error(`duplicate subject key ${s.key}`);
      const repo = REPOS[s.repo];
      const n = next.get(s.repo) ?? repo.firstNumber;
      next.set(s.repo, n + 1);
      const url = `${WEB}/${fullName(repo)}/${s.kind === "pr" ? "pull" : "issues"}/${n}`;
      this.facts.numbers.set(s.key, { repo: s.repo, number: n, kind: s.kind, url });
    }
  }

  private num(key: string): number {
    const n = this.facts.numbers.get(key);
    if (!n) throw new Error(`unknown subject ${key}`);
    return n.number;
  }

  /** Fills `{{#key}}`, `{{num:key}}`, `{{url:key}}` and `{{stat:name}}` placeholders. */
  text(s: string): string {
    return s.replace(/\{\{(#|num:|url:|stat:)([^}]+)\}\}/g, (_, kind: string, name: string) => {
      if (kind === "stat:") {
        const v = this.stats.get(name);
        if (v === undefined) throw new Error(`unknown stat ${name}`);
        return v;
      }
      const n = this.facts.numbers.get(name);
      if (!n) throw new Error(`unknown subject ${name}`);
      return kind === "#" ? `#${n.number}` : kind === "num:" ? String(n.number) : n.url;
    });
  }

  private push(at: number, event: string, repo: RepoKey | null, build: Pending["build"], effect?: Pending["effect"]): void {
    this.pending.push({ at, seq: this.seq++, event, repo, build, effect });
  }

  private association(person: Person, repo: RepoKey, at: number): string {
    if (person.type === "Bot") return person.login === BOTS.dependabot.login ? "CONTRIBUTOR" : "NONE";
    if (!person.memberSince || at >= ms(person.memberSince)) return "MEMBER";
    const merged = (this.merges.get(`${repo}/${person.login}`) ?? []).filter((t) => t < at).length;
    return merged > 0 ? "CONTRIBUTOR" : "FIRST_TIME_CONTRIBUTOR";
  }

  private common(repoObject: Json, sender: Person): Json {
    return {
      repository: repoObject,
      organization: organizationObject(),
      sender: userObject(sender),
      installation: installationRef(),
    };
  }

  // ---------------------------------------------------------------- installation

  installation(at: number, by: Person): void {
    this.push(at, "installation", null, () => ({
      action: "created",
      installation: installationObject(Math.floor(at / 1000)),
      repositories: Object.values(REPOS).map(repoMini),
      requester: null,
      sender: userObject(by),
    }));
  }

  // ---------------------------------------------------------------- pull requests

  pullRequest(spec: PrSpec): void {
    const repo = REPOS[spec.repo];
    const repoName = fullName(repo);
    const number = this.num(spec.key);
    const prId = this.ids.alloc("pr", ms(spec.openedAt));
    const prIssueId = this.ids.alloc("issue", ms(spec.openedAt));
    const t0 = ms(spec.openedAt);
    const T = (min: number) => t0 + Math.round(min * MINUTE);
    const htmlUrl = `${WEB}/${repoName}/pull/${number}`;
    const apiUrl = `${API}/repos/${repoName}/pulls/${number}`;
    const title = this.text(spec.title);
    const readyAt = spec.readyAtMin === undefined ? null : T(spec.readyAtMin);
    const closeAt = spec.close ? T(spec.close.atMin) : null;
    const merged = spec.close?.merged ?? false;
    const mergeSha = this.rng.sha();
    const baseSha = this.rng.sha();

    // Commits and the pushes that carry them.
    const commits: PrCommit[] = spec.commits.map((c) => {
      const pushedAt = c.atMin <= 0 ? t0 - 60_000 : T(c.atMin);
      const authoredAt = c.atMin <= 0 ? T(c.atMin) - 60_000 : pushedAt - this.rng.int(2, 9) * MINUTE;
      const author = c.author ?? spec.author;
      return {
        sha: this.rng.sha(),
        message: c.message,
        authoredAt,
        pushedAt,
        author,
        coAuthors: c.coAuthors ?? [],
      };
    });
    if (commits.length === 0) throw new Error(`${spec.key}: no commits`);
    const headAt = (t: number) => {
      let head = commits[0]!.sha;
      for (const c of commits) if (c.pushedAt <= t) head = c.sha;
      return head;
    };
    const commitsAt = (t: number) => Math.max(1, commits.filter((c) => c.pushedAt <= t).length);

    const files = spec.files;
    const totals = files.reduce(
      (acc, f) => {
        const s = fileStats(f);
        return { additions: acc.additions + s.additions, deletions: acc.deletions + s.deletions };
      },
      { additions: 0, deletions: 0 },
    );
    const labels = spec.labels ?? [];
    const humanReviewers = [
      ...new Map(
        (spec.requestedReviewers ?? spec.reviews.map((r) => r.by))
          .filter((p) => p.type === "User" && p.login !== spec.author.login)
          .map((p) => [p.login, p]),
      ).values(),
    ];

    const issueCommentTimes: number[] = [];
    const reviewCommentTimes: number[] = [];
    const events: number[] = [];
    const guard = (t: number, what: string) => {
      events.push(t);
      if (closeAt !== null && t > closeAt) throw new Error(`${spec.key}: ${what} after the pull request closed`);
    };

    const prObject = (t: number, full: boolean, repoObject: Json, state: RepoState): Json => {
      const closed = closeAt !== null && t >= closeAt;
      const isMerged = closed && merged;
      const draft = readyAt !== null && t < readyAt;
      const head = headAt(t);
      const obj: Json = {
        url: apiUrl,
        id: prId,
        node_id: nodeId("PullRequest", prId),
        html_url: htmlUrl,
        diff_url: `${htmlUrl}.diff`,
        patch_url: `${htmlUrl}.patch`,
        issue_url: `${API}/repos/${repoName}/issues/${number}`,
        number,
        state: closed ? "closed" : "open",
        locked: false,
        title,
        user: userObject(spec.author),
        body: this.text(spec.body),
        created_at: iso(t0),
        updated_at: iso(t),
        closed_at: closed && closeAt !== null ? iso(closeAt) : null,
        merged_at: isMerged && closeAt !== null ? iso(closeAt) : null,
        merge_commit_sha: isMerged ? mergeSha : null,
        assignee: null,
        assignees: [],
        requested_reviewers: t === t0 ? humanReviewers.map(userObject) : [],
        requested_teams: [],
        labels: labels.map((l) => labelObject(repo, l)),
        milestone: null,
        draft,
        commits_url: `${apiUrl}/commits`,
        review_comments_url: `${apiUrl}/comments`,
        review_comment_url: `${API}/repos/${repoName}/pulls/comments{/number}`,
        comments_url: `${API}/repos/${repoName}/issues/${number}/comments`,
        statuses_url: `${API}/repos/${repoName}/statuses/${head}`,
        head: {
          label: `${ORG.login}:${spec.headRef}`,
          ref: spec.headRef,
          sha: head,
          user: userObject({ login: ORG.login, id: ORG.id, name: ORG.name, type: "User" }),
          repo: repoObject,
        },
        base: {
          label: `${ORG.login}:main`,
          ref: "main",
          sha: closed ? baseSha : state.mainSha || baseSha,
          user: userObject({ login: ORG.login, id: ORG.id, name: ORG.name, type: "User" }),
          repo: repoObject,
        },
        _links: {
          self: { href: apiUrl },
          html: { href: htmlUrl },
          issue: { href: `${API}/repos/${repoName}/issues/${number}` },
          comments: { href: `${API}/repos/${repoName}/issues/${number}/comments` },
          review_comments: { href: `${apiUrl}/comments` },
          review_comment: { href: `${API}/repos/${repoName}/pulls/comments{/number}` },
          commits: { href: `${apiUrl}/commits` },
          statuses: { href: `${API}/repos/${repoName}/statuses/${head}` },
        },
        author_association: this.association(spec.author, spec.repo, t0),
        auto_merge: null,
        active_lock_reason: null,
      };
      for (const u of [obj.head, obj.base] as Json[]) {
        const user = u.user as Json;
        user.node_id = nodeId("Organization", ORG.id);
        user.type = "Organization";
      }
      if (!full) return obj;
      return {
        ...obj,
        merged: isMerged,
        mergeable: closed ? null : true,
        rebaseable: closed ? null : true,
        mergeable_state: closed ? "unknown" : draft ? "draft" : "clean",
        merged_by: isMerged && spec.close ? userObject(spec.close.by) : null,
        comments: issueCommentTimes.filter((x) => x <= t).length,
        review_comments: reviewCommentTimes.filter((x) => x <= t).length,
        maintainer_can_modify: false,
        commits: commitsAt(t),
        additions: totals.additions,
        deletions: totals.deletions,
        changed_files: files.length,
      };
    };

    const prEvent = (t: number, action: string, sender: Person, extra: Json = {}) => {
      guard(t, action);
      this.push(
        t,
        "pull_request",
        spec.repo,
        (state, repoObject) => ({
          action,
          number,
          pull_request: prObject(t, true, repoObject, state),
          ...extra,
          ...this.common(repoObject, sender),
        }),
        action === "opened" ? (s) => void s.openIssues++ : action === "closed" ? (s) => void s.openIssues-- : undefined,
      );
    };

    // Opening.
    prEvent(t0, "opened", spec.author);
    this.ciRequest(spec, commits, t0, headAt(t0), prId, number, baseSha);
    if (readyAt !== null) prEvent(readyAt, "ready_for_review", spec.author);
    // Later pushes.
    let before = headAt(t0);
    for (const c of commits) {
      if (c.pushedAt <= t0) continue;
      const prev = before;
      prEvent(c.pushedAt, "synchronize", c.author, { before: prev, after: c.sha });
      this.ciRequest(spec, commits, c.pushedAt, c.sha, prId, number, baseSha);
      before = c.sha;
    }

    // Reviews and their threads.
    const threads: ThreadState[] = [];
    const original = spec.originalFiles ?? spec.files;
    const fileFor = (path: string): FileChange => {
      const f = original.find((x) => x.path === path) ?? spec.files.find((x) => x.path === path);
      if (!f) throw new Error(`${spec.key}: no file ${path}`);
      return f;
    };
    const reviewPayload = (
      t: number,
      reviewId: number,
      reviewer: Person,
      state: string,
      body: string | null,
    ) => {
      const reviewUrl = `${htmlUrl}#pullrequestreview-${reviewId}`;
      this.push(t, "pull_request_review", spec.repo, (st, repoObject) => ({
        action: "submitted",
        review: {
          id: reviewId,
          node_id: nodeId("PullRequestReview", reviewId),
          user: userObject(reviewer),
          body: body === null ? null : this.text(body),
          commit_id: headAt(t),
          submitted_at: iso(t),
          state,
          html_url: reviewUrl,
          pull_request_url: apiUrl,
          author_association: this.association(reviewer, spec.repo, t),
          _links: { html: { href: reviewUrl }, pull_request: { href: apiUrl } },
        },
        pull_request: prObject(t, false, repoObject, st),
        ...this.common(repoObject, reviewer),
      }));
    };
    const commentPayload = (
      t: number,
      commentId: number,
      reviewId: number,
      author: Person,
      path: string,
      loc: DiffLocation,
      body: string,
      inReplyTo: number | null,
      originalCommit: string,
    ): Json => {
      const url = `${htmlUrl}#discussion_r${commentId}`;
      const apiCommentUrl = `${API}/repos/${repoName}/pulls/comments/${commentId}`;
      const comment: Json = {
        url: apiCommentUrl,
        pull_request_review_id: reviewId,
        id: commentId,
        node_id: nodeId("PullRequestReviewComment", commentId),
        diff_hunk: loc.diffHunk,
        path,
        position: loc.position,
        original_position: loc.position,
        commit_id: headAt(t),
        original_commit_id: originalCommit,
        user: userObject(author),
        body: this.text(body),
        created_at: iso(t),
        updated_at: iso(t),
        html_url: url,
        pull_request_url: apiUrl,
        author_association: this.association(author, spec.repo, t),
        _links: { self: { href: apiCommentUrl }, html: { href: url }, pull_request: { href: apiUrl } },
        reactions: reactions(`${apiCommentUrl}/reactions`),
        start_line: null,
        original_start_line: null,
        start_side: null,
        line: loc.line,
        original_line: loc.line,
        side: "RIGHT",
      };
      if (inReplyTo !== null) comment.in_reply_to_id = inReplyTo;
      return comment;
    };
    const emitComment = (t: number, comment: Json, author: Person) => {
      reviewCommentTimes.push(t);
      this.push(t, "pull_request_review_comment", spec.repo, (st, repoObject) => ({
        action: "created",
        comment,
        pull_request: prObject(t, false, repoObject, st),
        ...this.common(repoObject, author),
      }));
    };

    for (const review of spec.reviews) {
      const rt = T(review.atMin);
      guard(rt, "review");
      const reviewId = this.ids.alloc("review", rt);
      const commitAtReview = headAt(rt);
      for (const c of review.comments ?? []) {
        this.reviewThread(spec, c, review.by, rt, reviewId, commitAtReview, fileFor, commentPayload, emitComment, threads, guard, commits, T, prObject, reviewPayload);
      }
      reviewPayload(rt, reviewId, review.by, review.state, review.body);
    }

    // Conversation on the pull request.
    // Comments may come after the merge (endorsements, notes): only reviews and pushes must precede it.
    for (const c of spec.comments) {
      const t = T(c.atMin);
      issueCommentTimes.push(t);
      this.issueComment(spec.repo, t, c.by, c.body, () => ({
        ...this.issueObject(spec.repo, {
          id: prIssueId,
          number,
          title,
          author: spec.author,
          body: this.text(spec.body),
          labels,
          state: closeAt !== null && t >= closeAt ? "closed" : "open",
          stateReason: null,
          createdAt: t0,
          updatedAt: t,
          closedAt: closeAt !== null && t >= closeAt ? closeAt : null,
          comments: issueCommentTimes.filter((x) => x < t).length,
          pr: { mergedAt: merged && closeAt !== null && t >= closeAt ? closeAt : null, htmlUrl },
          draft: readyAt !== null && t < readyAt,
        }),
      }));
    }

    if (!spec.close || closeAt === null) return;
    const lastEvent = Math.max(...events);
    if (lastEvent > closeAt) throw new Error(`${spec.key}: events after close`);
    prEvent(closeAt, "closed", spec.close.by);
    if (!merged) return;
    this.facts.mergedPullRequests++;

    // The squash merge lands on main.
    const coAuthors = new Map<string, CoAuthor>();
    for (const c of commits) {
      if (c.author.login !== spec.author.login) coAuthors.set(noreplyEmail(c.author), { name: c.author.name, email: noreplyEmail(c.author) });
      for (const ca of c.coAuthors) coAuthors.set(ca.email, ca);
    }
    const bullet = commits.length > 1 ? `\n\n${commits.map((c) => `* ${c.message.split("\n")[0]}`).join("\n\n")}` : "";
    const trailers = [...coAuthors.values()].map((ca) => `Co-authored-by: ${ca.name} <${ca.email}>`).join("\n");
    const squashMessage = `${title} (#${number})${bullet}${trailers ? `\n\n${trailers}` : ""}`;
    const authorIdent = { name: spec.author.name, email: noreplyEmail(spec.author), username: spec.author.login };
    this.mainPush(spec.repo, closeAt, spec.close.by, mergeSha, squashMessage, authorIdent, files, true);
    // Issues it closes get their "closed" event through their own timeline (see closeIssuesFromMerges).

    if (spec.key === this.flakyFixKey) this.facts.flaky.fixMergedAt = iso(closeAt);

    // Recordings the worker fetches after the merge.
    const [owner, name] = repoName.split("/") as [string, string];
    this.recordings.push({
      method: "POST",
      path: "/graphql",
      variables: { owner, name, number, threads: null, commits: null },
      status: 200,
      body: {
        data: {
          repository: {
            pullRequest: {
              reviewThreads: {
                pageInfo: { hasNextPage: false, endCursor: null },
                nodes: threads.map((th) => ({
                  id: th.nodeId,
                  isResolved: th.resolvedBy !== null,
                  isOutdated: th.outdated,
                  path: th.path,
                  resolvedBy: th.resolvedBy ? { login: th.resolvedBy.login } : null,
                  comments: { nodes: th.commentIds.map((databaseId) => ({ databaseId })) },
                })),
              },
              commits: {
                pageInfo: { hasNextPage: false, endCursor: null },
                nodes: commits.map((c) => ({
                  commit: {
                    oid: c.sha,
                    message: this.commitMessage(c),
                    authoredDate: iso(c.authoredAt),
                    author: {
                      name: c.author.name,
                      email: c.unlinkedEmail ?? noreplyEmail(c.author),
                      user: c.unlinkedEmail ? null : { databaseId: c.author.id, login: c.author.login },
                    },
                  },
                })),
              },
            },
          },
        },
      },
    });
    this.recordings.push({
      method: "GET",
      path: `/repos/${repoName}/pulls/${number}/files?per_page=100&page=1`,
      status: 200,
      body: files.map((f) => this.fileEntry(repoName, mergeSha, f)),
    });
  }

  private commitMessage(c: PrCommit): string {
    const trailers = c.coAuthors.map((ca) => `Co-authored-by: ${ca.name} <${ca.email}>`).join("\n");
    return trailers ? `${c.message}\n\n${trailers}` : c.message;
  }

  private fileEntry(repoName: string, ref: string, f: FileChange): Json {
    const s = fileStats(f);
    const blob = Buffer.from(`${repoName}:${ref}:${f.path}`).toString("hex").padEnd(40, "0").slice(-40);
    const entry: Json = {
      sha: blob,
      filename: f.path,
      status: f.status,
      additions: s.additions,
      deletions: s.deletions,
      changes: s.additions + s.deletions,
      blob_url: `${WEB}/${repoName}/blob/${ref}/${f.path}`,
      raw_url: `${WEB}/${repoName}/raw/${ref}/${f.path}`,
      contents_url: `${API}/repos/${repoName}/contents/${f.path}?ref=${ref}`,
    };
    if (!f.omitPatch) entry.patch = renderPatch(f);
    if (f.previousPath) entry.previous_filename = f.previousPath;
    return entry;
  }

  private reviewThread(
    spec: PrSpec,
    c: CommentSpec,
    reviewer: Person,
    rt: number,
    reviewId: number,
    commitAtReview: string,
    fileFor: (path: string) => FileChange,
    commentPayload: (t: number, id: number, reviewId: number, author: Person, path: string, loc: DiffLocation, body: string, inReplyTo: number | null, originalCommit: string) => Json,
    emitComment: (t: number, comment: Json, author: Person) => void,
    threads: ThreadState[],
    guard: (t: number, what: string) => void,
    commits: PrCommit[],
    T: (min: number) => number,
    prObject: (t: number, full: boolean, repoObject: Json, state: RepoState) => Json,
    reviewPayload: (t: number, reviewId: number, reviewer: Person, state: string, body: string | null) => void,
  ): void {
    void T;
    const file = fileFor(c.path);
    const loc = c.anchor ? locate(file, c.anchor) : this.rng.pick(commentableLines(file, true).length ? commentableLines(file, true) : commentableLines(file));
    const rootId = this.ids.alloc("reviewComment", rt);
    const root = commentPayload(rt, rootId, reviewId, reviewer, c.path, loc, c.body, null, commitAtReview);
    emitComment(rt, root, reviewer);
    if (c.outcome === "fixed" && !commits.some((k) => k.pushedAt > rt)) {
      throw new Error(`${spec.key}: comment marked fixed but no commit after it`);
    }
    const thread: ThreadState = {
      nodeId: newNodeId("PRRT", rootId),
      path: c.path,
      commentIds: [rootId],
      comments: [root],
      outdated: c.outcome === "fixed",
      resolvedBy: null,
    };
    threads.push(thread);
    for (const r of c.replies ?? []) {
      const t = rt + Math.round(r.afterMin * MINUTE);
      guard(t, "reply");
      const by = r.by === "author" ? spec.author : r.by === "reviewer" ? reviewer : r.by;
      const replyReviewId = this.ids.alloc("review", t);
      const id = this.ids.alloc("reviewComment", t);
      const reply = commentPayload(t, id, replyReviewId, by, c.path, loc, r.body, rootId, commitAtReview);
      emitComment(t, reply, by);
      reviewPayload(t, replyReviewId, by, "commented", null);
      thread.commentIds.push(id);
      thread.comments.push(reply);
    }
    if (c.resolve) {
      const t = rt + Math.round(c.resolve.afterMin * MINUTE);
      guard(t, "resolve");
      const by = c.resolve.by === "author" ? spec.author : reviewer;
      thread.resolvedBy = by;
      const snapshot = [...thread.comments];
      const node = thread.nodeId;
      this.push(t, "pull_request_review_thread", spec.repo, (st, repoObject) => ({
        action: "resolved",
        pull_request: prObject(t, false, repoObject, st),
        thread: { node_id: node, comments: snapshot },
        ...this.common(repoObject, by),
      }));
    }
  }

  // ---------------------------------------------------------------- pushes and CI

  private ciRequest(spec: PrSpec, commits: PrCommit[], at: number, sha: string, prId: number, number: number, baseSha: string): void {
    const c = commits.find((k) => k.sha === sha) ?? commits[0]!;
    this.ci.push({
      repo: spec.repo,
      sha,
      branch: spec.headRef,
      event: "pull_request",
      at,
      actor: c.author,
      title: this.text(spec.title),
      commitMessage: this.commitMessage(c),
      commitAuthor: { name: c.author.name, email: noreplyEmail(c.author) },
      pr: { id: prId, number, headRef: spec.headRef, baseSha },
    });
  }

  /** A push to main: a squash merge or a direct push. */
  mainPush(
    repoKey: RepoKey,
    at: number,
    pusher: Person,
    sha: string,
    message: string,
    author: { name: string; email: string; username: string },
    files: FileChange[],
    viaMerge: boolean,
  ): void {
    const repo = REPOS[repoKey];
    const repoName = fullName(repo);
    const treeId = this.rng.sha();
    const commit = {
      id: sha,
      tree_id: treeId,
      distinct: true,
      message,
      timestamp: iso(at),
      url: `${WEB}/${repoName}/commit/${sha}`,
      author,
      committer: viaMerge ? { name: "GitHub", email: "noreply@github.com", username: "web-flow" } : author,
      added: files.filter((f) => f.status === "added").map((f) => f.path),
      removed: files.filter((f) => f.status === "removed").map((f) => f.path),
      modified: files.filter((f) => f.status === "modified" || f.status === "renamed").map((f) => f.path),
    };
    this.push(
      at,
      "push",
      repoKey,
      (state, repoObject) => ({
        ref: "refs/heads/main",
        before: state.mainSha,
        after: sha,
        repository: repoObject,
        pusher: { name: pusher.login, email: noreplyEmail(pusher) },
        organization: organizationObject(),
        sender: userObject(pusher),
        installation: installationRef(),
        created: false,
        deleted: false,
        forced: false,
        base_ref: null,
        compare: `${WEB}/${repoName}/compare/${state.mainSha.slice(0, 12)}...${sha.slice(0, 12)}`,
        commits: [commit],
        head_commit: commit,
      }),
      (state) => {
        state.mainSha = sha;
        state.pushedAt = iso(at);
      },
    );
    this.ci.push({
      repo: repoKey,
      sha,
      branch: "main",
      event: "push",
      at,
      actor: pusher,
      title: message.split("\n")[0] ?? message,
      commitMessage: message,
      commitAuthor: { name: author.name, email: author.email },
    });
  }

  directPush(spec: Plan["directPushes"][number]): void {
    const trailers = (spec.coAuthors ?? []).map((ca) => `Co-authored-by: ${ca.name} <${ca.email}>`).join("\n");
    const message = trailers ? `${spec.message}\n\n${trailers}` : spec.message;
    this.mainPush(
      spec.repo,
      ms(spec.at),
      spec.author,
      this.rng.sha(),
      message,
      { name: spec.author.name, email: noreplyEmail(spec.author), username: spec.author.login },
      spec.files,
      false,
    );
  }

  /** Emits every CI run: `ci` workflow runs and `test` check runs, with flaky failures and reruns. */
  private emitCi(): void {
    const fixAt = this.facts.flaky.fixMergedAt ? ms(this.facts.flaky.fixMergedAt) : Number.POSITIVE_INFINITY;
    const byRepo = new Map<RepoKey, CiRequest[]>();
    for (const r of this.ci) byRepo.set(r.repo, [...(byRepo.get(r.repo) ?? []), r]);
    const rerunners = [P.oliver, P.jonah, P.hannah, P.kwame, P.dev, P.lena];
    const flakyBeforeOpen = this.plan.pullRequests.find((p) => p.key === this.flakyFixKey);
    const fixOpenedAt = flakyBeforeOpen ? ms(flakyBeforeOpen.openedAt) : fixAt;
    let mainBeforeOpen = 0;
    let flakyBeforeOpenCount = 0;

    for (const [repoKey, reqs] of byRepo) {
      const repo = REPOS[repoKey];
      reqs.sort((a, b) => a.at - b.at);
      const flakyRepo = repoKey === "fleet";
      // On the default branch, the flaky rate is exact: about one run in five before the fix, one run after.
      const flaky = new Set<CiRequest>();
      if (flakyRepo) {
        const mainBefore = reqs.filter((r) => r.event === "push" && r.at < fixAt);
        const mainAfter = reqs.filter((r) => r.event === "push" && r.at >= fixAt);
        // Sampled separately inside the 30 days before the fix, so the window the detectors measure
        // shows the same one-in-five rate as the whole history rather than a lucky or unlucky stretch.
        const windowStart = fixAt - 30 * 24 * 60 * MINUTE;
        const recent = mainBefore.filter((r) => r.at >= windowStart);
        const older = mainBefore.filter((r) => r.at < windowStart);
        for (const part of [older, recent]) {
          const n = Math.round(part.length * (0.17 + this.rng.next() * 0.05));
          for (const r of this.rng.sample(part, n)) flaky.add(r);
        }
        // Keep the one post-fix flake away from the fix itself so the "after" window reads clean at first.
        if (mainAfter.length >= 40) flaky.add(this.rng.pick(mainAfter.slice(Math.floor(mainAfter.length / 2))));
        for (const r of reqs) if (r.event === "pull_request" && r.at < fixAt && this.rng.chance(0.18)) flaky.add(r);
        this.facts.flaky.mainRunsBefore = mainBefore.length;
        this.facts.flaky.mainRunsAfter = mainAfter.length;
        this.facts.flaky.flakyBefore = mainBefore.filter((r) => flaky.has(r)).length;
        this.facts.flaky.flakyAfter = mainAfter.filter((r) => flaky.has(r)).length;
        const windowAfter = mainAfter.filter((r) => r.at < fixAt + 30 * 24 * 60 * MINUTE);
        this.facts.flaky.windowRunsBefore = recent.length;
        this.facts.flaky.windowFlakyBefore = recent.filter((r) => flaky.has(r)).length;
        this.facts.flaky.windowRunsAfter = windowAfter.length;
        this.facts.flaky.windowFlakyAfter = windowAfter.filter((r) => flaky.has(r)).length;
        mainBeforeOpen = mainBefore.filter((r) => r.at < fixOpenedAt).length;
        flakyBeforeOpenCount = mainBefore.filter((r) => r.at < fixOpenedAt && flaky.has(r)).length;
      }
      const workflowId = 9_000_000 + (repo.id % 1_000_000);
      let runNumber = 1800 + (repo.id % 900);
      for (const r of reqs) {
        runNumber++;
        const runId = this.ids.alloc("workflowRun", r.at);
        const suiteId = this.ids.alloc("checkSuite", r.at);
        const start = r.at + this.rng.int(5, 40) * 1000;
        const end = start + this.rng.int(repo.ciMinutes[0] * 60, repo.ciMinutes[1] * 60) * 1000;
        const isFlaky = flaky.has(r);
        this.ciRun(r, repo, workflowId, runId, suiteId, runNumber, 1, r.at, start, end, isFlaky ? "failure" : "success", r.actor, isFlaky);
        if (isFlaky) {
          const rerunner = r.event === "push" ? this.rng.pick(rerunners) : r.actor;
          const restart = end + this.rng.int(8, 95) * MINUTE;
          const reEnd = restart + this.rng.int(repo.ciMinutes[0] * 60, repo.ciMinutes[1] * 60) * 1000;
          this.ciRun(r, repo, workflowId, runId, suiteId, runNumber, 2, r.at, restart, reEnd, "success", rerunner, false);
        }
      }
    }
    const pct = (a: number, b: number) => (b === 0 ? "0" : ((100 * a) / b).toFixed(0));
    this.stats.set("flakyBeforeOpen", String(flakyBeforeOpenCount));
    this.stats.set("mainRunsBeforeOpen", String(mainBeforeOpen));
    this.stats.set("flakyPctBeforeOpen", pct(flakyBeforeOpenCount, mainBeforeOpen));
  }

  private ciRun(
    r: CiRequest,
    repo: RepoInfo,
    workflowId: number,
    runId: number,
    suiteId: number,
    runNumber: number,
    attempt: number,
    createdAt: number,
    start: number,
    end: number,
    conclusion: "success" | "failure",
    triggeringActor: Person,
    flakyFailure: boolean,
  ): void {
    const repoName = fullName(repo);
    const runUrl = `${API}/repos/${repoName}/actions/runs/${runId}`;
    const prs = r.pr
      ? [
          {
            url: `${API}/repos/${repoName}/pulls/${r.pr.number}`,
            id: r.pr.id,
            number: r.pr.number,
            head: { ref: r.pr.headRef, sha: r.sha, repo: { id: repo.id, url: `${API}/repos/${repoName}`, name: repo.name } },
            base: { ref: "main", sha: r.pr.baseSha, repo: { id: repo.id, url: `${API}/repos/${repoName}`, name: repo.name } },
          },
        ]
      : [];
    const shortRepo = (repoObject: Json): Json => {
      const out: Json = {};
      for (const [k, v] of Object.entries(repoObject)) {
        out[k] = v;
        if (k === "deployments_url") break;
      }
      return out;
    };
    this.push(end, "workflow_run", r.repo, (_state, repoObject) => ({
      action: "completed",
      workflow_run: {
        id: runId,
        name: "ci",
        node_id: nodeId("WorkflowRun", runId),
        head_branch: r.branch,
        head_sha: r.sha,
        path: ".github/workflows/ci.yml",
        display_title: r.title,
        run_number: runNumber,
        event: r.event,
        status: "completed",
        conclusion,
        workflow_id: workflowId,
        check_suite_id: suiteId,
        check_suite_node_id: nodeId("CheckSuite", suiteId),
        url: runUrl,
        html_url: `${WEB}/${repoName}/actions/runs/${runId}`,
        pull_requests: prs,
        created_at: iso(createdAt),
        updated_at: iso(end),
        actor: userObject(r.actor),
        run_attempt: attempt,
        referenced_workflows: [],
        run_started_at: iso(start),
        triggering_actor: userObject(triggeringActor),
        jobs_url: `${runUrl}/jobs`,
        logs_url: `${runUrl}/logs`,
        check_suite_url: `${API}/repos/${repoName}/check-suites/${suiteId}`,
        artifacts_url: `${runUrl}/artifacts`,
        cancel_url: `${runUrl}/cancel`,
        rerun_url: `${runUrl}/rerun`,
        previous_attempt_url: attempt > 1 ? `${runUrl}/attempts/${attempt - 1}` : null,
        workflow_url: `${API}/repos/${repoName}/actions/workflows/${workflowId}`,
        head_commit: {
          id: r.sha,
          tree_id: r.sha.split("").reverse().join(""),
          message: r.commitMessage,
          timestamp: iso(r.at),
          author: r.commitAuthor,
          committer: r.event === "push" ? { name: "GitHub", email: "noreply@github.com" } : r.commitAuthor,
        },
        repository: shortRepo(repoObject),
        head_repository: shortRepo(repoObject),
      },
      workflow: {
        id: workflowId,
        node_id: nodeId("Workflow", workflowId),
        name: "ci",
        path: ".github/workflows/ci.yml",
        state: "active",
        created_at: "2023-04-11T09:30:02.000Z",
        updated_at: "2026-05-19T14:02:51.000Z",
        url: `${API}/repos/${repoName}/actions/workflows/${workflowId}`,
        html_url: `${WEB}/${repoName}/blob/main/.github/workflows/ci.yml`,
        badge_url: `${WEB}/${repoName}/workflows/ci/badge.svg`,
      },
      ...this.common(repoObject, triggeringActor),
    }));

    const checkRunId = this.ids.alloc("checkRun", end);
    const checkUrl = `${API}/repos/${repoName}/check-runs/${checkRunId}`;
    const failureSummary =
      "FAIL test/integration/order-sync.test.ts > OrderSyncTest > marks the order synced after the robot acks\n" +
      "AssertionError: expected 'pending' to be 'synced' // Object.is equality\n" +
      " ❯ test/integration/order-sync.test.ts:48:31";
    this.push(end, "check_run", r.repo, (_state, repoObject) => ({
      action: "completed",
      check_run: {
        id: checkRunId,
        name: "test",
        node_id: nodeId("CheckRun", checkRunId),
        head_sha: r.sha,
        external_id: `${runId}-test`,
        url: checkUrl,
        html_url: `${WEB}/${repoName}/actions/runs/${runId}/job/${checkRunId}`,
        details_url: `${WEB}/${repoName}/actions/runs/${runId}/job/${checkRunId}`,
        status: "completed",
        conclusion,
        started_at: iso(start),
        completed_at: iso(end),
        output: {
          title: conclusion === "failure" ? "1 failed test" : null,
          summary: conclusion === "failure" && flakyFailure ? failureSummary : null,
          text: null,
          annotations_count: conclusion === "failure" ? 1 : 0,
          annotations_url: `${checkUrl}/annotations`,
        },
        check_suite: {
          id: suiteId,
          node_id: nodeId("CheckSuite", suiteId),
          head_branch: r.branch,
          head_sha: r.sha,
          status: "completed",
          conclusion,
          url: `${API}/repos/${repoName}/check-suites/${suiteId}`,
          before: r.pr ? r.pr.baseSha : null,
          after: r.sha,
          pull_requests: prs,
          app: actionsApp(),
          created_at: iso(createdAt),
          updated_at: iso(end),
        },
        app: actionsApp(),
        pull_requests: prs,
      },
      ...this.common(repoObject, triggeringActor),
    }));
  }

  // ---------------------------------------------------------------- issues

  private issueObject(
    repoKey: RepoKey,
    i: {
      id: number;
      number: number;
      title: string;
      author: Person;
      body: string;
      labels: string[];
      state: "open" | "closed";
      stateReason: string | null;
      createdAt: number;
      updatedAt: number;
      closedAt: number | null;
      comments: number;
      pr?: { mergedAt: number | null; htmlUrl: string };
      draft?: boolean;
    },
  ): Json {
    const repo = REPOS[repoKey];
    const repoName = fullName(repo);
    const u = `${API}/repos/${repoName}/issues/${i.number}`;
    const obj: Json = {
      url: u,
      repository_url: `${API}/repos/${repoName}`,
      labels_url: `${u}/labels{/name}`,
      comments_url: `${u}/comments`,
      events_url: `${u}/events`,
      html_url: i.pr ? i.pr.htmlUrl : `${WEB}/${repoName}/issues/${i.number}`,
      id: i.id,
      node_id: i.pr ? nodeId("PullRequest", i.id) : nodeId("Issue", i.id),
      number: i.number,
      title: i.title,
      user: userObject(i.author),
      labels: i.labels.map((l) => labelObject(repo, l)),
      state: i.state,
      locked: false,
      assignee: null,
      assignees: [],
      milestone: null,
      comments: i.comments,
      created_at: iso(i.createdAt),
      updated_at: iso(i.updatedAt),
      closed_at: i.closedAt === null ? null : iso(i.closedAt),
      author_association: this.association(i.author, repoKey, i.createdAt),
      active_lock_reason: null,
    };
    obj.draft = i.draft ?? false;
    if (i.pr) {
      obj.pull_request = {
        url: `${API}/repos/${repoName}/pulls/${i.number}`,
        html_url: i.pr.htmlUrl,
        diff_url: `${i.pr.htmlUrl}.diff`,
        patch_url: `${i.pr.htmlUrl}.patch`,
        merged_at: i.pr.mergedAt === null ? null : iso(i.pr.mergedAt),
      };
    }
    obj.body = i.body;
    obj.reactions = reactions(`${u}/reactions`);
    obj.timeline_url = `${u}/timeline`;
    obj.performed_via_github_app = null;
    obj.state_reason = i.stateReason;
    return obj;
  }

  private issueComment(repoKey: RepoKey, t: number, by: Person, body: string, issue: () => { [k: string]: unknown }): void {
    const repo = REPOS[repoKey];
    const repoName = fullName(repo);
    const id = this.ids.alloc("issueComment", t);
    this.push(t, "issue_comment", repoKey, (_state, repoObject) => {
      const issueObj = issue();
      const apiUrl = `${API}/repos/${repoName}/issues/comments/${id}`;
      return {
        action: "created",
        issue: issueObj,
        comment: {
          url: apiUrl,
          html_url: `${String(issueObj.html_url)}#issuecomment-${id}`,
          issue_url: issueObj.url,
          id,
          node_id: nodeId("IssueComment", id),
          user: userObject(by),
          created_at: iso(t),
          updated_at: iso(t),
          author_association: this.association(by, repoKey, t),
          body: this.text(body),
          reactions: reactions(`${apiUrl}/reactions`),
          performed_via_github_app: null,
        },
        ...this.common(repoObject, by),
      };
    });
  }

  issue(spec: IssueSpec): void {
    const number = this.num(spec.key);
    const t0 = ms(spec.openedAt);
    const id = this.ids.alloc("issue", t0);
    const T = (min: number) => t0 + Math.round(min * MINUTE);
    const events = [...spec.events].sort((a, b) => a.atMin - b.atMin);

    // The issue's state after each event, so every payload shows the issue as it was.
    let title = this.text(spec.title);
    let body = this.text(spec.body);
    let labels = [...(spec.labels ?? [])];
    let state: "open" | "closed" = "open";
    let stateReason: string | null = null;
    let closedAt: number | null = null;
    let comments = 0;
    const snapshot = (t: number) => ({
      id,
      number,
      title,
      author: spec.author,
      body,
      labels: [...labels],
      state,
      stateReason,
      createdAt: t0,
      updatedAt: t,
      closedAt,
      comments,
    });

    const opened = snapshot(t0);
    this.push(
      t0,
      "issues",
      spec.repo,
      (_s, repoObject) => ({ action: "opened", issue: this.issueObject(spec.repo, opened), ...this.common(repoObject, spec.author) }),
      (s) => void s.openIssues++,
    );
    for (const e of events) {
      const t = T(e.atMin);
      if (e.kind === "comment") {
        const snap = snapshot(t);
        this.issueComment(spec.repo, t, e.by, e.body, () => this.issueObject(spec.repo, snap));
        comments++;
        continue;
      }
      if (e.kind === "edit") {
        const changes: Json = {};
        const newBody = this.text(e.body);
        if (newBody !== body) changes.body = { from: body };
        if (e.title !== undefined) changes.title = { from: title };
        body = newBody;
        if (e.title !== undefined) title = this.text(e.title);
        const snap = snapshot(t);
        this.push(t, "issues", spec.repo, (_s, repoObject) => ({
          action: "edited",
          issue: this.issueObject(spec.repo, snap),
          changes,
          ...this.common(repoObject, e.by),
        }));
        continue;
      }
      if (e.kind === "label") {
        if (!labels.includes(e.label)) labels = [...labels, e.label];
        const snap = snapshot(t);
        const repo = REPOS[spec.repo];
        this.push(t, "issues", spec.repo, (_s, repoObject) => ({
          action: "labeled",
          issue: this.issueObject(spec.repo, snap),
          label: labelObject(repo, e.label),
          ...this.common(repoObject, e.by),
        }));
        continue;
      }
      state = "closed";
      stateReason = e.reason;
      closedAt = t;
      const snap = snapshot(t);
      this.push(
        t,
        "issues",
        spec.repo,
        (_s, repoObject) => ({ action: "closed", issue: this.issueObject(spec.repo, snap), ...this.common(repoObject, e.by) }),
        (s) => void s.openIssues--,
      );
    }
  }

  // ---------------------------------------------------------------- output

  configRecordings(configRepo: RepoKey, yaml: string): void {
    for (const repo of Object.values(REPOS)) {
      const path = `/repos/${fullName(repo)}/contents/.github%2Funsung.yml`;
      if (repo.key !== configRepo) {
        this.recordings.push({ method: "GET", path, status: 404, body: notFound() });
        continue;
      }
      const content = Buffer.from(yaml).toString("base64").replace(/(.{60})/g, "$1\n");
      const sha = Buffer.from(yaml).toString("hex").slice(0, 40).padEnd(40, "0");
      const name = fullName(repo);
      this.recordings.push({
        method: "GET",
        path,
        status: 200,
        body: {
          type: "file",
          encoding: "base64",
          size: Buffer.byteLength(yaml),
          name: "unsung.yml",
          path: ".github/unsung.yml",
          content,
          sha,
          url: `${API}/repos/${name}/contents/.github/unsung.yml?ref=main`,
          git_url: `${API}/repos/${name}/git/blobs/${sha}`,
          html_url: `${WEB}/${name}/blob/main/.github/unsung.yml`,
          download_url: `https://raw.githubusercontent.com/${name}/main/.github/unsung.yml`,
          _links: {
            self: `${API}/repos/${name}/contents/.github/unsung.yml?ref=main`,
            git: `${API}/repos/${name}/git/blobs/${sha}`,
            html: `${WEB}/${name}/blob/main/.github/unsung.yml`,
          },
        },
      });
    }
    this.recordings.unshift({
      method: "GET",
      path: `/repos/${ORG.login}/.github/contents/.github%2Funsung.yml`,
      status: 404,
      body: notFound(),
    });
  }

  finish(): { deliveries: SampleDelivery[]; recordings: Recording[] } {
    this.emitCi();
    const sorted = [...this.pending].sort((a, b) => a.at - b.at || a.seq - b.seq);
    const states = new Map<RepoKey, RepoState>();
    for (const repo of Object.values(REPOS)) {
      states.set(repo.key, { pushedAt: "2026-05-29T16:41:07Z", mainSha: this.rng.sha(), openIssues: 6 + (repo.id % 11) });
    }
    const deliveries: SampleDelivery[] = [];
    let clockSeq = this.rng.int(0, 0x3fff);
    for (const p of sorted) {
      const state = p.repo ? states.get(p.repo) : undefined;
      const repoObject = p.repo && state ? repositoryObject(REPOS[p.repo], state.pushedAt, Math.max(0, state.openIssues)) : {};
      const payload = p.build(state ?? { pushedAt: "", mainSha: "", openIssues: 0 }, repoObject);
      if (state && p.effect) p.effect(state);
      clockSeq = (clockSeq + 1) & 0x3fff;
      deliveries.push({ id: uuidV1(p.at, clockSeq, this.rng.hex(12)), event: p.event, payload });
    }
    return { deliveries, recordings: this.recordings };
  }
}

function notFound(): Json {
  return {
    message: "Not Found",
    documentation_url: "https://docs.github.com/rest/repos/contents#get-repository-content",
    status: "404",
  };
}

/** A time-based (version 1) UUID, the shape of GitHub's X-GitHub-Delivery GUIDs. */
function uuidV1(atMs: number, clockSeq: number, node: string): string {
  const t = (BigInt(atMs) + 12_219_292_800_000n) * 10_000n + BigInt(clockSeq % 10_000);
  const timeLow = (t & 0xffffffffn).toString(16).padStart(8, "0");
  const timeMid = ((t >> 32n) & 0xffffn).toString(16).padStart(4, "0");
  const timeHi = (((t >> 48n) & 0x0fffn) | 0x1000n).toString(16).padStart(4, "0");
  const seq = (0x8000 | (clockSeq & 0x3fff)).toString(16).padStart(4, "0");
  return `${timeLow}-${timeMid}-${timeHi}-${seq}-${node}`;
}

