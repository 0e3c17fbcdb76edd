/**
 * The manual re-run reads: one workflow's month of attempts with its job checks
 * and flaky-test fixes (findWorkflowRerunBundle), and the (workflow, month)
 * pairs that have re-runs (findRerunMonths).
 */
import { sql, type Kysely } from "kysely";
import type { FlakyFixRef, WorkflowRerunBundle } from "../core/facts.js";
import { monthRange, RERUN_FIX_HORIZON_DAYS, RERUN_LOOKBACK_DAYS } from "../core/detect/detect-reruns.js";
import { WORKFLOW_RUN_COLUMNS, workflowRunFact } from "./find-ci-runs.js";
import { findRepository, People } from "./find-shared.js";
import type { DB } from "./schema.js";

/**
 * One workflow of one repository over one calendar month (UTC, "YYYY-MM"), for the manual
 * re-run detector: every completed attempt of the runs that could be re-run in the month (runs
 * created in it or up to RERUN_LOOKBACK_DAYS before), with triggering actors resolved to people,
 * and the flaky-test fixes of the workflow (or of one of its jobs, see findJobChecks) merged within
 * RERUN_FIX_HORIZON_DAYS of the month.
 */
export async function findWorkflowRerunBundle(db: Kysely<DB>, repositoryId: number, workflow: string, month: string, limit = 50_000): Promise<WorkflowRerunBundle | null> {
  const range = monthRange(month);
  if (!range) return null;
  const repository = await findRepository(db, repositoryId);
  if (!repository) return null;
  const from = Date.parse(range.from);
  const until = Date.parse(range.until);
  const iso = (t: number) => new Date(t).toISOString();
  const rows = await db
    .selectFrom("workflow_runs")
    .select(WORKFLOW_RUN_COLUMNS)
    .where("repository_id", "=", repositoryId)
    .where("name", "=", workflow)
    .where("status", "=", "completed")
    .where("created_at", ">=", iso(from - RERUN_LOOKBACK_DAYS * 86_400_000))
    .where("created_at", "<", range.until)
    .orderBy("created_at")
    .orderBy("id")
    .orderBy("run_attempt")
    .limit(limit)
    .execute();
  const facts = rows.map((r) => ({ row: r, at: Date.parse(r.run_started_at ?? (r.run_attempt > 1 ? r.updated_at : r.created_at)) }));
  const rerunShas = [...new Set(facts.filter((f) => f.row.run_attempt > 1 && f.at >= from && f.at < until).map((f) => f.row.head_sha))].slice(0, 1000);
  const jobChecks = await findJobChecks(db, repositoryId, workflow, rerunShas);
  const checkNames = [workflow, ...jobChecks].map((n) => n.toLowerCase());
  const fixRows = await db
    .selectFrom("contributions")
    .select(["subject_title", "subject_url", "person_login", "occurred_at", sql<string>`detail->>'check'`.as("check")])
    .where("kind", "=", "flaky-fix")
    .where("repository_id", "=", repositoryId)
    .where(sql<string>`lower(detail->>'check')`, "in", checkNames)
    .where("occurred_at", ">=", iso(from - RERUN_FIX_HORIZON_DAYS * 86_400_000))
    .where("occurred_at", "<", iso(until + RERUN_FIX_HORIZON_DAYS * 86_400_000))
    .orderBy("occurred_at")
    .orderBy("key")
    .execute();
  const people = new People(db);
  await people.load(rows.map((r) => r.triggering_actor_id));
  const fixes: FlakyFixRef[] = [];
  const seen = new Set<string>();
  for (const f of fixRows) {
    if (seen.has(f.subject_url)) continue;
    seen.add(f.subject_url);
    fixes.push({ check: f.check, title: f.subject_title, url: f.subject_url, authorLogin: f.person_login, mergedAt: f.occurred_at });
  }
  const path = [...rows].reverse().find((r) => r.path)?.path ?? null;
  return { repository, workflow, workflowPath: path, month, runs: rows.map((r) => workflowRunFact(r, people)), jobChecks, fixes };
}

/**
 * The GitHub Actions checks that are jobs of `workflow`: on the commits where the workflow was
 * re-run, they ran again too (a re-run re-creates the check runs of the jobs it re-runs). Named
 * when they ran at least twice on at least half of those commits. The store keeps no link from a
 * check run to its workflow run, so this is read from when and where they ran.
 */
async function findJobChecks(db: Kysely<DB>, repositoryId: number, workflow: string, rerunShas: string[]): Promise<string[]> {
  if (rerunShas.length === 0) return [];
  const rows = await db
    .selectFrom("check_runs")
    .select(["name", "head_sha", sql<number>`count(*)::int`.as("n")])
    .where("repository_id", "=", repositoryId)
    .where("head_sha", "in", rerunShas)
    .where("status", "=", "completed")
    .where((eb) => eb.or([eb("app_slug", "=", "github-actions"), eb("app_slug", "is", null)]))
    .groupBy(["name", "head_sha"])
    .execute();
  const rerunOn = new Map<string, number>();
  for (const r of rows) if (r.n >= 2) rerunOn.set(r.name, (rerunOn.get(r.name) ?? 0) + 1);
  return [...rerunOn]
    .filter(([name, commits]) => name.toLowerCase() !== workflow.toLowerCase() && commits * 2 >= rerunShas.length)
    .map(([name]) => name)
    .sort();
}

/**
 * The (workflow, month) pairs of a repository's manual re-runs: attempts ≥ 2 of completed workflow
 * runs, by when the attempt ran (UTC months). `since`/`until` bound when the attempt was last updated.
 */
export async function findRerunMonths(
  db: Kysely<DB>,
  filter: { repositoryId?: number; workflow?: string; since?: string | null; until?: string | null } = {},
): Promise<{ repositoryId: number; workflow: string; month: string }[]> {
  let q = db
    .selectFrom("workflow_runs")
    .select([
      "repository_id",
      "name",
      sql<string>`to_char(coalesce(run_started_at, updated_at) at time zone 'UTC', 'YYYY-MM')`.as("month"),
    ])
    .distinct()
    .where("run_attempt", ">", 1)
    .where("status", "=", "completed")
    .where("triggering_actor_id", "is not", null);
  if (filter.repositoryId !== undefined) q = q.where("repository_id", "=", filter.repositoryId);
  if (filter.workflow !== undefined) q = q.where("name", "=", filter.workflow);
  if (filter.since) q = q.where("updated_at", ">=", filter.since);
  if (filter.until) q = q.where("updated_at", "<", filter.until);
  const rows = await q.orderBy("repository_id").orderBy("name").orderBy("month").execute();
  return rows.map((r) => ({ repositoryId: r.repository_id, workflow: r.name, month: r.month }));
}
