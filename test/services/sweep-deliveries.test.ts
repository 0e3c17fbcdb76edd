/**
 * The redelivery sweeper against a nock-mocked delivery log: pages followed by
 * the cursor of the Link header; deliveries that failed, that GitHub saw
 * answered but we never stored, and fine ones told apart; 404 and 422 on the
 * redelivery request recorded and not asked again without end; a rate limit
 * that would hold the worker throws a wait (requests made so far kept); hostile
 * and malformed answers (a body that is no list, broken items, a Link to
 * another host, a cursor loop) handled with a clear error or skipped. Time is
 * a fake clock.
 */
import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ApiClient, RateLimitWait } from "../../src/github/api-client.js";
import { MalformedDeliveryLogError } from "../../src/github/hook-deliveries.js";
import { recordDelivery } from "../../src/services/record-delivery.js";
import { sweepDeliveries, type SweepDeps } from "../../src/services/sweep-deliveries.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

const API = "https://api.github.com";
const NOW = Date.parse("2026-12-06T12:00:00Z");
const HOUR = 3_600_000;
let clock = NOW;
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});
beforeEach(async () => {
  clock = NOW;
  nock.disableNetConnect();
  await database.db.deleteFrom("redeliveries").execute();
  await database.db.deleteFrom("deliveries").execute();
  await database.db.deleteFrom("erasures").execute();
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  expect(pending, "every mocked GitHub call was made").toEqual([]);
});

let nextId = 1000;
function attempt(guid: string, o: { hoursAgo?: number; code?: number; status?: string; installation?: number | null; repository?: number | null; redelivery?: boolean } = {}) {
  return {
    id: nextId++,
    guid,
    delivered_at: new Date(NOW - (o.hoursAgo ?? 1) * HOUR).toISOString(),
    redelivery: o.redelivery ?? false,
    duration: 0.3,
    status: o.status ?? (o.code === undefined || o.code < 400 ? "OK" : `Invalid HTTP Response: ${o.code}`),
    status_code: o.code ?? 202,
    event: "issues",
    action: "opened",
    installation_id: o.installation === undefined ? 42 : o.installation,
    repository_id: o.repository === undefined ? 7 : o.repository,
    url: "",
  };
}

function api(maxInlineWaitMs = 30_000) {
  return new ApiClient({
    baseUrl: API,
    auth: { label: "the GitHub App", scheme: "bearer", token: async () => "app-jwt" },
    now: () => clock,
    sleep: async (ms) => void (clock += ms),
    policy: { maxInlineWaitMs, backoffMs: 10 },
  });
}

function deps(over: Partial<SweepDeps> = {}): SweepDeps {
  return { db: database.db, api: api(), now: () => new Date(clock), ...over };
}

const store = (guid: string) => recordDelivery(database.db, { id: guid, event: "issues", payload: { action: "opened" } }, 3);
const link = (cursor: string, host = "api.github.com") => ({ link: `<https://${host}/app/hook/deliveries?per_page=100&cursor=${cursor}>; rel="next"` });
const log = () => nock(API, { reqheaders: { authorization: "bearer app-jwt" } });

async function recorded() {
  return database.db.selectFrom("redeliveries").select(["guid", "hook_delivery_id", "reason", "outcome", "status_code"]).orderBy("id").execute();
}

describe("sweepDeliveries", () => {
  it("follows the log's pages and asks for the failed and the never-stored deliveries only", async () => {
    await store("g-fine");
    await store("g-failed-then-stored");
    const failed = attempt("g-failed", { code: 500, hoursAgo: 5 });
    const neverStored = attempt("g-never-stored", { code: 202, hoursAgo: 2 });
    const failedTwice = [attempt("g-twice", { code: 503, hoursAgo: 30 }), attempt("g-twice", { code: 0, status: "timed out", hoursAgo: 29, redelivery: true })];
    const old = attempt("g-old", { code: 500, hoursAgo: 80 });
    log().get("/app/hook/deliveries").query({ per_page: "100" }).reply(200, [attempt("g-fine"), neverStored, failed, attempt("g-failed-then-stored", { code: 500 })], link("v1_p2"));
    log()
      .get("/app/hook/deliveries")
      .query({ per_page: "100", cursor: "v1_p2" })
      .reply(200, [failedTwice[1], failedTwice[0], attempt("g-erased", { code: 500, installation: 99 }), old], link("v1_p3"));
    // Page 3 is never read: page 2 reached past the window.
    await database.db.insertInto("erasures").values({ scope: "installation", subject_id: 99, reason: "uninstalled", status: "scheduled", requested_at: new Date(NOW).toISOString(), due_at: new Date(NOW + 7 * 24 * HOUR).toISOString() } as never).execute();
    const asked: number[] = [];
    log()
      .post(/^\/app\/hook\/deliveries\/\d+\/attempts$/)
      .times(3)
      .reply(202, (uri) => {
        asked.push(Number(uri.split("/")[4]));
        return {};
      });

    const r = await sweepDeliveries(deps());
    expect(r).toMatchObject({ pages: 2, guids: 7, stored: 2, failed: 2, neverStored: 1, tooOld: 1, erased: 1, requested: 3, malformed: 0 });
    // Oldest first; a delivery failed twice is redelivered from its newest attempt.
    expect(asked).toEqual([failedTwice[1]!.id, failed.id, neverStored.id]);
    expect(await recorded()).toEqual([
      { guid: "g-twice", hook_delivery_id: failedTwice[1]!.id, reason: "failed", outcome: "requested", status_code: 202 },
      { guid: "g-failed", hook_delivery_id: failed.id, reason: "failed", outcome: "requested", status_code: 202 },
      { guid: "g-never-stored", hook_delivery_id: neverStored.id, reason: "never-stored", outcome: "requested", status_code: 202 },
    ]);

    // The next sweep, a minute later: GitHub has not delivered yet, so nothing is asked again.
    clock += 60_000;
    log().get("/app/hook/deliveries").query({ per_page: "100" }).reply(200, [neverStored, failed, ...failedTwice]);
    expect(await sweepDeliveries(deps())).toMatchObject({ waiting: 3, requested: 0 });

    // The redeliveries arrive and are stored: nothing left to do.
    for (const g of ["g-twice", "g-failed", "g-never-stored"]) await store(g);
    clock += HOUR;
    log().get("/app/hook/deliveries").query({ per_page: "100" }).reply(200, [neverStored, failed, ...failedTwice]);
    expect(await sweepDeliveries(deps())).toMatchObject({ stored: 3, requested: 0, failed: 0, neverStored: 0 });
  });

  it("records 404 and 422 answers, and gives up on a delivery after its last request", async () => {
    const gone = attempt("g-gone", { code: 500 });
    const refused = attempt("g-refused", { code: 500, hoursAgo: 2 });
    for (let sweep = 1; sweep <= 4; sweep++) {
      log().get("/app/hook/deliveries").query({ per_page: "100" }).reply(200, [gone, refused]);
      if (sweep <= 3) {
        log().post(`/app/hook/deliveries/${refused.id}/attempts`).reply(422, { message: "Validation Failed" });
        log().post(`/app/hook/deliveries/${gone.id}/attempts`).reply(404, { message: "Not Found" });
      }
      const r = await sweepDeliveries(deps({ maxRequests: 3 }));
      expect(r).toMatchObject(sweep <= 3 ? { refused: 1, notFound: 1, givenUp: 0 } : { refused: 0, notFound: 0, givenUp: 2 });
      clock += HOUR;
    }
    const rows = await recorded();
    expect(rows.map((r) => `${r.guid} ${r.outcome} ${r.status_code}`)).toEqual(Array.from({ length: 3 }, () => ["g-refused refused 422", "g-gone not-found 404"]).flat());
  });

  it("a rate limit that would hold the worker throws a wait; the requests made so far stay recorded", async () => {
    const a = attempt("g-a", { code: 500, hoursAgo: 3 });
    const b = attempt("g-b", { code: 500, hoursAgo: 2 });
    log().get("/app/hook/deliveries").query({ per_page: "100" }).reply(200, [b, a]);
    log().post(`/app/hook/deliveries/${a.id}/attempts`).reply(202, {});
    log()
      .post(`/app/hook/deliveries/${b.id}/attempts`)
      .reply(403, { message: "You have exceeded a secondary rate limit." }, { "retry-after": "3600" });
    const err = await sweepDeliveries(deps()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitWait);
    expect((err as RateLimitWait).untilMs).toBe(NOW + 3600_000);
    expect((await recorded()).map((r) => r.guid)).toEqual(["g-a"]);
  });

  it("a primary limit spent on the log itself waits for the reset only when it is near", async () => {
    const reset = String(Math.floor(NOW / 1000) + 20);
    log().get("/app/hook/deliveries").query({ per_page: "100" }).reply(403, { message: "API rate limit exceeded" }, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset });
    log().get("/app/hook/deliveries").query({ per_page: "100" }).reply(200, []);
    expect(await sweepDeliveries(deps())).toMatchObject({ pages: 1, guids: 0 });
    expect(clock).toBeGreaterThanOrEqual(NOW + 20_000);
  });

  it("refuses a log that is not a list, and skips items that are not deliveries", async () => {
    log().get("/app/hook/deliveries").query({ per_page: "100" }).reply(200, { message: "surprise", deliveries: [] });
    await expect(sweepDeliveries(deps())).rejects.toThrow(MalformedDeliveryLogError);

    const good = attempt("g-good", { code: 500 });
    const hostile = [
      null,
      42,
      "x",
      [],
      { ...attempt("g-x"), id: "1" },
      { ...attempt("g-x"), id: -5 },
      { ...attempt("g-x"), guid: "../../etc/passwd" },
      { ...attempt("g-x"), guid: "g".repeat(5000) },
      { ...attempt("g-x"), delivered_at: "yesterday" },
      { ...attempt("g-x"), status_code: "500" },
      { ...attempt("g-x"), event: "issues; drop table deliveries" },
      { ...attempt("g-x"), id: 2 ** 60 },
    ];
    log().get("/app/hook/deliveries").query({ per_page: "100" }).reply(200, [good, ...hostile]);
    log().post(`/app/hook/deliveries/${good.id}/attempts`).reply(202, {});
    expect(await sweepDeliveries(deps())).toMatchObject({ malformed: hostile.length, guids: 1, requested: 1 });
  });

  it("takes only the cursor from the Link header (never its host), and stops on a cursor loop or a hostile cursor", async () => {
    // The next link names another host: its cursor is followed on GitHub's API, with the JWT sent nowhere else.
    log().get("/app/hook/deliveries").query({ per_page: "100" }).reply(200, [attempt("g-1")], link("v1_2", "evil.example"));
    log().get("/app/hook/deliveries").query({ per_page: "100", cursor: "v1_2" }).reply(200, [attempt("g-2")], link("v1_3"));
    log().get("/app/hook/deliveries").query({ per_page: "100", cursor: "v1_3" }).reply(200, [attempt("g-3")], link("v1_3"));
    // Page 3 links to itself: the sweeper does not read it twice.
    log().post(/attempts$/).times(3).reply(202, {});
    expect(await sweepDeliveries(deps())).toMatchObject({ pages: 3, guids: 3, requested: 3 });

    log().get("/app/hook/deliveries").query({ per_page: "100" }).reply(200, [], { link: `<https://api.github.com/x?cursor=${"a".repeat(300)}>; rel="next"` });
    expect(await sweepDeliveries(deps())).toMatchObject({ pages: 1 });
    log().get("/app/hook/deliveries").query({ per_page: "100" }).reply(200, [attempt("g-5")], { link: `<https://api.github.com/x?cursor=a%20b>; rel="next"` });
    log().post(/attempts$/).reply(202, {});
    expect(await sweepDeliveries(deps())).toMatchObject({ pages: 1, requested: 1 });
  });

  it("reads at most maxPages pages", async () => {
    for (let p = 0; p < 3; p++) {
      const q = p === 0 ? { per_page: "100" } : { per_page: "100", cursor: `v1_${p}` };
      log().get("/app/hook/deliveries").query(q).reply(200, [attempt(`g-fine-${p}`)], link(`v1_${p + 1}`));
      await store(`g-fine-${p}`);
    }
    expect(await sweepDeliveries(deps({ maxPages: 3 }))).toMatchObject({ pages: 3, stored: 3, requested: 0 });
  });
});
