/**
 * Who a team report lists (the same builder serves `unsung report team` and the dashboard's team
 * and organisation pages): the configured members Unsung has seen, each once, none who opted out
 * (by `/unsung opt-out`, while their erasure waits, or by the configuration's `exclude`); a
 * configured login never seen is a note about the configuration, not a failure.
 */
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { parsePeriod } from "../../src/core/report/period.js";
import { renderReport } from "../../src/render/index.js";
import { teamReport } from "../../src/services/build-reports.js";
import { useHarness, type Harness } from "../helpers/harness.js";
import { loadTwoTenants } from "../helpers/load-tenants.js";
import type { TestDatabase } from "../helpers/test-database.js";
import { ACME, PEOPLE, REPOS } from "../helpers/tenant-fixture.js";
import { startWeb, type Web } from "../helpers/web-harness.js";

let database: TestDatabase;
let harness: Harness;
let web: Web | undefined;
useHarness((d, h) => ((database = d), (harness = h)));
afterAll(async () => web?.close());

const { alice, sam, carl, erin } = PEOPLE;
const NOW = new Date("2026-09-15T12:00:00Z");
const Q3 = (() => {
  const p = parsePeriod({ quarter: "2026Q3", from: null, to: null }, NOW);
  if (!p.ok) throw new Error(p.error);
  return p.period;
})();
const NEVER_SEEN = "nora-never-seen";
const tenant = { org: ACME.login };
const logins = (m: { people: { login: string }[] }) => m.people.map((p) => p.login).sort();
const FORMATS = ["md", "html", "csv", "json"] as const;

async function configure(teams: Record<string, string[]>, exclude: string[] = []): Promise<void> {
  const config = JSON.stringify({ teams, ...(exclude.length ? { exclude } : {}) });
  await database.db
    .insertInto("repo_configs")
    .values({ repository_id: REPOS.website.id, source: `${ACME.login}/.github`, config, errors: "[]", fetched_at: NOW.toISOString() })
    .onConflict((oc) => oc.column("repository_id").doUpdateSet({ config }))
    .execute();
}

describe("team report members", () => {
  it("loads two organisations; before any opt-out the team lists Erin", async () => {
    await loadTwoTenants(harness);
    // Erin's glue work of the quarter (a copy of one of Alice's): she is on the organisation's report.
    const copied = await sql`
      insert into contributions
      select (jsonb_populate_record(null::contributions, to_jsonb(c) || jsonb_build_object('key', 'erin-copy', 'source_key', 'erin-copy', 'person_id', ${erin.id}::bigint, 'person_login', ${erin.login}::text))).*
      from contributions c where c.person_id = ${alice.id} and c.kind <> 'review' and c.repository_id = ${REPOS.website.id}
        and c.occurred_at >= ${Q3.from}::timestamptz and c.occurred_at < ${Q3.to}::timestamptz
      order by c.key limit 1`.execute(database.db);
    expect(Number(copied.numAffectedRows)).toBe(1);
    await configure({ web: [alice.login, erin.login, sam.login] });
    const before = await teamReport(database.db, { kind: "team", slug: "web" }, Q3, { kind: "all" }, NOW, { tenant });
    expect(logins(before)).toEqual([alice.login, erin.login, sam.login].sort());
    const org = await teamReport(database.db, { kind: "org" }, Q3, { kind: "all" }, NOW, { tenant });
    expect(logins(org)).toContain(erin.login);
  });

  it("leaves out whoever opted out, in every format, in the team and the organisation, without saying who", async () => {
    await database.db.insertInto("opt_outs").values({ person_id: erin.id, login: erin.login, opted_out: true, updated_at: NOW.toISOString() }).execute();
    // Listed twice (in another case as well): still one row.
    await configure({ web: [alice.login, erin.login.toUpperCase(), sam.login, sam.login.toUpperCase()] });
    const team = await teamReport(database.db, { kind: "team", slug: "web" }, Q3, { kind: "all" }, NOW, { tenant });
    const org = await teamReport(database.db, { kind: "org" }, Q3, { kind: "all" }, NOW, { tenant });
    expect(logins(team)).toEqual([alice.login, sam.login].sort());
    expect(logins(org)).not.toContain(erin.login);
    for (const model of [team, org]) {
      expect(model.coverage.note).toBeNull();
      for (const format of FORMATS) {
        const text = renderReport(model, format);
        expect(text, format).not.toContain(erin.login);
        expect(text, format).not.toContain(erin.name);
        expect(text, format).not.toMatch(/opted out/i);
      }
    }
    // The explicit list of the CLI's --people too.
    const listed = await teamReport(database.db, { kind: "people", logins: [alice.login, erin.login] }, Q3, { kind: "all" }, NOW, { tenant });
    expect(logins(listed)).toEqual([alice.login]);
  });

  it("leaves out the configuration's `exclude` logins", async () => {
    await configure({ web: [alice.login, carl.login] }, [carl.login.toUpperCase()]);
    const team = await teamReport(database.db, { kind: "team", slug: "web" }, Q3, { kind: "all" }, NOW, { tenant });
    expect(logins(team)).toEqual([alice.login]);
    expect(renderReport(team, "md")).not.toContain(carl.login);
  });

  it("skips configured logins never seen and says so as a note about the configuration (not an error, web page included)", async () => {
    const many = Array.from({ length: 12 }, (_, i) => `ghost-${i + 1}`);
    await configure({ web: [alice.login, NEVER_SEEN, sam.login], ghosts: many, platform: [alice.login, sam.login] });
    const team = await teamReport(database.db, { kind: "team", slug: "web" }, Q3, { kind: "all" }, NOW, { tenant });
    expect(logins(team)).toEqual([alice.login, sam.login].sort());
    expect(team.coverage.note).toBe(`1 login has been configured for team web in .github/unsung.yml but not seen in this organisation, so it is not listed: @${NEVER_SEEN}.`);
    for (const format of ["md", "html", "json"] as const) expect(renderReport(team, format), format).toContain(NEVER_SEEN);
    const ghosts = await teamReport(database.db, { kind: "team", slug: "ghosts" }, Q3, { kind: "all" }, NOW, { tenant });
    expect(ghosts.people).toEqual([]);
    expect(ghosts.coverage.note).toMatch(/^12 logins have been configured for team ghosts .*: @ghost-1, .*, @ghost-10 and 2 more\.$/);

    web = await startWeb(database.db);
    const b = await web.signIn(alice.login);
    const page = await b.get("/teams/web?quarter=2026Q3");
    expect(page.status).toBe(200);
    expect(page.body).toContain(`@${NEVER_SEEN}`);
    expect(page.body).not.toContain(erin.login);
    const csv = await b.get("/teams/web?quarter=2026Q3&format=csv");
    expect(csv.status).toBe(200);
    expect(csv.body).not.toContain(erin.login);
    // An unknown team is still "not found" on the web, and an error for the CLI's builder.
    expect((await b.get("/teams/no-such-team")).status).toBe(404);
    await expect(teamReport(database.db, { kind: "team", slug: "no-such-team" }, Q3, { kind: "all" }, NOW, { tenant })).rejects.toThrow(/no team "no-such-team"/);
  });
});
