/**
 * Processes a delivery together with other pending ones: the job for
 * delivery X claims X and up to `batchSize - 1` other pending deliveries that
 * no other worker holds, normalises them all, and writes the facts, follow-up
 * jobs and statuses in one transaction — one commit instead of one per
 * delivery. Each batched delivery keeps its own queue job; when that job runs
 * it finds the delivery processed and returns at once.
 *
 * Retries and parking stay per delivery: a malformed payload is parked in
 * the batch; if the batch fails as a whole, only X is processed again, alone,
 * by processDelivery (which retries with backoff and parks after the last
 * attempt), and the others stay pending for their own jobs.
 */
import { sql, type Kysely } from "kysely";
import { HANDLED_EVENTS, MalformedPayloadError, normaliseDelivery, type FactBatch } from "../github/normalise-delivery.js";
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
): Promise<ProcessOutcome> {
  // A delivery that already failed once is processed alone, so its error is its own.
  if (attempt.number > 1 || batchSize <= 1) return processDelivery(deps, deliveryId, attempt);
  if (taken?.take(deliveryId)) return "already-processed";
  // Most jobs of a busy queue find their delivery already done by another job's batch: one read, no transaction.
  const current = await deps.db.selectFrom("deliveries").select("status").where("id", "=", deliveryId).executeTakeFirst();
  if (!current) return "missing";
  if (current.status !== "pending") return current.status === "failed" ? "parked" : "already-processed";
  let outcome: ProcessOutcome | { done: string[] };
  try {
    outcome = await deps.db.transaction().execute(async (trx) => {
      // Wait (no SKIP LOCKED) if another worker's batch holds X: when it commits, X is processed.
      const own = (
        await sql<Claimed>`select id, event, payload, received_at, attempts from deliveries where id = ${deliveryId} for update`.execute(trx)
      ).rows[0];
      if (!own) return "missing";
      const status = (await trx.selectFrom("deliveries").select("status").where("id", "=", deliveryId).executeTakeFirstOrThrow()).status;
      if (status !== "pending") return status === "failed" ? "parked" : "already-processed";
      const others = (
        await sql<Claimed>`
          select id, event, payload, received_at, attempts from deliveries
          where status = 'pending' and id <> ${deliveryId}
          order by received_at limit ${batchSize - 1}
          for update skip locked`.execute(trx)
      ).rows;
      const rows = [own, ...others].sort((a, b) => (a.received_at < b.received_at ? -1 : a.received_at > b.received_at ? 1 : 0));
      return { done: await processClaimed(trx, deps, rows) };
    });
  } catch {
    // The batch as a whole failed (a database error): X alone, with its own retries.
    return processDelivery(deps, deliveryId, attempt);
  }
  if (typeof outcome === "string") return outcome;
  // Committed: the other deliveries' jobs can skip the read.
  for (const id of outcome.done) if (id !== deliveryId) taken?.add(id);
  return "processed";
}

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
