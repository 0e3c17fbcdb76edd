/**
 * A PROTOTYPE of batched delivery processing, for measuring a change request
 * (not used by Unsung): instead of one graphile-worker job, one transaction
 * and ~10 statements per delivery, each loop claims up to `batch` pending
 * deliveries (`FOR UPDATE SKIP LOCKED`), normalises them with the real
 * normaliseDelivery, writes the merged facts with the real writeFacts (one
 * upsert per table for the whole batch), adds every follow-up job with one
 * graphile_worker.add_jobs() call (same task names and job keys as
 * process-delivery.ts), and marks the batch processed — one commit per batch.
 * Malformed payloads are parked one by one, as today.
 */
import { sql, type Kysely } from "kysely";
import { MalformedPayloadError, normaliseDelivery, type FactBatch, type FollowUp } from "../../src/github/normalise-delivery.js";
import { TASK } from "../../src/queue/queue.js";
import type { DB } from "../../src/store/schema.js";
import { writeFacts } from "../../src/store/write-facts.js";

interface Spec {
  task: string;
  payload: unknown;
  key: string;
  delay: number;
  maxAttempts: number;
}

function specOf(f: FollowUp, debounce: number): Spec | null {
  switch (f.kind) {
    case "enrich-pull-request":
      return { task: TASK.enrichPullRequest, payload: f, key: `enrich:${f.repositoryId}:${f.number}`, delay: 0, maxAttempts: 8 };
    case "detect-pull-request":
      return { task: TASK.detectPullRequest, payload: f, key: `detect-pr:${f.repositoryId}:${f.number}`, delay: debounce, maxAttempts: 5 };
    case "detect-issue":
      return { task: TASK.detectIssue, payload: f, key: `detect-issue:${f.repositoryId}:${f.number}`, delay: debounce, maxAttempts: 5 };
    case "slash-command":
      return { task: TASK.recordCommand, payload: f, key: `command:${f.commentId}`, delay: 0, maxAttempts: 5 };
    default:
      // Other kinds (config checks, cache invalidation) are rare; the prototype leaves them out.
      return null;
  }
}

function merge(into: FactBatch, b: FactBatch): void {
  const target = into as unknown as Record<string, unknown[]>;
  for (const [k, v] of Object.entries(b)) if (Array.isArray(v)) (target[k] ??= []).push(...(v as unknown[]));
}

/** One batch in one transaction; returns how many deliveries it took. */
export async function processBatch(db: Kysely<DB>, batch: number, debounceSeconds: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const rows = (
      await sql<{ id: string; event: string; payload: string | null; received_at: string }>`
        select id, event, payload, received_at from deliveries where status = 'pending'
        order by received_at limit ${batch} for update skip locked`.execute(trx)
    ).rows;
    if (!rows.length) return 0;
    const merged = {} as FactBatch;
    const done: string[] = [];
    const failed: { id: string; message: string }[] = [];
    let seenAt = rows[0]!.received_at;
    for (const d of rows) {
      try {
        if (d.payload === null) throw new MalformedPayloadError("the raw payload was pruned");
        const b = normaliseDelivery({ id: d.id, event: d.event, payload: JSON.parse(d.payload) as unknown, receivedAt: d.received_at });
        merge(merged, b);
        done.push(d.id);
        if (d.received_at > seenAt) seenAt = d.received_at;
      } catch (err) {
        failed.push({ id: d.id, message: String((err as Error).message).slice(0, 2000) });
      }
    }
    await writeFacts(trx, merged, seenAt);
    const specs = new Map<string, Spec>();
    for (const f of merged.followUps ?? []) {
      const s = specOf(f, debounceSeconds);
      if (s) specs.set(s.key, s);
    }
    if (specs.size) {
      const list = [...specs.values()];
      await sql`select count(*) from graphile_worker.add_jobs(array(
          select row(t.task, t.payload::json, null, case when t.delay > 0 then now() + make_interval(secs => t.delay) end, t.max_attempts, t.key, 0, null)::graphile_worker.job_spec
          from unnest(${list.map((s) => s.task)}::text[], ${list.map((s) => JSON.stringify(s.payload))}::text[], ${list.map((s) => s.delay)}::int[],
                      ${list.map((s) => s.maxAttempts)}::int[], ${list.map((s) => s.key)}::text[]) as t(task, payload, delay, max_attempts, key)))`.execute(trx);
    }
    if (done.length) await sql`update deliveries set status = 'processed', processed_at = now(), attempts = attempts + 1, last_error = null where id = any(${done}::text[])`.execute(trx);
    for (const f of failed) await sql`update deliveries set status = 'failed', attempts = attempts + 1, last_error = ${f.message} where id = ${f.id}`.execute(trx);
    return rows.length;
  });
}

/** Runs `concurrency` loops of processBatch until no delivery is pending. */
export async function drainBatched(db: Kysely<DB>, options: { batch: number; concurrency: number; debounceSeconds: number }): Promise<{ processed: number; batches: number }> {
  let processed = 0;
  let batches = 0;
  const loop = async () => {
    for (let retries = 0; ; ) {
      let n: number;
      try {
        n = await processBatch(db, options.batch, options.debounceSeconds);
      } catch (err) {
        // Two batches upserting the same rows in different orders can deadlock: retry (writeFacts should sort by key).
        if ((err as { code?: string }).code === "40P01" && ++retries < 20) continue;
        throw err;
      }
      if (!n) return;
      processed += n;
      batches++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  return { processed, batches };
}
