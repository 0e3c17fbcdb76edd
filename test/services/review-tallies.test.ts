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
import { storedSummary, tallyReviews, type ReviewTally } from "../../src/core/report/review-tally.js";
import { coverageOf } from "../../src/core/report/select-covered.js";
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
  // Someone found to be a bot after their reviews were counted: reports leave them out.
  const bot = await sql<{ person_id: number }>`
    select person_id from review_merges where month = '2026-07-01' group by person_id order by count(*) desc, person_id limit 1 offset 2`.execute(database.db);
  await database.db.updateTable("people").set({ is_bot: true }).where("id", "=", bot.rows[0]!.person_id).execute();
  // Someone who opted out, whose record waits for its erasure: reports leave them out too.
  const gone = await sql<{ person_id: number; login: string }>`
    select m.person_id, p.login from review_merges m join people p on p.id = m.person_id
    where m.month = '2026-07-01' and cardinality(m.areas) > 0 group by m.person_id, p.login order by count(*) desc, m.person_id limit 1 offset 3`.execute(database.db);
  await database.db.insertInto("opt_outs").values({ person_id: gone.rows[0]!.person_id, login: gone.rows[0]!.login, opted_out: true, updated_at: new Date().toISOString() }).execute();
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
  // Someone whose only review says nothing about its comments: no comment figures for them (not zero).
  await database.db
    .insertInto("people")
    .values({ id: 99_000_001, login: "quiet-reviewer", type: "User", is_bot: false, is_ghost: false, name: null, previous_logins: "[]", seen_at: "2026-07-01T00:00:00Z" })
    .execute();
  await replaceContributions(
    database.db,
    "test:quiet-reviewer",
    [{ ...july, key: "review:quiet", personId: 99_000_001, personLogin: "quiet-reviewer", level: "substantive", detail: {}, occurredAt: "2026-07-20T10:00:00.000Z" }],
    now.toISOString(),
  );
  for (const { pick, own, extra } of cases) {
    const source = await database.db.selectFrom("contributions").select("source_key").where("key", "=", pick.key).executeTakeFirstOrThrow();
    const siblings = (await database.db.selectFrom("contributions").selectAll().where("source_key", "=", source.source_key).execute())
      .map((r) => toContribution(r as never))
      .map((s) => (s.key === pick.key && own ? { ...s, ...own } : s));
    const next = extra ? [...siblings, { ...pick, ...own, ...extra, key: `${pick.key}:again` }] : siblings;
    await replaceContributions(database.db, source.source_key, next, now.toISOString());
  }
}

/** A tally with entries of one key summed, none empty, in a fixed order (two producers may split or order them differently). */
function normalised(t: ReviewTally): ReviewTally {
  const sum = <T extends { reviews: number }>(xs: T[], key: (x: T) => string, add: (a: T, b: T) => void): T[] => {
    const m = new Map<string, T>();
    for (const x of xs) {
      const k = key(x);
      const have = m.get(k);
      if (have) add(have, x);
      else m.set(k, { ...x });
    }
    return [...m.entries()].filter(([, v]) => v.reviews !== 0).sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v);
  };
  const bump = <T extends { reviews: number }>(a: T, b: T) => void (a.reviews += b.reviews);
  return {
    people: sum(t.people, (p) => `${p.personId}|${p.level}`, (a, b) => {
      a.reviews += b.reviews;
      a.scoreSum += b.scoreSum;
      a.traps += b.traps;
    }),
    months: sum(t.months, (m) => `${m.month}|${m.level}`, bump),
    repositories: sum(t.repositories, (r) => `${r.repositoryFullName}|${r.repositoryPrivate}|${r.level}`, bump),
    areas: sum(t.areas, (a) => `${a.repositoryFullName}|${a.repositoryPrivate}|${a.area}|${a.level}`, bump),
    comments: [...t.comments].sort((a, b) => a.personId - b.personId),
    earliest: t.earliest,
  };
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

  for (const [name, period] of [
    ["a month (monthly sums)", Q3],
    ["an odd period (merges read)", ODD],
  ] as const) {
    it(`the tally itself equals the tally of the contributions: ${name}, the organisation and a few people`, async () => {
      const covered = await coveredRepositories(database.db, { kind: "all" });
      const coverage = coverageOf(covered);
      const optedOut = (await database.db.selectFrom("opt_outs").select("person_id").where("opted_out", "=", true).execute()).map((o) => o.person_id);
      expect(optedOut).toHaveLength(1);
      // Everyone: people, not bots, not opted out.
      const humans = (await database.db.selectFrom("people").select("id").where("is_bot", "=", false).where("id", "not in", optedOut).execute()).map((p) => p.id);
      const all = (await database.db.selectFrom("contributions").selectAll().where("kind", "=", "review").where("occurred_at", ">=", period.from).where("occurred_at", "<", period.to).execute())
        .map((r) => toContribution(r as never))
        .filter((c) => coverage.has(c.repositoryFullName, c.repositoryPrivate));
      const of = (ids: readonly number[]) => normalised(tallyReviews(all.filter((c) => ids.includes(c.personId))));
      expect(normalised(await reviewTally(database.db, "everyone", period, covered))).toEqual(of(humans));
      const few = humans.slice(0, 4);
      expect(normalised(await reviewTally(database.db, few, period, covered))).toEqual(of(few));
    });
  }

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
  /** review_merges and its monthly sums (rows summing to nothing left out: taking away leaves them). */
  async function digest(): Promise<string[]> {
    const merges = await sql<{ d: string }>`
      select md5(coalesce(string_agg(concat_ws('|', person_id, match_url, repository_full_name, repository_private, uniform, level, score, trap,
        first_at, last_at, comment_count, comments_led_to_change, month, (select string_agg(a, ',' order by a) from unnest(areas) a)), E'\n' order by person_id, match_url), '')) as d
      from review_merges`.execute(database.db);
    const people = await sql<{ d: string }>`
      select md5(coalesce(string_agg(concat_ws('|', month, person_id, repository_full_name, repository_private, level, reviews, score_sum, traps,
        comments_said, comment_count, comments_led), E'\n' order by month, person_id, repository_full_name, repository_private, level), '')) as d
      from review_month_people where reviews <> 0`.execute(database.db);
    const areas = await sql<{ d: string }>`
      select md5(coalesce(string_agg(concat_ws('|', month, repository_full_name, repository_private, area, level, reviews), E'\n'
        order by month, repository_full_name, repository_private, area, level), '')) as d
      from review_month_areas where reviews <> 0`.execute(database.db);
    return [merges.rows[0]!.d, people.rows[0]!.d, areas.rows[0]!.d];
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
    expect(await digest()).toEqual(kept);
  });

  it("writers at once (each its own transaction) leave the monthly sums equal to a rebuild", async () => {
    const picks = await reviewRows(8, 20, "2026-07");
    const sources = new Map<string, Contribution[]>();
    for (const c of picks) {
      const source = (await database.db.selectFrom("contributions").select("source_key").where("key", "=", c.key).executeTakeFirstOrThrow()).source_key;
      if (sources.has(source)) continue;
      const siblings = (await database.db.selectFrom("contributions").selectAll().where("source_key", "=", source).execute()).map((r) => toContribution(r as never));
      sources.set(source, siblings.map((s) => (s.kind === "review" ? { ...s, level: s.level === "deep" ? "light" : "deep", score: 61 } : s)));
    }
    expect(sources.size).toBeGreaterThan(3);
    await Promise.all([...sources].map(([source, next]) => replaceContributions(database.db, source, next, now.toISOString())));
    const kept = await digest();
    await rebuildReviewMerges(database.db);
    expect(await digest()).toEqual(kept);
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
    expect(await digest()).toEqual(before);
  });
});
