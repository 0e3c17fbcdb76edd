/**
 * What every database-backed command needs: the environment, the database
 * (PostgreSQL or embedded), migrations, and a worker that can be run until
 * the queue is drained. Commands stay small by sharing this.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Probot } from "probot";
import { appJwtAuth, installationAuth, probotAppAuth } from "../github/auth-providers.js";
import { readEnv, type Env } from "../config/env.js";
import { ApiClient, apiBaseUrl, type AuthProvider } from "../github/api-client.js";
import { sweepDeliveries } from "../services/sweep-deliveries.js";
import { appClientFactory, recordedClientFactory, type GitHubClientFactory, type Recording } from "../github/clients.js";
import { runBackfillJob, type BackfillJob, type BackfillJobDeps } from "../services/backfill-jobs.js";
import { dueJobCount, migrateQueue, startWorker, type WorkerHandle, type WorkerLog } from "../queue/queue.js";
import { migrateToLatest } from "../store/migrate.js";
import { openDatabase, type Database } from "../store/open-database.js";
import { isUnreachable } from "../store/unreachable.js";
import { createTaskList, CRONTAB, type WorkerDeps } from "../worker/create-task-list.js";
import { createDetectorRunner } from "../services/run-detectors.js";
import type { GitHubWriteSettings } from "../services/github-writes.js";
import type { CliIo } from "./io.js";

export interface Runtime {
  env: Env;
  database: Database;
  close(): Promise<void>;
}

/** Opens the database named by the environment (or the embedded one) and migrates it. */
export async function openRuntime(io: CliIo, overrides: { dataDir?: string } = {}): Promise<Runtime> {
  const env = readEnv(io.env, io.cwd);
  const dataDir = overrides.dataDir ?? env.dataDir;
  const database = await openDatabase({ url: env.DATABASE_URL, dataDir });
  try {
    await migrateToLatest(database.db);
    await migrateQueue(database.connectionString, database.embedded);
  } catch (err) {
    await database.close();
    throw err;
  }
  return { env, database, close: () => database.close() };
}

/** Stops a wait at SIGINT or SIGTERM; `done` removes the listeners. */
export function stopSignal(): { signal: AbortSignal; done(): void } {
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return {
    signal: ac.signal,
    done: () => {
      process.removeListener("SIGINT", stop);
      process.removeListener("SIGTERM", stop);
    },
  };
}

const pause = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

/**
 * `openRuntime` for the long-running commands (`serve`, `worker`): a PostgreSQL server that does not
 * answer yet — starting, restarting, the network not up — is tried again after 0.5 s, doubling to
 * 30 s, until UNSUNG_DB_STARTUP_WAIT_SECONDS have passed; each failed try is one line on stderr
 * (the error, never the URL's password: pg's messages name only host and port). A database that
 * answers with an error fails at once, as does the last try. Returns null (with nothing left open)
 * when `signal` (SIGINT/SIGTERM) stops the wait or comes during a try.
 */
export async function openRuntimeWhenReachable(
  io: CliIo,
  options: { signal?: AbortSignal; sleep?: (ms: number, signal?: AbortSignal) => Promise<void>; now?: () => number } = {},
): Promise<Runtime | null> {
  const { signal, sleep = pause, now = Date.now } = options;
  const waitMs = readEnv(io.env, io.cwd).UNSUNG_DB_STARTUP_WAIT_SECONDS * 1000;
  const deadline = now() + waitMs;
  for (let delay = 500; ; delay = Math.min(delay * 2, 30_000)) {
    let runtime: Runtime;
    try {
      runtime = await openRuntime(io);
    } catch (err) {
      // A stop asked for during the try (which can take seconds: connect, migrations) is a stop.
      if (signal?.aborted) return null;
      const left = deadline - now();
      if (!isUnreachable(err) || left <= 0) throw err;
      const wait = Math.min(delay, left);
      io.stderr.write(`cannot reach the database (${(err as Error).message || String(err)}); trying again in ${(wait / 1000).toFixed(1)} s (gives up ${Math.ceil(left / 1000)} s from now)\n`);
      await sleep(wait, signal);
      if (signal?.aborted) return null;
      continue;
    }
    // The signal's listeners replaced Node's exit on SIGINT/SIGTERM, so one that came during the
    // successful try must still stop the command rather than be lost.
    if (signal?.aborted) {
      await runtime.close();
      return null;
    }
    return runtime;
  }
}

/**
 * Clients for a one-shot command that asks GitHub something (a reader's access): the app's own
 * when APP_ID and a private key are set, else recorded responses when configured, else none.
 */
export async function apiClients(env: Env, cwd: string): Promise<GitHubClientFactory> {
  if (env.hasGitHubCredentials) return appClientFactory({ appId: env.APP_ID!, privateKey: env.PRIVATE_KEY!, baseUrl: env.GITHUB_API_URL });
  return offlineClients(env, cwd);
}

/** The GitHub clients the worker uses: recorded responses when configured, else none (live clients come from `serve`). */
export async function offlineClients(env: Env, cwd: string): Promise<GitHubClientFactory> {
  if (!env.UNSUNG_GITHUB_RECORDINGS) return async () => null;
  const file = path.resolve(cwd, env.UNSUNG_GITHUB_RECORDINGS);
  const parsed = JSON.parse(await readFile(file, "utf8")) as unknown;
  if (!Array.isArray(parsed)) throw new Error(`${file}: recorded responses must be a JSON array`);
  return recordedClientFactory(parsed as Recording[]);
}

export interface WorkerOptions {
  debounceSeconds?: number;
  /** Installation tokens for backfill jobs (from the app's credentials); without it they fail with a message saying so. */
  backfillAuth?: (installationId: number) => Promise<AuthProvider | null>;
  /** Backfill job settings (tests shorten waits and slices). */
  backfill?: Partial<Omit<BackfillJobDeps, "db" | "auth">>;
  /** The app's JWT, for the redelivery sweeper; without it the sweep does nothing. */
  appAuth?: AuthProvider;
  /** Write evidence comments and command answers to GitHub (the live app); off for replays and the demo. */
  githubWrites?: GitHubWriteSettings;
}

export function workerDeps(rt: Runtime, clients: GitHubClientFactory, opts: WorkerOptions = {}): WorkerDeps {
  const base = {
    db: rt.database.db,
    clients,
    now: () => new Date(),
    detectDebounceSeconds: opts.debounceSeconds ?? rt.env.UNSUNG_DETECT_DEBOUNCE_SECONDS,
    payloadRetentionDays: rt.env.UNSUNG_PAYLOAD_RETENTION_DAYS,
    textRetentionDays: rt.env.UNSUNG_TEXT_RETENTION_DAYS,
    erasureGraceDays: rt.env.UNSUNG_ERASURE_GRACE_DAYS,
    jobTimeLimitMs: rt.env.UNSUNG_JOB_TIME_LIMIT_SECONDS * 1000,
  };
  const detectors = createDetectorRunner({ db: rt.database.db, clients, now: base.now });
  const backfill = (job: BackfillJob) =>
    runBackfillJob(
      {
        db: rt.database.db,
        now: base.now,
        apiBaseUrl: apiBaseUrl(rt.env),
        auth: opts.backfillAuth ?? (async () => null),
        defaultDays: rt.env.UNSUNG_BACKFILL_DAYS,
        ...opts.backfill,
      },
      job,
    );
  const appAuth = opts.appAuth;
  // A wait longer than 30 s is not held: the job is rescheduled after the reset (src/worker/job-limits.ts).
  const sweep = appAuth
    ? () => sweepDeliveries({ db: rt.database.db, api: new ApiClient({ baseUrl: apiBaseUrl(rt.env), auth: appAuth, policy: { maxInlineWaitMs: 30_000 }, userAgent: "unsung" }), now: base.now })
    : undefined;
  return { ...base, detectPullRequest: detectors.pullRequest, detectIssue: detectors.issue, detectReruns: detectors.reruns, ...(opts.githubWrites ? { githubWrites: opts.githubWrites } : {}), backfill, ...(sweep ? { sweepDeliveries: sweep } : {}) };
}

/** The app's JWT from a Probot app with credentials (for the redelivery sweeper). */
export function probotAppJwt(probot: Probot): AuthProvider {
  let auth: Promise<AuthProvider> | null = null;
  return { label: "the GitHub App", scheme: "bearer", token: async (refresh) => (await (auth ??= probotAppAuth(probot).then(appJwtAuth))).token(refresh) };
}

/** Installation tokens for backfill jobs, from a Probot app with credentials. */
export function probotBackfillAuth(probot: Probot): (installationId: number) => Promise<AuthProvider | null> {
  let app: ReturnType<typeof probotAppAuth> | null = null;
  return async (installationId) => installationAuth(await (app ??= probotAppAuth(probot)), installationId);
}

export async function runWorker(rt: Runtime, deps: WorkerDeps, options: { cron?: boolean; log?: WorkerLog } = {}): Promise<WorkerHandle> {
  return startWorker({
    connectionString: rt.database.connectionString,
    embedded: rt.database.embedded,
    concurrency: rt.env.UNSUNG_WORKER_CONCURRENCY,
    taskList: createTaskList(deps),
    db: rt.database.db,
    ...(options.log ? { log: options.log } : {}),
    ...(options.cron ? { crontab: CRONTAB } : {}),
  });
}

/** Runs a worker until no job is due, then stops it. Returns the jobs left scheduled for later. */
export async function drainQueue(rt: Runtime, deps: WorkerDeps, onProgress?: (due: number) => void): Promise<number> {
  const runner = await runWorker(rt, deps);
  try {
    let quietRounds = 0;
    // Two quiet looks in a row: a finishing job may still add follow-ups.
    while (quietRounds < 2) {
      await new Promise((r) => setTimeout(r, 150));
      const due = await dueJobCount(rt.database.db);
      onProgress?.(due);
      quietRounds = due === 0 ? quietRounds + 1 : 0;
    }
  } finally {
    await runner.stop();
  }
  return dueJobCount(rt.database.db, 10 * 365 * 86_400);
}
