/**
 * `unsung` dispatch, help and argument errors for every command, and what
 * happens when the database cannot be reached. Nothing here needs a
 * database: flags are checked before one is opened.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dateFlag, intFlag, parse } from "../../src/cli/args.js";
import { UsageError } from "../../src/cli/io.js";
import { usage } from "../../src/cli/main.js";
import { runCli } from "./run-cli.js";

const cwd = mkdtempSync(path.join(tmpdir(), "unsung-main-"));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

/** The commands, as the usage text lists them (so a new command is checked too). */
const COMMANDS = usage()
  .split("\n")
  .map((l) => /^ {2}([a-z-]+) {2,}\S/.exec(l)?.[1])
  .filter((c): c is string => Boolean(c));

/** A database nothing listens on: commands that got as far as opening it would fail with exit 1, not 0 or 2. */
const UNREACHABLE = { DATABASE_URL: "postgres://postgres@127.0.0.1:1/x" };

describe("unsung", () => {
  it("lists every command in its usage", () => {
    expect(COMMANDS).toEqual(
      expect.arrayContaining(["demo", "serve", "worker", "migrate", "replay", "deliveries", "reprocess", "rescore", "report", "stats", "purge", "score-reviews", "classify"]),
    );
  });

  it("with no command prints the usage to stderr and exits 2", async () => {
    const r = await runCli([], { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("Usage: unsung <command>");
    for (const c of COMMANDS) expect(r.stderr).toContain(`  ${c} `);
  });

  it.each([["--help"], ["-h"], ["help"]])("%s prints the usage and exits 0", async (flag) => {
    const r = await runCli([flag], { cwd });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(usage() + "\n");
  });

  it("rejects an unknown command with exit 2, naming it", async () => {
    const r = await runCli(["frobnicate", "--json"], { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^unsung: unknown command "frobnicate"\n\nUsage: unsung/);
    // A flag in the command position is not a command either.
    const flag = await runCli(["--json"], { cwd });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('unknown command "--json"');
    // A huge name is cut short rather than echoed whole.
    const long = await runCli(["x".repeat(10_000)], { cwd });
    expect(long.code).toBe(2);
    expect(long.stderr.length).toBeLessThan(usage().length + 200);
  });
});

describe("every command", () => {
  it.each(COMMANDS)("%s --help prints its usage and exits 0 without opening a database", async (command) => {
    for (const flag of ["--help", "-h"]) {
      const r = await runCli([command, flag], { cwd, env: UNREACHABLE });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage:/);
      expect(r.stdout).toContain(`unsung ${command}`);
    }
    // No embedded database was created in the working directory either.
    expect(readdirSync(cwd)).toEqual([]);
  });

  it.each(COMMANDS)("%s rejects an unknown flag with exit 2", async (command) => {
    const r = await runCli([command, "--no-such-flag"], { cwd, env: UNREACHABLE });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`unsung ${command}: Unknown option '--no-such-flag'`);
    expect(r.stderr).toContain(`(see: unsung ${command} --help)`);
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe("the database and the environment", () => {
  it.each([
    ["stats", ["stats"]],
    ["migrate", ["migrate"]],
    ["deliveries", ["deliveries", "--failed"]],
    ["reprocess", ["reprocess", "--failed"]],
    ["rescore", ["rescore"]],
    ["report", ["report", "person", "alice", "--quarter", "2025Q1"]],
  ])("%s exits 1 with 'cannot reach the database' when DATABASE_URL points nowhere", { timeout: 30_000 }, async (_name, argv) => {
    const r = await runCli(argv, { cwd, env: UNREACHABLE });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`unsung ${argv[0]}: cannot reach the database (`);
    expect(r.stderr).toContain("ECONNREFUSED");
    expect(r.stderr).toContain("Check DATABASE_URL, or unset it to use the embedded database.");
  });

  it("says the same for a host that does not exist", { timeout: 30_000 }, async () => {
    // .invalid never resolves (RFC 2606).
    const r = await runCli(["stats"], { cwd, env: { DATABASE_URL: "postgres://postgres@unsung-test.invalid:5432/x" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("cannot reach the database (");
    expect(r.stderr).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });

  it.each([
    [{ DATABASE_URL: "mysql://root@localhost/unsung" }, "DATABASE_URL: must start with postgres:// or postgresql://"],
    [{ UNSUNG_WORKER_CONCURRENCY: "lots" }, "UNSUNG_WORKER_CONCURRENCY"],
    [{ PRIVATE_KEY: "not-a-pem-secret-value" }, "PRIVATE_KEY: is not a PEM private key"],
  ])("an invalid environment (%j) is reported with exit 2 before anything runs", async (env, message) => {
    const r = await runCli(["stats"], { cwd, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unsung stats: invalid environment:");
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toContain("not-a-pem-secret-value");
    expect(existsSync(path.join(cwd, ".unsung"))).toBe(false);
  });
});

describe("argument helpers", () => {
  it("intFlag takes whole numbers within bounds", () => {
    expect(intFlag(undefined, "limit", 50, 1, 100)).toBe(50);
    expect(intFlag("7", "limit", 50, 1, 100)).toBe(7);
    expect(intFlag("100", "limit", 50, 1, 100)).toBe(100);
    for (const bad of ["abc", "-1", "1.5", "1e2", "0x10", " 5", ""]) expect(() => intFlag(bad, "limit", 50, 1, 100), bad).toThrow(UsageError);
    expect(() => intFlag("0", "limit", 50, 1, 100)).toThrow("--limit must be between 1 and 100");
    expect(() => intFlag("101", "limit", 50, 1, 100)).toThrow("--limit must be between 1 and 100");
  });

  it("dateFlag takes calendar dates that exist", () => {
    expect(dateFlag(undefined, "since")).toBeNull();
    expect(dateFlag("2024-02-29", "since")).toBe("2024-02-29T00:00:00.000Z");
    for (const bad of ["2023-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-1-5", "26-01-05", "yesterday", "2026-01-05T00:00:00Z"]) {
      expect(() => dateFlag(bad, "since"), bad).toThrow('--since takes a date as YYYY-MM-DD, not "');
    }
  });

  it("parse is strict and never reads an empty value as a missing flag", () => {
    expect(parse(["--id", "x"], { id: { type: "string" } }).values).toEqual({ id: "x" });
    expect(() => parse(["--id", ""], { id: { type: "string" } })).toThrow("--id needs a value");
    expect(() => parse(["--id="], { id: { type: "string" } })).toThrow("--id needs a value");
    expect(() => parse(["--nope"], {})).toThrow(UsageError);
    expect(() => parse(["positional"], {})).toThrow(UsageError);
    expect(parse(["a", "b"], {}, true).positionals).toEqual(["a", "b"]);
  });
});
