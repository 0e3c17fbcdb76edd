/**
 * Backfill: API calls per 100 pull requests, pull requests per second and
 * peak memory, for a repository and for one ten times its size, in one run.
 *
 *   npm run build && node dist/bench/backfill.js [--pull-requests 250] [--issues 200] [--scales 1,10]
 *
 * GitHub is a local HTTP server answering like it (bench/lib/fake-github:
 * GraphQL executed against GitHub's schema, REST, rate-limit headers),
 * generated deterministically, in a child process of its own; each backfill
 * runs in a child process too, so its peak RSS is its own. The store is a
 * fresh PostgreSQL database (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 * For comparison, the calls a collector reading the same data with REST, one
 * request per pull request and resource, would need (computed from the same data).
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { callBudget } from "../src/core/backfill/call-budget.js";
import { ApiClient } from "../src/github/api-client.js";
import { tokenAuth } from "../src/github/auth-providers.js";
import { backfillRepository } from "../src/services/backfill-repository.js";
import { createBenchDatabase, DEFAULT_ADMIN_URL } from "./lib/bench-db.js";
import { FakeRepository } from "./lib/fake-github/data.js";
import { fakeOptionsFromArgs } from "./lib/fake-github/server.js";

const { values } = parseArgs({
  options: {
    "pull-requests": { type: "string", default: "250" },
    issues: { type: "string", default: "200" },
    scales: { type: "string", default: "1,10" },
    child: { type: "string" },
  },
  strict: true,
});

const SERVER = fileURLToPath(new URL("./lib/fake-github/server.js", import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const SINCE = "2025-12-01T00:00:00.000Z";
const UNTIL = "2026-11-30T00:00:00.000Z";

interface Result {
  pullRequests: number;
  issues: number;
  calls: number;
  seconds: number;
  peakRssMb: number;
  heapPeakMb: number;
  /** The largest heap still in use at a page boundary (after a full GC): what the backfill holds. */
  liveHeapMb: number;
}

async function child(url: string): Promise<void> {
  const db = await createBenchDatabase(process.env.DATABASE_URL ?? DEFAULT_ADMIN_URL);
  let peak = process.memoryUsage().rss;
  let heap = process.memoryUsage().heapUsed;
  let live = 0;
  const gc = (globalThis as { gc?: () => void }).gc;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    if (m.rss > peak) peak = m.rss;
    if (m.heapUsed > heap) heap = m.heapUsed;
  }, 10);
  try {
    const api = new ApiClient({ baseUrl: url, auth: tokenAuth("bench-token") });
    const t0 = performance.now();
    const out = await backfillRepository(
      {
        db: db.database.db,
        api,
        now: () => new Date(),
        defaultDays: 365,
        onProgress: () => {
          if (!gc) return;
          gc();
          live = Math.max(live, process.memoryUsage().heapUsed);
        },
      },
      { owner: "acme", name: "shop", installationId: null, requestedBy: "cli", since: SINCE, until: UNTIL },
    );
    const seconds = (performance.now() - t0) / 1000;
    if (out.state !== "done") throw new Error(`backfill ended ${out.state}: ${JSON.stringify(out)}`);
    const row = await db.database.db.selectFrom("backfills").select(["pull_requests_done", "issues_done"]).executeTakeFirstOrThrow();
    clearInterval(sampler);
    const result: Result = { pullRequests: row.pull_requests_done, issues: row.issues_done, calls: api.calls, seconds, peakRssMb: peak / 2 ** 20, heapPeakMb: heap / 2 ** 20, liveHeapMb: live / 2 ** 20 };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    clearInterval(sampler);
    await db.drop();
  }
}

/** Calls a REST collector needs for the same data: per pull request one page of each list (more for long ones), plus the repository-wide lists. */
function restCollectorCalls(prs: number, issues: number): number {
  const repo = new FakeRepository({ ...fakeOptionsFromArgs(["--pull-requests", String(prs), "--issues", String(issues)]) });
  const pages = (n: number) => Math.max(1, Math.ceil(n / 100));
  let calls = pages(prs) + pages(issues) + pages(repo.workflowRunCount());
  for (let i = 0; i < prs; i++) {
    const p = repo.pullRequest(i);
    const comments = p.threads.reduce((s, t) => s + t.comments.length, 0);
    // reviews, review comments, issue comments, commits, files, check runs of the head, timeline
    calls += pages(p.reviews.length) + pages(comments) + pages(p.comments.length) + pages(p.commits.length) + pages(p.files.length) + 1 + 1;
  }
  for (let i = 0; i < issues; i++) {
    const x = repo.issue(i);
    calls += pages(x.comments.length) + pages(x.events.length);
  }
  return calls;
}

async function startServer(prs: number, issues: number): Promise<{ url: string; stop(): Promise<number> }> {
  const proc = spawn(process.execPath, [SERVER, "--pull-requests", String(prs), "--issues", String(issues), "--token", "bench-token"], { stdio: ["pipe", "pipe", "inherit"] });
  let out = "";
  proc.stdout.on("data", (c: Buffer) => (out += c));
  while (!/listening (\S+)/.test(out)) {
    await once(proc.stdout, "data");
  }
  const url = /listening (\S+)/.exec(out)![1]!;
  return {
    url,
    stop: async () => {
      proc.stdin.end();
      await once(proc, "exit");
      return Number(/calls (\d+)/.exec(out)?.[1] ?? "NaN");
    },
  };
}

async function measure(prs: number, issues: number): Promise<Result & { serverCalls: number }> {
  const server = await startServer(prs, issues);
  try {
    const proc = spawn(process.execPath, ["--expose-gc", SELF, "--child", server.url], { stdio: ["ignore", "pipe", "inherit"], env: process.env });
    let out = "";
    proc.stdout.on("data", (c: Buffer) => (out += c));
    const [code] = (await once(proc, "exit")) as [number | null];
    if (code !== 0) throw new Error(`the backfill child exited ${code}`);
    const result = JSON.parse(out.trim().split("\n").pop()!) as Result;
    return { ...result, serverCalls: await server.stop() };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

async function main(): Promise<void> {
  if (values.child) return child(values.child);
  const basePrs = Number(values["pull-requests"]);
  const baseIssues = Number(values.issues);
  const scales = values.scales!.split(",").map(Number);
  const { loadavg, cpus } = await import("node:os");
  process.stdout.write(`backfill bench: ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(2)).join(" ")}; window ${SINCE.slice(0, 10)} → ${UNTIL.slice(0, 10)}\n`);
  const rows: (Result & { scale: number; serverCalls: number })[] = [];
  for (const scale of scales) {
    const r = await measure(basePrs * scale, baseIssues * scale);
    rows.push({ ...r, scale });
    const per100 = (r.calls / r.pullRequests) * 100;
    const fixed = r.calls - (6 * r.pullRequests) / 100;
    process.stdout.write(
      `${scale}×: ${r.pullRequests} pull requests, ${r.issues} issues — ${r.calls} API calls (GitHub counted ${r.serverCalls}) = ${per100.toFixed(1)} per 100 pull requests ` +
        `(budget ${callBudget(r.pullRequests, 1)}: 6 per 100 + 4 per repository; ${fixed <= 4 ? "met" : "NOT met"}); ${(r.pullRequests / r.seconds).toFixed(0)} pull requests/s ` +
        `(${r.seconds.toFixed(1)} s); peak RSS ${r.peakRssMb.toFixed(0)} MB, peak heap ${r.heapPeakMb.toFixed(0)} MB, live heap at page boundaries ≤ ${r.liveHeapMb.toFixed(0)} MB\n`,
    );
  }
  const first = rows[0]!;
  const rest = restCollectorCalls(first.pullRequests, first.issues);
  process.stdout.write(
    `same data, one REST request per pull request and resource: ${rest} calls = ${((rest / first.pullRequests) * 100).toFixed(0)} per 100 pull requests (${(rest / first.calls).toFixed(1)}× the backfill's)\n`,
  );
  if (rows.length > 1) {
    const last = rows[rows.length - 1]!;
    process.stdout.write(
      `memory: ${last.scale}× the repository — live heap ${last.liveHeapMb.toFixed(0)} MB against ${first.liveHeapMb.toFixed(0)} MB (${(last.liveHeapMb / first.liveHeapMb).toFixed(2)}×), peak RSS ${last.peakRssMb.toFixed(0)} MB against ${first.peakRssMb.toFixed(0)} MB (${(last.peakRssMb / first.peakRssMb).toFixed(2)}×)\n`,
    );
  }
}

await main();
process.exit(0);
