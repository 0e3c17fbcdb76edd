/**
 * Issues: the issue row, its comments (answers from the repository's team,
 * replies from the author) and, on some, the triage contribution of the
 * first helpful answer.
 */
import { contribution } from "../core/detect/contribution.js";
import { humanDuration } from "../core/detect/text.js";
import type { Engineer } from "./scale-plan.js";
import type { ScaleRun } from "./scale-run.js";
import { ISO, ISSUE_BASE, ISSUE_COMMENT_BASE, MIN } from "./scale-shared.js";
import { ISSUE_ANSWERS, ISSUE_TITLES, OBJECTS } from "./texts.js";

/** One issue opened in the month by `author`. */
export function issue(run: ScaleRun, author: Engineer, monthStart: number, monthLen: number): void {
  const { rng, emit, clamp, byTeam, teamRepos, sharedRepos, person, contributionRow } = run;
  const seq = ++run.issueSeq;
  const repo = rng.chance(0.85) ? teamRepos[author.team]! : rng.pick(sharedRepos);
  const number = ++repo.next;
  const id = ISSUE_BASE + seq;
  const title = rng.pick(ISSUE_TITLES);
  const createdAt = monthStart + Math.floor(rng.next() * monthLen);
  const htmlUrl = `${repo.htmlUrl}/issues/${number}`;
  const closed = rng.chance(0.7);
  const team = byTeam[repo.team >= 0 ? repo.team : author.team]!;
  const nComments = rng.int(1, 5);
  let at = createdAt;
  let first: { engineer: Engineer; at: number; body: string } | null = null;
  for (let i = 0; i < nComments; i++) {
    const by = i % 2 === 1 ? author : rng.weighted(team.map((m) => [m, m.reviewWeight] as const));
    at = clamp(at + rng.int(10, 36 * 60) * MIN);
    const body = by === author ? "Thanks — that fixed it for me." : rng.pick(ISSUE_ANSWERS);
    const icid = ISSUE_COMMENT_BASE + ++run.issueCommentSeq;
    emit("issue_comments", [icid, repo.id, number, false, by.id, body, `${htmlUrl}#issuecomment-${icid}`, "MEMBER", ISO(at), ISO(at), null]);
    if (!first && by !== author) first = { engineer: by, at, body };
  }
  const closedAt = closed ? clamp(at + rng.int(60, 5 * 24 * 60) * MIN) : null;
  const labels = rng.chance(0.6) ? JSON.stringify([rng.pick(["bug", "question", "enhancement"]), `area:${rng.pick(OBJECTS).split(" ").pop()}`]) : "[]";
  emit("issues", [id, repo.id, number, title, `${title}\n\nSeen on ${rng.pick(["staging", "production", "my laptop"])}.`, htmlUrl, closed ? "closed" : "open", closed ? "completed" : null, author.id, "MEMBER", labels, ISO(createdAt), closedAt === null ? null : ISO(closedAt), ISO(closedAt ?? at)]);
  if (first && rng.chance(0.3)) {
    const recurring = title.startsWith("How do I");
    const waited = first.at - createdAt;
    const actions = [`gave the first helpful answer, ${humanDuration(waited)} after the issue was opened`, ...(labels !== "[]" ? [`labelled it ${(JSON.parse(labels) as string[]).map((l) => `“${l}”`).join(", ")}`] : [])];
    const c = contribution({
      key: `triage:${id}:${first.engineer.id}`, kind: "triage", person: person(first.engineer),
      subject: { repositoryId: repo.id, repositoryFullName: repo.fullName, repositoryPrivate: repo.private, subjectType: "issue", subjectId: String(id), subjectTitle: title, subjectUrl: htmlUrl },
      occurredAt: ISO(first.at), score: recurring ? 30 : 40 + rng.int(0, 45), confidence: 0.85, level: recurring ? "light" : "substantive", dynamics: recurring ? "trap" : "neutral",
      evidence: [`On issue #${number} “${title}” by ${author.login}, ${first.engineer.login} ${actions.join(" and ")}.`, closed ? "Closed and not reopened since." : "Still open."],
      formula: {
        friction: `Issue #${number} waited ${humanDuration(waited)} for a first helpful answer.`,
        change: `${first.engineer.login} ${actions.join(" and ")}.`,
        improvement: closed ? "The issue was closed and has not been reopened." : "Not measurable yet: the issue is still open.",
        beneficiaries: [author.login],
        proof: [{ label: `${repo.fullName}#${number}: ${title}`, url: htmlUrl }],
      },
      detail: { labels: JSON.parse(labels) as string[], actions, answered: true, addedCriteria: false, reopenedCount: 0, similarAnswered: [], clarifiedBeforeWork: false, ...(recurring ? { recurrenceKey: "question:staging-credentials" } : {}) },
      detector: "triage",
    });
    emit("contributions", contributionRow(c, `issue:${repo.id}:${number}`));
  }
}
