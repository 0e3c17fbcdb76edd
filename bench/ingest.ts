/**
 * Webhook intake and worker throughput, with a baseline measured in the same run.
 *
 *   npm run build && node dist/bench/ingest.js [--seconds 6] [--concurrency 16]
 *       [--rate 500] [--rate-seconds 6] [--deliveries 5000] [--worker-concurrency 4]
 *       [--skip 0]   (skip: 1 = HTTP phases, 2 = worker phase)
 *
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) names the
 * server: fresh databases are created for the run and dropped afterwards.
 *
 * 1. Closed loop, fixed concurrency, signed ~21 KB pull_request "opened"
 *    deliveries (unique X-GitHub-Delivery each) over loopback HTTP against
 *    (a) a bare Probot app (node:http + createNodeMiddleware, no-op onAny) and
 *    (b) Unsung storing durably (createHttpServer + unsungApp + the batching recorder
 *    on PostgreSQL, through the intake pool `serve` uses), and against
 *    (n) the naive peer a developer would write: Probot + one jsonb INSERT
 *    per event, no queue; Unsung/naive is printed. Also, for diagnosis,
 *    (a') Unsung's server with a no-op store.
 * 2. Open loop at a fixed rate against (b) and (n): p50/p99 from the scheduled send time.
 * 3. The worker: a realistic mix of stored deliveries (5,000 by default — at
 *    today's 150–430/s, 20k would take minutes), enqueued, then runWorker +
 *    createTaskList (no GitHub client) until all are processed.
 * Diagnostics in the same run: (a') Unsung's server with a no-op store, and the
 * worker processing one delivery per transaction (batching off).
 * Every line gives CPU per request: this process (server), the load
 * generator, and the PostgreSQL backends of the bench database (/proc).
 *
 * The load generator runs in a child process (bench/lib/load-client.ts), so
 * the server's event loop is not shared with the client's (they still share
 * the machine's cores, as does PostgreSQL).
 */
import { fork, type ChildProcess } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { sql, type Kysely } from "kysely";
import pg from "pg";
import { createNodeMiddleware, Probot, type ApplicationFunction } from "probot";
import { unsungApp } from "../src/app.js";
import { runWorker, workerDeps, type Runtime } from "../src/cli/runtime.js";
import { readEnv } from "../src/config/env.js";
import { createHttpServer } from "../src/server/create-server.js";
import { deliveriesStored, metricValue } from "../src/server/metrics.js";
import { createQuietLogger } from "../src/server/quiet-log.js";
import { addDeliveryJobs, createDeliveryRecorder } from "../src/services/record-delivery.js";
import { openIntakeDb } from "../src/store/open-database.js";
import type { DB } from "../src/store/schema.js";
import { createBenchDatabase, DEFAULT_ADMIN_URL } from "./lib/bench-db.js";
import { backendCpu, cpuBetween } from "./lib/proc-cpu.js";
import type { LoadRequest, LoadResult } from "./lib/load-client.js";
import { mixedDeliveries, type MixedDelivery } from "./lib/payloads.js";
import { int, met, ms, numberFlags } from "./lib/stats.js";

const SECRET = "bench-webhook-secret";
const WEBHOOKS = "/api/github/webhooks";
const flags = numberFlags(process.argv.slice(2), {
  seconds: 6,
  warmup: 2,
  concurrency: 16,
  rate: 500,
  "rate-seconds": 6,
  deliveries: 5_000,
  "worker-concurrency": 4,
  /** Store statements the intake recorder runs at once (its default is 4). */
  "in-flight": 4,
  skip: 0,
});
const adminUrl = process.env.DATABASE_URL ?? DEFAULT_ADMIN_URL;
const say = (s: string) => process.stdout.write(s + "\n");

// ---------------------------------------------------------------- load client

let child: ChildProcess | null = null;
function client(): ChildProcess {
  if (!child) {
    child = fork(fileURLToPath(new URL("./lib/load-client.js", import.meta.url)), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  }
  return child;
}

/** Server-side CPU (this process) and PostgreSQL backends' CPU per answered request during the last run, ms. */
let serverCpuMs = 0;
let pgCpuMs: number | null = null;
/** The database whose backends' CPU is counted. */
let pgDatabase = "";

function send(req: LoadRequest): Promise<LoadResult> {
  const c = client();
  const cpu0 = process.cpuUsage();
  const pg0 = pgDatabase ? backendCpu(pgDatabase) : null;
  const p = new Promise<LoadResult>((resolve, reject) => {
    c.once("message", (m: { result?: LoadResult; error?: string }) => (m.result ? resolve(m.result) : reject(new Error(m.error))));
  }).then((r) => {
    const cpu = process.cpuUsage(cpu0);
    // Warm-up requests are included in the CPU but not in the count: a slight overestimate.
    const requests = Math.max(1, r.sent * ((req.durationMs + req.warmupMs) / req.durationMs));
    serverCpuMs = (cpu.user + cpu.system) / 1000 / requests;
    const pgMs = cpuBetween(pg0, pgDatabase ? backendCpu(pgDatabase) : null);
    pgCpuMs = pgMs === null ? null : pgMs / requests;
    return r;
  });
  c.send(req);
  return p;
}

function line(label: string, r: LoadResult): string {
  const bad = r.errors ? `, ${int(r.errors)} non-2xx (${JSON.stringify(r.statuses)})` : "";
  return `${label}: ${int(r.perSecond)} events/s, p50 ${ms(r.p50)} ms, p99 ${ms(r.p99)} ms (p90 ${ms(r.p90)}, max ${ms(r.max)}; ${int(r.ok)} in ${(r.elapsedMs / 1000).toFixed(1)} s${bad}; CPU/request: server ${ms(serverCpuMs)} ms, client ${ms(r.clientCpuMs)} ms${pgCpuMs !== null ? `, PostgreSQL ${ms(pgCpuMs)} ms` : ""})`;
}

// ---------------------------------------------------------------- servers

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  server.keepAliveTimeout = 30_000;
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}${WEBHOOKS}`;
}

function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}

async function bareProbot(): Promise<http.Server> {
  const probot = new Probot({ githubToken: "bench", secret: SECRET, logLevel: "fatal" });
  const appFn: ApplicationFunction = (app) => {
    app.onAny(async () => {});
  };
  const middleware = await createNodeMiddleware(appFn, { probot, webhooksPath: WEBHOOKS });
  return http.createServer((req, res) => {
    void middleware(req, res, () => {
      res.writeHead(404).end();
    });
  });
}

/**
 * The naive peer: what a developer would write to keep webhooks — Probot's
 * own middleware, and in the handler one INSERT of the JSON payload (jsonb)
 * per event through a pg Pool of 10, no queue, no batching.
 */
async function naivePeer(url: string): Promise<{ server: http.Server; pool: pg.Pool }> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  await pool.query("create table if not exists webhook_events (id text primary key, name text not null, payload jsonb not null, received_at timestamptz not null default now())");
  const probot = new Probot({ githubToken: "bench", secret: SECRET, logLevel: "fatal" });
  const appFn: ApplicationFunction = (app) => {
    app.onAny(async (context) => {
      const c = context as unknown as { id: string; name: string; payload: unknown };
      await pool.query("insert into webhook_events (id, name, payload) values ($1, $2, $3) on conflict (id) do nothing", [c.id, c.name, c.payload]);
    });
  };
  const middleware = await createNodeMiddleware(appFn, { probot, webhooksPath: WEBHOOKS });
  const server = http.createServer((req, res) => {
    void middleware(req, res, () => {
      res.writeHead(404).end();
    });
  });
  return { server, pool };
}

/** Unsung's server composed exactly as `unsung serve` composes it (raw bodies handed to the store). */
async function unsungServer(record: Parameters<typeof unsungApp>[0]["record"], db: Parameters<typeof createHttpServer>[0]["db"]): Promise<http.Server> {
  const log = createQuietLogger({ level: "fatal" });
  const probot = new Probot({ githubToken: "bench", secret: SECRET, log });
  const rawBodies = new Map<string, string>();
  const appFn = unsungApp({ record, rawBodyOf: (id) => rawBodies.get(id), onRecorded: (o) => deliveriesStored.inc({ outcome: o }) });
  return createHttpServer({ probot, appFn, secret: SECRET, log, db, maxBodyBytes: 25 * 1024 * 1024, rawBodies });
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const cpus = os.cpus();
  say(
    `node ${process.version}, ${cpus.length} cores (${cpus[0]?.model.trim() ?? "?"}), load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}; PostgreSQL at ${new URL(adminUrl).host}; load generator in a child process`,
  );
  const closed = (url: string): LoadRequest => ({
    kind: "closed",
    url,
    secret: SECRET,
    concurrency: flags.concurrency,
    warmupMs: flags.warmup * 1000,
    durationMs: flags.seconds * 1000,
  });

  const bench = await createBenchDatabase(adminUrl);
  pgDatabase = bench.name;
  try {
    const pgVersion = (await sql<{ v: string }>`select current_setting('server_version') as v`.execute(bench.database.db)).rows[0]?.v;
    const sync = (await sql<{ v: string }>`select current_setting('synchronous_commit') as v`.execute(bench.database.db)).rows[0]?.v;
    say(`PostgreSQL ${pgVersion}, synchronous_commit=${sync}; ${flags.concurrency} requests in flight, keep-alive, ${flags.warmup} s warm-up then ${flags.seconds} s per target`);

    let bare: LoadResult | null = null;
    let durable: LoadResult | null = null;
    let naive: LoadResult | null = null;
    let naiveOpen: LoadResult | null = null;
    if (!(flags.skip & 1)) {
      // (a) bare Probot
      const a = await bareProbot();
      bare = await send(closed(await listen(a)));
      await close(a);
      say(line("bare probot", bare));
      say(`  (body ${int(bare.bodyBytes)} bytes: pull_request.opened from @octokit/webhooks-examples, with an installation)`);

      // (n) the naive peer: Probot + one jsonb INSERT per event
      const peer = await naivePeer(bench.url);
      const naiveUrl = await listen(peer.server);
      naive = await send(closed(naiveUrl));
      say(line("naive peer (Probot + one jsonb INSERT per event)", naive));
      naiveOpen = await send({ kind: "open", url: naiveUrl, secret: SECRET, rate: flags.rate, warmupMs: 1000, durationMs: flags["rate-seconds"] * 1000 });
      say(line(`naive peer at ${int(flags.rate)} events/s (open loop)`, naiveOpen));
      await close(peer.server);
      await peer.pool.end();

      // (a') Unsung's server, storing nothing
      const noop = await unsungServer(async () => "stored", bench.database.db);
      const r = await send(closed(await listen(noop)));
      await close(noop);
      say(line("unsung server, no-op store (diagnostic)", r));

      // (b) Unsung storing durably, as `serve` wires it (intake pool of 10, batching recorder)
      const intake = openIntakeDb(bench.url);
      const env = readEnv({});
      const recorder = createDeliveryRecorder(intake.db, env.UNSUNG_MAX_ATTEMPTS, { maxInFlight: flags["in-flight"] });
      const b = await unsungServer((d) => recorder.record(d), bench.database.db);
      const url = await listen(b);
      durable = await send(closed(url));
      say(line("unsung durable (PostgreSQL)", durable));
      const stored = Number((await sql<{ n: string }>`select count(*) as n from deliveries`.execute(bench.database.db)).rows[0]?.n ?? 0);
      say(`  stored ${int(stored)} deliveries; stored ${int(await metricValue("unsung_deliveries_stored_total", { outcome: "stored" }))} / duplicate ${int(await metricValue("unsung_deliveries_stored_total", { outcome: "duplicate" }))} by the metrics`);
      const ratio = durable.perSecond / bare.perSecond;
      say(`ratio durable/bare: ${ratio.toFixed(2)} (target ≥ 0.6: ${met(ratio >= 0.6)}); durable ≥ 1,000 events/s: ${met(durable.perSecond >= 1000)}`);

      // 2. fixed rate against (b)
      const open = await send({ kind: "open", url, secret: SECRET, rate: flags.rate, warmupMs: 1000, durationMs: flags["rate-seconds"] * 1000 });
      say(line(`unsung durable at ${int(flags.rate)} events/s (open loop, latency from scheduled send)`, open));
      say(`p99 at ${int(flags.rate)} events/s ≤ 50 ms: ${met(open.p99 <= 50 && open.errors === 0)}`);
      if (naive && naiveOpen) {
        const vsNaive = durable.perSecond / naive.perSecond;
        say(
          `Unsung/naive peer: ${vsNaive.toFixed(2)}× the events/s (${int(durable.perSecond)} vs ${int(naive.perSecond)}; target ≥ 1.5×: ${met(vsNaive >= 1.5)}), p99 ${ms(durable.p99)} vs ${ms(naive.p99)} ms closed loop, ${ms(open.p99)} vs ${ms(naiveOpen.p99)} ms at ${int(flags.rate)} events/s`,
        );
      }
      await close(b);
      await recorder.close();
      await intake.close();

    }
    child?.kill();
    child = null;
    await bench.drop();

    if (!(flags.skip & 2)) await workerBench();
  } finally {
    child?.kill();
    await bench.drop();
  }
}

/** Stores the mix; then its jobs as intake adds them (one per 100 deliveries), or one job per delivery. */
async function storeMix(db: Kysely<DB>, mix: MixedDelivery[], jobs: "batches" | "one-each"): Promise<void> {
  for (let i = 0; i < mix.length; i += 1000) {
    const chunk = mix.slice(i, i + 1000);
    await sql`
      insert into deliveries (id, event, action, installation_id, repository_id, payload, payload_bytes)
      select id, event, action, 4242424, repo, payload, octet_length(payload)
      from unnest(${chunk.map((d) => d.id)}::text[], ${chunk.map((d) => d.event)}::text[], ${chunk.map((d) => d.action)}::text[],
                  ${chunk.map((d) => d.repositoryId)}::bigint[], ${chunk.map((d) => d.payload)}::text[]) as t(id, event, action, repo, payload)`.execute(db);
  }
  if (jobs === "batches") {
    await addDeliveryJobs(db, mix.map((d) => d.id), 5);
  } else {
    await sql`select count(*) from graphile_worker.add_jobs(array(
        select row('process-delivery', json_build_object('deliveryId', id), null, null, 5, null, 0, null)::graphile_worker.job_spec from deliveries order by id))`.execute(db);
  }
}

async function factCounts(db: Kysely<DB>): Promise<string> {
  const rows = (
    await sql<{ t: string; n: number }>`
      select 'pull_requests' as t, count(*)::int as n from pull_requests union all
      select 'reviews', count(*)::int from reviews union all
      select 'review_comments', count(*)::int from review_comments union all
      select 'check_runs', count(*)::int from check_runs union all
      select 'workflow_runs', count(*)::int from workflow_runs union all
      select 'issue_comments', count(*)::int from issue_comments union all
      select 'people', count(*)::int from people union all
      select 'jobs left (debounced detector runs)', count(*)::int from graphile_worker.jobs`.execute(db)
  ).rows;
  return rows.map((f) => `${f.t} ${int(f.n)}`).join(", ");
}

async function workerBench(): Promise<void> {
  const n = flags.deliveries;
  const t0 = performance.now();
  const mix = mixedDeliveries(n);
  const tGen = performance.now() - t0;
  const byEvent = new Map<string, number>();
  for (const d of mix) byEvent.set(d.event, (byEvent.get(d.event) ?? 0) + 1);
  const avgBytes = mix.reduce((s, d) => s + d.payload.length, 0) / mix.length;
  say(`worker: ${int(n)} stored deliveries of a realistic mix (${[...byEvent].map(([e, c]) => `${e} ${int(c)}`).join(", ")}; avg ${int(avgBytes)} bytes; 20 repositories, 500 people), generated in ${ms(tGen)} ms`);
  // The same deliveries, processed as Unsung does (one job per 100 stored deliveries, each a
  // transaction) and, for comparison, one job and one transaction per delivery.
  const batched = await workerRun(mix, undefined, "a job and a transaction per 100 deliveries");
  const single = await workerRun(mix, 1, "one delivery per transaction (comparison)");
  say(`worker ≥ 1,000 deliveries/s: ${met(batched >= 1000)} (${(batched / Math.max(1, single)).toFixed(1)}× one-per-transaction)`);
}

async function workerRun(mix: MixedDelivery[], batchSize: number | undefined, label: string): Promise<number> {
  const n = mix.length;
  const bench = await createBenchDatabase(adminUrl);
  try {
    const db = bench.database.db;
    await storeMix(db, mix, batchSize === 1 ? "one-each" : "batches");
    const env = readEnv({ UNSUNG_WORKER_CONCURRENCY: String(flags["worker-concurrency"]), UNSUNG_DETECT_DEBOUNCE_SECONDS: "3600" });
    const rt: Runtime = { env, database: bench.database, close: async () => {} };
    // Detector runs are debounced an hour ahead: this measures normalisation, not detection (bench/detect.ts).
    const deps = { ...workerDeps(rt, async () => null, { debounceSeconds: 3600 }), ...(batchSize ? { processBatchSize: batchSize } : {}) };
    // Done when every delivery is processed AND every processing job has run (in the comparison,
    // a delivery another job's batch took still has its own job fetched, to find it done).
    const pending = async () =>
      Number(
        (
          await sql<{ n: string }>`select (select count(*) from deliveries where status = 'pending')
            + (select count(*) from graphile_worker.jobs where task_identifier in ('process-delivery', 'process-deliveries')) as n`.execute(db)
        ).rows[0]?.n ?? 0,
      );
    const start = performance.now();
    const runner = await runWorker(rt, deps);
    let left = n;
    while (left > 0 && performance.now() - start < 150_000) {
      await new Promise((r) => setTimeout(r, 50));
      left = await pending();
    }
    const elapsed = performance.now() - start;
    await runner.stop();
    const statuses = (await sql<{ status: string; n: number }>`select status, count(*)::int as n from deliveries group by status order by status`.execute(db)).rows;
    const done = Number((await sql<{ n: string }>`select count(*) as n from deliveries where status <> 'pending'`.execute(db)).rows[0]?.n ?? 0);
    const rate = (done / elapsed) * 1000;
    say(
      `worker, ${label} (concurrency ${flags["worker-concurrency"]}, runWorker + createTaskList, no GitHub client): ${int(rate)} deliveries/s (${int(done)} in ${(elapsed / 1000).toFixed(1)} s; ${statuses.map((s) => `${s.status} ${int(s.n)}`).join(", ")})`,
    );
    say(`  facts: ${await factCounts(db)}`);
    return rate;
  } finally {
    await bench.drop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    child?.kill();
    process.exit(1);
  },
);
