import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createQuietLogger, logSafe, RejectionLog, safeError } from "../../src/server/quiet-log.js";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  return { lines, destination, text: () => lines.join("\n") };
}

const SECRET_TEXT = "PRIVATE-CODE-do-not-log";

describe("the quiet logger", () => {
  it("drops payloads from errors @octokit/webhooks decorates with the event, as Probot logs them", () => {
    const c = capture();
    const log = createQuietLogger({ level: "debug", destination: c.destination });
    const event = { id: "d-1", name: "issues", payload: { issue: { body: SECRET_TEXT.repeat(1000) } } };
    const inner = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { event, code: "ECONNREFUSED" });
    const agg = Object.assign(new AggregateError([inner], inner.message), { event });
    // Probot's error handler: log.child({ name: "event", id }).error(error)
    log.child({ name: "event", id: event.id }).error(agg);
    log.child({ name: "event", id: event.id }).error(inner);
    // Probot.receive: log.debug({ event }, "Webhook received")
    log.debug({ event }, "Webhook received");
    log.info({ payload: event.payload, body: SECRET_TEXT, req: { headers: {} } }, "x");
    expect(c.lines).toHaveLength(4);
    expect(c.text()).not.toContain(SECRET_TEXT);
    const first = JSON.parse(c.lines[0]!);
    expect(first.err).toMatchObject({ type: "AggregateError", message: "connect ECONNREFUSED 127.0.0.1:5432", errors: [{ type: "Error", code: "ECONNREFUSED" }] });
    expect(JSON.parse(c.lines[2]!).event).toEqual({ id: "d-1", name: "issues" });
    expect(c.text().length).toBeLessThan(8_000);
  });

  it("cuts long error messages and keeps stack frames only (the first line repeats the message)", () => {
    const e = safeError(new Error(SECRET_TEXT.repeat(100)));
    expect(String(e.message).length).toBeLessThan(400);
    expect(String(e.stack)).not.toContain(SECRET_TEXT);
    expect(String(e.stack)).toMatch(/^at /);
    expect(safeError("a string")).toEqual({ type: "string", message: "a string" });
  });

  it("makes header values safe to print", () => {
    expect(logSafe('a"b\nc{d}')).toBe("a?b?c?d?");
    expect(logSafe("x".repeat(500))!.length).toBeLessThanOrEqual(81);
    expect(logSafe(undefined)).toBeUndefined();
  });
});

describe("RejectionLog", () => {
  it("logs a reason at most perWindow times per window, then one summary line", () => {
    const c = capture();
    let now = 0;
    const r = new RejectionLog(createQuietLogger({ destination: c.destination }), 3, 1000, () => now);
    for (let i = 0; i < 50; i++) r.note("missing-signature", { delivery: `d-${i}` });
    r.note("too-large", { delivery: "big" });
    expect(c.lines).toHaveLength(4);
    now = 1500;
    r.note("missing-signature", { delivery: "later" });
    expect(c.lines).toHaveLength(6);
    expect(JSON.parse(c.lines[4]!)).toMatchObject({ reason: "missing-signature", suppressed: 47 });
    expect(JSON.parse(c.lines[5]!)).toMatchObject({ reason: "missing-signature", delivery: "later" });
  });
});
