/**
 * Manual CI re-runs end to end on a real database (PostgreSQL and PGlite):
 * workflow_runs + people rows → the bundle loader → the pure detector →
 * contributions, the follow-up job a re-run delivery queues, and rescore.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Contribution } from "../../src/core/model.js";
import { processDelivery } from "../../src/services/process-delivery.js";
import { detectPullRequestService, detectReruns, rescore, type DetectorDeps } from "../../src/services/run-detectors.js";
import { findRerunMonths, findWorkflowRerunBundle } from "../../src/store/find-bundles.js";
import { replaceContributions } from "../../src/store/upsert-contributions.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";
import { pullRequestRow } from "../store/fact-rows.js";

const REPO = 700;
const OLIVER = { id: 11, login: "oliver-grant" };
const LENA = { id: 12, login: "lena-fischer" };
const DEV = { id: 13, login: "devraj-patel" };
const RENOVATE = { id: 14, login: "renovate[bot]" };
const QUIET = { id: 15, login: "quiet-person" };
const NOW = new Date("2026-08-01T12:00:00.000Z");
const FIX_URL = "https://github.com/acme/api/pull/42";

let database: TestDatabase;
let deps: DetectorDeps;
let nextId = 5_000_000;

/** A workflow run: attempt 1 fails (pushed by Lena), then each re-runner in turn re-runs it, an hour apart. */
function runRows(opts: { created: string; rerunBy: number[]; name?: string; branch?: string; conclusions?: string[]; rerunAt?: string }) {
  const id = nextId++;
  const created = Date.parse(opts.created);
  const base = {
    id,
    repository_id: REPO,
    workflow_id: 9,
    name: opts.name ?? "ci",
    path: `.github/workflows/${opts.name ?? "ci"}.yml`,
    head_sha: `sha${id}`,
    head_branch: opts.branch ?? "main",
    event: "push",
    status: "completed",
    run_number: id - 5_000_000,
    actor_id: LENA.id,
    created_at: opts.created,
  };
  const rows = [{ ...base, run_attempt: 1, conclusion: "failure", triggering_actor_id: LENA.id, run_started_at: opts.created, updated_at: new Date(created + 600_000).toISOString() }];
  const rerunStart = opts.rerunAt ? Date.parse(opts.rerunAt) : created;
  opts.rerunBy.forEach((by, i) => {
    const t = rerunStart + (i + 1) * 3_600_000;
    rows.push({
      ...base,
      run_attempt: i + 2,
      conclusion: opts.conclusions?.[i] ?? "success",
      triggering_actor_id: by,
      run_started_at: new Date(t).toISOString(),
      updated_at: new Date(t + 600_000).toISOString(),
    });
  });
  return rows;
}

function fixContribution(mergedAt: string): Contribution {
  return {
    key: `flaky-fix:4242:${DEV.id}`,
    kind: "flaky-fix",
    personId: DEV.id,
    personLogin: DEV.login,
    repositoryId: REPO,
    repositoryFullName: "acme/api",
    repositoryPrivate: true,
    subjectType: "pull_request",
    subjectId: "4242",
    subjectTitle: "Deflake OrderSyncTest",
    subjectUrl: FIX_URL,
    occurredAt: mergedAt,
    score: 80,
    confidence: 0.9,
    level: "improved",
    dynamics: "compounding",
    evidence: [],
    formula: { friction: "", change: "", improvement: "", beneficiaries: [], proof: [] },
    detail: { check: "CI" }, // as the CI history spelled it: compared case-insensitively
    detector: "flaky-fix",
    detectorVersion: 2,
  };
}

const stored = () =>
  database.db
    .selectFrom("contributions")
    .select(["key", "kind", "person_login", "dynamics", "source_key", "subject_title", "score", "detail", "evidence"])
    .where("kind", "=", "ci-rerun")
    .orderBy("key")
    .execute();

beforeAll(async () => {
  database = await createTestDatabase();
  deps = { db: database.db, clients: async () => null, now: () => NOW };
  const db = database.db;
  const seen = "2026-01-01T00:00:00Z";
  await db
    .insertInto("repositories")
    .values({ id: REPO, installation_id: 1, owner_login: "acme", name: "api", full_name: "acme/api", private: true, default_branch: "main", html_url: "https://github.com/acme/api", archived: false, removed_at: null, updated_at: seen })
    .execute();
  await db
    .insertInto("people")
    .values(
      [OLIVER, LENA, DEV, RENOVATE, QUIET].map((p) => ({
        ...p,
        type: p === RENOVATE ? "Bot" : "User",
        is_bot: p === RENOVATE,
        is_ghost: false,
        name: null,
        previous_logins: "[]",
        seen_at: seen,
      })),
    )
    .execute();
  await db.insertInto("opt_outs").values({ person_id: QUIET.id, login: QUIET.login, opted_out: true, updated_at: seen }).execute();

  const rows = [
    // May: Oliver re-runs four runs (one created in April), Lena two, a bot three, an opted-out person three.
    ...runRows({ created: "2026-04-29T10:00:00Z", rerunAt: "2026-05-02T08:00:00Z", rerunBy: [OLIVER.id] }),
    ...runRows({ created: "2026-05-05T10:00:00Z", rerunBy: [OLIVER.id] }),
    ...runRows({ created: "2026-05-12T10:00:00Z", rerunBy: [OLIVER.id, LENA.id] }),
    ...runRows({ created: "2026-05-20T10:00:00Z", rerunBy: [OLIVER.id], branch: "feature/x" }),
    ...runRows({ created: "2026-05-21T10:00:00Z", rerunBy: [LENA.id] }),
    ...runRows({ created: "2026-05-06T10:00:00Z", rerunBy: [RENOVATE.id, RENOVATE.id, RENOVATE.id] }),
    ...runRows({ created: "2026-05-07T10:00:00Z", rerunBy: [QUIET.id, QUIET.id, QUIET.id] }),
    // June: Oliver again, three times.
    ...runRows({ created: "2026-06-02T10:00:00Z", rerunBy: [OLIVER.id] }),
    ...runRows({ created: "2026-06-09T10:00:00Z", rerunBy: [OLIVER.id] }),
    ...runRows({ created: "2026-06-15T10:00:00Z", rerunBy: [OLIVER.id] }),
    // Another workflow in May, by Lena: its own contribution.
    ...runRows({ created: "2026-05-08T10:00:00Z", rerunBy: [LENA.id, LENA.id, LENA.id], name: "deploy" }),
  ];
  await db.insertInto("workflow_runs").values(rows).execute();
  // The workflow's "test" job ran again wherever "ci" was re-run in May (a re-run re-creates its check runs); "lint" ran once.
  const mayReruns = [...new Set(rows.filter((r) => r.name === "ci" && r.run_attempt > 1 && r.run_started_at.startsWith("2026-05")).map((r) => r.head_sha))];
  let checkId = 8_000_000;
  const check = (name: string, sha: string, conclusion: string, app: string | null = "github-actions") => ({
    id: checkId++,
    repository_id: REPO,
    name,
    head_sha: sha,
    head_branch: "main",
    status: "completed",
    conclusion,
    app_slug: app,
    started_at: "2026-05-15T00:00:00Z",
    completed_at: "2026-05-15T00:10:00Z",
    updated_at: "2026-05-15T00:10:00Z",
  });
  await db
    .insertInto("check_runs")
    .values(mayReruns.flatMap((sha) => [check("test", sha, "failure"), check("test", sha, "success"), check("lint", sha, "success"), check("circleci: e2e", sha, "failure", "circleci"), check("circleci: e2e", sha, "success", "circleci")]))
    .execute();
  // Devraj's flaky-test fix of "ci", merged after the June re-runs.
  await replaceContributions(db, "pr:700:42", [fixContribution("2026-06-20T12:00:00.000Z")], NOW.toISOString());
});
afterAll(async () => {
  await database?.drop();
});

describe("findWorkflowRerunBundle and findRerunMonths", () => {
  it("loads every attempt of the month's runs (and of runs created just before it), with triggering actors as people", async () => {
    const b = await findWorkflowRerunBundle(database.db, REPO, "ci", "2026-05");
    expect(b).not.toBeNull();
    expect(b!.repository.fullName).toBe("acme/api");
    expect(b!.workflowPath).toBe(".github/workflows/ci.yml");
    expect(b!.runs.every((r) => r.source === "workflow_run" && r.name === "ci")).toBe(true);
    // The April run is there (its re-run is May's); June's are not.
    expect(b!.runs.filter((r) => r.startedAt?.startsWith("2026-04"))).toHaveLength(1);
    expect(b!.runs.some((r) => r.startedAt?.startsWith("2026-06"))).toBe(false);
    expect(b!.runs.find((r) => r.attempt === 2 && r.triggeringActor?.id === RENOVATE.id)?.triggeringActor).toEqual({ id: RENOVATE.id, login: "renovate[bot]", isBot: true });
    expect(b!.runs.find((r) => r.attempt === 2 && r.triggeringActor?.id === OLIVER.id)?.triggeringActor).toEqual({ id: OLIVER.id, login: "oliver-grant", isBot: false });
    expect(b!.fixes).toEqual([{ check: "CI", title: "Deflake OrderSyncTest", url: FIX_URL, authorLogin: DEV.login, mergedAt: "2026-06-20T12:00:00.000Z" }]);
    // Jobs of the workflow: Actions checks re-run with it. Not "lint" (ran once), not another CI app's check.
    expect(b!.jobChecks).toEqual(["test"]);
    // June has no check runs recorded: no jobs named.
    expect((await findWorkflowRerunBundle(database.db, REPO, "ci", "2026-06"))!.jobChecks).toEqual([]);
    expect(await findWorkflowRerunBundle(database.db, REPO, "ci", "May")).toBeNull();
    expect(await findWorkflowRerunBundle(database.db, 404, "ci", "2026-05")).toBeNull();
  });

  it("lists the (workflow, month) pairs with manual re-runs, optionally since a date", async () => {
    expect(await findRerunMonths(database.db)).toEqual([
      { repositoryId: REPO, workflow: "ci", month: "2026-05" },
      { repositoryId: REPO, workflow: "ci", month: "2026-06" },
      { repositoryId: REPO, workflow: "deploy", month: "2026-05" },
    ]);
    expect(await findRerunMonths(database.db, { since: "2026-06-01T00:00:00Z" })).toEqual([{ repositoryId: REPO, workflow: "ci", month: "2026-06" }]);
  });
});

describe("detectReruns (service)", () => {
  it("credits the person who kept re-running the workflow by hand, as a trap, and stores it under the month's source key", async () => {
    const out = await detectReruns(deps, REPO, "ci", "2026-05");
    expect(out.map((c) => c.personLogin)).toEqual(["oliver-grant"]);
    const rows = await stored();
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({
      key: `ci-rerun:${REPO}:ci:${OLIVER.id}:2026-05`,
      kind: "ci-rerun",
      person_login: "oliver-grant",
      dynamics: "trap",
      source_key: `reruns:${REPO}:ci:2026-05`,
      subject_title: "Re-ran “ci” by hand 4 times in May 2026",
    });
    expect(row.score).toBeGreaterThanOrEqual(20);
    expect(row.score).toBeLessThanOrEqual(35);
    expect(row.detail).toMatchObject({
      reruns: 4,
      commits: 4,
      onDefaultBranch: 3,
      passedAfterFailure: 4,
      // Lena's two count towards the team; the bot's and the opted-out person's do not.
      team: { reruns: 6, people: 2 },
      laterFix: { title: "Deflake OrderSyncTest", url: FIX_URL, author: DEV.login, mergedAt: "2026-06-20T12:00:00.000Z" },
    });
    expect((row.evidence as string[]).join(" ")).toContain("The problem was later fixed: @devraj-patel's flaky-test fix “Deflake OrderSyncTest” was merged on 2026-06-20");
  });

  it("connects a flaky-test fix of one of the workflow's jobs", async () => {
    const ofJob = { ...fixContribution("2026-06-25T12:00:00.000Z"), key: "flaky-fix:4343:13", subjectUrl: "https://github.com/acme/api/pull/43", subjectTitle: "Fix the racy test job", detail: { check: "test" } };
    await replaceContributions(database.db, "pr:700:43", [ofJob], NOW.toISOString());
    const [c] = await detectReruns(deps, REPO, "ci", "2026-05");
    // The earliest fix after the re-runs is the one named; the job's fix is listed among the bundle's fixes.
    expect(c!.detail["laterFix"]).toMatchObject({ url: FIX_URL, check: "CI" });
    expect((await findWorkflowRerunBundle(database.db, REPO, "ci", "2026-05"))!.fixes.map((f) => f.check)).toEqual(["CI", "test"]);
    await replaceContributions(database.db, "pr:700:43", [], NOW.toISOString());
    await detectReruns(deps, REPO, "ci", "2026-05");
  });

  it("is idempotent, and drops the contribution when the re-runs fall below the threshold", async () => {
    const before = await stored();
    await detectReruns(deps, REPO, "ci", "2026-05");
    expect(await stored()).toEqual(before);
    // One of Oliver's re-runs turns out to be a bot's (say the account was reclassified): three left.
    const oneRun = await database.db.selectFrom("workflow_runs").select(["id"]).where("triggering_actor_id", "=", OLIVER.id).where("run_attempt", "=", 2).orderBy("run_started_at").executeTakeFirstOrThrow();
    await database.db.updateTable("workflow_runs").set({ triggering_actor_id: RENOVATE.id }).where("id", "=", oneRun.id).where("run_attempt", "=", 2).execute();
    expect((await detectReruns(deps, REPO, "ci", "2026-05"))[0]?.detail["reruns"]).toBe(3);
    const second = await database.db.selectFrom("workflow_runs").select(["id"]).where("triggering_actor_id", "=", OLIVER.id).where("run_attempt", "=", 2).where("run_started_at", "<", "2026-06-01T00:00:00Z").orderBy("run_started_at").executeTakeFirstOrThrow();
    await database.db.updateTable("workflow_runs").set({ triggering_actor_id: RENOVATE.id }).where("id", "=", second.id).where("run_attempt", "=", 2).execute();
    expect(await detectReruns(deps, REPO, "ci", "2026-05")).toEqual([]);
    expect((await stored()).filter((r) => r.source_key === `reruns:${REPO}:ci:2026-05`)).toEqual([]);
    // Put them back.
    await database.db.updateTable("workflow_runs").set({ triggering_actor_id: OLIVER.id }).where("id", "in", [oneRun.id, second.id]).where("run_attempt", "=", 2).execute();
    expect((await detectReruns(deps, REPO, "ci", "2026-05"))[0]?.detail["reruns"]).toBe(4);
  });

  it("refuses a month that is not YYYY-MM", async () => {
    await expect(detectReruns(deps, REPO, "ci", "2026-5")).rejects.toThrow("not a calendar month");
  });
});

describe("rescore", () => {
  it("re-runs the re-run detector for every workflow and month with manual re-runs", async () => {
    await database.db.deleteFrom("contributions").where("kind", "=", "ci-rerun").execute();
    const r = await rescore(deps, null);
    expect(r).toMatchObject({ pullRequests: 0, issues: 0, rerunMonths: 3 });
    const rows = await stored();
    expect(rows.map((x) => [x.person_login, x.source_key])).toEqual([
      ["oliver-grant", `reruns:${REPO}:ci:2026-05`],
      ["oliver-grant", `reruns:${REPO}:ci:2026-06`],
      ["lena-fischer", `reruns:${REPO}:deploy:2026-05`],
    ]);
    // Same workflow, same person, another month: the same recurring problem.
    expect(rows.slice(0, 2).map((x) => (x.detail as Record<string, unknown>)["recurrenceKey"])).toEqual(["the “ci” workflow in acme/api", "the “ci” workflow in acme/api"]);
    // The deploy workflow has no flaky-test fix.
    expect((rows[2]!.detail as Record<string, unknown>)["laterFix"]).toBeNull();
    const since = await rescore(deps, "2026-06-01T00:00:00Z");
    expect(since.rerunMonths).toBe(1);
  });

  it("a pull request that no longer carries a flaky-test fix refreshes the re-run months around it", async () => {
    await database.db.insertInto("pull_requests").values(pullRequestRow({ id: 4242, repository_id: REPO, number: 42, created_at: "2026-06-18T00:00:00Z", updated_at: "2026-06-20T00:00:00Z" })).execute();
    // Still open: it concludes nothing now, so its stored flaky-fix goes, and May and June no longer say "later fixed".
    await detectPullRequestService(deps, REPO, 42);
    const rows = await stored();
    expect(rows.filter((x) => x.source_key.startsWith(`reruns:${REPO}:ci:`)).map((x) => (x.detail as Record<string, unknown>)["laterFix"])).toEqual([null, null]);
    expect((rows[0]!.evidence as string[]).join(" ")).toContain("Suggested systemic fix");
  });
});

describe("a re-run delivery", () => {
  it("queues a debounced detect-reruns job for the workflow and month", async () => {
    const payload = await readFile(path.join(import.meta.dirname, "../fixtures/webhooks/workflow_run.completed-attempt-2.json"), "utf8");
    const parsed = JSON.parse(payload) as { repository: { id: number }; workflow_run: { name: string } };
    await database.db
      .insertInto("deliveries")
      .values({ id: "rerun-1", event: "workflow_run", action: "completed", installation_id: null, repository_id: parsed.repository.id, received_at: NOW.toISOString(), payload, payload_bytes: payload.length })
      .execute();
    expect(await processDelivery({ db: database.db, now: () => NOW, detectDebounceSeconds: 30 }, "rerun-1", { number: 1, max: 5 })).toBe("processed");
    const jobs = await sql<{ key: string; later: boolean }>`
      select key, run_at > now() + interval '10 seconds' as later from graphile_worker.jobs where task_identifier = 'detect-reruns'`.execute(database.db);
    // Keyed by repository, workflow and month (the attempt's), and delayed: a burst of re-runs is one detector run.
    expect(jobs.rows).toEqual([{ key: `detect-reruns:${parsed.repository.id}:${parsed.workflow_run.name}:2020-10`, later: true }]);
  });
});
