/** CI: check runs and workflow runs (per attempt). */
import { sql } from "kysely";
import type { FactBatch } from "../github/normalise-delivery.js";
import { takeIncoming } from "./take-incoming.js";
import { eb_excluded, lastByKey, type Tx } from "./write-shared.js";

export async function writeCiRuns(db: Tx, b: FactBatch): Promise<void> {
  if (b.checkRuns.length) {
    await db
      .insertInto("check_runs")
      .values(
        lastByKey(b.checkRuns, (r) => r.id).map((r) => ({
          id: r.id,
          repository_id: r.repositoryId,
          name: r.name,
          head_sha: r.headSha,
          head_branch: r.headBranch,
          status: r.status,
          conclusion: r.conclusion,
          app_slug: r.appSlug,
          started_at: r.startedAt,
          completed_at: r.completedAt,
          updated_at: r.updatedAt,
        })),
      )
      .onConflict((oc) =>
        oc
          .column("id")
          .doUpdateSet({
            ...takeIncoming("check_runs", "status", "conclusion", "completed_at", "updated_at"),
            started_at: sql`coalesce(excluded.started_at, check_runs.started_at)`,
            head_branch: sql`coalesce(excluded.head_branch, check_runs.head_branch)`,
          })
          // A completed run never goes back to in_progress.
          .where(sql<boolean>`check_runs.status <> 'completed' or excluded.status = 'completed'`)
          .where("check_runs.updated_at", "<=", eb_excluded("updated_at")),
      )
      .execute();
  }

  if (b.workflowRuns.length) {
    await db
      .insertInto("workflow_runs")
      .values(
        lastByKey(b.workflowRuns, (r) => `${r.id}/${r.runAttempt}`).map((r) => ({
          id: r.id,
          run_attempt: r.runAttempt,
          repository_id: r.repositoryId,
          workflow_id: r.workflowId,
          name: r.name,
          path: r.path,
          head_sha: r.headSha,
          head_branch: r.headBranch,
          event: r.event,
          status: r.status,
          conclusion: r.conclusion,
          run_number: r.runNumber,
          actor_id: r.actorId,
          triggering_actor_id: r.triggeringActorId,
          run_started_at: r.runStartedAt,
          created_at: r.createdAt,
          updated_at: r.updatedAt,
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(["id", "run_attempt"])
          .doUpdateSet({
            ...takeIncoming("workflow_runs", "status", "conclusion", "updated_at"),
            run_started_at: sql`coalesce(excluded.run_started_at, workflow_runs.run_started_at)`,
          })
          .where("workflow_runs.updated_at", "<=", eb_excluded("updated_at")),
      )
      .execute();
  }
}
