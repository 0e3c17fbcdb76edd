/**
 * The contributions of one pull request: review depth per reviewer (the real
 * detector over the scored reviews); for the author's merged non-feature work
 * a flaky-test fix or quarantine, or a change kind; mentoring of a newcomer;
 * co-authorship with a teammate.
 */
import { contribution, type SubjectFields } from "../core/detect/contribution.js";
import { reviewContributions, type ReviewerActivity } from "../core/detect/detect-review-depth.js";
import { humanDuration, percent, plural } from "../core/detect/text.js";
import type { PullRequestBundle } from "../core/facts.js";
import type { PersonRef } from "../core/model.js";
import type { ReviewTemplate } from "./review-templates.js";
import { CHECKS } from "./scale-ci.js";
import { KIND_TEXT, type PrKind } from "./scale-kinds.js";
import type { Engineer, Repo } from "./scale-plan.js";
import type { ScaleRun } from "./scale-run.js";
import { ISO } from "./scale-shared.js";

/** What the contributions read of a generated pull request (times in ms). */
export interface GeneratedPullRequest {
  author: Engineer | null;
  kind: PrKind;
  repo: Repo;
  id: number;
  number: number;
  title: string;
  htmlUrl: string;
  headSha: string;
  authorRef: PersonRef;
  closed: boolean;
  merged: boolean;
  createdAt: number;
  mergedAt: number | null;
  closedAt: number | null;
  additions: number;
  deletions: number;
  changedFiles: number;
  lines: number;
  commitCount: number;
  newcomer: boolean;
  activities: { engineer: Engineer; activity: ReviewerActivity; template: ReviewTemplate }[];
}

export function pullRequestContributions(run: ScaleRun, pr: GeneratedPullRequest): void {
  const { rng, emit, plan, byTeam, person, contributionRow, lastReviewKey, mergedBefore } = run;
  const { author, kind, repo, id, number, title, htmlUrl, headSha, authorRef, closed, merged, createdAt, mergedAt, closedAt, additions, deletions, changedFiles, lines, commitCount, newcomer, activities } = pr;
  const sourceKey = `pr:${repo.id}:${number}`;
  const repoFact = { id: repo.id, fullName: repo.fullName, private: repo.private, defaultBranch: "main", htmlUrl: repo.htmlUrl };
  const bundle = {
    repository: repoFact,
    pullRequest: {
      id, repositoryId: repo.id, number, title, body: "", htmlUrl, state: closed ? "closed" : "open", draft: false, merged,
      mergedAt: mergedAt === null ? null : ISO(mergedAt), mergedBy: null, author: authorRef, authorAssociation: "MEMBER",
      additions, deletions, changedFiles, headSha, baseSha: "", baseRef: "main", labels: [], createdAt: ISO(createdAt), closedAt: closedAt === null ? null : ISO(closedAt),
    },
    files: [], commits: [], reviews: [], reviewComments: [], issueComments: [], ciRuns: [], histories: {}, linkedIssues: [],
  } as PullRequestBundle;
  const subject: SubjectFields = { repositoryId: repo.id, repositoryFullName: repo.fullName, repositoryPrivate: repo.private, subjectType: "pull_request", subjectId: String(id), subjectTitle: title, subjectUrl: htmlUrl };
  for (const c of reviewContributions(bundle, activities.map((a) => a.activity), newcomer)) {
    emit("contributions", contributionRow(c, sourceKey));
    lastReviewKey.set(c.personId, { key: c.key, url: htmlUrl, repo });
  }
  if (!author) return;
  if (merged && kind !== "feature") {
    const occurredAt = ISO(mergedAt!);
    const proofPr = { label: `${repo.fullName}#${number}: ${title}`, url: htmlUrl };
    const sizeProof = { label: `+${additions.toLocaleString("en-US")} −${deletions.toLocaleString("en-US")} in ${plural(changedFiles, "file")}` };
    if (kind === "flaky-fix" || kind === "flaky-quarantine") {
      const check = rng.pick(CHECKS);
      const flips = rng.int(2, 12);
      if (kind === "flaky-fix") {
        const beforeRuns = rng.int(20, 90);
        const beforeBad = Math.min(beforeRuns, flips);
        const afterRuns = rng.int(10, 80);
        const afterBad = rng.chance(0.7) ? 0 : rng.int(1, 3);
        const status = afterBad / afterRuns < beforeBad / beforeRuns ? "improved" : "unchanged";
        const rate = (n: number, d: number) => Math.round((n / d) * 10_000) / 10_000;
        const sentence = `The failure/rerun rate of "${check}" on main fell: ${percent(beforeBad / beforeRuns)} → ${percent(afterBad / afterRuns)} over ${beforeRuns + afterRuns} runs (${beforeBad} of ${beforeRuns} before, ${afterBad} of ${afterRuns} after), 30 days before vs 30 days after the merge.`;
        const outcome = { after: { bad: afterBad, rate: rate(afterBad, afterRuns), runs: afterRuns }, check, before: { bad: beforeBad, rate: rate(beforeBad, beforeRuns), runs: beforeRuns }, branch: "main", status, sentence };
        const c = contribution({
          key: `flaky-fix:${id}:${author.id}`, kind: "flaky-fix", person: person(author), subject, occurredAt,
          score: 40 + 30 * 0.9 + (status === "improved" ? 30 * Math.min(1, (outcome.before.rate - outcome.after.rate) / outcome.before.rate) : 0),
          confidence: 0.9, level: status, dynamics: "compounding",
          evidence: [`PR #${number} “${title}” fixes a flaky test.`, "The title mentions “Deflake”.", "The change is labelled “flaky-test”.", `“${check}” failed and then passed on the same commit ${plural(flips, "time")} in the 30 days before the change (re-runs hiding a flaky failure).`, sentence],
          formula: {
            friction: `“${check}” failed and then passed on the same commit ${plural(flips, "time")} in the 30 days before: people were re-running CI to get a green build.`,
            change: `${author.login} fixed the cause: in test code it replaces a fixed sleep with waiting/polling for a condition.`,
            improvement: sentence,
            beneficiaries: [`everyone who waits on CI in ${repo.fullName}`],
            proof: [proofPr, { label: `“${check}” on main: ${beforeBad}/${beforeRuns} runs failed or re-ran before, ${afterBad}/${afterRuns} after` }],
          },
          detail: { patterns: ["replaces a fixed sleep with waiting/polling for a condition"], check, ciFlips: flips, outcome },
          detector: "flaky-fix",
        });
        emit("contributions", contributionRow(c, sourceKey));
      } else {
        const c = contribution({
          key: `flaky-quarantine:${id}:${author.id}`, kind: "flaky-quarantine", person: person(author), subject, occurredAt,
          score: 15 + 20 * 0.75, confidence: 0.75, level: null, dynamics: "trap",
          evidence: [`PR #${number} “${title}” skips, quarantines or retries a flaky test.`, "The title mentions “flaky”.", "Unblocking the team has value, but the test is no longer checking anything: a systemic fix (fix the cause, then remove the skip or retry) is still owed."],
          formula: {
            friction: `“${check}” failed and then passed on the same commit ${plural(flips, "time")} before the change.`,
            change: `${author.login} skipped, quarantined or retried it instead of fixing it.`,
            improvement: "Builds stop failing on it, but the flakiness remains hidden; a lower failure rate after a skip is not an improvement of the test.",
            beneficiaries: [`everyone who waits on CI in ${repo.fullName}`],
            proof: [proofPr],
          },
          detail: { check, ciFlips: flips },
          detector: "flaky-fix",
        });
        emit("contributions", contributionRow(c, sourceKey));
      }
    } else {
      const text = KIND_TEXT[kind];
      const share = Math.round((0.55 + 0.45 * rng.next()) * 1000) / 1000;
      const kLines = Math.max(1, Math.round(lines * share));
      const files = Math.min(changedFiles, rng.int(1, 3));
      const paths = rng.sample(text.paths, files);
      const c = contribution({
        key: `${kind}:${id}:${author.id}`, kind, person: person(author), subject, occurredAt,
        score: (0.5 + 0.5 * share) * 20 * Math.log2(1 + kLines / 8), confidence: 0.9, level: null, dynamics: text.dynamics,
        evidence: [`PR #${number} “${title}” is mainly ${text.what} (${percent(share)} of the changed lines).`, `${text.label}: ${plural(files, "file")}, ${kLines} of ${lines} changed lines (${percent(share)} of the change): ${paths.join(", ")}.`],
        formula: {
          friction: "Not recorded: no linked issue describes the problem before this change.",
          change: `${author.login} changed ${text.what}: ${plural(kLines, "line")} in ${plural(files, "file")} (${percent(share)} of the pull request).`,
          improvement: text.improvement,
          beneficiaries: text.beneficiaries(repo.fullName),
          proof: [proofPr, sizeProof],
        },
        detail: { share, lines: kLines, files, breakdown: [{ kind, share, lines: kLines }], otherLines: lines - kLines },
        detector: "change-kind",
      });
      emit("contributions", contributionRow(c, sourceKey));
    }
  }
  // Mentoring: substantive reviews of a newcomer's first pull requests.
  if (newcomer && (mergedBefore.get(author.id) ?? 0) < 5) {
    for (const a of activities) {
      const level = a.template.score.level;
      if (level !== "substantive" && level !== "deep") continue;
      const threads = a.template.comments.filter((c) => c.reply !== null).length;
      const lastAt = a.activity.reviews[a.activity.reviews.length - 1]!.submittedAt;
      const c = contribution({
        key: `mentoring:${id}:${a.engineer.id}`, kind: "mentoring", person: person(a.engineer), subject, occurredAt: lastAt,
        score: 30 + 10 * Math.min(3, threads) + (level === "deep" ? 10 : 0), confidence: 0.8, level: null, dynamics: "compounding",
        evidence: [`${author.login} had only ${plural(mergedBefore.get(author.id) ?? 0, "merged pull request")} in ${repo.fullName} before this one.`, `${a.engineer.login} gave the newcomer's pull request a ${level} review.`, ...(threads ? [`${plural(threads, "review thread")} became a conversation with the newcomer.`] : [])],
        formula: {
          friction: `${author.login}, a newcomer to ${repo.fullName}, opened PR #${number} “${title}”.`,
          change: `${a.engineer.login} helped ${author.login} with a ${level} review${threads ? `, ${plural(threads, "review thread")} talked through with them` : ""}.`,
          improvement: mergedAt !== null ? `The pull request merged ${humanDuration(mergedAt - createdAt)} after it was opened. Whether the newcomer ramps up faster is not measurable from one pull request.` : "Not merged yet: outcome not measurable yet.",
          beneficiaries: [author.login],
          proof: [{ label: `${repo.fullName}#${number}: ${title}`, url: htmlUrl }, ...a.activity.reviews.slice(0, 2).map((r) => ({ label: `Review by ${a.engineer.login}`, url: r.htmlUrl }))],
        },
        detail: { merged, commits: 0, newcomer: author.login, reviewLevel: level, explanations: a.template.score.comments.filter((x) => x.category === "knowledge-transfer").length, threadsWithNewcomer: threads },
        detector: "mentoring",
      });
      emit("contributions", contributionRow(c, sourceKey));
    }
  }
  // Co-authorship: a teammate paired on some merged pull requests.
  if (merged && rng.chance(0.04)) {
    const mate = rng.pick(byTeam[author.team]!.filter((m) => m !== author).concat(plan.engineers[0] === author ? [] : [plan.engineers[0]!]));
    const n = rng.int(1, commitCount);
    const shas = Array.from({ length: n }, () => rng.sha());
    const c = contribution({
      key: `co-authorship:${id}:${mate.id}`, kind: "co-authorship", person: person(mate), subject, occurredAt: ISO(mergedAt!),
      score: 35 + 40 * (n / commitCount) + 5 * Math.min(n, 5), confidence: 0.85, level: null, dynamics: "compounding",
      evidence: [`${mate.login} is named as co-author (Co-authored-by trailer) on ${n} of ${plural(commitCount, "commit")} of PR #${number} “${title}”, authored with ${author.login}.`],
      formula: {
        friction: "Not recorded: a Co-authored-by trailer does not say why the work was paired on.",
        change: `${mate.login} paired with ${author.login} on PR #${number}: co-author of ${n} of ${plural(commitCount, "commit")}.`,
        improvement: `The pull request merged on ${ISO(mergedAt!).slice(0, 10)}; any effect beyond that is not measurable from the trailers.`,
        beneficiaries: [author.login],
        proof: [{ label: `${repo.fullName}#${number}: ${title}`, url: htmlUrl }, ...shas.slice(0, 3).map((s) => ({ label: `Commit ${s.slice(0, 7)} (Co-authored-by ${mate.login})`, url: `${repo.htmlUrl}/commit/${s}` }))],
      },
      detail: { commits: shas, totalCommits: commitCount, filteredCoAuthors: [], unmappedCoAuthors: [] },
      detector: "co-authorship",
    });
    emit("contributions", contributionRow(c, sourceKey));
  }
  if (merged) mergedBefore.set(author.id, (mergedBefore.get(author.id) ?? 0) + 1);
}
