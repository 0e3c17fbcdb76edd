/**
 * Hostile, malformed and oversized webhook requests over real HTTP: refused on
 * their headers before the body is read, or while it streams, with the reason
 * logged (delivery id, event, source) and never the body; slow and huge
 * requests hold only their own source's slots; a database failure logs no payload.
 */
import http from "node:http";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metricValue } from "../../src/server/metrics.js";
import { openIntakeDb } from "../../src/store/open-database.js";
import { example } from "../helpers/examples.js";
import { sign, startHarness, type Harness } from "../helpers/harness.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

const MB = 1024 * 1024;
const MARKER = "SECRET-PAYLOAD-MARKER";
let database: TestDatabase;
let h: Harness;
const logLines: string[] = [];
const logTo = new Writable({
  write(chunk: Buffer, _e, done) {
    logLines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    done();
  },
});
const logText = () => logLines.join("\n");

beforeAll(async () => {
  database = await createTestDatabase();
  h = await startHarness(database, { maxBodyBytes: 4 * MB, logTo, admission: { perSource: 2, largeBodyBytes: 256 * 1024, largePerSource: 1, largeTotal: 2 } });
});
afterAll(async () => {
  await h?.close();
  await database?.drop();
});

const count = async () => Number((await database.db.selectFrom("deliveries").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

interface Open {
  /** The status, once the server answers (or "closed" when it cut the connection first). */
  answered: Promise<number | "closed">;
  req: http.ClientRequest;
}

/** Starts a POST and writes `first` bytes of its body; the rest only if `finish`. */
function open(url: string, headers: Record<string, string>, body: Buffer, opts: { first?: number; finish?: boolean; localAddress?: string } = {}): Open {
  const req = http.request(`${url}/api/github/webhooks`, { method: "POST", headers, agent: false, ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) });
  const answered = new Promise<number | "closed">((resolve) => {
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", () => resolve("closed"));
    req.on("close", () => resolve("closed"));
  });
  const first = opts.first ?? body.length;
  req.write(body.subarray(0, first));
  if (opts.finish !== false && first >= body.length) req.end();
  return { answered, req };
}

const headersFor = (body: Buffer | string, over: Record<string, string | null> = {}): Record<string, string> => {
  const hs: Record<string, string | null> = {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(body)),
    "x-github-event": "issues",
    "x-github-delivery": `hostile-${Math.random().toString(36).slice(2)}`,
    "x-hub-signature-256": sign(body),
    ...over,
  };
  return Object.fromEntries(Object.entries(hs).filter(([, v]) => v !== null)) as Record<string, string>;
};

const issueBody = (extra: Record<string, unknown> = {}) => Buffer.from(JSON.stringify({ ...example("issues", "opened"), ...extra }));

describe("refused on the headers, before the body is read", () => {
  it.each([
    ["no signature", { "x-hub-signature-256": null }, 400, "missing-signature"],
    ["a malformed signature", { "x-hub-signature-256": "sha256=zz" }, 400, "bad-signature-format"],
    ["no event", { "x-github-event": null }, 400, "missing-event"],
    ["no delivery id", { "x-github-delivery": null }, 400, "missing-delivery-id"],
    ["a hostile delivery id", { "x-github-delivery": "x'); drop table deliveries; --" }, 400, "bad-delivery-id"],
    ["a text body", { "content-type": "text/plain" }, 415, "content-type"],
    ["a compressed body", { "content-encoding": "gzip" }, 415, "content-encoding"],
    ["a declared length over the cap", { "content-length": String(24 * MB) }, 413, "too-large"],
  ] as const)("%s: answered with only 64 KB of a 24 MB body sent", async (_name, over, status, reason) => {
    const before = await count();
    const rejected = await metricValue("unsung_deliveries_rejected_total", { reason });
    const body = Buffer.alloc(24 * MB, "x");
    // The client sends 64 KB and waits: the answer can only come from the headers.
    const o = open(h.url, headersFor(body, { "content-length": String(24 * MB), ...over }), body, { first: 64 * 1024, finish: false });
    expect(await o.answered).toBe(status);
    o.req.destroy();
    expect(await count()).toBe(before);
    expect((await metricValue("unsung_deliveries_rejected_total", { reason })) - rejected).toBe(1);
    const line = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).findLast((l) => l.reason === reason);
    expect(line).toMatchObject({ msg: "webhook rejected", reason });
  });
});

describe("refused while or after the body is read", () => {
  it.each([
    ["a wrong signature", issueBody({ marker: MARKER }), { "x-hub-signature-256": sign("something else") }, 400, "bad-signature"],
    ["malformed JSON, correctly signed", Buffer.from(`{"marker": "${MARKER}", `), {}, 400, "malformed-json"],
    ["a JSON array, correctly signed", Buffer.from(`["${MARKER}"]`), {}, 400, "not-an-object"],
    ["a JSON number, correctly signed", Buffer.from("42"), {}, 400, "not-an-object"],
    ["invalid UTF-8 inside a string, correctly signed", Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]), { "x-github-event": "star" }, 200, null],
  ] as const)("%s", async (_name, body, over, status, reason) => {
    const before = await count();
    const o = open(h.url, headersFor(body, over), body);
    expect(await o.answered).toBe(status);
    expect(await count()).toBe(before + (status === 200 ? 1 : 0));
    if (reason) expect(logLines.map((l) => JSON.parse(l) as Record<string, unknown>).some((l) => l.reason === reason)).toBe(true);
  });

  it("a chunked body is counted as it streams and cut off at the cap", async () => {
    const body = Buffer.alloc(6 * MB, " ");
    const o = open(h.url, headersFor(body, { "content-length": null, "transfer-encoding": "chunked" }), body);
    expect([413, "closed"]).toContain(await o.answered);
    expect(await metricValue("unsung_deliveries_rejected_total", { reason: "too-large" })).toBeGreaterThanOrEqual(2);
  });

  it("a body shorter than its declared length, then the client gives up: nothing stored, the slot freed", async () => {
    const before = await count();
    const body = issueBody();
    const o = open(h.url, headersFor(body, { "content-length": String(body.length + 100) }), body, { finish: false });
    await new Promise((r) => setTimeout(r, 50));
    o.req.destroy();
    await o.answered;
    expect(await count()).toBe(before);
    // Two slots per source: both usable again.
    const ok = await Promise.all([h.post("issues", example("issues", "opened")), h.post("issues", example("issues", "opened"))]);
    expect(ok.map((r) => r.status)).toEqual([200, 200]);
  });

  it("a huge but valid payload under the cap (3 MB of unicode) is stored as sent", async () => {
    const payload = { ...example("issues", "opened"), padding: "ü🙂\u202e".repeat(300_000) };
    const res = await h.post("issues", payload, { id: "huge-unicode" });
    expect(res.status).toBe(200);
    const row = await database.db.selectFrom("deliveries").select(["payload_bytes"]).where("id", "=", "huge-unicode").executeTakeFirstOrThrow();
    expect(row.payload_bytes).toBe(Buffer.byteLength(JSON.stringify(payload)));
  });
});

describe("slow and huge requests cannot starve good ones", () => {
  it("slow requests hold only their source's slots; large bodies have a narrow lane; small deliveries still pass", async () => {
    const small = issueBody();
    // Two slow requests from 127.0.0.2 fill its two slots; a third from it is refused at once.
    const slow = [0, 1].map(() => open(h.url, headersFor(small), small, { first: 100, finish: false, localAddress: "127.0.0.2" }));
    await new Promise((r) => setTimeout(r, 50));
    const third = open(h.url, headersFor(small), small, { localAddress: "127.0.0.2" });
    expect(await third.answered).toBe(429);
    // Two large bodies (over 256 KB) trickling in from two sources fill the large lane.
    const large = Buffer.alloc(2 * MB, " ");
    const big = ["127.0.0.3", "127.0.0.4"].map((a) => open(h.url, headersFor(large), large, { first: 300 * 1024, finish: false, localAddress: a }));
    await new Promise((r) => setTimeout(r, 50));
    const bigThird = open(h.url, headersFor(large), large, { first: 1024, finish: false, localAddress: "127.0.0.5" });
    expect(await bigThird.answered).toBe(503);
    bigThird.req.destroy();
    // Meanwhile good deliveries, from the default source and from the large lane's own sources, are stored.
    const good = await Promise.all([
      h.post("issues", example("issues", "opened"), { id: "good-during-slow-1" }),
      open(h.url, headersFor(small, { "x-github-delivery": "good-during-slow-2" }), small, { localAddress: "127.0.0.5" }).answered,
    ]);
    expect(good[0].status).toBe(200);
    expect(good[1]).toBe(200);
    for (const o of [...slow, ...big]) o.req.destroy();
    await Promise.all([...slow, ...big].map((o) => o.answered));
    expect(await metricValue("unsung_deliveries_rejected_total", { reason: "source-busy" })).toBeGreaterThanOrEqual(1);
    expect(await metricValue("unsung_deliveries_rejected_total", { reason: "large-busy" })).toBeGreaterThanOrEqual(1);
  });
});

describe("logging", () => {
  it("names delivery id, event, source and reason of each rejection, never a body", () => {
    const rejections = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === "webhook rejected");
    expect(rejections.length).toBeGreaterThan(8);
    for (const r of rejections) {
      expect(Object.keys(r).sort()).toEqual(expect.arrayContaining(["reason", "source"]));
      if (r.event !== undefined) expect(r.event).toMatch(/^[a-z_?]+$/);
      expect(Object.keys(r).filter((k) => !["level", "time", "pid", "hostname", "name", "msg", "reason", "delivery", "event", "source", "length"].includes(k))).toEqual([]);
    }
    expect(logText()).not.toContain(MARKER);
    expect(logText()).not.toContain("drop table");
    expect(logText()).not.toContain("xxxxxxxx");
  });

  it("a database failure answers 500 and logs the delivery id and reason, not the payload (Probot's own error log included)", async () => {
    const lines: string[] = [];
    const capture = new Writable({
      write(chunk: Buffer, _e, done) {
        lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
        done();
      },
    });
    const dead = openIntakeDb("postgres://postgres@127.0.0.1:9/unsung_nowhere");
    const down = await startHarness(database, { recordDb: dead.db, logTo: capture });
    try {
      const failures = await metricValue("unsung_deliveries_store_failures_total");
      const res = await down.post("issues", { ...example("issues", "opened"), marker: MARKER.repeat(1000) }, { id: "db-down-1" });
      expect(res.status).toBe(500);
      expect((await metricValue("unsung_deliveries_store_failures_total")) - failures).toBe(1);
      const text = lines.join("\n");
      expect(text).not.toContain(MARKER);
      expect(text).not.toContain("Codertocat");
      const mine = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.reason === "store-failed");
      expect(mine).toMatchObject({ delivery: "db-down-1", event: "issues", msg: "webhook not stored" });
      expect(text.length).toBeLessThan(16_000);
    } finally {
      await down.close();
      await dead.close();
    }
  });
});
