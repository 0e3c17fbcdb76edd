/**
 * This period against the previous one: counts and average scores, up or down.
 */
import type { ComparisonRow, Trend } from "./report-model.js";

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
): ComparisonRow[] {
  const cur = groupScores(current, keyOf);
  const prev = previous === null ? null : groupScores(previous, keyOf);
  return keys.map(({ key, label }) => {
    const c = cur.get(key) ?? [];
    const p = prev === null ? null : (prev.get(key) ?? []);
    const currentAverageScore = average(c);
    const previousAverageScore = p === null ? null : average(p);
    return {
      key,
      label,
      current: c.length,
      previous: p === null ? null : p.length,
      currentAverageScore,
      previousAverageScore,
      countTrend: p === null ? "n/a" : countTrend(c.length, p.length),
      scoreTrend: scoreTrend(currentAverageScore, previousAverageScore),
    };
  });
}

export function countTrend(current: number, previous: number): Trend {
  if (current > 0 && previous === 0) return "new";
  if (current === 0 && previous > 0) return "gone";
  if (current > previous) return "up";
  if (current < previous) return "down";
  return "same";
}

function scoreTrend(current: number | null, previous: number | null): Trend {
  if (current === null || previous === null) return "n/a";
  if (current - previous >= 1) return "up";
  if (previous - current >= 1) return "down";
  return "same";
}

function groupScores<T extends Scored>(items: readonly T[], keyOf: (item: T) => string): Map<string, number[]> {
  const map = new Map<string, number[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = map.get(key);
    if (list) list.push(item.score);
    else map.set(key, [item.score]);
  }
  return map;
}

function average(scores: number[]): number | null {
  if (scores.length === 0) return null;
  return Math.round(scores.reduce((a, b) => a + b, 0) / scores.length);
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

/** "9 pieces of glue work, up from 4". */
export function totalChange(current: number, previous: number): string {
  const what = `${current} ${current === 1 ? "piece" : "pieces"} of glue work`;
  if (current > previous) return `${what}, up from ${previous}`;
  if (current < previous) return `${what}, down from ${previous}`;
  return `${what}, the same as the period before`;
}
