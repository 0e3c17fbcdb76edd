/**
 * What to do after a GitHub API call failed: retry (after how long, with a
 * smaller page or a fresh token), wait for the rate limit to reset, or give
 * up with a message. Pure: the client reports what it saw and the clock.
 *
 * The rules follow GitHub's documented behaviour: `retry-after` on a
 * secondary limit, `x-ratelimit-reset` when the primary budget is spent, a
 * minute at least for a secondary limit that names no wait; 502/504 and
 * timeouts usually mean the query was too heavy, so the page shrinks; 500/503
 * are transient; a 401 with an installation token means the token expired
 * or was revoked (a fresh one is tried once); other 4xx are final.
 */

/** What the client observed. */
export type Failure =
  | { kind: "http"; status: number; headers: Readonly<Record<string, string | undefined>>; message: string }
  /** HTTP 200 with GraphQL errors (their `type`s, e.g. RATE_LIMITED, NOT_FOUND). */
  | { kind: "graphql"; types: readonly string[]; headers: Readonly<Record<string, string | undefined>>; message: string }
  | { kind: "timeout"; message: string }
  | { kind: "network"; message: string };

export interface RetryContext {
  /** 1 for the first try of this request. */
  attempt: number;
  maxAttempts: number;
  nowMs: number;
  /** Base of the exponential back-off, in ms. */
  backoffMs: number;
  /** A fresh token was already tried for this request. */
  tokenRefreshed: boolean;
  /** The request can be retried with a smaller page. */
  canShrink: boolean;
}

export type RetryDecision =
  | { do: "retry"; afterMs: number; reason: string; shrink: boolean; refreshToken: boolean }
  /** The primary budget is spent: wait until `untilMs`, then try again (does not use up an attempt). */
  | { do: "wait-reset"; untilMs: number; reason: string }
  | { do: "fail"; reason: string; notFound: boolean };

const SECONDARY = /secondary rate limit|abuse detection/i;
const MIN_SECONDARY_WAIT_MS = 60_000;

function header(h: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  return h[name] ?? h[name.toLowerCase()];
}

/** A non-negative whole number of seconds, or null. */
function seconds(v: string | undefined): number | null {
  if (v === undefined || !/^\d{1,10}$/.test(v.trim())) return null;
  return Number(v.trim());
}

/** When the primary budget resets (ms), from `x-ratelimit-reset` (epoch seconds), else null. */
export function resetFromHeaders(h: Readonly<Record<string, string | undefined>>): number | null {
  const s = seconds(header(h, "x-ratelimit-reset"));
  return s === null ? null : s * 1000;
}

function backoff(ctx: RetryContext): number {
  return ctx.backoffMs * 2 ** Math.max(0, ctx.attempt - 1);
}

export function decideRetry(f: Failure, ctx: RetryContext): RetryDecision {
  const last = ctx.attempt >= ctx.maxAttempts;
  const giveUp = (why: string): RetryDecision => ({ do: "fail", reason: `${why} (gave up after ${ctx.attempt} ${ctx.attempt === 1 ? "attempt" : "attempts"})`, notFound: false });
  const retry = (afterMs: number, reason: string, extra: { shrink?: boolean; refreshToken?: boolean } = {}): RetryDecision =>
    last ? giveUp(reason) : { do: "retry", afterMs: Math.max(0, afterMs), reason, shrink: extra.shrink ?? false, refreshToken: extra.refreshToken ?? false };
  const primaryWait = (headers: Readonly<Record<string, string | undefined>>, reason: string): RetryDecision => {
    const reset = resetFromHeaders(headers);
    // One second past the reset: GitHub's clock and ours differ a little.
    return { do: "wait-reset", untilMs: (reset !== null && reset > ctx.nowMs ? reset : ctx.nowMs + MIN_SECONDARY_WAIT_MS) + 1000, reason };
  };

  switch (f.kind) {
    case "timeout":
      return retry(backoff(ctx), `timed out: ${f.message}`, { shrink: ctx.canShrink });
    case "network":
      return retry(backoff(ctx), `network error: ${f.message}`);
    case "graphql": {
      if (f.types.includes("RATE_LIMITED")) return primaryWait(f.headers, "GraphQL rate limit exhausted");
      if (f.types.includes("NOT_FOUND")) return { do: "fail", reason: f.message, notFound: true };
      // Timeouts inside GitHub come back as errors too ("Something went wrong while executing your query").
      if (/timeout|something went wrong/i.test(f.message)) return retry(backoff(ctx), `GraphQL error: ${f.message}`, { shrink: ctx.canShrink });
      return { do: "fail", reason: `GraphQL error: ${f.message}`, notFound: false };
    }
    case "http": {
      const s = f.status;
      if (s === 401) {
        if (ctx.tokenRefreshed) return { do: "fail", reason: "GitHub refused the credentials (401) even with a fresh token", notFound: false };
        return retry(0, "the token was refused (401): trying a fresh one", { refreshToken: true });
      }
      if (s === 403 || s === 429) {
        const after = seconds(header(f.headers, "retry-after"));
        if (after !== null) return retry(after * 1000, `secondary rate limit: GitHub asked to wait ${after} s`);
        if (header(f.headers, "x-ratelimit-remaining") === "0") return primaryWait(f.headers, "rate limit exhausted");
        if (SECONDARY.test(f.message) || s === 429) return retry(Math.max(MIN_SECONDARY_WAIT_MS, backoff(ctx)), "secondary rate limit");
        return { do: "fail", reason: `forbidden (403): ${f.message}`, notFound: false };
      }
      if (s === 502 || s === 504) return retry(backoff(ctx), `GitHub answered ${s}`, { shrink: ctx.canShrink });
      if (s === 500 || s === 503) return retry(backoff(ctx), `GitHub answered ${s}`);
      if (s === 404 || s === 410) return { do: "fail", reason: `not found (${s}): ${f.message}`, notFound: true };
      return { do: "fail", reason: `GitHub answered ${s}: ${f.message}`, notFound: false };
    }
  }
}
