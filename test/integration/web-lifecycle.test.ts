/**
 * The dashboard over time: GitHub's answers about a user are cached for a few minutes, then asked
 * again (a lost role closes its pages); the operations page shows deliveries, backfills, the
 * rate-limit budget and configuration problems; erasing a person ends their sessions and their
 * dashboard-written records, and erasing an installation erases what was written for it.
 */
import { afterAll, describe, expect, it } from "vitest";
import type { GitHub } from "../../src/github/clients.js";
import { purgeInstallation } from "../../src/services/purge-installation.js";
import { findPersonTargetById, purgePersonRows } from "../../src/services/purge-person.js";
import { useHarness, type Harness } from "../helpers/harness.js";
import { loadTwoTenants } from "../helpers/load-tenants.js";
import type { TestDatabase } from "../helpers/test-database.js";
import { ACME, GLOBEX, PEOPLE, REPOS } from "../helpers/tenant-fixture.js";
import { Browser, NEWCOMER, PERSONAS, seedTeamConfigs, startWeb, type Web } from "../helpers/web-harness.js";

let database: TestDatabase;
let harness: Harness;
let web: Web;
useHarness((d, h) => ((database = d), (harness = h)));
afterAll(async () => web?.close());

const { alice, sam } = PEOPLE;
const rateLimit = { resources: { core: { limit: 5000, remaining: 4321, reset: 1_789_000_000 }, graphql: { limit: 5000, remaining: 4999, reset: 1_789_000_000 } } };

describe("the dashboard over time", () => {
  let aliceB: Browser;
  let samB: Browser;

  it("loads two organisations", async () => {
    await loadTwoTenants(harness);
    await seedTeamConfigs(database.db);
    const clients = async (id: number) => (id === ACME.installationId ? ({ request: async () => ({ data: rateLimit }) } as unknown as GitHub) : null);
    web = await startWeb(database.db, { clients });
    aliceB = await web.signIn(alice.login);
    samB = await web.signIn(sam.login);
  });

  it("lets someone with nothing recorded yet start their record, and nobody else learns of it", async () => {
    const b = await web.signIn(NEWCOMER.login);
    const home = await b.get("/");
    expect(home.status).toBe(200);
    expect(home.body).toContain("Unsung has recorded no activity of yours in this organisation yet.");
    const r = await b.post(`/people/${NEWCOMER.login}/annotations`, { csrf: Browser.csrfOf(home.body), kind: "log", text: "Shadowed the on-call rotation for a week." });
    expect(r.status).toBe(303);
    const packet = await b.get(`/people/${NEWCOMER.login}`);
    expect(packet.body).toContain("Shadowed the on-call rotation for a week.");
    // An owner sees it (the newcomer now has words in this organisation); another organisation's owner does not.
    expect((await aliceB.get(`/people/${NEWCOMER.login}`)).body).toContain("Shadowed the on-call rotation");
    expect((await (await web.signIn(PEOPLE.bob.login)).get(`/people/${NEWCOMER.login}`)).status).toBe(404);
  });

  it("shows owners the operations of their organisation", async () => {
    await database.db
      .insertInto("deliveries")
      .values([
        { id: "ops-pending-1", event: "issues", action: "opened", installation_id: ACME.installationId, repository_id: REPOS.website.id, payload: null, payload_bytes: 0, status: "pending", received_at: "2026-09-15T11:00:00Z" },
        { id: "ops-failed-1", event: "push", action: null, installation_id: ACME.installationId, repository_id: REPOS.vault.id, payload: null, payload_bytes: 0, status: "failed", attempts: 5, last_error: "database timeout" },
        { id: "ops-failed-globex", event: "push", action: null, installation_id: GLOBEX.installationId, repository_id: REPOS.reactor.id, payload: null, payload_bytes: 0, status: "failed", last_error: "globex-only failure" },
      ])
      .execute();
    await database.db.updateTable("repo_configs").set({ errors: JSON.stringify([{ path: "rubric.review", message: "must be a string" }]) }).where("repository_id", "=", REPOS.website.id).execute();
    const ops = await aliceB.get("/ops");
    expect(ops.status).toBe(200);
    expect(ops.body).toContain("1 waiting to be processed (oldest received 2026-09-15 11:00:00+00); 1 failed.");
    expect(ops.body).toContain("ops-failed-1");
    expect(ops.body).toContain("database timeout");
    expect(ops.body).not.toContain("globex-only failure");
    expect(ops.body).toContain("REST: 4321 of 5000 left (resets 2026-09-10T00:26:40.000Z); GraphQL: 4999 of 5000 left");
    expect(ops.body).toContain("must be a string");
    // The backfills the installation queued (they failed: no app credentials in tests), per repository.
    expect(ops.body).toMatch(/<th scope="row"><bdi>acme-corp\/website<\/bdi><\/th><td><bdi>failed<\/bdi>|<th scope="row">acme-corp\/website<\/th><td>failed/);
    const globexOps = await web.signIn(PEOPLE.bob.login).then((b) => b.get("/ops"));
    expect(globexOps.body).toContain("Unknown: the app&#39;s credentials (APP_ID, PRIVATE_KEY) are not set on this server.");
    expect(globexOps.body).not.toContain("database timeout");
  });

  it("asks GitHub again after five minutes: a role lost closes its pages, a role gained opens them", async () => {
    const persona = PERSONAS.find((p) => p.login === alice.login)!;
    expect((await aliceB.get("/org")).status).toBe(200);
    persona.orgs[ACME.login] = "member";
    try {
      web.clock.now = new Date(web.clock.now.getTime() + 4 * 60_000);
      expect((await aliceB.get("/org")).status).toBe(200);
      web.clock.now = new Date(web.clock.now.getTime() + 61_000);
      expect((await aliceB.get("/org")).status).toBe(404);
      expect((await aliceB.get(`/people/${alice.login}`)).status).toBe(200);
    } finally {
      persona.orgs[ACME.login] = "admin";
    }
    web.clock.now = new Date(web.clock.now.getTime() + 5 * 60_000 + 1);
    expect((await aliceB.get("/org")).status).toBe(200);
  });

  it("drops private work from a packet once GitHub stops listing the repository for the reader", async () => {
    const installation = PERSONAS.find((p) => p.login === alice.login)!.installations[0]!;
    const all = [...installation.repositories];
    expect((await aliceB.get(`/people/${alice.login}?quarter=2026Q3`)).body).toContain("Vault audit trail for key reads");
    installation.repositories = all.filter((r) => !r.private);
    try {
      web.clock.now = new Date(web.clock.now.getTime() + 5 * 60_000 + 1);
      const after = await aliceB.get(`/people/${alice.login}?quarter=2026Q3`);
      expect(after.body).toContain("Speed up the website build cache");
      expect(after.body).not.toContain("Vault audit trail for key reads");
      expect(after.body).not.toContain("vault-keeper");
    } finally {
      installation.repositories = all;
    }
    web.clock.now = new Date(web.clock.now.getTime() + 5 * 60_000 + 1);
  });

  it("erasing a person ends their sessions and erases what they wrote on the dashboard; erasing an installation erases what was written for it", async () => {
    const csrf = Browser.csrfOf((await samB.get("/")).body);
    expect((await samB.post(`/people/${sam.login}/annotations`, { csrf, kind: "log", text: "Ran the acme onboarding session." })).status).toBe(303);
    expect((await samB.post(`/people/${sam.login}/annotations?org=${GLOBEX.login}`, { csrf, kind: "log", text: "Ran the globex reactor drill." })).status).toBe(303);
    const aliceCsrf = Browser.csrfOf((await aliceB.get("/")).body);
    expect((await aliceB.post(`/people/${alice.login}/annotations`, { csrf: aliceCsrf, kind: "note", text: "Alice's own words." })).status).toBe(303);
    const web_ = () => database.db.selectFrom("annotations").select(["text", "installation_id"]).where("id", "like", "web:%").where("author_id", "<>", NEWCOMER.id).orderBy("text").execute();
    const newcomers = () => database.db.selectFrom("annotations").select("text").where("author_id", "=", NEWCOMER.id).execute();
    expect(await newcomers()).toHaveLength(1);
    expect((await web_()).map((r) => r.text)).toEqual(["Alice's own words.", "Ran the acme onboarding session.", "Ran the globex reactor drill."]);

    const target = await findPersonTargetById(database.db, alice.id);
    await purgePersonRows(database.db, target!, { mode: "request", now: new Date() });
    expect(await database.db.selectFrom("web_sessions").select("login").where("user_id", "=", alice.id).execute()).toEqual([]);
    expect((await aliceB.get("/")).body).toContain("Sign in with GitHub");
    expect((await web_()).map((r) => r.text)).toEqual(["Ran the acme onboarding session.", "Ran the globex reactor drill."]);

    await purgeInstallation(database.db, ACME.installationId);
    expect((await web_()).map((r) => [r.text, Number(r.installation_id)])).toEqual([["Ran the globex reactor drill.", GLOBEX.installationId]]);
    expect(await newcomers()).toEqual([]);
    // Sam's acme-corp pages are gone with it; his globex packet still holds his words there.
    web.clock.now = new Date(web.clock.now.getTime() + 6 * 60_000);
    expect((await samB.get(`/people/${sam.login}?org=${ACME.login}`)).status).toBe(404);
    expect((await samB.get(`/people/${sam.login}?org=${GLOBEX.login}`)).body).toContain("Ran the globex reactor drill.");
  });
});
