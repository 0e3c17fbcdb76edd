/** Pull request, review, review comment and review thread events → their fact rows. */
import type { Ctx, RepoRef } from "./normalise-context.js";
import { bool, int, labelNames, need, num, obj, str, time, type Obj } from "./payload-fields.js";

export function normalisePullRequest(ctx: Ctx, repo: RepoRef, pr: Obj, action: string | null, installationId: number | null, partial = false): void {
  const id = need(num(pr.id), "pull_request.id");
  const number = need(int(pr.number), "pull_request.number");
  const authorId = ctx.person(pr.user);
  const mergedById = ctx.person(pr.merged_by);
  const head = obj(pr.head);
  const base = obj(pr.base);
  const merged = bool(pr.merged) || time(pr.merged_at) !== null;
  const createdAt = need(time(pr.created_at), "pull_request.created_at");
  ctx.b.pullRequests.push({
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
    ctx.b.followUps.push({ kind: "check-config", installationId, repositoryId: repo.id, owner: repo.owner, repo: repo.name, number, headSha });
  }
  if (action === "closed" && merged && installationId !== null) {
    ctx.b.followUps.push({ kind: "enrich-pull-request", installationId, repositoryId: repo.id, owner: repo.owner, repo: repo.name, number });
  }
  ctx.b.followUps.push({ kind: "detect-pull-request", repositoryId: repo.id, number });
}

export function normaliseReview(ctx: Ctx, repo: RepoRef, p: Obj, action: string | null): void {
  const r = need(obj(p.review), "review");
  const pr = need(obj(p.pull_request), "pull_request");
  const prNumber = need(int(pr.number), "pull_request.number");
  // The PR inside a review payload is a partial copy (no size, no merge fields): keep what it has, guarded by its updated_at.
  if (num(pr.id) !== null && time(pr.created_at)) pullRequestFromNested(ctx, repo, pr);
  const submittedAt = time(r.submitted_at);
  const id = need(num(r.id), "review.id");
  ctx.b.reviews.push({
    id,
    repositoryId: repo.id,
    prNumber,
    reviewerId: ctx.person(r.user),
    state: (str(r.state) ?? "commented").toUpperCase(),
    body: str(r.body) ?? "",
    commitId: str(r.commit_id),
    htmlUrl: str(r.html_url) ?? "",
    authorAssociation: str(r.author_association) ?? "NONE",
    submittedAt,
    // A dismissal changes the state but not submitted_at; the delivery time orders it.
    updatedAt: action === "dismissed" ? ctx.d.receivedAt : (time(r.updated_at) ?? submittedAt ?? ctx.d.receivedAt),
  });
  ctx.b.followUps.push({ kind: "detect-pull-request", repositoryId: repo.id, number: prNumber });
}

function pullRequestFromNested(ctx: Ctx, repo: RepoRef, pr: Obj): void {
  const before = ctx.b.followUps.length;
  normalisePullRequest(ctx, repo, pr, null, null, true);
  ctx.b.followUps.length = before;
}

export function normaliseReviewComment(ctx: Ctx, repo: RepoRef, p: Obj, action: string | null): void {
  const c = need(obj(p.comment), "comment");
  const pr = need(obj(p.pull_request), "pull_request");
  const prNumber = need(int(pr.number), "pull_request.number");
  if (num(pr.id) !== null && time(pr.created_at)) pullRequestFromNested(ctx, repo, pr);
  const createdAt = need(time(c.created_at), "comment.created_at");
  const deletedAt = action === "deleted" ? ctx.d.receivedAt : null;
  reviewCommentRow(ctx, repo, prNumber, c, need(num(c.id), "comment.id"), createdAt, deletedAt);
  ctx.b.followUps.push({ kind: "detect-pull-request", repositoryId: repo.id, number: prNumber });
}

/** One inline review comment, from a comment event or a thread's comment list. */
function reviewCommentRow(ctx: Ctx, repo: RepoRef, prNumber: number, c: Obj, id: number, createdAt: string, deletedAt: string | null): void {
  ctx.b.reviewComments.push({
    id,
    repositoryId: repo.id,
    prNumber,
    reviewId: num(c.pull_request_review_id),
    authorId: ctx.person(c.user),
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

export function normaliseReviewThread(ctx: Ctx, repo: RepoRef, p: Obj, action: string | null): void {
  const t = need(obj(p.thread), "thread");
  const pr = need(obj(p.pull_request), "pull_request");
  const prNumber = need(int(pr.number), "pull_request.number");
  const comments = Array.isArray(t.comments) ? t.comments.map(obj).filter((c): c is Obj => c !== null) : [];
  for (const c of comments) {
    const createdAt = time(c.created_at);
    const id = num(c.id);
    if (id !== null && createdAt) reviewCommentRow(ctx, repo, prNumber, c, id, createdAt, null);
  }
  const first = comments.find((c) => num(c.id) !== null);
  ctx.b.reviewThreads.push({
    nodeId: need(str(t.node_id), "thread.node_id"),
    repositoryId: repo.id,
    prNumber,
    path: str(first?.path),
    isResolved: action === "resolved",
    // A comment whose line is gone (null) sits on code that changed after it.
    isOutdated: first ? int(first.line) === null && int(first.original_line) !== null : null,
    resolvedByLogin: action === "resolved" ? str(obj(p.sender)?.login) : null,
    commentIds: comments.map((c) => num(c.id)).filter((id): id is number => id !== null),
    updatedAt: ctx.d.receivedAt,
  });
  ctx.b.followUps.push({ kind: "detect-pull-request", repositoryId: repo.id, number: prNumber });
}
