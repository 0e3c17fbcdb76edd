/**
 * Liveness figures for /metrics, read from the database at scrape time (the
 * sweeper and the workers may run in other processes): jobs that used up
 * their attempts, by task; redelivery requests, by reason and GitHub's
 * answer; worker ids registered as alive.
 */
import { sql, type Kysely } from "kysely";
import type { DB } from "../store/schema.js";

export interface Gauge {
  name: string;
  help: string;
  value: number;
  labels?: Record<string, string>;
}

export async function readLivenessGauges(db: Kysely<DB>): Promise<Gauge[]> {
  const out: Gauge[] = [];
  const failed = await sql<{ task: string; n: number }>`
    select task_identifier as task, count(*)::int as n from graphile_worker.jobs
    where attempts >= max_attempts and locked_at is null group by task_identifier order by 1`.execute(db);
  const failedHelp = "Queue jobs that used up their attempts (unsung jobs --failed), by task.";
  if (!failed.rows.length) out.push({ name: "unsung_jobs_failed", help: failedHelp, value: 0 });
  for (const r of failed.rows) out.push({ name: "unsung_jobs_failed", help: failedHelp, value: r.n, labels: { task: r.task } });
  const redeliveries = await db
    .selectFrom("redeliveries")
    .select(["reason", "outcome", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy(["reason", "outcome"])
    .orderBy("reason")
    .orderBy("outcome")
    .execute();
  const rHelp = "Redeliveries the sweeper asked GitHub for, by reason (failed, never-stored) and answer (requested, not-found, refused, error).";
  if (!redeliveries.length) out.push({ name: "unsung_redeliveries", help: rHelp, value: 0 });
  for (const r of redeliveries) out.push({ name: "unsung_redeliveries", help: rHelp, value: Number(r.n), labels: { reason: r.reason, outcome: r.outcome } });
  const workers = await db.selectFrom("worker_processes").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirst();
  out.push({ name: "unsung_worker_ids", help: "Queue worker ids registered as alive.", value: Number(workers?.n ?? 0) });
  return out;
}
