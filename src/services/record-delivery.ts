/**
 * The durable inbox: a delivery is stored, with a job to process it, in one
 * transaction — before GitHub gets its 2xx. The same delivery id twice is
 * stored once.
 */
import type { Kysely } from "kysely";
import { enqueue, TASK } from "../queue/queue.js";
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

export async function recordDelivery(db: Kysely<DB>, delivery: IncomingDelivery, maxAttempts: number): Promise<RecordOutcome> {
  const p = (typeof delivery.payload === "object" && delivery.payload !== null ? delivery.payload : {}) as Record<string, unknown>;
  const text = delivery.rawBody ?? JSON.stringify(delivery.payload);
  const row = {
    id: delivery.id,
    event: delivery.event,
    action: typeof p.action === "string" ? p.action.slice(0, 100) : null,
    installation_id: num((p.installation as Record<string, unknown> | undefined)?.id),
    repository_id: num((p.repository as Record<string, unknown> | undefined)?.id),
    payload: text,
    payload_bytes: Buffer.byteLength(text),
  };
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto("deliveries")
      .values(row)
      .onConflict((oc) => oc.column("id").doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!inserted) return "duplicate";
    await enqueue(trx, TASK.processDelivery, { deliveryId: delivery.id }, { maxAttempts });
    return "stored";
  });
}
