/**
 * Spending a rate-limit budget evenly: how long to wait before the next call,
 * given what GitHub last said was left and when it resets. Pure.
 *
 * Above a comfortable share of the budget, no wait. Below it, the calls left
 * (minus a reserve kept for the live app: webhooks' enrichment, comments) are
 * spread over the time to the reset, so a backfill slows down before it runs
 * out instead of stopping dead. At the reserve, it waits for the reset.
 */

export interface BudgetSnapshot {
  /** Points (GraphQL) or requests (REST) left in the window. */
  remaining: number;
  /** The window's size, when known. */
  limit: number | null;
  /** When the window resets (epoch ms). */
  resetAtMs: number;
}

export interface PaceOptions {
  /** Never spend below this many points: they are left for the live app. */
  reserve: number;
  /** Spread calls out once fewer than this share of the limit is left (0–1). */
  slowBelowShare: number;
  /** What one call costs, as last measured (GraphQL points; 1 for REST). */
  costPerCall: number;
}

export type Pace = { waitMs: number; until: "reset" | "spread" | null };

export function paceNextCall(b: BudgetSnapshot | null, nowMs: number, o: PaceOptions): Pace {
  if (!b) return { waitMs: 0, until: null };
  const toReset = Math.max(0, b.resetAtMs - nowMs);
  const cost = Math.max(1, o.costPerCall);
  const spendable = b.remaining - o.reserve;
  if (spendable < cost) return toReset > 0 ? { waitMs: toReset + 1000, until: "reset" } : { waitMs: 0, until: null };
  const comfortable = b.limit !== null ? b.limit * o.slowBelowShare : o.reserve * 4;
  if (b.remaining >= comfortable || toReset === 0) return { waitMs: 0, until: null };
  const callsLeft = Math.floor(spendable / cost);
  return { waitMs: Math.ceil(toReset / callsLeft), until: "spread" };
}
