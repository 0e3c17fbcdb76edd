import { sql, type Kysely } from "kysely";

/**
 * Intake no longer marks a delivery queued once its job exists: the web process adds one
 * `process-deliveries` job per batch of stored deliveries (their ids in its payload), so a
 * delivery's row is written once at intake. The flag and its index go. Deliveries an older
 * version stored but did not queue are still pending with no attempt: the stale-delivery
 * sweep (src/services/process-delivery-batch.ts) processes them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists deliveries_unqueued_idx`.execute(db);
  await sql`alter table deliveries drop column if exists queued`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // Rows stored meanwhile are covered by their batch jobs: they count as queued.
  await sql`alter table deliveries add column queued boolean not null default true`.execute(db);
  await sql`create index deliveries_unqueued_idx on deliveries (received_at) where not queued`.execute(db);
}
