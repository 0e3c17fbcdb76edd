/**
 * Liveness figures for /metrics, read from the database at scrape time (the
 * sweeper and the workers may run in other processes): jobs that used up
 * their attempts, by task; redelivery requests, by reason and GitHub's
 * answer; worker ids registered as alive.
 */
import { sql, type Kysely } from "kysely";
import type { DB } from "../store/schema.js";

export type LivenessFigure =
  | { name: "unsung_jobs_failed"; value: number; labels?: { task: string } }
  | { name: "unsung_redeliveries"; value: number; labels?: { reason: string; outcome: string } }
  | { name: "unsung_worker_ids"; value: number; labels?: undefined };

/** The figures, one per label set; a gauge with nothing to count reads 0 without labels. */
export async function readLivenessGauges(db: Kysely<DB>): Promise<LivenessFigure[]> {
  const out: LivenessFigure[] = [];
  const failed = await sql<{ task: string; n: number }>`
    select task_identifier as task, count(*)::int as n from graphile_worker.jobs
    where attempts >= max_attempts and locked_at is null group by task_identifier order by 1`.execute(db);
  if (!failed.rows.length) out.push({ name: "unsung_jobs_failed", value: 0 });
  for (const r of failed.rows) out.push({ name: "unsung_jobs_failed", value: r.n, labels: { task: r.task } });
  const redeliveries = await db
    .selectFrom("redeliveries")
    .select(["reason", "outcome", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy(["reason", "outcome"])
    .orderBy("reason")
    .orderBy("outcome")
    .execute();
  if (!redeliveries.length) out.push({ name: "unsung_redeliveries", value: 0 });
  for (const r of redeliveries) out.push({ name: "unsung_redeliveries", value: Number(r.n), labels: { reason: r.reason, outcome: r.outcome } });
  const workers = await db.selectFrom("worker_processes").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirst();
  out.push({ name: "unsung_worker_ids", value: Number(workers?.n ?? 0) });
  return out;
}
