/**
 * The team's reviews in a period, tallied by the database (see
 * src/core/report/review-tally.ts for what a tally is). Merged reviews that lie
 * wholly inside the period, in one repository with one visibility, are summed
 * from `review_merges`; the few that straddle the period's edges (a pull
 * request reviewed in June and again in July) or changed repository or
 * visibility are tallied from their contributions in the period, exactly as the
 * report would merge them. The two tallies cover disjoint reviews and add up.
 */
import { sql, type Kysely } from "kysely";
import type { Period } from "../core/report/period.js";
import { addTallies, depthKey, emptyTally, tallyReviews, type ReviewTally } from "../core/report/review-tally.js";
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

/**
 * `detailed`: also per month, repository and area (the current period's sections); without it only
 * per person and depth (all a comparison with the previous period needs).
 */
export async function reviewTally(
  db: Kysely<DB>,
  personIds: readonly number[],
  period: Period,
  covered: readonly CoveredRepository[],
  detailed = true,
): Promise<ReviewTally> {
  const names = coveredNames(covered);
  if (!personIds.length || !names.all.length) return emptyTally();
  const ids = [...personIds];
  const from = sql`${period.from}::timestamptz`;
  const to = sql`${period.to}::timestamptz`;
  const span = sql`tstzrange(m.first_at, m.last_at, '[]')`;
  const mine = sql`m.person_id = any(${ids}::bigint[])`;
  // Wholly inside the period, one repository, one visibility, and one the reader may see.
  const inside = sql`${span} && tstzrange(${from}, ${to}, '[)') and ${mine}
    and m.first_at >= ${from} and m.last_at < ${to} and m.uniform
    and lower(m.repository_full_name) = any(${names.all}::text[])
    and (not m.repository_private or lower(m.repository_full_name) = any(${names.private}::text[]))`;
  const byMonthAndRepository = sql`grouping(person_id) as gp, grouping(repository_full_name) as gr, repository_full_name as repo,
    repository_private as priv, to_char(date_trunc('month', last_at at time zone 'UTC'), 'YYYY-MM') as month`;
  const personOnly = sql`0 as gp, 1 as gr, null::text as repo, null::boolean as priv, null::text as month`;
  const sets = detailed
    ? sql`grouping sets ((person_id, level), (date_trunc('month', last_at at time zone 'UTC'), level), (repository_full_name, repository_private, level))`
    : sql`grouping sets ((person_id, level))`;
  const [summed, areas, rest] = await Promise.all([
    sql<TallyRow>`
      select ${detailed ? byMonthAndRepository : personOnly}, person_id, level,
        count(*)::int as n, sum(score::float8) as s, (count(*) filter (where trap))::int as traps,
        sum(comment_count)::int as cc, sum(comments_led_to_change)::int as cl, min(first_at) as first
      from review_merges m where ${inside}
      group by ${sets}`.execute(db),
    detailed
      ? sql<{ repo: string; priv: boolean; area: string; level: string; n: number }>`
          select m.repository_full_name as repo, m.repository_private as priv, x.area, m.level, count(*)::int as n
          from review_merges m cross join unnest(m.areas) as x(area)
          where ${inside}
          group by 1, 2, 3, 4`.execute(db)
      : Promise.resolve({ rows: [] }),
    // The rest (few): merges that straddle the period's start or end, or changed repository or visibility.
    sql<Record<string, unknown>>`
      with rest as (
        select m.person_id, m.match_url from review_merges m where ${span} @> ${from} and m.first_at < ${from} and ${mine}
        union select m.person_id, m.match_url from review_merges m where ${span} @> ${to} and m.first_at < ${to} and ${mine}
        union select m.person_id, m.match_url from review_merges m where not m.uniform and ${span} && tstzrange(${from}, ${to}, '[)') and ${mine}
      )
      select c.key, c.kind, c.person_id, c.person_login, c.repository_id, c.repository_full_name, c.repository_private, c.subject_type,
        c.subject_id, c.subject_title, c.subject_url, c.occurred_at, c.score, c.confidence, c.level, c.dynamics, c.detail, c.detector,
        c.detector_version
      from rest join contributions c on c.kind = 'review' and c.person_id = rest.person_id and c.match_url = rest.match_url
      where c.occurred_at >= ${from} and c.occurred_at < ${to}
        and lower(c.repository_full_name) = any(${names.all}::text[])`.execute(db),
  ]);
  const tally = fromRows(summed.rows);
  for (const a of areas.rows) pushArea(tally, a);
  if (!rest.rows.length) return tally;
  const raw = rest.rows.map((r) => toContribution({ ...r, evidence: [], formula: { friction: "", change: "", improvement: "", beneficiaries: [], proof: [] } } as never));
  return addTallies(tally, tallyReviews(selectCoveredContributions(raw, coverageOf(covered))));
}

function pushArea(tally: ReviewTally, a: { repo: string; priv: boolean; area: string; level: string; n: number }): void {
  tally.areas.push({ repositoryFullName: a.repo, repositoryPrivate: a.priv === true, area: a.area, level: depthKey(a.level), reviews: a.n });
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
