/**
 * `unsung backfill` in-process against a nock-mocked GitHub: with a token and
 * as the app (the installation found from the repository, its token minted),
 * progress lines off a terminal, `--status`, the exit codes, and a failed
 * run that the same command resumes.
 */
import { generateKeyPairSync } from "node:crypto";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FakeGitHub } from "../../bench/lib/fake-github/index.js";
import { callBudget } from "../../src/core/backfill/call-budget.js";
import { serveWithNock } from "../helpers/fake-github-nock.js";
import { createCliDatabase, type CliDatabase } from "./run-cli.js";

let cli: CliDatabase;
let fake: FakeGitHub;
const WINDOW = ["--since", "2025-12-01", "--until", "2026-11-30"];

beforeAll(async () => {
  cli = await createCliDatabase();
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  fake = new FakeGitHub({
    owner: "acme",
    name: "shop",
    repositoryId: 910_001,
    ownerId: 910_000,
    installationId: 4242,
    pullRequests: 120,
    issues: 40,
    days: 300,
    endsAt: "2026-11-30T00:00:00Z",
    seed: 11,
    tokens: ["personal-token"],
  });
  serveWithNock(fake);
});
afterAll(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await cli?.drop();
});
afterEach(() => {
  expect(nock.isDone()).toBe(true);
});

describe("unsung backfill", () => {
  it("with GITHUB_TOKEN backfills a repository in one command, showing its progress, and exits 0", async () => {
    const r = await cli.run(["backfill", "--repo", "acme/shop", ...WINDOW], { GITHUB_TOKEN: "personal-token" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^acme\/shop: done — 120 pull requests in (\d+) API calls \(\d+(\.\d)? per 100 pull requests\); at most 11 allowed$/m);
    const calls = Number(/in (\d+) API calls/.exec(r.stdout)![1]);
    expect(calls).toBe(fake.calls);
    expect(calls).toBeLessThanOrEqual(callBudget(120, 1));
    expect(r.stdout).toContain("running the detectors over what was read…");
    expect(r.stdout).toMatch(/1\/1 repositories complete · 120 pull requests/);
    // Off a terminal: plain progress lines, with the budget GitHub reported.
    expect(r.stderr).toMatch(/acme\/shop: pull requests and issues · pull requests 100\/120 · issues 40\/40 · CI runs \d+ · diffs \d+ · \d+ API calls · budget [\d,]+ left, resets \d\d:\d\d UTC/);
    expect(r.stderr).not.toContain("personal-token");
    const contributions = await cli.withDb((db) => db.selectFrom("contributions").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow());
    expect(Number(contributions.n)).toBeGreaterThan(0);
  });

  it("--status shows every repository's checkpoints and state", async () => {
    const r = await cli.run(["backfill", "--status"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^acme\/shop {2}done {2}2025-12-01 → 2026-12-01 {2}pull requests 120\/120 · issues 40\/40/m);
    expect(r.stdout).toMatch(/checkpoints: repository done \(1, .*\); workflow_runs done .*; issues done \(40, .*\); pull_requests done \(120, .*\); detect done/);
    const j = await cli.run(["backfill", "--status", "--json"]);
    const rows = JSON.parse(j.stdout) as { full_name: string; state: string; checkpoints: unknown[] }[];
    expect(rows.map((x) => [x.full_name, x.state, x.checkpoints.length])).toEqual([["acme/shop", "done", 5]]);
  });

  it("a period already read is not read again", async () => {
    const before = fake.calls;
    const r = await cli.run(["backfill", "--repo", "acme/shop", ...WINDOW], { GITHUB_TOKEN: "personal-token" });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("acme/shop: already backfilled for this period");
    expect(fake.calls).toBe(before);
  });

  it("as the app: finds the installation from the repository and mints its token", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
    const before = fake.calls;
    const r = await cli.run(["backfill", "--repo", "acme/shop", ...WINDOW, "--force"], { APP_ID: "12345", PRIVATE_KEY: privateKey });
    expect(r.code, r.stderr).toBe(0);
    expect(fake.tokenRequests).toBe(1);
    const asked = fake.log.slice(before).map((x) => x.operation ?? x.route);
    expect(asked[0]).toBe("GET /repos/{owner}/{repo}/installation");
    expect(r.stdout).toContain("acme/shop: done — 120 pull requests");
    expect(r.stderr).not.toContain("PRIVATE KEY");
    const repo = await cli.withDb((db) => db.selectFrom("repositories").select("installation_id").where("id", "=", 910_001).executeTakeFirstOrThrow());
    expect(repo.installation_id).toBe(4242);
  });

  it("exits 1 with a clear message for a repository it cannot read, and for a failed run — which the same command resumes", async () => {
    const missing = await cli.run(["backfill", "--repo", "acme/nowhere", ...WINDOW], { GITHUB_TOKEN: "personal-token" });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("unsung backfill: acme/nowhere: not found, or the credentials cannot read it");
    const refused = await cli.run(["backfill", "--repo", "acme/shop", ...WINDOW, "--force"], { GITHUB_TOKEN: "wrong-token" });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("acme/shop: failed — GitHub API: POST /graphql: GitHub refused the credentials (401) even with a fresh token (GITHUB_TOKEN)");
    expect(refused.stderr).not.toContain("wrong-token");

    let seen = 0;
    fake.addFault({ when: (x) => x.operation === "BackfillActivity" && ++seen === 2, kind: { status: 422, body: '{"message":"Validation Failed"}' } });
    const failed = await cli.run(["backfill", "--repo", "acme/shop", "--since", "2025-11-01", "--until", "2026-11-30"], { GITHUB_TOKEN: "personal-token" });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/acme\/shop: failed — GitHub API: POST \/graphql: GitHub answered 422: Validation Failed.*Run the same command again to resume from the last checkpoint\./);
    const resumed = await cli.run(["backfill", "--repo", "acme/shop", "--since", "2025-11-01", "--until", "2026-11-30"], { GITHUB_TOKEN: "personal-token" });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/acme\/shop: done — 120 pull requests/);
    const status = await cli.run(["backfill", "--status"]);
    expect(status.stdout).toMatch(/acme\/shop {2}done {2}2025-11-01/);
  });
});
