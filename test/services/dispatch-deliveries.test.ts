/**
 * The web process stores deliveries without their jobs (so intake commits
 * need not NOTIFY) and then adds one `process-deliveries` job per batch of
 * stored ids: each stored delivery is in exactly one job, its row is written
 * once, a failed add is retried, and deliveries whose job was never added
 * (the process died) are processed by the stale-delivery sweep, once, also
 * when two sweeps race.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processDeliveryIds, processStaleDeliveries } from "../../src/services/process-delivery-batch.js";
import { addDeliveryJobs, createDeliveryRecorder, IDS_PER_JOB } from "../../src/services/record-delivery.js";
import { deliveryIdsOf } from "../../src/worker/create-task-list.js";
import { example } from "../helpers/examples.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

/** The ids in process-deliveries jobs, one entry per appearance. */
const idsInJobs = async (prefix: string) =>
  (
    await sql<{ id: string }>`select x.id from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id,
        json_array_elements_text(j.payload->'deliveryIds') as x(id)
        where t.identifier = 'process-deliveries' and x.id like ${prefix + "%"} order by 1`.execute(database.db)
  ).rows.map((r) => r.id);

const deps = () => ({ db: database.db, now: () => new Date("2026-08-01T00:00:00Z"), detectDebounceSeconds: 0 });

describe("adding the jobs of stored deliveries", () => {
  it("the recorder answers once stored, then adds jobs that cover each new delivery once, and writes no row twice", async () => {
    const recorder = createDeliveryRecorder(database.db, 3, { dispatchEveryMs: 60_000 });
    const outcomes = await Promise.all([
      ...Array.from({ length: 30 }, (_, i) => recorder.record({ id: `rec-${String(i).padStart(2, "0")}`, event: "issues", payload: { action: "opened" } })),
      recorder.record({ id: "rec-00", event: "issues", payload: { action: "opened" } }),
    ]);
    expect(outcomes.filter((o) => o === "stored")).toHaveLength(30);
    expect(outcomes.filter((o) => o === "duplicate")).toHaveLength(1);
    await recorder.flush();
    expect(await idsInJobs("rec-")).toEqual(Array.from({ length: 30 }, (_, i) => `rec-${String(i).padStart(2, "0")}`));
    // Each row is as intake inserted it: no transaction updated or locked it since.
    const updated = await sql<{ n: number }>`select count(*)::int as n from deliveries where id like 'rec-%' and xmax::text <> '0'`.execute(database.db);
    expect(updated.rows[0]!.n).toBe(0);
    await recorder.close();
  });

  it(`puts at most ${IDS_PER_JOB} ids in one job`, async () => {
    const ids = Array.from({ length: 250 }, (_, i) => `many-${String(i).padStart(3, "0")}`);
    await addDeliveryJobs(database.db, ids, 3);
    const sizes = await sql<{ n: number }>`select json_array_length(payload->'deliveryIds')::int as n from graphile_worker._private_jobs
        where payload->'deliveryIds'->>0 like 'many-%' order by id`.execute(database.db);
    expect(sizes.rows.map((r) => r.n)).toEqual([100, 100, 50]);
    expect(await idsInJobs("many-")).toEqual(ids);
  });

  it("a failed add leaves the deliveries stored and pending, and is retried", async () => {
    const errors: unknown[] = [];
    await sql`create or replace function refuse_jobs() returns trigger language plpgsql as $$
      begin if new.payload::text like '%blocked-%' then raise exception 'simulated queue failure'; end if; return new; end $$`.execute(database.db);
    await sql`create trigger refuse_jobs before insert on graphile_worker._private_jobs for each row execute function refuse_jobs()`.execute(database.db);
    const recorder = createDeliveryRecorder(database.db, 3, { dispatchEveryMs: 60_000, onDispatchError: (e) => errors.push(e) });
    try {
      expect(await recorder.record({ id: "blocked-1", event: "issues", payload: { action: "opened" } })).toBe("stored");
      await recorder.flush();
      expect(errors.length).toBeGreaterThan(0);
      expect(String(errors[0])).toContain("simulated queue failure");
      expect(await idsInJobs("blocked-")).toEqual([]);
      const row = await database.db.selectFrom("deliveries").select(["status", "attempts"]).where("id", "=", "blocked-1").executeTakeFirstOrThrow();
      expect(row).toEqual({ status: "pending", attempts: 0 });
    } finally {
      await sql`drop trigger refuse_jobs on graphile_worker._private_jobs`.execute(database.db);
    }
    await recorder.flush();
    expect(await idsInJobs("blocked-")).toEqual(["blocked-1"]);
    await recorder.close();
  });
});

describe("deliveries whose job was never added", () => {
  it("are processed by the stale sweep once they are a minute old, each once, also with two sweeps racing", async () => {
    // As a store whose process was killed before it added the jobs: 250 old, one fresh.
    await sql`insert into deliveries (id, event, payload, payload_bytes, received_at)
      select 'orphan-' || lpad(g::text, 3, '0'), 'ping', '{"zen":"z"}', 11, now() - interval '5 minutes' from generate_series(1, 250) g`.execute(database.db);
    await sql`insert into deliveries (id, event, payload, payload_bytes) values ('orphan-fresh', 'ping', '{"zen":"z"}', 11)`.execute(database.db);
    // One that failed once is on its own job's retries: not the sweep's.
    await sql`insert into deliveries (id, event, payload, payload_bytes, received_at, attempts, last_error)
      values ('orphan-retrying', 'ping', '{"zen":"z"}', 11, now() - interval '5 minutes', 1, 'Error: earlier')`.execute(database.db);
    const [a, b] = await Promise.all([processStaleDeliveries(deps(), 3, { batchSize: 40 }), processStaleDeliveries(deps(), 3, { batchSize: 40 })]);
    expect(a + b).toBe(250);
    const rows = await sql<{ status: string; attempts: number; n: number }>`
      select status, attempts, count(*)::int as n from deliveries where id like 'orphan-%' group by 1, 2 order by 1, 2`.execute(database.db);
    expect(rows.rows).toEqual([
      { status: "ignored", attempts: 1, n: 250 },
      { status: "pending", attempts: 0, n: 1 },
      { status: "pending", attempts: 1, n: 1 },
    ]);
    expect(await processStaleDeliveries(deps(), 3)).toBe(0);
  });
});

describe("a process-deliveries job", () => {
  it("processes the pending deliveries of its list only, and finds nothing to do when it runs again", async () => {
    const issue = (n: number) => {
      const p = example("issues", "opened");
      (p.issue as Record<string, unknown>).id = 900_000 + n;
      (p.issue as Record<string, unknown>).number = 9_000 + n;
      return JSON.stringify(p);
    };
    for (const n of [1, 2, 3]) {
      await sql`insert into deliveries (id, event, payload, payload_bytes) values (${`list-${n}`}, 'issues', ${issue(n)}, 1)`.execute(database.db);
    }
    expect(await processDeliveryIds(deps(), ["list-1", "list-2", "list-missing"], 3)).toBe(2);
    const s = await database.db.selectFrom("deliveries").select(["id", "status"]).where("id", "like", "list-%").orderBy("id").execute();
    expect(s).toEqual([
      { id: "list-1", status: "processed" },
      { id: "list-2", status: "processed" },
      { id: "list-3", status: "pending" },
    ]);
    expect(await processDeliveryIds(deps(), ["list-1", "list-2"], 3)).toBe(0);
  });

  it("hands every delivery it claimed off to a job of its own when the batch fails, once however often it fails", async () => {
    const issue = (n: number) => {
      const p = example("issues", "opened");
      (p.issue as Record<string, unknown>).id = 950_000 + n;
      (p.issue as Record<string, unknown>).number = 9_500 + n;
      return JSON.stringify(p);
    };
    for (const n of [1, 2]) await sql`insert into deliveries (id, event, payload, payload_bytes) values (${`fail-${n}`}, 'issues', ${issue(n)}, 1)`.execute(database.db);
    await sql`create or replace function refuse_issue() returns trigger language plpgsql as $$
      begin if new.number = 9501 then raise exception 'simulated fact failure'; end if; return new; end $$`.execute(database.db);
    await sql`create trigger refuse_issue before insert or update on issues for each row execute function refuse_issue()`.execute(database.db);
    try {
      expect(await processDeliveryIds(deps(), ["fail-1", "fail-2"], 4)).toBe(2);
      expect(await processDeliveryIds(deps(), ["fail-1", "fail-2"], 4)).toBe(2);
    } finally {
      await sql`drop trigger refuse_issue on issues`.execute(database.db);
    }
    const jobs = await sql<{ key: string; payload: unknown; max_attempts: number }>`
      select j.key, j.payload, j.max_attempts from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
      where t.identifier = 'process-delivery' and j.payload->>'deliveryId' like 'fail-%' order by j.key`.execute(database.db);
    expect(jobs.rows).toEqual([
      { key: "process-delivery:fail-1", payload: { deliveryId: "fail-1", alone: true }, max_attempts: 4 },
      { key: "process-delivery:fail-2", payload: { deliveryId: "fail-2", alone: true }, max_attempts: 4 },
    ]);
    // Nothing was written for either: both still pending, never attempted.
    const s = await database.db.selectFrom("deliveries").select(["status", "attempts"]).where("id", "like", "fail-%").execute();
    expect(s).toEqual([
      { status: "pending", attempts: 0 },
      { status: "pending", attempts: 0 },
    ]);
  });

  it.each([
    ["no payload", null],
    ["no list", { deliveryId: "x" }],
    ["a list of numbers", { deliveryIds: [1, 2] }],
    ["an empty id", { deliveryIds: [""] }],
    ["an id of 10 KB", { deliveryIds: ["x".repeat(10_000)] }],
    ["more than a thousand ids", { deliveryIds: Array.from({ length: 1001 }, (_, i) => `d${i}`) }],
  ])("refuses a job payload with %s", (_name, payload) => {
    expect(() => deliveryIdsOf(payload)).toThrow(/no list of delivery ids/);
  });
});
