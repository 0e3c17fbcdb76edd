/**
 * Tenant isolation: with two organisations loaded through the real pipeline, a report of one can
 * never contain the other's data — every report path (person packet, organisation, a configured
 * team, named people), every format, every audience, for a person active in both. Configurations
 * never merge across organisations; with several tenants and none named, reports refuse.
 * Endorsements count only from people with a relationship to the repository.
 */
import { describe, expect, it } from "vitest";
import { REPORT_FORMATS, renderReport } from "../../src/render/index.js";
import { personReport, recordsBegin, reportConfig, ReportError, teamReport, type Audience, type TeamSelector } from "../../src/services/build-reports.js";
import { listTenants } from "../../src/services/tenants.js";
import { useHarness, type Harness } from "../helpers/harness.js";
import { loadTwoTenants } from "../helpers/load-tenants.js";
import type { TestDatabase } from "../helpers/test-database.js";
import { ACME, GLOBEX, PEOPLE, REPOS, fullName, quarterPeriod } from "../helpers/tenant-fixture.js";

let database: TestDatabase;
let harness: Harness;
useHarness((d, h) => ((database = d), (harness = h)));

const now = new Date("2026-11-01T00:00:00Z");
const Q3 = quarterPeriod("2026Q3", now);

/** What would give the other organisation away: names, repositories, titles, its people, its words. */
const GIVEAWAYS = {
  [ACME.login]: [ACME.login, "website", "vault-keeper", "release checklist", "Rotate vault keys", PEOPLE.alice.login, PEOPLE.carl.login, PEOPLE.erin.login, PEOPLE.olga.login],
  [GLOBEX.login]: [GLOBEX.login, "reactor", "handbook", "incident command", "Reactor cooling", PEOPLE.bob.login],
};

async function seedConfigs(): Promise<void> {
  const at = new Date().toISOString();
  await database.db
    .insertInto("repo_configs")
    .values([
      { repository_id: REPOS.website.id, source: `${ACME.login}/.github + ${fullName(REPOS.website)}`, config: JSON.stringify({ teams: { platform: [PEOPLE.alice.login, PEOPLE.sam.login] } }), errors: "[]", fetched_at: at },
      { repository_id: REPOS.reactor.id, source: `${GLOBEX.login}/.github`, config: JSON.stringify({ teams: { platform: [PEOPLE.bob.login], reactors: [PEOPLE.bob.login, PEOPLE.sam.login] } }), errors: "[]", fetched_at: at },
    ])
    .execute();
}

describe("two organisations in one database", () => {
  it("loads both", async () => {
    await loadTwoTenants(harness);
    await seedConfigs();
    expect((await listTenants(database.db)).map((t) => [t.login, t.installationId])).toEqual([
      [ACME.login, ACME.installationId],
      [GLOBEX.login, GLOBEX.installationId],
    ]);
  });

  it("refuses a report that names no organisation, listing them", async () => {
    const err = await personReport(database.db, PEOPLE.sam.login, Q3, { kind: "all" }, now).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReportError);
    expect((err as Error).message).toMatch(/this database holds 2 organisations: say which with --org LOGIN or --installation ID/);
    expect((err as Error).message).toContain(`${ACME.login} (installation ${ACME.installationId})`);
    await expect(teamReport(database.db, { kind: "org" }, Q3, { kind: "public" }, now)).rejects.toThrow(/say which/);
    await expect(teamReport(database.db, { kind: "org" }, Q3, { kind: "public" }, now, { tenant: { org: "initech" } })).rejects.toThrow(/no organisation "initech" is stored/);
    await expect(teamReport(database.db, { kind: "org" }, Q3, { kind: "public" }, now, { tenant: { installationId: 1 } })).rejects.toThrow(/no installation 1 is stored/);
    await expect(teamReport(database.db, { kind: "org" }, Q3, { kind: "public" }, now, { tenant: { org: GLOBEX.login, installationId: ACME.installationId } })).rejects.toThrow(
      /belongs to acme-corp, not globex/,
    );
  });

  it("never merges configurations: each organisation's teams are its own", async () => {
    expect((await reportConfig(database.db, { org: ACME.login }))?.teams).toEqual({ platform: [PEOPLE.alice.login, PEOPLE.sam.login] });
    expect((await reportConfig(database.db, { org: GLOBEX.login }))?.teams).toEqual({ platform: [PEOPLE.bob.login], reactors: [PEOPLE.bob.login, PEOPLE.sam.login] });
    // A team only the other organisation configured does not exist here.
    await expect(teamReport(database.db, { kind: "team", slug: "reactors" }, Q3, { kind: "all" }, now, { tenant: { org: ACME.login } })).rejects.toThrow(/no team "reactors" in acme-corp/);
    const team = await teamReport(database.db, { kind: "team", slug: "platform" }, Q3, { kind: "all" }, now, { tenant: { org: ACME.login } });
    expect(team.people.map((p) => p.login).sort()).toEqual([PEOPLE.alice.login, PEOPLE.sam.login]);
  });

  it("dates each organisation's records from its own activity", async () => {
    expect(await recordsBegin(database.db, { org: ACME.login })).toBe("2026-08-03T11:00:00.000Z");
    expect(await recordsBegin(database.db, { org: GLOBEX.login })).toBe("2026-08-04T10:00:00.000Z");
  });

  const audiences: Audience[] = [{ kind: "public" }, { kind: "all" }];
  const reports: [string, (org: string, audience: Audience) => ReturnType<typeof personReport> | ReturnType<typeof teamReport>][] = [
    ["person packet of Sam (active in both)", (org, a) => personReport(database.db, PEOPLE.sam.login, Q3, a, now, { tenant: { org } })],
    ["organisation", (org, a) => teamReport(database.db, { kind: "org" }, Q3, a, now, { tenant: { org } })],
    ["team platform", (org, a) => teamReport(database.db, { kind: "team", slug: "platform" } satisfies TeamSelector, Q3, a, now, { tenant: { org } })],
    ["people sam", (org, a) => teamReport(database.db, { kind: "people", logins: [PEOPLE.sam.login] }, Q3, a, now, { tenant: { org } })],
  ];

  it.each(reports)("%s: a report of one organisation holds nothing of the other, in every format and audience", async (_, build) => {
    for (const [org, other] of [
      [ACME.login, GLOBEX.login],
      [GLOBEX.login, ACME.login],
    ] as const) {
      for (const audience of audiences) {
        const model = await build(org, audience);
        expect(model.coverage.repositories.every((r) => r.fullName.startsWith(`${org}/`)), `${org} ${audience.kind}`).toBe(true);
        for (const format of REPORT_FORMATS) {
          const text = renderReport(model, format).toLowerCase();
          for (const word of GIVEAWAYS[other]!) expect(text, `${org} ${audience.kind} ${format}: ${word}`).not.toContain(word.toLowerCase());
        }
      }
    }
  });

  it("gives Sam each organisation's own evidence, and only that", async () => {
    const acme = await personReport(database.db, PEOPLE.sam.login, Q3, { kind: "all" }, now, { tenant: { org: ACME.login } });
    const globex = await personReport(database.db, PEOPLE.sam.login, Q3, { kind: "all" }, now, { tenant: { installationId: GLOBEX.installationId } });
    const items = (r: typeof acme) => r.categories.flatMap((c) => c.items.map((i) => i.repository)).sort();
    expect(new Set(items(acme))).toEqual(new Set([fullName(REPOS.website)]));
    expect(new Set(items(globex))).toEqual(new Set([fullName(REPOS.reactor)]));
    // Bob's endorsement of Sam was written in globex: it belongs to globex's packet only.
    expect(JSON.stringify(globex)).toContain("Sam ran the reactor drill");
    expect(JSON.stringify(acme)).not.toContain("reactor drill");
  });

  it("counts an endorsement only from someone with a relationship to the repository", async () => {
    const alice = await personReport(database.db, PEOPLE.alice.login, Q3, { kind: "public" }, now, { tenant: { org: ACME.login } });
    const text = JSON.stringify(alice);
    expect(text).toContain("The checklist saved my release.");
    expect(alice.endorsements.map((e) => [e.authorLogin, e.standing])).toEqual([[PEOPLE.sam.login, "corroborated"]]);
    // Olga (author_association NONE) is recorded — as outside — and never shown as a teammate's corroboration.
    for (const format of REPORT_FORMATS) {
      const out = renderReport(alice, format);
      expect(out, format).not.toContain("Best engineer ever");
      expect(out, format).not.toContain(PEOPLE.olga.login);
    }
    const stored = await database.db.selectFrom("annotations").select(["author_login", "author_association"]).where("kind", "=", "endorse").orderBy("author_login").execute();
    expect(stored).toEqual([
      { author_login: PEOPLE.bob.login, author_association: "MEMBER" },
      { author_login: PEOPLE.olga.login, author_association: "NONE" },
      { author_login: PEOPLE.sam.login, author_association: "MEMBER" },
    ]);
  });
});
