/**
 * GitHub as a signed-in user meets it, served over real HTTP on a loopback port in the shape of a
 * GitHub Enterprise host (OAuth at /login/oauth/…, API at /api/v3): the authorise page signs in
 * whoever `signInAs` names and sends the browser back with a code; the code buys a token; the
 * token answers /user, /user/installations, an installation's repositories and memberships as the
 * test's personas say. Tokens can be revoked.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";

export interface Persona {
  id: number;
  login: string;
  name?: string;
  /** Installations GitHub lists for the user, with the repository ids they can read in each. */
  installations: { id: number; account: string; type?: "Organization" | "User"; accountId?: number; repositories: { id: number; fullName: string; private: boolean }[] }[];
  /** Organisation membership roles: org → "admin" | "member". */
  orgs: Record<string, "admin" | "member">;
  /** Team roles: "org/slug" → "maintainer" | "member". */
  teams?: Record<string, "maintainer" | "member">;
}

export interface FakeGitHubWeb {
  host: string;
  url: string;
  signInAs(login: string | null): void;
  /** A token for a persona, as if they had signed in (for tests that skip the browser dance). */
  tokenFor(login: string): string;
  revoke(token: string): void;
  /** The persona renames their account (their tokens keep working; the old login is free to take). */
  rename(from: string, to: string): void;
  /** Someone new appears on GitHub (possibly under a login another persona gave up). */
  add(persona: Persona): void;
  calls: string[];
  close(): Promise<void>;
}

export async function startFakeGitHubWeb(personas: Persona[], clientId: string, clientSecret: string): Promise<FakeGitHubWeb> {
  // Copies: a rename in one test leaves the shared personas alone.
  const byLogin = new Map(personas.map((p) => [p.login.toLowerCase(), { ...p }]));
  const codes = new Map<string, Persona>();
  const tokens = new Map<string, Persona>();
  let current: string | null = null;
  const calls: string[] = [];
  const tokenFor = (login: string) => {
    const p = byLogin.get(login.toLowerCase());
    if (!p) throw new Error(`no persona ${login}`);
    const t = `ghu_${randomBytes(18).toString("hex")}`;
    tokens.set(t, p);
    return t;
  };
  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    calls.push(`${req.method} ${url.pathname}`);
    if (url.pathname === "/login/oauth/authorize") {
      const redirect = url.searchParams.get("redirect_uri") ?? "";
      const state = url.searchParams.get("state") ?? "";
      if (url.searchParams.get("client_id") !== clientId) return json(res, 400, { error: "bad client" });
      const back = new URL(redirect);
      back.searchParams.set("state", state);
      const p = current ? byLogin.get(current.toLowerCase()) : undefined;
      if (!p) back.searchParams.set("error", "access_denied");
      else {
        const code = randomBytes(10).toString("hex");
        codes.set(code, p);
        back.searchParams.set("code", code);
      }
      res.writeHead(302, { location: back.href });
      return void res.end();
    }
    if (url.pathname === "/login/oauth/access_token" && req.method === "POST") {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, string>;
        if (body.client_id !== clientId || body.client_secret !== clientSecret) return json(res, 200, { error: "incorrect_client_credentials" });
        const p = codes.get(body.code ?? "");
        if (!p) return json(res, 200, { error: "bad_verification_code" });
        codes.delete(body.code!);
        json(res, 200, { access_token: tokenFor(p.login), token_type: "bearer", expires_in: 28_800, scope: "" });
      });
      return;
    }
    if (!url.pathname.startsWith("/api/v3/")) return json(res, 404, { message: "Not Found" });
    const auth = String(req.headers.authorization ?? "").replace(/^(Bearer|token) /, "");
    const p = tokens.get(auth);
    if (!p) return json(res, 401, { message: "Bad credentials" });
    const path = url.pathname.slice("/api/v3".length);
    const page = Number(url.searchParams.get("page") ?? "1");
    const per = Number(url.searchParams.get("per_page") ?? "30");
    const slice = <T>(list: T[]) => list.slice((page - 1) * per, page * per);
    if (path === "/user") return json(res, 200, { id: p.id, login: p.login, name: p.name ?? null });
    if (path === "/user/installations") {
      const list = p.installations.map((i) => ({ id: i.id, account: { id: i.accountId ?? 90_000_000 + i.id, login: i.account, type: i.type ?? "Organization" } }));
      return json(res, 200, { total_count: list.length, installations: slice(list) });
    }
    let m = /^\/user\/installations\/(\d+)\/repositories$/.exec(path);
    if (m) {
      const inst = p.installations.find((i) => i.id === Number(m![1]));
      if (!inst) return json(res, 404, { message: "Not Found" });
      const list = inst.repositories.map((r) => ({ id: r.id, full_name: r.fullName, private: r.private }));
      return json(res, 200, { total_count: list.length, repositories: slice(list) });
    }
    m = /^\/user\/memberships\/orgs\/([^/]+)$/.exec(path);
    if (m) {
      const role = p.orgs[decodeURIComponent(m[1]!)];
      return role ? json(res, 200, { state: "active", role }) : json(res, 404, { message: "Not Found" });
    }
    m = /^\/orgs\/([^/]+)\/teams\/([^/]+)\/memberships\/([^/]+)$/.exec(path);
    if (m) {
      // GitHub answers for whoever holds the login named now, not for the token's owner.
      const member = byLogin.get(decodeURIComponent(m[3]!).toLowerCase());
      const role = member?.teams?.[`${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`];
      return role ? json(res, 200, { state: "active", role }) : json(res, 404, { message: "Not Found" });
    }
    json(res, 404, { message: "Not Found" });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    url: `http://${host}`,
    signInAs: (login) => void (current = login),
    tokenFor,
    revoke: (t) => void tokens.delete(t),
    rename: (from, to) => {
      const p = byLogin.get(from.toLowerCase());
      if (!p) throw new Error(`no persona ${from}`);
      byLogin.delete(from.toLowerCase());
      p.login = to;
      byLogin.set(to.toLowerCase(), p);
    },
    add: (p) => void byLogin.set(p.login.toLowerCase(), p),
    calls,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
