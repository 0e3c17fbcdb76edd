/**
 * The job queue: graphile-worker on the same PostgreSQL database as the facts.
 * Jobs are added with SQL inside the caller's transaction, so a job exists if
 * and only if the row that needs it was committed.
 */
import { sql, type Kysely, type Transaction } from "kysely";
import { EventEmitter } from "node:events";
import { Logger, run, runMigrations, type Runner, type TaskList, type WorkerEvents } from "graphile-worker";
import { DEFAULT_LIVENESS, heartbeat, registerWorkerIds, releaseDeadWorkers, unregisterWorkerIds, type LivenessOptions } from "./worker-liveness.js";

export const TASK = {
  /** One delivery (replays, reprocessing, and a delivery handed off by a batch that failed). */
  processDelivery: "process-delivery",
  /** The deliveries one intake commit (or a few) stored, by id, in one transaction. */
  processDeliveries: "process-deliveries",
  /** Every minute: pending deliveries nothing processed for a minute (their job was never added). */
  processStaleDeliveries: "process-stale-deliveries",
  enrichPullRequest: "enrich-pull-request",
  detectPullRequest: "detect-pull-request",
  detectIssue: "detect-issue",
  detectReruns: "detect-reruns",
  recordCommand: "record-command",
  checkConfig: "check-config",
  prunePayloads: "prune-payloads",
  /** Installation and repository events that schedule, cancel or run erasures (src/services/erasure-events.ts). */
  erasureEvent: "erasure-event",
  /** One scheduled erasure, when it falls due. */
  runErasure: "run-erasure",
  /** Hourly: every erasure due (a safety net for lost jobs), and opted-out people's new facts. */
  erasureSweep: "erasure-sweep",
  backfillRepository: "backfill-repository",
  /** Every ten minutes: ask GitHub to redeliver webhooks we failed or never stored (src/services/sweep-deliveries.ts). */
  sweepDeliveries: "sweep-deliveries",
  /** The one evidence comment of a merged pull request: written, edited in place, or left alone (src/services/sync-pr-comment.ts). */
  syncPrComment: "sync-pr-comment",
  /** The reaction or reply a slash command gets (src/services/answer-command.ts). */
  answerCommand: "answer-command",
} as const;
export type TaskName = (typeof TASK)[keyof typeof TASK];

/** Jobs of the erasure queue run one at a time, in the order they were added (a re-install after its uninstall). */
export const ERASURE_QUEUE = "unsung-erasure";

export interface EnqueueOptions {
  /** Jobs with the same key are merged: a later add replaces a pending one (debounce). */
  jobKey?: string;
  /** Run no earlier than this many seconds from now. */
  delaySeconds?: number;
  /** Run no earlier than this time (ISO); wins over delaySeconds. */
  runAt?: string;
  /** Jobs of one named queue run one at a time, in order. */
  queueName?: string;
  maxAttempts?: number;
  priority?: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any> | Transaction<any>;

export async function enqueue(db: AnyDb, task: TaskName, payload: unknown, options: EnqueueOptions = {}): Promise<void> {
  const runAt = options.runAt
    ? sql`${options.runAt}::timestamptz`
    : options.delaySeconds
      ? sql`now() + make_interval(secs => ${options.delaySeconds})`
      : sql`null`;
  await sql`select graphile_worker.add_job(
      ${task}::text,
      ${JSON.stringify(payload)}::json,
      queue_name => ${options.queueName ?? null}::text,
      run_at => ${runAt},
      max_attempts => ${options.maxAttempts ?? 25}::int,
      job_key => ${options.jobKey ?? null}::text,
      job_key_mode => ${options.jobKey ? "replace" : null}::text,
      priority => ${options.priority ?? 0}::int
    )`.execute(db);
}

export interface JobSpec extends EnqueueOptions {
  task: TaskName;
  payload: unknown;
}

/**
 * Adds several jobs in one statement (graphile-worker's add_jobs, which add_job itself calls:
 * the same semantics, keys replace pending jobs). A key given twice keeps the last, as two
 * add_job calls would.
 */
export async function enqueueMany(db: AnyDb, jobs: readonly JobSpec[]): Promise<void> {
  if (!jobs.length) return;
  const byKey = new Map<string, JobSpec>();
  const unkeyed: JobSpec[] = [];
  for (const j of jobs) {
    if (j.jobKey) {
      byKey.delete(j.jobKey);
      byKey.set(j.jobKey, j);
    } else unkeyed.push(j);
  }
  const specs = [...unkeyed, ...byKey.values()].map((j, n) => ({
    n,
    identifier: j.task,
    payload: j.payload,
    delay: j.delaySeconds ?? null,
    run_at: j.runAt ?? null,
    queue_name: j.queueName ?? null,
    max_attempts: j.maxAttempts ?? 25,
    job_key: j.jobKey ?? null,
    priority: j.priority ?? 0,
  }));
  await sql`select count(*) from graphile_worker.add_jobs(array(
      select row(t.identifier, t.payload::json, t.queue_name,
        case when t.run_at is not null then t.run_at when t.delay is null then null else now() + make_interval(secs => t.delay) end,
        t.max_attempts::smallint, t.job_key, t.priority::smallint, null)::graphile_worker.job_spec
      from jsonb_to_recordset(${JSON.stringify(specs)}::jsonb)
        as t(n int, identifier text, payload jsonb, delay float8, run_at timestamptz, queue_name text, max_attempts int, job_key text, priority int)
      order by t.n))`.execute(db);
}

/** Installs or upgrades graphile-worker's own schema. */
export async function migrateQueue(connectionString: string, embedded: boolean): Promise<void> {
  await runMigrations({ connectionString, noPreparedStatements: embedded, logger: quietLogger(), maxPoolSize: 2 });
}

export interface WorkerLog {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export interface StartWorkerOptions {
  connectionString: string;
  embedded: boolean;
  concurrency: number;
  taskList: TaskList;
  log?: WorkerLog;
  /** Poll interval for scheduled/retried jobs (ms). */
  pollInterval?: number;
  crontab?: string;
  /**
   * The database, for releasing dead workers' locks (src/queue/worker-liveness.ts): on start and at
   * every heartbeat. Without it graphile-worker's own four-hour lock timeout applies.
   */
  db?: AnyDb;
  liveness?: Partial<LivenessOptions>;
}

/** A running worker. */
export interface WorkerHandle {
  stop(reason?: string): Promise<void>;
  /** Times it gave up on an error it cannot recover from and was started again (with `db`). */
  readonly restarts?: number;
}

/**
 * Starts a worker. With `db`, it registers its ids and heartbeats, and releases dead workers' locks
 * (src/queue/worker-liveness.ts).
 *
 * When the database connection drops in the middle of recording a job's outcome, graphile-worker
 * 0.17 gives up: its runner's promise rejects. With `db`, the worker then starts itself again (after
 * 0.5 s, doubling to 30 s while the database is away), first releasing the locks of the runner that
 * gave up, so its jobs run again at once. A process killed outright (kill -9, out of memory) still
 * needs a supervisor; the restarted worker releases the dead one's locks at once on the same host
 * (its pid is gone), else once its heartbeat is stale.
 */
export async function startWorker(options: StartWorkerOptions): Promise<WorkerHandle> {
  const db = options.db;
  if (!db) {
    const runner = await runGraphile(options);
    return { stop: (reason) => runner.stop(reason) };
  }
  const liveness = { ...DEFAULT_LIVENESS, ...options.liveness };
  const one = await startLiveRunner(db, options, liveness, (msg) => options.log?.warn(msg));
  return {
    stop: (reason) => one.stop(reason),
    get restarts() {
      return one.restarts;
    },
  };
}

interface LiveRunner {
  stop(reason?: string): Promise<void>;
  /** Times the runner gave up on a fatal error and was started again. */
  readonly restarts: number;
}

/** Waits before starting a worker again after a fatal error: doubling from the first, capped. */
const RESTART_BACKOFF_MS = { first: 500, max: 30_000 };
/** How long a runner that gave up gets to stop before it is left behind. */
const STOP_GRACE_MS = 10_000;

/**
 * graphile-worker 0.17 leaves some promises of its own unhandled when the database goes away in the
 * middle of its bookkeeping (returning prefetched jobs, completing a job without batching): each
 * would end the process. While live runners exist, such a rejection — one raised inside
 * graphile-worker — makes them start again instead; any other unhandled rejection still ends the
 * process, as it would without this listener (unless someone else listens for them).
 */
const faultHandlers = new Set<(err: unknown) => void>();
function isQueueFault(err: unknown): boolean {
  const stack = err instanceof Error ? `${err.stack ?? ""}` : "";
  return /[\\/]graphile-worker[\\/]/.test(stack);
}
function onUnhandledRejection(reason: unknown): void {
  if (isQueueFault(reason) && faultHandlers.size) {
    for (const h of faultHandlers) h(reason);
    return;
  }
  if (process.listenerCount("unhandledRejection") === 1) throw reason;
}
function watchQueueFaults(handler: (err: unknown) => void): () => void {
  if (!faultHandlers.size) process.on("unhandledRejection", onUnhandledRejection);
  faultHandlers.add(handler);
  return () => {
    faultHandlers.delete(handler);
    if (!faultHandlers.size) process.off("unhandledRejection", onUnhandledRejection);
  };
}

async function startLiveRunner(db: AnyDb, options: StartWorkerOptions, liveness: LivenessOptions, warn: (msg: string) => void): Promise<LiveRunner> {
  const release = async () => {
    const r = await releaseDeadWorkers(db, liveness);
    if (r.workers.length) warn(`released ${r.jobs} jobs locked by ${r.workers.length} dead workers`);
  };
  await release();
  let registering: Promise<void> = Promise.resolve();
  let stopping = false;
  let healing: Promise<void> | null = null;
  let restarts = 0;
  let current: { runner: Runner; ids: string[] } | null = null;

  /** One graphile-worker runner and the worker ids it registered. */
  const launch = async () => {
    const ids: string[] = [];
    const note = (id: string) => {
      ids.push(id);
      registering = registering.then(() => registerWorkerIds(db, [id], liveness)).catch((err: unknown) => warn(`cannot register worker ${id}: ${String(err)}`));
    };
    const events = new EventEmitter() as WorkerEvents;
    let why: unknown = "its worker pool ended";
    events.on("pool:create", ({ workerPool }) => {
      note(workerPool.id);
      // When graphile-worker 0.17 cannot record a job's outcome (the database went away at that
      // moment) it shuts its pool down from a callback that drops the shutdown's promise; that
      // promise then rejects (releasing the jobs fails too, the database is still away), and an
      // unhandled rejection ends the process. Its rejection is handled here; callers that await the
      // shutdown still see it.
      for (const name of ["gracefulShutdown", "forcefulShutdown"] as const) {
        const shutdown = workerPool[name].bind(workerPool) as (message?: string) => Promise<unknown>;
        (workerPool as unknown as Record<string, unknown>)[name] = (message?: string) => {
          const p = shutdown(message);
          Promise.resolve(p).catch((err: unknown) => (why = err));
          return p;
        };
      }
    });
    events.on("pool:gracefulShutdown:error", ({ error }) => (why = error));
    events.on("worker:create", ({ worker }) => note(worker.workerId));
    const runner = await runGraphile(options, events);
    const one = { runner, ids };
    // The runner ends on its own only when it gave up: start it again.
    void runner.promise.then(
      () => gaveUp(one, why),
      (err: unknown) => gaveUp(one, err),
    );
    return one;
  };

  /** Starts replacing `one` (unless stopping, replaced already, or being replaced). */
  const gaveUp = (one: { runner: Runner; ids: string[] }, err: unknown) => {
    if (stopping || healing || (current !== one && current !== null)) return;
    healing = heal(one, err).finally(() => (healing = null));
  };

  /** Replaces a runner that gave up: its locks released as soon as the database answers, then a new one. */
  const heal = async (dead: { runner: Runner; ids: string[] }, err: unknown) => {
    warn(`worker stopped on an error it cannot recover from (${String(err).replace(/\s+/g, " ").slice(0, 200)}); starting it again`);
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([dead.runner.stop().catch(() => {}), new Promise((r) => (grace = setTimeout(r, STOP_GRACE_MS)))]);
    clearTimeout(grace);
    let wait = RESTART_BACKOFF_MS.first;
    while (!stopping) {
      // Not unref'd: while the worker starts again, this wait is what keeps the process alive.
      await new Promise((r) => setTimeout(r, wait));
      if (stopping) break;
      try {
        await registering;
        // Our own ids: dead for certain, whatever the heartbeat says.
        if (dead.ids.length) await sql`select graphile_worker.force_unlock_workers(${dead.ids}::text[])`.execute(db);
        await unregisterWorkerIds(db, dead.ids);
        current = await launch();
        restarts += 1;
        return;
      } catch (e) {
        wait = Math.min(wait * 2, RESTART_BACKOFF_MS.max);
        warn(`cannot start the worker again yet (${String(e).replace(/\s+/g, " ").slice(0, 200)}); retrying in ${Math.round(wait / 1000)} s`);
      }
    }
  };

  current = await launch();
  const unwatch = watchQueueFaults((err) => current && gaveUp(current, err));
  let beating = false;
  const timer = setInterval(() => {
    if (beating) return;
    beating = true;
    registering
      .then(() => heartbeat(db, current?.ids ?? []))
      .then(release)
      .catch((err: unknown) => warn(`worker heartbeat failed: ${String(err)}`))
      .finally(() => (beating = false));
  }, liveness.heartbeatMs);
  timer.unref();
  return {
    get restarts() {
      return restarts;
    },
    stop: async (reason?: string) => {
      stopping = true;
      unwatch();
      clearInterval(timer);
      await healing;
      await current?.runner.stop(reason).catch(() => {});
      await registering;
      await unregisterWorkerIds(db, current?.ids ?? []).catch(() => {});
    },
  };
}

function runGraphile(options: StartWorkerOptions, events?: WorkerEvents): Promise<Runner> {
  return run({
    ...(events ? { events } : {}),
    connectionString: options.connectionString,
    concurrency: options.concurrency,
    maxPoolSize: options.concurrency + 2,
    taskList: options.taskList,
    noHandleSignals: true,
    // On the embedded database every connection shares one session: no prepared
    // statements, and LISTEN/NOTIFY does not reach other connections, so poll.
    noPreparedStatements: options.embedded,
    pollInterval: options.pollInterval ?? (options.embedded ? 200 : 2000),
    logger: options.log ? workerLogger(options.log) : quietLogger(),
    ...(options.crontab ? { crontab: options.crontab } : {}),
    // Jobs fetched 50 at a time, and completed together when they finish within 2 ms of each other
    // (one statement instead of one each). A crash inside those 2 ms runs the jobs again: every
    // task is idempotent.
    ...(options.embedded ? {} : { preset: { worker: { localQueue: { size: 50 }, completeJobBatchDelay: 2 } } }),
  });
}

function quietLogger(): Logger {
  return new Logger(() => () => {});
}

function workerLogger(log: WorkerLog): Logger {
  return new Logger(() => (level, message) => {
    if (level === "error") log.error(message);
    else if (level === "warning") log.warn(message);
  });
}

/**
 * Jobs running now or due within `horizonSeconds` (for draining in the CLI and
 * tests). Retries scheduled further out are left for a long-running worker.
 */
export async function dueJobCount(db: AnyDb, horizonSeconds = 30): Promise<number> {
  const r = await sql<{ n: number }>`
    select count(*)::int as n from graphile_worker.jobs
    where attempts < max_attempts
      and (locked_at is not null or run_at <= now() + make_interval(secs => ${horizonSeconds}))`.execute(db);
  return r.rows[0]?.n ?? 0;
}
