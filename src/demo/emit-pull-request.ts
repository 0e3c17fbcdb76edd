/**
 * A pull request's deliveries in order: opened, ready_for_review, synchronize
 * pushes (each with its CI request), reviews and their threads, the
 * conversation, the close, and for a merge the squash push to main and the
 * recordings the worker fetches afterwards.
 */
import { REPOS, fullName, noreplyEmail, type Person } from "./cast.js";
import { ciRequest } from "./emit-ci.js";
import type { EmitContext, Json, PrCommit, ThreadState } from "./emit-context.js";
import { issueComment, issueObject } from "./emit-issues.js";
import { prObjectBuilder, type PrDraft } from "./emit-pr-object.js";
import { emitMainPush } from "./emit-pushes.js";
import { recordMerge } from "./emit-recordings.js";
import { reviewBuilders, reviewThread } from "./emit-reviews.js";
import { API, WEB } from "./github-shapes.js";
import { fileStats } from "./patches.js";
import { MINUTE, iso, ms, type CoAuthor, type PrSpec } from "./spec.js";

/** Queues every delivery of one pull request, its CI requests and, if merged, its recordings. */
export function emitPullRequest(ctx: EmitContext, spec: PrSpec): void {
  const repo = REPOS[spec.repo];
  const repoName = fullName(repo);
  const number = ctx.num(spec.key);
  const prId = ctx.ids.alloc("pr", ms(spec.openedAt));
  const prIssueId = ctx.ids.alloc("issue", ms(spec.openedAt));
  const t0 = ms(spec.openedAt);
  const T = (min: number) => t0 + Math.round(min * MINUTE);
  const htmlUrl = `${WEB}/${repoName}/pull/${number}`;
  const apiUrl = `${API}/repos/${repoName}/pulls/${number}`;
  const title = ctx.text(spec.title);
  const readyAt = spec.readyAtMin === undefined ? null : T(spec.readyAtMin);
  const closeAt = spec.close ? T(spec.close.atMin) : null;
  const merged = spec.close?.merged ?? false;
  const mergeSha = ctx.rng.sha();
  const baseSha = ctx.rng.sha();

  // Commits and the pushes that carry them.
  const commits: PrCommit[] = spec.commits.map((c) => {
    const pushedAt = c.atMin <= 0 ? t0 - 60_000 : T(c.atMin);
    const authoredAt = c.atMin <= 0 ? T(c.atMin) - 60_000 : pushedAt - ctx.rng.int(2, 9) * MINUTE;
    const author = c.author ?? spec.author;
    return {
      sha: ctx.rng.sha(),
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

  const prDraft: PrDraft = { spec, repo, repoName, number, prId, t0, htmlUrl, apiUrl, title, readyAt, closeAt, merged, mergeSha, baseSha, headAt, commitsAt, files, totals, labels, humanReviewers, issueCommentTimes, reviewCommentTimes };
  const prObject = prObjectBuilder(ctx, prDraft);

  const prEvent = (t: number, action: string, sender: Person, extra: Json = {}) => {
    guard(t, action);
    ctx.push(
      t,
      "pull_request",
      spec.repo,
      (state, repoObject) => ({
        action,
        number,
        pull_request: prObject(t, true, repoObject, state),
        ...extra,
        ...ctx.common(repoObject, sender),
      }),
      action === "opened" ? (s) => void s.openIssues++ : action === "closed" ? (s) => void s.openIssues-- : undefined,
    );
  };

  // Opening.
  prEvent(t0, "opened", spec.author);
  ciRequest(ctx, spec, commits, t0, headAt(t0), prId, number, baseSha);
  if (readyAt !== null) prEvent(readyAt, "ready_for_review", spec.author);
  // Later pushes.
  let before = headAt(t0);
  for (const c of commits) {
    if (c.pushedAt <= t0) continue;
    const prev = before;
    prEvent(c.pushedAt, "synchronize", c.author, { before: prev, after: c.sha });
    ciRequest(ctx, spec, commits, c.pushedAt, c.sha, prId, number, baseSha);
    before = c.sha;
  }

  // Reviews and their threads.
  const threads: ThreadState[] = [];
  const { fileFor, reviewPayload, commentPayload, emitComment } = reviewBuilders(ctx, prDraft, prObject);

  for (const review of spec.reviews) {
    const rt = T(review.atMin);
    guard(rt, "review");
    const reviewId = ctx.ids.alloc("review", rt);
    const commitAtReview = headAt(rt);
    for (const c of review.comments ?? []) {
      reviewThread(ctx, spec, c, review.by, rt, reviewId, commitAtReview, fileFor, commentPayload, emitComment, threads, guard, commits, T, prObject, reviewPayload);
    }
    reviewPayload(rt, reviewId, review.by, review.state, review.body);
  }

  // Conversation on the pull request.
  // Comments may come after the merge (endorsements, notes): only reviews and pushes must precede it.
  for (const c of spec.comments) {
    const t = T(c.atMin);
    issueCommentTimes.push(t);
    issueComment(ctx, spec.repo, t, c.by, c.body, () => ({
      ...issueObject(ctx, spec.repo, {
        id: prIssueId,
        number,
        title,
        author: spec.author,
        body: ctx.text(spec.body),
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
  ctx.facts.mergedPullRequests++;

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
  emitMainPush(ctx, spec.repo, closeAt, spec.close.by, mergeSha, squashMessage, authorIdent, files, true);
  // Issues it closes get their "closed" event through their own timeline (see closeIssuesFromMerges).

  if (spec.key === ctx.flakyFixKey) ctx.facts.flaky.fixMergedAt = iso(closeAt);

  // Recordings the worker fetches after the merge.
  recordMerge(ctx, repoName, number, threads, commits, files, mergeSha);
}
