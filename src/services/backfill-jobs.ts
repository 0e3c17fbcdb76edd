/**
 * Backfills as queue jobs (an installation event asked): one job runs a slice
 * of a repository's backfill, then hands over to the next job so no worker
 * is held for hours; a rate-limit reset far away becomes a job scheduled for
 * after it, not a sleeping worker. Failures GitHub may recover from are
 * retried by the queue with back-off; the others are recorded and end there.
 */
import type { Kysely } from "kysely";
import { ApiClient, type ApiPolicy, type AuthProvider } from "../github/api-client.js";
import { enqueue, TASK } from "../queue/queue.js";
import { setBackfillState } from "../store/backfill-state.js";
import type { DB } from "../store/schema.js";
import { backfillRepository, type BackfillOutcome } from "./backfill-repository.js";

export interface BackfillJob {
  installationId: number;
  repositoryId: number;
  owner: string;
  repo: string;
}

export interface BackfillJobDeps {
  db: Kysely<DB>;
  now: () => Date;
  /** REST base URL (GitHub or GitHub Enterprise Server). */
  apiBaseUrl: string;
  /** Tokens for an installation; null when the app has no credentials. */
  auth: (installationId: number) => Promise<AuthProvider | null>;
  defaultDays: number;
  /** How long one job works before handing over (default 5 minutes). */
  sliceMs?: number;
  /** Waits longer than this are re-scheduled as a later job (default 1 minute). */
  maxInlineWaitMs?: number;
  policy?: Partial<ApiPolicy>;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

/** Thrown for failures worth another attempt: the queue retries with back-off. */
export class BackfillRetry extends Error {
  override name = "BackfillRetry";
}

export async function runBackfillJob(deps: BackfillJobDeps, job: BackfillJob): Promise<BackfillOutcome> {
  const now = deps.now().toISOString();
  // Installation events can be processed out of order: whatever the order, the repository's and the
  // installation's own rows (newest event wins) say whether the app may still read it.
  if (await lostAccess(deps.db, job)) {
    await setBackfillState(deps.db, job.repositoryId, "stopped", now);
    return { state: "stopped", repositoryId: job.repositoryId };
  }
  const auth = await deps.auth(job.installationId);
  if (!auth) {
    const error = "the app has no GitHub credentials (APP_ID and PRIVATE_KEY or PRIVATE_KEY_PATH): set them, then run `unsung backfill --installation ID`";
    await setBackfillState(deps.db, job.repositoryId, "failed", now, { error });
    return { state: "failed", repositoryId: job.repositoryId, error, retryable: false };
  }
  const api = new ApiClient({
    baseUrl: deps.apiBaseUrl,
    auth,
    now: () => deps.now().getTime(),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    policy: { ...deps.policy, maxInlineWaitMs: deps.maxInlineWaitMs ?? 60_000 },
  });
  const outcome = await backfillRepository(
    { db: deps.db, api, now: deps.now, defaultDays: deps.defaultDays, sliceMs: deps.sliceMs ?? 5 * 60_000 },
    { owner: job.owner, name: job.repo, installationId: job.installationId, repositoryId: job.repositoryId, requestedBy: "install" },
  );
  const key = `backfill:${job.repositoryId}`;
  if (outcome.state === "more") await enqueue(deps.db, TASK.backfillRepository, job, { jobKey: key, maxAttempts: 8, priority: 10 });
  if (outcome.state === "waiting") {
    const delaySeconds = Math.max(1, Math.ceil((outcome.untilMs - deps.now().getTime()) / 1000));
    await enqueue(deps.db, TASK.backfillRepository, job, { jobKey: key, maxAttempts: 8, priority: 10, delaySeconds });
  }
  if (outcome.state === "failed" && outcome.retryable) throw new BackfillRetry(outcome.error);
  return outcome;
}

async function lostAccess(db: Kysely<DB>, job: BackfillJob): Promise<boolean> {
  const repo = await db.selectFrom("repositories").select("removed_at").where("id", "=", job.repositoryId).executeTakeFirst();
  const inst = await db.selectFrom("installations").select("deleted_at").where("id", "=", job.installationId).executeTakeFirst();
  return (repo?.removed_at ?? null) !== null || (inst?.deleted_at ?? null) !== null;
}
