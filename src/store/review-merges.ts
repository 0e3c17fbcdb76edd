/**
 * `review_merges`: one row per person and reviewed subject (pull request),
 * the person's review contributions of it merged the way reports merge them
 * (src/core/report/merge-contributions.ts: deepest level, best score, any
 * trap, first and last occurrence, review comments, areas). Kept in step with
 * `contributions` by replaceContributions, so a team report sums these rows in
 * SQL (src/store/review-tallies.ts) instead of reading every review.
 *
 * The merges that lie in one calendar month (UTC), in one repository with one
 * visibility — nearly all — are also summed per month (`review_month_people`
 * per person, `review_month_areas` per area), kept in step in the same
 * statements: a report for whole months adds up a few thousand monthly sums.
 */
import { sql, type Kysely, type Transaction } from "kysely";
import type { Contribution } from "../core/model.js";
import { storedSummary } from "../core/report/review-tally.js";
import type { DB } from "./schema.js";

/** The merge of the review contributions selected by `where` (SQL, a condition on contributions `c`). */
function mergeSelect(where: string): string {
  const reviews = `c.kind = 'review' and c.match_url is not null and ${where}`;
  return `
    select g.*, coalesce(ar.areas, '{}') as areas from (
      select c.person_id, c.match_url,
        min(c.repository_full_name) as repository_full_name,
        bool_or(c.repository_private) as repository_private,
        (min(c.repository_full_name) = max(c.repository_full_name) and bool_and(c.repository_private) = bool_or(c.repository_private)) as uniform,
        case max(case c.level when 'rubber-stamp' then 0 when 'light' then 1 when 'substantive' then 2 when 'deep' then 3 else -1 end)
          when 3 then 'deep' when 2 then 'substantive' when 1 then 'light' when 0 then 'rubber-stamp' else 'unknown' end as level,
        least(greatest(max(c.score), 0), 100) as score,
        bool_or(c.dynamics = 'trap') as trap,
        min(c.occurred_at) as first_at,
        max(c.occurred_at) as last_at,
        sum(c.comment_count)::int as comment_count,
        sum(c.comments_led_to_change)::int as comments_led_to_change,
        case when date_trunc('month', min(c.occurred_at) at time zone 'UTC') = date_trunc('month', max(c.occurred_at) at time zone 'UTC')
          then date_trunc('month', min(c.occurred_at) at time zone 'UTC')::date end as month
      from contributions c
      where ${reviews}
      group by c.person_id, c.match_url
    ) g
    left join (
      select d.person_id, d.match_url, array_agg(d.area order by d.area) as areas from (
        select distinct c.person_id, c.match_url, x.area
        from contributions c cross join unnest(c.areas) as x(area)
        where ${reviews}
      ) d
      group by d.person_id, d.match_url
    ) ar on ar.person_id = g.person_id and ar.match_url = g.match_url`;
}

const INSERT =
  "insert into review_merges (person_id, match_url, repository_full_name, repository_private, uniform, level, score, trap, first_at, last_at, comment_count, comments_led_to_change, month, areas)";

/**
 * Adds (sign "+") or takes away (sign "-") the monthly sums of the merges selected by `where` (a
 * condition on review_merges `m`). In key order, so concurrent writers lock rows in one order.
 */
function monthlySums(sign: "+" | "-", where: string): string[] {
  const merges = `from review_merges m where m.uniform and m.month is not null and ${where}`;
  return [
    `insert into review_month_people as r (month, person_id, repository_full_name, repository_private, level, reviews, score_sum, traps, comments_said, comment_count, comments_led)
      select m.month, m.person_id, m.repository_full_name, m.repository_private, m.level,
        ${sign}count(*), ${sign}sum(m.score::float8), ${sign}count(*) filter (where m.trap), ${sign}count(m.comment_count),
        ${sign}coalesce(sum(m.comment_count), 0), ${sign}coalesce(sum(m.comments_led_to_change), 0)
      ${merges}
      group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5
      on conflict (month, person_id, repository_full_name, repository_private, level) do update set
        reviews = r.reviews + excluded.reviews, score_sum = r.score_sum + excluded.score_sum, traps = r.traps + excluded.traps,
        comments_said = r.comments_said + excluded.comments_said, comment_count = r.comment_count + excluded.comment_count,
        comments_led = r.comments_led + excluded.comments_led`,
    `insert into review_month_areas as r (month, repository_full_name, repository_private, area, level, reviews)
      select m.month, m.repository_full_name, m.repository_private, x.area, m.level, ${sign}count(*)
      from review_merges m cross join unnest(m.areas) as x(area) where m.uniform and m.month is not null and ${where}
      group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5
      on conflict (month, repository_full_name, repository_private, area, level) do update set reviews = r.reviews + excluded.reviews`,
  ];
}

/**
 * Rebuilding every row (after a bulk load, or a migration), as steps to run in order; the
 * statements of a step touch different rows and may run at once on separate connections: the
 * merges are computed in `parts` slices of people.
 */
export function rebuildReviewMergesSteps(parts = 1): string[][] {
  const n = Math.max(1, Math.floor(parts));
  const slice = (k: number) => (n === 1 ? "true" : `(c.person_id % ${n} + ${n}) % ${n} = ${k}`);
  return [
    ["delete from review_month_people", "delete from review_month_areas", "delete from review_merges"],
    Array.from({ length: n }, (_, k) => `${INSERT} ${mergeSelect(slice(k))}`),
    monthlySums("+", "true"),
  ];
}

/** The rebuild as one multi-statement string for any client. */
export const REBUILD_REVIEW_MERGES_SQL = rebuildReviewMergesSteps(1).flat().join(";\n");

export async function rebuildReviewMerges(db: Kysely<DB> | Transaction<DB>): Promise<void> {
  await sql.raw(REBUILD_REVIEW_MERGES_SQL).execute(db);
}

/** The transaction-scoped advisory lock that serialises writers of the monthly sums. */
const MONTHLY_SUMS_LOCK = 0x756e73756e67; // "unsung" in ASCII

/** Recomputes the rows of these people and subjects (after their review contributions changed). */
export async function refreshReviewMerges(db: Kysely<DB> | Transaction<DB>, pairs: ReadonlyArray<{ personId: number; matchUrl: string }>): Promise<void> {
  if (!pairs.length) return;
  const ids = pairs.map((p) => p.personId);
  const urls = pairs.map((p) => p.matchUrl);
  const touched = sql`touched as (select * from unnest(${ids}::bigint[], ${urls}::text[]) as t(person_id, match_url))`;
  const theirs = "(m.person_id, m.match_url) in (select person_id, match_url from touched)";
  // The monthly sums are shared counters: writers take turns (a few milliseconds each) rather than
  // risk locking the same sums in opposite orders between taking out and putting in.
  await sql`select pg_advisory_xact_lock(${MONTHLY_SUMS_LOCK}::bigint)`.execute(db);
  // Take the old merges out of the monthly sums, replace them, put the new ones in.
  for (const statement of monthlySums("-", theirs)) await sql`with ${touched} ${sql.raw(statement)}`.execute(db);
  await sql`with ${touched} delete from review_merges m using touched t where m.person_id = t.person_id and m.match_url = t.match_url`.execute(db);
  await sql`with ${touched} ${sql.raw(INSERT)} ${sql.raw(mergeSelect("(c.person_id, c.match_url) in (select person_id, match_url from touched)"))}`.execute(db);
  for (const statement of monthlySums("+", theirs)) await sql`with ${touched} ${sql.raw(statement)}`.execute(db);
}

/**
 * Fills in the summary columns of contributions written before they existed (match_url is null),
 * a batch at a time, then rebuilds review_merges from them. Nothing to do (one indexed look-up)
 * once every row has them. Run after migrating.
 */
export async function fillContributionSummaries(db: Kysely<DB>): Promise<number> {
  let filled = 0;
  for (;;) {
    const rows = await db.selectFrom("contributions").select(["key", "subject_url", "detail"]).where("match_url", "is", null).orderBy("key").limit(1000).execute();
    if (!rows.length) break;
    const values = rows.map((r) => {
      const s = storedSummary({ key: r.key, subjectUrl: r.subject_url, detail: r.detail ?? {} } as Contribution);
      return { key: r.key, match_url: s.matchUrl, areas: s.areas, comment_count: s.commentCount, comments_led_to_change: s.commentsLedToChange };
    });
    await sql`
      update contributions c set
        match_url = v.match_url,
        areas = coalesce((select array_agg(x) from jsonb_array_elements_text(v.areas) x), '{}'),
        comment_count = v.comment_count,
        comments_led_to_change = v.comments_led_to_change
      from jsonb_to_recordset(${JSON.stringify(values)}::jsonb) as v(key text, match_url text, areas jsonb, comment_count integer, comments_led_to_change integer)
      where c.key = v.key`.execute(db);
    filled += rows.length;
  }
  if (filled > 0) await rebuildReviewMerges(db);
  return filled;
}
