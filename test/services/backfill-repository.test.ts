/**
 * Backfilling a repository from a nock-mocked GitHub with realistic,
 * multi-page data (250 pull requests, 120 issues, nested pages, CI runs):
 * every fact stored once, within the call budget; the fault list (a 502, a
 * secondary limit, a primary limit and its reset, an expired token, a 500
 * from a REST list, a timeout) costs exactly one call each and changes no
 * fact; a crash resumes where it stopped; the same window twice changes
 * nothing; webhooks for the same issue agree with it; the detectors run
 * over what was read. Time is a fake clock: nothing sleeps for real.
 */
import nock from "nock";
import { sql, type Kysely } from "kysely";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeGitHub, type Fault, type FakeGitHubOptions } from "../../bench/lib/fake-github/index.js";
import { drainQueue, workerDeps, type Runtime } from "../../src/cli/runtime.js";
import { readEnv } from "../../src/config/env.js";
import { callBudget } from "../../src/core/backfill/call-budget.js";
import { ApiClient, type AuthProvider } from "../../src/github/api-client.js";
import { backfillRepository, type BackfillOutcome, type BackfillRequest } from "../../src/services/backfill-repository.js";
import { runBackfillJob } from "../../src/services/backfill-jobs.js";
import { processDelivery } from "../../src/services/process-delivery.js";
import { recordDelivery } from "../../src/services/record-delivery.js";
import type { DB } from "../../src/store/schema.js";
import { serveWithNock } from "../helpers/fake-github-nock.js";
import { factSnapshot as facts } from "../helpers/fact-snapshot.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

const API = "https://api.github.com";
const START = Date.parse("2026-12-01T00:00:00Z");
const SPEC: FakeGitHubOptions = {
  owner: "acme",
  name: "shop",
  repositoryId: 910_001,
  ownerId: 910_000,
  installationId: 4242,
  pullRequests: 250,
  issues: 120,
  days: 365,
  endsAt: "2026-11-30T00:00:00Z",
  seed: 7,
  tokens: ["t1", "t2"],
};
const REQUEST: BackfillRequest = { owner: "acme", name: "shop", installationId: null, requestedBy: "cli", since: "2025-12-01T00:00:00.000Z", until: "2026-12-01T00:00:00.000Z" };

const databases: TestDatabase[] = [];
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
});
afterAll(async () => {
  nock.enableNetConnect();
  await Promise.all(databases.map((d) => d.drop()));
});
let scope: nock.Scope | null = null;
beforeEach(() => {
  scope = null;
});
afterEach(() => {
  const used = scope?.isDone() ?? true;
  nock.cleanAll();
  expect(used, "the mocked GitHub was called").toBe(true);
});

interface Scenario {
  db: Kysely<DB>;
  database: TestDatabase;
  fake: FakeGitHub;
  clock: { now: number };
  /** A fresh client (its own call count); the token refreshes to t2. */
  api(policy?: ConstructorParameters<typeof ApiClient>[0]["policy"]): ApiClient;
  run(api: ApiClient, req?: Partial<BackfillRequest>): Promise<BackfillOutcome>;
}

async function scenario(faults: Fault[] = [], over: Partial<FakeGitHubOptions> = {}): Promise<Scenario> {
  const database = await createTestDatabase();
  databases.push(database);
  const clock = { now: START };
  const fake = new FakeGitHub({ ...SPEC, ...over, now: () => clock.now, faults });
  scope = serveWithNock(fake, API);
  // Like the app's token cache: a refresh mints a new token, which later calls then get.
  let current = "t1";
  const auth: AuthProvider = { label: "test", token: async (refresh) => (refresh ? (current = current === "t1" ? "t2" : "t1") : current) };
  const api = (policy: ConstructorParameters<typeof ApiClient>[0]["policy"] = {}) =>
    new ApiClient({ baseUrl: API, auth, now: () => clock.now, sleep: async (ms) => void (clock.now += ms), policy });
  return {
    db: database.db,
    database,
    fake,
    clock,
    api,
    run: (client, req = {}) => backfillRepository({ db: database.db, api: client, now: () => new Date(clock.now), defaultDays: 365 }, { ...REQUEST, ...req }),
  };
}

/** What the fake holds, counted from its generator: what a complete backfill must have stored once each. */
function expected(fake: FakeGitHub) {
  const r = fake.repo;
  let reviews = 0;
  let threads = 0;
  let reviewComments = 0;
  let prComments = 0;
  let files = 0;
  let checkRuns = 0;
  for (let i = 0; i < r.spec.pullRequests; i++) {
    const p = r.pullRequest(i);
    reviews += p.reviews.length;
    threads += p.threads.length;
    reviewComments += p.threads.reduce((s, t) => s + t.comments.length, 0);
    prComments += p.comments.length;
    files += p.files.length;
    checkRuns += p.checkRuns.length;
  }
  let issueComments = 0;
  for (let i = 0; i < r.spec.issues; i++) issueComments += r.issue(i).comments.length;
  let runs = 0;
  for (let k = 0; k < r.workflowRunCount(); k++) {
    const run = r.workflowRunAt(k);
    if (run && Date.parse(run.created_at) >= Date.parse(REQUEST.since!)) runs++;
  }
  return { reviews, threads, reviewComments, comments: prComments + issueComments, files, checkRuns, runs };
}

let clean: { facts: Record<string, unknown[]>; calls: number; byOperation: Record<string, number> };

describe("backfilling a repository", () => {
  it("stores every fact once, within 6 calls per 100 pull requests plus 4 per repository", async () => {
    const s = await scenario();
    const api = s.api();
    const out = await s.run(api);
    expect(out).toMatchObject({ state: "done", pullRequests: 250, alreadyDone: false });
    const f = await facts(s.db);
    const e = expected(s.fake);
    expect(f.pull_requests).toHaveLength(250);
    expect(f.issues).toHaveLength(120);
    expect(f.reviews).toHaveLength(e.reviews);
    expect(f.review_threads).toHaveLength(e.threads);
    expect(f.review_comments).toHaveLength(e.reviewComments);
    expect(f.issue_comments).toHaveLength(e.comments);
    expect(f.pull_request_files).toHaveLength(e.files);
    expect(f.check_runs).toHaveLength(e.checkRuns);
    expect(f.workflow_runs).toHaveLength(e.runs);
    // Nested pages were read beyond their first page: the 120-file and 25-review pull requests are whole.
    const counts = (t: string, key: string) => {
      const m = new Map<number, number>();
      for (const row of f[t] as Record<string, number>[]) m.set(row[key]!, (m.get(row[key]!) ?? 0) + 1);
      return Math.max(...m.values());
    };
    expect(counts("pull_request_files", "pr_number")).toBe(120);
    expect(counts("reviews", "pr_number")).toBe(25);
    expect(counts("review_comments", "pr_number")).toBeGreaterThan(20);
    expect(s.fake.callsBy().BackfillOverflow).toBeGreaterThan(0);
    // Diffs only for the pull requests a detector reads them for.
    const patched = new Set((f.pull_request_files as { patch: string | null; pr_number: number }[]).filter((x) => x.patch !== null).map((x) => x.pr_number));
    expect(patched.size).toBe(s.fake.callsBy()["GET /repos/{owner}/{repo}/pulls/{n}/files"]);
    expect(patched.size).toBeLessThan(10);
    // Every call counted, by the client and by GitHub alike, within the promise.
    expect(api.calls).toBe(s.fake.calls);
    expect(out.state === "done" && out.calls).toBe(api.calls);
    expect(api.calls).toBeLessThanOrEqual(callBudget(250, 1));
    const state = await s.db.selectFrom("backfills").selectAll().executeTakeFirstOrThrow();
    expect(state).toMatchObject({ state: "done", pull_requests_done: 250, pull_requests_total: 250, issues_done: 120, api_calls: api.calls, last_error: null });
    clean = { facts: f, calls: api.calls, byOperation: s.fake.callsBy() };
  });

  it("survives the fault list — one extra call per fault, and the same facts", async () => {
    const nth = (op: string, k: number) => {
      let seen = 0;
      return (r: { operation: string | null; route: string }) => (r.operation ?? r.route) === op && ++seen === k;
    };
    const faults: Fault[] = [
      { when: nth("GET /repos/{owner}/{repo}/actions/runs", 2), kind: "secondary" },
      { when: nth("BackfillActivity", 2), kind: "expire-token" },
      // The last page of pull requests: GitHub gives up on it, the client asks for half as many (which is all that is left).
      { when: nth("BackfillActivity", 3), kind: "502" },
      { when: nth("BackfillOverflow", 1), kind: "primary" },
      { when: nth("BackfillOverflow", 2), kind: "timeout" },
      { when: nth("GET /repos/{owner}/{repo}/pulls/{n}/files", 1), kind: "500" },
    ];
    const s = await scenario(faults);
    const api = s.api();
    const before = s.clock.now;
    const out = await s.run(api);
    expect(out.state).toBe("done");
    expect(await facts(s.db)).toEqual(clean.facts);
    expect(api.calls).toBe(clean.calls + faults.length);
    expect(s.fake.calls).toBe(api.calls);
    // The primary limit was waited out on the fake clock (ten minutes), not by sleeping.
    expect(s.clock.now - before).toBeGreaterThanOrEqual(600_000);
    expect(s.fake.log.filter((r) => r.status === 401)).toHaveLength(1);
  });

  it("a run that dies half-way resumes from its last checkpoint and ends with exactly the same facts", async () => {
    let seen = 0;
    const s = await scenario([{ when: (r) => r.operation === "BackfillActivity" && ++seen === 2, kind: { status: 422, body: JSON.stringify({ message: "Unprocessable" }) } }]);
    const first = await s.run(s.api());
    expect(first).toMatchObject({ state: "failed", retryable: false });
    expect((first as { error: string }).error).toMatch(/GitHub answered 422/);
    const mid = await s.db.selectFrom("backfills").select(["state", "pull_requests_done", "last_error"]).executeTakeFirstOrThrow();
    expect(mid.state).toBe("failed");
    expect(mid.pull_requests_done).toBe(100);
    expect((await s.db.selectFrom("pull_requests").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n).toEqual(expect.anything());
    const second = await s.run(s.api());
    expect(second).toMatchObject({ state: "done" });
    expect(await facts(s.db)).toEqual(clean.facts);
    // Nothing read twice: the failed call is the only extra one.
    expect(s.fake.calls).toBe(clean.calls + 1);
  });

  it("the same window twice changes nothing (and, unforced, costs nothing)", async () => {
    const s = await scenario();
    await s.run(s.api());
    const again = s.api();
    expect(await s.run(again)).toMatchObject({ state: "done", alreadyDone: true, calls: 0 });
    expect(again.calls).toBe(0);
    const forced = s.api();
    expect(await s.run(forced, { force: true })).toMatchObject({ state: "done", alreadyDone: false });
    expect(forced.calls).toBe(clean.calls);
    expect(await facts(s.db)).toEqual(clean.facts);
  });

  it("live webhooks for the same issue, before or after, agree with the backfill: one row per event", async () => {
    const s = await scenario();
    // Issue index 8 has 40 label events; index 9 is labelled too. A webhook for one arrives before the backfill, one after.
    const labelled = [8, 9].map((i) => s.fake.repo.issue(i)).map((i) => ({ issue: i, event: i.events.find((e) => e.type === "LabeledEvent")! }));
    expect(labelled.every((l) => l.event)).toBe(true);
    const hook = async (l: (typeof labelled)[number], id: string) => {
      const at = new Date(Date.parse(l.event.at) + 3_000).toISOString();
      const payload = {
        action: "labeled",
        issue: { id: l.issue.databaseId, number: l.issue.number, title: l.issue.title, body: l.issue.body, state: "open", user: { id: l.issue.author?.id ?? 10137, login: l.issue.author?.login ?? "ghost", type: "User" }, labels: [{ name: l.event.label }], created_at: l.issue.createdAt, updated_at: at, html_url: "u" },
        label: { name: l.event.label },
        repository: { id: SPEC.repositoryId, name: "shop", full_name: "acme/shop", private: false, owner: { login: "acme", id: SPEC.ownerId } },
        sender: { id: l.event.actor!.id, login: l.event.actor!.login, type: "User" },
      };
      await recordDelivery(s.db, { id, event: "issues", payload }, 3);
      expect(await processDelivery({ db: s.db, now: () => new Date(s.clock.now), detectDebounceSeconds: 0 }, id, { number: 1, max: 3 })).toBe("processed");
    };
    await hook(labelled[0]!, "hook-before");
    await s.run(s.api());
    await hook(labelled[1]!, "hook-after");
    for (const l of labelled) {
      const rows = await s.db
        .selectFrom("issue_activity")
        .select(["delivery_id"])
        .where("issue_number", "=", l.issue.number)
        .where("action", "=", "labeled")
        .where("label", "=", l.event.label!)
        .where("actor_id", "=", l.event.actor!.id)
        .execute();
      expect(rows.map((r) => r.delivery_id), `issue #${l.issue.number}`).toEqual([l === labelled[0] ? "hook-before" : "hook-after"]);
    }
    const total = await s.db.selectFrom("issue_activity").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(total.n)).toBe(clean.facts.issue_activity!.length);
  });

  it("queues the detectors over what it read: contributions appear, among them the flaky-test fix with its diff", async () => {
    const s = await scenario();
    await s.run(s.api());
    const env = readEnv({ UNSUNG_WORKER_CONCURRENCY: "2" });
    const rt: Runtime = { env, database: s.database, close: async () => {} };
    expect(await drainQueue(rt, workerDeps(rt, async () => null, { debounceSeconds: 0 }))).toBe(0);
    const kinds = await s.db.selectFrom("contributions").select(["kind", (eb) => eb.fn.countAll<number>().as("n")]).groupBy("kind").execute();
    const by = Object.fromEntries(kinds.map((k) => [k.kind, Number(k.n)]));
    expect(by.review).toBeGreaterThan(50);
    expect(by.triage).toBeGreaterThan(0);
    expect(by["flaky-fix"]).toBeGreaterThan(0);
    // The slash command in an old comment was recorded, as its webhook would have been.
    expect((await s.db.selectFrom("annotations").select("kind").execute()).length).toBeGreaterThan(0);
  });
});

describe("backfills as queue jobs", () => {
  it("hand over after their slice, and a long wait for the reset becomes a job scheduled after it", async () => {
    const s = await scenario([{ when: (r) => r.operation === "BackfillActivity", kind: "primary" }]);
    const deps = {
      db: s.db,
      now: () => new Date(s.clock.now),
      apiBaseUrl: API,
      auth: async () => ({ label: "installation 4242", token: async () => "t1" }),
      defaultDays: 365,
      sleep: async (ms: number) => void (s.clock.now += ms),
      sliceMs: 0,
    };
    const job = { installationId: 4242, repositoryId: SPEC.repositoryId, owner: "acme", repo: "shop" };
    // The first slice reads the repository and one page of CI runs, then hands over.
    expect(await runBackfillJob(deps, job)).toMatchObject({ state: "more" });
    const next = await sql<{ run_at: string; key: string }>`select run_at, key from graphile_worker.jobs where task_identifier = 'backfill-repository'`.execute(s.db);
    expect(next.rows.map((r) => r.key)).toEqual([`backfill:${SPEC.repositoryId}`]);
    // Run slices until the primary limit is hit: the wait (ten minutes, over the one-minute policy) is not held, the job is scheduled after the reset.
    let out = await runBackfillJob(deps, job);
    while (out.state === "more") out = await runBackfillJob(deps, job);
    expect(out.state).toBe("waiting");
    const waiting = await s.db.selectFrom("backfills").select(["state", "wait_until"]).executeTakeFirstOrThrow();
    expect(waiting.state).toBe("waiting");
    const scheduled = await sql<{ due: boolean }>`select run_at >= now() + interval '9 minutes' as due from graphile_worker.jobs where key = ${`backfill:${SPEC.repositoryId}`}`.execute(s.db);
    expect(scheduled.rows).toEqual([{ due: true }]);
    // After the reset (the fake clock moves on), the job carries on to the end.
    s.clock.now = (waiting.wait_until ? Date.parse(waiting.wait_until) : s.clock.now) + 1000;
    out = await runBackfillJob({ ...deps, sliceMs: 60 * 60_000 }, job);
    expect(out).toMatchObject({ state: "done" });
    expect(await facts(s.db)).toEqual({ ...clean.facts, repositories: [{ ...(clean.facts.repositories![0] as object), installation_id: 4242 }] });
  });

  it("without the app's credentials a job fails at once with a message saying what to set", async () => {
    const s = await scenario();
    s.fake.addFault({ when: () => false, kind: "500" });
    await s.db.insertInto("backfills").values({ repository_id: 1, installation_id: 3, full_name: "o/r", since: "2026-01-01", until: "2026-02-01", state: "queued", requested_by: "install", requested_at: "2026-01-01", updated_at: "2026-01-01" }).execute();
    const out = await runBackfillJob({ db: s.db, now: () => new Date(s.clock.now), apiBaseUrl: API, auth: async () => null, defaultDays: 365 }, { installationId: 3, repositoryId: 1, owner: "o", repo: "r" });
    expect(out).toMatchObject({ state: "failed", retryable: false });
    expect((await s.db.selectFrom("backfills").select(["state", "last_error"]).executeTakeFirstOrThrow()).last_error).toMatch(/APP_ID and PRIVATE_KEY/);
    // Nothing was asked of GitHub; the scope counts as used for this test.
    expect(s.fake.calls).toBe(0);
    scope = null;
  });
});
