/**
 * Story scenarios about people: two newcomers and the senior who mentors
 * them (explanatory reviews, long threads, pairing commits), issue triage
 * (vague issues clarified, a duplicate, a recurring question), and the slash
 * commands people use to own their record.
 */
import { BOTS, P } from "./cast.js";
import { added, hunk, modified } from "./patches.js";
import type { Random } from "./prng.js";
import { coAuthor, type DirectPushSpec, type IssueSpec, type PrSpec } from "./spec.js";
import { coderabbitReview, copilotReview, previewComment, stagingAnswer } from "./texts.js";

export function mentoringStories(rng: Random): PrSpec[] {
  const out: PrSpec[] = [];
  const lenaCo = coAuthor(P.lena);

  // ------------------------------------------------------------ N1: nadia's first PR, lena explains the why
  {
    const routeBefore = [
      'import type { Router } from "express";',
      'import type { BatteryService } from "./battery-service.js";',
      "",
      "export function batteryRoutes(router: Router, service: BatteryService) {",
      '  router.get("/v1/robots/:id/battery", async (req, res) => {',
      "    const robotId = req.params.id;",
      "    const battery = await service.latest(robotId);",
      "    res.json({ robot_id: robotId, percent: battery.percent, measured_at: battery.measuredAt });",
      "  });",
      "}",
    ];
    const routeAfter = [
      'import type { Router } from "express";',
      'import { RobotParams } from "./schemas.js";',
      'import type { BatteryService } from "./battery-service.js";',
      "",
      "export function batteryRoutes(router: Router, service: BatteryService) {",
      '  router.get("/v1/robots/:id/battery", async (req, res) => {',
      "    const { id } = RobotParams.parse(req.params);",
      "    const battery = await service.latest(id);",
      "    res.json({ robot_id: id, percent: battery.percent, health: battery.health, measured_at: battery.measuredAt });",
      "  });",
      "}",
    ];
    const serviceBefore = [
      'import type { Db } from "../db.js";',
      "",
      "export class BatteryService {",
      "  constructor(private readonly db: Db) {}",
      "",
      "  async latest(robotId: string) {",
      "    const { rows } = await this.db.query(",
      '      "SELECT * FROM robot_battery_readings WHERE robot_id = $1 ORDER BY measured_at DESC LIMIT 1",',
      "      [robotId],",
      "    );",
      "    return rows[0];",
      "  }",
      "}",
    ];
    const serviceAfter = [
      'import { sql, type Db } from "../db.js";',
      'import { NotFoundError } from "../errors.js";',
      "",
      "export interface BatteryReading {",
      "  percent: number;",
      '  health: "good" | "degraded" | "replace";',
      "  measuredAt: Date;",
      "}",
      "",
      "export class BatteryService {",
      "  constructor(private readonly db: Db) {}",
      "",
      "  async latest(robotId: string): Promise<BatteryReading> {",
      "    const row = await this.db.maybeOne<BatteryReading>(sql`",
      "      SELECT percent, health, measured_at AS \"measuredAt\"",
      "      FROM robot_battery_readings",
      "      WHERE robot_id = ${robotId}",
      "      ORDER BY measured_at DESC",
      "      LIMIT 1`);",
      "    if (!row) throw new NotFoundError(`no battery readings for robot ${robotId}`);",
      "    return row;",
      "  }",
      "}",
    ];
    const testBefore = [
      'import { describe, expect, it } from "vitest";',
      'import { request, seedBatteryReading } from "../helpers/http.js";',
      "",
      'describe("GET /v1/robots/:id/battery", () => {',
      '  it("returns the latest reading", async () => {',
      '    await seedBatteryReading("r-1", { percent: 87, measuredAt: new Date(Date.now()) });',
      '    const res = await request.get("/v1/robots/r-1/battery");',
      "    expect(res.body.percent).toBe(87);",
      "  });",
      "});",
    ];
    const testAfter = [
      'import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";',
      'import { request, seedBatteryReading } from "../helpers/http.js";',
      "",
      'describe("GET /v1/robots/:id/battery", () => {',
      "  beforeEach(() => {",
      '    vi.useFakeTimers({ toFake: ["Date"] });',
      '    vi.setSystemTime(new Date("2026-08-06T10:00:00Z"));',
      "  });",
      "  afterEach(() => vi.useRealTimers());",
      "",
      '  it("returns the latest reading", async () => {',
      '    await seedBatteryReading("r-1", { percent: 87, health: "good", measuredAt: new Date() });',
      '    const res = await request.get("/v1/robots/r-1/battery");',
      '    expect(res.body).toEqual({ robot_id: "r-1", percent: 87, health: "good", measured_at: "2026-08-06T10:00:00.000Z" });',
      "  });",
      "",
      '  it("returns 404 for a robot without readings", async () => {',
      '    const res = await request.get("/v1/robots/r-404/battery");',
      "    expect(res.status).toBe(404);",
      "  });",
      "",
      '  it("returns 400 for a malformed id", async () => {',
      '    const res = await request.get("/v1/robots/%20/battery");',
      "    expect(res.status).toBe(400);",
      "  });",
      "});",
    ];
    const original = [
      added("src/robots/battery-route.ts", routeBefore),
      added("src/robots/battery-service.ts", serviceBefore),
      added("test/robots/battery-route.test.ts", testBefore),
    ];
    const files = [
      added("src/robots/battery-route.ts", routeAfter),
      added("src/robots/battery-service.ts", serviceAfter),
      added("test/robots/battery-route.test.ts", testAfter),
    ];
    out.push({
      key: "n1",
      repo: "fleet",
      author: P.nadia,
      title: "Add GET /v1/robots/:id/battery endpoint",
      body: "Hi all 👋 my first PR here!\n\nAdds an endpoint that returns a robot's latest battery reading, for the battery-health widget the console team is building.\n\nI wasn't sure about the error handling, happy to change anything.",
      openedAt: "2026-08-06T10:00:00Z",
      readyAtMin: 180,
      headRef: "nadia/battery-endpoint",
      labels: ["enhancement"],
      originalFiles: original,
      files,
      commits: [
        { atMin: -60, message: "Add battery endpoint" },
        { atMin: 120, message: "Add test for battery endpoint" },
        { atMin: 1500, message: "Validate params with zod, 404 for unknown robots, freeze clock in tests", coAuthors: [lenaCo] },
      ],
      reviews: [
        {
          by: P.lena,
          atMin: 260,
          state: "changes_requested",
          body:
            "Welcome, Nadia! 🎉 This is a great first PR — the endpoint shape is exactly what the console needs.\n\n" +
            "I left a few comments that are mostly about *how we do things here* and *why*. None of this is your fault: most of it isn't written down yet (I'm fixing that in a CONTRIBUTING.md). Happy to pair on any of it tomorrow morning.",
          comments: [
            {
              path: "src/robots/battery-route.ts",
              anchor: "const robotId = req.params.id;",
              body:
                "We validate every input at the edge with zod, so handlers only ever see well-typed values. Here a malformed id (`/v1/robots/%20/battery`) goes all the way to Postgres and comes back as a 500 with a stack trace.\n\n" +
                "The pattern is `const { id } = RobotParams.parse(req.params)` — `RobotParams` already exists in `src/robots/schemas.ts`. The error middleware turns a `ZodError` into a 400 that names the bad field, so clients get a useful error for free. Background on why we do it this way: [ADR 0003](https://github.com/acme-robotics/fleet-api/blob/main/docs/adr/0003-validate-at-the-edge.md).",
              outcome: "fixed",
              replies: [
                { by: "author", afterMin: 35, body: "Thanks! Is there a reason we don't validate in the service instead? That's where the domain logic is." },
                {
                  by: "reviewer",
                  afterMin: 50,
                  body:
                    "Good question! Two reasons:\n\n1. Services are also called from the queue consumers, where the input was already validated when it was enqueued — validating again there is double work, and the errors would be the wrong kind (a 400 makes no sense in a consumer).\n2. Keeping HTTP concerns (400 vs 404) out of services means the same service works unchanged behind the gRPC API we're adding next quarter.\n\nThe ADR has the longer version, including the alternatives we rejected.",
                },
                { by: "author", afterMin: 70, body: "That makes sense — I hadn't thought about the consumers. I'll move it to the route." },
                { by: "author", afterMin: 1250, body: "Done in the latest push (we paired on it this morning, thanks Lena!)." },
              ],
              resolve: { by: "reviewer", afterMin: 1265 },
            },
            {
              path: "src/robots/battery-service.ts",
              anchor: "return rows[0];",
              body:
                "`rows[0]` is `undefined` for a robot without readings, and the route then reads `battery.percent` → `TypeError` → 500. We use `db.maybeOne()` and throw `NotFoundError`, which the error middleware maps to a 404 (see `getRobot` in `src/robots/robot-service.ts` for the same pattern). A test for the unknown-robot case would pin it down.",
              outcome: "fixed",
              replies: [{ by: "author", afterMin: 1251, body: "Switched to maybeOne + NotFoundError and added the 404 test." }],
              resolve: { by: "reviewer", afterMin: 1266 },
            },
            {
              path: "src/robots/battery-service.ts",
              anchor: "SELECT * FROM robot_battery_readings",
              body: "Small one: select only the columns you need rather than `SELECT *`. `robot_battery_readings` has a ~40 kB `raw_cells` jsonb column, and the console will poll this endpoint every 10 s for every robot on screen.",
              outcome: "fixed",
              resolve: { by: "reviewer", afterMin: 1267 },
            },
            {
              path: "test/robots/battery-route.test.ts",
              anchor: "new Date(Date.now())",
              body:
                "Tests that depend on the wall clock are how we ended up with OrderSyncTest failing every few days (see {{#fi}} 🙃). Freeze time with `vi.useFakeTimers({ toFake: ['Date'] })` + `vi.setSystemTime(...)` — https://vitest.dev/api/vi.html#vi-setsystemtime — then you can assert the exact `measured_at` instead of only `percent`.",
              outcome: "fixed",
              replies: [{ by: "author", afterMin: 1252, body: "Done — and TIL about `toFake`, thank you!" }],
              resolve: { by: "reviewer", afterMin: 1268 },
            },
          ],
        },
        {
          by: P.lena,
          atMin: 1545,
          state: "approved",
          body: "Looks great. The fake-clock test is much clearer than what we have elsewhere — I might steal it. Merging so it goes out with the 15:00 train. 🚀",
        },
      ],
      comments: [
        { by: P.lena, atMin: 1560, body: "/unsung note First PR from nadia-rahman; we paired for ~2 h on the zod schema and the fake-clock test before the second review." },
      ],
      close: { atMin: 1555, merged: true, by: P.lena },
      requestedReviewers: [P.lena],
      tags: ["mentoring", "newcomer:nadia-rahman", "first-pr"],
    });
  }

  // ------------------------------------------------------------ N2: nadia, a long explanatory thread about dual writes
  {
    const before = [
      "   async complete(missionId: string, result: MissionResult): Promise<Mission> {",
      "     const mission = await this.repo.markCompleted(missionId, result);",
      '+    await this.stream.publish("mission.completed", {',
      "+      id: mission.id,",
      "+      robotId: mission.robotId,",
      "+      durationMs: result.durationMs,",
      "+      completedAt: mission.completedAt.toISOString(),",
      "+    });",
      "     return mission;",
      "   }",
    ];
    const after = [
      "   async complete(missionId: string, result: MissionResult): Promise<Mission> {",
      "-    const mission = await this.repo.markCompleted(missionId, result);",
      "-    return mission;",
      "+    // Transactional outbox: the event is written with the state change and published by",
      "+    // the relay, so we never lose it (crash after commit) or invent it (rollback after publish).",
      "+    return this.db.transaction(async (tx) => {",
      "+      const mission = await this.repo.markCompleted(missionId, result, tx);",
      "+      await this.outbox.add(tx, {",
      "+        id: newEventId(),",
      '+        type: "mission.completed",',
      "+        payload: {",
      "+          missionId: mission.id,",
      "+          robotId: mission.robotId,",
      "+          durationMs: result.durationMs,",
      "+          completedAt: mission.completedAt.toISOString(),",
      "+        },",
      "+      });",
      "+      return mission;",
      "+    });",
      "   }",
    ];
    const test = added("test/missions/mission-completed-event.test.ts", [
      'import { describe, expect, it } from "vitest";',
      'import { crashRelayAfterPublish, testApp } from "../helpers/app.js";',
      "",
      'describe("mission.completed", () => {',
      '  it("is delivered even if the relay crashes after publishing", async () => {',
      "    const app = await testApp();",
      "    crashRelayAfterPublish(app, 1);",
      '    await app.missions.complete("m-1", { durationMs: 1200 });',
      "    await app.relay.drain();",
      '    const events = app.stream.received("mission.completed");',
      "    expect(new Set(events.map((e) => e.id)).size).toBe(1);",
      "    expect(events.length).toBeGreaterThanOrEqual(1);",
      "  });",
      "});",
    ]);
    const original = [modified("src/missions/mission-service.ts", hunk(61, 61, "export class MissionService {", before))];
    const files = [modified("src/missions/mission-service.ts", hunk(61, 61, "export class MissionService {", after)), test];
    out.push({
      key: "n2",
      repo: "fleet",
      author: P.nadia,
      title: "Emit mission.completed events to the telemetry stream",
      body: "The data team wants mission durations in ClickHouse (ADR 0007). This publishes a `mission.completed` event when a mission completes.",
      openedAt: "2026-08-19T10:30:00Z",
      headRef: "nadia/mission-completed-event",
      labels: ["enhancement", "area:telemetry"],
      originalFiles: original,
      files,
      commits: [
        { atMin: -40, message: "Publish mission.completed events" },
        { atMin: 1400, message: "Use the transactional outbox for mission.completed", coAuthors: [lenaCo] },
      ],
      reviews: [
        copilotReview(rng, 3, "This PR publishes a mission.completed event when a mission completes.", original),
        {
          by: P.lena,
          atMin: 150,
          state: "commented",
          body: "Nice and small! One design question inline that's worth getting right, because every event we add will copy this one.",
          comments: [
            {
              path: "src/missions/mission-service.ts",
              anchor: 'await this.stream.publish("mission.completed", {',
              body:
                "Publishing after the DB write means that if the process dies between the commit and the publish, the event is lost; publishing first means we can emit an event for a mission whose update then rolls back. This is the classic *dual-write* problem.\n\n" +
                "We solve it with the transactional outbox: write the event to the `outbox` table in the same transaction as the mission update, and the relay (`src/outbox/relay.ts`) publishes it. Chris Richardson's write-up is short and good: https://microservices.io/patterns/data/transactional-outbox.html (and DDIA ch. 11 if you want the long version).",
              outcome: "fixed",
              replies: [
                { by: "author", afterMin: 40, body: "Oh interesting — so consumers can get the same event twice if the relay crashes after publishing but before marking it sent?" },
                {
                  by: "reviewer",
                  afterMin: 55,
                  body: "Exactly — the outbox gives you *at-least-once*. That's why every consumer dedupes on `event.id` (see the `seen_events` table in `src/telemetry/consumer.ts`). Exactly-once across a network boundary is mostly a myth; idempotent consumers are the practical answer.",
                },
                { by: "author", afterMin: 75, body: "Got it. Should the event id be the mission id then, so duplicates are easy to spot?" },
                {
                  by: "reviewer",
                  afterMin: 90,
                  body: "Not quite: a mission can complete, be reopened by an operator and complete again — those are two real events and must not be deduplicated. Use a fresh ULID per event (`newEventId()`), and put the mission id in the payload.",
                },
                { by: "author", afterMin: 1260, body: "Switched to the outbox + `newEventId()`, and added a test that crashes the relay between publish and ack. Thanks for explaining all of this!" },
              ],
              resolve: { by: "reviewer", afterMin: 1275 },
            },
          ],
        },
        { by: P.lena, atMin: 1440, state: "approved", body: "Great work. This is now the example I'll point people to for new events." },
        { by: P.dev, atMin: 1450, state: "approved", body: null },
      ],
      comments: [
        { by: P.nadia, atMin: 1470, body: "/unsung endorse @lena-fischer Lena's reviews on my first PRs explained the why behind every change (outbox, zod at the edge, fake clocks); I shipped my first endpoint in my first week." },
        { by: P.lena, atMin: 1490, body: "/unsung log Weekly pairing with nadia-rahman and ben-carter since August (~2 h/week): codebase walkthroughs and going through their first PR reviews together." },
      ],
      close: { atMin: 1460, merged: true, by: P.nadia },
      requestedReviewers: [P.lena],
      tags: ["mentoring", "newcomer:nadia-rahman", "long-thread"],
    });
  }

  // ------------------------------------------------------------ B1: ben's first PR (web-console), lena and aiko review
  {
    const before = [
      'import { useQuery } from "@tanstack/react-query";',
      'import { fetchBattery } from "../../api/robots";',
      "",
      "export function BatteryHealth({ robotId }: { robotId: string }) {",
      "  const { data } = useQuery({",
      '    queryKey: ["battery"],',
      "    queryFn: () => fetchBattery(robotId),",
      "    refetchInterval: 1000,",
      "  });",
      "  if (!data) return null;",
      "  return (",
      '    <div className="battery">',
      '      <Gauge value={data.percent} color={data.health === "replace" ? "#e5484d" : "#30a46c"} />',
      "      <span>{data.percent}%</span>",
      "    </div>",
      "  );",
      "}",
    ];
    const after = [
      'import { useQuery } from "@tanstack/react-query";',
      'import { fetchBattery } from "../../api/robots";',
      'import { Gauge } from "../Gauge/Gauge";',
      'import styles from "./BatteryHealth.module.css";',
      "",
      "/** Battery health of one robot. Heartbeats arrive every 10 s, so polling faster gains nothing. */",
      "export function BatteryHealth({ robotId }: { robotId: string }) {",
      "  const { data, isPending } = useQuery({",
      '    queryKey: ["robots", robotId, "battery"],',
      "    queryFn: () => fetchBattery(robotId),",
      "    refetchInterval: 10_000,",
      "  });",
      "  if (isPending) return <Gauge.Skeleton />;",
      "  if (!data) return null;",
      "  return (",
      "    <div className={styles.root}>",
      '      <Gauge value={data.percent} tone={data.health === "replace" ? "danger" : "success"} label={`Battery ${data.percent}%`} />',
      "      <span>{data.percent}%</span>",
      "    </div>",
      "  );",
      "}",
    ];
    const detail = modified(
      "src/components/RobotDetail/RobotDetail.tsx",
      hunk(40, 40, "export function RobotDetail({ robot }: Props) {", [
        '       <RobotStatus status={robot.status} />',
        "+      <BatteryHealth robotId={robot.id} />",
        '       <MissionList robotId={robot.id} />',
      ]),
    );
    const original = [added("src/components/BatteryHealth/BatteryHealth.tsx", before), detail];
    const files = [
      added("src/components/BatteryHealth/BatteryHealth.tsx", after),
      added("src/components/BatteryHealth/BatteryHealth.module.css", [".root {", "  display: flex;", "  align-items: center;", "  gap: var(--space-2);", "}"]),
      detail,
    ];
    out.push({
      key: "b1",
      repo: "console",
      author: P.ben,
      title: "Show battery health on the robot detail page",
      body: "First console PR! Shows the battery gauge (uses the new `/v1/robots/:id/battery` endpoint from fleet-api {{#n1}}).\n\n<img width=\"480\" alt=\"battery gauge\" src=\"https://github.com/user-attachments/assets/9d1e7a44-battery-gauge.png\">",
      openedAt: "2026-08-20T14:00:00Z",
      headRef: "ben/battery-health",
      labels: ["enhancement"],
      originalFiles: original,
      files,
      commits: [
        { atMin: -120, message: "Add battery gauge component", coAuthors: [lenaCo] },
        { atMin: -30, message: "Show battery health on robot detail" },
        { atMin: 1350, message: "Key battery query by robot, poll every 10 s, use design tokens" },
      ],
      reviews: [
        coderabbitReview(rng, 4, original),
        {
          by: P.lena,
          atMin: 200,
          state: "changes_requested",
          body: "Welcome to the console, Ben! Looks good — two things about data fetching that bite everyone once, explained inline.",
          comments: [
            {
              path: "src/components/BatteryHealth/BatteryHealth.tsx",
              anchor: 'queryKey: ["battery"]',
              body:
                "The query key needs the robot id: `['robots', robotId, 'battery']`. With just `['battery']`, React Query caches *one* battery for all robots, so navigating from robot A to robot B shows A's battery until the refetch lands.\n\n" +
                "We use hierarchical keys so `invalidateQueries({ queryKey: ['robots', id] })` refreshes everything about one robot — conventions in `docs/frontend/data-fetching.md`, and the TanStack docs explain why keys work like dependency arrays: https://tanstack.com/query/latest/docs/framework/react/guides/query-keys",
              outcome: "fixed",
              replies: [
                { by: "author", afterMin: 30, body: "Ah, that explains the flicker I saw when clicking through robots. Does the same apply to the mission list?" },
                { by: "reviewer", afterMin: 45, body: "Yes — `['robots', robotId, 'missions']` already follows it, which is why it doesn't flicker. Good instinct to check!" },
              ],
              resolve: { by: "reviewer", afterMin: 1200 },
            },
            {
              path: "src/components/BatteryHealth/BatteryHealth.tsx",
              anchor: "refetchInterval: 1000",
              body: "Polling every second × every open console tab adds up: ops keeps ~40 tabs open on the wall screens, that's 40 req/s for one widget. Battery readings only change with heartbeats (every 10 s), so `refetchInterval: 10_000` loses nothing.",
              outcome: "fixed",
              resolve: { by: "reviewer", afterMin: 1201 },
            },
          ],
        },
        {
          by: P.aiko,
          atMin: 230,
          state: "commented",
          body: null,
          comments: [
            {
              path: "src/components/BatteryHealth/BatteryHealth.tsx",
              anchor: '"#e5484d"',
              body: "Could you use the tone prop (`tone=\"danger\"`) instead of hex colours? Hard-coded colours will break dark mode once the design tokens land.",
              outcome: "fixed",
              resolve: { by: "reviewer", afterMin: 1180 },
            },
          ],
        },
        { by: P.lena, atMin: 1390, state: "approved", body: "🚀 Great first PR." },
        { by: P.aiko, atMin: 1400, state: "approved", body: null },
      ],
      comments: [
        { by: BOTS.actions, atMin: 9, body: previewComment("b1") },
      ],
      close: { atMin: 1410, merged: true, by: P.aiko },
      requestedReviewers: [P.lena, P.aiko],
      tags: ["mentoring", "newcomer:ben-carter", "first-pr"],
    });
  }

  // ------------------------------------------------------------ B2: ben's first fleet-api PR, a DST lesson
  {
    const before = [
      "   windowsFor(site: Site, date: string): Interval[] {",
      "     return site.maintenanceWindows.map((window) => ({",
      "-      start: new Date(`${date}T${window.start}Z`),",
      "-      end: new Date(`${date}T${window.end}Z`),",
      "+      start: new Date(`${date}T${window.start}`),",
      "+      end: new Date(`${date}T${window.end}`),",
      "     }));",
      "   }",
    ];
    const after = [
      "   windowsFor(site: Site, date: string): Interval[] {",
      "     return site.maintenanceWindows.map((window) => ({",
      "-      start: new Date(`${date}T${window.start}Z`),",
      "-      end: new Date(`${date}T${window.end}Z`),",
      "+      // Windows are wall-clock times at the site, so convert in the site's zone (DST included).",
      "+      start: fromZonedTime(`${date} ${window.start}`, site.timezone),",
      "+      end: fromZonedTime(`${date} ${window.end}`, site.timezone),",
      "     }));",
      "   }",
    ];
    const test = added("test/maintenance/windows-dst.test.ts", [
      'import { describe, expect, it } from "vitest";',
      'import { MaintenanceScheduler } from "../../src/maintenance/scheduler.js";',
      "",
      'const leipzig = { timezone: "Europe/Berlin", maintenanceWindows: [{ start: "02:00", end: "03:00" }] };',
      "",
      'describe("maintenance windows across DST", () => {',
      '  it("uses the site zone on a normal day", () => {',
      '    const [w] = new MaintenanceScheduler().windowsFor(leipzig, "2026-09-08");',
      '    expect(w?.start.toISOString()).toBe("2026-09-08T00:00:00.000Z");',
      "  });",
      '  it("handles the autumn switch (02:00 happens twice)", () => {',
      '    const [w] = new MaintenanceScheduler().windowsFor(leipzig, "2026-10-25");',
      '    expect(w?.start.toISOString()).toBe("2026-10-25T00:00:00.000Z");',
      "  });",
      '  it("handles the spring switch (02:00 does not exist)", () => {',
      '    const [w] = new MaintenanceScheduler().windowsFor(leipzig, "2027-03-28");',
      '    expect(w?.start.toISOString()).toBe("2027-03-28T01:00:00.000Z");',
      "  });",
      "});",
    ]);
    const original = [modified("src/maintenance/scheduler.ts", hunk(22, 22, "export class MaintenanceScheduler {", before))];
    const files = [modified("src/maintenance/scheduler.ts", hunk(22, 22, "export class MaintenanceScheduler {", after)), test];
    out.push({
      key: "b2",
      repo: "fleet",
      author: P.ben,
      title: "Fix timezone bug in maintenance window scheduler",
      body: "Maintenance windows at the Leipzig site started two hours early (robots went to charge at midnight instead of 02:00). The windows were parsed as UTC; this parses them as local time instead.",
      openedAt: "2026-09-08T10:00:00Z",
      headRef: "ben/maintenance-window-tz",
      labels: ["bug"],
      originalFiles: original,
      files,
      commits: [
        { atMin: -45, message: "Parse maintenance windows in local time" },
        { atMin: 330, message: "Convert maintenance windows in the site's time zone, test both DST switches", coAuthors: [lenaCo] },
      ],
      reviews: [
        copilotReview(rng, 3, "This PR fixes how maintenance windows are parsed.", original),
        {
          by: P.lena,
          atMin: 95,
          state: "changes_requested",
          body: "Right diagnosis! The fix needs one more step — time zones are sneaky. Inline.",
          comments: [
            {
              path: "src/maintenance/scheduler.ts",
              anchor: "start: new Date(`${date}T${window.start}`),",
              body:
                "Without the `Z`, `new Date()` parses in the *server's* local zone: UTC in production, but Europe/Berlin on your laptop — which is why your manual test passed locally and would still fail in prod.\n\n" +
                "Windows are wall-clock times at the *site*, so convert in `site.timezone`: `fromZonedTime(`${date} ${window.start}`, site.timezone)` from date-fns-tz. And it's worth testing across the DST switches: on 2026-10-25 in Europe/Berlin, 02:00–03:00 happens *twice*, and on 2027-03-28 it doesn't exist at all. MDN has a good explainer on date-time string parsing: https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Date#date_time_string_format",
              outcome: "fixed",
              replies: [
                { by: "author", afterMin: 25, body: "I had no idea 02:00 could happen twice. What should a window do on that night — run once or twice?" },
                { by: "reviewer", afterMin: 40, body: "Once, starting at the first 02:00 — that's what `fromZonedTime` gives you, and it's what the site teams expect (they asked us in the spring). Let's pair on the tests after lunch?" },
                { by: "author", afterMin: 240, body: "Done: site time zone + tests for both DST switches. Thanks for pairing!" },
              ],
              resolve: { by: "reviewer", afterMin: 250 },
            },
          ],
        },
        { by: P.lena, atMin: 345, state: "approved", body: "Perfect. Merging." },
      ],
      comments: [
        { by: P.ben, atMin: 380, body: "/unsung endorse @lena-fischer Pairing sessions with Lena got me from zero to a merged console feature in my second week, and her DST explanation here saved a production bug." },
      ],
      close: { atMin: 355, merged: true, by: P.lena },
      requestedReviewers: [P.lena],
      tags: ["mentoring", "newcomer:ben-carter", "first-pr"],
    });
  }

  // ------------------------------------------------------------ L1: lena's own PR, co-authored with ben while pairing
  {
    const files = [
      added("scripts/backfill-battery-history.ts", [
        'import { createDb } from "../src/db.js";',
        'import { readArchive } from "../src/telemetry/archive.js";',
        "",
        "/** One-off: backfill robot_battery_readings from the telemetry archive (last 90 days). */",
        "async function main() {",
        "  const db = await createDb(process.env.DATABASE_URL);",
        "  let inserted = 0;",
        '  for await (const batch of readArchive({ type: "battery", sinceDays: 90, batchSize: 5_000 })) {',
        "    inserted += await db.insertMany(\"robot_battery_readings\", batch, { onConflict: \"ignore\" });",
        "    console.log(`inserted ${inserted}`);",
        "  }",
        "}",
        "",
        "await main();",
      ]),
      modified("package.json", hunk(12, 12, "", ['     "gen:firmware-client": "openapi --input specs/firmware.yaml --output src/clients/firmware",', '+    "backfill:battery": "tsx scripts/backfill-battery-history.ts",'])),
    ];
    out.push({
      key: "l1",
      repo: "fleet",
      author: P.lena,
      title: "Backfill robot battery history from the telemetry archive",
      body: "The battery endpoint ({{#n1}}) only has readings since it shipped. This one-off script backfills 90 days from the telemetry archive so the console's battery trend isn't empty. Written while pairing with @ben-carter.",
      openedAt: "2026-09-01T09:00:00Z",
      headRef: "lena/battery-backfill",
      labels: [],
      files,
      commits: [{ atMin: -90, message: "Add battery history backfill script", coAuthors: [coAuthor(P.ben)] }],
      reviews: [{ by: P.dev, atMin: 60, state: "approved", body: "Ran it against staging: 3.1M rows in 4 min. 👍" }],
      comments: [],
      close: { atMin: 80, merged: true, by: P.lena },
      tags: ["co-authorship"],
    });
  }

  // ------------------------------------------------------------ N3: nadia a month later, now an org member
  {
    const files = [
      modified(
        "src/robots/battery-route.ts",
        hunk(5, 5, "export function batteryRoutes(router: Router, service: BatteryService) {", [
          '-  router.get("/v1/robots/:id/battery", async (req, res) => {',
          '+  router.get("/v1/robots/:id/battery", rateLimit({ perKey: 120, windowMs: 60_000 }), async (req, res) => {',
          "     const { id } = RobotParams.parse(req.params);",
        ]),
      ),
      added("test/robots/battery-rate-limit.test.ts", [
        'import { describe, expect, it } from "vitest";',
        'import { request } from "../helpers/http.js";',
        "",
        'describe("battery endpoint rate limit", () => {',
        '  it("returns 429 after 120 requests a minute per key", async () => {',
        "    for (let i = 0; i < 120; i++) await request.get(\"/v1/robots/r-1/battery\");",
        '    const res = await request.get("/v1/robots/r-1/battery");',
        "    expect(res.status).toBe(429);",
        "  });",
        "});",
      ]),
    ];
    out.push({
      key: "n3",
      repo: "fleet",
      author: P.nadia,
      title: "Rate-limit the battery endpoint per API key",
      body: "One integration polls `/battery` for 300 robots every second. Limits it to 120 requests/minute per API key, same as the other robot endpoints.",
      openedAt: "2026-09-17T11:00:00Z",
      headRef: "nadia/battery-rate-limit",
      labels: [],
      files,
      commits: [{ atMin: -30, message: "Rate-limit the battery endpoint" }],
      reviews: [{ by: P.dev, atMin: 40, state: "approved", body: "Clean. Thanks Nadia." }],
      comments: [],
      close: { atMin: 55, merged: true, by: P.nadia },
      tags: ["newcomer:nadia-rahman"],
    });
  }

  return out;
}

/** Pull requests that fix the triaged issues. */
export function issueFixStories(): PrSpec[] {
  return [
    {
      key: "i1fix",
      repo: "console",
      author: P.aiko,
      title: "Allow Stripe frames in the console CSP",
      body: "Fixes {{#i1}}. The security-headers change set `frame-src 'self'`, which blocks the Stripe card iframe. Allows exactly `js.stripe.com` and `hooks.stripe.com`, and adds an e2e assertion that the iframe loads.",
      openedAt: "2026-07-06T13:10:00Z",
      headRef: "aiko/csp-stripe-frames",
      labels: ["bug", "area:checkout"],
      files: [
        modified("src/server/security-headers.ts", hunk(18, 18, "export const CSP = {", ["   \"script-src\": [\"'self'\", \"https://js.stripe.com\"],", "-  \"frame-src\": [\"'self'\"],", "+  \"frame-src\": [\"'self'\", \"https://js.stripe.com\", \"https://hooks.stripe.com\"],", "   \"connect-src\": [\"'self'\", \"https://api.stripe.com\"],"])),
        modified("e2e/checkout.spec.ts", hunk(20, 20, "", ['     await page.goto("/billing/checkout");', '+    await expect(page.frameLocator("iframe[src*=\\"js.stripe.com\\"]").locator("input[name=cardnumber]")).toBeVisible();'])),
      ],
      commits: [{ atMin: -15, message: "Allow Stripe frames in the CSP" }],
      reviews: [{ by: P.sofia, atMin: 20, state: "approved", body: "Verified on the preview: card form renders. Thanks!" }],
      comments: [{ by: BOTS.actions, atMin: 8, body: previewComment("i1fix") }],
      close: { atMin: 45, merged: true, by: P.aiko },
      closesIssues: ["i1"],
      tags: ["issue-fix"],
    },
    {
      key: "i2fix",
      repo: "fleet",
      author: P.oliver,
      title: "Keep robots with stale heartbeats on the map as offline",
      body: "Fixes {{#i2}} using the acceptance criteria Sofia wrote there: stale robots stay on the map greyed out with \"last seen N s ago\", and are only removed after 10 minutes.",
      openedAt: "2026-07-23T10:00:00Z",
      headRef: "oliver/stale-robots-on-map",
      labels: ["bug", "area:map"],
      files: [
        modified("src/map/feed.ts", hunk(30, 30, "export function robotsForMap(robots: RobotPresence[], now: number) {", ["-  return robots.filter((r) => now - r.lastSeenAt < 30_000);", "+  return robots", "+    .filter((r) => now - r.lastSeenAt < REMOVE_AFTER_MS)", "+    .map((r) => ({ ...r, offline: now - r.lastSeenAt >= OFFLINE_AFTER_MS }));"])),
        modified("src/map/constants.ts", hunk(1, 1, "", ["+export const OFFLINE_AFTER_MS = 30_000;", "+export const REMOVE_AFTER_MS = 10 * 60_000;"])),
        added("test/map/feed.test.ts", ['import { expect, it } from "vitest";', 'import { robotsForMap } from "../../src/map/feed.js";', "", 'it("keeps stale robots as offline for 10 minutes", () => {', '  const [r] = robotsForMap([{ id: "r-1", lastSeenAt: 0 }], 60_000);', "  expect(r?.offline).toBe(true);", "});"]),
      ],
      commits: [{ atMin: -60, message: "Keep stale robots on the map as offline" }],
      reviews: [{ by: P.hannah, atMin: 90, state: "approved", body: "Matches the acceptance criteria exactly. 👍" }],
      comments: [
        { by: P.oliver, atMin: 200, body: "/unsung claim {{url:i2}} Spent two afternoons on calls with the Leipzig site team reproducing the Wi-Fi roaming drops before this fix; that investigation isn't visible anywhere in the repo." },
      ],
      close: { atMin: 110, merged: true, by: P.oliver },
      closesIssues: ["i2"],
      tags: ["issue-fix"],
    },
    {
      key: "i3fix",
      repo: "payments",
      author: P.priya,
      title: "Handle requires_action refund status from Stripe",
      body: "Fixes {{#i3}}. The refund worker ignored `charge.refund.updated` events with status `requires_action`, so those refunds stayed `pending` forever. They now move to `requires_action`, and refunds pending for over an hour page #payments-oncall.",
      openedAt: "2026-08-13T11:00:00Z",
      headRef: "priya/refund-requires-action",
      labels: ["bug", "area:refunds"],
      files: [
        modified("src/refunds/stripe-webhook.ts", hunk(52, 52, "export async function onRefundUpdated(event: Stripe.Event, deps: Deps) {", ["   switch (refund.status) {", '+    case "requires_action":', '+      await deps.refunds.updateStatus(refund.metadata.refund_id, "requires_action");', "+      return;", '     case "succeeded":'])),
        modified("src/alerts/rules.ts", hunk(8, 8, "", ["+  { name: \"refund-stuck\", query: \"refunds_pending_over_1h > 0\", page: \"payments-oncall\" },"])),
      ],
      commits: [{ atMin: -45, message: "Handle requires_action refunds and alert on stuck refunds" }],
      reviews: [{ by: P.maya, atMin: 60, state: "approved", body: "Matches what we found on the call. Thanks!" }],
      comments: [],
      close: { atMin: 80, merged: true, by: P.priya },
      closesIssues: ["i3"],
      tags: ["issue-fix"],
    },
    {
      key: "i5fix",
      repo: "console",
      author: P.aiko,
      title: "Keep the previous robot list while refetching",
      body: "Fixes {{#i5}}: the robot list unmounted on every refetch. `placeholderData: keepPreviousData` keeps the old rows until the new page arrives.",
      openedAt: "2026-09-03T10:00:00Z",
      headRef: "aiko/robot-list-flicker",
      labels: ["bug"],
      files: [modified("src/components/RobotTable/RobotTable.tsx", hunk(14, 14, "export function RobotTable({ fleetId }: Props) {", ['   const query = useQuery({', '     queryKey: ["fleets", fleetId, "robots"],', "+    placeholderData: keepPreviousData,", "     queryFn: () => fetchRobots(fleetId),"]))],
      commits: [{ atMin: -20, message: "Keep previous robot list while refetching" }],
      reviews: [{ by: P.sofia, atMin: 30, state: "approved", body: "No more flicker on the preview 🎉" }],
      comments: [{ by: BOTS.actions, atMin: 8, body: previewComment("i5fix") }],
      close: { atMin: 50, merged: true, by: P.aiko },
      closesIssues: ["i5"],
      tags: ["issue-fix"],
    },
  ];
}

/** Issues: vague reports clarified by a triager, a duplicate, a recurring question, the flaky-test tracker. */
export function issueStories(): IssueSpec[] {
  const issues: IssueSpec[] = [];

  issues.push({
    key: "i1",
    repo: "console",
    author: P.oliver,
    title: "checkout broken??",
    body: "checkout doesn't work on staging, just spins. someone pls look",
    openedAt: "2026-07-06T08:52:00Z",
    events: [
      {
        kind: "comment",
        by: P.sofia,
        atMin: 35,
        body: "I can reproduce on staging with Chrome and Firefox — the card form never renders. The browser console shows `Refused to frame 'https://js.stripe.com/' because it violates the Content Security Policy directive: \"frame-src 'self'\"`. That header was tightened in last week's security-headers change, so this is almost certainly it. I've added repro steps and acceptance criteria to the description.",
      },
      {
        kind: "edit",
        by: P.sofia,
        atMin: 50,
        title: "Checkout: Stripe card form never renders on staging (CSP blocks js.stripe.com)",
        body:
          "checkout doesn't work on staging, just spins. someone pls look\n\n" +
          "## Steps to reproduce\n1. Log in to https://console.staging.acme-robotics.dev as an operator with billing access\n2. Go to **Billing → Add robots → Checkout**\n3. Choose \"Saved card\" or \"New card\"\n\n" +
          "## Expected\nThe Stripe card form renders and the order can be placed.\n\n" +
          "## Actual\nThe spinner never stops. DevTools console: `Refused to frame 'https://js.stripe.com/' because it violates the Content Security Policy directive: \"frame-src 'self'\"`.\n\n" +
          "## Environment\n- staging, build 2026.07.03-2\n- Chrome 138, Firefox 140 (Safari untested)\n\n" +
          "## Acceptance criteria\n- [ ] The card form renders on staging and production with the CSP still enforced (no `unsafe-*`)\n- [ ] `frame-src` allows only `https://js.stripe.com` and `https://hooks.stripe.com`\n- [ ] An e2e check fails if the Stripe iframe does not load",
      },
      { kind: "label", by: P.sofia, atMin: 51, label: "bug" },
      { kind: "label", by: P.sofia, atMin: 52, label: "area:checkout" },
      { kind: "comment", by: P.oliver, atMin: 70, body: "thanks Sofia, that was fast" },
    ],
    tags: ["triage", "triage:sofia-lindqvist"],
  });

  issues.push({
    key: "i2",
    repo: "fleet",
    author: P.hannah,
    title: "robots disappear from map sometimes",
    body: "A few robots vanish from the live map for a minute and come back. Seen at the Leipzig site mostly.",
    openedAt: "2026-07-21T15:10:00Z",
    events: [
      {
        kind: "comment",
        by: P.sofia,
        atMin: 80,
        body: "Looked at the map feed: robots are dropped when their last heartbeat is older than 30 s, and the Leipzig robots send heartbeats in bursts after roaming between access points (their AP logs show 20–45 s gaps). So they're not gone, they're stale, and the map hides stale robots. I've written up steps and what \"done\" could look like in the description — does that match what you saw?",
      },
      {
        kind: "edit",
        by: P.sofia,
        atMin: 95,
        body:
          "A few robots vanish from the live map for a minute and come back. Seen at the Leipzig site mostly.\n\n" +
          "## Steps to reproduce\n1. Open the live map for the Leipzig site during a shift change (14:00–14:30 local)\n2. Watch robots in aisles 30–42 (where they roam between APs)\n3. Robots disappear for 20–60 s, then reappear at a new position\n\n" +
          "## Cause (so far)\n`robotsForMap` filters out robots whose last heartbeat is older than 30 s; heartbeats pause while a robot roams.\n\n" +
          "## Acceptance criteria\n- [ ] Robots with a stale heartbeat stay on the map, greyed out as \"offline\"\n- [ ] The tooltip shows \"last seen N s ago\"\n- [ ] Robots are removed from the map only after 10 minutes without a heartbeat",
      },
      { kind: "label", by: P.sofia, atMin: 96, label: "bug" },
      { kind: "label", by: P.sofia, atMin: 97, label: "area:map" },
      { kind: "comment", by: P.hannah, atMin: 130, body: "Yes, exactly that. Thank you!" },
      { kind: "comment", by: P.hannah, atMin: 60 * 24 * 4, body: "/unsung endorse @sofia-lindqvist Her rewrite of this issue into repro steps and acceptance criteria turned a week-old mystery into a one-day fix." },
    ],
    tags: ["triage", "triage:sofia-lindqvist"],
  });

  issues.push({
    key: "i3",
    repo: "payments",
    author: P.marcus,
    title: "refund stuck",
    body: "merchant 4471 says a refund is stuck since yesterday",
    openedAt: "2026-08-12T17:30:00Z",
    events: [
      {
        kind: "comment",
        by: P.maya,
        atMin: 45,
        body: "Found it: Stripe moved the refund to `requires_action` (the customer's bank wants 3DS confirmation), and our webhook handler ignores that status, so the refund stays `pending` on our side forever. Three more refunds are in the same state. Updated the description with what we know and what done looks like.",
      },
      {
        kind: "edit",
        by: P.maya,
        atMin: 60,
        title: "Refunds stuck in pending when Stripe reports requires_action",
        body:
          "merchant 4471 says a refund is stuck since yesterday\n\n" +
          "## Steps to reproduce\n1. Create a refund for a card whose bank requires 3DS for refunds (Stripe test card `4000 0027 6000 3184`)\n2. Stripe sends `charge.refund.updated` with `status: requires_action`\n3. Our refund stays `pending`\n\n" +
          "## Impact\n4 refunds (merchants 4471, 5120, 5122, 6003), oldest 31 h.\n\n" +
          "## Acceptance criteria\n- [ ] `requires_action` refunds move to a `requires_action` status visible to support\n- [ ] Refunds pending for more than 1 h page #payments-oncall\n- [ ] The 4 stuck refunds are resolved with the merchants",
      },
      { kind: "label", by: P.maya, atMin: 61, label: "bug" },
      { kind: "label", by: P.maya, atMin: 62, label: "area:refunds" },
      { kind: "comment", by: P.maya, atMin: 60 * 24 * 2 + 30, body: "/unsung claim {{url:i3}} Spent the evening of Aug 12 on the incident bridge with priya-raman reproducing this against Stripe's test clocks; the fix PR is hers, the diagnosis was joint." },
      { kind: "comment", by: P.maya, atMin: 60 * 24 * 9, body: "/unsung log Ran the Q3 incident retro for the payments team (2026-08-21): stuck refunds and the June double-capture; 3 action items, all owned." },
    ],
    tags: ["triage", "triage:maya-okafor"],
  });

  issues.push({
    key: "i5",
    repo: "console",
    author: P.hannah,
    title: "Robot list flickers on refresh",
    body: "The robot table goes blank for a moment every 10 s.",
    openedAt: "2026-08-14T11:00:00Z",
    events: [
      { kind: "label", by: P.sofia, atMin: 40, label: "bug" },
      {
        kind: "comment",
        by: P.sofia,
        atMin: 45,
        body: "Reproduced on the Fleet → Robots page with any fleet over one page: every refetch unmounts the table (the query has no placeholder data), so it renders the empty state for ~200 ms. It only happens on the list, not on robot detail.",
      },
      { kind: "comment", by: P.sofia, atMin: 60 * 24 * 18, body: "/unsung log Ran the weekly web-console bug triage rotation this quarter (8 sessions, ~45 min each): 31 issues labelled, 9 closed as duplicates or not reproducible." },
    ],
    tags: ["triage", "triage:sofia-lindqvist"],
  });

  issues.push({
    key: "i6",
    repo: "console",
    author: P.ben,
    title: "robots list blinking",
    body: "the robots list blinks every few seconds, is that expected?",
    openedAt: "2026-08-31T09:20:00Z",
    events: [
      { kind: "comment", by: P.sofia, atMin: 25, body: "Thanks Ben! This is the same as {{#i5}} (the list unmounts on every refetch). Closing as a duplicate so the discussion stays in one place — a fix is on its way.\n\nDuplicate of {{#i5}}" },
      { kind: "label", by: P.sofia, atMin: 26, label: "duplicate" },
      { kind: "close", by: P.sofia, atMin: 27, reason: "not_planned" },
    ],
    tags: ["triage", "duplicate"],
  });

  issues.push({
    key: "i7",
    repo: "fleet",
    author: P.nadia,
    title: "firmware upload fails for big files??",
    body: "uploading the new firmware image fails, small ones work",
    openedAt: "2026-09-15T13:40:00Z",
    events: [
      {
        kind: "edit",
        by: P.sofia,
        atMin: 55,
        body:
          "uploading the new firmware image fails, small ones work\n\n" +
          "## Steps to reproduce\n1. `POST /v1/firmware/uploads` with the 5.4 image (412 MB)\n2. The request fails after ~30 s with `413 Request Entity Too Large` from the ingress\n\n" +
          "## Expected\nImages up to 2 GB upload successfully.\n\n" +
          "## Acceptance criteria\n- [ ] Images up to 2 GB upload via multipart upload sessions (`createUploadSession` / `uploadPart`)\n- [ ] The ingress limit stays at 100 MB for every other route\n- [ ] The error for a too-large single request says to use multipart",
      },
      { kind: "label", by: P.sofia, atMin: 56, label: "bug" },
      { kind: "label", by: P.sofia, atMin: 57, label: "area:firmware" },
      { kind: "comment", by: P.sofia, atMin: 58, body: "Nadia, the 413 comes from the ingress (100 MB body limit), not from fleet-api. The firmware client generated in {{#r3}} already has multipart upload sessions — wiring those up is the fix. Added acceptance criteria above." },
      { kind: "comment", by: P.dev, atMin: 120, body: "+1 to multipart. Please don't raise the ingress limit globally — it's what keeps a misbehaving client from tying up the API pods." },
    ],
    tags: ["triage", "triage:sofia-lindqvist"],
  });

  issues.push({
    key: "fi",
    repo: "fleet",
    author: P.jonah,
    title: "OrderSyncTest is flaky on main",
    body: "`OrderSyncTest > marks the order synced after the robot acks` fails on main every few days with `expected 'pending' to be 'synced'`. Re-running the job always fixes it.",
    openedAt: "2026-06-16T09:30:00Z",
    labels: ["flaky-test", "ci"],
    events: [
      { kind: "comment", by: P.oliver, atMin: 60 * 24 * 14, body: "Hit it again on the release commit today. Re-ran, green." },
      { kind: "comment", by: P.hannah, atMin: 60 * 24 * 30, body: "+1, twice this week" },
      { kind: "comment", by: P.kwame, atMin: 60 * 24 * 43, body: "re-running again 🙃" },
    ],
    tags: ["flaky-tracker"],
  });

  const staging: { key: string; author: typeof P.hannah; title: string; body: string; at: string; extra?: string }[] = [
    { key: "q1", author: P.hannah, title: "How do I get staging credentials?", body: "My staging DB password stopped working after the rotation. Where do I get new ones?", at: "2026-06-17T10:05:00Z" },
    { key: "q2", author: P.kwame, title: "How do I get staging DB credentials?", body: "Need to check some data on staging for the dependabot PRs. How do I get DB creds?", at: "2026-07-09T14:20:00Z" },
    { key: "q3", author: P.nadia, title: "how do I get staging credentials for fleet-api", body: "Hi! I'm new — how do I get access to the staging database for fleet-api?", at: "2026-08-06T15:40:00Z" },
    { key: "q4", author: P.ben, title: "How do I get staging credentials? vault login fails", body: "`vault login -method=oidc role=staging` says `permission denied`. What am I missing?", at: "2026-08-21T09:10:00Z", extra: "\n\n(The `permission denied` means the Okta group hasn't synced to Vault yet; it takes ~30 min after IT adds you.)" },
    { key: "q5", author: P.priya, title: "How do I get staging credentials for the payments sandbox?", body: "Want to test the idempotency change against fleet-api staging. How do I get creds?", at: "2026-09-11T11:30:00Z" },
    { key: "q6", author: P.tomas, title: "how to get staging credentials", body: "vault read gives me an expired lease, how do I get fresh staging credentials?", at: "2026-09-24T13:15:00Z" },
  ];
  staging.forEach((q, i) => {
    const events: IssueSpec["events"] = [
      { kind: "comment", by: P.jonah, atMin: 20 + i * 3, body: stagingAnswer(i) + (q.extra ?? "") },
      { kind: "label", by: P.jonah, atMin: 21 + i * 3, label: "question" },
      { kind: "comment", by: q.author, atMin: 50 + i * 4, body: i % 2 ? "Worked, thanks!" : "Thanks Jonah, that did it." },
      { kind: "close", by: P.jonah, atMin: 55 + i * 4, reason: "completed" },
    ];
    if (q.key === "q5") {
      events.push(
        { kind: "comment", by: P.marcus, atMin: 90, body: "@jonah-whitfield this is the fifth time this question has come up this quarter. Could it go into CONTRIBUTING / the onboarding doc so you're not the human FAQ?" },
        { kind: "comment", by: P.jonah, atMin: 120, body: "Yes — on my list. It's in Slack every week too." },
        { kind: "comment", by: P.jonah, atMin: 125, body: "/unsung claim {{url:q5}} I also answer this staging-access question in #fleet-dev roughly weekly; logging it so the load is visible." },
      );
    }
    issues.push({ key: q.key, repo: "fleet", author: q.author, title: q.title, body: q.body, openedAt: q.at, events, tags: ["recurring-question"] });
  });

  issues.push({
    key: "mc",
    repo: "fleet",
    author: P.marcus,
    title: "API contract review: fleet-api ↔ payments-core usage billing",
    body: "Agenda for Friday's review of the usage-billing events fleet-api will send to payments-core:\n\n1. Event schema (`robot.usage.hourly`)\n2. Who owns retries and dedupe\n3. Rollout order\n\nPlease add questions below before Friday.",
    openedAt: "2026-09-02T16:00:00Z",
    events: [
      { kind: "comment", by: P.maya, atMin: 60 * 20, body: "From payments: we need an idempotency key per event (we'll dedupe on it) and amounts in minor units." },
      { kind: "comment", by: P.dev, atMin: 60 * 21, body: "Fleet side: events go through the outbox, so at-least-once; the ULID event id works as the idempotency key." },
      {
        kind: "comment",
        by: P.marcus,
        atMin: 60 * 49 + 30,
        body: "/unsung log Facilitated the platform/payments API contract review on 2026-09-04 (usage-billing events): schema agreed, payments dedupes on the event id, fleet ships first behind a flag.",
      },
      { kind: "close", by: P.marcus, atMin: 60 * 49 + 35, reason: "completed" },
    ],
    tags: ["facilitation"],
  });

  // Background issues: ordinary reports and requests.
  const background: IssueSpec[] = [
    { key: "bg1", repo: "console", author: P.tomas, title: "Dark mode for the fleet map", body: "Night-shift operators asked for a dark map. The tile provider has a dark style.", openedAt: "2026-06-24T10:00:00Z", labels: ["enhancement"], events: [{ kind: "comment", by: P.aiko, atMin: 120, body: "Blocked on the design tokens migration; after that it's mostly a tile style switch." }] },
    { key: "bg2", repo: "fleet", author: P.oliver, title: "Expose mission ETA in the API", body: "The console computes ETAs client-side from progress; the planner already knows a better estimate. Can we expose `estimated_completion_at`?", openedAt: "2026-07-02T11:00:00Z", labels: ["enhancement"], events: [{ kind: "comment", by: P.dev, atMin: 300, body: "Planner has it, yes. Needs a column and a serializer change." }] },
    { key: "bg3", repo: "payments", author: P.rafael, title: "Reconcile payouts with the bank statement nightly", body: "Today reconciliation is a spreadsheet at month end. A nightly job comparing payouts with the bank's MT940 file would catch problems within a day.", openedAt: "2026-07-29T09:00:00Z", labels: ["enhancement"], events: [{ kind: "comment", by: P.maya, atMin: 200, body: "+1, finance will love this. The bank's SFTP drop has the files from 06:00." }] },
    { key: "bg4", repo: "console", author: P.hannah, title: "Mission timeline doesn't scroll on Safari", body: "Safari 18: the mission timeline is cut off and won't scroll horizontally.", openedAt: "2026-08-25T13:00:00Z", labels: ["bug"], events: [{ kind: "comment", by: P.tomas, atMin: 90, body: "Looks like `overflow-x: overlay`, which Safari doesn't support." }] },
    { key: "bg5", repo: "fleet", author: P.kwame, title: "Document rate limits per endpoint", body: "Integrators keep asking what the limits are. We should list them in the API reference.", openedAt: "2026-09-18T10:00:00Z", labels: ["documentation"], events: [] },
    { key: "bg6", repo: "docs", author: P.aiko, title: "Search doesn't find endpoint names with slashes", body: "Searching for `/v1/robots` returns nothing.", openedAt: "2026-07-15T09:00:00Z", labels: ["bug"], events: [{ kind: "comment", by: P.lena, atMin: 400, body: "The search tokenizer strips slashes. Algolia has a `separatorsToIndex` setting for this." }] },
  ];
  issues.push(...background);
  return issues;
}

export function directPushes(): DirectPushSpec[] {
  return [
    {
      key: "dp1",
      repo: "docs",
      at: "2026-07-29T16:20:00Z",
      author: P.aiko,
      message: "Fix broken links in the API reference",
      files: [modified("docs/api/robots.md", hunk(12, 12, "", ["-See [pagination](../pagination).", "+See [pagination](../guides/pagination.md)."]))],
    },
    {
      key: "dp2",
      repo: "docs",
      at: "2026-09-04T15:10:00Z",
      author: P.lena,
      message: "Onboarding: fix local setup steps for Apple silicon\n\nNadia and I walked through the setup on her new laptop and found the\nRosetta step is no longer needed with Postgres 16.",
      coAuthors: [coAuthor(P.nadia)],
      files: [modified("docs/onboarding/local-setup.md", hunk(20, 20, "", ["-4. Install Rosetta: `softwareupdate --install-rosetta`", "-5. Start Postgres 14 under Rosetta", "+4. `docker compose up -d` (Postgres 16 and Redis 7, native arm64 images)"]))],
    },
  ];
}
