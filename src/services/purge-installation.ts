/**
 * Erases a tenant: every repository of the installation (src/services/purge-repository.ts), the
 * installation's own deliveries and row, queued jobs about it, and the people only it named.
 * People active in other organisations, and their other data, stay.
 */
import { sql } from "kysely";
import type { DB } from "../store/schema.js";
import type { Kysely } from "kysely";
import { Counter, dropQueuedJobs, dropUnreferencedPeople, inTransaction, peopleNamed, type PurgeCounts, type Tx } from "./purge-common.js";
import { purgeRepositoryRows } from "./purge-repository.js";

export interface InstallationTarget {
  installationId: number;
  accountLogin: string;
  repositories: number;
}

/** The installation, or null when nothing of it is stored. */
export async function findInstallationTarget(db: Kysely<DB>, installationId: number): Promise<InstallationTarget | null> {
  const inst = await db.selectFrom("installations").select(["id", "account_login"]).where("id", "=", installationId).executeTakeFirst();
  const repos = await db.selectFrom("repositories").select(sql<number>`count(*)::int`.as("n")).where("installation_id", "=", installationId).executeTakeFirstOrThrow();
  if (!inst && repos.n === 0) return null;
  return { installationId, accountLogin: inst?.account_login ?? "", repositories: repos.n };
}

/**
 * Erases installation `installationId` (dry run: counts only). One transaction: a purge is all or
 * nothing, so an interrupted one is simply run again.
 */
export async function purgeInstallation(db: Kysely<DB>, installationId: number, options: { dryRun?: boolean } = {}): Promise<PurgeCounts> {
  return inTransaction(db, options.dryRun === true, (trx) => purgeInstallationInTransaction(trx, installationId));
}

/** The same, inside the caller's transaction. */
export async function purgeInstallationInTransaction(trx: Tx, installationId: number): Promise<PurgeCounts> {
  const counter = new Counter();
  const account = await trx.selectFrom("installations").select(["account_id", "account_login"]).where("id", "=", installationId).executeTakeFirst();
  const repos = await trx.selectFrom("repositories").select("id").where("installation_id", "=", installationId).orderBy("id").execute();
  const people = new Set<number>();
  if (account?.account_id != null) people.add(account.account_id);
  for (const id of await peopleNamed(
    trx,
    sql`select ((case when status <> 'failed' then payload::jsonb end)->'sender'->>'id')::bigint as id from deliveries
      where installation_id = ${installationId} and repository_id is null and payload is not null and status <> 'failed'
        and (case when status <> 'failed' then payload::jsonb end)->'sender'->>'id' ~ '^[0-9]{1,18}$'`,
  ))
    people.add(id);
  for (const r of repos) for (const id of await purgeRepositoryRows(trx, counter, r.id)) people.add(id);
  // Backfills of the installation's repositories that never got a repository row of their own.
  await counter.run(
    "backfill_checkpoints",
    trx,
    sql`delete from backfill_checkpoints where repository_id in (select repository_id from backfills where installation_id = ${installationId})`,
  );
  await counter.run("backfills", trx, sql`delete from backfills where installation_id = ${installationId}`);
  await counter.run("deliveries", trx, sql`delete from deliveries where installation_id = ${installationId}`);
  await counter.run("redeliveries", trx, sql`delete from redeliveries where installation_id = ${installationId}`);
  await dropQueuedJobs(trx, counter, sql`j.payload::jsonb->>'installationId' = ${String(installationId)}`);
  await counter.run("installations", trx, sql`delete from installations where id = ${installationId}`);
  await dropUnreferencedPeople(trx, counter, people);
  return counter.counts;
}
