/**
 * A team's work in a period, summed by the database (see src/core/report/review-tally.ts
 * for tallies and counts). Merged reviews that lie wholly inside the period, in
 * one repository with one visibility, are summed from `review_merges`; the few
 * that straddle the period's edges (a pull request reviewed in June and again in
 * July) or changed repository or visibility are read as contributions and
 * counted in JavaScript, exactly as the report would merge them. The two cover
 * disjoint reviews and add up.
 */
import { sql, type Kysely } from "kysely";
import type { Contribution, ContributionKind } from "../core/model.js";
import type { Period } from "../core/report/period.js";
import { addCounts, addTallies, countPeriod, depthKey, emptyCounts, emptyTally, tallyReviews, type PeriodCounts, type ReviewTally } from "../core/report/review-tally.js";
import { coverageOf, selectCoveredContributions, type CoveredRepository } from "../core/report/select-covered.js";
import type { DB } from "./schema.js";
import { toContribution } from "./upsert-contributions.js";

interface TallyRow {
  gp: number;
  gr: number;
  person_id: number | null;
  repo: string | null;
  priv: boolean | null;
  month: string | null;
  level: string;
  n: number;
  s: number | null;
  traps: number | null;
  cc: number | null;
  cl: number | null;
  first: string | null;
}

/** Covered repository names (lower case), and those of them covered as private (a name listed twice counts as public). */
function coveredNames(covered: readonly CoveredRepository[]): { all: string[]; private: string[] } {
  const byName = new Map<string, boolean>();
  for (const r of covered) {
    if (typeof r?.fullName !== "string" || r.fullName.trim() === "") continue;
    const name = r.fullName.trim().toLowerCase();
    byName.set(name, (byName.get(name) ?? true) && r.private === true);
  }
  return { all: [...byName.keys()], private: [...byName].filter(([, p]) => p).map(([n]) => n) };
}

/** Whose work: these people, or "everyone" (the whole organisation: people, not bots, not opted out, as the report lists them). */
export type Whose = readonly number[] | "everyone";

/** `alias`.person_id is one of these people. */
function whoseIs(whose: Whose, alias: string) {
  const col = sql.ref(`${alias}.person_id`);
  // Everyone: people, not bots, and none who opted out (their record waits for its erasure).
  return whose === "everyone"
    ? sql`${col} not in (select id from people where is_bot) and ${col} not in (select person_id from opt_outs where opted_out)`
    : sql`${col} = any(${[...whose]}::bigint[])`;
}

/** `alias`'s repository is one the reader may see (with its visibility). */
function coveredBy(names: { all: string[]; private: string[] }, alias: string) {
  const name = sql`lower(${sql.ref(`${alias}.repository_full_name`)})`;
  return sql`${name} = any(${names.all}::text[]) and (not ${sql.ref(`${alias}.repository_private`)} or ${name} = any(${names.private}::text[]))`;
}

/** The SQL conditions on `review_merges m` for a period, a set of people and the covered repositories. */
function mergeConditions(whose: Whose, period: Period, names: { all: string[]; private: string[] }) {
  const from = sql`${period.from}::timestamptz`;
  const to = sql`${period.to}::timestamptz`;
  const mine = whoseIs(whose, "m");
  // Wholly inside the period, in one repository with one visibility.
  const whollyInside = sql`m.last_at >= ${from} and m.last_at < ${to} and m.first_at >= ${from} and m.uniform and ${mine}`;
  return { from, to, mine, whollyInside, inside: sql`${whollyInside} and ${coveredBy(names, "m")}` };
}

/** The period as whole calendar months (UTC), "YYYY-MM-01" bounds, or null when it is not. */
export function wholeMonths(period: Period): { from: string; to: string } | null {
  const monthStart = (iso: string): string | null => {
    const t = Date.parse(iso);
    if (Number.isNaN(t)) return null;
    const d = new Date(t);
    return d.getUTCDate() === 1 && t % 86_400_000 === 0 ? d.toISOString().slice(0, 10) : null;
  };
  const from = monthStart(period.from);
  const to = monthStart(period.to);
  return from && to && from < to ? { from, to } : null;
}

/**
 * The review contributions, in the period and in covered repositories, of the merges the sums leave
 * out: those straddling the period's start or end, or whose parts changed repository or visibility.
 */
async function straddling(db: Kysely<DB>, c: ReturnType<typeof mergeConditions>, names: { all: string[] }, covered: readonly CoveredRepository[]): Promise<Contribution[]> {
  const { from, to, mine } = c;
  const rows = await sql<Record<string, unknown>>`
    with rest as (
      select m.person_id, m.match_url from review_merges m where m.first_at < m.last_at and m.last_at >= ${from} and m.first_at < ${from} and ${mine}
      union select m.person_id, m.match_url from review_merges m where m.first_at < m.last_at and m.last_at >= ${to} and m.first_at < ${to} and ${mine}
      union select m.person_id, m.match_url from review_merges m where not m.uniform and m.last_at >= ${from} and m.first_at < ${to} and ${mine}
    )
    select c.key, c.kind, c.person_id, c.person_login, c.repository_id, c.repository_full_name, c.repository_private, c.subject_type,
      c.subject_id, c.subject_title, c.subject_url, c.occurred_at, c.score, c.confidence, c.level, c.dynamics, c.detail, c.detector,
      c.detector_version
    from rest join contributions c on c.kind = 'review' and c.person_id = rest.person_id and c.match_url = rest.match_url
    where c.occurred_at >= ${from} and c.occurred_at < ${to}
      and lower(c.repository_full_name) = any(${names.all}::text[])`.execute(db);
  const raw = rows.rows.map((r) => toContribution({ ...r, evidence: [], formula: { friction: "", change: "", improvement: "", beneficiaries: [], proof: [] } } as never));
  return selectCoveredContributions(raw, coverageOf(covered));
}

/**
 * The reviews of these people in the period, tallied per person, month, repository and area (the
 * report's sections). For whole months, the merges that lie in one month come from the monthly
 * sums (src/store/review-merges.ts) and only those spanning months are read.
 */
export async function reviewTally(db: Kysely<DB>, whose: Whose, period: Period, covered: readonly CoveredRepository[]): Promise<ReviewTally> {
  const names = coveredNames(covered);
  if (!whose.length || !names.all.length) return emptyTally();
  const c = mergeConditions(whose, period, names);
  const months = wholeMonths(period);
  // Per area the monthly sums count everyone's reviews: usable for the whole organisation only.
  const monthlyAreas = months !== null && whose === "everyone";
  const month = sql`date_trunc('month', m.last_at at time zone 'UTC')`;
  const [summed, areas, rest, monthly, areaSums, earliest] = await Promise.all([
    sql<TallyRow>`
      select grouping(m.person_id) as gp, grouping(m.repository_full_name) as gr, m.repository_full_name as repo, m.repository_private as priv,
        to_char(${month}, 'YYYY-MM') as month, m.person_id, m.level,
        count(*)::int as n, sum(m.score::float8) as s, (count(*) filter (where m.trap))::int as traps,
        sum(m.comment_count)::int as cc, sum(m.comments_led_to_change)::int as cl, min(m.first_at) as first
      from review_merges m where ${c.inside} ${months ? sql`and m.month is null` : sql``}
      group by grouping sets ((m.person_id, m.level), (${month}, m.level), (m.repository_full_name, m.repository_private, m.level))`.execute(db),
    // Per area, the repository is checked on the sums (buildTeamReport drops areas of repositories
    // it does not cover), which spares checking it for every merged review.
    sql<AreaRow>`
      select m.repository_full_name as repo, m.repository_private as priv, x.area, m.level, count(*)::int as n
      from review_merges m cross join unnest(m.areas) as x(area)
      where ${c.whollyInside} ${monthlyAreas ? sql`and m.month is null` : sql``}
      group by 1, 2, 3, 4`.execute(db),
    straddling(db, c, names, covered),
    months
      ? sql<TallyRow>`
          select grouping(r.person_id) as gp, grouping(r.repository_full_name) as gr, r.repository_full_name as repo, r.repository_private as priv,
            to_char(r.month, 'YYYY-MM') as month, r.person_id, r.level,
            sum(r.reviews)::int as n, sum(r.score_sum) as s, sum(r.traps)::int as traps,
            (case when sum(r.comments_said) > 0 then sum(r.comment_count) end)::int as cc,
            (case when sum(r.comments_said) > 0 then sum(r.comments_led) end)::int as cl, null::timestamptz as first
          from review_month_people r
          where r.month >= ${months.from}::date and r.month < ${months.to}::date and ${whoseIs(whose, "r")} and ${coveredBy(names, "r")}
          group by grouping sets ((r.person_id, r.level), (r.month, r.level), (r.repository_full_name, r.repository_private, r.level))
          having sum(r.reviews) > 0`.execute(db)
      : { rows: [] as TallyRow[] },
    monthlyAreas
      ? sql<AreaRow>`
          select a.repository_full_name as repo, a.repository_private as priv, a.area, a.level, sum(a.reviews)::int as n
          from review_month_areas a where a.month >= ${months.from}::date and a.month < ${months.to}::date
          group by 1, 2, 3, 4 having sum(a.reviews) > 0
          union all
          -- …less the reviews of bots (people flagged as bots after their reviews were counted) and of
          -- people who opted out (their record waits for its erasure, which takes them out of the sums).
          select m.repository_full_name, m.repository_private, x.area, m.level, -count(*)::int
          from review_merges m cross join unnest(m.areas) as x(area)
          where m.person_id in (select id from people where is_bot union select person_id from opt_outs where opted_out)
            and m.uniform and m.month is not null
            and m.first_at >= ${c.from} and m.last_at < ${c.to}
          group by 1, 2, 3, 4`.execute(db)
      : { rows: [] as AreaRow[] },
    months ? earliestInside(db, c) : null,
  ]);
  let tally = addTallies(fromRows(summed.rows), fromRows(monthly.rows));
  for (const a of [...areas.rows, ...areaSums.rows]) {
    tally.areas.push({ repositoryFullName: a.repo, repositoryPrivate: a.priv === true, area: a.area, level: depthKey(a.level), reviews: a.n });
  }
  if (months) tally = { ...tally, earliest };
  return rest.length ? addTallies(tally, tallyReviews(rest)) : tally;
}

interface AreaRow {
  repo: string;
  priv: boolean;
  area: string;
  level: string;
  n: number;
}

/** The first occurrence of the merges wholly inside the period (ISO), or null. */
async function earliestInside(db: Kysely<DB>, c: ReturnType<typeof mergeConditions>): Promise<string | null> {
  const r = await sql<{ first_at: string }>`select m.first_at from review_merges m where ${c.inside} order by m.first_at limit 1`.execute(db);
  const t = r.rows[0] ? Date.parse(r.rows[0].first_at) : NaN;
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

/**
 * These people's work in the period counted per kind (see PeriodCounts): reviews from
 * `review_merges` (from the monthly sums for whole months), every other kind but `except` merged
 * from contributions.
 */
export async function periodCounts(
  db: Kysely<DB>,
  personIds: readonly number[],
  period: Period,
  covered: readonly CoveredRepository[],
  except: readonly ContributionKind[],
): Promise<PeriodCounts> {
  const names = coveredNames(covered);
  if (!personIds.length || !names.all.length) return emptyCounts();
  const c = mergeConditions(personIds, period, names);
  const months = wholeMonths(period);
  const depthful = (alias: string) => sql`(${sql.ref(`${alias}.level`)} in ('substantive', 'deep'))`;
  const [summed, rest, earliest] = await Promise.all([
    sql<{ kind: ContributionKind; items: number; score_sum: number; reviews: number; earliest: string | null }>`
      select 'review' as kind, (count(*) filter (where ${depthful("m")}))::int as items, coalesce(sum(m.score::float8) filter (where ${depthful("m")}), 0) as score_sum,
        count(*)::int as reviews, min(m.first_at) as earliest
      from review_merges m where ${c.inside} ${months ? sql`and m.month is null` : sql``}
      ${
        months
          ? sql`union all
      select 'review', coalesce(sum(r.reviews) filter (where ${depthful("r")}), 0)::int, coalesce(sum(r.score_sum) filter (where ${depthful("r")}), 0),
        coalesce(sum(r.reviews), 0)::int, null
      from review_month_people r
      where r.month >= ${months.from}::date and r.month < ${months.to}::date and ${whoseIs(personIds, "r")} and ${coveredBy(names, "r")}`
          : sql``
      }
      union all
      select kind, count(*)::int, sum(score)::float8, 0, min(first) from (
        select kind, least(greatest(max(score), 0), 100)::float8 as score, min(occurred_at) as first
        from contributions
        where kind <> 'review' and kind <> all(${[...except]}::text[])
          and person_id = any(${[...personIds]}::bigint[])
          and occurred_at >= ${c.from} and occurred_at < ${c.to}
          and lower(repository_full_name) = any(${names.all}::text[])
          and (not repository_private or lower(repository_full_name) = any(${names.private}::text[]))
        group by person_id, kind, match_url
      ) merged
      group by kind`.execute(db),
    straddling(db, c, names, covered),
    months ? earliestInside(db, c) : null,
  ]);
  let first: number | null = earliest === null ? null : Date.parse(earliest);
  let reviews = 0;
  const byKind = new Map<ContributionKind, PeriodCounts["kinds"][number]>();
  for (const r of summed.rows) {
    reviews += r.reviews;
    if (r.items > 0) {
      const k = byKind.get(r.kind) ?? { kind: r.kind, items: 0, scoreSum: 0 };
      k.items += r.items;
      k.scoreSum += r.score_sum;
      byKind.set(r.kind, k);
    }
    const t = r.earliest === null ? NaN : Date.parse(r.earliest);
    if (Number.isFinite(t) && (first === null || t < first)) first = t;
  }
  const counts: PeriodCounts = { kinds: [...byKind.values()], reviews, earliest: first === null ? null : new Date(first).toISOString() };
  return rest.length ? addCounts(counts, countPeriod(rest)) : counts;
}

function fromRows(rows: readonly TallyRow[]): ReviewTally {
  const t = emptyTally();
  const comments = new Map<number, { personId: number; total: number; ledToChange: number }>();
  let earliest: number | null = null;
  for (const r of rows) {
    const level = depthKey(r.level);
    if (r.gp === 0 && r.person_id !== null) {
      t.people.push({ personId: r.person_id, level, reviews: r.n, scoreSum: r.s ?? 0, traps: r.traps ?? 0 });
      if (r.cc !== null) {
        const c = comments.get(r.person_id) ?? { personId: r.person_id, total: 0, ledToChange: 0 };
        c.total += r.cc;
        c.ledToChange += r.cl ?? 0;
        comments.set(r.person_id, c);
      }
      const first = r.first === null ? NaN : Date.parse(r.first);
      if (Number.isFinite(first) && (earliest === null || first < earliest)) earliest = first;
    } else if (r.gr === 0 && r.repo !== null) {
      t.repositories.push({ repositoryFullName: r.repo, repositoryPrivate: r.priv === true, level, reviews: r.n });
    } else if (r.month !== null) {
      t.months.push({ month: r.month, level, reviews: r.n });
    }
  }
  t.comments = [...comments.values()];
  t.earliest = earliest === null ? null : new Date(earliest).toISOString();
  return t;
}

