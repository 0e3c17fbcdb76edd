/**
 * GitHub API clients for the worker. Live: Probot's installation clients
 * (with Octokit's throttling and retry plugins). Offline (replay, demo,
 * tests): the same Octokit, but its `fetch` answers from recorded responses
 * and never touches the network.
 */
import { Probot, ProbotOctokit } from "probot";

export type GitHub = InstanceType<typeof ProbotOctokit>;

/** An installation's client, or null when the app cannot authenticate (no credentials). */
export type GitHubClientFactory = (installationId: number) => Promise<GitHub | null>;

/** A recorded API response. GraphQL requests match on their variables. */
export interface Recording {
  method: "GET" | "POST";
  path: string;
  variables?: Record<string, unknown>;
  status: number;
  body: unknown;
}

/** Waits a rate limit may hold inside one request; longer ones fail the call, and the job is rescheduled after the reset. */
export const MAX_INLINE_RATE_LIMIT_WAIT_S = 10;

type ThrottleOptions = Record<string, unknown> & { request?: { retryCount?: number } };
const retryBriefly = (retryAfter: number, options: ThrottleOptions) => retryAfter <= MAX_INLINE_RATE_LIMIT_WAIT_S && (options.request?.retryCount ?? 0) < 1;

/**
 * Probot's Octokit for workers: a rate limit is waited out inside a request only when it lifts within
 * a few seconds, once; otherwise the request fails with GitHub's answer (its `retry-after` and
 * `x-ratelimit-reset` headers), and src/worker/job-limits.ts reschedules the job after the reset —
 * so no worker sits through an hour-long reset, and a limit that never lifts is not retried for ever.
 */
export const WorkerOctokit = ProbotOctokit.defaults((o: Record<string, unknown> & { throttle?: Record<string, unknown> }) => ({
  ...o,
  throttle: { ...o?.throttle, onRateLimit: retryBriefly, onSecondaryRateLimit: retryBriefly },
})) as typeof ProbotOctokit;

export function liveClientFactory(probot: Probot): GitHubClientFactory {
  return async (installationId) => (await probot.auth(installationId)) as unknown as GitHub;
}

/**
 * Installation clients from the app's credentials alone (no webhook server), for one-shot
 * commands such as `unsung report --reader`: no retries and no throttling waits, so a failing API
 * fails fast — callers treat a failure as "no access" (fail closed).
 */
export function appClientFactory(options: { appId: string; privateKey: string; baseUrl?: string | undefined }): GitHubClientFactory {
  const Octokit = ProbotOctokit.defaults((o: Record<string, unknown> & { throttle?: Record<string, unknown> }) => ({
    ...o,
    retry: { enabled: false },
    throttle: { ...o?.throttle, enabled: false },
  }));
  const probot = new Probot({
    appId: options.appId,
    privateKey: options.privateKey,
    logLevel: "fatal",
    Octokit: Octokit as typeof ProbotOctokit,
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
  });
  return liveClientFactory(probot);
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

export function recordedClientFactory(recordings: Recording[]): GitHubClientFactory {
  const client = new ProbotOctokit({
    auth: { token: "recorded" },
    log: silent,
    request: { fetch: recordedFetch(recordings) },
    retry: { enabled: false },
    throttle: { enabled: false },
  }) as GitHub;
  return async () => client;
}

/** A fetch that answers from recordings; anything not recorded is a 404 (never the network). */
export function recordedFetch(recordings: Recording[]): typeof fetch {
  const index = new Map<string, Recording>();
  for (const r of recordings) index.set(recordingKey(r.method, r.path, r.variables), r);
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    const method = (init?.method ?? "GET").toUpperCase();
    let variables: Record<string, unknown> | undefined;
    if (url.pathname.endsWith("/graphql") && typeof init?.body === "string") {
      try {
        variables = (JSON.parse(init.body) as { variables?: Record<string, unknown> }).variables;
      } catch {
        variables = undefined;
      }
    }
    const path = url.pathname.replace(/^\/api\/v3/, "") + url.search;
    const hit = index.get(recordingKey(method, path, variables));
    const status = hit?.status ?? 404;
    const body = hit ? hit.body : { message: "Not Found (no recorded response)" };
    return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8" } });
  }) as typeof fetch;
}

function recordingKey(method: string, path: string, variables?: Record<string, unknown>): string {
  if (!variables) return `${method} ${path}`;
  const v = Object.keys(variables)
    .sort()
    .map((k) => `${k}=${JSON.stringify(variables[k] ?? null)}`)
    .join("&");
  return `${method} ${path} ${v}`;
}
