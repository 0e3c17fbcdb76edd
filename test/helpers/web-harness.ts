/**
 * The dashboard over real HTTP against a fake GitHub (fake-github-web.ts), on the two
 * organisations of tenant-fixture.ts, with a clock the test controls; a small browser-like client
 * (cookies, manual redirects) that signs in through the real OAuth dance.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Kysely } from "kysely";
import type { DB } from "../../src/store/schema.js";
import { createDashboard, type DashboardOptions } from "../../src/web/dashboard.js";
import { startFakeGitHubWeb, type FakeGitHubWeb, type Persona } from "./fake-github-web.js";
import { ACME, GLOBEX, PEOPLE, REPOS, fullName } from "./tenant-fixture.js";

export const CLIENT_ID = "Iv1.testclient0001";
export const CLIENT_SECRET = "test-client-secret-0123456789abcdef";

export const NEWCOMER = { id: 84_900_077, login: "nell-newcomer" };

const repo = (r: (typeof REPOS)[keyof typeof REPOS]) => ({ id: r.id, fullName: fullName(r), private: r.private });
const acmeAll = { id: ACME.installationId, account: ACME.login, repositories: [repo(REPOS.website), repo(REPOS.vault)] };
const acmePublic = { id: ACME.installationId, account: ACME.login, repositories: [repo(REPOS.website)] };
const globexAll = { id: GLOBEX.installationId, account: GLOBEX.login, repositories: [repo(REPOS.reactor), repo(REPOS.handbook)] };

/**
 * alice: acme owner (reads vault-keeper). sam: member of both, maintains acme's "platform", cannot
 * read vault-keeper. carl: acme member (reads vault-keeper). bob: globex owner. olga: no installation.
 */
export const PERSONAS: Persona[] = [
  { id: PEOPLE.alice.id, login: PEOPLE.alice.login, name: PEOPLE.alice.name, installations: [acmeAll], orgs: { [ACME.login]: "admin" } },
  { id: PEOPLE.sam.id, login: PEOPLE.sam.login, installations: [acmePublic, globexAll], orgs: { [ACME.login]: "member", [GLOBEX.login]: "member" }, teams: { [`${ACME.login}/platform`]: "maintainer", [`${GLOBEX.login}/reactors`]: "member" } },
  { id: PEOPLE.carl.id, login: PEOPLE.carl.login, installations: [acmeAll], orgs: { [ACME.login]: "member" }, teams: { [`${ACME.login}/platform`]: "member" } },
  { id: PEOPLE.bob.id, login: PEOPLE.bob.login, installations: [globexAll], orgs: { [GLOBEX.login]: "admin" } },
  { id: PEOPLE.olga.id, login: PEOPLE.olga.login, installations: [], orgs: {} },
  // A member of acme-corp with no activity recorded yet.
  { id: NEWCOMER.id, login: NEWCOMER.login, installations: [acmePublic], orgs: { [ACME.login]: "member" } },
];

/** Teams in each organisation's .github/unsung.yml. */
export async function seedTeamConfigs(db: Kysely<DB>): Promise<void> {
  const at = new Date().toISOString();
  await db
    .insertInto("repo_configs")
    .values([
      { repository_id: REPOS.website.id, source: `${ACME.login}/.github`, config: JSON.stringify({ teams: { platform: [PEOPLE.alice.login, PEOPLE.sam.login], vault: [PEOPLE.carl.login] } }), errors: "[]", fetched_at: at },
      { repository_id: REPOS.reactor.id, source: `${GLOBEX.login}/.github`, config: JSON.stringify({ teams: { reactors: [PEOPLE.bob.login, PEOPLE.sam.login] } }), errors: "[]", fetched_at: at },
    ])
    .onConflict((oc) => oc.column("repository_id").doNothing())
    .execute();
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function httpRequest(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? "GET", headers: opts.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

/** A browser of one: keeps cookies (name=value), follows nothing by itself. */
export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  private keep(a: Answer): Answer {
    const set = a.headers["set-cookie"] ?? [];
    for (const line of set) {
      const [pair, ...attrs] = line.split(";");
      const i = pair!.indexOf("=");
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      if (attrs.some((x) => /^\s*max-age=0\s*$/i.test(x)) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return a;
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async get(pathOrUrl: string, headers: Record<string, string> = {}): Promise<Answer> {
    const url = pathOrUrl.startsWith("http") ? pathOrUrl : `${this.base}${pathOrUrl}`;
    const same = url.startsWith(this.base);
    return this.keep(await httpRequest(url, { headers: { ...(same && this.cookies.size ? { cookie: this.cookieHeader() } : {}), ...headers } }));
  }

  async post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Answer> {
    const body = new URLSearchParams(form).toString();
    return this.keep(
      await httpRequest(`${this.base}${path}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: this.base, ...(this.cookies.size ? { cookie: this.cookieHeader() } : {}), ...headers, "content-length": String(Buffer.byteLength(body)) },
        body,
      }),
    );
  }

  /** Follows redirects (to any host: the fake GitHub's pages too) until a page answers. */
  async follow(a: Answer, max = 6): Promise<Answer> {
    let cur = a;
    for (let i = 0; i < max && cur.status >= 300 && cur.status < 400; i++) {
      const loc = cur.headers.location!;
      cur = await this.get(loc.startsWith("http") ? loc : `${this.base}${loc}`);
    }
    return cur;
  }

  /** The CSRF token of the page's forms. */
  static csrfOf(html: string): string {
    const m = /name="csrf" value="([^"]+)"/.exec(html);
    if (!m) throw new Error("no CSRF field on the page");
    return m[1]!;
  }
}

export interface Web {
  url: string;
  fake: FakeGitHubWeb;
  clock: { now: Date };
  signIn(login: string): Promise<Browser>;
  close(): Promise<void>;
}

export async function startWeb(db: Kysely<DB>, options: Partial<DashboardOptions> = {}, clockStart = new Date("2026-09-15T12:00:00Z")): Promise<Web> {
  const fake = await startFakeGitHubWeb(PERSONAS, CLIENT_ID, CLIENT_SECRET);
  const clock = { now: clockStart };
  const web = createDashboard({
    db,
    env: { GITHUB_CLIENT_ID: CLIENT_ID, GITHUB_CLIENT_SECRET: CLIENT_SECRET, UNSUNG_SESSION_HOURS: 8, GHE_HOST: fake.host, GHE_PROTOCOL: "http" },
    now: () => clock.now,
    ...options,
  });
  const server = http.createServer((req, res) => void web(req, res).then((handled) => handled || (res.writeHead(404), res.end())));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    fake,
    clock,
    async signIn(login) {
      const b = new Browser(url);
      fake.signInAs(login);
      const page = await b.follow(await b.get("/login"));
      if (page.status !== 200) throw new Error(`sign-in of ${login} ended with ${page.status}: ${page.body.slice(0, 200)}`);
      return b;
    },
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      await fake.close();
    },
  };
}
