/**
 * Issue payloads: issues (opened, edited, labeled, closed) and issue_comment
 * deliveries, for issues and for the conversation on pull requests.
 */
import { REPOS, fullName, type Person, type RepoKey } from "./cast.js";
import type { EmitContext, Json } from "./emit-context.js";
import { API, WEB, labelObject, nodeId, reactions, userObject } from "./github-shapes.js";
import { MINUTE, iso, ms, type IssueSpec } from "./spec.js";

/** The issue object (or a pull request's issue side) as a snapshot describes it. */
export function issueObject(
  ctx: EmitContext,
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
    author_association: ctx.association(i.author, repoKey, i.createdAt),
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

/** An issue_comment delivery; `issue` builds the issue object at the comment's moment. */
export function issueComment(ctx: EmitContext, repoKey: RepoKey, t: number, by: Person, body: string, issue: () => { [k: string]: unknown }): void {
  const repo = REPOS[repoKey];
  const repoName = fullName(repo);
  const id = ctx.ids.alloc("issueComment", t);
  ctx.push(t, "issue_comment", repoKey, (_state, repoObject) => {
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
        author_association: ctx.association(by, repoKey, t),
        body: ctx.text(body),
        reactions: reactions(`${apiUrl}/reactions`),
        performed_via_github_app: null,
      },
      ...ctx.common(repoObject, by),
    };
  });
}

export function emitIssue(ctx: EmitContext, spec: IssueSpec): void {
  const number = ctx.num(spec.key);
  const t0 = ms(spec.openedAt);
  const id = ctx.ids.alloc("issue", t0);
  const T = (min: number) => t0 + Math.round(min * MINUTE);
  const events = [...spec.events].sort((a, b) => a.atMin - b.atMin);

  // The issue's state after each event, so every payload shows the issue as it was.
  let title = ctx.text(spec.title);
  let body = ctx.text(spec.body);
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
  ctx.push(
    t0,
    "issues",
    spec.repo,
    (_s, repoObject) => ({ action: "opened", issue: issueObject(ctx, spec.repo, opened), ...ctx.common(repoObject, spec.author) }),
    (s) => void s.openIssues++,
  );
  for (const e of events) {
    const t = T(e.atMin);
    if (e.kind === "comment") {
      const snap = snapshot(t);
      issueComment(ctx, spec.repo, t, e.by, e.body, () => issueObject(ctx, spec.repo, snap));
      comments++;
      continue;
    }
    if (e.kind === "edit") {
      const changes: Json = {};
      const newBody = ctx.text(e.body);
      if (newBody !== body) changes.body = { from: body };
      if (e.title !== undefined) changes.title = { from: title };
      body = newBody;
      if (e.title !== undefined) title = ctx.text(e.title);
      const snap = snapshot(t);
      ctx.push(t, "issues", spec.repo, (_s, repoObject) => ({
        action: "edited",
        issue: issueObject(ctx, spec.repo, snap),
        changes,
        ...ctx.common(repoObject, e.by),
      }));
      continue;
    }
    if (e.kind === "label") {
      if (!labels.includes(e.label)) labels = [...labels, e.label];
      const snap = snapshot(t);
      const repo = REPOS[spec.repo];
      ctx.push(t, "issues", spec.repo, (_s, repoObject) => ({
        action: "labeled",
        issue: issueObject(ctx, spec.repo, snap),
        label: labelObject(repo, e.label),
        ...ctx.common(repoObject, e.by),
      }));
      continue;
    }
    state = "closed";
    stateReason = e.reason;
    closedAt = t;
    const snap = snapshot(t);
    ctx.push(
      t,
      "issues",
      spec.repo,
      (_s, repoObject) => ({ action: "closed", issue: issueObject(ctx, spec.repo, snap), ...ctx.common(repoObject, e.by) }),
      (s) => void s.openIssues--,
    );
  }
}
