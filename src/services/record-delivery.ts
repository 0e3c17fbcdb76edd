/**
 * The durable inbox: a delivery is stored before GitHub gets its 2xx; the
 * same delivery id twice is stored once.
 *
 * The web process's recorder writes deliveries that arrive while a store is in
 * flight together, with one multi-row INSERT … ON CONFLICT DO NOTHING, and
 * answers each caller after the commit that made its delivery durable. It
 * does not enqueue in that statement: enqueueing NOTIFYs, and PostgreSQL
 * serialises the commits of transactions that NOTIFY, so intake commits could
 * not share WAL flushes (measured: 8-row stores on 4 connections, ~1.25k rows/s
 * with the jobs in the statement, ~2.6k without). Instead, a moment after the
 * commit the recorder adds one `process-deliveries` job per batch of new
 * deliveries (their ids in its payload; several batches in one statement), and
 * the delivery's row is not written again until it is processed.
 *
 * A stored delivery whose job was never added (its process died between the
 * commit and the job, or could not reach the database again before it stopped)
 * is still `pending` with no attempt: the worker's `process-stale-deliveries`
 * job, every minute, processes those older than a minute
 * (src/services/process-delivery-batch.ts).
 *
 * `recordDelivery` (one delivery: replays, tests) stores and enqueues in one statement.
 */
import { sql, type Kysely } from "kysely";
import { TASK } from "../queue/queue.js";
import type { DB } from "../store/schema.js";

export interface IncomingDelivery {
  id: string;
  event: string;
  payload: unknown;
  /** The body as GitHub sent it, when the caller has it (saves a re-serialisation). */
  rawBody?: string;
}

export type RecordOutcome = "stored" | "duplicate";

const num = (v: unknown) => (typeof v === "number" && Number.isSafeInteger(v) ? v : null);

interface Row {
  id: string;
  event: string;
  action: string | null;
  installation: number | null;
  repository: number | null;
  text: string;
  bytes: number;
}

function toRow(d: IncomingDelivery): Row {
  const p = (typeof d.payload === "object" && d.payload !== null ? d.payload : {}) as Record<string, unknown>;
  let text = d.rawBody ?? JSON.stringify(d.payload);
  // PostgreSQL text cannot hold NUL; JSON escapes it, so only a raw body could carry one.
  if (text.includes("\u0000")) text = text.replace(/\u0000/g, "");
  return {
    id: d.id,
    event: d.event,
    action: typeof p.action === "string" ? p.action.slice(0, 100) : null,
    installation: num((p.installation as Record<string, unknown> | undefined)?.id),
    repository: num((p.repository as Record<string, unknown> | undefined)?.id),
    text,
    bytes: Buffer.byteLength(text),
  };
}

/**
 * Stores deliveries (distinct ids) with one statement; returns the ids that were new.
 * Each value is its own parameter (a multi-row VALUES): an array parameter would
 * make the driver escape every quote of every payload into an array literal and
 * PostgreSQL parse it back, which cost more than the rest of the statement.
 */
async function storeRows(db: Kysely<DB>, rows: Row[], maxAttempts: number, enqueue: boolean): Promise<string[]> {
  const values = sql.join(rows.map((r) => sql`(${r.id}, ${r.event}, ${r.action}, ${r.installation}::bigint, ${r.repository}::bigint, ${r.text}, ${r.bytes}::int)`));
  const insert = sql`insert into deliveries (id, event, action, installation_id, repository_id, payload, payload_bytes)
      values ${values}
      on conflict (id) do nothing
      returning id`;
  if (!enqueue) return (await insert.execute(db)).rows.map((x) => (x as { id: string }).id);
  const r = await sql<{ ids: string[] }>`
    with ins as (${insert}),
    jobs as (select count(*) from graphile_worker.add_jobs(array(select ${deliveryJobSpec(maxAttempts)} from ins)))
    select array(select id from ins) as ids, (select * from jobs) as jobs`.execute(db);
  return r.rows[0]?.ids ?? [];
}

/** A process-delivery job spec for the row `id` of the query it is used in. */
function deliveryJobSpec(maxAttempts: number) {
  return sql`row(${TASK.processDelivery}::text, json_build_object('deliveryId', id), null, null, ${maxAttempts}::int, null, null, null)::graphile_worker.job_spec`;
}

/** Deliveries one `process-deliveries` job covers, at most (they are processed in one transaction). */
export const IDS_PER_JOB = 100;

/** Adds one `process-deliveries` job per `IDS_PER_JOB` of `ids`, in one statement. */
export async function addDeliveryJobs(db: Kysely<DB>, ids: readonly string[], maxAttempts: number): Promise<void> {
  if (!ids.length) return;
  const payloads: string[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_JOB) payloads.push(JSON.stringify({ deliveryIds: ids.slice(i, i + IDS_PER_JOB) }));
  await sql`select count(*) from graphile_worker.add_jobs(array(
      select row(${TASK.processDeliveries}::text, p, null, null, ${maxAttempts}::int, null, null, null)::graphile_worker.job_spec
      from unnest(${payloads}::json[]) with ordinality as t(p, n) order by n))`.execute(db);
}

/** Stores one delivery and its job. */
export async function recordDelivery(db: Kysely<DB>, delivery: IncomingDelivery, maxAttempts: number): Promise<RecordOutcome> {
  const stored = await storeRows(db, [toRow(delivery)], maxAttempts, true);
  return stored.includes(delivery.id) ? "stored" : "duplicate";
}

export interface DeliveryRecorder {
  record(delivery: IncomingDelivery): Promise<RecordOutcome>;
  /** Resolves when every delivery this recorder stored so far has its job, or adding them failed (tests, the demo, shutdown). */
  flush(): Promise<void>;
  /** Stops the periodic retry (after a last attempt to add what is waiting for its job). */
  close(): Promise<void>;
}

/** Ids stored but still without a job that a recorder keeps, at most; older ones are left to the stale-delivery sweep. */
const MAX_WAITING_IDS = 100_000;

/**
 * A recorder for the web process: concurrent deliveries share a statement
 * (at most `maxBatch` each). A statement starts at once when none is in
 * flight; while one is, arrivals queue and a second (up to `maxInFlight`)
 * starts when a full batch is waiting or after `overlapAfterMs` (1 ms: the
 * next turn of the event loop), taking everything queued by then. Starting a
 * statement for each arrival, as before, meant batches of about one per
 * request in flight, and a commit is most of PostgreSQL's cost per statement:
 * its CPU per delivery fell from 0.18–0.23 to 0.11–0.18 ms (bench/ingest.ts,
 * 16 requests in flight). Waiting longer (5 ms) saved no more CPU and, the
 * commits being serialised, left a core idle on a quiet machine.
 */
export function createDeliveryRecorder(
  db: Kysely<DB>,
  maxAttempts: number,
  options: {
    maxBatch?: number;
    maxInFlight?: number;
    /** How long a statement may be alone in flight while deliveries wait, before a second one starts, ms. */
    overlapAfterMs?: number;
    /** How often ids whose jobs could not be added are tried again. */
    dispatchEveryMs?: number;
    /** How long after a store the jobs are added, so that one statement (and one job) covers several stores. */
    dispatchDelayMs?: number;
    onDispatchError?: (err: unknown) => void;
  } = {},
): DeliveryRecorder {
  const maxBatch = options.maxBatch ?? 100;
  const maxInFlight = options.maxInFlight ?? 4;
  const overlapAfterMs = options.overlapAfterMs ?? 1;
  /** Stored, job not yet added, oldest first. */
  let waiting: string[] = [];
  // One dispatch at a time; a request during one runs once more after it.
  let dispatching: Promise<void> | null = null;
  let again = false;
  const addJobs = async () => {
    while (waiting.length) {
      const ids = waiting;
      waiting = [];
      try {
        await addDeliveryJobs(db, ids, maxAttempts);
      } catch (err) {
        // Still stored: tried again later (or, if this process stops first, swept as stale).
        waiting = ids.concat(waiting);
        if (waiting.length > MAX_WAITING_IDS) waiting = waiting.slice(waiting.length - MAX_WAITING_IDS);
        throw err;
      }
    }
  };
  const dispatch = (): Promise<void> => {
    if (dispatching) {
      again = true;
      return dispatching;
    }
    dispatching = (async () => {
      try {
        do {
          again = false;
          await addJobs();
        } while (again);
      } catch (err) {
        options.onDispatchError?.(err);
      } finally {
        dispatching = null;
      }
    })();
    return dispatching;
  };
  const delay = options.dispatchDelayMs ?? 20;
  let pending: NodeJS.Timeout | null = null;
  const soon = () => {
    if (pending) return;
    pending = setTimeout(() => {
      pending = null;
      void dispatch();
    }, delay);
  };
  const timer = setInterval(() => {
    if (waiting.length) void dispatch();
  }, options.dispatchEveryMs ?? 5_000);
  timer.unref();
  type Item = { row: Row; resolve: (o: RecordOutcome) => void; reject: (e: unknown) => void };
  const queue: Item[] = [];
  let inFlight = 0;

  const store = async (batch: Item[]) => {
    // The same id twice in one batch: the first is stored, the others are duplicates.
    const first = new Map<string, Item>();
    for (const it of batch) if (!first.has(it.row.id)) first.set(it.row.id, it);
    const stored = await storeRows(db, [...first.values()].map((it) => it.row), maxAttempts, false);
    const isNew = new Set(stored);
    for (const it of batch) it.resolve(first.get(it.row.id) === it && isNew.has(it.row.id) ? "stored" : "duplicate");
    if (stored.length) {
      for (const id of stored) waiting.push(id);
      soon();
    }
  };

  let overlap: NodeJS.Timeout | null = null;
  const pump = (overdue = false) => {
    while (queue.length && inFlight < maxInFlight && (inFlight === 0 || overdue || queue.length >= maxBatch)) {
      overdue = false;
      const batch = queue.splice(0, maxBatch);
      inFlight++;
      store(batch)
        .catch((err: unknown) => {
          for (const it of batch) it.reject(err);
        })
        .finally(() => {
          inFlight--;
          pump();
        });
    }
    if (!queue.length && overlap) {
      clearTimeout(overlap);
      overlap = null;
    }
    if (queue.length && !overlap && inFlight < maxInFlight) {
      overlap = setTimeout(() => {
        overlap = null;
        pump(true);
      }, overlapAfterMs);
      overlap.unref();
    }
  };

  return {
    record: (delivery) =>
      new Promise<RecordOutcome>((resolve, reject) => {
        let row: Row;
        try {
          row = toRow(delivery);
        } catch (err) {
          reject(err);
          return;
        }
        queue.push({ row, resolve, reject });
        pump();
      }),
    flush: async () => {
      while (queue.length || inFlight) await new Promise((r) => setTimeout(r, 5));
      if (pending) clearTimeout(pending);
      pending = null;
      await dispatching;
      await dispatch();
    },
    close: async () => {
      clearInterval(timer);
      if (pending) clearTimeout(pending);
      pending = null;
      await dispatching;
      if (waiting.length) await dispatch();
    },
  };
}
