/**
 * Turns one stored delivery into facts, at least once: a job may run twice,
 * so everything here is an idempotent upsert, and the follow-up jobs it adds
 * are keyed so that they merge.
 */
import { createHash } from "node:crypto";
import { sql, type Kysely } from "kysely";
import { HANDLED_EVENTS, MalformedPayloadError, normaliseDelivery, type FactBatch, type FollowUp } from "../github/normalise-delivery.js";
import { enqueueMany, ERASURE_QUEUE, TASK, type JobSpec } from "../queue/queue.js";
import { queueBackfills, stopBackfills } from "../store/backfill-state.js";
import type { DB } from "../store/schema.js";
import { writeFacts } from "../store/write-facts.js";

export interface ProcessDeps {
  db: Kysely<DB>;
  now: () => Date;
  /** Seconds to wait for more events on a subject before re-running its detectors. */
  detectDebounceSeconds: number;
}

export interface Attempt {
  number: number;
  max: number;
}

export type ProcessOutcome = "processed" | "already-processed" | "missing" | "parked";

/** A stored delivery → facts; MalformedPayloadError when it can never be normalised. */
export function normaliseStored(d: { id: string; event: string; payload: string | null; received_at: string }): FactBatch {
  if (d.payload === null) throw new MalformedPayloadError("the raw payload was pruned by the retention setting; it cannot be reprocessed");
  let payload: unknown;
  try {
    payload = JSON.parse(d.payload);
  } catch {
    throw new MalformedPayloadError("the stored payload is not valid JSON");
  }
  return normaliseDelivery({ id: d.id, event: d.event, payload, receivedAt: d.received_at });
}

export async function processDelivery(deps: ProcessDeps, deliveryId: string, attempt: Attempt): Promise<ProcessOutcome> {
  const { db } = deps;
  const d = await db.selectFrom("deliveries").selectAll().where("id", "=", deliveryId).executeTakeFirst();
  if (!d) return "missing";
  if (d.status === "processed" || d.status === "ignored") return "already-processed";
  try {
    const batch = normaliseStored(d);
    await db.transaction().execute(async (trx) => {
      await writeFacts(trx, batch, d.received_at);
      await addFollowUps(trx, batch.followUps, deps.detectDebounceSeconds);
      await trx
        .updateTable("deliveries")
        // Events Unsung does not subscribe to are kept (raw) but marked as ignored.
        .set({ status: HANDLED_EVENTS.has(d.event) ? "processed" : "ignored", processed_at: deps.now().toISOString(), attempts: attempt.number, last_error: null })
        .where("id", "=", d.id)
        .execute();
    });
    return "processed";
  } catch (err) {
    const message = errorMessage(err);
    // A payload that can never be normalised is parked at once; anything else is retried.
    const park = err instanceof MalformedPayloadError || attempt.number >= attempt.max;
    await db
      .updateTable("deliveries")
      .set({ status: park ? "failed" : "pending", attempts: attempt.number, last_error: message })
      .where("id", "=", d.id)
      .execute();
    if (park) return "parked";
    throw err;
  }
}

/**
 * Adds the jobs (or does the small writes) follow-ups ask for, inside the caller's transaction:
 * every job in one statement, however many deliveries asked.
 */
export async function addFollowUps(trx: Kysely<DB>, followUps: readonly FollowUp[], debounce: number): Promise<void> {
  const jobs: JobSpec[] = [];
  let backfills: Extract<FollowUp, { kind: "backfill-repository" }>[] = [];
  for (const f of followUps) {
    const job = followUpJob(f, debounce);
    if (job) jobs.push(job);
    else if (f.kind === "config-changed") await forgetConfig(trx, f);
    else if (f.kind === "stop-backfill") {
      // Deliveries in order: a removal after an addition in the same batch cancels the backfill it asked for.
      const stops = (b: { installationId: number; repositoryId: number }) => (f.repositoryIds ? f.repositoryIds.includes(b.repositoryId) : b.installationId === f.installationId);
      backfills = backfills.filter((b) => !stops(b));
      for (let i = jobs.length - 1; i >= 0; i--) if (jobs[i]!.task === TASK.backfillRepository && stops(jobs[i]!.payload as { installationId: number; repositoryId: number })) jobs.splice(i, 1);
      await stopBackfill(trx, f);
    }
    if (f.kind === "backfill-repository") backfills.push(f);
  }
  if (backfills.length) await markBackfillsQueued(trx, backfills);
  await enqueueMany(trx, jobs);
}

function followUpJob(f: FollowUp, debounce: number): JobSpec | null {
  switch (f.kind) {
    case "enrich-pull-request":
      return { task: TASK.enrichPullRequest, payload: f, jobKey: `enrich:${f.repositoryId}:${f.number}`, maxAttempts: 8 };
    case "detect-pull-request":
      return { task: TASK.detectPullRequest, payload: f, jobKey: `detect-pr:${f.repositoryId}:${f.number}`, delaySeconds: debounce, maxAttempts: 5 };
    case "detect-issue":
      return { task: TASK.detectIssue, payload: f, jobKey: `detect-issue:${f.repositoryId}:${f.number}`, delaySeconds: debounce, maxAttempts: 5 };
    case "detect-reruns":
      // Debounced per workflow and month: a burst of re-runs becomes one detector run.
      return { task: TASK.detectReruns, payload: f, jobKey: `detect-reruns:${f.repositoryId}:${f.workflow}:${f.month}`, delaySeconds: debounce, maxAttempts: 5 };
    case "slash-command":
      return { task: TASK.recordCommand, payload: f, jobKey: `command:${f.commentId}`, maxAttempts: 5 };
    case "check-config":
      return { task: TASK.checkConfig, payload: f, jobKey: `check-config:${f.repositoryId}:${f.number}`, maxAttempts: 5 };
    case "backfill-repository":
      // Behind live work (lower numbers run first), one job per repository at a time.
      return { task: TASK.backfillRepository, payload: f, jobKey: `backfill:${f.repositoryId}`, maxAttempts: 8, priority: 10 };
    case "config-changed":
    case "stop-backfill":
      return null;
    case "erasure-event":
      // One queue, in order: a re-install must be handled after the uninstall it cancels.
      // Keyed by its content, so a delivery processed twice queues it once.
      return { task: TASK.erasureEvent, payload: f, jobKey: `erasure-event:${createHash("sha256").update(JSON.stringify(f)).digest("hex")}`, queueName: ERASURE_QUEUE, maxAttempts: 10 };
  }
}

/** Shows the repositories as queued (the job decides the window when it runs). */
async function markBackfillsQueued(trx: Kysely<DB>, fs: Extract<FollowUp, { kind: "backfill-repository" }>[]): Promise<void> {
  const now = new Date();
  await queueBackfills(
    trx,
    fs.map((f) => ({ repositoryId: f.repositoryId, installationId: f.installationId, fullName: `${f.owner}/${f.repo}` })),
    { since: now.toISOString(), until: now.toISOString() },
    now.toISOString(),
  );
}

/** The app lost access: backfills stop (a running one stops after its current page) and their pending jobs go. */
async function stopBackfill(trx: Kysely<DB>, f: Extract<FollowUp, { kind: "stop-backfill" }>): Promise<void> {
  const target = f.repositoryIds ? { repositoryIds: f.repositoryIds } : { installationId: f.installationId };
  const ids = [...new Set([...(await stopBackfills(trx, target, new Date().toISOString())), ...(f.repositoryIds ?? [])])];
  for (const id of ids) await sql`select graphile_worker.remove_job(${`backfill:${id}`}::text)`.execute(trx);
}

/** The cached configuration is stale: the next detector run fetches it again. */
async function forgetConfig(trx: Kysely<DB>, f: Extract<FollowUp, { kind: "config-changed" }>): Promise<void> {
  if (f.orgWide) {
    await trx
      .deleteFrom("repo_configs")
      .where("repository_id", "in", (eb) =>
        eb
          .selectFrom("repositories as r")
          .select("r.id")
          .where("r.owner_login", "=", (eb2) => eb2.selectFrom("repositories as o").select("o.owner_login").where("o.id", "=", f.repositoryId)),
      )
      .execute();
  } else await trx.deleteFrom("repo_configs").where("repository_id", "=", f.repositoryId).execute();
}

function errorMessage(err: unknown): string {
  const m = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return m.slice(0, 2000);
}
