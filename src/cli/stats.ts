import { sql, type Kysely } from "kysely";
import type { DB } from "../store/schema.js";
import { parse } from "./args.js";
import type { CommandRunner } from "./io.js";
import { openRuntime } from "./runtime.js";

export const help = `Usage: unsung stats [--json]

Counts what the database holds: deliveries by status, and the normalised facts.
  --json   print one JSON object (for scripts)`;

export const run: CommandRunner = async (args, io) => {
  const { values } = parse(args, { json: { type: "boolean" } });
  if (values.help) return io.stdout.write(help + "\n"), 0;
  const rt = await openRuntime(io);
  try {
    const s = await collectStats(rt.database.db);
    if (values.json) io.stdout.write(JSON.stringify(s) + "\n");
    else {
      io.stdout.write(`deliveries: ${s.deliveries.total} (pending ${s.deliveries.pending}, failed ${s.deliveries.failed})\n`);
      for (const [k, v] of Object.entries(s)) if (k !== "deliveries") io.stdout.write(`${k}: ${v}\n`);
    }
    return 0;
  } finally {
    await rt.close();
  }
};

export async function collectStats(db: Kysely<DB>) {
  const r = await sql<Record<string, number>>`
    select
      (select count(*)::int from deliveries) as total,
      (select count(*)::int from deliveries where status = 'pending') as pending,
      (select count(*)::int from deliveries where status = 'failed') as failed,
      (select count(*)::int from installations where deleted_at is null) as installations,
      (select count(*)::int from repositories where removed_at is null) as repositories,
      (select count(*)::int from people) as people,
      (select count(*)::int from pull_requests) as pull_requests,
      (select count(*)::int from reviews) as reviews,
      (select count(*)::int from review_comments) as review_comments,
      (select count(*)::int from issues) as issues,
      (select count(*)::int from issue_comments) as issue_comments,
      (select count(*)::int from check_runs) as check_runs,
      (select count(*)::int from workflow_runs) as workflow_runs,
      (select count(*)::int from commits) as commits,
      (select count(*)::int from contributions) as contributions,
      (select count(*)::int from annotations where deleted_at is null) as annotations
  `.execute(db);
  const x = r.rows[0]!;
  return {
    deliveries: { total: x.total!, pending: x.pending!, failed: x.failed! },
    installations: x.installations!,
    repositories: x.repositories!,
    people: x.people!,
    pullRequests: x.pull_requests!,
    reviews: x.reviews!,
    reviewComments: x.review_comments!,
    issues: x.issues!,
    issueComments: x.issue_comments!,
    checkRuns: x.check_runs!,
    workflowRuns: x.workflow_runs!,
    commits: x.commits!,
    contributions: x.contributions!,
    annotations: x.annotations!,
  };
}
