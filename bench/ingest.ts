/**
 * Webhook intake and worker throughput, with a baseline measured in the same run.
 *
 *   npm run build && node dist/bench/ingest.js [--rounds 5] [--seconds 4] [--warmup 1]
 *       [--concurrency 16] [--rate 500] [--rate-seconds 6] [--rate-rounds 3] [--deliveries 5000]
 *       [--worker-concurrency 4] [--in-flight n] [--overlap-ms n] [--skip 0]   (skip: 1 = HTTP phases, 2 = worker phase)
 *
 * DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) names the
 * server: fresh databases are created for the run and dropped afterwards.
 *
 * 1. Diagnostics, closed loop at a fixed concurrency, signed ~21 KB
 *    pull_request "opened" deliveries (unique X-GitHub-Delivery each) over
 *    loopback HTTP: (a) a bare Probot app (no-op onAny) and (a') Unsung's
 *    server with a no-op store.
 * 2. Unsung against the naive peer, in alternating rounds: (n) what a
 *    developer would write (Probot + one jsonb INSERT per event, pg Pool of
 *    10, no queue) and (b) Unsung storing durably (createHttpServer +
 *    unsungApp + the batching recorder through the intake pool `serve` uses).
 *    Both servers stay up; each round measures both, in turn (naive first in
 *    odd rounds, Unsung first in even ones), after a CHECKPOINT so neither
 *    inherits the other's dirty pages. Each round prints both rates, their
 *    ratio, the CPU per delivery (server, load generator, PostgreSQL) and how
 *    many cores other processes kept busy meanwhile; the summary gives the
 *    median ratio, its range, and the ratio of CPU per delivery (what a
 *    CPU-bound machine would give, and far less sensitive to the neighbours).
 * 3. Open loop at a fixed rate against (n) and (b), in alternating rounds, each after a
 *    CHECKPOINT: p50/p99 from the scheduled send time; the target is on the median p99.
 * 4. The worker: a realistic mix of stored deliveries (5,000 by default),
 *    enqueued, then runWorker + createTaskList (no GitHub client) until all
 *    are processed; and, for comparison, one delivery per transaction.
 *
 * The load generator runs in a child process (bench/lib/load-client.ts), so
 * the server's event loop is not shared with the client's (they still share
 * the machine's cores, as does PostgreSQL).
 */
import { fork, type ChildProcess } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { sql, type Kysely } from "kysely";
import { runWorker, workerDeps, type Runtime } from "../src/cli/runtime.js";
import { readEnv } from "../src/config/env.js";
import { metricValue } from "../src/server/metrics.js";
import { addDeliveryJobs, createDeliveryRecorder } from "../src/services/record-delivery.js";
import { openIntakeDb } from "../src/store/open-database.js";
import type { DB } from "../src/store/schema.js";
import { createBenchDatabase, DEFAULT_ADMIN_URL } from "./lib/bench-db.js";
import { bareProbot, close, listen, naivePeer, SECRET, unsungServer } from "./lib/ingest-servers.js";
import { backendCpu, cpuBetween, machineBusyMs } from "./lib/proc-cpu.js";
import type { LoadRequest, LoadResult } from "./lib/load-client.js";
import { mixedDeliveries, type MixedDelivery } from "./lib/payloads.js";
import { int, median, met, ms, numberFlags } from "./lib/stats.js";

const flags = numberFlags(process.argv.slice(2), {
  rounds: 5,
  seconds: 4,
  warmup: 1,
  concurrency: 16,
  rate: 500,
  "rate-seconds": 6,
  /** Open-loop rounds per target at --rate. */
  "rate-rounds": 3,
  deliveries: 5_000,
  "worker-concurrency": 4,
  /** Store statements the intake recorder runs at once (as in `serve`: its default). */
  "in-flight": 0,
  /** How long a store statement is alone in flight before a second starts, ms (as in `serve`: the recorder's default). */
  "overlap-ms": -1,
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

/** The database whose backends' CPU is counted. */
let pgDatabase = "";

interface Measured {
  r: LoadResult;
  /** CPU per answered request, ms: this process (the server), the load generator, the bench database's PostgreSQL backends. */
  server: number;
  client: number;
  pg: number | null;
  /** Cores kept busy by everything else on the machine meanwhile (other processes, other databases). */
  others: number | null;
}

const total = (m: Measured) => m.server + m.client + (m.pg ?? 0);

function send(req: LoadRequest): Promise<Measured> {
  const c = client();
  const cpu0 = process.cpuUsage();
  const pg0 = pgDatabase ? backendCpu(pgDatabase) : null;
  const busy0 = machineBusyMs();
  const t0 = performance.now();
  const p = new Promise<LoadResult>((resolve, reject) => {
    c.once("message", (m: { result?: LoadResult; error?: string }) => (m.result ? resolve(m.result) : reject(new Error(m.error))));
  }).then((r): Measured => {
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const serverMs = (cpu.user + cpu.system) / 1000;
    const pgMs = cpuBetween(pg0, pgDatabase ? backendCpu(pgDatabase) : null);
    const busy1 = machineBusyMs();
    // The load client reports its CPU per answered request, warm-up included in the CPU.
    const clientMs = r.clientCpuMs * Math.max(1, r.sent);
    // Warm-up requests are included in the CPU but not in the count: a slight overestimate.
    const requests = Math.max(1, r.sent * ((req.durationMs + req.warmupMs) / req.durationMs));
    const others = busy0 !== null && busy1 !== null ? Math.max(0, busy1 - busy0 - serverMs - clientMs - (pgMs ?? 0)) / wall : null;
    return { r, server: serverMs / requests, client: clientMs / requests, pg: pgMs === null ? null : pgMs / requests, others };
  });
  c.send(req);
  return p;
}

function cpuText(m: Measured): string {
  return `server ${ms(m.server)} + client ${ms(m.client)}${m.pg !== null ? ` + PostgreSQL ${ms(m.pg)}` : ""} = ${ms(total(m))} ms`;
}

function line(label: string, m: Measured): string {
  const r = m.r;
  const bad = r.errors ? `, ${int(r.errors)} non-2xx (${JSON.stringify(r.statuses)})` : "";
  const others = m.others !== null ? `; cores used ${((r.perSecond * total(m)) / 1000).toFixed(1)}, by other processes ${m.others.toFixed(1)}` : "";
  return `${label}: ${int(r.perSecond)} events/s, p50 ${ms(r.p50)} ms, p99 ${ms(r.p99)} ms (p90 ${ms(r.p90)}, max ${ms(r.max)}; ${int(r.ok)} in ${(r.elapsedMs / 1000).toFixed(1)} s${bad}; CPU/request: ${cpuText(m)}${others})`;
}

const loadavg = () => os.loadavg().map((l) => l.toFixed(1)).join(" ");

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const cpus = os.cpus();
  say(`node ${process.version}, ${cpus.length} cores (${cpus[0]?.model.trim() ?? "?"}), load average ${loadavg()}; PostgreSQL at ${new URL(adminUrl).host}; load generator in a child process`);
  const closed = (url: string): LoadRequest => ({
    kind: "closed",
    url,
    secret: SECRET,
    concurrency: flags.concurrency,
    warmupMs: flags.warmup * 1000,
    durationMs: flags.seconds * 1000,
  });
  const openLoop = (url: string): LoadRequest => ({ kind: "open", url, secret: SECRET, rate: flags.rate, warmupMs: 1000, durationMs: flags["rate-seconds"] * 1000 });

  const bench = await createBenchDatabase(adminUrl);
  pgDatabase = bench.name;
  const db = bench.database.db;
  try {
    const pgVersion = (await sql<{ v: string }>`select current_setting('server_version') as v`.execute(db)).rows[0]?.v;
    const sync = (await sql<{ v: string }>`select current_setting('synchronous_commit') as v`.execute(db)).rows[0]?.v;
    say(
      `PostgreSQL ${pgVersion}, synchronous_commit=${sync}; ${flags.concurrency} requests in flight, keep-alive; ${flags.warmup} s warm-up then ${flags.seconds} s per target and round`,
    );
    if (!(flags.skip & 1)) {
      // (a) bare Probot, (a') Unsung's server storing nothing: the HTTP cost alone.
      const a = await bareProbot();
      const bare = await send(closed(await listen(a)));
      await close(a);
      say(line("bare probot (diagnostic)", bare));
      say(`  (body ${int(bare.r.bodyBytes)} bytes: pull_request.opened from @octokit/webhooks-examples, with an installation)`);
      const noop = await unsungServer(async () => "stored", db);
      const n0 = await send(closed(await listen(noop)));
      await close(noop);
      say(line("unsung server, no-op store (diagnostic)", n0));

      // (n) and (b), both up for the whole comparison.
      const peer = await naivePeer(bench.url);
      const naiveUrl = await listen(peer.server);
      const intake = openIntakeDb(bench.url);
      const env = readEnv({});
      const recorder = createDeliveryRecorder(intake.db, env.UNSUNG_MAX_ATTEMPTS, {
        ...(flags["in-flight"] > 0 ? { maxInFlight: flags["in-flight"] } : {}),
        ...(flags["overlap-ms"] >= 0 ? { overlapAfterMs: flags["overlap-ms"] } : {}),
      });
      const b = await unsungServer((d) => recorder.record(d), db);
      const unsungUrl = await listen(b);
      const stored0 = await metricValue("unsung_deliveries_stored_total", { outcome: "stored" });
      const checkpoint = () => sql`checkpoint`.execute(db).catch(() => {});
      const rounds: { naive: Measured; unsung: Measured }[] = [];
      for (let i = 1; i <= flags.rounds; i++) {
        const avg = loadavg();
        const measure = async (url: string) => {
          await checkpoint();
          return send(closed(url));
        };
        let naive: Measured;
        let unsung: Measured;
        if (i % 2) {
          naive = await measure(naiveUrl);
          unsung = await measure(unsungUrl);
        } else {
          unsung = await measure(unsungUrl);
          naive = await measure(naiveUrl);
        }
        rounds.push({ naive, unsung });
        say(`round ${i} of ${flags.rounds} (${i % 2 ? "naive first" : "Unsung first"}; load average ${avg}): Unsung/naive ${(unsung.r.perSecond / naive.r.perSecond).toFixed(2)}×`);
        say(line("  naive peer (Probot + one jsonb INSERT per event)", naive));
        say(line("  unsung durable (PostgreSQL)", unsung));
      }
      await recorder.flush();
      const rows = Number((await sql<{ n: string }>`select count(*) as n from deliveries`.execute(db)).rows[0]?.n ?? 0);
      const stored = (await metricValue("unsung_deliveries_stored_total", { outcome: "stored" })) - stored0;
      const jobless = Number(
        (
          await sql<{ n: string }>`select count(*) as n from (select id from deliveries except
            select jsonb_array_elements_text(j.payload::jsonb->'deliveryIds') from graphile_worker._private_jobs j
            join graphile_worker._private_tasks t on t.id = j.task_id where t.identifier = 'process-deliveries') as x`.execute(db)
        ).rows[0]?.n ?? 0,
      );
      say(`  Unsung stored ${int(rows)} deliveries (answered "stored": ${int(stored)}; without a job: ${int(jobless)})`);

      const ratios = rounds.map((x) => x.unsung.r.perSecond / x.naive.r.perSecond);
      const med = median(ratios);
      const cpuNaive = median(rounds.map((x) => total(x.naive)));
      const cpuUnsung = median(rounds.map((x) => total(x.unsung)));
      const part = (f: (m: Measured) => number | null, who: "naive" | "unsung") => ms(median(rounds.map((x) => f(x[who]) ?? NaN)));
      say(
        `Unsung/naive peer over ${rounds.length} rounds: median ${med.toFixed(2)}× the events/s (rounds ${ratios.map((x) => x.toFixed(2)).join(", ")}; ` +
          `≥ 1.5× in ${ratios.filter((x) => x >= 1.5).length} of ${rounds.length}); median events/s ${int(median(rounds.map((x) => x.unsung.r.perSecond)))} vs ${int(median(rounds.map((x) => x.naive.r.perSecond)))}; target ≥ 1.5× (median): ${met(med >= 1.5)}`,
      );
      say(
        `CPU per delivery, medians: Unsung ${ms(cpuUnsung)} ms (server ${part((m) => m.server, "unsung")}, client ${part((m) => m.client, "unsung")}, PostgreSQL ${part((m) => m.pg, "unsung")}) ` +
          `vs naive ${ms(cpuNaive)} ms (server ${part((m) => m.server, "naive")}, client ${part((m) => m.client, "naive")}, PostgreSQL ${part((m) => m.pg, "naive")}): ` +
          `${(cpuNaive / cpuUnsung).toFixed(2)}× the deliveries per CPU-second`,
      );

      // 3. fixed rate, in alternating rounds as well, each after a CHECKPOINT: the rounds above
      // leave a gigabyte of WAL, and the checkpoint that flushes it would otherwise land inside
      // whichever target happens to run first.
      const openRuns: { naive: Measured; unsung: Measured }[] = [];
      for (let i = 1; i <= flags["rate-rounds"]; i++) {
        const measure = async (url: string) => {
          await checkpoint();
          return send(openLoop(url));
        };
        let naiveOpen: Measured;
        let open: Measured;
        if (i % 2) {
          naiveOpen = await measure(naiveUrl);
          open = await measure(unsungUrl);
        } else {
          open = await measure(unsungUrl);
          naiveOpen = await measure(naiveUrl);
        }
        openRuns.push({ naive: naiveOpen, unsung: open });
        say(`at ${int(flags.rate)} events/s, round ${i} of ${flags["rate-rounds"]} (${i % 2 ? "naive first" : "Unsung first"}; open loop, latency from scheduled send):`);
        say(line("  naive peer", naiveOpen));
        say(line("  unsung durable", open));
      }
      const p99s = openRuns.map((x) => x.unsung.r.p99);
      const p99 = median(p99s);
      const errors = openRuns.reduce((n, x) => n + x.unsung.r.errors, 0);
      say(
        `p99 at ${int(flags.rate)} events/s ≤ 50 ms (median of ${openRuns.length} rounds): ${met(p99 <= 50 && errors === 0)} ` +
          `(${ms(p99)} ms; rounds ${p99s.map(ms).join(", ")}; naive ${ms(median(openRuns.map((x) => x.naive.r.p99)))} ms; non-2xx ${int(errors)}); load average ${loadavg()}`,
      );
      await close(peer.server);
      await peer.pool.end();
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
