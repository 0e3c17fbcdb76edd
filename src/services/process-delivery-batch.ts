/**
 * Processing deliveries together: one transaction writes the facts,
 * follow-up jobs and statuses of many deliveries — one commit instead of one
 * per delivery.
 *
 * - `processDeliveryIds` (the `process-deliveries` job the web process adds
 *   after each intake commit, src/services/record-delivery.ts) processes the
 *   pending deliveries of its list. It waits for rows another transaction holds
 *   (when that one commits they are done; when it fails, they are this job's).
 * - `processStaleDeliveries` (every minute) processes pending deliveries that
 *   were never attempted and are older than a minute: those whose job was never
 *   added because the web process died right after storing them.
 * - `processDeliveryBatch` (the `process-delivery` job of one delivery X:
 *   replays, reprocessing) claims X and up to `batchSize - 1` other pending
 *   deliveries that no other worker holds; when those others had jobs of their
 *   own, the jobs find them processed and return at once.
 *
 * Retries and parking stay per delivery: a malformed payload is parked in the
 * batch; if the batch fails as a whole (a database error, a fact that cannot
 * be written), every delivery it had claimed is handed off to a
 * `process-delivery` job of its own, which processes it alone, retries with
 * backoff and parks it after the last attempt.
 */
import { sql, type Kysely } from "kysely";
import { HANDLED_EVENTS, MalformedPayloadError, normaliseDelivery, type FactBatch } from "../github/normalise-delivery.js";
import { TASK } from "../queue/queue.js";
import type { DB } from "../store/schema.js";
import { writeFacts } from "../store/write-facts.js";
import { addFollowUps, normaliseStored, processDelivery, type Attempt, type ProcessDeps, type ProcessOutcome } from "./process-delivery.js";

interface Claimed {
  id: string;
  event: string;
  payload: string | null;
  received_at: string;
  attempts: number;
}

export const DEFAULT_BATCH_SIZE = 100;

/**
 * Deliveries this process's batches took before their own jobs ran, so those jobs need not ask
 * the database. Each id is taken once: the first job to come for it skips, any later one (a
 * reprocess after a reset) reads the status as usual. Bounded: the oldest ids are forgotten,
 * which only costs their jobs a read.
 */
export class TakenByBatch {
  private readonly ids = new Set<string>();
  constructor(private readonly max = 100_000) {}

  add(id: string): void {
    if (this.ids.size >= this.max) {
      const oldest = this.ids.values().next();
      if (!oldest.done) this.ids.delete(oldest.value);
    }
    this.ids.add(id);
  }

  /** True (once) when a batch of this process processed the delivery. */
  take(id: string): boolean {
    return this.ids.delete(id);
  }
}

export async function processDeliveryBatch(
  deps: ProcessDeps,
  deliveryId: string,
  attempt: Attempt,
  batchSize = DEFAULT_BATCH_SIZE,
  taken: TakenByBatch | null = null,
  /** A delivery handed off by a failed batch: processed by itself. */
  alone = false,
): Promise<ProcessOutcome> {
  // A delivery that already failed once is processed alone, so its error is its own.
  if (attempt.number > 1 || batchSize <= 1) return processDelivery(deps, deliveryId, attempt);
  if (taken?.take(deliveryId)) return "already-processed";
  if (alone) return processDelivery(deps, deliveryId, attempt);
  // Most jobs of a busy queue find their delivery already done by another job's batch: one read, no transaction.
  const current = await deps.db.selectFrom("deliveries").select("status").where("id", "=", deliveryId).executeTakeFirst();
  if (!current) return "missing";
  if (current.status !== "pending") return current.status === "failed" ? "parked" : "already-processed";
  let outcome: ProcessOutcome | { done: string[] };
  let others: string[] = [];
  try {
    outcome = await deps.db.transaction().execute(async (trx) => {
      // Wait (no SKIP LOCKED) if another worker's batch holds X: when it commits, X is processed.
      const own = (
        await sql<Claimed>`select id, event, payload, received_at, attempts from deliveries where id = ${deliveryId} for update`.execute(trx)
      ).rows[0];
      if (!own) return "missing";
      const status = (await trx.selectFrom("deliveries").select("status").where("id", "=", deliveryId).executeTakeFirstOrThrow()).status;
      if (status !== "pending") return status === "failed" ? "parked" : "already-processed";
      const rest = (
        await sql<Claimed>`
          select id, event, payload, received_at, attempts from deliveries
          where status = 'pending' and id <> ${deliveryId}
          order by received_at limit ${batchSize - 1}
          for update skip locked`.execute(trx)
      ).rows;
      others = rest.map((r) => r.id);
      return { done: await processClaimed(trx, deps, byReceipt([own, ...rest])) };
    });
  } catch {
    // The batch as a whole failed: the others to their own jobs, X alone, with its own retries.
    await handOff(deps.db, others, attempt.max);
    return processDelivery(deps, deliveryId, attempt);
  }
  if (typeof outcome === "string") return outcome;
  // Committed: the other deliveries' jobs can skip the read.
  for (const id of outcome.done) if (id !== deliveryId) taken?.add(id);
  return "processed";
}

/**
 * Processes the deliveries of `ids` still pending and never attempted (a delivery with attempts
 * is on its own job's retries), in one transaction; returns how many it processed or parked.
 */
export async function processDeliveryIds(deps: ProcessDeps, ids: readonly string[], maxAttempts: number): Promise<number> {
  if (!ids.length) return 0;
  // In id order, waiting for rows another transaction holds: two jobs never wait on each other in a circle.
  return claimAndProcess(
    deps,
    (trx) => sql<Claimed>`
      select id, event, payload, received_at, attempts from deliveries
      where id = any(${[...ids]}::text[]) and status = 'pending' and attempts = 0
      order by id for update`.execute(trx),
    maxAttempts,
  );
}

/** Pending deliveries never attempted and older than this are taken by the stale sweep. */
export const STALE_AFTER_SECONDS = 60;

/**
 * Processes pending deliveries never attempted and received more than `olderThanSeconds` ago
 * (oldest first, `batchSize` per transaction, skipping rows other workers hold), for at most
 * `maxBatches` transactions; returns how many it processed or parked.
 */
export async function processStaleDeliveries(
  deps: ProcessDeps,
  maxAttempts: number,
  options: { olderThanSeconds?: number; batchSize?: number; maxBatches?: number } = {},
): Promise<number> {
  const olderThan = options.olderThanSeconds ?? STALE_AFTER_SECONDS;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  let total = 0;
  for (let i = 0; i < (options.maxBatches ?? 50); i++) {
    const n = await claimAndProcess(
      deps,
      (trx) => sql<Claimed>`
        select id, event, payload, received_at, attempts from deliveries
        where status = 'pending' and attempts = 0 and received_at < now() - make_interval(secs => ${olderThan})
        order by received_at limit ${batchSize}
        for update skip locked`.execute(trx),
      maxAttempts,
    );
    total += n;
    if (n < batchSize) break;
  }
  return total;
}

/** Claims rows (`claim` runs in the transaction), processes them; on failure hands every claimed delivery off. */
async function claimAndProcess(deps: ProcessDeps, claim: (trx: Kysely<DB>) => Promise<{ rows: Claimed[] }>, maxAttempts: number): Promise<number> {
  let claimed: string[] = [];
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const rows = (await claim(trx)).rows;
      claimed = rows.map((r) => r.id);
      if (rows.length) await processClaimed(trx, deps, byReceipt(rows));
      return rows.length;
    });
  } catch (err) {
    if (!claimed.length) throw err;
    // If this fails too, the job fails and runs again later.
    await handOff(deps.db, claimed, maxAttempts);
    return claimed.length;
  }
}

/**
 * Gives each delivery a `process-delivery` job of its own that processes it alone. Keyed by
 * delivery, so one handed off twice before its job ran still has one job.
 */
export async function handOff(db: Kysely<DB>, ids: readonly string[], maxAttempts: number): Promise<void> {
  if (!ids.length) return;
  await sql`select count(*) from graphile_worker.add_jobs(array(
      select row(${TASK.processDelivery}::text, json_build_object('deliveryId', id, 'alone', true), null, null, ${maxAttempts}::int,
        'process-delivery:' || id, null, null)::graphile_worker.job_spec
      from unnest(${[...ids]}::text[]) as t(id)), true)`.execute(db);
}

const byReceipt = (rows: Claimed[]) => rows.sort((a, b) => (a.received_at < b.received_at ? -1 : a.received_at > b.received_at ? 1 : 0));

/** Returns the ids processed (not parked). */
async function processClaimed(trx: Kysely<DB>, deps: ProcessDeps, rows: Claimed[]): Promise<string[]> {
  const merged = emptyMerge();
  const done: { id: string; ignored: boolean }[] = [];
  const parked: { id: string; message: string }[] = [];
  let seenAt = rows[0]!.received_at;
  for (const d of rows) {
    try {
      append(merged, normaliseStored(d));
      done.push({ id: d.id, ignored: !HANDLED_EVENTS.has(d.event) });
      if (d.received_at > seenAt) seenAt = d.received_at;
    } catch (err) {
      // Only payloads that can never be normalised are parked here; anything else fails the batch.
      if (!(err instanceof MalformedPayloadError)) throw err;
      parked.push({ id: d.id, message: `${err.name}: ${err.message}`.slice(0, 2000) });
    }
  }
  await writeFacts(trx, merged, seenAt);
  const seen = new Set<string>();
  const followUps = merged.followUps.filter((f) => {
    const key = JSON.stringify(f);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  await addFollowUps(trx, followUps, deps.detectDebounceSeconds);
  const now = deps.now().toISOString();
  for (const ignored of [false, true]) {
    const ids = done.filter((d) => d.ignored === ignored).map((d) => d.id);
    if (ids.length) {
      await trx
        .updateTable("deliveries")
        .set((eb) => ({ status: ignored ? "ignored" : "processed", processed_at: now, attempts: eb("attempts", "+", 1), last_error: null }))
        .where("id", "in", ids)
        .execute();
    }
  }
  for (const p of parked) {
    await trx
      .updateTable("deliveries")
      .set((eb) => ({ status: "failed", attempts: eb("attempts", "+", 1), last_error: p.message }))
      .where("id", "=", p.id)
      .execute();
  }
  return done.map((d) => d.id);
}

/** An empty FactBatch: what the normaliser returns for an event it does not handle. */
function emptyMerge(): FactBatch {
  return normaliseDelivery({ id: "", event: "ping", payload: {}, receivedAt: new Date(0).toISOString() });
}

function append(into: FactBatch, b: FactBatch): void {
  const target = into as unknown as Record<string, unknown[]>;
  for (const [k, v] of Object.entries(b)) if (Array.isArray(v)) (target[k] ??= []).push(...(v as unknown[]));
}
