/** CI events: check_run and workflow_run → check runs and workflow runs. */
import type { Ctx, RepoRef } from "./normalise-context.js";
import { int, need, num, obj, str, time, type Obj } from "./payload-fields.js";

export function normaliseCheckRun(ctx: Ctx, repo: RepoRef, c: Obj): void {
  const startedAt = time(c.started_at);
  const completedAt = time(c.completed_at);
  ctx.b.checkRuns.push({
    id: need(num(c.id), "check_run.id"),
    repositoryId: repo.id,
    name: str(c.name) ?? "",
    headSha: need(str(c.head_sha), "check_run.head_sha"),
    headBranch: str(obj(c.check_suite)?.head_branch),
    status: str(c.status) ?? "queued",
    conclusion: str(c.conclusion),
    appSlug: str(obj(c.app)?.slug),
    startedAt,
    completedAt,
    updatedAt: completedAt ?? startedAt ?? ctx.d.receivedAt,
  });
}

export function normaliseWorkflowRun(ctx: Ctx, repo: RepoRef, w: Obj): void {
  const createdAt = need(time(w.created_at), "workflow_run.created_at");
  const runAttempt = int(w.run_attempt) ?? 1;
  const runStartedAt = time(w.run_started_at);
  const updatedAt = time(w.updated_at) ?? createdAt;
  const name = str(w.name) ?? "";
  ctx.b.workflowRuns.push({
    id: need(num(w.id), "workflow_run.id"),
    runAttempt,
    repositoryId: repo.id,
    workflowId: num(w.workflow_id),
    name,
    path: str(w.path),
    headSha: need(str(w.head_sha), "workflow_run.head_sha"),
    headBranch: str(w.head_branch),
    event: str(w.event),
    status: str(w.status) ?? "queued",
    conclusion: str(w.conclusion),
    runNumber: int(w.run_number),
    actorId: ctx.person(w.actor),
    triggeringActorId: ctx.person(w.triggering_actor),
    runStartedAt,
    createdAt,
    updatedAt,
  });
  // A re-run (someone pressed "Re-run"): the month it ran in gets its re-run detector run again.
  // The month is the attempt's, as the store computes it: its start, else its last update.
  if (runAttempt > 1) ctx.b.followUps.push({ kind: "detect-reruns", repositoryId: repo.id, workflow: name, month: (runStartedAt ?? updatedAt).slice(0, 7) });
}
