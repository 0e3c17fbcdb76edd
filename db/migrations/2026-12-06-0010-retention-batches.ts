import { sql, type Kysely } from "kysely";

/**
 * Retention drops raw payloads in batches; this partial index finds each
 * batch (the oldest deliveries that still hold a payload) without scanning the
 * inbox, and a pruned delivery leaves it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index if not exists deliveries_payload_kept_idx on deliveries (received_at) where payload is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists deliveries_payload_kept_idx`.execute(db);
}
