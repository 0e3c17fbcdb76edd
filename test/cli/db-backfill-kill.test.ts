/**
 * `kill -9` at any moment: the built CLI backfills from a fake GitHub served
 * over loopback HTTP and is killed — between calls, while it writes a page,
 * mid-transaction — several times; each rerun resumes from the last
 * committed checkpoint, and the last one ends with exactly the facts of an
 * uninterrupted run, having read nothing twice but the pages in flight.
 *
 * The CLI is compiled into a private directory (test/helpers/private-build.ts).
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeGitHub, type FakeGitHubOptions } from "../../bench/lib/fake-github/index.js";
import { startFakeGitHubServer } from "../../bench/lib/fake-github/server.js";
import { factSnapshot } from "../helpers/fact-snapshot.js";
import { privateBuild, type PrivateBuild } from "../helpers/private-build.js";
import { createCliDatabase, type CliDatabase } from "./run-cli.js";

const SPEC: FakeGitHubOptions = {
  owner: "acme",
  name: "shop",
  repositoryId: 910_001,
  ownerId: 910_000,
  pullRequests: 260,
  issues: 150,
  days: 365,
  endsAt: "2026-11-30T00:00:00Z",
  seed: 5,
  tokens: ["kill-token"],
};
const ARGS = ["backfill", "--repo", "acme/shop", "--since", "2025-12-01", "--until", "2026-11-30"];

let build: PrivateBuild | undefined;
let main: string;
const dbs: CliDatabase[] = [];

beforeAll(async () => {
  build = await privateBuild("kill");
  main = path.join(build.dir, "src/cli/main.js");
}, 180_000);
afterAll(async () => {
  await Promise.all(dbs.map((d) => d.drop()));
  await build?.remove();
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI against the fake; when `killAt` is given, kills it with SIGKILL `delayMs` after the
 * fake answered that many calls (0 ms: as the answer arrives; more: while the page is being written).
 */
async function runCli(cli: CliDatabase, fake: FakeGitHub, killAt: number | null, delayMs = 0): Promise<Run> {
  const server = await startFakeGitHubServer(fake);
  const start = fake.calls;
  try {
    return await new Promise<Run>((resolve) => {
      const child = spawn(process.execPath, [main, ...ARGS], {
        cwd: cli.cwd,
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: cli.cwd, ...cli.env, GITHUB_TOKEN: "kill-token", GITHUB_API_URL: server.url, UNSUNG_WORKER_CONCURRENCY: "2" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c));
      child.stderr.on("data", (c: Buffer) => (stderr += c));
      let timer: NodeJS.Timeout | null = null;
      if (killAt !== null) {
        timer = setInterval(() => {
          if (fake.calls - start >= killAt) {
            clearInterval(timer!);
            setTimeout(() => child.kill("SIGKILL"), delayMs);
          }
        }, 1);
      }
      child.on("exit", (code, signal) => {
        if (timer) clearInterval(timer);
        resolve({ code, signal, stdout, stderr });
      });
    });
  } finally {
    await server.close();
  }
}

describe("a backfill killed with SIGKILL", () => {
  it("resumes each time and ends with exactly the facts of an uninterrupted run", async () => {
    const cleanDb = await createCliDatabase();
    dbs.push(cleanDb);
    const cleanFake = new FakeGitHub(SPEC);
    const clean = await runCli(cleanDb, cleanFake, null);
    expect(clean.code, clean.stderr).toBe(0);
    const expected = await cleanDb.withDb(factSnapshot);
    expect(expected.pull_requests).toHaveLength(260);

    const db = await createCliDatabase();
    dbs.push(db);
    const fake = new FakeGitHub(SPEC);
    // Killed just as the first CI page arrives, then while a page of pull requests is written, then later again.
    const kills: [number, number][] = [
      [2, 0],
      [3, 40],
      [2, 15],
    ];
    const killed: Run[] = [];
    for (const [at, delay] of kills) {
      const r = await runCli(db, fake, at, delay);
      killed.push(r);
      if (r.code === 0) break;
      expect(r.signal).toBe("SIGKILL");
    }
    expect(killed.some((r) => r.signal === "SIGKILL")).toBe(true);
    const last = await runCli(db, fake, null);
    expect(last.code, last.stderr).toBe(0);
    expect(await db.withDb(factSnapshot)).toEqual(expected);
    // Only what was in flight at each kill was read again: at most the calls of one page per kill.
    expect(fake.calls).toBeLessThanOrEqual(cleanFake.calls + kills.length * 4);
    const state = await db.withDb((d) => d.selectFrom("backfills").select(["state", "pull_requests_done"]).executeTakeFirstOrThrow());
    expect(state).toEqual({ state: "done", pull_requests_done: 260 });
  }, 600_000); // five CLI runs in child processes: on the embedded database under a loaded machine this took over 3 minutes
});
