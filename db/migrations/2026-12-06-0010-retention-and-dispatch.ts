import { sql, type Kysely } from "kysely";

/**
 * - Retention drops raw payloads in batches; a partial index finds each batch
 *   (the oldest deliveries that still hold a payload) without scanning the
 *   inbox, and a pruned delivery leaves it.
 * - Intake stores deliveries without enqueueing in the same statement; `queued`
 *   says whether a delivery's processing job exists yet (rows before this
 *   migration were enqueued as they were stored), and a partial index finds the
 *   ones the dispatcher still has to enqueue.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index if not exists deliveries_payload_kept_idx on deliveries (received_at) where payload is not null`.execute(db);
  await sql`alter table deliveries add column queued boolean not null default true`.execute(db);
  await sql`create index deliveries_unqueued_idx on deliveries (received_at) where not queued`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists deliveries_unqueued_idx`.execute(db);
  await sql`alter table deliveries drop column queued`.execute(db);
  await sql`drop index if exists deliveries_payload_kept_idx`.execute(db);
}
