import { describe, expect, it } from "vitest";
import { decideRetry, type Failure, type RetryContext } from "../../../src/core/backfill/plan-retry.js";

const NOW = Date.parse("2026-12-01T12:00:00Z");
const ctx = (over: Partial<RetryContext> = {}): RetryContext => ({ attempt: 1, maxAttempts: 5, nowMs: NOW, backoffMs: 1000, tokenRefreshed: false, canShrink: true, ...over });
const http = (status: number, headers: Record<string, string> = {}, message = "x"): Failure => ({ kind: "http", status, headers, message });

describe("decideRetry", () => {
  it("obeys retry-after on a secondary limit (403 or 429)", () => {
    expect(decideRetry(http(403, { "retry-after": "30" }), ctx())).toMatchObject({ do: "retry", afterMs: 30_000, shrink: false });
    expect(decideRetry(http(429, { "retry-after": "7" }), ctx())).toMatchObject({ do: "retry", afterMs: 7_000 });
  });

  it("waits at least a minute for a secondary limit that names no wait", () => {
    expect(decideRetry(http(403, {}, "You have exceeded a secondary rate limit"), ctx())).toMatchObject({ do: "retry", afterMs: 60_000 });
  });

  it("waits for the reset when the primary budget is spent (REST and GraphQL), one second past it", () => {
    const reset = String(NOW / 1000 + 600);
    expect(decideRetry(http(403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset }), ctx())).toEqual({ do: "wait-reset", untilMs: NOW + 601_000, reason: "rate limit exhausted" });
    const g: Failure = { kind: "graphql", types: ["RATE_LIMITED"], headers: { "x-ratelimit-reset": reset }, message: "API rate limit exceeded" };
    expect(decideRetry(g, ctx())).toMatchObject({ do: "wait-reset", untilMs: NOW + 601_000 });
    // A reset already past (clocks differ): a minute, not zero.
    expect(decideRetry({ ...g, headers: { "x-ratelimit-reset": String(NOW / 1000 - 5) } }, ctx())).toMatchObject({ do: "wait-reset", untilMs: NOW + 61_000 });
  });

  it("shrinks the page on 502, 504 and timeouts, with exponential back-off", () => {
    expect(decideRetry(http(502), ctx())).toMatchObject({ do: "retry", shrink: true, afterMs: 1000 });
    expect(decideRetry(http(504), ctx({ attempt: 3 }))).toMatchObject({ do: "retry", shrink: true, afterMs: 4000 });
    expect(decideRetry({ kind: "timeout", message: "t" }, ctx({ attempt: 2 }))).toMatchObject({ do: "retry", shrink: true, afterMs: 2000 });
    expect(decideRetry(http(502), ctx({ canShrink: false }))).toMatchObject({ do: "retry", shrink: false });
  });

  it("retries a 500 or 503 (a REST list) without shrinking", () => {
    expect(decideRetry(http(500), ctx())).toMatchObject({ do: "retry", shrink: false });
    expect(decideRetry(http(503), ctx())).toMatchObject({ do: "retry", shrink: false });
  });

  it("replaces a refused token once, then gives up", () => {
    expect(decideRetry(http(401), ctx())).toMatchObject({ do: "retry", refreshToken: true, afterMs: 0 });
    expect(decideRetry(http(401), ctx({ tokenRefreshed: true, attempt: 2 }))).toMatchObject({ do: "fail" });
  });

  it("never retries forever: the last attempt fails with the reason", () => {
    const d = decideRetry(http(502), ctx({ attempt: 5 }));
    expect(d).toEqual({ do: "fail", reason: "GitHub answered 502 (gave up after 5 attempts)", notFound: false });
    expect(decideRetry(http(403, { "retry-after": "1" }), ctx({ attempt: 5 }))).toMatchObject({ do: "fail" });
  });

  it("does not retry answers that will not change", () => {
    expect(decideRetry(http(404), ctx())).toMatchObject({ do: "fail", notFound: true });
    expect(decideRetry(http(422), ctx())).toMatchObject({ do: "fail", notFound: false });
    expect(decideRetry(http(403, {}, "Resource not accessible by integration"), ctx())).toMatchObject({ do: "fail" });
    expect(decideRetry({ kind: "graphql", types: ["NOT_FOUND"], headers: {}, message: "Could not resolve" }, ctx())).toMatchObject({ do: "fail", notFound: true });
    expect(decideRetry({ kind: "graphql", types: ["INVALID"], headers: {}, message: "Field 'x' doesn't exist" }, ctx())).toMatchObject({ do: "fail" });
  });

  it("reads hostile headers as absent", () => {
    expect(decideRetry(http(403, { "retry-after": "-5" }, "secondary rate limit"), ctx())).toMatchObject({ do: "retry", afterMs: 60_000 });
    expect(decideRetry(http(403, { "retry-after": "1e9" }, "secondary rate limit"), ctx())).toMatchObject({ do: "retry", afterMs: 60_000 });
    expect(decideRetry(http(403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "soon" }), ctx())).toMatchObject({ do: "wait-reset", untilMs: NOW + 61_000 });
  });
});
