/**
 * The `repository` event keeps visibility and names current: a privatized repository's items
 * leave public reports at once, a publicized one's come back, a renamed one's follow its new name —
 * in contributions, annotations, review merges and the monthly sums alike. A deleted repository is
 * erased after the grace period.
 */
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { renderReport } from "../../src/render/index.js";
import { personReport, teamReport } from "../../src/services/build-reports.js";
import { useHarness, type Harness } from "../helpers/harness.js";
import { loadTwoTenants, post } from "../helpers/load-tenants.js";
import type { TestDatabase } from "../helpers/test-database.js";
import { ACME, PEOPLE, REPOS, quarterPeriod, repositoryEvent } from "../helpers/tenant-fixture.js";

let database: TestDatabase;
let harness: Harness;
useHarness((d, h) => ((database = d), (harness = h)));

const now = new Date("2026-11-01T00:00:00Z");
const period = quarterPeriod("2026Q3", now);
const tenant = { org: ACME.login };
const TITLE = "Document the website release checklist";

async function copies(): Promise<string[]> {
  const r = await sql<{ v: string }>`
    select distinct 'contributions ' || repository_full_name || ' ' || repository_private as v from contributions where repository_id = ${REPOS.website.id}
    union select distinct 'annotations ' || repository_full_name || ' ' || repository_private from annotations where repository_id = ${REPOS.website.id}
    union select distinct 'review_merges ' || repository_full_name || ' ' || repository_private from review_merges where repository_full_name like 'acme-corp/%' and repository_full_name not like '%vault%'
    union select distinct 'review_month_people ' || repository_full_name || ' ' || repository_private from review_month_people where repository_full_name like 'acme-corp/%' and repository_full_name not like '%vault%'
    union select distinct 'review_month_areas ' || repository_full_name || ' ' || repository_private from review_month_areas where repository_full_name like 'acme-corp/%' and repository_full_name not like '%vault%'
    order by 1`.execute(database.db);
  return r.rows.map((x) => x.v);
}

describe("repository events", () => {
  it("a privatized repository's items vanish from public reports, and return when it is made public", async () => {
    await loadTwoTenants(harness);
    const publicBefore = renderReport(await personReport(database.db, PEOPLE.sam.login, period, { kind: "public" }, now, { tenant }), "md");
    expect(publicBefore).toContain(TITLE);

    await post(harness, [repositoryEvent({ ...REPOS.website, private: true }, "privatized", PEOPLE.alice)]);
    await harness.drain();
    for (const format of ["md", "html", "csv", "json"] as const) {
      const person = renderReport(await personReport(database.db, PEOPLE.sam.login, period, { kind: "public" }, now, { tenant }), format);
      const team = renderReport(await teamReport(database.db, { kind: "org" }, period, { kind: "public" }, now, { tenant }), format);
      expect(person, format).not.toContain(TITLE);
      expect(person, format).not.toContain("acme-corp/website");
      expect(team, format).not.toContain("acme-corp/website");
    }
    expect(await copies()).toEqual([
      "annotations acme-corp/website true",
      "contributions acme-corp/website true",
      "review_merges acme-corp/website true",
      "review_month_areas acme-corp/website true",
      "review_month_people acme-corp/website true",
    ]);
    // Readers who may see every repository still see it.
    expect(renderReport(await personReport(database.db, PEOPLE.sam.login, period, { kind: "all" }, now, { tenant }), "md")).toContain(TITLE);

    await post(harness, [repositoryEvent(REPOS.website, "publicized", PEOPLE.alice)]);
    await harness.drain();
    expect(renderReport(await personReport(database.db, PEOPLE.sam.login, period, { kind: "public" }, now, { tenant }), "md")).toContain(TITLE);
    expect((await copies()).every((c) => c.endsWith(" false"))).toBe(true);
  });

  it("a renamed repository's items follow its new name everywhere", async () => {
    const reviewsBefore = await teamReport(database.db, { kind: "org" }, period, { kind: "public" }, now, { tenant });
    await post(harness, [repositoryEvent({ ...REPOS.website, name: "web-home" }, "renamed", PEOPLE.alice, { repository: { name: { from: "website" } } })]);
    await harness.drain();
    expect(await copies()).toEqual([
      "annotations acme-corp/web-home false",
      "contributions acme-corp/web-home false",
      "review_merges acme-corp/web-home false",
      "review_month_areas acme-corp/web-home false",
      "review_month_people acme-corp/web-home false",
    ]);
    const report = await personReport(database.db, PEOPLE.sam.login, period, { kind: "public" }, now, { tenant });
    expect(report.categories.flatMap((c) => c.items.map((i) => i.repository))).toContain("acme-corp/web-home");
    // The team's review tallies are the same, under the new name.
    const after = await teamReport(database.db, { kind: "org" }, period, { kind: "public" }, now, { tenant });
    expect(JSON.stringify(after.reviewDepth).replaceAll("web-home", "website")).toEqual(JSON.stringify(reviewsBefore.reviewDepth));
  });

  it("a deleted repository is scheduled for erasure after the grace period", async () => {
    await post(harness, [repositoryEvent({ ...REPOS.vault }, "deleted", PEOPLE.alice)]);
    await harness.drain();
    expect(await database.db.selectFrom("erasures").select(["scope", "subject_id", "reason", "status"]).execute()).toEqual([
      { scope: "repository", subject_id: REPOS.vault.id, reason: "repository.deleted", status: "scheduled" },
    ]);
  });
});
