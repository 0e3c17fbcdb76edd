/**
 * The redelivery sweeper: GitHub does not retry a webhook we failed to take
 * (a 5xx during a database outage, a deploy, a crash), so a scheduled job
 * reads the app's delivery log, finds the deliveries we do not hold, and asks
 * GitHub to send them again while it still will (three days). Read → decide
 * (src/core/redelivery/plan-redeliveries.ts) → write: every request is
 * recorded in `redeliveries` with GitHub's answer.
 *
 * Gaps older than the window cannot be redelivered: they are counted
 * (`tooOld`) and left to the backfill (`unsung backfill`), which reads the
 * same history from the API.
 */
import { sql, type Kysely } from "kysely";
import type { ApiClient } from "../github/api-client.js";
import { fetchDeliveryLogPage, requestRedelivery } from "../github/hook-deliveries.js";
import { planRedeliveries, REDELIVERY_WINDOW_MS, type HookDelivery, type PastRequests, type PlanCounts } from "../core/redelivery/plan-redeliveries.js";
import type { DB } from "../store/schema.js";

export interface SweepDeps {
  db: Kysely<DB>;
  /** A client authenticated as the app (its JWT). */
  api: ApiClient;
  now: () => Date;
  /** How far back to look and redeliver (default: GitHub's three days less an hour, so a request is not refused on the way). */
  windowMs?: number;
  /** Pages of 100 read at most per sweep. */
  maxPages?: number;
  /** Requests per delivery before the sweeper gives up on it. */
  maxRequests?: number;
  /** After a request, wait this long for GitHub's new attempt before asking again. */
  minGapMs?: number;
  /** Requests sent at most per sweep (the rest wait for the next one). */
  maxPerSweep?: number;
}

export interface SweepResult extends PlanCounts {
  pages: number;
  /** Log items that were not a well-formed delivery. */
  malformed: number;
  requested: number;
  notFound: number;
  refused: number;
  errors: number;
  /** Planned but left to the next sweep (maxPerSweep). */
  deferred: number;
}

export const SWEEP_DEFAULTS = {
  windowMs: REDELIVERY_WINDOW_MS - 3_600_000,
  maxPages: 50,
  maxRequests: 3,
  minGapMs: 30 * 60_000,
  maxPerSweep: 500,
};

export async function sweepDeliveries(deps: SweepDeps): Promise<SweepResult> {
  const o = { ...SWEEP_DEFAULTS, ...Object.fromEntries(Object.entries(deps).filter(([, v]) => v !== undefined)) } as typeof SWEEP_DEFAULTS & SweepDeps;
  const nowMs = deps.now().getTime();

  const listed: HookDelivery[] = [];
  let malformed = 0;
  let pages = 0;
  let cursor: string | null = null;
  const seen = new Set<string>();
  while (pages < o.maxPages) {
    const page = await fetchDeliveryLogPage(deps.api, cursor);
    pages++;
    malformed += page.malformed;
    listed.push(...page.deliveries);
    // Newest first: once a page reaches past the window, older pages hold nothing to redeliver.
    const reachedEnd = page.deliveries.some((d) => nowMs - d.deliveredAtMs > o.windowMs);
    if (!page.next || reachedEnd || !page.deliveries.length || seen.has(page.next)) break;
    seen.add(page.next);
    cursor = page.next;
  }

  const guids = [...new Set(listed.map((d) => d.guid))];
  const stored = new Set<string>();
  const past = new Map<string, PastRequests>();
  if (guids.length) {
    for (const r of await deps.db.selectFrom("deliveries").select("id").where("id", "in", guids).execute()) stored.add(r.id);
    const rows = await sql<{ guid: string; n: number; last_ms: number }>`
      select guid, count(*)::int as n, (extract(epoch from max(requested_at)) * 1000)::float8 as last_ms
      from redeliveries where guid = any(${guids}) group by guid`.execute(deps.db);
    for (const r of rows.rows) past.set(r.guid, { count: r.n, lastAtMs: Number(r.last_ms) });
  }
  const erasures = await deps.db.selectFrom("erasures").select(["scope", "subject_id"]).where("scope", "in", ["installation", "repository"]).where("status", "<>", "cancelled").execute();
  const plan = planRedeliveries({
    deliveries: listed,
    stored,
    erasedInstallations: new Set(erasures.filter((e) => e.scope === "installation").map((e) => Number(e.subject_id))),
    erasedRepositories: new Set(erasures.filter((e) => e.scope === "repository").map((e) => Number(e.subject_id))),
    past,
    nowMs,
    windowMs: o.windowMs,
    maxRequests: o.maxRequests,
    minGapMs: o.minGapMs,
  });

  const result: SweepResult = { ...plan.counts, pages, malformed, requested: 0, notFound: 0, refused: 0, errors: 0, deferred: Math.max(0, plan.redeliver.length - o.maxPerSweep) };
  for (const r of plan.redeliver.slice(0, o.maxPerSweep)) {
    // A rate-limit wait throws out of here: the requests made so far are recorded, the rest wait for the job's next run.
    const answer = await requestRedelivery(deps.api, r.hookDeliveryId);
    await deps.db
      .insertInto("redeliveries")
      .values({
        guid: r.guid,
        hook_delivery_id: r.hookDeliveryId,
        event: r.event,
        action: r.action,
        installation_id: r.installationId,
        reason: r.reason,
        delivered_at: new Date(r.deliveredAtMs).toISOString(),
        requested_at: deps.now().toISOString(),
        outcome: answer.outcome,
        status_code: answer.statusCode,
        error: answer.error,
      })
      .execute();
    if (answer.outcome === "requested") result.requested++;
    else if (answer.outcome === "not-found") result.notFound++;
    else if (answer.outcome === "refused") result.refused++;
    else result.errors++;
  }
  return result;
}
