/**
 * Chaos: signed deliveries under load while PostgreSQL becomes unreachable
 * for a few seconds and a worker is killed with `kill -9` mid-job; then the
 * redelivery sweeper recovers, from a faked GitHub delivery log, every
 * delivery that was not answered 2xx. At the end every delivery sent must be
 * stored and processed exactly once.
 *
 * PostgreSQL is "stopped" by cutting a TCP proxy in front of it (every
 * connection dropped, new ones refused): the server on this machine is
 * shared, so it is not stopped itself. The webhook server runs in this
 * process (the real HTTP server, intake and recorder); workers are the built
 * CLI (`unsung worker`) in child processes, both going through the proxy.
 *
 *   node dist/bench/chaos.js [--deliveries 1500] [--rate 150] [--outage-ms 4000] [--json]
 *
 * Prints: sent, answered 2xx, answered otherwise (5xx or no answer),
 * recovered by the sweeper, lost (must be 0), duplicated (must be 0). Exits
 * 1 when anything was lost or duplicated.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { Probot } from "probot";
import { unsungApp } from "../src/app.js";
import { ApiClient } from "../src/github/api-client.js";
import { createHttpServer, WEBHOOKS_PATH } from "../src/server/create-server.js";
import { createQuietLogger } from "../src/server/quiet-log.js";
import { postSigned } from "../src/server/post-signed.js";
import { createDeliveryRecorder } from "../src/services/record-delivery.js";
import { sweepDeliveries, type SweepResult } from "../src/services/sweep-deliveries.js";
import { openDatabase, openIntakeDb } from "../src/store/open-database.js";
import { createBenchDatabase, DEFAULT_ADMIN_URL, withDbName } from "./lib/bench-db.js";
import { startFakeHookLog } from "./lib/fake-hook-log.js";
import { examplesOf } from "./lib/payloads.js";
import { startTcpProxy } from "./lib/tcp-proxy.js";

const SECRET = "chaos-secret";

export interface ChaosOptions {
  adminUrl: string;
  deliveries: number;
  /** Deliveries sent per second, at most. */
  rate: number;
  outageMs: number;
  /** The built CLI (dist/src/cli/main.js) that runs the workers. */
  cliMain: string;
  log?: (line: string) => void;
}

export interface ChaosResult {
  sent: number;
  answered2xx: number;
  answeredOther: number;
  /** Of those: 5xx answers, and requests that got no answer at all. */
  answered5xx: number;
  noAnswer: number;
  /** Stored although the answer was not 2xx (the commit happened, the answer was lost). */
  storedDespiteError: number;
  redeliveriesRequested: number;
  recovered: number;
  lost: number;
  duplicated: number;
  /** Jobs the killed worker held locked when it was killed. */
  lockedAtKill: number;
  workersSpawned: number;
  /** Workers that exited on their own (during the outage) and were started again, as a supervisor would. */
  workerRestarts: number;
  /** Times a worker's queue runner gave up in the outage and the worker started it again itself, without exiting. */
  workerSelfRestarts: number;
  sweeps: SweepResult[];
  seconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function issuePayload(base: Record<string, unknown>, n: number): Record<string, unknown> {
  const p = structuredClone(base);
  const issue = p.issue as Record<string, unknown>;
  issue.id = 7_000_000 + n;
  issue.number = 100_000 + n;
  issue.node_id = `I_chaos_${n}`;
  issue.title = `Chaos issue ${n}`;
  return p;
}

export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const log = o.log ?? (() => {});
  const started = Date.now();
  const bench = await createBenchDatabase(o.adminUrl);
  const pgUrl = new URL(bench.url);
  const proxy = await startTcpProxy(pgUrl.hostname, Number(pgUrl.port || 5432));
  const proxied = new URL(bench.url);
  proxied.host = `127.0.0.1:${proxy.port}`;
  const proxyUrl = withDbName(proxied.toString(), bench.name);
  const monitor = bench.database.db; // direct, never cut: for watching and the final checks

  const workers: ChildProcess[] = [];
  let restarts = 0;
  let selfRestarts = 0;
  let finished = false;
  const killedByUs = new Set<ChildProcess>();
  const spawnWorker = () => {
    const child = spawn(process.execPath, [o.cliMain, "worker"], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", DATABASE_URL: proxyUrl, UNSUNG_WORKER_CONCURRENCY: "2", UNSUNG_DETECT_DEBOUNCE_SECONDS: "1", LOG_LEVEL: "error" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (c: Buffer) => {
      const text = c.toString();
      selfRestarts += text.split("starting it again").length - 1;
      stderr = (stderr + text).slice(-6000);
    });
    child.on("exit", (code, signal) => {
      if (killedByUs.has(child) || finished) return;
      // As a supervisor (Docker's restart policy, systemd) would: start it again after a second.
      const last = stderr.trim().split("\n").slice(-1)[0]?.slice(0, 200);
      log(`worker ${child.pid} exited (${code ?? signal}): ${last}; restarting it`);
      restarts++;
      setTimeout(() => {
        if (!finished) spawnWorker();
      }, 1000);
    });
    workers.push(child);
    return child;
  };

  const serverDb = await openDatabase({ url: proxyUrl });
  const intake = openIntakeDb(proxyUrl);
  const probot = new Probot({ githubToken: "chaos", secret: SECRET, logLevel: "fatal" });
  const recorder = createDeliveryRecorder(intake.db, 5);
  const rawBodies = new Map<string, string>();
  const server = await createHttpServer({
    probot,
    appFn: unsungApp({ record: (d) => recorder.record(d), rawBodyOf: (id) => rawBodies.get(id) }),
    db: serverDb.db,
    secret: SECRET,
    log: createQuietLogger({ level: "fatal" }),
    maxBodyBytes: 25 * 1024 * 1024,
    rawBodies,
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const hookUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}${WEBHOOKS_PATH}`;

  const bodies = new Map<string, string>();
  const post = async (guid: string): Promise<number> => {
    try {
      return await postSigned(hookUrl, SECRET, "issues", guid, bodies.get(guid)!);
    } catch {
      return 0;
    }
  };
  const hookLog = await startFakeHookLog(post);

  const workerIds = async () => (await sql<{ n: number }>`select count(*)::int as n from worker_processes`.execute(monitor)).rows[0]?.n ?? 0;
  try {
    spawnWorker();
    // Load starts once the worker is up (it migrates first).
    for (let i = 0; (await workerIds()) === 0; i++) {
      if (i > 600) throw new Error("the worker did not start within a minute");
      await sleep(100);
    }
    const base = examplesOf("issues").find((p) => p.action === "opened")!;
    const first = new Map<string, number>();
    const outageAt = Math.floor(o.deliveries / 4);
    const killAt = Math.floor((3 * o.deliveries) / 4);
    let lockedAtKill = 0;
    let sent = 0;
    let outage: Promise<void> | null = null;
    const interval = 1000 / o.rate;
    const inFlight = new Set<Promise<void>>();
    const t0 = Date.now();
    for (let n = 0; n < o.deliveries; n++) {
      const guid = randomUUID();
      bodies.set(guid, JSON.stringify(issuePayload(base, n)));
      if (n === outageAt) {
        log(`cutting PostgreSQL for ${o.outageMs} ms after ${n} deliveries`);
        proxy.cut();
        outage = sleep(o.outageMs).then(() => {
          proxy.restore();
          log("PostgreSQL reachable again");
        });
      }
      if (n === killAt) {
        // Mid-job: wait until a live worker holds jobs under its own (registered) ids.
        let victim = workers[workers.length - 1]!;
        for (let i = 0; i < 5000; i++) {
          victim = workers[workers.length - 1]!;
          if (victim.exitCode === null && victim.signalCode === null) {
            const r = await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs
              where locked_by in (select worker_id from worker_processes where pid = ${victim.pid!})`.execute(monitor);
            lockedAtKill = r.rows[0]?.n ?? 0;
            if (lockedAtKill > 0) break;
          }
          await sleep(2);
        }
        killedByUs.add(victim);
        victim.kill("SIGKILL");
        log(`kill -9 worker ${victim.pid} holding ${lockedAtKill} locked jobs; starting another`);
        spawnWorker();
      }
      const p = post(guid).then((status) => {
        first.set(guid, status);
        hookLog.log({ guid, deliveredAtMs: Date.now(), redelivery: false, statusCode: status, event: "issues", action: "opened" });
      });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      sent++;
      const due = t0 + (n + 1) * interval;
      if (due > Date.now()) await sleep(due - Date.now());
      while (inFlight.size >= 16) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    await outage;
    const failedFirst = [...first].filter(([, s]) => s < 200 || s >= 300).map(([g]) => g);
    log(`sent ${sent}: ${sent - failedFirst.length} answered 2xx, ${failedFirst.length} not`);

    // The sweeper, as its cron job runs it, against the faked delivery log.
    const api = new ApiClient({ baseUrl: hookLog.url, auth: { label: "the GitHub App", scheme: "bearer", token: async () => "chaos-jwt" }, policy: { maxInlineWaitMs: 5_000, backoffMs: 200 } });
    const sweeps: SweepResult[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await sweepDeliveries({ db: monitor, api, now: () => new Date(), minGapMs: 0 });
      sweeps.push(r);
      await hookLog.settled();
      log(`sweep ${i + 1}: ${r.requested} redeliveries requested (${r.failed} failed, ${r.neverStored} never stored, ${r.stored} guids stored)`);
      if (r.requested === 0) break;
    }

    // Processing finishes: every stored delivery processed.
    for (let i = 0; ; i++) {
      const r = await sql<{ pending: number }>`select count(*) filter (where status <> 'processed')::int as pending from deliveries`.execute(monitor);
      if ((r.rows[0]?.pending ?? 0) === 0) break;
      if (i > 1200) throw new Error(`${r.rows[0]?.pending} deliveries still not processed after two minutes`);
      await sleep(100);
    }

    const guids = [...bodies.keys()];
    // What processing wrote for each delivery: its issue (one row per GitHub id, upserted).
    const stored = await sql<{ id: string; status: string; issues: number }>`
      select d.id, d.status,
        (select count(*)::int from issues i where i.id = ((d.payload::jsonb)->'issue'->>'id')::bigint) as issues
      from deliveries d where d.id = any(${guids})`.execute(monitor);
    const byId = new Map(stored.rows.map((r) => [r.id, r]));
    let lost = 0;
    let duplicated = 0;
    let recovered = 0;
    let storedDespiteError = 0;
    const firstStored = new Set(
      failedFirst.filter((g) => !hookLog.requested.has(g) && byId.has(g)),
    );
    for (const g of guids) {
      const row = byId.get(g);
      if (!row || row.status !== "processed" || row.issues === 0) lost++;
      else if (row.issues > 1) duplicated++;
      const status = first.get(g)!;
      if (status < 200 || status >= 300) {
        if (row && hookLog.requested.has(g)) recovered++;
        if (firstStored.has(g)) storedDespiteError++;
      }
    }
    const distinctIssues = await sql<{ n: number; d: number }>`select count(*)::int as n, count(distinct id)::int as d from issues`.execute(monitor);
    duplicated += (distinctIssues.rows[0]?.n ?? 0) - (distinctIssues.rows[0]?.d ?? 0);
    return {
      sent,
      answered2xx: sent - failedFirst.length,
      answeredOther: failedFirst.length,
      answered5xx: failedFirst.filter((g) => first.get(g)! >= 500).length,
      noAnswer: failedFirst.filter((g) => first.get(g) === 0).length,
      storedDespiteError,
      redeliveriesRequested: [...hookLog.requested.values()].reduce((a, b) => a + b, 0),
      recovered,
      lost,
      duplicated,
      lockedAtKill,
      workersSpawned: workers.length,
      workerRestarts: restarts,
      workerSelfRestarts: selfRestarts,
      sweeps,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
  } finally {
    finished = true;
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill("SIGTERM");
    await Promise.all(workers.map((w) => (w.exitCode === null && w.signalCode === null ? new Promise((r) => w.once("exit", r)) : null)));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await hookLog.close();
    await recorder.close().catch(() => {});
    await intake.close();
    await serverDb.close();
    await proxy.close();
    await bench.drop();
  }
}

const invoked = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename);
if (invoked) {
  const { values } = parseArgs({
    options: { deliveries: { type: "string" }, rate: { type: "string" }, "outage-ms": { type: "string" }, json: { type: "boolean" } },
    strict: true,
  });
  const result = await runChaos({
    adminUrl: process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? DEFAULT_ADMIN_URL,
    deliveries: Number(values.deliveries ?? 1500),
    rate: Number(values.rate ?? 150),
    outageMs: Number(values["outage-ms"] ?? 4000),
    cliMain: path.resolve(import.meta.dirname, "../src/cli/main.js"),
    log: (l) => process.stderr.write(`chaos: ${l}\n`),
  });
  if (values.json) process.stdout.write(JSON.stringify(result) + "\n");
  else {
    const rows: [string, number][] = [
      ["sent", result.sent],
      ["answered 2xx", result.answered2xx],
      ["answered 5xx or not at all", result.answeredOther],
      ["  of which 5xx", result.answered5xx],
      ["  of which no answer", result.noAnswer],
      ["  stored anyway (answer lost after the commit)", result.storedDespiteError],
      ["redeliveries requested", result.redeliveriesRequested],
      ["recovered by the sweeper", result.recovered],
      ["lost", result.lost],
      ["duplicated", result.duplicated],
      ["jobs locked by the killed worker", result.lockedAtKill],
      ["workers restarted after exiting in the outage", result.workerRestarts],
      ["queue runners restarted in-process", result.workerSelfRestarts],
    ];
    for (const [k, v] of rows) process.stdout.write(`${k.padEnd(48)} ${v}\n`);
    process.stdout.write(`(${result.seconds} s)\n`);
  }
  process.exit(result.lost === 0 && result.duplicated === 0 ? 0 : 1);
}
