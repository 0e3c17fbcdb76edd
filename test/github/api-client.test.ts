/**
 * The API client against a nock-mocked GitHub: every fault on the list, on a
 * fake clock (waits advance it; nothing sleeps for real), with the calls it
 * made counted.
 */
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiClient, ApiError, RateLimitWait, apiBaseUrl, graphqlUrl, type ApiPolicy, type AuthProvider } from "../../src/github/api-client.js";

const API = "https://api.github.com";
const START = Date.parse("2026-12-01T12:00:00Z");
let clock = START;
let slept: number[] = [];

beforeEach(() => {
  clock = START;
  slept = [];
  nock.disableNetConnect();
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  expect(pending, "every mocked GitHub call was made").toEqual([]);
});

function client(o: { auth?: AuthProvider; policy?: Partial<ApiPolicy> } = {}) {
  const events: string[] = [];
  const api = new ApiClient({
    baseUrl: API,
    auth: o.auth ?? { label: "test", token: async () => "t1" },
    now: () => clock,
    sleep: async (ms) => {
      slept.push(ms);
      clock += ms;
    },
    policy: o.policy ?? {},
    onEvent: (e) => events.push(e.type === "call" ? `call ${e.status}` : e.type),
  });
  return { api, events };
}

const rl = (remaining: number, resetSec = START / 1000 + 3600) => ({ cost: 1, remaining, resetAt: new Date(resetSec * 1000).toISOString() });

describe("ApiClient", () => {
  it("answers GraphQL data and reads the budget from rateLimit", async () => {
    nock(API).post("/graphql").reply(200, { data: { rateLimit: rl(4321), viewer: { login: "x" } } });
    const { api } = client();
    expect(await api.graphql<{ viewer: { login: string } }>("query { viewer { login } }", {})).toMatchObject({ viewer: { login: "x" } });
    expect(api.budget("graphql")).toEqual({ remaining: 4321, limit: null, resetAtMs: START + 3_600_000 });
    expect(api.calls).toBe(1);
  });

  it("obeys retry-after on a secondary limit, then succeeds", async () => {
    nock(API).get("/repos/o/r/actions/runs").reply(403, { message: "You have exceeded a secondary rate limit." }, { "retry-after": "45" });
    nock(API).get("/repos/o/r/actions/runs").reply(200, { workflow_runs: [] }, { "x-ratelimit-remaining": "4999", "x-ratelimit-reset": String(START / 1000 + 3600), "x-ratelimit-resource": "core" });
    const { api } = client();
    expect((await api.rest("GET /repos/{owner}/{repo}/actions/runs", { owner: "o", repo: "r" })).data).toEqual({ workflow_runs: [] });
    expect(slept).toEqual([45_000]);
    expect(api.calls).toBe(2);
    expect(api.budget("core")?.remaining).toBe(4999);
  });

  it("waits for the reset when the primary budget is spent (GraphQL RATE_LIMITED), then goes on", async () => {
    const reset = START / 1000 + 1200;
    nock(API).post("/graphql").reply(200, { errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded" }] }, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) });
    nock(API).post("/graphql").reply(200, { data: { rateLimit: rl(5000, reset + 3600), ok: true } });
    const { api, events } = client();
    await api.graphql("query { ok }", {});
    expect(clock).toBe(reset * 1000 + 1000);
    expect(events).toContain("wait");
    expect(api.calls).toBe(2);
  });

  it("slows down before running out: at the reserve it waits for the reset before calling", async () => {
    const reset = START / 1000 + 900;
    nock(API).post("/graphql").reply(200, { data: { rateLimit: { cost: 10, remaining: 255, resetAt: new Date(reset * 1000).toISOString() } } });
    nock(API).post("/graphql").reply(200, { data: { rateLimit: rl(4990, reset + 3600) } });
    const { api } = client({ policy: { reserve: { graphql: 250, core: 100 } } });
    await api.graphql("query { a }", {});
    expect(slept).toEqual([]);
    await api.graphql("query { b }", {});
    expect(slept).toEqual([900_000 + 1000]);
  });

  it("a wait longer than the policy allows comes back as RateLimitWait (a queue job is rescheduled, no worker held)", async () => {
    const reset = START / 1000 + 3000;
    nock(API).get("/repos/o/r").reply(403, { message: "API rate limit exceeded" }, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) });
    const { api } = client({ policy: { maxInlineWaitMs: 60_000 } });
    const err = await api.rest("GET /repos/{owner}/{repo}", { owner: "o", repo: "r" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitWait);
    expect((err as RateLimitWait).untilMs).toBe(reset * 1000 + 1000);
    expect(slept).toEqual([]);
  });

  it("asks for a smaller page after a 502 and retries with it", async () => {
    nock(API).post("/graphql", (b: { variables: { first: number } }) => b.variables.first === 100).reply(502, "Bad gateway");
    nock(API).post("/graphql", (b: { variables: { first: number } }) => b.variables.first === 50).reply(200, { data: { page: [] } });
    const { api, events } = client();
    await api.graphql("query ($first: Int!) { page(first: $first) }", { first: 100 }, { shrink: () => ({ first: 50 }) });
    expect(events).toEqual(["call 502", "shrink", "retry", "call 200"]);
  });

  it("retries a timeout (as a smaller page) and a 500 from a REST list", async () => {
    nock(API).post("/graphql").replyWithError({ code: "ETIMEDOUT", message: "timed out" });
    nock(API).post("/graphql").reply(200, { data: { x: 1 } });
    nock(API).get("/repos/o/r/pulls/1/files").query(true).reply(500, { message: "Server Error" });
    nock(API).get("/repos/o/r/pulls/1/files").query(true).reply(200, []);
    let shrunk = 0;
    const { api } = client();
    await api.graphql("query { x }", {}, { shrink: () => (shrunk++, {}) });
    expect(shrunk).toBe(1);
    expect((await api.rest("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", { owner: "o", repo: "r", pull_number: 1, per_page: 100 })).data).toEqual([]);
    expect(api.calls).toBe(4);
  });

  it("replaces a token GitHub refuses (401) with a fresh one, once", async () => {
    const asked: boolean[] = [];
    const auth: AuthProvider = { label: "installation 7", token: async (refresh) => (asked.push(refresh), refresh ? "fresh" : "cached-expired") };
    nock(API, { reqheaders: { authorization: "bearer cached-expired" } }).post("/graphql").reply(401, { message: "Bad credentials" });
    nock(API, { reqheaders: { authorization: "bearer fresh" } }).post("/graphql").reply(200, { data: { ok: 1 } });
    const { api } = client({ auth });
    await api.graphql("query { ok }", {});
    expect(asked).toEqual([false, true]);
  });

  it("gives up when even a fresh token is refused, and after the last attempt — never forever", async () => {
    nock(API).post("/graphql").times(2).reply(401, { message: "Bad credentials" });
    const { api } = client({ auth: { label: "GITHUB_TOKEN", token: async () => "t" } });
    await expect(api.graphql("query { ok }", {})).rejects.toThrow(/refused the credentials \(401\) even with a fresh token \(GITHUB_TOKEN\)/);
    nock(API).post("/graphql").times(3).reply(502, "Bad gateway");
    const { api: api2 } = client({ policy: { maxAttempts: 3 } });
    const err = await api2.graphql("query { ok }", {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toContain("gave up after 3 attempts");
    expect((err as ApiError).retryable).toBe(true);
    expect(api2.calls).toBe(3);
  });

  it("gives up after a few secondary limits in a row", async () => {
    nock(API).get("/x").times(4).reply(429, { message: "slow down" }, { "retry-after": "2" });
    const { api } = client({ policy: { maxAttempts: 4 } });
    await expect(api.rest("GET /x")).rejects.toThrow(/secondary rate limit.*gave up after 4 attempts/);
    expect(slept).toEqual([2000, 2000, 2000]);
  });

  it("refuses malformed and oversized answers with a clear error", async () => {
    nock(API).post("/graphql").reply(200, "<html>oops</html>", { "content-type": "text/html" });
    nock(API).post("/graphql").reply(200, "{not json", { "content-type": "application/json" });
    nock(API).post("/graphql").reply(200, { data: [1, 2] });
    nock(API).post("/graphql").reply(200, "x".repeat(2000), { "content-type": "application/json" });
    const { api } = client({ policy: { maxResponseBytes: 1000 } });
    await expect(api.graphql("query { a }", {})).rejects.toThrow(/not a JSON object/);
    await expect(api.graphql("query { a }", {})).rejects.toThrow(/not a JSON object/);
    await expect(api.graphql("query { a }", {})).rejects.toThrow(/no data object/);
    await expect(api.graphql("query { a }", {})).rejects.toThrow(/larger than 1000 bytes/);
  });

  it("a GraphQL error that will not change fails at once", async () => {
    nock(API).post("/graphql").reply(200, { errors: [{ type: "NOT_FOUND", message: "Could not resolve to a Repository" }] });
    const { api } = client();
    const err = (await api.graphql("query { a }", {}).catch((e: unknown) => e)) as ApiError;
    expect(err.notFound).toBe(true);
    expect(api.calls).toBe(1);
  });
});

describe("GitHub Enterprise Server URLs", () => {
  it("follows Probot's GHE_HOST/GHE_PROTOCOL, GITHUB_API_URL first", () => {
    expect(apiBaseUrl({})).toBe("https://api.github.com");
    expect(apiBaseUrl({ GHE_HOST: "ghe.example.com" })).toBe("https://ghe.example.com/api/v3");
    expect(apiBaseUrl({ GHE_HOST: "ghe.local:8443", GHE_PROTOCOL: "http" })).toBe("http://ghe.local:8443/api/v3");
    expect(apiBaseUrl({ GITHUB_API_URL: "https://x.example/api/v3/", GHE_HOST: "ignored" })).toBe("https://x.example/api/v3");
    expect(graphqlUrl("https://ghe.example.com/api/v3")).toBe("https://ghe.example.com/api/graphql");
    expect(graphqlUrl("https://api.github.com")).toBe("https://api.github.com/graphql");
  });
});
