/**
 * Webhook payloads → fact rows. Pure: no database, no network. Every field is
 * read defensively, because a payload is input from outside: a missing
 * optional field becomes null, a missing essential one a clear error.
 */
import { parseCoAuthors, type ParsedTrailer } from "../core/parse-co-authors.js";

export interface PersonRow {
  id: number;
  login: string;
  type: string;
  isBot: boolean;
  isGhost: boolean;
  name: string | null;
}

export interface FactBatch {
  installations: {
    id: number;
    accountId: number | null;
    accountLogin: string;
    accountType: string | null;
    repositorySelection: string | null;
    permissions: Record<string, string>;
    events: string[];
    suspendedAt: string | null;
    deletedAt: string | null;
  }[];
  repositories: {
    id: number;
    installationId: number | null;
    ownerLogin: string;
    name: string;
    fullName: string;
    private: boolean;
    defaultBranch: string;
    htmlUrl: string;
    archived: boolean;
    removedAt: string | null;
  }[];
  people: PersonRow[];
  emails: { email: string; personId: number }[];
  pullRequests: {
    id: number;
    repositoryId: number;
    number: number;
    /**
     * True for the pull request nested in review, review comment and thread
     * payloads: GitHub leaves out its size, commit count, `merged` and
     * `merged_by` (and, for review comments, `draft`), so those must not
     * overwrite what a full pull_request payload said.
     */
    partial: boolean;
    title: string;
    body: string;
    htmlUrl: string;
    state: string;
    /** null when the payload does not say. */
    draft: boolean | null;
    merged: boolean;
    mergedAt: string | null;
    mergedById: number | null;
    authorId: number | null;
    authorAssociation: string;
    additions: number;
    deletions: number;
    changedFiles: number;
    commitCount: number;
    headSha: string;
    headRef: string;
    baseSha: string;
    baseRef: string;
    labels: string[];
    createdAt: string;
    closedAt: string | null;
    updatedAt: string;
  }[];
  reviews: {
    id: number;
    repositoryId: number;
    prNumber: number;
    reviewerId: number | null;
    state: string;
    body: string;
    commitId: string | null;
    htmlUrl: string;
    authorAssociation: string;
    submittedAt: string | null;
    updatedAt: string;
  }[];
  reviewComments: {
    id: number;
    repositoryId: number;
    prNumber: number;
    reviewId: number | null;
    authorId: number | null;
    path: string;
    line: number | null;
    originalLine: number | null;
    side: string | null;
    diffHunk: string;
    commitId: string | null;
    originalCommitId: string | null;
    inReplyToId: number | null;
    body: string;
    htmlUrl: string;
    authorAssociation: string;
    createdAt: string;
    updatedAt: string;
    deletedAt: string | null;
  }[];
  reviewThreads: {
    nodeId: string;
    repositoryId: number;
    prNumber: number;
    path: string | null;
    isResolved: boolean;
    isOutdated: boolean | null;
    resolvedByLogin: string | null;
    commentIds: number[];
    updatedAt: string;
  }[];
  issues: {
    id: number;
    repositoryId: number;
    number: number;
    title: string;
    body: string;
    htmlUrl: string;
    state: string;
    stateReason: string | null;
    authorId: number | null;
    authorAssociation: string;
    labels: string[];
    createdAt: string;
    closedAt: string | null;
    updatedAt: string;
  }[];
  issueActivity: {
    deliveryId: string;
    repositoryId: number;
    issueNumber: number;
    actorId: number | null;
    action: string;
    bodyBefore: string | null;
    bodyAfter: string | null;
    titleBefore: string | null;
    label: string | null;
    at: string;
  }[];
  issueComments: {
    id: number;
    repositoryId: number;
    issueNumber: number;
    isPullRequest: boolean;
    authorId: number | null;
    body: string;
    htmlUrl: string;
    authorAssociation: string;
    createdAt: string;
    updatedAt: string;
    deletedAt: string | null;
  }[];
  checkRuns: {
    id: number;
    repositoryId: number;
    name: string;
    headSha: string;
    headBranch: string | null;
    status: string;
    conclusion: string | null;
    appSlug: string | null;
    startedAt: string | null;
    completedAt: string | null;
    updatedAt: string;
  }[];
  workflowRuns: {
    id: number;
    runAttempt: number;
    repositoryId: number;
    workflowId: number | null;
    name: string;
    path: string | null;
    headSha: string;
    headBranch: string | null;
    event: string | null;
    status: string;
    conclusion: string | null;
    runNumber: number | null;
    actorId: number | null;
    triggeringActorId: number | null;
    runStartedAt: string | null;
    createdAt: string;
    updatedAt: string;
  }[];
  commits: {
    repositoryId: number;
    sha: string;
    message: string;
    authoredAt: string | null;
    authorId: number | null;
    authorName: string;
    authorEmail: string;
    coAuthors: ParsedTrailer[];
  }[];
  /**
   * The changed files of pull requests (from the API, not webhooks). `complete`: the whole list,
   * so files no longer in it are dropped. A null patch keeps a patch already stored for the same
   * file and size (GraphQL lists files without diffs).
   */
  pullRequestFiles: {
    repositoryId: number;
    prNumber: number;
    complete: boolean;
    files: { path: string; status: string; additions: number; deletions: number; patch: string | null }[];
  }[];
  /** Which commits belong to which pull request (from the API). */
  pullRequestCommits: { repositoryId: number; prNumber: number; sha: string }[];
  pushes: {
    deliveryId: string;
    repositoryId: number;
    ref: string;
    beforeSha: string;
    afterSha: string;
    pusherLogin: string | null;
    senderId: number | null;
    forced: boolean;
    commitShas: string[];
    pushedAt: string;
  }[];
  /** What should happen next: enrich a merged PR, re-run detectors on a subject, record a slash command. */
  followUps: FollowUp[];
}

export type FollowUp =
  | { kind: "enrich-pull-request"; installationId: number; repositoryId: number; owner: string; repo: string; number: number }
  | { kind: "detect-pull-request"; repositoryId: number; number: number }
  | { kind: "detect-issue"; repositoryId: number; number: number }
  /** A workflow run was re-run (attempt ≥ 2): re-detect who re-ran that workflow by hand that month. */
  | { kind: "detect-reruns"; repositoryId: number; workflow: string; month: string }
  | { kind: "slash-command"; commentId: number; repositoryId: number; issueNumber: number }
  | { kind: "check-config"; installationId: number; repositoryId: number; owner: string; repo: string; number: number; headSha: string }
  | { kind: "config-changed"; repositoryId: number; orgWide: boolean }
  /** The app was installed on a repository: read its past. */
  | { kind: "backfill-repository"; installationId: number; repositoryId: number; owner: string; repo: string }
  /** The app lost access (repositories removed, or uninstalled: `repositoryIds` null means every repository of the installation). */
  | { kind: "stop-backfill"; installationId: number; repositoryIds: number[] | null }
  | ErasureEventFollowUp;

/** Installation and repository events that schedule, cancel or keep erasures in step (src/services/erasure-events.ts). */
export type ErasureEventFollowUp = { kind: "erasure-event"; at: string } & (
  | { event: "installation-deleted" | "installation-created"; installationId: number }
  | { event: "repositories-removed" | "repositories-added"; installationId: number; repositoryIds: number[] }
  | { event: "repository-changed"; repositoryId: number; action: string }
);

/** Thrown for a payload that lacks what its event must have: the delivery is parked, not retried forever. */
export class MalformedPayloadError extends Error {
  override name = "MalformedPayloadError";
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj | null => (isObj(v) ? v : null);
// PostgreSQL text and jsonb cannot hold U+0000, which JSON can: drop it rather than fail the whole delivery.
// eslint-disable-next-line no-control-regex
const str = (v: unknown): string | null => (typeof v === "string" ? (v.includes("\u0000") ? v.replace(/\u0000/g, "") : v) : null);
/** GitHub ids and counts are integers; anything else (1.5, 1e300, "12") is not one. Ids go to bigint columns. */
const num = (v: unknown): number | null => (typeof v === "number" && Number.isSafeInteger(v) ? v : null);
/** For integer (int4) columns: numbers, lines, counts, attempts. */
const int = (v: unknown): number | null => (typeof v === "number" && Number.isInteger(v) && v >= -2_147_483_648 && v <= 2_147_483_647 ? v : null);
const bool = (v: unknown): boolean => v === true;

/** GitHub sends most times as ISO strings, some (push repository) as epoch seconds. */
function time(v: unknown): string | null {
  let t: number;
  if (typeof v === "number" && Number.isFinite(v)) t = v * 1000;
  else if (typeof v === "string") t = Date.parse(v);
  else return null;
  // Outside years 0000–9999 a date is not one GitHub sent (and toISOString would throw or write "+010000").
  if (!Number.isFinite(t) || t < -62_167_219_200_000 || t > 253_402_300_799_999) return null;
  return new Date(t).toISOString();
}

function need<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new MalformedPayloadError(`payload has no ${what}`);
  return value;
}

/** A batch with nothing in it, to fill or to merge others into. */
export function emptyFactBatch(): FactBatch {
  return {
    installations: [],
    repositories: [],
    people: [],
    emails: [],
    pullRequests: [],
    reviews: [],
    reviewComments: [],
    reviewThreads: [],
    issues: [],
    issueActivity: [],
    issueComments: [],
    checkRuns: [],
    workflowRuns: [],
    commits: [],
    pullRequestFiles: [],
    pullRequestCommits: [],
    pushes: [],
    followUps: [],
  };
}

/** GitHub's placeholder for deleted accounts. */
export const GHOST_ID = 10137;

export interface DeliveryInput {
  id: string;
  event: string;
  payload: unknown;
  receivedAt: string;
}

/** The events Unsung subscribes to; anything else is stored but not normalised. */
export const HANDLED_EVENTS = new Set([
  "installation",
  "installation_repositories",
  "pull_request",
  "pull_request_review",
  "pull_request_review_comment",
  "pull_request_review_thread",
  "issues",
  "issue_comment",
  "check_run",
  "workflow_run",
  "push",
  "repository",
  "member",
  "membership",
]);

export function normaliseDelivery(delivery: DeliveryInput): FactBatch {
  const batch = emptyFactBatch();
  const payload = obj(delivery.payload);
  if (!payload) throw new MalformedPayloadError("payload is not a JSON object");
  const ctx = new Ctx(batch, delivery, payload);
  ctx.person(payload.sender);
  const installationId = num(obj(payload.installation)?.id);
  const repo = ctx.repository(payload.repository, installationId);
  const action = str(payload.action);

  switch (delivery.event) {
    case "installation":
      ctx.installation(payload, action);
      break;
    case "installation_repositories":
      ctx.installationRepositories(payload);
      break;
    case "pull_request":
      ctx.pullRequest(need(repo, "repository"), need(obj(payload.pull_request), "pull_request"), action, installationId);
      break;
    case "pull_request_review":
      ctx.review(need(repo, "repository"), payload, action);
      break;
    case "pull_request_review_comment":
      ctx.reviewComment(need(repo, "repository"), payload, action);
      break;
    case "pull_request_review_thread":
      ctx.reviewThread(need(repo, "repository"), payload, action);
      break;
    case "issues":
      ctx.issue(need(repo, "repository"), payload, action);
      break;
    case "issue_comment":
      ctx.issueComment(need(repo, "repository"), payload, action);
      break;
    case "check_run":
      ctx.checkRun(need(repo, "repository"), need(obj(payload.check_run), "check_run"));
      break;
    case "workflow_run":
      ctx.workflowRun(need(repo, "repository"), need(obj(payload.workflow_run), "workflow_run"));
      break;
    case "push":
      ctx.push(need(repo, "repository"), payload);
      break;
    case "repository":
      // Renamed, transferred, privatized, publicized, deleted…: the repository row was just updated above.
      batch.followUps.push({ kind: "erasure-event", event: "repository-changed", repositoryId: need(repo, "repository").id, action: action ?? "", at: delivery.receivedAt });
      break;
    default:
      break;
  }
  return batch;
}

interface RepoRef {
  id: number;
  owner: string;
  name: string;
  installationId: number | null;
}

class Ctx {
  private seenPeople = new Set<number>();
  constructor(
    private b: FactBatch,
    private d: DeliveryInput,
    private p: Obj,
  ) {}

  /** Records a GitHub account and returns its id (null when the account is missing). */
  person(v: unknown): number | null {
    const u = obj(v);
    if (!u) return null;
    const id = num(u.id);
    const login = str(u.login);
    if (id === null || login === null) return null;
    if (!this.seenPeople.has(id)) {
      this.seenPeople.add(id);
      const type = str(u.type) ?? "User";
      this.b.people.push({
        id,
        login,
        type,
        isBot: type === "Bot" || login.endsWith("[bot]"),
        isGhost: id === GHOST_ID || login === "ghost",
        name: str(u.name),
      });
    }
    return id;
  }

  repository(v: unknown, installationId: number | null): RepoRef | null {
    const r = obj(v);
    if (!r) return null;
    const id = num(r.id);
    const fullName = str(r.full_name);
    const name = str(r.name);
    if (id === null || !fullName || !name) throw new MalformedPayloadError("repository has no id, name or full_name");
    const owner = str(obj(r.owner)?.login) ?? fullName.split("/")[0] ?? "";
    this.person(r.owner);
    this.b.repositories.push({
      id,
      installationId,
      ownerLogin: owner,
      name,
      fullName,
      // Unknown visibility is treated as private: never leak by default.
      private: r.private === false ? false : true,
      defaultBranch: str(r.default_branch) ?? str(r.master_branch) ?? "main",
      htmlUrl: str(r.html_url) ?? `https://github.com/${fullName}`,
      archived: bool(r.archived),
      removedAt: null,
    });
    return { id, owner, name, installationId };
  }

  installation(p: Obj, action: string | null): void {
    const inst = need(obj(p.installation), "installation");
    const id = need(num(inst.id), "installation.id");
    const account = obj(inst.account);
    this.person(account);
    const at = this.d.receivedAt;
    this.b.installations.push({
      id,
      accountId: num(account?.id),
      accountLogin: str(account?.login) ?? "",
      accountType: str(account?.type),
      repositorySelection: str(inst.repository_selection),
      permissions: permissions(inst.permissions),
      events: Array.isArray(inst.events) ? inst.events.slice(0, 200).map(str).filter((e): e is string => e !== null) : [],
      suspendedAt: action === "suspend" ? (time(inst.suspended_at) ?? at) : null,
      deletedAt: action === "deleted" ? at : null,
    });
    const owner = str(account?.login) ?? "";
    for (const r of Array.isArray(p.repositories) ? p.repositories : []) {
      const listed = this.listedRepository(r, id, owner, action === "deleted" ? at : null);
      if (listed && action === "created") this.b.followUps.push({ kind: "backfill-repository", installationId: id, ...listed });
    }
    if (action === "deleted") this.b.followUps.push({ kind: "stop-backfill", installationId: id, repositoryIds: null });
    if (action === "deleted" || action === "created") {
      this.b.followUps.push({ kind: "erasure-event", event: action === "deleted" ? "installation-deleted" : "installation-created", installationId: id, at });
    }
  }

  installationRepositories(p: Obj): void {
    const inst = need(obj(p.installation), "installation");
    const id = need(num(inst.id), "installation.id");
    const owner = str(obj(inst.account)?.login) ?? "";
    const added: number[] = [];
    for (const r of Array.isArray(p.repositories_added) ? p.repositories_added : []) {
      const listed = this.listedRepository(r, id, owner, null);
      if (!listed) continue;
      added.push(listed.repositoryId);
      this.b.followUps.push({ kind: "backfill-repository", installationId: id, ...listed });
    }
    const removed: number[] = [];
    for (const r of Array.isArray(p.repositories_removed) ? p.repositories_removed : []) {
      const listed = this.listedRepository(r, id, owner, this.d.receivedAt);
      if (listed) removed.push(listed.repositoryId);
    }
    const at = this.d.receivedAt;
    if (removed.length) {
      this.b.followUps.push({ kind: "stop-backfill", installationId: id, repositoryIds: removed });
      this.b.followUps.push({ kind: "erasure-event", event: "repositories-removed", installationId: id, repositoryIds: removed, at });
    }
    if (added.length) this.b.followUps.push({ kind: "erasure-event", event: "repositories-added", installationId: id, repositoryIds: added, at });
  }

  /** Installation payloads list repositories in a short form: id, name, full_name, private. */
  private listedRepository(v: unknown, installationId: number, owner: string, removedAt: string | null): { repositoryId: number; owner: string; repo: string } | null {
    const r = obj(v);
    const id = num(r?.id);
    const fullName = str(r?.full_name);
    if (!r || id === null || !fullName) return null;
    const ownerLogin = fullName.split("/")[0] ?? owner;
    const name = str(r.name) ?? fullName.split("/")[1] ?? fullName;
    this.b.repositories.push({
      id,
      installationId,
      ownerLogin,
      name,
      fullName,
      private: r.private === false ? false : true,
      defaultBranch: "main",
      htmlUrl: `https://github.com/${fullName}`,
      archived: false,
      removedAt,
    });
    return { repositoryId: id, owner: ownerLogin, repo: name };
  }

  pullRequest(repo: RepoRef, pr: Obj, action: string | null, installationId: number | null, partial = false): void {
    const id = need(num(pr.id), "pull_request.id");
    const number = need(int(pr.number), "pull_request.number");
    const authorId = this.person(pr.user);
    const mergedById = this.person(pr.merged_by);
    const head = obj(pr.head);
    const base = obj(pr.base);
    const merged = bool(pr.merged) || time(pr.merged_at) !== null;
    const createdAt = need(time(pr.created_at), "pull_request.created_at");
    this.b.pullRequests.push({
      id,
      repositoryId: repo.id,
      number,
      partial,
      title: str(pr.title) ?? "",
      body: str(pr.body) ?? "",
      htmlUrl: str(pr.html_url) ?? "",
      state: str(pr.state) ?? "open",
      draft: typeof pr.draft === "boolean" ? pr.draft : partial ? null : false,
      merged,
      mergedAt: time(pr.merged_at),
      mergedById,
      authorId,
      authorAssociation: str(pr.author_association) ?? "NONE",
      additions: int(pr.additions) ?? 0,
      deletions: int(pr.deletions) ?? 0,
      changedFiles: int(pr.changed_files) ?? 0,
      commitCount: int(pr.commits) ?? 0,
      headSha: str(head?.sha) ?? "",
      headRef: str(head?.ref) ?? "",
      baseSha: str(base?.sha) ?? "",
      baseRef: str(base?.ref) ?? "",
      labels: labelNames(pr.labels),
      createdAt,
      closedAt: time(pr.closed_at),
      updatedAt: time(pr.updated_at) ?? createdAt,
    });
    const headSha = str(head?.sha);
    if ((action === "opened" || action === "synchronize" || action === "reopened") && installationId !== null && headSha) {
      // A pull request may change .github/unsung.yml: tell it what is wrong before it merges.
      this.b.followUps.push({ kind: "check-config", installationId, repositoryId: repo.id, owner: repo.owner, repo: repo.name, number, headSha });
    }
    if (action === "closed" && merged && installationId !== null) {
      this.b.followUps.push({ kind: "enrich-pull-request", installationId, repositoryId: repo.id, owner: repo.owner, repo: repo.name, number });
    }
    this.b.followUps.push({ kind: "detect-pull-request", repositoryId: repo.id, number });
  }

  review(repo: RepoRef, p: Obj, action: string | null): void {
    const r = need(obj(p.review), "review");
    const pr = need(obj(p.pull_request), "pull_request");
    const prNumber = need(int(pr.number), "pull_request.number");
    // The PR inside a review payload is a partial copy (no size, no merge fields): keep what it has, guarded by its updated_at.
    if (num(pr.id) !== null && time(pr.created_at)) this.pullRequestFromNested(repo, pr);
    const submittedAt = time(r.submitted_at);
    const id = need(num(r.id), "review.id");
    this.b.reviews.push({
      id,
      repositoryId: repo.id,
      prNumber,
      reviewerId: this.person(r.user),
      state: (str(r.state) ?? "commented").toUpperCase(),
      body: str(r.body) ?? "",
      commitId: str(r.commit_id),
      htmlUrl: str(r.html_url) ?? "",
      authorAssociation: str(r.author_association) ?? "NONE",
      submittedAt,
      // A dismissal changes the state but not submitted_at; the delivery time orders it.
      updatedAt: action === "dismissed" ? this.d.receivedAt : (time(r.updated_at) ?? submittedAt ?? this.d.receivedAt),
    });
    this.b.followUps.push({ kind: "detect-pull-request", repositoryId: repo.id, number: prNumber });
  }

  private pullRequestFromNested(repo: RepoRef, pr: Obj): void {
    const before = this.b.followUps.length;
    this.pullRequest(repo, pr, null, null, true);
    this.b.followUps.length = before;
  }

  reviewComment(repo: RepoRef, p: Obj, action: string | null): void {
    const c = need(obj(p.comment), "comment");
    const pr = need(obj(p.pull_request), "pull_request");
    const prNumber = need(int(pr.number), "pull_request.number");
    if (num(pr.id) !== null && time(pr.created_at)) this.pullRequestFromNested(repo, pr);
    const createdAt = need(time(c.created_at), "comment.created_at");
    const deletedAt = action === "deleted" ? this.d.receivedAt : null;
    this.reviewCommentRow(repo, prNumber, c, need(num(c.id), "comment.id"), createdAt, deletedAt);
    this.b.followUps.push({ kind: "detect-pull-request", repositoryId: repo.id, number: prNumber });
  }

  /** One inline review comment, from a comment event or a thread's comment list. */
  private reviewCommentRow(repo: RepoRef, prNumber: number, c: Obj, id: number, createdAt: string, deletedAt: string | null): void {
    this.b.reviewComments.push({
      id,
      repositoryId: repo.id,
      prNumber,
      reviewId: num(c.pull_request_review_id),
      authorId: this.person(c.user),
      path: str(c.path) ?? "",
      line: int(c.line),
      originalLine: int(c.original_line),
      side: str(c.side),
      diffHunk: str(c.diff_hunk) ?? "",
      commitId: str(c.commit_id),
      originalCommitId: str(c.original_commit_id),
      inReplyToId: num(c.in_reply_to_id),
      body: str(c.body) ?? "",
      htmlUrl: str(c.html_url) ?? "",
      authorAssociation: str(c.author_association) ?? "NONE",
      createdAt,
      // A deletion has no updated_at of its own: the delivery time orders it.
      updatedAt: deletedAt ?? time(c.updated_at) ?? createdAt,
      deletedAt,
    });
  }

  reviewThread(repo: RepoRef, p: Obj, action: string | null): void {
    const t = need(obj(p.thread), "thread");
    const pr = need(obj(p.pull_request), "pull_request");
    const prNumber = need(int(pr.number), "pull_request.number");
    const comments = Array.isArray(t.comments) ? t.comments.map(obj).filter((c): c is Obj => c !== null) : [];
    for (const c of comments) {
      const createdAt = time(c.created_at);
      const id = num(c.id);
      if (id !== null && createdAt) this.reviewCommentRow(repo, prNumber, c, id, createdAt, null);
    }
    const first = comments.find((c) => num(c.id) !== null);
    this.b.reviewThreads.push({
      nodeId: need(str(t.node_id), "thread.node_id"),
      repositoryId: repo.id,
      prNumber,
      path: str(first?.path),
      isResolved: action === "resolved",
      // A comment whose line is gone (null) sits on code that changed after it.
      isOutdated: first ? int(first.line) === null && int(first.original_line) !== null : null,
      resolvedByLogin: action === "resolved" ? str(obj(p.sender)?.login) : null,
      commentIds: comments.map((c) => num(c.id)).filter((id): id is number => id !== null),
      updatedAt: this.d.receivedAt,
    });
    this.b.followUps.push({ kind: "detect-pull-request", repositoryId: repo.id, number: prNumber });
  }

  issue(repo: RepoRef, p: Obj, action: string | null): void {
    const i = need(obj(p.issue), "issue");
    const number = need(int(i.number), "issue.number");
    // issues events never describe pull requests, but be safe: a PR-issue is not an issue.
    if (obj(i.pull_request)) return;
    this.issueRow(repo, i);
    const actorId = this.person(p.sender);
    const changes = obj(p.changes);
    if (action && action !== "opened") {
      this.b.issueActivity.push({
        deliveryId: this.d.id,
        repositoryId: repo.id,
        issueNumber: number,
        actorId,
        action,
        bodyBefore: str(obj(changes?.body)?.from),
        bodyAfter: action === "edited" && obj(changes?.body) ? (str(i.body) ?? "") : null,
        titleBefore: str(obj(changes?.title)?.from),
        label: str(obj(p.label)?.name),
        at: time(i.updated_at) ?? this.d.receivedAt,
      });
    }
    this.b.followUps.push({ kind: "detect-issue", repositoryId: repo.id, number });
  }

  private issueRow(repo: RepoRef, i: Obj): void {
    const createdAt = need(time(i.created_at), "issue.created_at");
    this.b.issues.push({
      id: need(num(i.id), "issue.id"),
      repositoryId: repo.id,
      number: need(int(i.number), "issue.number"),
      title: str(i.title) ?? "",
      body: str(i.body) ?? "",
      htmlUrl: str(i.html_url) ?? "",
      state: str(i.state) ?? "open",
      stateReason: str(i.state_reason),
      authorId: this.person(i.user),
      authorAssociation: str(i.author_association) ?? "NONE",
      labels: labelNames(i.labels),
      createdAt,
      closedAt: time(i.closed_at),
      updatedAt: time(i.updated_at) ?? createdAt,
    });
  }

  issueComment(repo: RepoRef, p: Obj, action: string | null): void {
    const c = need(obj(p.comment), "comment");
    const i = need(obj(p.issue), "issue");
    const number = need(int(i.number), "issue.number");
    const isPullRequest = obj(i.pull_request) !== null;
    if (!isPullRequest) this.issueRow(repo, i);
    const createdAt = need(time(c.created_at), "comment.created_at");
    const id = need(num(c.id), "comment.id");
    this.b.issueComments.push({
      id,
      repositoryId: repo.id,
      issueNumber: number,
      isPullRequest,
      authorId: this.person(c.user),
      body: str(c.body) ?? "",
      htmlUrl: str(c.html_url) ?? "",
      authorAssociation: str(c.author_association) ?? "NONE",
      createdAt,
      updatedAt: action === "deleted" ? this.d.receivedAt : (time(c.updated_at) ?? createdAt),
      deletedAt: action === "deleted" ? this.d.receivedAt : null,
    });
    // An edit or a deletion of a comment that held a command withdraws or replaces what it said.
    const before = str(obj(obj(p.changes)?.body)?.from);
    if (looksLikeCommand(str(c.body)) || (action === "edited" && (before === null || looksLikeCommand(before)))) {
      this.b.followUps.push({ kind: "slash-command", commentId: id, repositoryId: repo.id, issueNumber: number });
    }
    this.b.followUps.push({ kind: isPullRequest ? "detect-pull-request" : "detect-issue", repositoryId: repo.id, number });
  }

  checkRun(repo: RepoRef, c: Obj): void {
    const startedAt = time(c.started_at);
    const completedAt = time(c.completed_at);
    this.b.checkRuns.push({
      id: need(num(c.id), "check_run.id"),
      repositoryId: repo.id,
      name: str(c.name) ?? "",
      headSha: need(str(c.head_sha), "check_run.head_sha"),
      headBranch: str(obj(c.check_suite)?.head_branch),
      status: str(c.status) ?? "queued",
      conclusion: str(c.conclusion),
      appSlug: str(obj(c.app)?.slug),
      startedAt,
      completedAt,
      updatedAt: completedAt ?? startedAt ?? this.d.receivedAt,
    });
  }

  workflowRun(repo: RepoRef, w: Obj): void {
    const createdAt = need(time(w.created_at), "workflow_run.created_at");
    const runAttempt = int(w.run_attempt) ?? 1;
    const runStartedAt = time(w.run_started_at);
    const updatedAt = time(w.updated_at) ?? createdAt;
    const name = str(w.name) ?? "";
    this.b.workflowRuns.push({
      id: need(num(w.id), "workflow_run.id"),
      runAttempt,
      repositoryId: repo.id,
      workflowId: num(w.workflow_id),
      name,
      path: str(w.path),
      headSha: need(str(w.head_sha), "workflow_run.head_sha"),
      headBranch: str(w.head_branch),
      event: str(w.event),
      status: str(w.status) ?? "queued",
      conclusion: str(w.conclusion),
      runNumber: int(w.run_number),
      actorId: this.person(w.actor),
      triggeringActorId: this.person(w.triggering_actor),
      runStartedAt,
      createdAt,
      updatedAt,
    });
    // A re-run (someone pressed "Re-run"): the month it ran in gets its re-run detector run again.
    // The month is the attempt's, as the store computes it: its start, else its last update.
    if (runAttempt > 1) this.b.followUps.push({ kind: "detect-reruns", repositoryId: repo.id, workflow: name, month: (runStartedAt ?? updatedAt).slice(0, 7) });
  }

  push(repo: RepoRef, p: Obj): void {
    const commits = Array.isArray(p.commits) ? p.commits.map(obj).filter((c): c is Obj => c !== null) : [];
    const shas: string[] = [];
    for (const c of commits) {
      const sha = str(c.id);
      if (!sha) continue;
      shas.push(sha);
      const author = obj(c.author);
      const email = (str(author?.email) ?? "").toLowerCase();
      const username = str(author?.username);
      // The push payload names the author's login but not its id; ids come from people we have seen.
      this.b.commits.push({
        repositoryId: repo.id,
        sha,
        message: str(c.message) ?? "",
        authoredAt: time(c.timestamp),
        authorId: null,
        authorName: str(author?.name) ?? "",
        authorEmail: email,
        coAuthors: parseCoAuthors(str(c.message) ?? ""),
      });
      if (username && email) this.pendingEmailLogins.push({ email, login: username });
    }
    this.b.pushes.push({
      deliveryId: this.d.id,
      repositoryId: repo.id,
      ref: str(p.ref) ?? "",
      beforeSha: str(p.before) ?? "",
      afterSha: str(p.after) ?? "",
      pusherLogin: str(obj(p.pusher)?.name),
      senderId: num(obj(p.sender)?.id),
      forced: bool(p.forced),
      commitShas: shas,
      pushedAt: time(obj(p.head_commit)?.timestamp) ?? this.d.receivedAt,
    });
    const defaultBranch = str(obj(p.repository)?.default_branch) ?? str(obj(p.repository)?.master_branch);
    if (defaultBranch && str(p.ref) === `refs/heads/${defaultBranch}`) {
      const touched = commits.some((c) =>
        ["added", "modified", "removed"].some((k) => Array.isArray(c[k]) && (c[k] as unknown[]).includes(".github/unsung.yml")),
      );
      if (touched) this.b.followUps.push({ kind: "config-changed", repositoryId: repo.id, orgWide: repo.name === ".github" });
    }
    // Emails of the sender are known for certain; others are matched by login when stored.
    const senderId = num(obj(p.sender)?.id);
    const senderLogin = str(obj(p.sender)?.login);
    for (const e of this.pendingEmailLogins) {
      if (senderId !== null && senderLogin && e.login.toLowerCase() === senderLogin.toLowerCase()) {
        this.b.emails.push({ email: e.email, personId: senderId });
      }
    }
  }

  private pendingEmailLogins: { email: string; login: string }[] = [];
}

/** GitHub allows 100 labels on an issue or pull request; more is not a real payload. */
const MAX_LABELS = 100;

function labelNames(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const l of v) {
    const name = typeof l === "string" ? str(l) : str(obj(l)?.name);
    if (name !== null) out.push(name.slice(0, 1_000));
    if (out.length >= MAX_LABELS) break;
  }
  return out;
}

/** Installation permissions: a flat map of names to "read"/"write"/"admin"; anything else is dropped. */
function permissions(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj(v) ?? {}).slice(0, 200)) {
    const s = str(val);
    const key = str(k);
    if (s !== null && key) out[key.slice(0, 100)] = s.slice(0, 100);
  }
  return out;
}

function looksLikeCommand(body: string | null): boolean {
  return body !== null && /^\s*\/unsung\b/i.test(body);
}
