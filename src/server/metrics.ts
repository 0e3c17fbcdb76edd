/**
 * Prometheus metrics (prom-client), served on GET /metrics.
 *
 * One registry per process. Counters of what this process saw are defined
 * here; gauges that describe durable state (stored deliveries, the queue) are
 * read from the database at scrape time, so they are right whichever process
 * did the work. Other modules add their own metrics to `registry` and, for
 * state read from the database, a reader with `onScrape`:
 *
 *   const parked = new Gauge({ name: "unsung_x", help: "…", registers: [registry] });
 *   onScrape(async (db) => parked.set(await countX(db)));
 */
import { sql, type Kysely } from "kysely";
import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";
import type { DB } from "../store/schema.js";
import type { RejectReason } from "./check-headers.js";
import { readLivenessGauges } from "../services/liveness-metrics.js";

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const deliveriesReceived = new Counter({
  name: "unsung_deliveries_received_total",
  help: "Webhook requests received on the webhook route.",
  registers: [registry],
});
export const deliveriesRejected = new Counter<"reason">({
  name: "unsung_deliveries_rejected_total",
  help: "Webhook requests refused, by reason (headers, admission, body, signature, JSON).",
  labelNames: ["reason"],
  registers: [registry],
});
export const deliveriesStored = new Counter<"outcome">({
  name: "unsung_deliveries_stored_total",
  help: "Verified deliveries answered 2xx: stored, or a duplicate of one stored before.",
  labelNames: ["outcome"],
  registers: [registry],
});
export const deliveriesStoreFailed = new Counter({
  name: "unsung_deliveries_store_failures_total",
  help: "Verified deliveries answered 5xx because they could not be stored (e.g. the database was down).",
  registers: [registry],
});

export function countRejected(reason: RejectReason): void {
  deliveriesRejected.inc({ reason });
}

export type ScrapeReader = (db: Kysely<DB>) => Promise<unknown>;
const readers: ScrapeReader[] = [];

/** Registers a reader run before each scrape (give it its own gauges; it may throw, the others still run). */
export function onScrape(read: ScrapeReader): void {
  readers.push(read);
}

const databaseUp = new Gauge({ name: "unsung_database_up", help: "1 when the database answered the scrape.", registers: [registry] });
const deliveries = new Gauge<"status">({ name: "unsung_deliveries", help: "Stored deliveries by processing status (pending, processed, ignored, failed).", labelNames: ["status"], registers: [registry] });
const lag = new Gauge({ name: "unsung_processing_lag_seconds", help: "Age of the oldest delivery not yet processed.", registers: [registry] });
const queueJobs = new Gauge<"state">({
  name: "unsung_queue_jobs",
  help: "Jobs in the queue by state: ready (due), scheduled (later), running (locked), retrying (failed before, attempts left), failed (attempts exhausted).",
  labelNames: ["state"],
  registers: [registry],
});
const QUEUE_STATES = ["ready", "scheduled", "running", "retrying", "failed"] as const;
const DELIVERY_STATUSES = ["pending", "processed", "ignored", "failed"] as const;

onScrape(async (db) => {
  await sql`select 1`.execute(db);
  databaseUp.set(1);
  const r = await sql<{ status: string; n: number; lag: number | null }>`
    select status, count(*)::int as n,
           case when status = 'pending' then greatest(0, extract(epoch from now() - min(received_at)))::float8 end as lag
    from deliveries group by status`.execute(db);
  const seen = new Map(r.rows.map((row) => [row.status, row]));
  for (const status of new Set([...DELIVERY_STATUSES, ...seen.keys()])) deliveries.set({ status }, Number(seen.get(status)?.n ?? 0));
  lag.set(Number(seen.get("pending")?.lag ?? 0));
});

onScrape(async (db) => {
  const r = await sql<{ state: string; n: number }>`
    select case when attempts >= max_attempts then 'failed'
                when locked_at is not null then 'running'
                when run_at > now() then 'scheduled'
                when attempts > 0 then 'retrying'
                else 'ready' end as state,
           count(*)::int as n
    from graphile_worker.jobs group by 1`.execute(db);
  const by = new Map(r.rows.map((row) => [row.state, Number(row.n)]));
  for (const state of QUEUE_STATES) queueJobs.set({ state }, by.get(state) ?? 0);
});

// Liveness (src/services/liveness-metrics.ts): jobs that used up their attempts, redeliveries asked
// for by the sweeper, live worker ids — read from the database, since sweeper and workers run elsewhere.
const liveness = {
  unsung_jobs_failed: new Gauge<"task">({
    name: "unsung_jobs_failed",
    help: "Queue jobs that used up their attempts (unsung jobs --failed), by task.",
    labelNames: ["task"],
    registers: [registry],
  }),
  unsung_redeliveries: new Gauge<"reason" | "outcome">({
    name: "unsung_redeliveries",
    help: "Redeliveries the sweeper asked GitHub for, by reason (failed, never-stored) and answer (requested, not-found, refused, error).",
    labelNames: ["reason", "outcome"],
    registers: [registry],
  }),
  unsung_worker_ids: new Gauge({ name: "unsung_worker_ids", help: "Queue worker ids registered as alive.", registers: [registry] }),
};
onScrape(async (db) => {
  const figures = await readLivenessGauges(db);
  for (const g of Object.values(liveness)) g.reset();
  for (const f of figures) {
    const gauge: Gauge<string> = liveness[f.name];
    if (f.labels) gauge.set(f.labels, f.value);
    else gauge.set(f.value);
  }
});

/** Rejects when `p` has not settled within `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("timeout")), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e)),
    );
  });
}

/** Runs every scrape reader (2 s each at most), then renders the registry in Prometheus text format. */
export async function renderMetrics(db: Kysely<DB>): Promise<{ contentType: string; body: string }> {
  databaseUp.set(0);
  await Promise.all(readers.map((read) => withTimeout(Promise.resolve().then(() => read(db)), 2_000).catch(() => undefined)));
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/** The current value of a counter or gauge (with these labels), for tests and benchmarks. */
export async function metricValue(name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = registry.getSingleMetric(name);
  if (!m) return 0;
  const { values } = await m.get();
  const hit = values.find((v) => Object.entries(labels).every(([k, x]) => String(v.labels[k]) === x) && Object.keys(v.labels).length === Object.keys(labels).length);
  return hit?.value ?? 0;
}
