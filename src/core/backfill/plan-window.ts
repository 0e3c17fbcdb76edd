/**
 * The period a backfill covers: from `since` (inclusive) to `until`
 * (exclusive). Pull requests and issues created before `until` and updated on
 * or after `since` are fetched whole; CI runs created in the period. Pure.
 */

export const DEFAULT_BACKFILL_DAYS = 365;
export const MAX_BACKFILL_DAYS = 3650;

export interface BackfillWindow {
  since: string;
  until: string;
}

export function planWindow(o: { nowMs: number; days: number; since?: string | null; until?: string | null }): BackfillWindow | { error: string } {
  const until = o.until ? Date.parse(o.until) : o.nowMs;
  if (Number.isNaN(until)) return { error: "the end of the period is not a date" };
  const since = o.since ? Date.parse(o.since) : until - o.days * 86_400_000;
  if (Number.isNaN(since)) return { error: "the start of the period is not a date" };
  if (since >= until) return { error: "the period is empty: --since must be before --until" };
  if (until - since > MAX_BACKFILL_DAYS * 86_400_000) return { error: `the period is longer than ${MAX_BACKFILL_DAYS} days` };
  return { since: new Date(since).toISOString(), until: new Date(until).toISOString() };
}

/** True when a completed window covers the one asked for (nothing to fetch again). */
export function windowCovers(done: BackfillWindow, asked: BackfillWindow): boolean {
  return Date.parse(done.since) <= Date.parse(asked.since) && Date.parse(done.until) >= Date.parse(asked.until);
}

/** True when an item (created, last updated) lies in the window. */
export function inWindow(w: BackfillWindow, createdAt: string, updatedAt: string): boolean {
  return Date.parse(createdAt) < Date.parse(w.until) && Date.parse(updatedAt) >= Date.parse(w.since);
}
