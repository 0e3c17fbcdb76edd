/**
 * The chaos benchmark, small: the built bench/chaos.js sends 400 signed
 * deliveries while PostgreSQL is cut off (a TCP proxy in front of it) for
 * 1.5 s and a worker is killed with `kill -9` while it holds jobs; the
 * sweeper then recovers, from a faked GitHub delivery log, what was not
 * answered 2xx. Nothing may be lost or duplicated, and the faults must
 * really have happened (some answers were not 2xx, the killed worker held
 * jobs).
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { ChaosResult } from "../../bench/chaos.js";
import { privateBuild, type PrivateBuild } from "../helpers/private-build.js";

let build: PrivateBuild | undefined;
beforeAll(async () => {
  build = await privateBuild("chaos");
}, 180_000);
afterAll(async () => {
  await build?.remove();
});

it("loses and duplicates nothing through a database outage and a killed worker", async () => {
  const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [path.join(build!.dir, "bench/chaos.js"), "--deliveries", "400", "--rate", "100", "--outage-ms", "1500", "--json"],
      { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", BENCH_DATABASE_URL: process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres" }, timeout: 240_000, maxBuffer: 8 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
  expect(out.stdout, out.stderr).toMatch(/^\{/);
  const r = JSON.parse(out.stdout) as ChaosResult;
  expect(r.sent).toBe(400);
  expect(r.answered2xx + r.answeredOther).toBe(r.sent);
  // The outage really cost answers, and the kill really hit a worker holding jobs.
  expect(r.answeredOther).toBeGreaterThan(0);
  expect(r.lockedAtKill).toBeGreaterThan(0);
  // Every delivery not answered 2xx was redelivered by the sweeper, or had been stored all the same.
  expect(r.recovered + r.storedDespiteError).toBe(r.answeredOther);
  expect(r.lost).toBe(0);
  expect(r.duplicated).toBe(0);
  expect(out.code).toBe(0);
}, 300_000);
