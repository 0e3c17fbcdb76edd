/**
 * Pull requests and their reviews: the repository, size, title and outcome
 * of each, the reviewers (mostly the team, weighted by review load) and their
 * reviews and comments from the scored templates, the AI reviewer and the
 * pull request row; then its CI runs and its contributions, in the order of
 * the draws.
 */
import type { ReviewerActivity } from "../core/detect/detect-review-depth.js";
import { plural } from "../core/detect/text.js";
import type { ReviewCommentFact, ReviewFact } from "../core/facts.js";
import type { PersonRef } from "../core/model.js";
import { SIZE_BUCKETS, type ReviewTemplate } from "./review-templates.js";
import { ciRuns } from "./scale-ci.js";
import { KIND_TEXT, PR_KINDS, type PrKind } from "./scale-kinds.js";
import type { Engineer, Repo } from "./scale-plan.js";
import { pullRequestContributions } from "./scale-pr-contributions.js";
import type { ScaleRun } from "./scale-run.js";
import { cap, COMMENT_BASE, DAY, ISO, ISSUE_COMMENT_BASE, MIN, PR_BASE, REVIEW_BASE } from "./scale-shared.js";
import { DIFF_HUNKS, OBJECTS, QUALIFIERS, TEST_PATHS, VERBS } from "./texts.js";

/** Reviewers for a pull request: mostly the repository's team, weighted by review load; some from elsewhere. */
function pickReviewers(run: ScaleRun, author: Engineer, repo: Repo, n: number): Engineer[] {
  const { rng, plan, byTeam } = run;
  const home = byTeam[repo.team >= 0 ? repo.team : author.team]!;
  const out: Engineer[] = [];
  for (let guard = 0; out.length < n && guard < n * 8; guard++) {
    let cand: Engineer;
    if (rng.chance(0.15)) cand = rng.pick(plan.engineers);
    else cand = rng.weighted(home.map((m) => [m, m.reviewWeight] as const));
    if (cand === author || out.includes(cand)) continue;
    out.push(cand);
  }
  return out;
}

/** One pull request opened in the month by `author`, or by `botAuthor` in `botRepo` (a dependency bump). */
export function pullRequest(run: ScaleRun, author: Engineer | null, monthStart: number, monthLen: number, botAuthor?: { id: number; login: string }, botRepo?: Repo): void {
  const { rng, emit, clamp, byTeam, teamRepos, sharedRepos, copilot, actions, person, templates, fromMs } = run;
  const seq = ++run.prSeq;
  const kind: PrKind = author ? rng.weighted(PR_KINDS) : "feature";
  let repo: Repo;
  if (botRepo) repo = botRepo;
  else {
    const r = rng.next();
    repo = kind === "docs" && rng.chance(0.5) ? rng.pick(sharedRepos) : r < 0.8 ? teamRepos[author!.team]! : r < 0.92 ? rng.pick(sharedRepos) : rng.pick(teamRepos);
  }
  const number = ++repo.next;
  const id = PR_BASE + seq;
  const bucket = kind === "feature" ? rng.weighted([[0, 55], [1, 35], [2, 10]] as const) : rng.weighted([[0, 75], [1, 25]] as const);
  const size = SIZE_BUCKETS[bucket]!;
  const lines = botAuthor ? rng.int(2, 40) : rng.int(size.min, size.max);
  const additions = Math.round(lines * (0.5 + 0.4 * rng.next()));
  const deletions = lines - additions;
  const changedFiles = Math.max(1, Math.round(lines / rng.int(15, 60)));
  const commitCount = rng.int(1, Math.min(12, 1 + Math.round(lines / 40)));
  const createdAt = monthStart + Math.floor(rng.next() * monthLen);
  const object = rng.pick(OBJECTS);
  const title = botAuthor
    ? `Bump ${rng.pick(["lodash", "pg", "zod", "golang.org/x/net", "rails", "vite"])} from 1.${rng.int(0, 9)}.${rng.int(0, 20)} to 1.${rng.int(10, 19)}.${rng.int(0, 9)}`
    : kind === "feature"
      ? `${rng.pick(VERBS)} ${object}${rng.pick(QUALIFIERS)}`
      : kind === "flaky-fix"
        ? `Deflake ${cap(object.replace(/^the /, ""))}Test: replace sleep with polling`
        : kind === "flaky-quarantine"
          ? `Quarantine flaky ${object.replace(/^the /, "")} e2e on CI`
          : `${rng.pick(KIND_TEXT[kind].title)} ${object}`;
  const htmlUrl = `${repo.htmlUrl}/pull/${number}`;
  const headSha = rng.sha();
  const authorId = botAuthor ? botAuthor.id : author!.id;
  const authorLogin = botAuthor ? botAuthor.login : author!.login;
  const authorRef: PersonRef = { id: authorId, login: authorLogin, isBot: !!botAuthor };
  const newcomer = !!author && author.joinedMonth > 0 && monthStart - (fromMs + author.joinedMonth * 30 * DAY) < 60 * DAY;
  const outcome = rng.next();
  const merged = outcome < 0.86;
  const closed = merged || outcome < 0.93;

  // ---- reviews
  const nReviewers = botAuthor ? 1 : rng.weighted([[1, 22], [2, 36], [3, 28], [4, 14]] as const);
  const reviewers = author ? pickReviewers(run, author, repo, nReviewers) : [rng.pick(byTeam[repo.team >= 0 ? repo.team : 0]!)];
  let lastActivity = clamp(createdAt + rng.int(5, 120) * MIN);
  const activities: { engineer: Engineer; activity: ReviewerActivity; template: ReviewTemplate }[] = [];
  for (const rev of reviewers) {
    const style = botAuthor ? 0 : rng.weighted(rev.styleWeights);
    const cell = templates[style * SIZE_BUCKETS.length + Math.min(bucket, 2)]!;
    const t = rng.pick(cell);
    const firstAt = clamp(createdAt + t.secondsAfterOpen * 1000 + rng.int(0, 30) * MIN);
    const reviewFacts: ReviewFact[] = [];
    t.states.forEach((state, i) => {
      const rid = REVIEW_BASE + ++run.reviewSeq;
      const at = clamp(firstAt + (i === 0 ? 0 : t.secondsBetween * 1000));
      const body = i === t.states.length - 1 ? t.body : "";
      const url = `${htmlUrl}#pullrequestreview-${rid}`;
      emit("reviews", [rid, repo.id, number, rev.id, state, body, headSha, url, "MEMBER", ISO(at), ISO(at)]);
      reviewFacts.push({ id: rid, reviewer: person(rev), state, body, submittedAt: ISO(at), commitId: headSha, htmlUrl: url, authorAssociation: "MEMBER" });
      lastActivity = Math.max(lastActivity, at);
    });
    // reviewContributions reads only the comments' times (for the last activity): keep the latest.
    let latestComment: ReviewCommentFact | null = null;
    const urls: (string | null)[] = [];
    for (const c of t.comments) {
      const cid = COMMENT_BASE + ++run.commentSeq;
      const at = clamp(Math.max(createdAt + MIN, firstAt - c.minutesBefore * MIN));
      const url = `${htmlUrl}#discussion_r${cid}`;
      const hunk = DIFF_HUNKS[(cid + c.line) % DIFF_HUNKS.length]!;
      emit("review_comments", [cid, repo.id, number, reviewFacts[0]!.id, rev.id, c.path, c.outdated ? null : c.line, c.line, "RIGHT", hunk, c.outdated ? null : headSha, headSha, null, c.body, url, "MEMBER", ISO(at), ISO(at), null]);
      if (!latestComment || ISO(at) > latestComment.createdAt) {
        latestComment = { id: cid, reviewId: reviewFacts[0]!.id, author: person(rev), path: c.path, line: c.line, body: c.body, createdAt: ISO(at), inReplyToId: null, commitId: headSha, originalCommitId: headSha, htmlUrl: url, outdated: c.outdated, threadResolved: c.outdated };
      }
      urls.push(url);
      if (c.reply !== null) {
        const rid = COMMENT_BASE + ++run.commentSeq;
        const rat = clamp(at + rng.int(10, 20 * 60) * MIN);
        emit("review_comments", [rid, repo.id, number, null, authorId, c.path, c.outdated ? null : c.line, c.line, "RIGHT", hunk, headSha, headSha, cid, c.reply, `${htmlUrl}#discussion_r${rid}`, "MEMBER", ISO(rat), ISO(rat), null]);
        lastActivity = Math.max(lastActivity, rat);
      }
    }
    activities.push({
      engineer: rev,
      template: t,
      activity: { person: person(rev), reviews: reviewFacts, comments: latestComment ? [latestComment] : [], input: t.input, score: t.score, commentUrls: urls },
    });
  }
  // An AI reviewer on some pull requests: reviews and comments, never a contribution.
  if (!botAuthor && rng.chance(0.15)) {
    const rid = REVIEW_BASE + ++run.reviewSeq;
    const at = clamp(createdAt + rng.int(2, 15) * MIN);
    emit("reviews", [rid, repo.id, number, copilot.id, "COMMENTED", "Copilot reviewed the changes and generated 2 comments.", headSha, `${htmlUrl}#pullrequestreview-${rid}`, "NONE", ISO(at), ISO(at)]);
    for (let i = 0; i < 2; i++) {
      const cid = COMMENT_BASE + ++run.commentSeq;
      emit("review_comments", [cid, repo.id, number, rid, copilot.id, rng.pick(TEST_PATHS), rng.int(1, 200), null, "RIGHT", DIFF_HUNKS[cid % DIFF_HUNKS.length]!, headSha, headSha, null, "Consider handling the error returned here; it is currently ignored.", `${htmlUrl}#discussion_r${cid}`, "NONE", ISO(at), ISO(at), null]);
    }
  }

  const mergedAt = merged ? clamp(lastActivity + rng.int(10, 24 * 60) * MIN) : null;
  const closedAt = merged ? mergedAt : closed ? clamp(lastActivity + rng.int(60, 7 * 24 * 60) * MIN) : null;
  const updatedAt = closedAt ?? lastActivity;
  const mergedBy = merged ? (reviewers[0]?.id ?? authorId) : null;
  const labels = kind === "feature" ? (rng.chance(0.3) ? '["enhancement"]' : "[]") : kind.startsWith("flaky") ? '["flaky-test"]' : botAuthor ? '["dependencies"]' : "[]";
  emit("pull_requests", [
    id, repo.id, number, title, botAuthor ? "Bumps the dependency. See the changelog." : `${title}.\n\nThis changes ${plural(changedFiles, "file")}. ${rng.chance(0.2) ? `Fixes #${rng.int(1, Math.max(1, repo.next))}.` : ""}`,
    htmlUrl, closed ? "closed" : "open", false, merged, mergedAt === null ? null : ISO(mergedAt), mergedBy, authorId, "MEMBER",
    additions, deletions, changedFiles, commitCount, headSha, `${authorLogin.replace(/\[bot\]$/, "")}/${number}`, rng.sha(), "main",
    labels, ISO(createdAt), closedAt === null ? null : ISO(closedAt), ISO(updatedAt), merged ? ISO(updatedAt) : null,
  ]);

  // ---- CI: three checks and a workflow run on the head commit; sometimes a flaky failure and a re-run.
  ciRuns(run, { repo, number, seq, headSha, authorId, authorLogin, createdAt });
  if (rng.chance(0.5)) {
    const icid = ISSUE_COMMENT_BASE + ++run.issueCommentSeq;
    const at = clamp(createdAt + rng.int(30, 48 * 60) * MIN);
    const by = rng.chance(0.5) ? actions.id : authorId;
    emit("issue_comments", [icid, repo.id, number, true, by, by === actions.id ? "Preview deployed to https://preview.example.com ✅" : "Rebased on main; ready for another look.", `${htmlUrl}#issuecomment-${icid}`, by === actions.id ? "NONE" : "MEMBER", ISO(at), ISO(at), null]);
  }

  // ---- contributions
  pullRequestContributions(run, { author, kind, repo, id, number, title, htmlUrl, headSha, authorRef, closed, merged, createdAt, mergedAt, closedAt, additions, deletions, changedFiles, lines, commitCount, newcomer, activities });
}
