/**
 * Sign in with GitHub, against github.com mocked with nock: the authorise redirect and its state,
 * a state that does not match, consent denied, an expired code, a token GitHub later revokes,
 * GitHub Enterprise addresses, the callback address, cookie attributes and sessions that expire.
 * The token never reaches the browser and is stored only encrypted.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDashboard, type DashboardOptions } from "../../src/web/dashboard.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";
import { Browser, CLIENT_ID, CLIENT_SECRET } from "../helpers/web-harness.js";

let database: TestDatabase;
const servers: http.Server[] = [];
const clock = { now: new Date("2026-09-15T12:00:00Z") };
const TOKEN = "ghu_secretusertoken0123456789abcdef";

beforeAll(async () => {
  database = await createTestDatabase();
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
});
afterEach(() => nock.cleanAll());
afterAll(async () => {
  for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
  nock.enableNetConnect();
  await database?.drop();
});

async function serve(env: Partial<DashboardOptions["env"]> = {}): Promise<Browser> {
  const web = createDashboard({ db: database.db, env: { GITHUB_CLIENT_ID: CLIENT_ID, GITHUB_CLIENT_SECRET: CLIENT_SECRET, UNSUNG_SESSION_HOURS: 8, ...env }, now: () => clock.now });
  const server = http.createServer((req, res) => void web(req, res).then((h) => h || (res.writeHead(404), res.end())));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.push(server);
  return new Browser(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
}

async function startLogin(b: Browser, next = "/org?quarter=2026Q3"): Promise<{ state: string; location: URL }> {
  const r = await b.get(`/login?next=${encodeURIComponent(next)}`);
  expect(r.status).toBe(302);
  const location = new URL(r.headers.location!);
  return { state: location.searchParams.get("state")!, location };
}

function githubAccepts(code: string, token = TOKEN, base = "https://github.com") {
  return nock(base)
    .post("/login/oauth/access_token", (body: Record<string, string>) => body.code === code && body.client_id === CLIENT_ID && body.client_secret === CLIENT_SECRET)
    .reply(200, { access_token: token, token_type: "bearer", expires_in: 28_800 });
}

const sessionRows = () => database.db.selectFrom("web_sessions").selectAll().execute();

describe("sign-in", () => {
  it("redirects to GitHub's authorise page with the app's client id, a random state and the callback on the request's host", async () => {
    const b = await serve();
    const { state, location } = await startLogin(b);
    expect(location.origin + location.pathname).toBe("https://github.com/login/oauth/authorize");
    expect(location.searchParams.get("client_id")).toBe(CLIENT_ID);
    expect(location.searchParams.get("redirect_uri")).toBe(`${b.base}/login/callback`);
    expect(state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = [...b.cookies.keys()];
    expect(cookie).toEqual(["unsung_oauth"]);
    const again = await startLogin(new Browser(b.base));
    expect(again.state).not.toBe(state);
  });

  it("signs in: exchanges the code, asks GitHub who the user is, keeps the token out of the browser, and returns to the page asked for", async () => {
    const b = await serve();
    const { state } = await startLogin(b);
    const exchange = githubAccepts("goodcode1");
    const who = nock("https://api.github.com", { reqheaders: { authorization: `Bearer ${TOKEN}` } }).get("/user").reply(200, { id: 4242, login: "mona", name: "Mona" });
    const r = await b.get(`/login/callback?code=goodcode1&state=${state}`);
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe("/org?quarter=2026Q3");
    exchange.done();
    who.done();
    const setCookies = (r.headers["set-cookie"] ?? []).join("\n");
    expect(setCookies).toMatch(/unsung_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=28800/);
    expect(setCookies).not.toContain("Secure");
    expect(setCookies).not.toContain(TOKEN);
    expect(b.cookies.has("unsung_oauth")).toBe(false);
    const rows = await sessionRows();
    const mine = rows.find((s) => s.login === "mona")!;
    expect(Number(mine.user_id)).toBe(4242);
    expect(JSON.stringify(rows)).not.toContain(TOKEN);
    expect(mine.id_hash).not.toBe(b.cookies.get("unsung_session"));
    expect(new Date(mine.expires_at).toISOString()).toBe("2026-09-15T20:00:00.000Z");
  });

  it("refuses a callback whose state does not match (or has no state cookie), without asking GitHub", async () => {
    const b = await serve();
    await startLogin(b);
    const exchange = githubAccepts("code-x");
    const before = (await sessionRows()).length;
    const r = await b.get(`/login/callback?code=code-x&state=${"A".repeat(43)}`);
    expect(r.status).toBe(400);
    expect(r.body).toContain("state did not match");
    const fresh = new Browser(b.base);
    const { state } = await startLogin(new Browser(b.base));
    expect((await fresh.get(`/login/callback?code=code-x&state=${state}`)).status).toBe(400);
    expect(exchange.isDone()).toBe(false);
    expect((await sessionRows()).length).toBe(before);
  });

  it("says so when the user denies consent", async () => {
    const b = await serve();
    const { state } = await startLogin(b);
    const r = await b.get(`/login/callback?error=access_denied&error_description=${encodeURIComponent("<b>The user has denied</b>")}&state=${state}`);
    expect(r.status).toBe(403);
    expect(r.body).toContain("You did not authorise Unsung on GitHub");
    expect(r.body).not.toContain("<b>The user");
    expect(b.cookies.has("unsung_session")).toBe(false);
  });

  it("says so when the code has expired", async () => {
    const b = await serve();
    const { state } = await startLogin(b);
    nock("https://github.com").post("/login/oauth/access_token").reply(200, { error: "bad_verification_code", error_description: "The code passed is incorrect or expired." });
    const r = await b.get(`/login/callback?code=old-code&state=${state}`);
    expect(r.status).toBe(400);
    expect(r.body).toContain("The sign-in code has expired or was already used");
    expect(b.cookies.has("unsung_session")).toBe(false);
  });

  it("refuses malformed codes and GitHub answers without a token", async () => {
    const b = await serve();
    let { state } = await startLogin(b);
    expect((await b.get(`/login/callback?code=${encodeURIComponent("<script>")}&state=${state}`)).status).toBe(400);
    ({ state } = await startLogin(b));
    nock("https://github.com").post("/login/oauth/access_token").reply(200, { token_type: "bearer" });
    expect((await b.get(`/login/callback?code=abc&state=${state}`)).body).toContain("GitHub answered without a token");
    ({ state } = await startLogin(b));
    nock("https://github.com").post("/login/oauth/access_token").reply(500, "oops");
    expect((await b.get(`/login/callback?code=abc&state=${state}`)).status).toBe(400);
  });

  it("ends the session when GitHub has revoked the token: pages go back to sign-in, data formats answer 401", async () => {
    const b = await serve();
    const { state } = await startLogin(b, "/");
    githubAccepts("code-r");
    nock("https://api.github.com").get("/user").reply(200, { id: 4343, login: "revoked-rita" });
    expect((await b.get(`/login/callback?code=code-r&state=${state}`)).status).toBe(303);
    expect((await sessionRows()).some((s) => s.login === "revoked-rita")).toBe(true);
    // Every visit asks GitHub who the token speaks for: a revoked one gets 401.
    nock("https://api.github.com").get("/user").reply(401, { message: "Bad credentials" });
    const page = await b.get("/org?quarter=2026Q3");
    expect(page.status).toBe(302);
    expect(page.headers.location).toBe(`/login?next=${encodeURIComponent("/org?quarter=2026Q3")}`);
    expect((await sessionRows()).some((s) => s.login === "revoked-rita")).toBe(false);
    expect(b.cookies.has("unsung_session")).toBe(false);
    expect((await b.get("/org?format=csv")).status).toBe(401);
  });

  it("ends the session when its token now speaks for another GitHub account (decided by user id, not login)", async () => {
    const b = await serve();
    const { state } = await startLogin(b, "/");
    githubAccepts("code-swap");
    nock("https://api.github.com").get("/user").reply(200, { id: 4545, login: "swap-sue" });
    expect((await b.get(`/login/callback?code=code-swap&state=${state}`)).status).toBe(303);
    // Same login, another id: not the user the session was opened for.
    nock("https://api.github.com").get("/user").reply(200, { id: 4546, login: "swap-sue" });
    const page = await b.get("/org?quarter=2026Q3");
    expect(page.status).toBe(302);
    expect(page.headers.location).toBe(`/login?next=${encodeURIComponent("/org?quarter=2026Q3")}`);
    expect((await sessionRows()).some((s) => s.login === "swap-sue")).toBe(false);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("uses GitHub Enterprise's addresses with GHE_HOST, and UNSUNG_PUBLIC_URL for the callback (Secure, __Host- cookies behind TLS)", async () => {
    const b = await serve({ GHE_HOST: "github.example.com", GHE_PROTOCOL: "https", UNSUNG_PUBLIC_URL: "https://unsung.example.com" });
    const { state, location } = await startLogin(b, "/");
    expect(location.origin + location.pathname).toBe("https://github.example.com/login/oauth/authorize");
    expect(location.searchParams.get("redirect_uri")).toBe("https://unsung.example.com/login/callback");
    expect([...b.cookies.keys()]).toEqual(["__Host-unsung_oauth"]);
    const exchange = nock("https://github.example.com")
      .post("/login/oauth/access_token", (body: Record<string, string>) => body.redirect_uri === "https://unsung.example.com/login/callback")
      .reply(200, { access_token: TOKEN });
    const who = nock("https://github.example.com").get("/api/v3/user").reply(200, { id: 4444, login: "enterprise-erik" });
    const r = await b.get(`/login/callback?code=ghe-code&state=${state}`, { origin: "https://unsung.example.com" });
    expect(r.status).toBe(303);
    exchange.done();
    who.done();
    expect((r.headers["set-cookie"] ?? []).join("\n")).toMatch(/__Host-unsung_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Secure/);
  });

  it("marks cookies Secure behind a TLS-terminating proxy", async () => {
    const b = await serve();
    const r = await b.get("/login", { "x-forwarded-proto": "https" });
    expect(new URL(r.headers.location!).searchParams.get("redirect_uri")).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/login\/callback$/);
    expect((r.headers["set-cookie"] ?? []).join("")).toMatch(/^__Host-unsung_oauth=.*; Secure/);
    expect(r.headers["strict-transport-security"]).toBe("max-age=31536000");
    expect((await b.get("/login")).headers["strict-transport-security"]).toBeUndefined();
  });

  it("never returns to another site after signing in", async () => {
    const b = await serve();
    for (const next of ["//evil.example/x", "https://evil.example", "/\\evil.example", "/logout"]) {
      const { state } = await startLogin(b, next);
      githubAccepts("c-next");
      nock("https://api.github.com").get("/user").reply(200, { id: 4545, login: "nina" });
      const r = await b.get(`/login/callback?code=c-next&state=${state}`);
      expect(r.headers.location, next).toBe("/");
    }
  });

  it("expires sessions: after UNSUNG_SESSION_HOURS the cookie opens nothing and the row is gone", async () => {
    const b = await serve({ UNSUNG_SESSION_HOURS: 1 });
    const { state } = await startLogin(b, "/");
    githubAccepts("c-exp");
    nock("https://api.github.com").get("/user").reply(200, { id: 4646, login: "expiring-ed" });
    await b.get(`/login/callback?code=c-exp&state=${state}`);
    nock("https://api.github.com").persist().get(/\/user\/installations.*/).reply(200, { total_count: 0, installations: [] });
    expect((await b.get("/")).body).toContain("Signed in as <strong>@expiring-ed</strong>");
    clock.now = new Date(clock.now.getTime() + 59 * 60_000);
    expect((await b.get("/")).body).toContain("@expiring-ed");
    clock.now = new Date(clock.now.getTime() + 2 * 60_000);
    const after = await b.get("/");
    expect(after.body).toContain("Sign in with GitHub");
    expect(after.body).not.toContain("expiring-ed");
    expect((await sessionRows()).some((s) => s.login === "expiring-ed")).toBe(false);
    expect((await b.get("/people/expiring-ed?format=json")).status).toBe(401);
  });

  it("signs out with a POST carrying the CSRF token, and only then", async () => {
    const b = await serve();
    const { state } = await startLogin(b, "/");
    githubAccepts("c-out");
    nock("https://api.github.com").get("/user").reply(200, { id: 4747, login: "leaving-lou" });
    await b.get(`/login/callback?code=c-out&state=${state}`);
    nock("https://api.github.com").persist().get(/\/user\/installations.*/).reply(200, { total_count: 0, installations: [] });
    const home = await b.get("/");
    const csrf = Browser.csrfOf(home.body);
    expect((await b.get("/logout")).status).toBe(405);
    expect((await b.post("/logout", {})).status).toBe(403);
    expect((await b.post("/logout", { csrf: "x".repeat(43) })).status).toBe(403);
    expect((await b.post("/logout", { csrf }, { origin: "https://evil.example" })).status).toBe(403);
    expect((await sessionRows()).some((s) => s.login === "leaving-lou")).toBe(true);
    const out = await b.post("/logout", { csrf });
    expect(out.status).toBe(303);
    expect(b.cookies.has("unsung_session")).toBe(false);
    expect((await sessionRows()).some((s) => s.login === "leaving-lou")).toBe(false);
  });

  it("answers 503 on /login when no client id and secret are set", async () => {
    const b = await serve({ GITHUB_CLIENT_ID: undefined, GITHUB_CLIENT_SECRET: undefined });
    const r = await b.get("/login");
    expect(r.status).toBe(503);
    expect(r.body).toContain("GITHUB_CLIENT_ID");
  });

  it("treats malformed, foreign and oversized cookies as signed out", async () => {
    const b = await serve();
    for (const cookie of ["unsung_session=not-a-session", `unsung_session=${"A".repeat(43)}`, `unsung_session=${"x".repeat(9000)}`, "garbage;;;=;", "unsung_session"]) {
      const r = await b.get("/people/mona?format=json", { cookie });
      expect(r.status, cookie.slice(0, 40)).toBe(401);
      expect((await b.get("/", { cookie })).body).toContain("Sign in with GitHub");
    }
  });

  it("fails closed with 503 when GitHub answers in an unexpected shape or not at all", async () => {
    const b = await serve();
    let { state } = await startLogin(b, "/");
    githubAccepts("c-shape");
    nock("https://api.github.com").get("/user").reply(200, { login: 42 });
    expect((await b.get(`/login/callback?code=c-shape&state=${state}`)).status).toBe(503);
    ({ state } = await startLogin(b, "/"));
    githubAccepts("c-shape2");
    nock("https://api.github.com").get("/user").reply(200, { id: 4848, login: "shape-sid" });
    expect((await b.get(`/login/callback?code=c-shape2&state=${state}`)).status).toBe(303);
    const me = () => nock("https://api.github.com").get("/user").reply(200, { id: 4848, login: "shape-sid" });
    me();
    nock("https://api.github.com").get(/\/user\/installations.*/).reply(200, { installations: "all of them" });
    const odd = await b.get("/");
    expect(odd.status).toBe(503);
    expect(odd.body).toContain("GitHub did not answer");
    me();
    nock("https://api.github.com").get(/\/user\/installations.*/).reply(502, "bad gateway");
    expect((await b.get("/org")).status).toBe(503);
    me();
    nock("https://api.github.com").get(/\/user\/installations.*/).replyWithError({ code: "ECONNRESET", message: "socket hang up" });
    expect((await b.get("/org")).status).toBe(503);
    // A failure is not cached, and the session survives it.
    me();
    nock("https://api.github.com").get(/\/user\/installations.*/).reply(200, { total_count: 0, installations: [] });
    expect((await b.get("/")).body).toContain("Unsung is not installed on any organisation you belong to");
  });
});
