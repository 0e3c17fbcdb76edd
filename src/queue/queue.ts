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
}

/**
 * Starts a worker. With `db`, it registers its ids and heartbeats, and releases dead workers' locks
 * (src/queue/worker-liveness.ts).
 *
 * When the database connection drops in the middle of recording a job's outcome, graphile-worker
 * 0.17 gives up with an error nothing can catch, and the process exits: run workers under a
 * supervisor that restarts them (Docker's restart policy, systemd's Restart=). The restarted worker
 * releases the dead one's locks at once on the same host (its pid is gone), else once its heartbeat
 * is stale.
 */
export async function startWorker(options: StartWorkerOptions): Promise<WorkerHandle> {
  const db = options.db;
  if (!db) {
    const runner = await runGraphile(options);
    return { stop: (reason) => runner.stop(reason) };
  }
  const liveness = { ...DEFAULT_LIVENESS, ...options.liveness };
  const one = await startLiveRunner(db, options, liveness, (msg) => options.log?.warn(msg));
  return { stop: (reason) => one.stop(reason) };
}

interface LiveRunner {
  stop(reason?: string): Promise<void>;
}

async function startLiveRunner(db: AnyDb, options: StartWorkerOptions, liveness: LivenessOptions, warn: (msg: string) => void): Promise<LiveRunner> {
  const release = async () => {
    const r = await releaseDeadWorkers(db, liveness);
    if (r.workers.length) warn(`released ${r.jobs} jobs locked by ${r.workers.length} dead workers`);
  };
  await release();
  const ids: string[] = [];
  let registering: Promise<void> = Promise.resolve();
  const note = (id: string) => {
    ids.push(id);
    registering = registering.then(() => registerWorkerIds(db, [id], liveness)).catch((err: unknown) => warn(`cannot register worker ${id}: ${String(err)}`));
  };
  const events = new EventEmitter() as WorkerEvents;
  events.on("pool:create", ({ workerPool }) => note(workerPool.id));
  events.on("worker:create", ({ worker }) => note(worker.workerId));
  const runner = await runGraphile(options, events);
  let beating = false;
  const timer = setInterval(() => {
    if (beating) return;
    beating = true;
    registering
      .then(() => heartbeat(db, ids))
      .then(release)
      .catch((err: unknown) => warn(`worker heartbeat failed: ${String(err)}`))
      .finally(() => (beating = false));
  }, liveness.heartbeatMs);
  timer.unref();
  return {
    stop: async (reason?: string) => {
      clearInterval(timer);
      await runner.stop(reason).catch(() => {});
      await registering;
      await unregisterWorkerIds(db, ids).catch(() => {});
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
