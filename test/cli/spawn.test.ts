/**
 * The built CLI as a real process: `node …/src/cli/main.js`, exactly what the
 * `unsung` bin runs, with real exit codes and a process that actually exits.
 *
 * It is compiled here into a private directory (test/helpers/private-build.ts),
 * not into dist/.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privateBuild, type PrivateBuild } from "../helpers/private-build.js";
import { EMPTY_STATS } from "./empty-stats.js";

let build: PrivateBuild | undefined;
let main: string;
let home: string;

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: Record<string, string>, timeout = 90_000): Promise<Result> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: home, env, timeout, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: number | string; signal?: NodeJS.Signals }) | null;
      resolve({ code: e ? (typeof e.code === "number" ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr });
    });
  });
}

/** A clean environment: nothing from the developer's shell (no DATABASE_URL) leaks in. */
const baseEnv = () => ({ PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home });
const unsung = (args: string[], env: Record<string, string> = {}) => run(process.execPath, [main, ...args], { ...baseEnv(), ...env });

beforeAll(async () => {
  home = await mkdtemp(path.join(tmpdir(), "unsung-spawn-"));
  build = await privateBuild("spawn-test");
  main = path.join(build.dir, "src", "cli", "main.js");
}, 180_000);

afterAll(async () => {
  await build?.remove();
  if (home) await rm(home, { recursive: true, force: true });
});

describe("the built unsung CLI as a process", () => {
  it("`unsung --help` prints the usage and exits 0", { timeout: 60_000 }, async () => {
    const r = await unsung(["--help"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: unsung <command>/);
    expect(r.stdout).toContain("  replay ");
  });

  it("an unknown command exits 2; no command exits 2", { timeout: 60_000 }, async () => {
    const r = await unsung(["frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "frobnicate"');
    const none = await unsung([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("Usage: unsung <command>");
  });

  it("a bad flag exits 2 with the command's help hint", { timeout: 60_000 }, async () => {
    const r = await unsung(["deliveries", "--limit", "0"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("unsung deliveries: --limit must be between 1 and 10000\n(see: unsung deliveries --help)\n");
  });

  it("`unsung stats --json` on a fresh UNSUNG_DATA_DIR creates the embedded database, counts nothing, and exits 0", { timeout: 120_000 }, async () => {
    const dataDir = path.join(home, "fresh-data");
    const r = await unsung(["stats", "--json"], { UNSUNG_DATA_DIR: dataDir });
    expect(r.signal).toBeNull(); // it exited by itself, not killed by the timeout
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(s).toMatchObject(EMPTY_STATS);
  });

  it("an unreachable DATABASE_URL exits 1 with a clear message (and does not hang)", { timeout: 60_000 }, async () => {
    const r = await unsung(["stats"], { DATABASE_URL: "postgres://postgres@127.0.0.1:1/x" });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unsung stats: cannot reach the database");
  });
});
