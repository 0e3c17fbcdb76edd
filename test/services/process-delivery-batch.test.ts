import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { processDeliveryBatch, TakenByBatch } from "../../src/services/process-delivery-batch.js";
import { recordDelivery } from "../../src/services/record-delivery.js";
import { example } from "../helpers/examples.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});
beforeEach(async () => {
  await sql`truncate deliveries, issues, people, repositories`.execute(database.db);
  await sql`delete from graphile_worker._private_jobs`.execute(database.db);
});

const deps = () => ({ db: database.db, now: () => new Date("2026-08-01T00:00:00Z"), detectDebounceSeconds: 0 });
const first = { number: 1, max: 3 };

function issue(n: number): Record<string, unknown> {
  const p = example("issues", "opened");
  const i = p.issue as Record<string, unknown>;
  i.id = 700_000 + n;
  i.number = n;
  i.title = `Issue ${n}`;
  return p;
}

async function statuses(): Promise<Record<string, { status: string; attempts: number }>> {
  const rows = await database.db.selectFrom("deliveries").select(["id", "status", "attempts"]).execute();
  return Object.fromEntries(rows.map((r) => [r.id, { status: r.status, attempts: r.attempts }]));
}

describe("processing deliveries in batches", () => {
  it("processes the job's delivery and other pending ones in one go; their own jobs then find them done", async () => {
    for (let n = 1; n <= 5; n++) await recordDelivery(database.db, { id: `d${n}`, event: "issues", payload: issue(n) }, 3);
    expect(await processDeliveryBatch(deps(), "d3", first)).toBe("processed");
    const s = await statuses();
    for (let n = 1; n <= 5; n++) expect(s[`d${n}`], `d${n}`).toEqual({ status: "processed", attempts: 1 });
    expect((await database.db.selectFrom("issues").select("number").orderBy("number").execute()).map((r) => r.number)).toEqual([1, 2, 3, 4, 5]);
    expect(await processDeliveryBatch(deps(), "d5", first)).toBe("already-processed");
    expect((await statuses()).d5).toEqual({ status: "processed", attempts: 1 });
  });

  it("remembers what its batches took, so their jobs skip the read, each once: a reprocessed delivery is still processed", async () => {
    const taken = new TakenByBatch();
    for (let n = 1; n <= 4; n++) await recordDelivery(database.db, { id: `t${n}`, event: "issues", payload: issue(n) }, 3);
    expect(await processDeliveryBatch(deps(), "t1", first, 100, taken)).toBe("processed");
    // t4's delivery is reset and enqueued again (unsung reprocess) before its first job ran.
    await database.db.updateTable("deliveries").set({ status: "pending" }).where("id", "=", "t4").execute();
    // One of its two jobs skips (the batch took it); the other reads the status and processes it.
    expect(await processDeliveryBatch(deps(), "t4", first, 100, taken)).toBe("already-processed");
    expect(await processDeliveryBatch(deps(), "t4", first, 100, taken)).toBe("processed");
    expect((await statuses()).t4).toEqual({ status: "processed", attempts: 2 });
    // The job's own delivery is not remembered: its job is the one that ran.
    expect(taken.take("t1")).toBe(false);
    expect(taken.take("t2")).toBe(true);
    expect(taken.take("t2")).toBe(false);
  });

  it("forgets the oldest ids beyond its bound", () => {
    const taken = new TakenByBatch(2);
    for (const id of ["a", "b", "c"]) taken.add(id);
    expect([taken.take("a"), taken.take("b"), taken.take("c")]).toEqual([false, true, true]);
  });

  it("parks a malformed delivery in the batch and processes the rest", async () => {
    await recordDelivery(database.db, { id: "ok-1", event: "issues", payload: issue(1) }, 3);
    await recordDelivery(database.db, { id: "bad", event: "issues", payload: { action: "opened", repository: issue(1).repository } }, 3);
    await recordDelivery(database.db, { id: "ok-2", event: "issues", payload: issue(2) }, 3);
    expect(await processDeliveryBatch(deps(), "ok-1", first)).toBe("processed");
    const s = await statuses();
    expect(s["ok-1"]!.status).toBe("processed");
    expect(s["ok-2"]!.status).toBe("processed");
    expect(s.bad).toEqual({ status: "failed", attempts: 1 });
    expect(await processDeliveryBatch(deps(), "bad", first)).toBe("parked");
  });

  it("keeps the newest state when a batch holds an older delivery after a newer one", async () => {
    const newer = issue(9);
    (newer.issue as Record<string, unknown>).title = "Newer title";
    (newer.issue as Record<string, unknown>).updated_at = "2026-07-02T00:00:00Z";
    const older = issue(9);
    (older.issue as Record<string, unknown>).title = "Older title";
    (older.issue as Record<string, unknown>).updated_at = "2026-07-01T00:00:00Z";
    await recordDelivery(database.db, { id: "newer", event: "issues", payload: newer }, 3);
    await recordDelivery(database.db, { id: "older", event: "issues", payload: older }, 3);
    await processDeliveryBatch(deps(), "newer", first);
    expect((await database.db.selectFrom("issues").select("title").where("number", "=", 9).executeTakeFirstOrThrow()).title).toBe("Newer title");
  });

  it("lets concurrent batches share the backlog without processing anything twice", async () => {
    for (let n = 1; n <= 60; n++) await recordDelivery(database.db, { id: `c${n}`, event: "issues", payload: issue(n) }, 3);
    const outcomes = await Promise.all([1, 20, 40, 60].map((n) => processDeliveryBatch(deps(), `c${n}`, first, 25)));
    for (const o of outcomes) expect(["processed", "already-processed"]).toContain(o);
    // What the first round left pending is taken by the remaining jobs.
    for (let n = 1; n <= 60; n++) await processDeliveryBatch(deps(), `c${n}`, first, 25);
    const s = await statuses();
    for (let n = 1; n <= 60; n++) expect(s[`c${n}`], `c${n}`).toEqual({ status: "processed", attempts: 1 });
  });

  it("processes a retried delivery alone, so its error is its own", async () => {
    await recordDelivery(database.db, { id: "r1", event: "issues", payload: issue(1) }, 3);
    await recordDelivery(database.db, { id: "r2", event: "issues", payload: issue(2) }, 3);
    expect(await processDeliveryBatch(deps(), "r1", { number: 2, max: 3 })).toBe("processed");
    const s = await statuses();
    expect(s.r1).toEqual({ status: "processed", attempts: 2 });
    expect(s.r2).toEqual({ status: "pending", attempts: 0 });
  });
});
