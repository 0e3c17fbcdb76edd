/**
 * A worker outlives a database outage: when the connection drops just as a job's outcome is being
 * recorded, graphile-worker gives up on its runner (its promise rejects). Unhandled, that ended the
 * process; now the worker releases the locks of the runner that gave up and starts a new one once
 * the database answers, and the interrupted job runs again.
 *
 * On PostgreSQL only, like the chaos test: the embedded database lives inside the process, so it
 * cannot go away while the worker lives.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBenchDatabase, DEFAULT_ADMIN_URL, type BenchDatabase } from "../../bench/lib/bench-db.js";
import { startTcpProxy, type TcpProxy } from "../../bench/lib/tcp-proxy.js";
import { startWorker, type WorkerHandle } from "../../src/queue/queue.js";

let bench: BenchDatabase;
let database: BenchDatabase["database"];
let proxy: TcpProxy;
beforeAll(async () => {
  bench = await createBenchDatabase(process.env.TEST_DATABASE_URL ?? DEFAULT_ADMIN_URL);
  database = bench.database;
  const u = new URL(database.connectionString);
  proxy = await startTcpProxy(u.hostname, Number(u.port || 5432));
});
afterAll(async () => {
  await proxy?.close();
  await bench?.drop();
});

const until = async (what: string, ok: () => Promise<boolean> | boolean) => {
  for (let i = 0; i < 600; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting: ${what}`);
};

const jobsLeft = async () => (await sql<{ n: number }>`select count(*)::int as n from graphile_worker._private_jobs`.execute(database.db)).rows[0]!.n;

describe("a worker through a database outage", () => {
  it("starts itself again after graphile-worker gives up, and the interrupted job runs again", async () => {
    const warnings: string[] = [];
    let runs = 0;
    let pings = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const via = new URL(database.connectionString);
    via.host = `127.0.0.1:${proxy.port}`;
    let worker: WorkerHandle | null = null;
    try {
      worker = await startWorker({
        connectionString: via.toString(),
        embedded: database.embedded,
        concurrency: 1,
        pollInterval: 100,
        db: database.db, // liveness bookkeeping goes direct, as another connection would
        log: { info: () => {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
        taskList: {
          hold: async () => {
            runs += 1;
            started();
            await gate;
          },
          ping: async () => {
            pings += 1;
          },
        },
      });
      await sql`select graphile_worker.add_job('hold', '{}'::json)`.execute(database.db);
      await running;
      // The database goes away while the job is running: recording its outcome fails.
      proxy.cut();
      release();
      await until("the runner to give up", () => warnings.some((w) => w.includes("starting it again")));
      await new Promise((r) => setTimeout(r, 700));
      proxy.restore();
      await until("the worker to start again", () => (worker?.restarts ?? 0) >= 1);
      // The interrupted job ran again (its lock released, not left for four hours) and the new runner takes new work.
      await sql`select graphile_worker.add_job('ping', '{}'::json)`.execute(database.db);
      await until("both jobs done", async () => pings === 1 && (await jobsLeft()) === 0);
      expect(runs).toBe(2);
      expect(worker.restarts).toBe(1);
      expect(await database.db.selectFrom("worker_processes").select("worker_id").execute()).not.toHaveLength(0);
    } finally {
      proxy.restore();
      release();
      await worker?.stop();
    }
    expect(await database.db.selectFrom("worker_processes").select("worker_id").execute()).toEqual([]);
  });
});
