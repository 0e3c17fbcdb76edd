/**
 * Property-based test of processing on the real database: real webhook
 * payloads mutated (fields missing, null, of the wrong type, extra, huge
 * strings, unicode) are stored through the intake and processed as the
 * worker does, alone and in batches. Each delivery ends processed or parked
 * with an error in words — never left pending, never a crash — and a parked
 * one writes nothing: no fact, no follow-up job. Bounded runs, fixed seed.
 */
import fc from "fast-check";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MalformedPayloadError } from "../../src/github/normalise-delivery.js";
import { normaliseStored, processDelivery } from "../../src/services/process-delivery.js";
import { processDeliveryBatch } from "../../src/services/process-delivery-batch.js";
import { recordDelivery } from "../../src/services/record-delivery.js";
import { example } from "../helpers/examples.js";
import { factSnapshot } from "../helpers/fact-snapshot.js";
import { fuzz, mutatedPayload } from "../helpers/fuzz.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

const BASES = [
  { event: "pull_request", payload: example("pull_request", "opened") },
  { event: "issues", payload: example("issues", "opened") },
  { event: "issue_comment", payload: example("issue_comment", "created") },
  { event: "pull_request_review", payload: example("pull_request_review", "submitted") },
  { event: "push", payload: example("push") },
];

const delivery = fc.nat({ max: BASES.length - 1 }).chain((i) => mutatedPayload(BASES[i]!.payload).map((payload) => ({ event: BASES[i]!.event, payload })));
const deps = () => ({ db: database.db, now: () => new Date("2026-12-06T00:00:00Z"), detectDebounceSeconds: 0 });
let n = 0;

async function jobCount(): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id where t.identifier <> 'process-delivery'`.execute(database.db);
  return r.rows[0]!.n;
}

async function statusOf(id: string) {
  return database.db.selectFrom("deliveries").select(["status", "last_error"]).where("id", "=", id).executeTakeFirstOrThrow();
}

describe("processing mutated payloads", () => {
  it("one at a time: processed, or parked with an error and nothing written", async () => {
    const seen = { processed: 0, failed: 0 };
    await fc.assert(
      fc.asyncProperty(delivery, async ({ event, payload }) => {
        const id = `fuzz-${++n}`;
        expect(await recordDelivery(database.db, { id, event, payload }, 1)).toBe("stored");
        const facts = await factSnapshot(database.db);
        const jobs = await jobCount();
        const outcome = await processDelivery(deps(), id, { number: 1, max: 1 });
        const s = await statusOf(id);
        expect(["processed", "failed"]).toContain(s.status);
        if (s.status === "failed") {
          seen.failed++;
          expect(outcome).toBe("parked");
          expect(s.last_error?.length ?? 0).toBeGreaterThan(0);
          expect(await factSnapshot(database.db)).toEqual(facts);
          expect(await jobCount()).toBe(jobs);
        } else seen.processed++;
      }),
      fuzz(40),
    );
    expect(seen.processed).toBeGreaterThan(0);
    expect(seen.failed).toBeGreaterThan(0);
  });

  it("in batches: a bad delivery is parked without failing the good ones taken with it", async () => {
    let good = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(delivery, { minLength: 2, maxLength: 5 }), async (list) => {
        const ids: string[] = [];
        for (const d of list) {
          const id = `fuzz-${++n}`;
          await recordDelivery(database.db, { id, event: d.event, payload: d.payload }, 1);
          ids.push(id);
        }
        await processDeliveryBatch(deps(), ids[0]!, { number: 1, max: 1 }, 10);
        // Whatever the batch left (it falls back to one at a time when it fails as a whole), each delivery's own job finishes.
        for (const id of ids) await processDelivery(deps(), id, { number: 1, max: 1 });
        for (const id of ids) {
          const s = await statusOf(id);
          const row = await database.db.selectFrom("deliveries").select(["id", "event", "payload", "received_at"]).where("id", "=", id).executeTakeFirstOrThrow();
          let normalises = true;
          try {
            normaliseStored(row);
          } catch (err) {
            if (!(err instanceof MalformedPayloadError)) throw err;
            normalises = false;
          }
          // A delivery that normalises is processed, whatever else was in its batch; one that does not is parked.
          expect(s.status).toBe(normalises ? "processed" : "failed");
          if (normalises) good++;
          else expect(s.last_error?.length ?? 0).toBeGreaterThan(0);
        }
      }),
      fuzz(15),
    );
    expect(good).toBeGreaterThan(0);
  });
});
