/**
 * `unsung jobs` (the queue by task; --failed lists jobs that used up their
 * attempts, with ids only from their payloads) and `unsung deliveries
 * --redeliveries` (the sweeper's requests and GitHub's answers), and the
 * liveness figures read for /metrics. Flags are validated first.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueue, TASK } from "../../src/queue/queue.js";
import { renderMetrics } from "../../src/server/metrics.js";
import { readLivenessGauges } from "../../src/services/liveness-metrics.js";
import { createCliDatabase, type CliDatabase } from "./run-cli.js";

let cli: CliDatabase;

beforeAll(async () => {
  cli = await createCliDatabase();
  // Migrates the database (the CLI creates the schema on first use).
  const r = await cli.run(["jobs"]);
  expect(r).toMatchObject({ code: 0, stdout: "the queue is empty\n" });
  await cli.withDb(async (db) => {
    await enqueue(db, TASK.processDelivery, { deliveryId: "d-failed" }, { maxAttempts: 2 });
    await enqueue(db, TASK.enrichPullRequest, { installationId: 1, repositoryId: 77, owner: "secret-org", repo: "secret-repo", number: 1 }, { maxAttempts: 3 });
    await enqueue(db, TASK.detectIssue, { repositoryId: 5, number: 2 }, { delaySeconds: 3600 });
    await sql`update graphile_worker._private_jobs set attempts = max_attempts, last_error = ${"Error: boom\n    at somewhere"} where payload->>'deliveryId' = 'd-failed' or payload->>'repositoryId' = '77'`.execute(db);
    await db
      .insertInto("redeliveries")
      .values([
        { guid: "g-1", hook_delivery_id: 11, event: "issues", action: "opened", installation_id: 1, reason: "failed", delivered_at: "2026-12-05T10:00:00Z", requested_at: "2026-12-05T11:00:00Z", outcome: "requested", status_code: 202, error: null },
        { guid: "g-2", hook_delivery_id: 12, event: "push", action: null, installation_id: 1, reason: "never-stored", delivered_at: "2026-12-05T10:30:00Z", requested_at: "2026-12-05T11:01:00Z", outcome: "refused", status_code: 422, error: "Validation Failed" },
      ])
      .execute();
  });
});
afterAll(async () => {
  await cli?.drop();
});

describe("unsung jobs", () => {
  it("counts jobs by task and state", async () => {
    const r = await cli.run(["jobs", "--json"]);
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toEqual([
      { task: TASK.detectIssue, due: 0, scheduled: 1, running: 0, failed: 0 },
      { task: TASK.enrichPullRequest, due: 0, scheduled: 0, running: 0, failed: 1 },
      { task: TASK.processDelivery, due: 0, scheduled: 0, running: 0, failed: 1 },
    ]);
  });

  it("--failed lists the jobs that used up their attempts, with ids but no names from their payloads", async () => {
    const r = await cli.run(["jobs", "--failed"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(r.stdout).toMatch(/process-delivery {2}delivery d-failed {2}attempts 2\/2 {2}Error: boom at somewhere/);
    expect(r.stdout).toMatch(/enrich-pull-request {2}repository 77 {2}attempts 3\/3/);
    expect(r.stdout).not.toContain("secret-");
    const json = (await cli.run(["jobs", "--failed", "--json", "--limit", "1"])).stdout.trim().split("\n");
    expect(json).toHaveLength(1);
    expect(JSON.parse(json[0]!)).toMatchObject({ attempts: expect.any(Number) });
  });

  it("refuses bad flags before touching the database", async () => {
    expect(await cli.run(["jobs", "--limit", "0"])).toMatchObject({ code: 2 });
    expect(await cli.run(["jobs", "--nope"])).toMatchObject({ code: 2 });
  });
});

describe("unsung deliveries --redeliveries", () => {
  it("lists the sweeper's requests, newest first, with GitHub's answers", async () => {
    const r = await cli.run(["deliveries", "--redeliveries"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/g-2 {2}push {2}never-stored {2}refused \(422\) {2}delivered .* {2}Validation Failed$/);
    expect(lines[1]).toMatch(/g-1 {2}issues\.opened {2}failed {2}requested \(202\)/);
    const json = (await cli.run(["deliveries", "--redeliveries", "--json"])).stdout.trim().split("\n").map((l) => JSON.parse(l) as { guid: string });
    expect(json.map((j) => j.guid)).toEqual(["g-2", "g-1"]);
  });

  it("cannot be combined with --failed or --pending", async () => {
    const r = await cli.run(["deliveries", "--redeliveries", "--failed"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--failed and --redeliveries cannot be combined");
  });
});

describe("liveness figures for /metrics", () => {
  it("counts failed jobs by task, redeliveries by reason and answer, and live worker ids", async () => {
    const gauges = await cli.withDb((db) => readLivenessGauges(db));
    expect(gauges.map((g) => `${g.name}${g.labels ? JSON.stringify(g.labels) : ""} ${g.value}`)).toEqual([
      `unsung_jobs_failed{"task":"enrich-pull-request"} 1`,
      `unsung_jobs_failed{"task":"process-delivery"} 1`,
      `unsung_redeliveries{"reason":"failed","outcome":"requested"} 1`,
      `unsung_redeliveries{"reason":"never-stored","outcome":"refused"} 1`,
      "unsung_worker_ids 0",
    ]);
  });

  it("serves them on /metrics with their labels", async () => {
    const { body } = await cli.withDb((db) => renderMetrics(db));
    const lines = body.split("\n").filter((l) => /^unsung_(jobs_failed|redeliveries|worker_ids)[{ ]/.test(l));
    expect(lines).toEqual([
      'unsung_jobs_failed{task="enrich-pull-request"} 1',
      'unsung_jobs_failed{task="process-delivery"} 1',
      'unsung_redeliveries{reason="failed",outcome="requested"} 1',
      'unsung_redeliveries{reason="never-stored",outcome="refused"} 1',
      "unsung_worker_ids 0",
    ]);
  });
});
