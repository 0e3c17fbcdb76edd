/**
 * The web process stores deliveries without their jobs (so intake commits
 * need not NOTIFY) and a dispatcher adds them: each stored delivery gets
 * exactly one processing job, also when two dispatchers race, in batches, and
 * after a process that stored deliveries died before dispatching them.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeliveryRecorder, dispatchDeliveries } from "../../src/services/record-delivery.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const jobsFor = async (prefix: string) =>
  (
    await sql<{ id: string }>`select j.payload->>'deliveryId' as id from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
        where t.identifier = 'process-delivery' and j.payload->>'deliveryId' like ${prefix + "%"} order by 1`.execute(database.db)
  ).rows.map((r) => r.id);

describe("dispatching stored deliveries", () => {
  it("the recorder answers once stored, then adds one job per new delivery", async () => {
    const recorder = createDeliveryRecorder(database.db, 3, { dispatchEveryMs: 60_000 });
    const outcomes = await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => recorder.record({ id: `rec-${String(i).padStart(2, "0")}`, event: "issues", payload: { action: "opened" } })),
      recorder.record({ id: "rec-00", event: "issues", payload: { action: "opened" } }),
    ]);
    expect(outcomes.filter((o) => o === "stored")).toHaveLength(30);
    expect(outcomes.filter((o) => o === "duplicate")).toHaveLength(1);
    await recorder.flush();
    expect(await jobsFor("rec-")).toEqual(Array.from({ length: 30 }, (_, i) => `rec-${String(i).padStart(2, "0")}`));
    await recorder.close();
  });

  it("deliveries left unqueued by a process that died are queued by the next recorder, once, even with two dispatchers racing", async () => {
    // As a store whose process was killed before it dispatched.
    await sql`insert into deliveries (id, event, payload, payload_bytes, queued)
      select 'orphan-' || lpad(g::text, 3, '0'), 'issues', '{}', 2, false from generate_series(1, 250) g`.execute(database.db);
    expect(await jobsFor("orphan-")).toEqual([]);
    const [a, b] = await Promise.all([dispatchDeliveries(database.db, 3, 40), dispatchDeliveries(database.db, 3, 40)]);
    expect(a + b).toBe(250);
    const jobs = await jobsFor("orphan-");
    expect(jobs).toHaveLength(250);
    expect(new Set(jobs).size).toBe(250);
    expect(await dispatchDeliveries(database.db, 3)).toBe(0);
    // A fresh recorder dispatches what it finds when it starts.
    await sql`insert into deliveries (id, event, payload, payload_bytes, queued) values ('orphan-late', 'issues', '{}', 2, false)`.execute(database.db);
    const recorder = createDeliveryRecorder(database.db, 3, { dispatchEveryMs: 60_000 });
    await recorder.flush();
    expect(await jobsFor("orphan-late")).toEqual(["orphan-late"]);
    await recorder.close();
  });

  it("a dispatch that fails leaves the deliveries stored and unqueued, for the next one", async () => {
    const errors: unknown[] = [];
    // Make the dispatcher's UPDATE fail for these rows only.
    await sql`create or replace function refuse_queue() returns trigger language plpgsql as $$
      begin if new.id like 'blocked-%' and new.queued then raise exception 'simulated dispatch failure'; end if; return new; end $$`.execute(database.db);
    await sql`create trigger refuse_queue before update on deliveries for each row execute function refuse_queue()`.execute(database.db);
    const recorder = createDeliveryRecorder(database.db, 3, { dispatchEveryMs: 60_000, onDispatchError: (e) => errors.push(e) });
    try {
      expect(await recorder.record({ id: "blocked-1", event: "issues", payload: { action: "opened" } })).toBe("stored");
      await recorder.flush();
      expect(errors.length).toBeGreaterThan(0);
      expect(String(errors[0])).toContain("simulated dispatch failure");
      expect(await jobsFor("blocked-")).toEqual([]);
      const row = await database.db.selectFrom("deliveries").select(["queued", "status"]).where("id", "=", "blocked-1").executeTakeFirstOrThrow();
      expect(row).toEqual({ queued: false, status: "pending" });
    } finally {
      await sql`drop trigger refuse_queue on deliveries`.execute(database.db);
    }
    await recorder.flush();
    expect(await jobsFor("blocked-")).toEqual(["blocked-1"]);
    await recorder.close();
  });
});
