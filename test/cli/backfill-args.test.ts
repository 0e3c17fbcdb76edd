/**
 * `unsung backfill` refuses bad flags and missing credentials with exit 2
 * and a message naming the problem, before it opens a database or calls GitHub.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const cwd = mkdtempSync(path.join(tmpdir(), "unsung-backfill-args-"));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));
const UNREACHABLE = { DATABASE_URL: "postgres://postgres@127.0.0.1:1/x", GITHUB_TOKEN: "t" };

describe("unsung backfill flags", () => {
  it.each([
    [[], /say what to backfill: --repo OWNER\/NAME, --installation ID, or --status/],
    [["--repo", "justaname"], /--repo takes OWNER\/NAME, not "justaname"/],
    [["--repo", "o/r/x"], /--repo takes OWNER\/NAME/],
    [["--repo=-bad/r"], /--repo takes OWNER\/NAME, not "-bad\/r"/],
    [["--repo", "o/.."], /--repo takes OWNER\/NAME/],
    [["--repo", `o/${"x".repeat(200)}`], /--repo takes OWNER\/NAME/],
    [["--repo", "o/r", "--installation", "1"], /give --repo or --installation, not both/],
    [["--installation", "abc"], /--installation takes the installation's numeric id, not "abc"/],
    [["--installation", "0"], /--installation takes the installation's numeric id/],
    [["--repo", "o/r", "--since", "2026-02-30"], /--since takes a date as YYYY-MM-DD, not "2026-02-30"/],
    [["--repo", "o/r", "--until", "tomorrow"], /--until takes a date as YYYY-MM-DD/],
    [["--repo", "o/r", "--since", "2026-05-01", "--until", "2026-04-01"], /--since must be on or before --until/],
    [["--repo", "o/r", "--since", "2999-01-01"], /--since is in the future/],
    [["--repo", "o/r", "--since", "1990-01-01"], /longer than 3650 days/],
    [["--status", "--repo", "o/r"], /--status takes no other options/],
    [["--repo", "o/r", "--json"], /--json goes with --status/],
    [["--repo", ""], /--repo needs a value/],
    [["--repo", "o/r", "extra"], /Unexpected argument 'extra'/],
  ])("backfill %j exits 2", async (args, message) => {
    const r = await runCli(["backfill", ...args], { cwd, env: UNREACHABLE });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain("(see: unsung backfill --help)");
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("says which credentials to set when there are none, and that --installation needs the app's", async () => {
    const none = await runCli(["backfill", "--repo", "o/r"], { cwd, env: { DATABASE_URL: UNREACHABLE.DATABASE_URL } });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no GitHub credentials: set APP_ID and PRIVATE_KEY \(or PRIVATE_KEY_PATH\) to run as the app, or GITHUB_TOKEN/);
    const inst = await runCli(["backfill", "--installation", "5"], { cwd, env: UNREACHABLE });
    expect(inst.code).toBe(2);
    expect(inst.stderr).toMatch(/--installation needs the app's credentials/);
    const badHost = await runCli(["backfill", "--repo", "o/r"], { cwd, env: { ...UNREACHABLE, GHE_HOST: "https://ghe.example.com/x" } });
    expect(badHost.code).toBe(2);
    expect(badHost.stderr).toMatch(/GHE_HOST: must be a host name/);
    const days = await runCli(["backfill", "--repo", "o/r"], { cwd, env: { ...UNREACHABLE, UNSUNG_BACKFILL_DAYS: "0" } });
    expect(days.code).toBe(2);
    expect(days.stderr).toMatch(/UNSUNG_BACKFILL_DAYS/);
    // The token is a secret: never echoed.
    expect(none.stderr + inst.stderr + badHost.stderr + days.stderr).not.toContain("=t");
  });
});
