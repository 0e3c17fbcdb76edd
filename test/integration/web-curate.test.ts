/**
 * Curating from the web (notes, claims, disputes, log entries on your own packet; endorsements of
 * someone else's), CSRF on every form of every page, and hostile text escaped on every page.
 * Two organisations loaded through the real pipeline; GitHub faked over HTTP.
 */
import { afterAll, describe, expect, it } from "vitest";
import { parsePeriod } from "../../src/core/report/period.js";
import { renderReport } from "../../src/render/index.js";
import { personReport } from "../../src/services/build-reports.js";
import { useHarness, type Harness } from "../helpers/harness.js";
import { loadTwoTenants } from "../helpers/load-tenants.js";
import type { TestDatabase } from "../helpers/test-database.js";
import { ACME, GLOBEX, PEOPLE, REPOS } from "../helpers/tenant-fixture.js";
import { Browser, seedTeamConfigs, startWeb, type Web } from "../helpers/web-harness.js";

let database: TestDatabase;
let harness: Harness;
let web: Web;
useHarness((d, h) => ((database = d), (harness = h)));
afterAll(async () => web?.close());

const { alice, sam, carl } = PEOPLE;
const Q3 = () => {
  const p = parsePeriod({ quarter: "2026Q3", from: null, to: null }, new Date("2026-09-15T12:00:00Z"));
  if (!p.ok) throw new Error(p.error);
  return p.period;
};

interface Form {
  action: string;
  fields: Record<string, string>;
}

/** Every POST form of a page, with its fields filled (hidden values kept; text, links and selects given something valid). */
function postForms(html: string): Form[] {
  return [...html.matchAll(/<form method="post" action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)].map((m) => {
    const fields: Record<string, string> = {};
    for (const i of m[2]!.matchAll(/<input type="(hidden|url)"[^>]*name="([^"]+)"(?: value="([^"]*)")?/g)) {
      fields[i[2]!] = i[1] === "hidden" ? (i[3] ?? "").replace(/&amp;/g, "&") : "https://github.com/acme-corp/website/pull/11";
    }
    for (const s of m[2]!.matchAll(/<select id="[^"]+" name="([^"]+)">(?:<option value="([^"]*)")?/g)) fields[s[1]!] ??= s[2] ?? "";
    for (const t of m[2]!.matchAll(/<textarea [^>]*name="([^"]+)"/g)) fields[t[1]!] = "Paired on the release checklist with the support team.";
    return { action: m[1]!.replace(/&amp;/g, "&"), fields };
  });
}

const webAnnotations = () => database.db.selectFrom("annotations").selectAll().where("id", "like", "web:%").orderBy("created_at").execute();

describe("curating from the web", () => {
  let aliceB: Browser;
  let samB: Browser;
  let carlB: Browser;

  it("loads two organisations and signs people in", async () => {
    await loadTwoTenants(harness);
    await seedTeamConfigs(database.db);
    web = await startWeb(database.db);
    aliceB = await web.signIn(alice.login);
    samB = await web.signIn(sam.login);
    carlB = await web.signIn(carl.login);
  });

  it("adds a note, a claim, a dispute and a log entry to your own packet, shown there and in `unsung report`", async () => {
    const page = await aliceB.get(`/people/${alice.login}`);
    const csrf = Browser.csrfOf(page.body);
    const post = (form: Record<string, string>) => aliceB.post(`/people/${alice.login}/annotations`, { csrf, ...form });
    const note = await post({ kind: "note", facet: "outcome", text: "Support tickets about releases fell from 9 a week to 2." });
    expect(note.status).toBe(303);
    expect(note.headers.location).toBe(`/people/${alice.login}?saved=note#curate`);
    expect((await post({ kind: "claim", link: "https://github.com/acme-corp/website/issues/21", text: "I wrote the release checklist this issue asked for." })).status).toBe(303);
    expect((await post({ kind: "dispute", link: "https://github.com/acme-corp/website/pull/14", text: "Erin did the caching; I only approved it." })).status).toBe(303);
    expect((await post({ kind: "log", text: "Mentored the new hire through their first on-call week." })).status).toBe(303);
    const after = await aliceB.get(`/people/${alice.login}?saved=log`);
    expect(after.body).toContain('class="flash" role="status">Your log entry was added.');
    for (const text of ["Outcome: Support tickets about releases fell from 9 a week to 2.", "I wrote the release checklist this issue asked for.", "Erin did the caching; I only approved it.", "Mentored the new hire through their first on-call week."]) {
      expect(after.body).toContain(text);
    }
    const rows = await webAnnotations();
    // (Written within the same instant of the test's clock: compared by kind.)
    expect(rows.map((r) => [r.kind, r.author_login, r.subject_person_login, Number(r.installation_id), r.repository_id]).sort()).toEqual([
      ["claim", alice.login, alice.login, ACME.installationId, null],
      ["dispute", alice.login, alice.login, ACME.installationId, null],
      ["log", alice.login, alice.login, ACME.installationId, null],
      ["note", alice.login, alice.login, ACME.installationId, null],
    ]);
    // The same records the CLI report reads: the dispute sits next to the item it disputes.
    const model = await personReport(database.db, alice.login, Q3(), { kind: "all" }, new Date("2026-09-15T12:00:00Z"), { tenant: { org: ACME.login } });
    const md = renderReport(model, "md");
    expect(md).toContain("Mentored the new hire through their first on-call week.");
    const disputed = model.categories.flatMap((c) => c.items).find((i) => i.url === "https://github.com/acme-corp/website/pull/14");
    expect(disputed?.disputes.map((d) => d.text)).toEqual(["Erin did the caching; I only approved it."]);
    // Never in the other organisation's report.
    const globex = await personReport(database.db, alice.login, Q3(), { kind: "all" }, new Date(), { tenant: { org: GLOBEX.login } }).catch(() => null);
    expect(JSON.stringify(globex ?? {})).not.toContain("Mentored the new hire");
  });

  it("endorses a teammate from their packet (owners and maintainers, who may open it), counted as a teammate's", async () => {
    const page = await aliceB.get(`/people/${sam.login}`);
    expect(page.body).toContain("Endorse their glue work");
    expect(page.body).not.toContain("Claim missed work");
    const r = await aliceB.post(`/people/${sam.login}/annotations`, { csrf: Browser.csrfOf(page.body), kind: "endorse", link: "", text: "Sam's review caught the race in the refund path." });
    expect(r.status).toBe(303);
    const shown = await samB.get(`/people/${sam.login}?org=${ACME.login}`);
    expect(shown.body).toContain("Sam&#39;s review caught the race in the refund path.");
    expect(shown.body).toMatch(new RegExp(`<strong>Endorsement</strong> \\(<span class="corroborated">[^<]+</span>\\) by <span class="login">@<bdi>${alice.login}</bdi></span>`));
    const model = await personReport(database.db, sam.login, Q3(), { kind: "all" }, new Date("2026-09-15T12:00:00Z"), { tenant: { org: ACME.login } });
    const endorsement = [...model.endorsements, ...model.categories.flatMap((c) => c.items.flatMap((i) => i.annotations))].find((a) => a.text.includes("refund path"));
    expect(endorsement?.standing).toBe("corroborated");
    // Sam's packet in globex does not carry what was said in acme-corp.
    expect((await samB.get(`/people/${sam.login}?org=${GLOBEX.login}`)).body).not.toContain("refund path");
  });

  it("refuses what a packet's viewer may not do", async () => {
    const csrfAlice = Browser.csrfOf((await aliceB.get("/")).body);
    // Endorsing yourself, or a note on someone else's packet.
    expect((await aliceB.post(`/people/${alice.login}/annotations`, { csrf: csrfAlice, kind: "endorse", text: "I am great." })).status).toBe(400);
    expect((await aliceB.post(`/people/${sam.login}/annotations`, { csrf: csrfAlice, kind: "note", text: "About Sam." })).status).toBe(400);
    // Carl may not open Alice's packet, so he may not write on it: the same 404 as a page that does not exist.
    const csrfCarl = Browser.csrfOf((await carlB.get("/")).body);
    expect((await carlB.post(`/people/${alice.login}/annotations`, { csrf: csrfCarl, kind: "endorse", text: "Great work." })).status).toBe(404);
    expect((await carlB.post(`/people/no-such-person/annotations`, { csrf: csrfCarl, kind: "endorse", text: "Great work." })).status).toBe(404);
    const before = (await webAnnotations()).length;
    // Malformed: no text, a link that is not http(s), too much, not a form.
    expect((await aliceB.post(`/people/${alice.login}/annotations`, { csrf: csrfAlice, kind: "note", text: "  " })).status).toBe(400);
    expect((await aliceB.post(`/people/${alice.login}/annotations`, { csrf: csrfAlice, kind: "claim", link: "javascript:alert(1)", text: "x" })).status).toBe(400);
    expect((await aliceB.post(`/people/${alice.login}/annotations`, { csrf: csrfAlice, kind: "note", facet: "<b>", text: "x" })).status).toBe(400);
    expect((await aliceB.post(`/people/${alice.login}/annotations`, { csrf: csrfAlice, kind: "opt-out", text: "x" })).status).toBe(400);
    expect((await aliceB.post(`/people/${alice.login}/annotations`, { csrf: csrfAlice, kind: "note", text: "x".repeat(20_000) })).status).toBe(413);
    expect((await aliceB.post(`/people/${alice.login}/annotations`, { csrf: csrfAlice }, { "content-type": "application/json" })).status).toBe(415);
    expect((await aliceB.get(`/people/${alice.login}/annotations`)).status).toBe(405);
    expect((await webAnnotations()).length).toBe(before);
  });

  it("CSRF: every POST form on every page carries the session's token, and refuses without it, with another's, or from another site", async () => {
    const pages: [Browser, string][] = [
      [aliceB, "/"],
      [aliceB, `/people/${alice.login}`],
      [aliceB, `/people/${sam.login}`],
      [aliceB, "/teams/platform"],
      [aliceB, "/org"],
      [aliceB, "/ops"],
      [samB, `/people/${alice.login}?org=${ACME.login}`],
    ];
    const otherCsrf = Browser.csrfOf((await carlB.get("/")).body);
    let checked = 0;
    for (const [b, path] of pages) {
      const html = (await b.get(path)).body;
      const forms = postForms(html);
      expect(forms.length, path).toBeGreaterThan(0);
      for (const form of forms) {
        expect(form.fields.csrf, `${path} ${form.action}`).toMatch(/^[A-Za-z0-9_-]{43}$/);
        const before = (await webAnnotations()).length;
        const sessions = (await database.db.selectFrom("web_sessions").select("id_hash").execute()).length;
        const { csrf, ...rest } = form.fields;
        for (const [fields, headers] of [
          [rest, {}],
          [{ ...rest, csrf: "A".repeat(43) }, {}],
          [{ ...rest, csrf: otherCsrf }, {}],
          [form.fields, { origin: "https://evil.example" }],
          [form.fields, { origin: "null" }],
          [form.fields, { "sec-fetch-site": "cross-site" }],
        ] as [Record<string, string>, Record<string, string>][]) {
          const r = await b.post(form.action, fields, headers);
          expect(r.status, `${path} ${form.action} ${JSON.stringify(headers)}`).toBe(403);
          checked++;
        }
        expect((await webAnnotations()).length).toBe(before);
        expect((await database.db.selectFrom("web_sessions").select("id_hash").execute()).length).toBe(sessions);
      }
    }
    expect(checked).toBeGreaterThan(40);
    // And with the token, from this site, a form works (the last one: a log entry on Alice's own packet).
    const own = postForms((await aliceB.get(`/people/${alice.login}`)).body).find((f) => f.fields.kind === "log")!;
    expect((await aliceB.post(own.action, own.fields)).status).toBe(303);
  });
});

describe("hostile text on every page", () => {
  const SCRIPT = '<script>alert("x")</script>';
  const IMG = '"><img src=x onerror=alert(1)>';
  let aliceB: Browser;

  it("is stored as given", async () => {
    aliceB = await web.signIn(alice.login);
    await database.db.updateTable("people").set({ name: `Alice ${SCRIPT}` }).where("id", "=", alice.id).execute();
    const csrf = Browser.csrfOf((await aliceB.get("/")).body);
    expect((await aliceB.post(`/people/${alice.login}/annotations`, { csrf, kind: "note", text: `Fixed ${SCRIPT} and ${IMG} \u202Egnp.exe` })).status).toBe(303);
    expect((await aliceB.post(`/people/${alice.login}/annotations`, { csrf, kind: "claim", link: `https://example.com/a?q="><script>alert(1)</script>`, text: `=HYPERLINK("https://evil.example") ${IMG}` })).status).toBe(303);
    expect((await aliceB.post(`/people/${sam.login}/annotations`, { csrf, kind: "endorse", text: `Great ${SCRIPT}` })).status).toBe(303);
    await database.db
      .updateTable("repo_configs")
      .set({
        errors: JSON.stringify([{ path: "teams", message: `bad team ${SCRIPT}` }, `plain ${IMG}`]),
        // A rubric category is free text in .github/unsung.yml: every report prints it.
        config: JSON.stringify({ teams: { platform: [alice.login, sam.login], vault: [carl.login] }, rubric: { review: `Raising quality ${SCRIPT}`, mentoring: `Growing people ${IMG}` } }),
      })
      .where("repository_id", "=", REPOS.website.id)
      .execute();
    // Titles of work (team and organisation reports list some of them) and names people chose.
    await database.db.updateTable("contributions").set({ subject_title: `Release ${SCRIPT} ${IMG}` }).where("repository_id", "=", REPOS.website.id).execute();
    await database.db.insertInto("deliveries").values({ id: `hostile-${SCRIPT}`, event: "issues", action: IMG, installation_id: ACME.installationId, repository_id: REPOS.website.id, payload: null, payload_bytes: 0, status: "failed", last_error: `boom ${SCRIPT}` }).execute();
  });

  it("is escaped wherever it appears: pages, messages and downloads", async () => {
    const paths = ["/", `/people/${alice.login}`, `/people/${sam.login}`, "/teams/platform", "/org", "/ops", `/org?quarter=${encodeURIComponent(SCRIPT)}`, `/org?from=${encodeURIComponent(IMG)}&to=2026-09-01`];
    let seen = 0;
    for (const path of paths) {
      const r = await aliceB.get(path);
      expect(r.body, path).not.toMatch(/<script|<img|\u202E/i);
      if (/&lt;script&gt;|&lt;img/.test(r.body)) seen++;
    }
    // Every page that shows the hostile text shows it escaped (not dropped): all of them here.
    expect(seen).toBe(paths.length);
    const csv = await aliceB.get(`/people/${alice.login}?format=csv`);
    expect(csv.body).not.toMatch(/(^|,)"?=HYPERLINK/m);
    expect(csv.body).toContain("'=HYPERLINK");
    const html = await aliceB.get(`/people/${alice.login}?format=html`);
    expect(html.body).not.toMatch(/<script|<img/i);
    const md = await aliceB.get(`/people/${alice.login}?format=md`);
    // Markdown escapes with a backslash: "\\<script" is text, "<script" would be HTML.
    expect(md.body).toContain("\\<script");
    expect(md.body).not.toMatch(/(?<!\\)<(script|img)/i);
  });
});
