/**
 * Liveness of queue jobs. Every task runs under a time limit, and a rate
 * limit never holds a worker:
 *
 * - A job that runs past its limit fails (graphile-worker retries it with
 *   back-off, and parks it after its last attempt). JavaScript cannot stop a
 *   promise, so the abandoned run may still finish in the background; every
 *   task is idempotent, which makes that harmless, and the worker's slot is
 *   free at once. The limit's AbortSignal is given to tasks that can use it.
 * - A job that meets a rate limit (the API client's RateLimitWait, or an
 *   Octokit 403/429 with `retry-after` or a spent `x-ratelimit-remaining`)
 *   is completed and added again to run after the reset (`run_at`), with the
 *   same key, priority and attempts budget. After `maxRateLimitWaits` such
 *   waits in a row it fails instead, so a limit that never lifts does not
 *   keep a job alive for ever: its attempts run out and it is listed by
 *   `unsung jobs --failed`.
 */
import type { JobHelpers, Task, TaskList } from "graphile-worker";
import { RateLimitWait } from "../github/api-client.js";

export interface JobLimits {
  timeLimitMs: number;
  /** Tasks with a longer limit (erasures of a large tenant run in one transaction). */
  longTasks?: Record<string, number>;
  maxRateLimitWaits: number;
  now: () => number;
}

export const DEFAULT_MAX_RATE_LIMIT_WAITS = 5;
/** Payload field counting consecutive rate-limit waits (the tasks ignore fields they do not know). */
export const WAITS_FIELD = "rateLimitWaits";

export class JobTimeLimitError extends Error {
  override name = "JobTimeLimitError";
}

export class RateLimitedTooLong extends Error {
  override name = "RateLimitedTooLong";
}

type Headers = Record<string, string | number | undefined>;

function seconds(v: unknown): number | null {
  const s = typeof v === "number" ? String(v) : typeof v === "string" ? v.trim() : "";
  return /^\d{1,10}$/.test(s) ? Number(s) : null;
}

/**
 * When a failed call may be tried again, if it failed on a rate limit: from RateLimitWait, or from an
 * Octokit RequestError (403/429) whose headers say so. Null for any other error.
 */
export function rateLimitUntil(err: unknown, nowMs: number): { untilMs: number; reason: string } | null {
  if (err instanceof RateLimitWait) return { untilMs: err.untilMs, reason: err.reason };
  const e = err as { status?: unknown; response?: { headers?: Headers }; message?: unknown } | null;
  if (!e || (e.status !== 403 && e.status !== 429)) return null;
  const h = e.response?.headers ?? {};
  const retryAfter = seconds(h["retry-after"]);
  if (retryAfter !== null) return { untilMs: nowMs + retryAfter * 1000, reason: `secondary rate limit (retry-after ${retryAfter} s)` };
  const remaining = seconds(h["x-ratelimit-remaining"]);
  const reset = seconds(h["x-ratelimit-reset"]);
  if (remaining === 0 && reset !== null) return { untilMs: Math.max(nowMs, reset * 1000) + 1000, reason: "primary rate limit spent" };
  // A secondary limit that names no wait: GitHub asks for at least a minute.
  if (typeof e.message === "string" && /secondary rate limit|abuse detection/i.test(e.message)) return { untilMs: nowMs + 60_000, reason: "secondary rate limit" };
  return null;
}

function waitsOf(payload: unknown): number {
  const n = (payload as Record<string, unknown> | null)?.[WAITS_FIELD];
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0 ? n : 0;
}

/** One task under the limits. */
export function limitTask(name: string, task: Task, limits: JobLimits): Task {
  const limitMs = Math.max(limits.timeLimitMs, limits.longTasks?.[name] ?? 0);
  return async (payload: unknown, helpers: JobHelpers) => {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new JobTimeLimitError(`${name} ran past its time limit of ${Math.round(limitMs / 1000)} s`));
      }, limitMs);
    });
    const run = Promise.resolve().then(() => task(payload, Object.assign(Object.create(helpers) as JobHelpers, { abortSignal: AbortSignal.any([helpers.abortSignal, controller.signal]) })));
    // The abandoned run's own failure, if it comes after the limit, must not be an unhandled rejection.
    run.catch(() => {});
    try {
      return await Promise.race([run, expired]);
    } catch (err) {
      const wait = rateLimitUntil(err, limits.now());
      if (!wait) throw err;
      const waits = waitsOf(payload);
      if (waits >= limits.maxRateLimitWaits) throw new RateLimitedTooLong(`${name}: ${wait.reason}, still after ${waits} waits for it`);
      const job = helpers.job;
      // Spread jobs that met the same reset over a few seconds, so they do not all return at once.
      const runAt = new Date(wait.untilMs + Math.floor(Math.random() * 5_000));
      await helpers.addJob(name, { ...(typeof payload === "object" && payload !== null ? payload : {}), [WAITS_FIELD]: waits + 1 }, {
        runAt,
        maxAttempts: job.max_attempts,
        priority: job.priority,
        ...(job.key ? { jobKey: job.key } : {}),
        ...(job.job_queue_id !== null ? { queueName: await queueNameOf(helpers, job.job_queue_id) } : {}),
      });
      helpers.logger.info(`${name}: ${wait.reason}; rescheduled for ${runAt.toISOString()}`);
    } finally {
      clearTimeout(timer);
    }
  };
}

async function queueNameOf(helpers: JobHelpers, queueId: number): Promise<string> {
  const r = await helpers.withPgClient((c) => c.query<{ queue_name: string }>("select queue_name from graphile_worker._private_job_queues where id = $1", [queueId]));
  const name = r.rows[0]?.queue_name;
  if (!name) throw new Error(`job queue ${queueId} not found`);
  return name;
}

export function limitTasks(tasks: TaskList, limits: JobLimits): TaskList {
  return Object.fromEntries(Object.entries(tasks).map(([name, task]) => [name, limitTask(name, task as Task, limits)]));
}
