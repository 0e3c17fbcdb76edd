/**
 * How the intake recorder groups deliveries into store statements: one starts
 * at once when none is in flight; deliveries arriving meanwhile wait for its
 * commit and share the next statement, unless a full batch is waiting or the
 * statement in flight is slow, when a second one starts.
 */
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from "kysely";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeliveryRecorder } from "../../src/services/record-delivery.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

/** Holds back the answer of each statement that stored an id starting with `slow-` (the database itself is not held up). */
function slowed(holdMs: number) {
  const plugin: KyselyPlugin = {
    transformQuery: (args: PluginTransformQueryArgs): RootOperationNode => args.node,
    async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      if (JSON.stringify(args.result.rows).includes('"slow-')) await new Promise((r) => setTimeout(r, holdMs));
      return args.result;
    },
  };
  return database.db.withPlugin(plugin);
}

/** Store statements (each its own transaction) that wrote the deliveries whose ids start with `prefix`. */
async function statements(prefix: string): Promise<number> {
  const r = await sql<{ n: number }>`select count(distinct xmin::text)::int as n from deliveries where id like ${prefix + "%"}`.execute(database.db);
  return r.rows[0]!.n;
}

const issue = (id: string) => ({ id, event: "issues", payload: { action: "opened" } });

describe("the intake recorder's statements", () => {
  it("stores what arrives while a statement is in flight together, in one next statement", async () => {
    const recorder = createDeliveryRecorder(database.db, 3, { dispatchEveryMs: 60_000, overlapAfterMs: 60_000 });
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => recorder.record(issue(`together-${i}`))));
    expect(outcomes).toEqual(Array.from({ length: 10 }, () => "stored"));
    // The first alone, the nine that came while it was in flight in one more.
    expect(await statements("together-")).toBe(2);
    await recorder.close();
  });

  it("starts a second statement at once for a full batch, without waiting for a slow one", async () => {
    const recorder = createDeliveryRecorder(slowed(1_000), 3, { dispatchEveryMs: 60_000, overlapAfterMs: 60_000, maxBatch: 3 });
    const done: string[] = [];
    const slow = recorder.record(issue("slow-full")).then(() => done.push("slow-full"));
    const full = Promise.all(["full-1", "full-2", "full-3"].map((id) => recorder.record(issue(id)).then(() => done.push(id))));
    await full;
    expect([...done].sort()).toEqual(["full-1", "full-2", "full-3"]);
    await slow;
    expect(done).toHaveLength(4);
    await recorder.close();
  });

  it("starts a second statement once the one in flight has taken overlapAfterMs", async () => {
    const recorder = createDeliveryRecorder(slowed(1_000), 3, { dispatchEveryMs: 60_000, overlapAfterMs: 20 });
    const done: string[] = [];
    const slow = recorder.record(issue("slow-late")).then(() => done.push("slow-late"));
    await new Promise((r) => setTimeout(r, 1));
    const t0 = performance.now();
    expect(await recorder.record(issue("behind-slow"))).toBe("stored");
    expect(performance.now() - t0).toBeLessThan(900);
    expect(done).toEqual([]);
    await slow;
    expect(await statements("slow-late")).toBe(1);
    expect(await statements("behind-slow")).toBe(1);
    await recorder.close();
  });
});
