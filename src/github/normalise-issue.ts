/** Issues and issue_comment events → issues, their activity and comments, and slash-command follow-ups. */
import type { Ctx, RepoRef } from "./normalise-context.js";
import { int, labelNames, need, num, obj, str, time, type Obj } from "./payload-fields.js";

export function normaliseIssue(ctx: Ctx, repo: RepoRef, p: Obj, action: string | null): void {
  const i = need(obj(p.issue), "issue");
  const number = need(int(i.number), "issue.number");
  // issues events never describe pull requests, but be safe: a PR-issue is not an issue.
  if (obj(i.pull_request)) return;
  issueRow(ctx, repo, i);
  const actorId = ctx.person(p.sender);
  const changes = obj(p.changes);
  if (action && action !== "opened") {
    ctx.b.issueActivity.push({
      deliveryId: ctx.d.id,
      repositoryId: repo.id,
      issueNumber: number,
      actorId,
      action,
      bodyBefore: str(obj(changes?.body)?.from),
      bodyAfter: action === "edited" && obj(changes?.body) ? (str(i.body) ?? "") : null,
      titleBefore: str(obj(changes?.title)?.from),
      label: str(obj(p.label)?.name),
      at: time(i.updated_at) ?? ctx.d.receivedAt,
    });
  }
  ctx.b.followUps.push({ kind: "detect-issue", repositoryId: repo.id, number });
}

function issueRow(ctx: Ctx, repo: RepoRef, i: Obj): void {
  const createdAt = need(time(i.created_at), "issue.created_at");
  ctx.b.issues.push({
    id: need(num(i.id), "issue.id"),
    repositoryId: repo.id,
    number: need(int(i.number), "issue.number"),
    title: str(i.title) ?? "",
    body: str(i.body) ?? "",
    htmlUrl: str(i.html_url) ?? "",
    state: str(i.state) ?? "open",
    stateReason: str(i.state_reason),
    authorId: ctx.person(i.user),
    authorAssociation: str(i.author_association) ?? "NONE",
    labels: labelNames(i.labels),
    createdAt,
    closedAt: time(i.closed_at),
    updatedAt: time(i.updated_at) ?? createdAt,
  });
}

export function normaliseIssueComment(ctx: Ctx, repo: RepoRef, p: Obj, action: string | null): void {
  const c = need(obj(p.comment), "comment");
  const i = need(obj(p.issue), "issue");
  const number = need(int(i.number), "issue.number");
  const isPullRequest = obj(i.pull_request) !== null;
  if (!isPullRequest) issueRow(ctx, repo, i);
  const createdAt = need(time(c.created_at), "comment.created_at");
  const id = need(num(c.id), "comment.id");
  ctx.b.issueComments.push({
    id,
    repositoryId: repo.id,
    issueNumber: number,
    isPullRequest,
    authorId: ctx.person(c.user),
    body: str(c.body) ?? "",
    htmlUrl: str(c.html_url) ?? "",
    authorAssociation: str(c.author_association) ?? "NONE",
    createdAt,
    updatedAt: action === "deleted" ? ctx.d.receivedAt : (time(c.updated_at) ?? createdAt),
    deletedAt: action === "deleted" ? ctx.d.receivedAt : null,
  });
  // An edit or a deletion of a comment that held a command withdraws or replaces what it said.
  const before = str(obj(obj(p.changes)?.body)?.from);
  if (looksLikeCommand(str(c.body)) || (action === "edited" && (before === null || looksLikeCommand(before)))) {
    ctx.b.followUps.push({ kind: "slash-command", commentId: id, repositoryId: repo.id, issueNumber: number });
  }
  ctx.b.followUps.push({ kind: isPullRequest ? "detect-pull-request" : "detect-issue", repositoryId: repo.id, number });
}

function looksLikeCommand(body: string | null): boolean {
  return body !== null && /^\s*\/unsung\b/i.test(body);
}
