/**
 * Review payloads: pull_request_review, pull_request_review_comment and
 * pull_request_review_thread deliveries, and the review threads (root comment,
 * replies, resolution) the GraphQL recording reports after the merge.
 */
import type { Person } from "./cast.js";
import type { EmitContext, Json, PrCommit, RepoState, ThreadState } from "./emit-context.js";
import { API, newNodeId, nodeId, reactions, userObject } from "./github-shapes.js";
import { commentableLines, locate, type DiffLocation, type FileChange } from "./patches.js";
import type { PrDraft, PrObject } from "./emit-pr-object.js";
import { MINUTE, iso, type CommentSpec, type PrSpec } from "./spec.js";

/** The per-pull-request builders for reviews and review comments. */
export function reviewBuilders(ctx: EmitContext, d: PrDraft, prObject: PrObject) {
  const { spec, repoName, htmlUrl, apiUrl, headAt, reviewCommentTimes } = d;

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
    ctx.push(t, "pull_request_review", spec.repo, (st, repoObject) => ({
      action: "submitted",
      review: {
        id: reviewId,
        node_id: nodeId("PullRequestReview", reviewId),
        user: userObject(reviewer),
        body: body === null ? null : ctx.text(body),
        commit_id: headAt(t),
        submitted_at: iso(t),
        state,
        html_url: reviewUrl,
        pull_request_url: apiUrl,
        author_association: ctx.association(reviewer, spec.repo, t),
        _links: { html: { href: reviewUrl }, pull_request: { href: apiUrl } },
      },
      pull_request: prObject(t, false, repoObject, st),
      ...ctx.common(repoObject, reviewer),
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
      body: ctx.text(body),
      created_at: iso(t),
      updated_at: iso(t),
      html_url: url,
      pull_request_url: apiUrl,
      author_association: ctx.association(author, spec.repo, t),
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
    ctx.push(t, "pull_request_review_comment", spec.repo, (st, repoObject) => ({
      action: "created",
      comment,
      pull_request: prObject(t, false, repoObject, st),
      ...ctx.common(repoObject, author),
    }));
  };
  return { fileFor, reviewPayload, commentPayload, emitComment };
}

export function reviewThread(
  ctx: EmitContext,
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
  const loc = c.anchor ? locate(file, c.anchor) : ctx.rng.pick(commentableLines(file, true).length ? commentableLines(file, true) : commentableLines(file));
  const rootId = ctx.ids.alloc("reviewComment", rt);
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
    const replyReviewId = ctx.ids.alloc("review", t);
    const id = ctx.ids.alloc("reviewComment", t);
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
    ctx.push(t, "pull_request_review_thread", spec.repo, (st, repoObject) => ({
      action: "resolved",
      pull_request: prObject(t, false, repoObject, st),
      thread: { node_id: node, comments: snapshot },
      ...ctx.common(repoObject, by),
    }));
  }
}
