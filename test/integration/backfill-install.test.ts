/**
 * Installing the app fills the past by itself: installation events go
 * through `probot.receive` into the inbox, the worker turns
 * `installation.created` and `installation_repositories.added` into backfill
 * jobs (run here against a nock-mocked GitHub), and
 * `installation_repositories.removed` and `installation.deleted` stop them.
 */
import nock from "nock";
import { sql } from "kysely";
import { Probot } from "probot";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FakeGitHub } from "../../bench/lib/fake-github/index.js";
import { unsungApp } from "../../src/app.js";
import { drainQueue, workerDeps, type Runtime } from "../../src/cli/runtime.js";
import { readEnv } from "../../src/config/env.js";
import { callBudget } from "../../src/core/backfill/call-budget.js";
import { tokenAuth } from "../../src/github/auth-providers.js";
import { recordDelivery } from "../../src/services/record-delivery.js";
import { example } from "../helpers/examples.js";
import { serveWithNock } from "../helpers/fake-github-nock.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

const INSTALLATION = 4242;
const SHOP = { id: 910_001, node_id: "R_shop", name: "shop", full_name: "acme/shop", private: false };
const CART = { id: 920_002, node_id: "R_cart", name: "cart", full_name: "acme/cart", private: true };

let database: TestDatabase;
let probot: Probot;
let rt: Runtime;
let fake: FakeGitHub;
let n = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  rt = { env: readEnv({ UNSUNG_WORKER_CONCURRENCY: "2" }), database, close: async () => {} };
  probot = new Probot({ githubToken: "unused", secret: "s", logLevel: "fatal" });
  await probot.load(unsungApp({ record: (d) => recordDelivery(database.db, d, 3) }), { cwd: process.cwd(), addHandler: () => {} });
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  const now = Date.now();
  fake = new FakeGitHub({
    owner: "acme",
    name: "shop",
    repositoryId: SHOP.id,
    ownerId: 910_000,
    installationId: INSTALLATION,
    pullRequests: 120,
    issues: 40,
    days: 200,
    endsAt: new Date(now - 86_400_000).toISOString(),
    seed: 3,
    tokens: ["installation-token"],
    configText: "backfill:\n  days: 300\n",
  });
  serveWithNock(fake);
});
afterAll(async () => {
  nock.cleanAll();
  nock.enableNetConnect();
  await database?.drop();
});
afterEach(() => {
  expect(nock.isDone()).toBe(true);
});

const account = { login: "acme", id: 910_000, type: "Organization", node_id: "O_acme" };

async function receive(name: "installation" | "installation_repositories", payload: Record<string, unknown>): Promise<void> {
  await probot.receive({ id: `install-${++n}`, name, payload } as never);
}

/** Runs the queue dry; returns the jobs left, apart from erasures scheduled for the end of their grace period. */
async function drain(): Promise<number> {
  const left = await drainQueue(rt, workerDeps(rt, async () => null, { debounceSeconds: 0, backfillAuth: async () => tokenAuth("installation-token", `installation ${INSTALLATION}`) }));
  return left - (await scheduledErasureJobs());
}

async function scheduledErasureJobs(): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'run-erasure' and run_at > now()`.execute(database.db);
  return r.rows[0]!.n;
}

const scheduledErasures = async () =>
  (await database.db.selectFrom("erasures").select(["scope", "subject_id"]).where("status", "=", "scheduled").orderBy("id").execute()).map((e) => `${e.scope} ${e.subject_id}`);

const state = async (id: number) => (await database.db.selectFrom("backfills").selectAll().where("repository_id", "=", id).executeTakeFirst()) ?? null;

describe("backfills on installation", () => {
  it("installation.created backfills each repository for the configured window, and the detectors run", async () => {
    const p = example("installation", "created");
    p.installation = { ...(p.installation as object), id: INSTALLATION, account };
    p.repositories = [SHOP];
    await receive("installation", p);
    expect(await drain()).toBe(0);
    const s = await state(SHOP.id);
    expect(s).toMatchObject({ state: "done", installation_id: INSTALLATION, requested_by: "install", pull_requests_done: 120, issues_done: 40, last_error: null });
    // backfill.days: 300 in the repository's .github/unsung.yml, read in the first call.
    expect(Date.parse(s!.until) - Date.parse(s!.since)).toBe(300 * 86_400_000);
    expect(fake.calls).toBeLessThanOrEqual(callBudget(120, 1));
    expect(s!.api_calls).toBe(fake.calls);
    const prs = await database.db.selectFrom("pull_requests").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(prs.n)).toBe(120);
    const contributions = await database.db.selectFrom("contributions").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(contributions.n)).toBeGreaterThan(0);
  });

  it("installation_repositories.removed stops a backfill before it starts (and its job goes)", async () => {
    const added = example("installation_repositories", "added");
    added.installation = { ...(added.installation as object), id: INSTALLATION, account };
    added.repositories_added = [CART];
    added.repositories_removed = [];
    const removed = example("installation_repositories", "removed");
    removed.installation = { ...(removed.installation as object), id: INSTALLATION, account };
    removed.repositories_added = [];
    removed.repositories_removed = [CART];
    const calls = fake.calls;
    await receive("installation_repositories", added);
    await receive("installation_repositories", removed);
    expect(await drain()).toBe(0);
    // Processed together, the removal cancels the addition (nothing queued); processed apart — or out of
    // order — the queued backfill is stopped. Either way nothing is read.
    const cart = await state(CART.id);
    if (cart !== null) expect(cart).toMatchObject({ state: "stopped", installation_id: INSTALLATION });
    // A job that ran before the removal was processed asks at most for the repository, which the app can no longer see.
    const asked = fake.log.slice(calls).map((r) => `${r.operation} ${String(r.variables?.name)}`);
    expect(asked.length === 0 || (asked.length === 1 && asked[0] === "BackfillRepository cart"), asked.join(", ")).toBe(true);
    expect(await database.db.selectFrom("pull_requests").select("number").where("repository_id", "=", CART.id).execute()).toEqual([]);
    const jobs = await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'backfill-repository'`.execute(database.db);
    expect(jobs.rows[0]!.n).toBe(0);
  });

  it("installation.deleted stops every queued or running backfill of the installation", async () => {
    // A repository queued but not yet run (its job waits for a worker), as after an addition.
    await database.db
      .insertInto("backfills")
      .values({ repository_id: 930_003, installation_id: INSTALLATION, full_name: "acme/api", since: "2026-01-01", until: "2026-02-01", state: "running", requested_by: "install", requested_at: "2026-01-01", updated_at: "2026-01-01" })
      .execute();
    await sql`select graphile_worker.add_job('backfill-repository', '{"installationId":4242,"repositoryId":930003,"owner":"acme","repo":"api"}'::json, job_key => 'backfill:930003', run_at => now() + interval '1 hour')`.execute(database.db);
    const p = example("installation", "deleted");
    p.installation = { ...(p.installation as object), id: INSTALLATION, account };
    p.repositories = [SHOP];
    await receive("installation", p);
    expect(await drain()).toBe(0);
    expect(await state(930_003)).toMatchObject({ state: "stopped" });
    // What was read is erased only after the grace period: the erasure waits in the queue.
    expect(await scheduledErasures()).toContain(`installation ${INSTALLATION}`);
    expect(await scheduledErasureJobs()).toBeGreaterThan(0);
    // A finished backfill keeps its state: what was read stays read.
    expect(await state(SHOP.id)).toMatchObject({ state: "done" });
    const jobs = await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'backfill-repository'`.execute(database.db);
    expect(jobs.rows[0]!.n).toBe(0);
  });
});
