/**
 * Two detector runs for one source at once (a webhook's job and a recheck, a backfill and a
 * rescore): the one that starts later must read what the earlier one wrote, and its conclusions
 * are the ones kept. Without a lock, a run that read before a change and writes after a later
 * run would leave conclusions drawn from data that no longer holds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Kysely } from "kysely";
import type { Contribution } from "../../src/core/model.js";
import type { DB } from "../../src/store/schema.js";
import { redetectSource, toContribution } from "../../src/store/upsert-contributions.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await database.db
    .insertInto("people")
    .values({ id: 7001, login: "dana", type: "User", is_bot: false, is_ghost: false, name: "first reading", previous_logins: "[]", seen_at: "2026-08-01T00:00:00Z" })
    .execute();
});
afterAll(async () => database?.drop());

const SOURCE = "pr:901:5";
const AT = "2026-08-10T00:00:00.000Z";

/** The contribution a run concludes from what it read (the person's name stands in for the pull request's data). */
function concluded(reading: string): Contribution {
  return toContribution({
    key: `docs:901:5:${reading}`,
    kind: "docs",
    person_id: 7001,
    person_login: "dana",
    repository_id: 901,
    repository_full_name: "acme/site",
    repository_private: false,
    subject_type: "pull_request",
    subject_id: "5",
    subject_title: reading,
    subject_url: "https://github.com/acme/site/pull/5",
    occurred_at: AT,
    score: 60,
    confidence: 0.9,
    level: null,
    dynamics: "compounding",
    evidence: [`read: ${reading}`],
    formula: { friction: "", change: "", improvement: "", beneficiaries: [], proof: [] },
    detail: {},
    detector: "change-kind",
    detector_version: 1,
    source_key: SOURCE,
    computed_at: AT,
  } as never);
}

const read = async (db: Kysely<DB>) => (await db.selectFrom("people").select("name").where("id", "=", 7001).executeTakeFirstOrThrow()).name ?? "";

describe("redetectSource: one run per source at a time", () => {
  it("a run that read before a change never overwrites the conclusions of a run that read after it", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let readFirst!: () => void;
    const firstHasRead = new Promise<void>((r) => (readFirst = r));
    const first = redetectSource(database.db, SOURCE, () => AT, async (trx) => {
      const reading = await read(trx);
      readFirst();
      await gate; // still deciding when the data changes and a second run starts
      return [concluded(reading)];
    });
    await firstHasRead;
    const changed = database.db.updateTable("people").set({ name: "second reading" }).where("id", "=", 7001).execute();
    const second = redetectSource(database.db, SOURCE, () => AT, async (trx) => [concluded(await read(trx))]);
    // Give the second run every chance to finish first, as it would without the lock.
    await new Promise((r) => setTimeout(r, 300));
    release();
    const [a, , b] = await Promise.all([first, changed, second]);
    expect(a?.map((c) => c.subjectTitle)).toEqual(["first reading"]);
    expect(b?.map((c) => c.subjectTitle)).toEqual(["second reading"]);
    const stored = await database.db.selectFrom("contributions").select("subject_title").where("source_key", "=", SOURCE).execute();
    expect(stored.map((r) => r.subject_title)).toEqual(["second reading"]);
  });

  it("stores nothing when the run finds nothing to decide, and keeps what was there", async () => {
    expect(await redetectSource(database.db, SOURCE, () => AT, async () => null)).toBeNull();
    expect(await database.db.selectFrom("contributions").select("subject_title").where("source_key", "=", SOURCE).execute()).toEqual([{ subject_title: "second reading" }]);
  });

  it("a run that fails stores nothing and releases the source for the next", async () => {
    await expect(redetectSource(database.db, SOURCE, () => AT, async () => Promise.reject(new Error("bundle unreadable")))).rejects.toThrow("bundle unreadable");
    const next = await redetectSource(database.db, SOURCE, () => AT, async () => []);
    expect(next).toEqual([]);
    expect(await database.db.selectFrom("contributions").select("key").where("source_key", "=", SOURCE).execute()).toEqual([]);
  });
});
