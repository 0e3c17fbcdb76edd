/**
 * Erasure that erases: two organisations are delivered through the real pipeline, one is purged
 * (uninstall after its grace period, a repository removed, a person's request, an opt-out), then
 * EVERY row of EVERY table — read from information_schema, so a table added later is searched too
 * — is searched for the purged tenant's, repository's or person's ids, logins, names and e-mails.
 * Nothing may remain but the audit trail (numeric ids only); the other organisation's rows are
 * exactly as they were.
 */
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { recordCommand } from "../../src/services/record-command.js";
import { runDueErasures, runErasure, scheduleErasure, sweepOptedOut } from "../../src/services/erasure-schedule.js";
import { useHarness, type Harness } from "../helpers/harness.js";
import { loadTwoTenants, post } from "../helpers/load-tenants.js";
import type { TestDatabase } from "../helpers/test-database.js";
import {
  ACME,
  CARL_OLD_LOGIN,
  GLOBEX,
  installationCreated,
  issueStory,
  PEOPLE,
  personNeedles,
  REPOS,
  fullName,
  repositoriesChanged,
  tenantNeedles,
  type Needles,
} from "../helpers/tenant-fixture.js";
import { allRows, mentioning, rowsMentioning, type FoundRow } from "../helpers/walk-tables.js";

const DAY = 86_400_000;
const noClients = async () => null;

/** Rows that mention the needles, but for the audit trail (checked separately: ids only). */
async function leftovers(database: TestDatabase, needles: Needles, allowed: (f: FoundRow) => boolean = () => false): Promise<FoundRow[]> {
  return (await rowsMentioning(database.db, needles)).filter((f) => f.table !== "public.erasures" && !allowed(f));
}

/** The audit trail names what it erased by numeric id only: no login, name or e-mail. */
async function expectAuditWithoutNames(database: TestDatabase, needles: Needles): Promise<void> {
  const audit = (await rowsMentioning(database.db, { numbers: [], strings: needles.strings })).filter((f) => f.table === "public.erasures");
  expect(audit).toEqual([]);
}

/** The tables that held something of the needles before (so a leftover-free result means something). */
async function tablesMentioning(database: TestDatabase, needles: Needles): Promise<string[]> {
  return [...mentioning(await allRows(database.db), needles).keys()].sort();
}

function fixture(bind: (d: TestDatabase, h: Harness) => void) {
  useHarness(bind);
}

describe("an uninstalled organisation, after its grace period", () => {
  let database: TestDatabase;
  let harness: Harness;
  fixture((d, h) => ((database = d), (harness = h)));

  it("is erased from every table, the other organisation and the person active in both untouched", async () => {
    await loadTwoTenants(harness);
    const acme = tenantNeedles(ACME);
    const globex = tenantNeedles(GLOBEX);
    // The fixture reaches every kind of table: a leftover anywhere would be found.
    expect(await tablesMentioning(database, acme)).toEqual(
      expect.arrayContaining([
        "public.annotations", "public.commits", "public.contributions", "public.deliveries", "public.installations", "public.issue_activity",
        "public.issue_comments", "public.issues", "public.people", "public.pull_requests", "public.pushes", "public.repositories",
        "public.review_comments", "public.review_merges", "public.review_month_areas", "public.review_month_people", "public.reviews",
        "public.workflow_runs",
      ]),
    );
    const before = await allRows(database.db);
    const globexBefore = mentioning(before, globex);

    await post(harness, [installationCreated(ACME, [REPOS.website, REPOS.vault], PEOPLE.alice, "deleted")]);
    await harness.drain();
    const scheduled = await database.db.selectFrom("erasures").selectAll().execute();
    expect(scheduled).toHaveLength(1);
    expect(scheduled[0]).toMatchObject({ scope: "installation", subject_id: ACME.installationId, reason: "installation.deleted", status: "scheduled" });
    const due = Date.parse(scheduled[0]!.due_at);
    expect(due - Date.parse(scheduled[0]!.requested_at)).toBe(7 * DAY);

    // Within the grace period nothing is erased.
    expect((await runDueErasures({ db: database.db, clients: noClients, now: () => new Date(due - DAY) })).length).toBe(0);
    expect(await database.db.selectFrom("repositories").select("id").where("id", "=", REPOS.vault.id).execute()).toHaveLength(1);

    const runs = await runDueErasures({ db: database.db, clients: noClients, now: () => new Date(due + 1000) });
    expect(runs.map((r) => r.status)).toEqual(["done"]);
    expect(runs[0]!.counts["contributions"]).toBeGreaterThan(0);

    expect(await leftovers(database, acme)).toEqual([]);
    await expectAuditWithoutNames(database, acme);
    // People only acme-corp knew are gone with it; Sam works for globex too and stays.
    for (const p of [PEOPLE.alice, PEOPLE.carl, PEOPLE.erin, PEOPLE.olga]) expect(await leftovers(database, personNeedles(p, p === PEOPLE.carl ? [CARL_OLD_LOGIN] : [])), p.login).toEqual([]);
    expect(await database.db.selectFrom("people").select("login").where("id", "=", PEOPLE.sam.id).executeTakeFirst()).toEqual({ login: PEOPLE.sam.login });
    // Every row of globex is exactly as it was.
    expect(mentioning(await allRows(database.db), globex)).toEqual(globexBefore);
    expect(await database.db.selectFrom("erasures").select(["status", "finished_at"]).executeTakeFirst()).toMatchObject({ status: "done" });
  });
});

describe("a re-install within the grace period", () => {
  let database: TestDatabase;
  let harness: Harness;
  fixture((d, h) => ((database = d), (harness = h)));

  it("cancels the erasure; only the repository the new installation leaves out is erased when the period ends", async () => {
    await loadTwoTenants(harness);
    await post(harness, [installationCreated(ACME, [REPOS.website, REPOS.vault], PEOPLE.alice, "deleted")]);
    await harness.drain();
    const reinstalled = { ...ACME, installationId: 82_900_009 };
    await post(harness, [installationCreated(reinstalled, [REPOS.website], PEOPLE.alice)]);
    await harness.drain();
    const rows = await database.db.selectFrom("erasures").select(["scope", "subject_id", "status", "due_at"]).orderBy("id").execute();
    expect(rows.map((r) => [r.scope, r.subject_id, r.status])).toEqual([
      ["installation", ACME.installationId, "cancelled"],
      ["repository", REPOS.vault.id, "scheduled"],
    ]);
    const due = Date.parse(rows[1]!.due_at);
    await runDueErasures({ db: database.db, clients: noClients, now: () => new Date(due + 1000) });

    expect(await leftovers(database, { numbers: [REPOS.vault.id], strings: [fullName(REPOS.vault)] })).toEqual([]);
    // The website and its history stay, now under the new installation.
    const website = await database.db.selectFrom("repositories").select(["installation_id", "removed_at"]).where("id", "=", REPOS.website.id).executeTakeFirstOrThrow();
    expect(website).toEqual({ installation_id: reinstalled.installationId, removed_at: null });
    expect((await database.db.selectFrom("contributions").select("key").where("repository_id", "=", REPOS.website.id).execute()).length).toBeGreaterThan(0);
    expect(await database.db.selectFrom("installations").select("id").where("id", "=", ACME.installationId).execute()).toEqual([]);
  });
});

describe("a repository removed from its installation", () => {
  let database: TestDatabase;
  let harness: Harness;
  fixture((d, h) => ((database = d), (harness = h)));

  it("is erased after the grace period, unless it is added back first", async () => {
    await loadTwoTenants(harness);
    const globexBefore = mentioning(await allRows(database.db), tenantNeedles(GLOBEX));
    const websiteBefore = await websiteRows(database);
    await post(harness, [repositoriesChanged(ACME, { removed: [REPOS.vault, REPOS.website] }, PEOPLE.alice)]);
    await harness.drain();
    await post(harness, [repositoriesChanged(ACME, { added: [REPOS.website] }, PEOPLE.alice)]);
    await harness.drain();
    const rows = await database.db.selectFrom("erasures").select(["subject_id", "status", "due_at"]).orderBy("subject_id").execute();
    expect(rows.map((r) => [r.subject_id, r.status])).toEqual([
      [REPOS.website.id, "cancelled"],
      [REPOS.vault.id, "scheduled"],
    ]);
    await runDueErasures({ db: database.db, clients: noClients, now: () => new Date(Date.parse(rows[1]!.due_at) + 1000) });

    expect(await leftovers(database, { numbers: [REPOS.vault.id], strings: [fullName(REPOS.vault)] })).toEqual([]);
    // Carl worked only in the vault: he is gone with it. Alice worked in the website too: she stays.
    expect(await leftovers(database, personNeedles(PEOPLE.carl, [CARL_OLD_LOGIN]))).toEqual([]);
    expect(await database.db.selectFrom("people").select("id").where("id", "=", PEOPLE.alice.id).execute()).toHaveLength(1);
    // The website's rows and every globex row are as they were.
    expect(await websiteRows(database)).toEqual(websiteBefore);
    expect(mentioning(await allRows(database.db), tenantNeedles(GLOBEX))).toEqual(globexBefore);
  });
});

/** The website's rows in the tables the vault's erasure must not touch. */
async function websiteRows(database: TestDatabase): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of ["contributions", "annotations", "pull_requests", "reviews", "review_comments", "issues", "issue_comments", "commits", "pushes"]) {
    const r = await sql<{ row: string }>`select t::text as row from ${sql.table(table)} t where repository_id = ${REPOS.website.id} order by 1`.execute(database.db);
    out[table] = r.rows.map((x) => x.row);
  }
  return out;
}

describe("a person's erasure request", () => {
  let database: TestDatabase;
  let harness: Harness;
  fixture((d, h) => ((database = d), (harness = h)));

  it("leaves nothing of them in any table — found by a login they had before — and rebuilds others' evidence without them", async () => {
    await loadTwoTenants(harness);
    const carl = personNeedles(PEOPLE.carl, [CARL_OLD_LOGIN]);
    const held = await tablesMentioning(database, carl);
    expect(held).toEqual(expect.arrayContaining(["public.contributions", "public.people", "public.pull_requests", "public.reviews", "public.deliveries", "public.workflow_runs"]));
    // Alice reviewed Carl's pull request: her evidence names him.
    const alicesBefore = await database.db.selectFrom("contributions").select(["key", "evidence"]).where("person_id", "=", PEOPLE.alice.id).where("subject_url", "like", "%/pull/13").execute();
    expect(JSON.stringify(alicesBefore)).toContain(PEOPLE.carl.login);
    const globexBefore = mentioning(await allRows(database.db), tenantNeedles(GLOBEX));

    const now = new Date();
    const id = await scheduleErasure(database.db, { scope: "person", subjectId: PEOPLE.carl.id, reason: "request", requestedAt: now.toISOString(), dueAt: now.toISOString() });
    const run = await runErasure({ db: database.db, clients: noClients, now: () => new Date() }, id);
    expect(run.status).toBe("done");
    expect(run.rescored).toBeGreaterThan(0);

    // Only the opt-out that keeps them from being recorded again, by id and without a login.
    const left = await leftovers(database, carl, (f) => f.table === "public.opt_outs");
    expect(left).toEqual([]);
    expect(await database.db.selectFrom("opt_outs").selectAll().execute()).toEqual([expect.objectContaining({ person_id: PEOPLE.carl.id, login: "", opted_out: true })]);
    await expectAuditWithoutNames(database, carl);
    // Alice's review of his pull request is still hers, rebuilt without him.
    const alicesAfter = await database.db.selectFrom("contributions").select(["key", "evidence"]).where("person_id", "=", PEOPLE.alice.id).where("subject_url", "like", "%/pull/13").execute();
    expect(alicesAfter.map((c) => c.key)).toContain(alicesBefore.find((c) => c.key.startsWith("review:"))!.key);
    expect(mentioning(await allRows(database.db), tenantNeedles(GLOBEX))).toEqual(globexBefore);
    // The review tables were rebuilt: what they hold is what the contributions give.
    const merges = await sql<{ n: number }>`select count(*)::int as n from review_merges where person_id = ${PEOPLE.carl.id}`.execute(database.db);
    expect(merges.rows[0]!.n).toBe(0);
  });
});

describe("an opt-out", () => {
  let database: TestDatabase;
  let harness: Harness;
  fixture((d, h) => ((database = d), (harness = h)));

  it("erases their past contributions, notes and the facts that name them, keeping only the record that they opted out", async () => {
    await loadTwoTenants(harness);
    const erin = personNeedles(PEOPLE.erin);
    expect(await tablesMentioning(database, erin)).toEqual(expect.arrayContaining(["public.annotations", "public.pull_requests", "public.people"]));
    await post(harness, issueStory({ repo: REPOS.website, number: 24, author: PEOPLE.alice, answerer: PEOPLE.sam, base: 86_900_500, day: 25, commands: [[PEOPLE.erin, "/unsung opt-out", "MEMBER"]] }));
    await harness.drain();

    const left = await leftovers(database, erin, (f) => f.table === "public.opt_outs");
    expect(left).toEqual([]);
    expect(await database.db.selectFrom("opt_outs").select(["person_id", "login", "opted_out"]).execute()).toEqual([{ person_id: PEOPLE.erin.id, login: PEOPLE.erin.login, opted_out: true }]);
    expect(await database.db.selectFrom("erasures").select(["scope", "subject_id", "reason", "status"]).execute()).toEqual([
      { scope: "person", subject_id: PEOPLE.erin.id, reason: "opt-out", status: "done" },
    ]);
  });

  it("erases what GitHub keeps sending about them at the next sweep, but keeps an opt-in until it is read", async () => {
    const erin = personNeedles(PEOPLE.erin);
    // Still opted out, Erin answers an issue; then opts back in. The sweep runs before the opt-in is read.
    await post(harness, issueStory({ repo: REPOS.website, number: 25, author: PEOPLE.alice, answerer: PEOPLE.erin, base: 86_900_600, day: 26 }));
    await harness.drain();
    expect((await leftovers(database, erin, (f) => f.table === "public.opt_outs")).length).toBeGreaterThan(0);
    const deps = { db: database.db, clients: noClients, now: () => new Date() };
    // Her opt-in comment is stored (as the worker's first step stores it), but not yet read when the sweep runs.
    const at = "2026-08-27T12:00:00Z";
    await database.db
      .insertInto("people")
      .values({ id: PEOPLE.erin.id, login: PEOPLE.erin.login, type: "User", is_bot: false, is_ghost: false, name: null, previous_logins: "[]", seen_at: at })
      .onConflict((oc) => oc.column("id").doNothing())
      .execute();
    await database.db
      .insertInto("issue_comments")
      .values({ id: 86_900_799, repository_id: REPOS.website.id, issue_number: 25, is_pull_request: false, author_id: PEOPLE.erin.id, body: "/unsung opt-in", html_url: "", author_association: "MEMBER", created_at: at, updated_at: at, deleted_at: null })
      .execute();
    expect(await sweepOptedOut(deps)).toBe(1);
    await runDueErasures(deps);
    // Her answer went; the opt-in stays to be read, and then counts.
    expect(await database.db.selectFrom("issue_comments").select("id").where("author_id", "=", PEOPLE.erin.id).execute()).toEqual([{ id: 86_900_799 }]);
    expect(await recordCommand(database.db, { commentId: 86_900_799, repositoryId: REPOS.website.id, issueNumber: 25 })).toBe("recorded");
    expect(await database.db.selectFrom("opt_outs").select(["opted_out"]).where("person_id", "=", PEOPLE.erin.id).executeTakeFirst()).toEqual({ opted_out: false });
  });

  it("sweeps an opted-out person's new facts away, keeping only the opt-out", async () => {
    const erin = personNeedles(PEOPLE.erin);
    await post(harness, issueStory({ repo: REPOS.website, number: 27, author: PEOPLE.alice, answerer: PEOPLE.sam, base: 86_900_800, day: 28, commands: [[PEOPLE.erin, "/unsung opt-out", "MEMBER"]] }));
    await harness.drain();
    await post(harness, issueStory({ repo: REPOS.website, number: 28, author: PEOPLE.alice, answerer: PEOPLE.erin, base: 86_900_900, day: 29 }));
    await harness.drain();
    expect((await leftovers(database, erin, (f) => f.table === "public.opt_outs")).length).toBeGreaterThan(0);
    const deps = { db: database.db, clients: noClients, now: () => new Date() };
    expect(await sweepOptedOut(deps)).toBe(1);
    await runDueErasures(deps);
    expect(await leftovers(database, erin, (f) => f.table === "public.opt_outs")).toEqual([]);
    expect(await sweepOptedOut(deps)).toBe(0);
  });
});
