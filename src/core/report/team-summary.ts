/** The team report's summary: the headline and the lines a manager reads in a minute, with the traps named. */
import type { ContributionKind } from "../model.js";
import { fixAuthor, isGlue, rerunOutcome, sameQuestionGroups } from "./glue.js";
import type { MergedContribution } from "./merge-contributions.js";
import type { Period } from "./period.js";
import { formatPercent, recurrenceKey, rerunCount } from "./read-detail.js";
import type { AreaDepth, KindDistribution, SummaryLine, TeamPersonRow, TeamReport, TeamTrends } from "./report-model.js";
import { KIND_LABELS } from "./rubric.js";
import type { ReviewTally } from "./review-tally.js";
import { joinWords, plainLine, plural, times } from "./phrasing.js";
import { depthfulCount, isDepthful } from "./team-figures.js";

export interface TeamSummaryInput {
  period: Period;
  people: TeamPersonRow[];
  /** Every kind but reviews, merged. */
  merged: MergedContribution[];
  reviews: ReviewTally;
  previous: MergedContribution[];
  loginOf: Map<number, string>;
  reviewDepth: TeamReport["reviewDepth"];
  distribution: KindDistribution[];
  shallowAreas: AreaDepth[];
  trends: TeamTrends;
  coveredCount: number;
}

export function buildTeamSummary(s: TeamSummaryInput): TeamReport["summary"] {
  const lines: SummaryLine[] = [];
  const line = (t: string): void => {
    lines.push(plainLine(t));
  };
  const glue = s.merged.filter(isGlue);
  const depthful = depthfulCount(s.reviews);
  const rd = s.reviewDepth;
  if (glue.length + depthful === 0) {
    const headline = `Unsung found no glue work for this team (${plural(s.people.length, "person", "people")}) in ${s.period.label} in the ${plural(s.coveredCount, "repository", "repositories")} this report covers.`;
    if (rd.totals["rubber-stamp"] > 0) line(`${plural(rd.totals["rubber-stamp"], "approval", "approvals")} with no visible review (rubber stamps): counted, but not glue work.`);
    line("Work off GitHub only shows up when people log it, and missed work can be claimed. If this looks wrong, check which repositories the app is installed on.");
    if (s.trends.hasPreviousData) line(s.trends.message);
    return { headline, lines, empty: true };
  }
  const repoNames = new Set(glue.map((m) => m.repositoryFullName.toLowerCase()));
  for (const r of s.reviews.repositories) if (isDepthful(r.level)) repoNames.add(r.repositoryFullName.toLowerCase());
  const repos = repoNames.size;
  const headline = `${plural(s.people.length, "person", "people")}, ${plural(glue.length + depthful, "piece", "pieces")} of glue work in ${s.period.label} across ${plural(repos, "repository", "repositories")}.`;
  if (rd.totalReviews > 0) {
    const depthful = rd.totals.substantive + rd.totals.deep;
    const stamps = rd.totals["rubber-stamp"];
    line(
      `${depthful} of ${plural(rd.totalReviews, "review", "reviews")} (${formatPercent(depthful / rd.totalReviews)}) ${depthful === 1 ? "was" : "were"} substantive or deep` +
        (stamps > 0 ? `; ${stamps} (${formatPercent(stamps / rd.totalReviews)}) ${stamps === 1 ? "was an approval" : "were approvals"} with no visible review. Only substantive and deep reviews count as glue work.` : ". Only substantive and deep reviews count as glue work."),
    );
    const total = rd.rows.reduce((n, r) => n + (r.commentCount ?? 0), 0);
    const led = rd.rows.reduce((n, r) => n + (r.commentsLedToChange ?? 0), 0);
    if (total > 0) line(`${led} of ${plural(total, "review comment", "review comments")} led to changes.`);
  }
  for (const d of s.distribution) {
    if (d.heroBottleneck) line(`Possible hero bottleneck in ${d.label.toLowerCase()}: ${d.flags.join(" ")}`);
  }
  const traps = trapLines(s.merged, s.reviews, s.previous, s.loginOf);
  if (traps.length > 0) {
    line(`Recurring work that absorbs a problem instead of removing it (a trap): ${traps.join("; ")}. Their evidence packets suggest the systemic fix.`);
  }
  if (s.shallowAreas.length > 0) {
    const names = s.shallowAreas.slice(0, 5).map((a) => a.area);
    line(
      `${plural(s.shallowAreas.length, "area", "areas")} had only rubber-stamp or light reviews: ${names.join(", ")}${s.shallowAreas.length > names.length ? ", …" : ""}.`,
    );
  }
  const without = s.people.filter((p) => p.items === 0).length;
  if (without > 0 && s.people.length > 1) {
    line(`${plural(without, "person has", "people have")} no glue work recorded; their work may be off GitHub (and unlogged) or in repositories this report does not cover.`);
  }
  line(s.trends.message);
  return { headline, lines, empty: false };
}

/** "@jonah answered the same question (“How do I …?”) 5 times", "@oliver quarantined a flaky test instead of fixing it". */
function trapLines(merged: MergedContribution[], reviews: ReviewTally, previous: MergedContribution[], loginOf: Map<number, string>): string[] {
  // Grouped with the previous period too, so a question is named after its first occurrence.
  const questions = sameQuestionGroups([...merged, ...previous]);
  const current = new Set(merged);
  const groups = new Map<string, { personId: number; kind: ContributionKind; title: string | null; members: Set<MergedContribution> }>();
  for (const m of merged) {
    // Manual re-runs are named per workflow, with everyone who absorbed it (rerunTrapLines).
    if (m.dynamics !== "trap" || m.kind === "ci-rerun") continue;
    const q = questions.get(m);
    const id = `${m.personId}\u0000${m.kind}\u0000${q?.id ?? ""}`;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { personId: m.personId, kind: m.kind, title: q?.title ?? null, members: new Set() }));
    g.members.add(m);
    // The whole question group counts, including occurrences before it was marked a trap.
    if (q) for (const [other, oq] of questions) if (oq.id === q.id && other.personId === m.personId && current.has(other)) g.members.add(other);
  }
  const counted = [...groups.values()].map((g) => ({ ...g, n: g.members.size }));
  // Reviews that absorb a recurring problem, at any depth: one group per reviewer.
  const reviewTraps = new Map<number, number>();
  for (const p of reviews.people) if (p.traps > 0) reviewTraps.set(p.personId, (reviewTraps.get(p.personId) ?? 0) + p.traps);
  for (const [personId, n] of reviewTraps) counted.push({ personId, kind: "review", title: null, members: new Set(), n });
  const out: string[] = rerunTrapLines(merged);
  for (const g of counted.sort((a, b) => b.n - a.n || (loginOf.get(a.personId) ?? "").localeCompare(loginOf.get(b.personId) ?? "", "en"))) {
    const who = `@${loginOf.get(g.personId) ?? ""}`;
    const n = g.n;
    if (g.kind === "triage" && g.title) out.push(`${who} answered the same question (“${g.title}”) ${times(n)}`);
    else if (g.kind === "flaky-quarantine") out.push(`${who} quarantined ${n === 1 ? "a flaky test" : `${n} flaky tests`} instead of fixing ${n === 1 ? "it" : "them"}`);
    else out.push(`${who}: ${n} ${n === 1 ? KIND_LABELS[g.kind].one : KIND_LABELS[g.kind].many} absorbing a recurring problem`);
  }
  return out;
}

/**
 * One line per workflow that people kept re-running by hand: who absorbed it and how often, and
 * whether a flaky-test fix later ended it. "@oliver (9 times) and @lena (4) re-ran the “ci” workflow
 * in acme/api by hand 13 times, until @devraj's flaky-test fix “…” (merged 2026-06-02): no repeated re-runs since".
 */
function rerunTrapLines(merged: MergedContribution[]): string[] {
  const byWorkflow = new Map<string, { problem: string; items: MergedContribution[] }>();
  for (const m of merged) {
    if (m.kind !== "ci-rerun" || m.dynamics !== "trap") continue;
    const problem = m.parts.map(recurrenceKey).find((k) => k !== null) ?? `a CI workflow in ${m.repositoryFullName}`;
    const id = problem.toLowerCase();
    const entry = byWorkflow.get(id);
    if (entry) entry.items.push(m);
    else byWorkflow.set(id, { problem, items: [m] });
  }
  const lines: { total: number; text: string }[] = [];
  for (const { problem, items } of byWorkflow.values()) {
    const people = new Map<string, number>();
    for (const m of items) people.set(m.personLogin, (people.get(m.personLogin) ?? 0) + rerunCount(m.parts));
    const ranked = [...people].sort((a, b) => b[1] - a[1] || a[0].toLowerCase().localeCompare(b[0].toLowerCase(), "en"));
    const total = ranked.reduce((n, [, k]) => n + k, 0);
    const names = ranked.map(([login, k], i) => `@${login} (${i === 0 ? plural(k, "time", "times") : k})`);
    const who = joinWords(names);
    const outcome = rerunOutcome(items);
    let text = `${who} re-ran ${problem} by hand ${plural(total, "time", "times")}`;
    if (outcome.despite) {
      const f = outcome.despite.fix;
      text += `, ${outcome.despite.reruns} of them after ${fixAuthor(f, null)} flaky-test fix (merged ${f.mergedAt.slice(0, 10)}): still flaky`;
    }
    if (outcome.endedBy) {
      const f = outcome.endedBy;
      text += `, until ${fixAuthor(f, null)} flaky-test fix “${f.title}” (merged ${f.mergedAt.slice(0, 10)}): no repeated re-runs since`;
    }
    lines.push({ total, text });
  }
  return lines.sort((a, b) => b.total - a.total || a.text.localeCompare(b.text, "en")).map((l) => l.text);
}
