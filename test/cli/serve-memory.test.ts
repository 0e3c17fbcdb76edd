/**
 * The built `unsung serve` in its own process under a flood of huge unsigned
 * and wrongly signed posts: its peak resident memory (VmHWM from /proc) and
 * its log stay bounded, and a good delivery is still stored afterwards.
 * Before intake was bounded, one unsigned 24 MB post took the process to
 * 808 MB and added 72 MB to the log.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_URL, withDb } from "../helpers/global-setup.js";
import { example } from "../helpers/examples.js";
import { privateBuild, type PrivateBuild } from "../helpers/private-build.js";
import { request, sign } from "../helpers/harness.js";

const MB = 1024 * 1024;
const BODY = 24 * MB;
const SECRET = "memory-test-secret";
let build: PrivateBuild | undefined;
let home: string;
let child: ChildProcess | undefined;
let base = "";
let log = "";
const dbName = `t_mem_${randomBytes(5).toString("hex")}`;

function status(pid: number): { rss: number; hwm: number } {
  const text = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? NaN) * 1024;
  return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
}

beforeAll(async () => {
  home = await mkdtemp(path.join(tmpdir(), "unsung-mem-"));
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  await admin.end();
  build = await privateBuild("serve-memory");
  child = spawn(process.execPath, [path.join(build.dir, "src", "cli", "main.js"), "serve"], {
    cwd: home,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, DATABASE_URL: withDb(ADMIN_URL, dbName), WEBHOOK_SECRET: SECRET, PORT: "0", HOST: "127.0.0.1", UNSUNG_RUN_WORKER: "false", LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (c: Buffer) => (log += c.toString("utf8")));
  child.stderr!.on("data", (c: Buffer) => (log += c.toString("utf8")));
  base = await new Promise<string>((resolve, reject) => {
    const poll = setInterval(() => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
      if (m) (clearInterval(poll), resolve(m[1]!));
    }, 50);
    child!.once("exit", (code) => (clearInterval(poll), reject(new Error(`serve exited ${code}: ${log}`))));
  });
}, 240_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill("SIGTERM");
    await new Promise((r) => child!.once("exit", r));
  }
  await build?.remove();
  if (home) await rm(home, { recursive: true, force: true });
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
});

/** Posts a 24 MB body in 64 KB chunks (as fast as the server takes it); resolves with the status or "closed". */
function hugePost(headers: Record<string, string>): Promise<number | "closed"> {
  return new Promise((resolve) => {
    const chunk = Buffer.alloc(64 * 1024, "x");
    const req = http.request(`${base}/api/github/webhooks`, { method: "POST", agent: false, headers: { ...headers, "content-type": "application/json", "content-length": String(BODY), "x-github-event": "issues" } });
    req.on("response", (res) => (res.resume(), resolve(res.statusCode ?? 0)));
    req.on("error", () => resolve("closed"));
    let sent = 0;
    const pump = () => {
      while (sent < BODY) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

const signedPost = (id: string) => {
  const body = JSON.stringify(example("issues", "opened"));
  return request(`${base}/api/github/webhooks`, "POST", { "content-type": "application/json", "x-github-event": "issues", "x-github-delivery": id, "x-hub-signature-256": sign(body, SECRET), "content-length": String(Buffer.byteLength(body)) }, body);
};

describe("the built server under 40 concurrent 24 MB posts", () => {
  it("keeps its peak RSS within the bound, its log under 8 KB, and still stores a good delivery", { timeout: 240_000 }, async () => {
    for (let i = 0; i < 5; i++) expect((await signedPost(`warm-${i}`)).status).toBe(200);
    const before = status(child!.pid!);
    const logBefore = log.length;

    const unsigned = Array.from({ length: 20 }, (_, i) => hugePost({ "x-github-delivery": `unsigned-${i}` }));
    const wrong = Array.from({ length: 20 }, (_, i) => hugePost({ "x-github-delivery": `wrong-${i}`, "x-hub-signature-256": "sha256=" + "0".repeat(64) }));
    const results = await Promise.all([...unsigned, ...wrong]);
    const after = status(child!.pid!);
    const attackLog = log.slice(logBefore);

    // Nothing was accepted.
    expect(results.filter((r) => r === 200)).toEqual([]);
    // The bound: two large bodies are read at once from one source (UNSUNG_INTAKE_LARGE_CONCURRENCY 4, half per
    // source), each held twice while raw-body joins its chunks: 4 × 24 MB, plus 64 MB for the collector's lag.
    const bound = 4 * BODY + 64 * MB;
    const grew = after.hwm - before.hwm;
    console.log(`serve: peak RSS ${Math.round(before.hwm / MB)} MB before, ${Math.round(after.hwm / MB)} MB after (+${Math.round(grew / MB)} MB; bound +${Math.round(bound / MB)} MB); log +${attackLog.length} bytes`);
    expect(grew).toBeLessThan(bound);
    expect(attackLog.length).toBeLessThan(8 * 1024);
    expect(attackLog).not.toContain("xxxxxxxx");

    const metrics = (await request(`${base}/metrics`, "GET", {})).body;
    expect(metrics).toMatch(/^unsung_deliveries_rejected_total\{reason="missing-signature"\} 20$/m);
    const n = (reason: string) => Number(new RegExp(`^unsung_deliveries_rejected_total\\{reason="${reason}"\\} (\\d+)$`, "m").exec(metrics)?.[1] ?? 0);
    expect(n("bad-signature") + n("source-busy")).toBe(20);
    expect(n("bad-signature")).toBeGreaterThanOrEqual(1);

    expect((await signedPost("after-the-flood")).status).toBe(200);
    expect(metrics).toMatch(/^unsung_deliveries_stored_total\{outcome="stored"\} 5$/m);
  });
});
