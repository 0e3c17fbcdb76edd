/**
 * The team report's reviews are summed by the database (review_merges +
 * src/store/review-tallies.ts). These tests hold that path to the meaning of
 * the pure builder: the report from the database equals the report built from
 * every contribution, for whole and odd periods, for every audience, with
 * reviews that straddle a period's edges, change repository or visibility,
 * absorb a recurring problem or carry an unknown level; review_merges stays
 * equal to a rebuild from scratch as contributions are replaced; and the
 * migration fills in rows written before it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { migrations } from "../../db/migrations/index.js";
import type { Contribution } from "../../src/core/model.js";
import { buildTeamReport, previousPeriod, type Period } from "../../src/core/report/index.js";
import { storedSummary } from "../../src/core/report/review-tally.js";
import { reportSettingsOf, rubricOf } from "../../src/config/repo-config.js";
import { planScaleOrg, type ScaleOrgOptions } from "../../src/scale/generate-scale-org.js";
import { loadScaleOrg } from "../../src/scale/load-scale-org.js";
import { coveredRepositories, recordsBegin, reportConfig, teamReport, type Audience, type TeamSelector } from "../../src/services/build-reports.js";
import { fillContributionSummaries, rebuildReviewMerges } from "../../src/store/review-merges.js";
import { reviewTally } from "../../src/store/review-tallies.js";
import { replaceContributions, toContribution } from "../../src/store/upsert-contributions.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

const SCALE: ScaleOrgOptions = { engineers: 12, months: 4, seed: 7, start: "2026-04-01" };
const Q3: Period = { from: "2026-07-01T00:00:00.000Z", to: "2026-08-01T00:00:00.000Z", label: "July 2026" };
const ODD: Period = { from: "2026-06-17T00:00:00.000Z", to: "2026-07-09T00:00:00.000Z", label: "2026-06-17 – 2026-07-08" };

let database: TestDatabase;
let now: Date;

beforeAll(async () => {
  database = await createTestDatabase();
  await loadScaleOrg(database.pool, SCALE, { batchRows: 500 });
  now = new Date(planScaleOrg(SCALE).computedAt);
  await addAwkwardReviews();
});
afterAll(async () => {
  await database?.drop();
});

async function reviewRows(limit: number, offset: number, month = "2026-06"): Promise<Contribution[]> {
  const rows = await database.db
    .selectFrom("contributions")
    .selectAll()
    .where("kind", "=", "review")
    .where(sql<string>`to_char(occurred_at at time zone 'UTC', 'YYYY-MM')`, "=", month)
    .orderBy("key")
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.map((r) => toContribution(r as never));
}

/**
 * Review contributions the generator never makes, written the way the app writes them: a second
 * review of the same pull request weeks later (straddling July 1 and the odd period's end), one in a
 * renamed repository, one with the other visibility (private in a public repository, or public in a private one), one marked as a trap, one with a level no
 * detector uses, and a deeper second review inside the same period (merged at its deepest).
 */
async function addAwkwardReviews(): Promise<void> {
  // Reviews of June, a few days before the odd period (June 17 –) begins, and one of July.
  const june = (await reviewRows(40, 0)).filter((c) => c.occurredAt < "2026-06-15").slice(0, 5);
  const july = (await reviewRows(1, 3, "2026-07"))[0]!;
  expect(june).toHaveLength(5);
  const withComments = (n: number, led: number) => ({
    comments: Array.from({ length: n }, (_, i) => ({ category: i === 0 ? "defect" : "nit", ledToChange: i < led, path: i === 0 ? "zzz/new-area.ts" : "docs/x.md" })),
  });
  const cases: Array<{ pick: Contribution; own?: Partial<Contribution>; extra?: Partial<Contribution> }> = [
    { pick: june[0]!, extra: { occurredAt: "2026-07-03T10:00:00.000Z", level: "deep", score: 88 } },
    { pick: june[1]!, extra: { occurredAt: "2026-07-08T23:59:59.000Z", repositoryFullName: "scale-org/renamed", level: "substantive" } },
    { pick: june[2]!, extra: { occurredAt: "2026-06-20T08:00:00.000Z", repositoryPrivate: !june[2]!.repositoryPrivate, level: "light" } },
    { pick: june[3]!, own: { dynamics: "trap", level: "substantive" } },
    { pick: june[4]!, own: { level: "cursory", score: 140 } },
    // Two reviews of one pull request in July, both with comments: one merged review, the comments of both.
    {
      pick: july,
      own: { detail: withComments(3, 1) },
      extra: { occurredAt: new Date(Date.parse(july.occurredAt) + 3_600_000).toISOString(), level: "deep", score: 95, detail: withComments(2, 2) },
    },
  ];
  // Other kinds in June (the previous period of July): two of one kind on one subject (one item, its
  // best score, clamped), and one with the other visibility.
  const others = (
    await database.db.selectFrom("contributions").selectAll().where("kind", "not in", ["review", "triage", "ci-rerun"]).where("occurred_at", ">=", "2026-06-01").where("occurred_at", "<", "2026-06-30").orderBy("key").limit(2).execute()
  ).map((r) => toContribution(r as never));
  expect(others).toHaveLength(2);
  cases.push({ pick: others[0]!, extra: { score: 250, occurredAt: "2026-06-29T12:00:00.000Z" } });
  cases.push({ pick: others[1]!, extra: { repositoryPrivate: !others[1]!.repositoryPrivate } });
  for (const { pick, own, extra } of cases) {
    const source = await database.db.selectFrom("contributions").select("source_key").where("key", "=", pick.key).executeTakeFirstOrThrow();
    const siblings = (await database.db.selectFrom("contributions").selectAll().where("source_key", "=", source.source_key).execute())
      .map((r) => toContribution(r as never))
      .map((s) => (s.key === pick.key && own ? { ...s, ...own } : s));
    const next = extra ? [...siblings, { ...pick, ...own, ...extra, key: `${pick.key}:again` }] : siblings;
    await replaceContributions(database.db, source.source_key, next, now.toISOString());
  }
}

/** The team report built from every contribution by the pure builder (reviews tallied in JavaScript). */
async function fromContributions(selector: TeamSelector, period: Period, audience: Audience): Promise<ReturnType<typeof buildTeamReport>> {
  const fromDb = await teamReport(database.db, selector, period, audience, now);
  const covered = await coveredRepositories(database.db, audience);
  const ids = fromDb.people.map((p) => p.personId);
  const all = async (p: Period) =>
    ids.length
      ? (await database.db.selectFrom("contributions").selectAll().where("person_id", "in", ids).where("occurred_at", ">=", p.from).where("occurred_at", "<", p.to).execute()).map((r) =>
          toContribution(r as never),
        )
      : [];
  const config = await reportConfig(database.db);
  return buildTeamReport({
    people: fromDb.people.map((p) => ({ id: p.personId, login: p.login, name: p.name })),
    period,
    previousPeriod: previousPeriod(period),
    contributions: await all(period),
    previousContributions: await all(previousPeriod(period)),
    rubric: rubricOf(config),
    ranking: reportSettingsOf(config).ranking,
    coveredRepositories: covered,
    reviewsByReviewer: fromDb.reviewDepth.rows.map((r) => ({ personId: r.personId, reviews: r.loadReviews })),
    recordsBegin: await recordsBegin(database.db),
    now,
  });
}

describe("the team report's reviews, summed by the database", () => {
  it("the awkward reviews are there: some merges straddle July 1, one spans two repositories, one two visibilities", async () => {
    const r = await sql<{ straddle: number; mixed: number; trap: number; unknown: number }>`
      select count(*) filter (where first_at < '2026-07-01' and last_at >= '2026-07-01')::int as straddle,
             count(*) filter (where not uniform)::int as mixed,
             count(*) filter (where trap)::int as trap,
             count(*) filter (where level = 'unknown')::int as unknown
      from review_merges`.execute(database.db);
    expect(r.rows[0]).toEqual({ straddle: expect.any(Number), mixed: 2, trap: 1, unknown: 1 });
    expect(r.rows[0]!.straddle).toBeGreaterThanOrEqual(1);
  });

  for (const [name, period] of [
    ["a month", Q3],
    ["an odd period", ODD],
  ] as const) {
    for (const audience of [{ kind: "all" }, { kind: "public" }] as Audience[]) {
      it(`equals the report built from every contribution: the organisation, ${name}, audience ${audience.kind}`, async () => {
        const expected = await fromContributions({ kind: "org" }, period, audience);
        const actual = await teamReport(database.db, { kind: "org" }, period, audience, now);
        expect(actual.reviewDepth.totalReviews).toBeGreaterThan(0);
        expect(actual).toEqual(expected);
      });
    }
  }

  it("equals it for a team of a few people too", async () => {
    const plan = planScaleOrg(SCALE);
    const logins = plan.engineers.slice(0, 3).map((e) => e.login);
    const expected = await fromContributions({ kind: "people", logins }, Q3, { kind: "all" });
    expect(await teamReport(database.db, { kind: "people", logins }, Q3, { kind: "all" }, now)).toEqual(expected);
  });

  it("counts each review once: the straddling merge's parts land in the period they happened in", async () => {
    const ids = (await database.db.selectFrom("people").select("id").execute()).map((p) => p.id);
    const covered = await coveredRepositories(database.db, { kind: "all" });
    const june = await reviewTally(database.db, ids, { from: "2026-06-01T00:00:00.000Z", to: "2026-07-01T00:00:00.000Z", label: "June" }, covered);
    const july = await reviewTally(database.db, ids, Q3, covered);
    const both = await reviewTally(database.db, ids, { from: "2026-06-01T00:00:00.000Z", to: "2026-08-01T00:00:00.000Z", label: "June–July" }, covered);
    const total = (t: typeof june) => t.people.reduce((n, p) => n + p.reviews, 0);
    const raw = await sql<{ n: number }>`
      select count(distinct (person_id, match_url))::int as n from contributions where kind = 'review' and occurred_at >= '2026-06-01' and occurred_at < '2026-08-01'`.execute(database.db);
    expect(total(both)).toBe(raw.rows[0]!.n);
    // A pull request reviewed in June and again in July is one review in each month, one in both.
    expect(total(june) + total(july)).toBeGreaterThan(total(both));
  });

  it("reads nothing for nobody, or for no covered repository", async () => {
    const empty = { people: [], months: [], repositories: [], areas: [], comments: [], earliest: null };
    expect(await reviewTally(database.db, [], Q3, await coveredRepositories(database.db, { kind: "all" }))).toEqual(empty);
    expect(await reviewTally(database.db, [1, 2, 3], Q3, [])).toEqual(empty);
  });
});

describe("review_merges kept in step with contributions", () => {
  async function digest(): Promise<string> {
    const r = await sql<{ d: string }>`
      select md5(coalesce(string_agg(concat_ws('|', person_id, match_url, repository_full_name, repository_private, uniform, level, score, trap,
        first_at, last_at, comment_count, comments_led_to_change, (select string_agg(a, ',' order by a) from unnest(areas) a)), E'\n' order by person_id, match_url), '')) as d
      from review_merges`.execute(database.db);
    return r.rows[0]!.d;
  }

  it("after replacing, removing and re-adding contributions, equals a rebuild from scratch", async () => {
    const picks = await reviewRows(3, 5, "2026-07");
    let gone = 0;
    for (const c of picks) {
      const source = await database.db.selectFrom("contributions").select("source_key").where("key", "=", c.key).executeTakeFirstOrThrow();
      const siblings = (await database.db.selectFrom("contributions").selectAll().where("source_key", "=", source.source_key).execute()).map((r) => toContribution(r as never));
      // Remove the review, then bring it back deeper.
      await replaceContributions(database.db, source.source_key, siblings.filter((s) => s.key !== c.key), now.toISOString());
      const url = storedSummary(c).matchUrl;
      const merged = await database.db.selectFrom("review_merges").select("level").where("person_id", "=", c.personId).where("match_url", "=", url).execute();
      const left = await database.db.selectFrom("contributions").select("key").where("kind", "=", "review").where("person_id", "=", c.personId).where("match_url", "=", url).execute();
      // The merged review is gone with its last contribution, and stays while another remains.
      expect(merged.length).toBe(left.length > 0 ? 1 : 0);
      if (left.length === 0) gone += 1;
      await replaceContributions(database.db, source.source_key, siblings.map((s) => (s.key === c.key ? { ...s, level: "deep", score: 77 } : s)), now.toISOString());
    }
    expect(gone).toBeGreaterThan(0);
    const kept = await digest();
    await rebuildReviewMerges(database.db);
    expect(await digest()).toBe(kept);
  });

  it("contributions written before the migration are filled in after it, and review_merges built from them", async () => {
    const before = await digest();
    const stored = await sql<{ key: string; match_url: string; areas: string[]; comment_count: number | null; comments_led_to_change: number | null }>`
      select key, match_url, areas, comment_count, comments_led_to_change from contributions order by key`.execute(database.db);
    const migration = migrations["2026-11-21-0005-team-report-tallies"]!;
    await migration.down!(database.db);
    await migration.up(database.db);
    expect(await fillContributionSummaries(database.db)).toBe(stored.rows.length);
    expect(await fillContributionSummaries(database.db)).toBe(0);
    const after = await sql<(typeof stored.rows)[number]>`
      select key, match_url, areas, comment_count, comments_led_to_change from contributions order by key`.execute(database.db);
    expect(after.rows).toEqual(stored.rows);
    expect(after.rows.some((r) => r.comment_count !== null && r.areas.length > 0)).toBe(true);
    expect(await digest()).toBe(before);
  });
});
