/**
 * Who the signed-in user is, by GitHub user id: a login can change hands (renamed away, then
 * taken by someone else), an id never does. Whoever takes a login that Unsung still knows for
 * someone else — as a previous login or as the stale current login of a record not seen since the
 * rename — must never get that person's packet as their own, curate it, or inherit their team
 * roles; and a session whose user was renamed keeps no rights that came with the old login.
 */
import { afterAll, describe, expect, it } from "vitest";
import { useHarness, type Harness } from "../helpers/harness.js";
import { loadTwoTenants } from "../helpers/load-tenants.js";
import type { TestDatabase } from "../helpers/test-database.js";
import { ACME, CARL_OLD_LOGIN, PEOPLE, REPOS, fullName } from "../helpers/tenant-fixture.js";
import { Browser, seedTeamConfigs, startWeb, type Web } from "../helpers/web-harness.js";

let database: TestDatabase;
let harness: Harness;
let web: Web;
useHarness((d, h) => ((database = d), (harness = h)));
afterAll(async () => web?.close());

const { alice, carl } = PEOPLE;
const acmeAll = {
  id: ACME.installationId,
  account: ACME.login,
  repositories: [REPOS.website, REPOS.vault].map((r) => ({ id: r.id, fullName: fullName(r), private: r.private })),
};
/** Took Carl's login from before his rename (Unsung keeps it among his previous logins). */
const PREVIOUS_TAKER = { id: 84_900_091, login: CARL_OLD_LOGIN, installations: [acmeAll], orgs: { [ACME.login]: "member" as const } };
/** Takes "carl-renamed" after Carl renames again; maintains acme-corp's platform team. */
const CURRENT_TAKER = { id: 84_900_092, login: carl.login, installations: [acmeAll], orgs: { [ACME.login]: "member" as const }, teams: { [`${ACME.login}/platform`]: "maintainer" as const, [`${ACME.login}/vault`]: "maintainer" as const } };
/** Carl's work that only Carl (or those who may open his packet) may see. */
const CARLS = ["Rotate vault keys without downtime", "Carl Crane"];

const annotationsBy = (authorId: number) => database.db.selectFrom("annotations").selectAll().where("author_id", "=", authorId).execute();

describe("identity by GitHub user id", () => {
  it("loads two organisations", async () => {
    await loadTwoTenants(harness);
    await seedTeamConfigs(database.db);
    web = await startWeb(database.db);
    // Carl's record: his current login, and the one before his rename kept as a previous login.
    await database.db.updateTable("people").set({ previous_logins: JSON.stringify([CARL_OLD_LOGIN]) }).where("id", "=", carl.id).execute();
    const row = await database.db.selectFrom("people").select(["login", "previous_logins"]).where("id", "=", carl.id).executeTakeFirstOrThrow();
    expect(row.login).toBe(carl.login);
  });

  it("whoever takes someone's previous login gets an empty packet of their own, not that person's", async () => {
    web.fake.add(PREVIOUS_TAKER);
    const b = await web.signIn(PREVIOUS_TAKER.login);
    for (const path of ["/", `/people/${CARL_OLD_LOGIN}`, `/people/${CARL_OLD_LOGIN.toUpperCase()}`]) {
      const page = await b.get(`${path}${path.includes("?") ? "&" : "?"}quarter=2026Q3`);
      expect(page.status, path).toBe(200);
      expect(page.body, path).toContain("Unsung has recorded no activity of yours in this organisation yet.");
      for (const needle of CARLS) expect(page.body, `${path} shows ${needle}`).not.toContain(needle);
    }
    for (const format of ["json", "csv", "md", "html"]) {
      const d = await b.get(`/people/${CARL_OLD_LOGIN}?quarter=2026Q3&format=${format}`);
      expect(d.status, format).toBe(404);
      for (const needle of CARLS) expect(d.body).not.toContain(needle);
    }
    // Carl's packet under his current login is not theirs to open (a member, not an owner or his maintainer).
    expect((await b.get(`/people/${carl.login}?quarter=2026Q3`)).status).toBe(404);
  });

  it("what they curate under that login is theirs, never added to the previous owner's record", async () => {
    const b = await web.signIn(PREVIOUS_TAKER.login);
    const csrf = Browser.csrfOf((await b.get(`/people/${CARL_OLD_LOGIN}`)).body);
    const saved = await b.post(`/people/${CARL_OLD_LOGIN}/annotations`, { csrf, kind: "log", text: "Ran the onboarding session for the spring interns." });
    expect(saved.status).toBe(303);
    // Endorsing "someone else" under their own login is refused: it is their own packet.
    const endorse = await b.post(`/people/${CARL_OLD_LOGIN}/annotations`, { csrf, kind: "endorse", text: "Great vault work." });
    expect(endorse.status).toBe(400);
    const rows = await annotationsBy(PREVIOUS_TAKER.id);
    expect(rows.map((r) => [r.kind, Number(r.subject_person_id)])).toEqual([["log", PREVIOUS_TAKER.id]]);
    const own = await b.get("/?quarter=2026Q3");
    expect(own.body).toContain("Ran the onboarding session for the spring interns.");
    for (const needle of CARLS) expect(own.body).not.toContain(needle);
    const carlsPacket = await (await web.signIn(alice.login)).get(`/people/${carl.login}?quarter=2026Q3`);
    expect(carlsPacket.body).toContain(CARLS[0]);
    expect(carlsPacket.body).not.toContain("spring interns");
  });

  it("a renamed user's session keeps no team role of the login they gave up, and whoever takes it does not get their packet", async () => {
    const carlB = await web.signIn(carl.login);
    expect((await carlB.get("/teams/platform")).status).toBe(404);
    // On GitHub Carl renames again and someone else — a maintainer of platform — takes "carl-renamed".
    // Unsung has not seen Carl since: his record still carries "carl-renamed".
    web.fake.rename(carl.login, "carl-thrice");
    web.fake.add(CURRENT_TAKER);
    web.clock.now = new Date(web.clock.now.getTime() + 6 * 60_000);
    const team = await carlB.get("/teams/platform");
    expect(team.status).toBe(404);
    const home = await carlB.get("/?quarter=2026Q3");
    expect(home.status).toBe(200);
    // Still his own packet (by id), at his login now.
    expect(home.body).toContain(CARLS[0]);
    expect(home.body).toContain("Signed in as <strong>@carl-thrice</strong>");
    expect(home.body).toContain('action="/people/carl-thrice/annotations"');

    const taker = await web.signIn(CURRENT_TAKER.login);
    for (const path of ["/", `/people/${carl.login}`]) {
      const page = await taker.get(`${path}?quarter=2026Q3`);
      expect(page.status, path).toBe(200);
      expect(page.body, path).toContain("Unsung has recorded no activity of yours in this organisation yet.");
      for (const needle of CARLS) expect(page.body, `${path} shows ${needle}`).not.toContain(needle);
    }
    expect((await taker.get(`/people/${carl.login}?quarter=2026Q3&format=json`)).status).toBe(404);
    // Their own role is theirs: they maintain platform.
    expect((await taker.get("/teams/platform?quarter=2026Q3")).status).toBe(200);
    // Vault (they maintain it too) lists Carl's record, which still carries their login: that row
    // is not linked, since its address opens their own packet, not his.
    const vault = await taker.get("/teams/vault?quarter=2026Q3");
    expect(vault.status).toBe(200);
    const packets = /<section aria-labelledby="packets">[\s\S]*?<\/section>/.exec(vault.body)?.[0] ?? "";
    expect(packets).toContain(`@${carl.login} <small>(this login is yours now`);
    expect(packets).not.toContain("href=");
  });

  it("an installation on a user account is owned by the user with that account's id, not by a login that matches", async () => {
    const impostor = { id: 84_900_093, login: "solo-dev", installations: [{ ...acmeAll, account: "solo-dev", type: "User" as const, accountId: 84_900_094 }], orgs: {} };
    const owner = { id: 84_900_094, login: "solo-dev-renamed", installations: [{ ...acmeAll, account: "solo-dev", type: "User" as const, accountId: 84_900_094 }], orgs: {} };
    web.fake.add(impostor);
    web.fake.add(owner);
    expect((await (await web.signIn(impostor.login)).get("/org?quarter=2026Q3")).status).toBe(404);
    expect((await (await web.signIn(owner.login)).get("/org?quarter=2026Q3")).status).toBe(200);
  });
});
