/** The team report's trends: glue work per kind against the previous period, and per month within the period. */
import type { ContributionKind } from "../model.js";
import { comparisonRowsOf, partialChange, scoreStats, totalChange, type ScoreStats } from "./build-comparison.js";
import { glueKindHeading, isGlue } from "./glue.js";
import type { MergedContribution } from "./merge-contributions.js";
import { isInPeriod, monthsOf, type Period } from "./period.js";
import type { MonthBucket, PreviousRecorded, TeamTrends } from "./report-model.js";
import { ALL_KINDS } from "./rubric.js";
import { monthOf, type PeriodCounts, type ReviewTally } from "./review-tally.js";
import { isDepthful, reviewTotal } from "./team-figures.js";

/** One period's work as the team report counts it: every kind but reviews merged, reviews tallied. */
export interface PeriodWork {
  merged: MergedContribution[];
  reviews: ReviewTally;
  /** Kinds counted rather than merged here (the previous period's, see previousCounts). */
  counted?: PeriodCounts;
}

/** Glue work per kind: how many and the sum of their scores. */
function glueStats(w: PeriodWork): ScoreStats {
  const stats = scoreStats(w.merged.filter(isGlue), (m) => m.kind);
  let count = 0;
  let sum = 0;
  for (const p of w.reviews.people) {
    if (!isDepthful(p.level)) continue;
    count += p.reviews;
    sum += p.scoreSum;
  }
  if (count > 0) stats.set("review", { count, sum });
  for (const k of w.counted?.kinds ?? []) {
    const s = stats.get(k.kind) ?? { count: 0, sum: 0 };
    s.count += k.items;
    s.sum += k.scoreSum;
    stats.set(k.kind, s);
  }
  return stats;
}

export function buildTrends(period: Period, prevPeriod: Period, now: PeriodWork, before: PeriodWork, recorded: PreviousRecorded | null): TeamTrends {
  // Rubber stamps and light reviews are not glue work, in either period.
  const cur = glueStats(now);
  const prev = glueStats(before);
  const count = (s: ScoreStats) => [...s.values()].reduce((n, x) => n + x.count, 0);
  // Any recorded activity (a light review too) means there is data: no glue work then is a fact, not a gap.
  const hasPreviousData =
    before.merged.length > 0 || reviewTotal(before.reviews) > 0 || (before.counted !== undefined && (before.counted.reviews > 0 || before.counted.kinds.some((k) => k.items > 0)));
  const partial = hasPreviousData ? recorded : null;
  const kinds = ALL_KINDS.filter((k) => cur.has(k) || prev.has(k));
  const byKind = comparisonRowsOf(
    kinds.map((k) => ({ key: k, label: glueKindHeading(k) })),
    cur,
    hasPreviousData ? prev : null,
    partial && partial.comparable && partial.recordedDays > 0 ? partial.currentDays / partial.recordedDays : null,
  );
  // Too little recorded to extrapolate: counts are shown, trends are not claimed.
  if (partial && !partial.comparable) for (const r of byKind) r.countTrend = "n/a";
  const perMonth = new Map<string, Partial<Record<ContributionKind, number>>>();
  const bumpMonth = (month: string | null, kind: ContributionKind, n: number): void => {
    if (month === null) return;
    let m = perMonth.get(month);
    if (!m) perMonth.set(month, (m = {}));
    m[kind] = (m[kind] ?? 0) + n;
  };
  for (const m of now.merged) if (isGlue(m) && isInPeriod(m.occurredAt, period)) bumpMonth(monthOf(m.occurredAt), m.kind, 1);
  for (const m of now.reviews.months) if (isDepthful(m.level)) bumpMonth(m.month, "review", m.reviews);
  const months: MonthBucket[] = monthsOf(period).map((month) => {
    const byKindCounts = perMonth.get(month.key) ?? {};
    const total = Object.values(byKindCounts).reduce((n, k) => n + (k ?? 0), 0);
    return { key: month.key, label: month.label, total, byKind: { ...byKindCounts } };
  });
  const message = !hasPreviousData
    ? `No data for the previous period (${prevPeriod.label}).`
    : partial
      ? partialChange(count(cur), count(prev), partial, prevPeriod.label)
      : `Compared with ${prevPeriod.label}: ${totalChange(count(cur), count(prev))}.`;
  return { hasPreviousData, previousRecorded: partial, message, byKind, months };
}
