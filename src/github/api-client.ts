/**
 * A GitHub API client that survives GitHub: it reads the rate limits GitHub
 * reports (GraphQL's `rateLimit`, REST's `x-ratelimit-*`), slows down before
 * the budget runs out and waits for the reset, obeys `retry-after` on
 * secondary limits, retries 5xx and timeouts (asking the caller for a smaller
 * page on 502/504 and timeouts), replaces a token GitHub refuses, and never
 * retries forever. Every HTTP request it sends is counted.
 *
 * Its policies (attempts, waits, reserves, how long a wait may be held) are
 * passed in, and the decisions are pure functions in src/core/backfill, so
 * the backfill, the CLI and later writers (PR comments) share one client.
 * HTTP goes through @octokit/request.
 */
import { request as octokitRequest } from "@octokit/request";
import { decideRetry, resetFromHeaders, type Failure } from "../core/backfill/plan-retry.js";
import { paceNextCall, type BudgetSnapshot } from "../core/backfill/pace-requests.js";

/** Where tokens come from. `refresh`: the last token was refused, get a new one (not from a cache). */
export interface AuthProvider {
  token(refresh: boolean): Promise<string>;
  /** For messages: "GITHUB_TOKEN", "installation 42". Never the token. */
  readonly label: string;
  /** The REST authorization scheme: "token" (default) or "bearer" (the app's JWT, which GitHub takes only so). */
  readonly scheme?: "token" | "bearer";
}

export interface ApiPolicy {
  /** Tries per request (the first included), for retryable failures. */
  maxAttempts: number;
  /** A request that has not answered after this long is abandoned (and retried with a smaller page). */
  timeoutMs: number;
  /** Base of the exponential back-off between retries. */
  backoffMs: number;
  /** Points (GraphQL) and requests (REST) never spent: left for the live app. */
  reserve: { graphql: number; core: number };
  /** Below this share of the limit, calls are spread out until the reset. */
  slowBelowShare: number;
  /**
   * The longest wait held inside a call. A longer one (a rate-limit reset an hour away) throws
   * RateLimitWait instead, so a queue job can be scheduled for later rather than holding a worker.
   */
  maxInlineWaitMs: number;
  /** Waits for a reset allowed per request before giving up. */
  maxResetWaits: number;
  /** Largest response body accepted, in bytes. */
  maxResponseBytes: number;
}

export const DEFAULT_POLICY: ApiPolicy = {
  maxAttempts: 6,
  timeoutMs: 60_000,
  backoffMs: 1_000,
  reserve: { graphql: 250, core: 100 },
  slowBelowShare: 0.2,
  maxInlineWaitMs: Number.POSITIVE_INFINITY,
  maxResetWaits: 3,
  maxResponseBytes: 64 * 1024 * 1024,
};

export type ApiEvent =
  | { type: "call"; api: "graphql" | "rest"; route: string; status: number }
  | { type: "retry"; reason: string; afterMs: number; attempt: number }
  | { type: "shrink"; reason: string }
  | { type: "wait"; reason: string; untilMs: number }
  | { type: "limits"; resource: string; snapshot: BudgetSnapshot };

/** The client must wait longer than its policy allows inside a call: try again at `untilMs`. */
export class RateLimitWait extends Error {
  override name = "RateLimitWait";
  constructor(
    readonly untilMs: number,
    readonly reason: string,
  ) {
    super(`${reason}: waiting until ${new Date(untilMs).toISOString()}`);
  }
}

/** A request that failed for good (after retries, or at once for errors that retrying cannot fix). */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    message: string,
    readonly status: number | null,
    readonly notFound: boolean,
    /** Worth trying again later (GitHub was down or unreachable); false for answers that will not change. */
    readonly retryable = false,
  ) {
    super(message);
  }
}

class ResponseTooLarge extends Error {
  override name = "ResponseTooLarge";
}

export interface ApiClientOptions {
  /** REST base URL: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. */
  baseUrl: string;
  auth: AuthProvider;
  policy?: Partial<ApiPolicy>;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  fetch?: typeof fetch;
  onEvent?: (e: ApiEvent) => void;
  userAgent?: string;
}

type Headers = Record<string, string | undefined>;

interface RawResponse {
  status: number;
  headers: Headers;
  data: unknown;
}

export interface GraphqlOptions {
  /** Called after a 502/504 or a timeout: smaller-page variables for the retry, or null when none is smaller. */
  shrink?: () => Record<string, unknown> | null;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The GraphQL endpoint for a REST base URL (GitHub Enterprise Server serves it at /api/graphql). */
export function graphqlUrl(baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  return /\/api\/v3$/.test(base) ? base.replace(/\/api\/v3$/, "/api/graphql") : `${base}/graphql`;
}

/** The REST base URL for the environment: GITHUB_API_URL, else GHE_HOST (Probot's convention), else github.com. */
export function apiBaseUrl(env: { GITHUB_API_URL?: string | undefined; GHE_HOST?: string | undefined; GHE_PROTOCOL?: string | undefined }): string {
  if (env.GITHUB_API_URL) return env.GITHUB_API_URL.replace(/\/+$/, "");
  if (env.GHE_HOST) return `${env.GHE_PROTOCOL ?? "https"}://${env.GHE_HOST}/api/v3`;
  return "https://api.github.com";
}

export class ApiClient {
  /** HTTP requests sent (retries included; token requests are made by the auth provider, not here). */
  calls = 0;
  graphqlCalls = 0;
  restCalls = 0;
  /** GraphQL points spent, as GitHub reported them. */
  points = 0;
  readonly limits = new Map<string, BudgetSnapshot>();
  readonly policy: ApiPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly request: typeof octokitRequest;
  private readonly graphqlEndpoint: string;
  private lastCost = 1;

  constructor(private readonly o: ApiClientOptions) {
    this.policy = { ...DEFAULT_POLICY, ...o.policy, reserve: { ...DEFAULT_POLICY.reserve, ...o.policy?.reserve } };
    this.sleep = o.sleep ?? realSleep;
    this.now = o.now ?? Date.now;
    this.graphqlEndpoint = graphqlUrl(o.baseUrl);
    this.request = octokitRequest.defaults({
      baseUrl: o.baseUrl.replace(/\/+$/, ""),
      headers: { "user-agent": o.userAgent ?? "unsung-backfill" },
      request: { fetch: cappedFetch(o.fetch ?? globalThis.fetch, this.policy.maxResponseBytes) },
    });
  }

  /** Where the budget of a resource ("graphql", "core") stands, as GitHub last reported it. */
  budget(resource: "graphql" | "core"): BudgetSnapshot | null {
    return this.limits.get(resource) ?? null;
  }

  /** A GraphQL query; its `data`. Queries should select `rateLimit { cost remaining resetAt }` so the client can pace. */
  async graphql<T>(query: string, variables: Record<string, unknown>, options: GraphqlOptions = {}): Promise<T> {
    let vars = variables;
    const shrinker = options.shrink
      ? () => {
          const smaller = options.shrink!();
          if (!smaller) return false;
          vars = smaller;
          return true;
        }
      : null;
    const res = await this.send("graphql", "POST /graphql", () => vars, shrinker, (token, v) =>
      this.request("POST {+url}", { url: this.graphqlEndpoint, query, variables: v, headers: { authorization: `bearer ${token}` }, request: { signal: AbortSignal.timeout(this.policy.timeoutMs) } }),
    );
    const body = res.data;
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new ApiError("GitHub's GraphQL API answered with something that is not a JSON object", res.status, false);
    const data = (body as { data?: unknown }).data;
    if (typeof data !== "object" || data === null || Array.isArray(data)) throw new ApiError("GitHub's GraphQL answer has no data object", res.status, false);
    return data as T;
  }

  /** A REST request ("GET /repos/{owner}/{repo}/…"); its parsed body and headers. */
  async rest<T = unknown>(route: string, params: Record<string, unknown> = {}): Promise<{ data: T; headers: Headers }> {
    const res = await this.send("rest", route, () => params, null, (token, p) =>
      this.request(route, { ...p, headers: { authorization: `${this.o.auth.scheme ?? "token"} ${token}` }, request: { signal: AbortSignal.timeout(this.policy.timeoutMs) } }),
    );
    return { data: res.data as T, headers: res.headers };
  }

  private async send(
    api: "graphql" | "rest",
    route: string,
    currentVars: () => Record<string, unknown>,
    shrink: (() => boolean) | null,
    exec: (token: string, vars: Record<string, unknown>) => Promise<{ status: number; headers: object; data: unknown }>,
  ): Promise<RawResponse> {
    let attempt = 1;
    let refreshed = false;
    let refreshNext = false;
    let resetWaits = 0;
    const resource = api === "graphql" ? "graphql" : "core";
    for (;;) {
      await this.pace(resource);
      const token = await this.o.auth.token(refreshNext);
      refreshNext = false;
      this.calls++;
      if (api === "graphql") this.graphqlCalls++;
      else this.restCalls++;
      let failure: Failure;
      try {
        const r = await exec(token, currentVars());
        const headers = r.headers as Headers;
        this.noteLimits(headers, api === "graphql" ? r.data : null);
        this.o.onEvent?.({ type: "call", api, route, status: r.status });
        const errors = api === "graphql" ? graphqlErrors(r.data) : null;
        if (!errors) return { status: r.status, headers, data: r.data };
        failure = { kind: "graphql", types: errors.types, headers, message: errors.message };
      } catch (err) {
        const f = toFailure(err);
        if (f === "too-large") throw new ApiError(`GitHub's answer to ${route} is larger than ${this.policy.maxResponseBytes} bytes`, null, false);
        failure = f;
        if (f.kind === "http") {
          this.noteLimits(f.headers, null);
          this.o.onEvent?.({ type: "call", api, route, status: f.status });
        }
      }
      const d = decideRetry(failure, {
        attempt,
        maxAttempts: this.policy.maxAttempts,
        nowMs: this.now(),
        backoffMs: this.policy.backoffMs,
        tokenRefreshed: refreshed,
        canShrink: shrink !== null,
      });
      if (d.do === "fail") {
        const status = failure.kind === "http" ? failure.status : null;
        const retryable = failure.kind === "timeout" || failure.kind === "network" || (status !== null && status >= 500);
        throw new ApiError(`${route}: ${d.reason}${refreshed && status === 401 ? ` (${this.o.auth.label})` : ""}`, status, d.notFound, retryable);
      }
      if (d.do === "wait-reset") {
        if (++resetWaits > this.policy.maxResetWaits) throw new ApiError(`${route}: ${d.reason}, still after ${this.policy.maxResetWaits} waits for the reset`, null, false);
        await this.waitUntil(d.untilMs, d.reason);
        continue;
      }
      if (d.refreshToken) {
        refreshed = true;
        refreshNext = true;
      }
      if (d.shrink && shrink?.()) this.o.onEvent?.({ type: "shrink", reason: d.reason });
      this.o.onEvent?.({ type: "retry", reason: d.reason, afterMs: d.afterMs, attempt });
      if (d.afterMs > this.policy.maxInlineWaitMs) throw new RateLimitWait(this.now() + d.afterMs, d.reason);
      if (d.afterMs > 0) await this.sleep(d.afterMs);
      attempt++;
    }
  }

  /** Waits before a call when the budget is low (spread out) or spent (until the reset). */
  private async pace(resource: string): Promise<void> {
    const snapshot = this.limits.get(resource) ?? null;
    const p = paceNextCall(snapshot, this.now(), {
      reserve: resource === "graphql" ? this.policy.reserve.graphql : this.policy.reserve.core,
      slowBelowShare: this.policy.slowBelowShare,
      costPerCall: resource === "graphql" ? this.lastCost : 1,
    });
    if (p.waitMs <= 0) return;
    if (p.until === "reset") {
      await this.waitUntil(this.now() + p.waitMs, `${resource} budget down to the reserve (${snapshot?.remaining ?? 0} left)`);
      // The window has reset: forget the old snapshot until GitHub reports the new one.
      this.limits.delete(resource);
      return;
    }
    if (p.waitMs > this.policy.maxInlineWaitMs) throw new RateLimitWait(this.now() + p.waitMs, `${resource} budget low`);
    await this.sleep(p.waitMs);
  }

  private async waitUntil(untilMs: number, reason: string): Promise<void> {
    const ms = untilMs - this.now();
    if (ms > this.policy.maxInlineWaitMs) throw new RateLimitWait(untilMs, reason);
    this.o.onEvent?.({ type: "wait", reason, untilMs });
    if (ms > 0) await this.sleep(ms);
  }

  private noteLimits(headers: Headers, body: unknown): void {
    const rl = graphqlRateLimit(body);
    if (rl) {
      this.points += rl.cost;
      this.lastCost = Math.max(1, rl.cost);
      this.setLimits("graphql", { remaining: rl.remaining, limit: numberHeader(headers["x-ratelimit-limit"]), resetAtMs: rl.resetAtMs });
      return;
    }
    const remaining = numberHeader(headers["x-ratelimit-remaining"]);
    const reset = resetFromHeaders(headers);
    if (remaining === null || reset === null) return;
    const resource = headers["x-ratelimit-resource"] ?? (body !== null ? "graphql" : "core");
    this.setLimits(resource, { remaining, limit: numberHeader(headers["x-ratelimit-limit"]), resetAtMs: reset });
  }

  private setLimits(resource: string, snapshot: BudgetSnapshot): void {
    this.limits.set(resource, snapshot);
    this.o.onEvent?.({ type: "limits", resource, snapshot });
  }
}

function numberHeader(v: string | undefined): number | null {
  return v !== undefined && /^\d{1,12}$/.test(v.trim()) ? Number(v.trim()) : null;
}

function graphqlRateLimit(body: unknown): { cost: number; remaining: number; resetAtMs: number } | null {
  const data = (body as { data?: { rateLimit?: unknown } } | null)?.data;
  const rl = data && typeof data === "object" ? (data as { rateLimit?: unknown }).rateLimit : null;
  if (!rl || typeof rl !== "object") return null;
  const { cost, remaining, resetAt } = rl as { cost?: unknown; remaining?: unknown; resetAt?: unknown };
  const reset = typeof resetAt === "string" ? Date.parse(resetAt) : NaN;
  if (!Number.isSafeInteger(cost) || !Number.isSafeInteger(remaining) || Number.isNaN(reset)) return null;
  return { cost: cost as number, remaining: remaining as number, resetAtMs: reset };
}

function graphqlErrors(body: unknown): { types: string[]; message: string } | null {
  if (typeof body !== "object" || body === null) return null;
  const errors = (body as { errors?: unknown }).errors;
  if (!Array.isArray(errors) || errors.length === 0) return null;
  const types = errors.map((e) => (e && typeof e === "object" && typeof (e as { type?: unknown }).type === "string" ? (e as { type: string }).type : "ERROR"));
  const message = errors
    .slice(0, 3)
    .map((e) => (e && typeof e === "object" && typeof (e as { message?: unknown }).message === "string" ? (e as { message: string }).message : "unknown error"))
    .join("; ")
    .slice(0, 500);
  return { types, message };
}

const TIMEOUT_CODES = /^(ETIMEDOUT|ESOCKETTIMEDOUT|UND_ERR_CONNECT_TIMEOUT|UND_ERR_HEADERS_TIMEOUT|UND_ERR_BODY_TIMEOUT)$/;

/** An error from @octokit/request → what happened, for decideRetry. */
function toFailure(err: unknown): Failure | "too-large" {
  const chain: unknown[] = [];
  for (let c: unknown = err; c && chain.length < 6; c = (c as { cause?: unknown }).cause) chain.push(c);
  if (chain.some((c) => c instanceof ResponseTooLarge)) return "too-large";
  const e = err as { status?: number; message?: string; response?: { status: number; headers: Headers; data: unknown } };
  if (e?.response && typeof e.response.status === "number") {
    return { kind: "http", status: e.response.status, headers: e.response.headers ?? {}, message: String(e.message ?? "").slice(0, 500) };
  }
  const timedOut = chain.some((c) => {
    const x = c as { name?: unknown; code?: unknown };
    return x.name === "TimeoutError" || x.name === "AbortError" || (typeof x.code === "string" && TIMEOUT_CODES.test(x.code));
  });
  const message = String(e?.message ?? err).slice(0, 300);
  return timedOut ? { kind: "timeout", message } : { kind: "network", message };
}

/** A fetch that refuses bodies larger than `max` bytes (a hostile or broken server cannot exhaust memory). */
function cappedFetch(inner: typeof fetch, max: number): typeof fetch {
  return (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    const res = await inner(input, init);
    const declared = Number(res.headers.get("content-length") ?? "0");
    if (declared > max) throw new ResponseTooLarge(`response of ${declared} bytes`);
    if (!res.body || res.status === 204 || res.status === 205 || res.status === 304) return res;
    const reader = res.body.getReader();
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > max) {
        await reader.cancel();
        throw new ResponseTooLarge(`response over ${max} bytes`);
      }
      parts.push(value);
    }
    return new Response(Buffer.concat(parts), { status: res.status, statusText: res.statusText, headers: res.headers });
  }) as typeof fetch;
}
