/**
 * CI attempts as facts: check runs and workflow runs in a window (findCiRuns),
 * and the workflow-run columns and row mapper the re-run read shares.
 */
import type { Kysely, Selectable } from "kysely";
import type { CiRunFact } from "../core/facts.js";
import { People } from "./find-shared.js";
import type { DB } from "./schema.js";

/** Completed CI attempts (check runs and workflow runs) in a window, oldest first. */
export async function findCiRuns(db: Kysely<DB>, repositoryId: number, from: string, until: string, limit = 20_000): Promise<CiRunFact[]> {
  const [checks, workflows] = await Promise.all([
    db
      .selectFrom("check_runs")
      .select(["id", "name", "head_sha", "head_branch", "conclusion", "started_at", "completed_at"])
      .where("repository_id", "=", repositoryId)
      .where("status", "=", "completed")
      .where("started_at", ">=", from)
      .where("started_at", "<", until)
      .orderBy("started_at")
      .limit(limit)
      .execute(),
    db
      .selectFrom("workflow_runs")
      .select(WORKFLOW_RUN_COLUMNS)
      .where("repository_id", "=", repositoryId)
      .where("status", "=", "completed")
      .where("created_at", ">=", from)
      .where("created_at", "<", until)
      .orderBy("created_at")
      .limit(limit)
      .execute(),
  ]);
  // A check run has no attempt number: reruns are new check runs with the same name and sha.
  const attempts = new Map<string, number>();
  const runs: CiRunFact[] = checks.map((c) => {
    const k = `${c.name}\u0000${c.head_sha}`;
    const attempt = (attempts.get(k) ?? 0) + 1;
    attempts.set(k, attempt);
    return {
      source: "check_run",
      id: c.id,
      name: c.name,
      headSha: c.head_sha,
      headBranch: c.head_branch,
      conclusion: c.conclusion,
      attempt,
      startedAt: c.started_at,
      completedAt: c.completed_at,
      event: null,
    };
  });
  const people = new People(db);
  await people.load(workflows.map((w) => w.triggering_actor_id));
  for (const w of workflows) runs.push(workflowRunFact(w, people));
  return runs.sort((a, b) => (a.startedAt ?? "").localeCompare(b.startedAt ?? ""));
}

export const WORKFLOW_RUN_COLUMNS = [
  "id",
  "run_attempt",
  "name",
  "path",
  "head_sha",
  "head_branch",
  "conclusion",
  "run_started_at",
  "created_at",
  "updated_at",
  "event",
  "triggering_actor_id",
] as const;

type WorkflowRunRow = Pick<Selectable<DB["workflow_runs"]>, (typeof WORKFLOW_RUN_COLUMNS)[number]>;

export function workflowRunFact(w: WorkflowRunRow, people: People): CiRunFact {
  return {
    source: "workflow_run",
    id: w.id,
    name: w.name,
    headSha: w.head_sha,
    headBranch: w.head_branch,
    conclusion: w.conclusion,
    attempt: w.run_attempt,
    // A re-run keeps its run's original created_at: without a start time, its completion is closer.
    startedAt: w.run_started_at ?? (w.run_attempt > 1 ? w.updated_at : w.created_at),
    completedAt: w.updated_at,
    event: w.event,
    triggeringActor: people.refOrNull(w.triggering_actor_id),
  };
}
