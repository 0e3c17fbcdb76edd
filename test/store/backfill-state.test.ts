/**
 * A backfill stopped while its run is still reading (the repository removed from the
 * installation) stays stopped when that run ends, fails or pauses; a new request restarts it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setBackfillState, stopBackfills } from "../../src/store/backfill-state.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

let database: TestDatabase;
const REPO = 940_001;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.drop());

const stateOf = async () => database.db.selectFrom("backfills").select(["state", "last_error"]).where("repository_id", "=", REPO).executeTakeFirstOrThrow();

describe("setBackfillState after a stop", () => {
  it("a run that fails, waits or finishes after its backfill was stopped leaves it stopped", async () => {
    await database.db
      .insertInto("backfills")
      .values({ repository_id: REPO, installation_id: 77, full_name: "acme/cart", since: "2026-01-01", until: "2026-02-01", state: "running", requested_by: "install", requested_at: "2026-01-01", updated_at: "2026-01-01" })
      .execute();
    expect(await stopBackfills(database.db, { repositoryIds: [REPO] }, "2026-01-02T00:00:00Z")).toEqual([REPO]);
    await setBackfillState(database.db, REPO, "failed", "2026-01-02T00:00:01Z", { error: "acme/cart is not found, or the app can no longer read it" });
    expect(await stateOf()).toEqual({ state: "stopped", last_error: null });
    await setBackfillState(database.db, REPO, "waiting", "2026-01-02T00:00:02Z", { waitUntil: "2026-01-02T01:00:00Z", error: "rate limited" });
    await setBackfillState(database.db, REPO, "done", "2026-01-02T00:00:03Z");
    expect(await stateOf()).toEqual({ state: "stopped", last_error: null });
  });

  it("a new request's run may start it again, and then end it", async () => {
    await setBackfillState(database.db, REPO, "running", "2026-01-03T00:00:00Z");
    expect((await stateOf()).state).toBe("running");
    await setBackfillState(database.db, REPO, "failed", "2026-01-03T00:00:01Z", { error: "boom" });
    expect(await stateOf()).toEqual({ state: "failed", last_error: "boom" });
  });
});
