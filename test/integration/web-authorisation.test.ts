/**
 * Authorisation on every request, as a matrix: page × role × tenant, for the page and a download.
 * Two organisations loaded through the real pipeline (tenant-fixture.ts); GitHub (fake, over HTTP)
 * says who owns what, who maintains which team and which private repositories each user can
 * read. The expected answers are written out by hand — not computed by the code under test.
 */
import { describe, expect, it, afterAll } from "vitest";
import { useHarness, type Harness } from "../helpers/harness.js";
import { loadTwoTenants } from "../helpers/load-tenants.js";
import type { TestDatabase } from "../helpers/test-database.js";
import { ACME, GLOBEX, PEOPLE } from "../helpers/tenant-fixture.js";
import { Browser, seedTeamConfigs, startWeb, type Web } from "../helpers/web-harness.js";

let database: TestDatabase;
let harness: Harness;
let web: Web;
useHarness((d, h) => ((database = d), (harness = h)));
afterAll(async () => web?.close());

const { alice, sam, carl, bob, olga } = PEOPLE;
const PAGES = {
  alice: `/people/${alice.login}`,
  sam: `/people/${sam.login}`,
  carl: `/people/${carl.login}`,
  bob: `/people/${bob.login}`,
  nobody: "/people/no-such-person",
  platform: "/teams/platform",
  vault: "/teams/vault",
  reactors: "/teams/reactors",
  org: "/org",
  ops: "/ops",
} as const;
type PageName = keyof typeof PAGES;

/** Pages each persona may open, per organisation; every other page is 404. */
const MAY: Record<string, Record<string, PageName[]>> = {
  [alice.login]: { [ACME.login]: ["alice", "sam", "carl", "platform", "vault", "org", "ops"], [GLOBEX.login]: [] },
  [sam.login]: { [ACME.login]: ["sam", "alice", "platform"], [GLOBEX.login]: ["sam"] },
  [carl.login]: { [ACME.login]: ["carl"], [GLOBEX.login]: [] },
  [bob.login]: { [ACME.login]: [], [GLOBEX.login]: ["bob", "sam", "reactors", "org", "ops"] },
  [olga.login]: { [ACME.login]: [], [GLOBEX.login]: [] },
};

/** What would give the other organisation away. */
const GIVEAWAYS: Record<string, string[]> = {
  [ACME.login]: [ACME.login, "website", "vault-keeper", "release checklist", "Rotate vault keys", alice.login, carl.login],
  [GLOBEX.login]: [GLOBEX.login, "reactor-core", "handbook", "incident command", "Reactor cooling", bob.login],
};
const other = (org: string) => (org === ACME.login ? GLOBEX.login : ACME.login);

const browsers = new Map<string, Browser>();

describe("the authorisation matrix", () => {
  it("loads two organisations and signs five people in through GitHub", async () => {
    await loadTwoTenants(harness);
    await seedTeamConfigs(database.db);
    web = await startWeb(database.db);
    for (const p of [alice, sam, carl, bob, olga]) browsers.set(p.login, await web.signIn(p.login));
  });

  for (const persona of Object.keys(MAY)) {
    for (const org of [ACME.login, GLOBEX.login]) {
      it(`${persona} in ${org}: opens exactly the pages their role allows, as pages and as downloads`, async () => {
        const b = browsers.get(persona)!;
        const notFound = await b.get(`/people/no-such-person?org=${org}`);
        expect(notFound.status).toBe(404);
        for (const [name, path] of Object.entries(PAGES) as [PageName, string][]) {
          const allowed = MAY[persona]![org]!.includes(name);
          const page = await b.get(`${path}?org=${org}&quarter=2026Q3`);
          expect(page.status, `${persona} ${org} ${path}`).toBe(allowed ? 200 : 404);
          // No hint that a person or team exists: the same answer as for one that does not.
          if (!allowed) expect(page.body, `${persona} ${org} ${path}`).toBe(notFound.body);
          const csv = await b.get(`${path}?org=${org}&quarter=2026Q3&format=csv`);
          expect(csv.status, `${persona} ${org} ${path} csv`).toBe(allowed ? 200 : 404);
          if (allowed) {
            expect(page.body).toMatch(name === "ops" ? /<h1>Operations: / : /<h1>(Glue-work evidence: |Team glue-work report: )/);
            // Someone in both organisations gets a switcher naming the other: the one place its login may appear.
            const both = MAY[persona]![other(org)]!.length > 0;
            const switcher = /<p>Organisation: .*?<\/p>/g;
            if (both) expect(page.body).toMatch(switcher);
            const content = page.body.replace(switcher, "");
            for (const needle of GIVEAWAYS[other(org)]!) {
              // sam-both works in both: his own login is fine; the other organisation's names and work are not.
              expect(content, `${persona} ${org} ${path} names ${needle}`).not.toContain(needle);
              if (name !== "ops") expect(csv.body, `${persona} ${org} ${path} csv names ${needle}`).not.toContain(needle);
            }
            if (name !== "ops") expect(csv.headers["content-disposition"]).toMatch(/^attachment; filename="unsung-[A-Za-z0-9._-]+\.csv"$/);
          }
        }
      });
    }
  }

  it("shows private-repository work only to those who can read that repository now", async () => {
    const own = await browsers.get(alice.login)!.get(`${PAGES.alice}?quarter=2026Q3`);
    expect(own.body).toContain("Vault audit trail for key reads");
    // Sam maintains Alice's team but cannot read vault-keeper: her private work is not shown to him.
    const bySam = await browsers.get(sam.login)!.get(`${PAGES.alice}?org=${ACME.login}&quarter=2026Q3`);
    expect(bySam.status).toBe(200);
    expect(bySam.body).toContain("Speed up the website build cache");
    expect(bySam.body).not.toContain("Vault audit trail for key reads");
    expect(bySam.body).not.toContain("vault-keeper");
    const json = await browsers.get(sam.login)!.get(`${PAGES.alice}?org=${ACME.login}&quarter=2026Q3&format=json`);
    expect(json.body).not.toContain("vault-keeper");
    const orgByAlice = await browsers.get(alice.login)!.get("/org?format=json&quarter=2026Q3");
    expect(orgByAlice.body).toContain("vault-keeper");
  });

  it("defaults to the user's first organisation, and says so when there is none", async () => {
    const home = await browsers.get(sam.login)!.get("/");
    expect(home.status).toBe(200);
    expect(home.body).toContain(`Unsung · ${ACME.login}`);
    expect(home.body).toContain(`href="/people/sam-both?org=${GLOBEX.login}"`);
    const none = await browsers.get(olga.login)!.get("/");
    expect(none.body).toContain("Unsung is not installed on any organisation you belong to");
    expect((await browsers.get(olga.login)!.get(`/people/${olga.login}`)).status).toBe(404);
  });

  it("lists what each role may open next on the front page", async () => {
    const byAlice = (await browsers.get(alice.login)!.get("/")).body;
    for (const link of ['href="/org"', 'href="/ops"', 'href="/teams/platform"', 'href="/teams/vault"', `href="/people/${sam.login}"`]) expect(byAlice).toContain(link);
    const bySam = (await browsers.get(sam.login)!.get("/")).body;
    expect(bySam).toContain("/teams/platform?org=acme-corp");
    expect(bySam).not.toContain("/teams/vault");
    expect(bySam).not.toContain('href="/org');
    const byCarl = (await browsers.get(carl.login)!.get("/")).body;
    expect(byCarl).not.toContain("You may also open");
  });

  it("redirects signed-out pages to sign in, and answers 401 for data formats", async () => {
    const anon = new Browser(web.url);
    for (const path of Object.values(PAGES)) {
      const page = await anon.get(`${path}?quarter=2026Q3`);
      expect(page.status, path).toBe(302);
      expect(page.headers.location).toBe(`/login?next=${encodeURIComponent(`${path}?quarter=2026Q3`)}`);
      expect((await anon.get(`${path}?format=html`)).status).toBe(302);
      for (const format of ["md", "csv", "json"]) expect((await anon.get(`${path}?format=${format}`)).status, `${path} ${format}`).toBe(401);
    }
    expect((await anon.get("/")).body).toContain('href="/login"');
  });

  it("refuses malformed parameters with a clear answer", async () => {
    const b = browsers.get(alice.login)!;
    expect((await b.get("/org?format=exe")).status).toBe(400);
    expect((await b.get("/org?quarter=2026Q9")).status).toBe(400);
    expect((await b.get(`/org?quarter=${"9".repeat(100)}`)).status).toBe(400);
    expect((await b.get("/org?quarter=2026Q3&from=2026-07-01")).status).toBe(400);
    expect((await b.get("/people/%E0%A4%A")).status).toBe(404);
    expect((await b.get("/people/-bad-login-")).status).toBe(404);
    expect((await b.get(`/teams/${"x".repeat(300)}`)).status).toBe(404);
    expect((await b.get(`/org?org=${GLOBEX.login}`)).status).toBe(404);
    const range = await b.get("/org?from=2026-08-01&to=2026-08-31");
    expect(range.status).toBe(200);
    expect((await b.post("/org", {})).status).toBe(405);
  });

  it("serves downloads with the content of `unsung report`: every format, as an attachment, HTML with a hash-only CSP", async () => {
    const b = browsers.get(alice.login)!;
    for (const [format, type] of [["md", "text/markdown"], ["html", "text/html"], ["csv", "text/csv"], ["json", "application/json"]]) {
      const r = await b.get(`/teams/platform?quarter=2026Q3&format=${format}`);
      expect(r.status).toBe(200);
      expect(r.headers["content-type"]).toContain(type);
      expect(r.headers["content-disposition"]).toBe(`attachment; filename="unsung-platform-2026Q3.${format}"`);
    }
    const html = await b.get("/teams/platform?quarter=2026Q3&format=html");
    expect(html.headers["content-security-policy"]).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/);
  });

  it("puts a strict CSP and the other security headers on every page", async () => {
    const b = browsers.get(alice.login)!;
    for (const path of [...Object.values(PAGES), "/", "/login"]) {
      const r = await b.get(path);
      expect(r.headers["content-security-policy"], path).toMatch(/default-src 'none'/);
      expect(r.headers["content-security-policy"], path).not.toMatch(/script-src|unsafe-inline|unsafe-eval/);
      expect(r.headers["x-content-type-options"]).toBe("nosniff");
      expect(r.headers["x-frame-options"]).toBe("DENY");
      if (r.status === 200) {
        expect(r.headers["cache-control"]).toBe("no-store");
        expect(r.body).not.toMatch(/<script|\son[a-z]+=|style="/i);
      }
    }
  });
});
