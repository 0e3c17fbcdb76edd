/**
 * Retention: raw payloads of processed deliveries older than the retention
 * window are dropped (the delivery row and the facts stay). 0 keeps all.
 */
import type { Kysely } from "kysely";
import type { DB } from "../store/schema.js";

export async function prunePayloads(db: Kysely<DB>, now: Date, retentionDays: number): Promise<number> {
  if (retentionDays <= 0) return 0;
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000).toISOString();
  const r = await db
    .updateTable("deliveries")
    .set({ payload: null })
    .where("status", "in", ["processed", "ignored"])
    .where("received_at", "<", cutoff)
    .where("payload", "is not", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
