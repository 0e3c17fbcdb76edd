import { describe, expect, it } from "vitest";
import { checkWebhookHeaders, REJECT_STATUS } from "../../src/server/check-headers.js";

const SIG = "sha256=" + "ab".repeat(32);
const good = (over: Record<string, string | string[] | undefined> = {}) => {
  const h: Record<string, string | string[] | undefined> = {
    "x-github-event": "pull_request",
    "x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
    "x-hub-signature-256": SIG,
    "content-type": "application/json",
    "content-length": "1234",
    ...over,
  };
  for (const k of Object.keys(h)) if (h[k] === undefined) delete h[k];
  return h;
};

describe("checkWebhookHeaders", () => {
  it("accepts GitHub's headers and returns the id, event, signature bytes and declared length", () => {
    const r = checkWebhookHeaders(good({ "content-type": "application/json; charset=utf-8" }), 10_000);
    expect(r).toEqual({ ok: true, id: "72d3162e-cc78-11e3-81ab-4c9367dc0958", event: "pull_request", signature: Buffer.from("ab".repeat(32), "hex"), length: 1234 });
  });

  it("accepts a chunked body (no declared length), to be counted as it streams", () => {
    const r = checkWebhookHeaders(good({ "content-length": undefined, "transfer-encoding": "chunked" }), 10_000);
    expect(r.ok && r.length).toBe(null);
  });

  it.each([
    ["no event", { "x-github-event": undefined }, "missing-event"],
    ["an empty event", { "x-github-event": "" }, "missing-event"],
    ["an event with odd characters", { "x-github-event": "pull_request\n{\"x\":1}" }, "bad-event"],
    ["an upper-case event", { "x-github-event": "PULL_REQUEST" }, "bad-event"],
    ["an event of 65 characters", { "x-github-event": "a".repeat(65) }, "bad-event"],
    ["two event headers", { "x-github-event": ["issues", "push"] }, "bad-event"],
    ["no delivery id", { "x-github-delivery": undefined }, "missing-delivery-id"],
    ["a delivery id with spaces", { "x-github-delivery": "a b" }, "bad-delivery-id"],
    ["a delivery id of 129 characters", { "x-github-delivery": "d".repeat(129) }, "bad-delivery-id"],
    ["a delivery id with a quote", { "x-github-delivery": 'x"y' }, "bad-delivery-id"],
    ["no signature", { "x-hub-signature-256": undefined }, "missing-signature"],
    ["an empty signature", { "x-hub-signature-256": "" }, "missing-signature"],
    ["a sha1 signature", { "x-hub-signature-256": "sha1=" + "a".repeat(40) }, "bad-signature-format"],
    ["a short signature", { "x-hub-signature-256": "sha256=abc" }, "bad-signature-format"],
    ["a non-hex signature", { "x-hub-signature-256": "sha256=" + "z".repeat(64) }, "bad-signature-format"],
    ["text/plain", { "content-type": "text/plain" }, "content-type"],
    ["a form body", { "content-type": "application/x-www-form-urlencoded" }, "content-type"],
    ["no content type", { "content-type": undefined }, "content-type"],
    ["application/jsonx", { "content-type": "application/jsonx" }, "content-type"],
    ["a gzip body", { "content-encoding": "gzip" }, "content-encoding"],
    ["a negative length", { "content-length": "-1" }, "bad-length"],
    ["a length in hex", { "content-length": "0x10" }, "bad-length"],
    ["a length of 16 digits", { "content-length": "1".repeat(16) }, "bad-length"],
    ["a zero length", { "content-length": "0" }, "empty-body"],
    ["no length and no chunked encoding", { "content-length": undefined }, "empty-body"],
    ["a declared length over the cap", { "content-length": "10001" }, "too-large"],
  ] as const)("refuses %s", (_name, over, reason) => {
    const r = checkWebhookHeaders(good(over as Record<string, string | string[] | undefined>), 10_000);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toBe(reason);
  });

  it("checks in a fixed order: the event first, the length last", () => {
    const r = checkWebhookHeaders({ "content-length": "999999999" }, 10);
    expect(!r.ok && r.reason).toBe("missing-event");
    const noSig = checkWebhookHeaders(good({ "x-hub-signature-256": undefined, "content-type": "text/plain", "content-length": "999999" }), 10);
    expect(!noSig.ok && noSig.reason).toBe("missing-signature");
  });

  it("maps every reason to a 4xx or 5xx status", () => {
    for (const [reason, status] of Object.entries(REJECT_STATUS)) expect([400, 413, 415, 429, 503], reason).toContain(status);
    expect(REJECT_STATUS["too-large"]).toBe(413);
    expect(REJECT_STATUS["content-type"]).toBe(415);
    expect(REJECT_STATUS["source-busy"]).toBe(429);
  });
});
