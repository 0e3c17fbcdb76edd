import { sql } from "kysely";
import { intFlag, parse } from "./args.js";
import type { CommandRunner } from "./io.js";
import { openRuntime } from "./runtime.js";

export const help = `Usage: unsung jobs [--failed] [--limit N] [--json]

Shows the job queue: how many jobs of each task are due, scheduled for later,
running, or failed for good.
  --failed    list the jobs that used up their attempts (newest first), with their last error
  --limit N   at most N rows (default 50, at most 10000)
  --json      one JSON object per line`;

interface FailedJob {
  id: string;
  task: string;
  attempts: number;
  max_attempts: number;
  updated_at: string;
  last_error: string | null;
  delivery_id: string | null;
  repository_id: string | null;
}

export const run: CommandRunner = async (args, io) => {
  const { values } = parse(args, { failed: { type: "boolean" }, limit: { type: "string" }, json: { type: "boolean" } });
  if (values.help) return io.stdout.write(help + "\n"), 0;
  const limit = intFlag(values.limit, "limit", 50, 1, 10_000);
  const rt = await openRuntime(io);
  try {
    const db = rt.database.db;
    if (values.failed) {
      // Only the ids from a payload: it may name a private repository, and ids are what an operator needs.
      const rows = (
        await sql<FailedJob>`
          select j.id::text, t.identifier as task, j.attempts, j.max_attempts, j.updated_at::text, j.last_error,
                 left(j.payload->>'deliveryId', 100) as delivery_id, left(j.payload->>'repositoryId', 30) as repository_id
          from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
          where j.attempts >= j.max_attempts and j.locked_at is null
          order by j.updated_at desc, j.id desc limit ${limit}`.execute(db)
      ).rows;
      for (const r of rows) {
        if (values.json) io.stdout.write(JSON.stringify(r) + "\n");
        else {
          const about = r.delivery_id ? `  delivery ${r.delivery_id}` : r.repository_id ? `  repository ${r.repository_id}` : "";
          io.stdout.write(`${r.updated_at}  job ${r.id}  ${r.task}${about}  attempts ${r.attempts}/${r.max_attempts}${r.last_error ? "  " + r.last_error.replace(/\s+/g, " ").slice(0, 200) : ""}\n`);
        }
      }
      if (!values.json && !rows.length) io.stdout.write("no failed jobs\n");
      return 0;
    }
    const rows = (
      await sql<{ task: string; due: number; scheduled: number; running: number; failed: number }>`
        select t.identifier as task,
          count(*) filter (where j.locked_at is null and j.attempts < j.max_attempts and j.run_at <= now())::int as due,
          count(*) filter (where j.locked_at is null and j.attempts < j.max_attempts and j.run_at > now())::int as scheduled,
          count(*) filter (where j.locked_at is not null)::int as running,
          count(*) filter (where j.locked_at is null and j.attempts >= j.max_attempts)::int as failed
        from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
        group by t.identifier order by t.identifier`.execute(db)
    ).rows;
    for (const r of rows) {
      if (values.json) io.stdout.write(JSON.stringify(r) + "\n");
      else io.stdout.write(`${r.task.padEnd(22)}  due ${r.due}  scheduled ${r.scheduled}  running ${r.running}  failed ${r.failed}\n`);
    }
    if (!values.json && !rows.length) io.stdout.write("the queue is empty\n");
    return 0;
  } finally {
    await rt.close();
  }
};
