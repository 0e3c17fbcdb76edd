/**
 * Worker liveness on the real queue: a job that hangs fails at its time limit
 * (and is retried) instead of holding a worker; a rate limit that never lifts
 * reschedules the job after GitHub's wait (run_at), a bounded number of times,
 * then fails it — no worker sits through the wait; jobs locked by a worker
 * that was killed (its pid gone, or its heartbeat stale on another host) are
 * released when a worker starts, so `drainQueue` (replay, reprocess) finishes
 * instead of waiting out graphile-worker's four-hour lock timeout.
 */
import { spawnSync } from "node:child_process";
import os from "node:os";
import nock from "nock";
import { sql } from "kysely";
import { Probot } from "probot";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { drainQueue, workerDeps, type Runtime } from "../../src/cli/runtime.js";
import { readEnv } from "../../src/config/env.js";
import { liveClientFactory, WorkerOctokit } from "../../src/github/clients.js";
import { enqueue, startWorker, TASK } from "../../src/queue/queue.js";
import { releaseDeadWorkers } from "../../src/queue/worker-liveness.js";
import { recordDelivery } from "../../src/services/record-delivery.js";
import { createTaskList } from "../../src/worker/create-task-list.js";
import { limitTask } from "../../src/worker/job-limits.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

let database: TestDatabase;
let rt: Runtime;

beforeAll(async () => {
  database = await createTestDatabase();
  rt = { env: readEnv({ UNSUNG_WORKER_CONCURRENCY: "2", UNSUNG_MAX_ATTEMPTS: "3" }), database, close: async () => {} };
});
afterAll(async () => {
  await database.drop();
});
beforeEach(async () => {
  await sql`delete from graphile_worker._private_jobs`.execute(database.db);
  await database.db.deleteFrom("worker_processes").execute();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

interface JobRow {
  id: string;
  task_identifier: string;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  locked_by: string | null;
  payload: Record<string, unknown>;
  run_at_s: number;
}

async function jobs(): Promise<JobRow[]> {
  const r = await sql<JobRow>`select j.id::text, t.identifier as task_identifier, j.attempts, j.max_attempts, j.last_error, j.locked_by, j.payload,
      extract(epoch from j.run_at - now())::float8 as run_at_s
    from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id order by j.id`.execute(database.db);
  return r.rows;
}

/** Runs a worker until `done` holds for the queue, then stops it. */
async function runUntil(taskList: Parameters<typeof startWorker>[0]["taskList"], done: (j: JobRow[]) => boolean): Promise<JobRow[]> {
  const runner = await startWorker({ connectionString: database.connectionString, embedded: database.embedded, concurrency: 1, taskList, db: database.db, pollInterval: 100 });
  try {
    for (;;) {
      const j = await jobs();
      if (done(j)) return j;
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await runner.stop();
  }
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", ""]);
  expect(r.status).toBe(0);
  return r.pid!;
}

async function lockAllJobs(workerId: string, agoSeconds = 0): Promise<void> {
  await sql`update graphile_worker._private_jobs set locked_by = ${workerId}, locked_at = now() - make_interval(secs => ${agoSeconds}), attempts = attempts + 1`.execute(database.db);
}

describe("time limits", () => {
  it("a job that never finishes fails at its time limit and is retried, and the worker goes on", async () => {
    await enqueue(database.db, TASK.processDelivery, { deliveryId: "hangs" }, { maxAttempts: 3 });
    await enqueue(database.db, TASK.processDelivery, { deliveryId: "fine" }, { maxAttempts: 3 });
    const ran: string[] = [];
    const task = limitTask(
      TASK.processDelivery,
      async (payload) => {
        const id = (payload as { deliveryId: string }).deliveryId;
        ran.push(id);
        if (id === "hangs") await new Promise(() => {});
      },
      { timeLimitMs: 300, maxRateLimitWaits: 3, now: Date.now },
    );
    const left = await runUntil({ [TASK.processDelivery]: task }, (j) => j.length === 1 && j[0]!.attempts === 1 && j[0]!.last_error !== null);
    expect(ran).toEqual(["hangs", "fine"]);
    expect(left[0]).toMatchObject({ payload: { deliveryId: "hangs" }, attempts: 1 });
    expect(left[0]!.last_error).toMatch(/ran past its time limit/);
    // Retried later, with graphile-worker's back-off.
    expect(left[0]!.run_at_s).toBeGreaterThan(0);
  });
});

describe("rate limits", () => {
  const job = { installationId: 1, repositoryId: 2, owner: "acme", repo: "shop", number: 3 };
  const clients = () => liveClientFactory(new Probot({ githubToken: "test-token", Octokit: WorkerOctokit, logLevel: "fatal" }));

  it("a secondary limit that never lifts reschedules the job after retry-after, a bounded number of times, then fails it", async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    let calls = 0;
    nock("https://api.github.com")
      .persist()
      .post("/graphql")
      .reply(() => {
        calls++;
        return [403, { message: "You have exceeded a secondary rate limit." }, { "retry-after": "120" }];
      });
    const deps = { ...workerDeps(rt, clients()), maxRateLimitWaits: 2 };
    const tasks = createTaskList(deps);
    await enqueue(database.db, TASK.enrichPullRequest, job, { maxAttempts: 1, jobKey: "enrich:2:3" });
    // Not held: the job is done and a new one waits out the two minutes.
    let j = await runUntil(tasks, (q) => q.length === 1 && q[0]!.payload.rateLimitWaits === 1);
    expect(j[0]).toMatchObject({ task_identifier: TASK.enrichPullRequest, attempts: 0, max_attempts: 1, payload: { ...job, rateLimitWaits: 1 } });
    expect(j[0]!.run_at_s).toBeGreaterThan(115);
    expect(calls).toBe(1);
    // Due again, still limited: rescheduled once more, then the third time it fails for good.
    await sql`update graphile_worker._private_jobs set run_at = now()`.execute(database.db);
    j = await runUntil(tasks, (q) => q.length === 1 && q[0]!.payload.rateLimitWaits === 2 && q[0]!.run_at_s > 0);
    await sql`update graphile_worker._private_jobs set run_at = now()`.execute(database.db);
    j = await runUntil(tasks, (q) => q.length === 1 && q[0]!.attempts === 1 && q[0]!.last_error !== null);
    expect(j[0]!.last_error).toMatch(/RateLimitedTooLong|still after 2 waits/);
    expect(j[0]!.attempts).toBe(j[0]!.max_attempts);
    expect(calls).toBe(3);
  });

  it("a spent primary budget reschedules the job at the reset instead of waiting an hour inside the worker", async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    const reset = Math.floor(Date.now() / 1000) + 3600;
    nock("https://api.github.com")
      .post("/graphql")
      .reply(403, { message: "API rate limit exceeded" }, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset), "x-ratelimit-limit": "5000" });
    await enqueue(database.db, TASK.enrichPullRequest, job, { maxAttempts: 5 });
    const j = await runUntil(createTaskList(workerDeps(rt, clients())), (q) => q.length === 1 && q[0]!.payload.rateLimitWaits === 1);
    expect(j[0]!.run_at_s).toBeGreaterThan(3590);
    expect(j[0]!.attempts).toBe(0);
    expect(nock.isDone()).toBe(true);
  });
});

describe("locks of dead workers", () => {
  async function storeDeliveries(n: number): Promise<void> {
    for (let i = 0; i < n; i++) await recordDelivery(database.db, { id: `dead-${i}-${Math.random()}`, event: "ping", payload: { zen: "z", hook_id: i } }, 3);
  }

  it("a killed worker's jobs are released when the next worker starts, and drainQueue finishes them", async () => {
    await storeDeliveries(3);
    const pid = deadPid();
    await database.db.insertInto("worker_processes").values({ worker_id: "pool-killed", hostname: os.hostname(), pid }).execute();
    await lockAllJobs("pool-killed");
    expect((await jobs()).every((j) => j.locked_by === "pool-killed")).toBe(true);
    const left = await drainQueue(rt, workerDeps(rt, async () => null, { debounceSeconds: 0 }));
    expect(left).toBe(0);
    const pending = await database.db.selectFrom("deliveries").select("id").where("status", "=", "pending").execute();
    expect(pending).toEqual([]);
    expect(await database.db.selectFrom("worker_processes").select("worker_id").where("worker_id", "=", "pool-killed").execute()).toEqual([]);
  });

  it("another host's worker is dead once its heartbeat is stale; a live one keeps its jobs", async () => {
    await storeDeliveries(2);
    const [a, b] = await jobs();
    await database.db.insertInto("worker_processes").values([
      { worker_id: "pool-stale", hostname: "elsewhere", pid: 1 },
      { worker_id: "pool-alive", hostname: "elsewhere", pid: 1 },
    ]).execute();
    await sql`update worker_processes set seen_at = now() - interval '5 minutes' where worker_id = 'pool-stale'`.execute(database.db);
    await sql`update graphile_worker._private_jobs set locked_by = 'pool-stale', locked_at = now() where id = ${a!.id}`.execute(database.db);
    await sql`update graphile_worker._private_jobs set locked_by = 'pool-alive', locked_at = now() where id = ${b!.id}`.execute(database.db);
    expect(await releaseDeadWorkers(database.db, { heartbeatMs: 1000, staleAfterMs: 60_000 })).toEqual({ workers: ["pool-stale"], jobs: 1 });
    expect((await jobs()).map((j) => j.locked_by)).toEqual([null, "pool-alive"]);
  });

  it("locks held by ids nobody registered are released once older than the stale time, not before", async () => {
    await storeDeliveries(2);
    const [a, b] = await jobs();
    await sql`update graphile_worker._private_jobs set locked_by = 'worker-old', locked_at = now() - interval '10 minutes' where id = ${a!.id}`.execute(database.db);
    await sql`update graphile_worker._private_jobs set locked_by = 'worker-new', locked_at = now() where id = ${b!.id}`.execute(database.db);
    expect(await releaseDeadWorkers(database.db, { heartbeatMs: 1000, staleAfterMs: 60_000 })).toEqual({ workers: ["worker-old"], jobs: 1 });
    expect((await jobs()).map((j) => j.locked_by)).toEqual([null, "worker-new"]);
  });

  it("a running worker registers its ids and removes them when it stops", async () => {
    const runner = await startWorker({ connectionString: database.connectionString, embedded: database.embedded, concurrency: 2, taskList: {}, db: database.db, pollInterval: 100 });
    let rows: { worker_id: string; pid: number }[] = [];
    for (let i = 0; i < 100 && rows.length === 0; i++) {
      rows = await database.db.selectFrom("worker_processes").select(["worker_id", "pid"]).execute();
      if (!rows.length) await new Promise((r) => setTimeout(r, 20));
    }
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.pid === process.pid)).toBe(true);
    // Its own ids are alive: nothing is released.
    expect((await releaseDeadWorkers(database.db, { heartbeatMs: 1000, staleAfterMs: 60_000 })).workers).toEqual([]);
    await runner.stop();
    expect(await database.db.selectFrom("worker_processes").select("worker_id").execute()).toEqual([]);
  });
});
