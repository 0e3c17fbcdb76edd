/**
 * The durable inbox: a delivery is stored, with a job to process it, in one
 * transaction — before GitHub gets its 2xx. The same delivery id twice is
 * stored once.
 *
 * Deliveries that arrive while a store is in flight are written together by
 * one statement (a multi-row INSERT … ON CONFLICT DO NOTHING and one
 * graphile_worker.add_jobs call), so one commit — one WAL flush, one NOTIFY —
 * covers the batch. PostgreSQL serialises the commits of transactions that
 * NOTIFY, so a commit per delivery caps intake at a few hundred a second.
 * Every caller is answered only after the commit that made its delivery durable.
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

/** Stores deliveries (distinct ids) with one statement; returns the ids that were new. */
async function storeRows(db: Kysely<DB>, rows: Row[], maxAttempts: number): Promise<Set<string>> {
  const r = await sql<{ ids: string[] }>`
    with ins as (
      insert into deliveries (id, event, action, installation_id, repository_id, payload, payload_bytes)
      select * from unnest(${rows.map((r) => r.id)}::text[], ${rows.map((r) => r.event)}::text[], ${rows.map((r) => r.action)}::text[],
                           ${rows.map((r) => r.installation)}::bigint[], ${rows.map((r) => r.repository)}::bigint[],
                           ${rows.map((r) => r.text)}::text[], ${rows.map((r) => r.bytes)}::int[])
      on conflict (id) do nothing
      returning id),
    jobs as (
      select count(*) from graphile_worker.add_jobs(array(
        select row(${TASK.processDelivery}::text, json_build_object('deliveryId', id), null, null, ${maxAttempts}::int, null, null, null)::graphile_worker.job_spec
        from ins)))
    select array(select id from ins) as ids, (select * from jobs) as jobs`.execute(db);
  return new Set(r.rows[0]?.ids ?? []);
}

/** Stores one delivery and its job. */
export async function recordDelivery(db: Kysely<DB>, delivery: IncomingDelivery, maxAttempts: number): Promise<RecordOutcome> {
  const stored = await storeRows(db, [toRow(delivery)], maxAttempts);
  return stored.has(delivery.id) ? "stored" : "duplicate";
}

export interface DeliveryRecorder {
  record(delivery: IncomingDelivery): Promise<RecordOutcome>;
}

/**
 * A recorder for the web process: concurrent deliveries share a statement
 * (at most `maxBatch` each, at most `maxInFlight` statements at once).
 */
export function createDeliveryRecorder(db: Kysely<DB>, maxAttempts: number, options: { maxBatch?: number; maxInFlight?: number } = {}): DeliveryRecorder {
  const maxBatch = options.maxBatch ?? 100;
  const maxInFlight = options.maxInFlight ?? 3;
  type Item = { row: Row; resolve: (o: RecordOutcome) => void; reject: (e: unknown) => void };
  const queue: Item[] = [];
  let inFlight = 0;

  const store = async (batch: Item[]) => {
    // The same id twice in one batch: the first is stored, the others are duplicates.
    const first = new Map<string, Item>();
    for (const it of batch) if (!first.has(it.row.id)) first.set(it.row.id, it);
    const stored = await storeRows(db, [...first.values()].map((it) => it.row), maxAttempts);
    for (const it of batch) it.resolve(first.get(it.row.id) === it && stored.has(it.row.id) ? "stored" : "duplicate");
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
  };
}
