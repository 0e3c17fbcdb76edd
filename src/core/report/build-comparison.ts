/**
 * This period against the previous one: counts and average scores, up or down.
 */
import type { ComparisonRow, PreviousRecorded, Trend } from "./report-model.js";

interface Scored {
  score: number;
}

/**
 * One row per key, in the order given. `previous` is null when there is no
 * data for the previous period: the rows then say so instead of showing
 * a drop to zero that never happened.
 */
export function buildComparisonRows<T extends Scored>(
  keys: ReadonlyArray<{ key: string; label: string }>,
  current: readonly T[],
  previous: readonly T[] | null,
  keyOf: (item: T) => string,
  /**
   * When the previous period is only partly recorded: current days / recorded previous days.
   * Trends then compare counts per day (previous count × scale against the current count).
   */
  scale: number | null = null,
): ComparisonRow[] {
  return comparisonRowsOf(keys, scoreStats(current, keyOf), previous === null ? null : scoreStats(previous, keyOf), scale);
}

/** How many items, and the sum of their scores, per key. */
export type ScoreStats = Map<string, { count: number; sum: number }>;

/** buildComparisonRows for items already counted (see scoreStats). */
export function comparisonRowsOf(
  keys: ReadonlyArray<{ key: string; label: string }>,
  cur: ScoreStats,
  prev: ScoreStats | null,
  scale: number | null = null,
): ComparisonRow[] {
  return keys.map(({ key, label }) => {
    const c = cur.get(key) ?? { count: 0, sum: 0 };
    const p = prev === null ? null : (prev.get(key) ?? { count: 0, sum: 0 });
    const currentAverageScore = average(c);
    const previousAverageScore = p === null ? null : average(p);
    return {
      key,
      label,
      current: c.count,
      previous: p === null ? null : p.count,
      currentAverageScore,
      previousAverageScore,
      countTrend: p === null ? "n/a" : scale === null ? countTrend(c.count, p.count) : rateTrend(c.count, p.count, scale),
      scoreTrend: scoreTrend(currentAverageScore, previousAverageScore),
    };
  });
}

export function scoreStats<T extends Scored>(items: readonly T[], keyOf: (item: T) => string): ScoreStats {
  const map: ScoreStats = new Map();
  for (const item of items) {
    const key = keyOf(item);
    const s = map.get(key);
    if (s) {
      s.count += 1;
      s.sum += item.score;
    } else map.set(key, { count: 1, sum: item.score });
  }
  return map;
}

export function countTrend(current: number, previous: number): Trend {
  if (current > 0 && previous === 0) return "new";
  if (current === 0 && previous > 0) return "gone";
  if (current > previous) return "up";
  if (current < previous) return "down";
  return "same";
}

/**
 * The trend of a count against a partly recorded previous count, per day: the previous count is
 * scaled up to the current period's length, and differences within 15% (or one item) are "same".
 */
export function rateTrend(current: number, previous: number, scale: number): Trend {
  if (current > 0 && previous === 0) return "new";
  if (current === 0 && previous > 0) return "gone";
  const expected = previous * scale;
  const margin = Math.max(1, expected * 0.15);
  if (current > expected + margin) return "up";
  if (current < expected - margin) return "down";
  return "same";
}

function scoreTrend(current: number | null, previous: number | null): Trend {
  if (current === null || previous === null) return "n/a";
  if (current - previous >= 1) return "up";
  if (previous - current >= 1) return "down";
  return "same";
}

function average(s: { count: number; sum: number }): number | null {
  if (s.count === 0) return null;
  return Math.round(s.sum / s.count);
}

/** "up from 4 to 9", "down from 9 to 4", "unchanged at 3", "new (none before)", "none (4 before)". */
export function describeChange(row: ComparisonRow): string {
  if (row.previous === null) return `${row.current} (no data for the previous period)`;
  switch (row.countTrend) {
    case "new":
      return `${row.current}, none the period before`;
    case "gone":
      return `none, ${row.previous} the period before`;
    case "up":
      return `up from ${row.previous} to ${row.current}`;
    case "down":
      return `down from ${row.previous} to ${row.current}`;
    default:
      return `unchanged at ${row.current}`;
  }
}

/**
 * The headline comparison when the previous period is only partly recorded: counts per 30 days.
 * "2026 Q2 is only partly recorded (from 2026-06-01, 30 of 91 days), so counts are compared per
 * 30 days: about 130 pieces of glue work per 30 days now, against 91 in the recorded part of 2026 Q2 (up)."
 */
export function partialChange(current: number, previous: number, recorded: PreviousRecorded, previousLabel: string, who: string | null = null): string {
  const from = recorded.recordedFrom.slice(0, 10);
  const span = `${recorded.recordedDays} of ${recorded.periodDays} days`;
  const opening =
    recorded.basis === "person" && who
      ? `Unsung's records of ${who}'s work in ${previousLabel} begin on ${from} (${span})`
      : `${previousLabel} is only partly recorded (from ${from}, ${span})`;
  if (recorded.recordedDays <= 0) return `${previousLabel} has no records (they begin on ${from}): nothing to compare with.`;
  if (!recorded.comparable) {
    return `${opening}: too little to compare with (${previous} ${previous === 1 ? "piece" : "pieces"} of glue work then, ${current} in this period).`;
  }
  const now = Math.round((current * 30) / recorded.currentDays);
  const then = Math.round((previous * 30) / recorded.recordedDays);
  const trend = rateTrend(current, previous, recorded.currentDays / recorded.recordedDays);
  const word = trend === "up" || trend === "new" ? "up" : trend === "down" || trend === "gone" ? "down" : "about the same";
  return (
    `${opening}, so counts are compared per 30 days: ` +
    `about ${now} ${now === 1 ? "piece" : "pieces"} of glue work per 30 days now, against ${then} in the recorded part of ${previousLabel} (${word}).`
  );
}

/** "9 pieces of glue work, up from 4". */
export function totalChange(current: number, previous: number): string {
  const what = `${current} ${current === 1 ? "piece" : "pieces"} of glue work`;
  if (current > previous) return `${what}, up from ${previous}`;
  if (current < previous) return `${what}, down from ${previous}`;
  return `${what}, the same as the period before`;
}
