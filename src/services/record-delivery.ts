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
 * with the jobs in the statement, ~2.6k without). Stored deliveries are marked
 * `queued = false`; a dispatcher (`dispatchDeliveries`) adds their processing
 * jobs right after, many in one statement, and marks them queued. A delivery
 * stored by a process that died before dispatching is dispatched by the next
 * run (every recorder dispatches when it starts and every few seconds).
 * `recordDelivery` (one delivery) stores and enqueues in one statement.
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
  // PostgreSQL text cannot hold NUL; JSON escapes it, so only a raw body could carry one.
  const text = (d.rawBody ?? JSON.stringify(d.payload)).replace(/\u0000/g, "");
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
async function storeRows(db: Kysely<DB>, rows: Row[], maxAttempts: number, enqueue: boolean): Promise<Set<string>> {
  const values = sql.join(
    rows.map((r) => sql`(${r.id}, ${r.event}, ${r.action}, ${r.installation}::bigint, ${r.repository}::bigint, ${r.text}, ${r.bytes}::int, ${enqueue})`),
  );
  const insert = sql`insert into deliveries (id, event, action, installation_id, repository_id, payload, payload_bytes, queued)
      values ${values}
      on conflict (id) do nothing
      returning id`;
  const r = enqueue
    ? await sql<{ ids: string[] }>`
        with ins as (${insert}),
        jobs as (select count(*) from graphile_worker.add_jobs(array(select ${jobSpec(maxAttempts)} from ins)))
        select array(select id from ins) as ids, (select * from jobs) as jobs`.execute(db)
    : await sql<{ ids: string[] }>`with ins as (${insert}) select array(select id from ins) as ids`.execute(db);
  return new Set(r.rows[0]?.ids ?? []);
}

/** A process-delivery job spec for the row `id` of the query it is used in. */
function jobSpec(maxAttempts: number) {
  return sql`row(${TASK.processDelivery}::text, json_build_object('deliveryId', id), null, null, ${maxAttempts}::int, null, null, null)::graphile_worker.job_spec`;
}

/**
 * Adds the processing jobs of stored deliveries not yet queued (oldest first,
 * `batchSize` per statement, skipping rows another dispatcher holds) and marks
 * them queued, in the same statement; returns how many.
 */
export async function dispatchDeliveries(db: Kysely<DB>, maxAttempts: number, batchSize = 1000): Promise<number> {
  let total = 0;
  for (;;) {
    const r = await sql<{ n: number }>`
      with d as (
        update deliveries set queued = true
        where id in (select id from deliveries where not queued order by received_at limit ${batchSize} for update skip locked)
        returning id)
      select count(*)::int as n from graphile_worker.add_jobs(array(select ${jobSpec(maxAttempts)} from d))`.execute(db);
    const n = Number(r.rows[0]?.n ?? 0);
    total += n;
    if (n < batchSize) return total;
  }
}

/** Stores one delivery and its job. */
export async function recordDelivery(db: Kysely<DB>, delivery: IncomingDelivery, maxAttempts: number): Promise<RecordOutcome> {
  const stored = await storeRows(db, [toRow(delivery)], maxAttempts, true);
  return stored.has(delivery.id) ? "stored" : "duplicate";
}

export interface DeliveryRecorder {
  record(delivery: IncomingDelivery): Promise<RecordOutcome>;
  /** Resolves when every delivery this recorder stored so far has its job (tests, the demo, shutdown). */
  flush(): Promise<void>;
  /** Stops the periodic dispatch (after a last flush). */
  close(): Promise<void>;
}

/**
 * A recorder for the web process: concurrent deliveries share a statement
 * (at most `maxBatch` each, at most `maxInFlight` statements at once).
 */
export function createDeliveryRecorder(
  db: Kysely<DB>,
  maxAttempts: number,
  options: {
    maxBatch?: number;
    maxInFlight?: number;
    dispatchEveryMs?: number;
    /** How long after a store the dispatcher waits, so that one dispatch statement covers several stores. */
    dispatchDelayMs?: number;
    onDispatchError?: (err: unknown) => void;
  } = {},
): DeliveryRecorder {
  const maxBatch = options.maxBatch ?? 100;
  const maxInFlight = options.maxInFlight ?? 4;
  // One dispatch at a time; a request during one runs once more after it.
  let dispatching: Promise<void> | null = null;
  let again = false;
  const dispatch = (): Promise<void> => {
    if (dispatching) {
      again = true;
      return dispatching;
    }
    dispatching = (async () => {
      try {
        do {
          again = false;
          await dispatchDeliveries(db, maxAttempts);
        } while (again);
      } catch (err) {
        // The deliveries are stored; the next dispatch queues them.
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
  const timer = setInterval(() => void dispatch(), options.dispatchEveryMs ?? 5_000);
  timer.unref();
  void dispatch();
  type Item = { row: Row; resolve: (o: RecordOutcome) => void; reject: (e: unknown) => void };
  const queue: Item[] = [];
  let inFlight = 0;

  const store = async (batch: Item[]) => {
    // The same id twice in one batch: the first is stored, the others are duplicates.
    const first = new Map<string, Item>();
    for (const it of batch) if (!first.has(it.row.id)) first.set(it.row.id, it);
    const stored = await storeRows(db, [...first.values()].map((it) => it.row), maxAttempts, false);
    for (const it of batch) it.resolve(first.get(it.row.id) === it && stored.has(it.row.id) ? "stored" : "duplicate");
    if (stored.size) soon();
  };

  const pump = () => {
    while (queue.length && inFlight < maxInFlight) {
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
      await dispatching;
      await dispatch();
    },
    close: async () => {
      clearInterval(timer);
      if (pending) clearTimeout(pending);
      await dispatching;
    },
  };
}
