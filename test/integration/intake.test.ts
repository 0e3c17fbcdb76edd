import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { collectStats } from "../../src/cli/stats.js";
import { Gauge } from "prom-client";
import { metricValue, onScrape, registry } from "../../src/server/metrics.js";
import { openIntakeDb } from "../../src/store/open-database.js";
import { examplesOf, example, SUBSCRIBED_EVENTS } from "../helpers/examples.js";
import { request, sign, startHarness, type Harness } from "../helpers/harness.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

let database: TestDatabase;
let h: Harness;

beforeAll(async () => {
  database = await createTestDatabase();
  h = await startHarness(database, { maxBodyBytes: 256 * 1024 });
});
afterAll(async () => {
  await h?.close();
  await database?.drop();
});

const count = async (table: "deliveries" | "pull_requests" | "reviews") =>
  Number((await database.db.selectFrom(table).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

describe("webhook intake over HTTP with real signatures", () => {
  it("stores and normalises every example payload of every subscribed event", async () => {
    let sent = 0;
    for (const event of SUBSCRIBED_EVENTS) {
      const examples = examplesOf(event);
      expect(examples.length, `examples for ${event}`).toBeGreaterThan(0);
      for (const payload of examples) {
        const res = await h.post(event, payload);
        expect(res.status, `${event}.${String(payload.action)}`).toBe(200);
        sent++;
      }
    }
    expect(await count("deliveries")).toBe(sent);
    await h.drain();
    const failed = await database.db.selectFrom("deliveries").select(["event", "action", "last_error"]).where("status", "<>", "processed").execute();
    expect(failed).toEqual([]);
    const s = await collectStats(database.db);
    expect(s.deliveries).toEqual({ total: sent, pending: 0, failed: 0 });
    for (const key of ["installations", "repositories", "people", "pullRequests", "reviews", "reviewComments", "issues", "issueComments", "checkRuns", "workflowRuns", "commits"] as const) {
      expect(s[key], key).toBeGreaterThan(0);
    }
  });

  it("answers 2xx once per delivery id and stores a duplicate once", async () => {
    const before = await count("deliveries");
    const duplicates = await metricValue("unsung_deliveries_stored_total", { outcome: "duplicate" });
    const payload = example("issues", "opened");
    const a = await h.post("issues", payload, { id: "dup-1" });
    const b = await h.post("issues", payload, { id: "dup-1" });
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(await count("deliveries")).toBe(before + 1);
    expect((await metricValue("unsung_deliveries_stored_total", { outcome: "duplicate" })) - duplicates).toBe(1);
  });

  it("stores concurrent deliveries together, each once, and answers each only after its commit", async () => {
    const before = await count("deliveries");
    // Delivery ids in processing jobs, one per appearance.
    const processJobs = async () =>
      (
        await sql<{ n: number }>`select count(*)::int as n from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id,
            json_array_elements_text(j.payload->'deliveryIds') as x(id) where t.identifier = 'process-deliveries' and x.id like 'burst-%'`.execute(database.db)
      ).rows[0]!.n;
    // Earlier tests' deliveries get their jobs just after their 2xx: let that finish before counting.
    await h.flush();
    const jobsBefore = await processJobs();
    const payload = example("issues", "opened");
    // 40 distinct deliveries and the same id 10 times, all in flight at once.
    const results = await Promise.all([
      ...Array.from({ length: 40 }, (_, i) => h.post("issues", payload, { id: `burst-${i}` })),
      ...Array.from({ length: 10 }, () => h.post("issues", payload, { id: "burst-same" })),
    ]);
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(await count("deliveries")).toBe(before + 41);
    // The raw body is stored as received (no re-serialisation).
    const row = await database.db.selectFrom("deliveries").select(["payload", "payload_bytes"]).where("id", "=", "burst-0").executeTakeFirstOrThrow();
    expect(row.payload).toBe(JSON.stringify(payload));
    expect(row.payload_bytes).toBe(Buffer.byteLength(JSON.stringify(payload)));
    // Every stored delivery in one processing job, the duplicates in none, added after the 2xx.
    await h.flush();
    expect((await processJobs()) - jobsBefore).toBe(41);
  });

  it.each([
    ["a wrong signature", { signature: sign("something else") }, 400],
    ["a missing signature", { signature: null }, 400],
    ["a signature made with another secret", { signature: "sha256=" + "0".repeat(64) }, 400],
    ["a non-JSON content type", { contentType: "text/plain" }, 415],
    ["a form-encoded body", { contentType: "application/x-www-form-urlencoded" }, 415],
    ["malformed JSON (correctly signed)", { rawBody: '{"action": "opened", ' }, 400],
  ] as const)("rejects %s and stores nothing", async (_name, opts, status) => {
    const before = await count("deliveries");
    const res = await h.post("issues", example("issues", "opened"), { ...opts });
    expect(res.status).toBe(status);
    expect(await count("deliveries")).toBe(before);
  });

  it("rejects an oversized body with 413 before reading it, by declared length and by streamed bytes", async () => {
    const before = await count("deliveries");
    const big = JSON.stringify({ action: "opened", padding: "x".repeat(300 * 1024) });
    const declared = await h.post("issues", null, { rawBody: big });
    expect(declared.status).toBe(413);
    // No content-length: chunked transfer, counted as it streams.
    const streamed = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${h.url}/api/github/webhooks`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-github-event": "issues", "x-github-delivery": "chunked-1", "x-hub-signature-256": sign(big) },
      }, (res) => resolve(res.statusCode ?? 0));
      req.on("error", (e) => (String(e).includes("EPIPE") || String(e).includes("ECONNRESET") ? resolve(413) : reject(e)));
      for (let i = 0; i < big.length; i += 16 * 1024) req.write(big.slice(i, i + 16 * 1024));
      req.end();
    });
    expect(streamed).toBe(413);
    expect(await count("deliveries")).toBe(before);
  });

  it("answers unknown routes with 404 and reports health and metrics", async () => {
    expect((await request(`${h.url}/nope`, "GET", {})).status).toBe(404);
    const health = await request(`${h.url}/healthz`, "GET", {});
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: "ok", database: "up" });
    const metrics = await request(`${h.url}/metrics`, "GET", {});
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/^unsung_deliveries\{status="processed"\} \d+$/m);
    expect(metrics.body).toMatch(/^unsung_processing_lag_seconds \d/m);
    expect(metrics.body).toMatch(/^unsung_deliveries_stored_total\{outcome="stored"\} [1-9]\d*$/m);
    expect(metrics.body).toMatch(/^unsung_deliveries_received_total [1-9]\d*$/m);
    expect(metrics.body).toMatch(/^unsung_deliveries_rejected_total\{reason="bad-signature"\} [1-9]\d*$/m);
    expect(metrics.body).toMatch(/^unsung_queue_jobs\{state="ready"\} \d+$/m);
    expect(metrics.body).toMatch(/^unsung_database_up 1$/m);
  });
});

describe("the metrics registry", () => {
  it("serves gauges other modules add with onScrape, even when another reader fails", async () => {
    const g = new Gauge({ name: "unsung_test_installations", help: "Installations, read at scrape time.", registers: [registry] });
    onScrape(async (db) => g.set(Number((await db.selectFrom("installations").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n)));
    onScrape(async () => {
      throw new Error("a broken reader");
    });
    const body = (await request(`${h.url}/metrics`, "GET", {})).body;
    const installations = Number((await database.db.selectFrom("installations").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
    expect(installations).toBeGreaterThan(0);
    expect(body).toMatch(new RegExp(`^unsung_test_installations ${installations}$`, "m"));
    expect(body).toMatch(/^unsung_database_up 1$/m);
    expect(body).toMatch(/^unsung_deliveries\{status="failed"\} \d+$/m);
    expect(body).toMatch(/^process_resident_memory_bytes \d+/m);
  });
});

describe("database outage", () => {
  it("answers 5xx while the database is unreachable, stores nothing, and succeeds once it is back", async () => {
    // A TCP proxy in front of the database that can be cut and restored.
    const target = new URL(database.connectionString.replace(/^postgres:/, "http:"));
    let cut = false;
    const sockets = new Set<net.Socket>();
    const proxy = net.createServer((client) => {
      if (cut) return void client.destroy();
      const upstream = net.connect(Number(target.port || 5432), target.hostname);
      sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const close = () => (client.destroy(), upstream.destroy());
      client.on("error", close).on("close", close);
      upstream.on("error", close).on("close", close);
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    const proxied = new URL(database.connectionString);
    proxied.host = `127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
    const intake = openIntakeDb(proxied.toString());
    const outageHarness = await startHarness(database, { recordDb: intake.db });
    try {
      cut = true;
      for (const s of sockets) s.destroy();
      const before = await count("deliveries");
      const payload = example("issues", "opened");
      const down = await outageHarness.post("issues", payload, { id: "outage-1" });
      expect(down.status).toBeGreaterThanOrEqual(500);
      expect(await count("deliveries")).toBe(before);
      cut = false;
      const up = await outageHarness.post("issues", payload, { id: "outage-1" });
      expect(up.status).toBe(200);
      expect(await count("deliveries")).toBe(before + 1);
    } finally {
      await outageHarness.close();
      await intake.close();
      for (const s of sockets) s.destroy();
      proxy.close();
    }
  });
});

describe("processing", () => {
  it("parks a poison delivery with its error without blocking the others", async () => {
    const good = example("issues", "opened");
    (good.issue as Record<string, unknown>).id = 990001;
    (good.issue as Record<string, unknown>).number = 9901;
    const poison = { action: "opened", repository: good.repository, installation: good.installation, sender: good.sender };
    expect((await h.post("pull_request", poison, { id: "poison-1" })).status).toBe(200);
    expect((await h.post("issues", good, { id: "good-after-poison" })).status).toBe(200);
    await h.drain();
    const rows = await database.db.selectFrom("deliveries").select(["id", "status", "last_error"]).where("id", "in", ["poison-1", "good-after-poison"]).orderBy("id").execute();
    expect(rows).toEqual([
      { id: "good-after-poison", status: "processed", last_error: null },
      { id: "poison-1", status: "failed", last_error: "MalformedPayloadError: payload has no pull_request" },
    ]);
  });

  it("retries a delivery that fails for a transient reason with backoff, then parks it after the last attempt", async () => {
    await sql`create or replace function poison_title() returns trigger language plpgsql as $$
      begin if new.title = 'POISON' then raise exception 'simulated storage failure'; end if; return new; end $$`.execute(database.db);
    await sql`create trigger poison_title before insert or update on pull_requests for each row execute function poison_title()`.execute(database.db);
    try {
      const payload = example("pull_request", "opened");
      (payload.pull_request as Record<string, unknown>).title = "POISON";
      (payload.pull_request as Record<string, unknown>).id = 880001;
      (payload.pull_request as Record<string, unknown>).number = 8801;
      expect((await h.post("pull_request", payload, { id: "transient-1" })).status).toBe(200);
      await h.drain();
      const row = await database.db.selectFrom("deliveries").select(["status", "attempts", "last_error"]).where("id", "=", "transient-1").executeTakeFirstOrThrow();
      expect(row.status).toBe("failed");
      expect(row.attempts).toBe(3);
      expect(row.last_error).toContain("simulated storage failure");
    } finally {
      await sql`drop trigger poison_title on pull_requests`.execute(database.db);
    }
  });
});
