/**
 * What every purge shares: counting what each statement erased or changed, keeping the derived
 * review tables (review_merges and the monthly sums) in step, dropping people nothing refers to
 * any more, and dropping queued jobs about what was erased.
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from "kysely";
import { refreshReviewMerges } from "../store/review-merges.js";
import type { DB } from "../store/schema.js";

export type Tx = Kysely<DB> | Transaction<DB>;

/** Rows erased ("table") or changed in place ("table (anonymised)", …), per table. */
export type PurgeCounts = Record<string, number>;

export class Counter {
  readonly counts: PurgeCounts = {};

  add(label: string, n: number | bigint | undefined): void {
    const v = Number(n ?? 0);
    if (v > 0) this.counts[label] = (this.counts[label] ?? 0) + v;
  }

  /** Runs a statement and counts the rows it touched. */
  async run(label: string, db: Tx, statement: RawBuilder<unknown>): Promise<void> {
    const r = await statement.execute(db);
    this.add(label, r.numAffectedRows);
  }
}

/** The (person, subject) pairs of review contributions selected by `where` (a condition on contributions `c`). */
export async function reviewPairs(db: Tx, where: RawBuilder<unknown>): Promise<{ personId: number; matchUrl: string }[]> {
  const r = await sql<{ person_id: number; match_url: string }>`
    select distinct c.person_id, c.match_url from contributions c where c.kind = 'review' and c.match_url is not null and ${where}`.execute(db);
  return r.rows.map((x) => ({ personId: x.person_id, matchUrl: x.match_url }));
}

/**
 * After contributions were deleted: recompute the merges of those pairs (which takes them out of
 * the monthly sums), then drop what is left of these repositories or people in the derived tables
 * and the monthly sums that fell to zero.
 */
export async function settleReviewTables(
  db: Tx,
  counter: Counter,
  pairs: { personId: number; matchUrl: string }[],
  left: { repositoryNames?: string[]; personIds?: number[] },
): Promise<void> {
  const before = await sql<{ n: number }>`select count(*)::int as n from review_merges`.execute(db);
  await refreshReviewMerges(db, pairs);
  const after = await sql<{ n: number }>`select count(*)::int as n from review_merges`.execute(db);
  counter.add("review_merges", (before.rows[0]?.n ?? 0) - (after.rows[0]?.n ?? 0));
  const names = (left.repositoryNames ?? []).map((n) => n.toLowerCase());
  const ids = left.personIds ?? [];
  if (names.length) {
    await counter.run("review_merges", db, sql`delete from review_merges where lower(repository_full_name) = any(${names}::text[])`);
    await counter.run("review_month_people", db, sql`delete from review_month_people where lower(repository_full_name) = any(${names}::text[])`);
    await counter.run("review_month_areas", db, sql`delete from review_month_areas where lower(repository_full_name) = any(${names}::text[])`);
  }
  if (ids.length) {
    await counter.run("review_merges", db, sql`delete from review_merges where person_id = any(${ids}::bigint[])`);
    await counter.run("review_month_people", db, sql`delete from review_month_people where person_id = any(${ids}::bigint[])`);
  }
  // Sums that the taking-out brought to zero describe nothing: drop them (they would still name the repository or person).
  await counter.run("review_month_people", db, sql`delete from review_month_people where reviews = 0`);
  await counter.run("review_month_areas", db, sql`delete from review_month_areas where reviews = 0`);
}

/** Columns that refer to a person: a person none of them names any more is dropped. */
const PERSON_REFERENCES: readonly [table: string, column: string][] = [
  ["pull_requests", "author_id"],
  ["pull_requests", "merged_by_id"],
  ["reviews", "reviewer_id"],
  ["review_comments", "author_id"],
  ["issues", "author_id"],
  ["issue_activity", "actor_id"],
  ["issue_comments", "author_id"],
  ["workflow_runs", "actor_id"],
  ["workflow_runs", "triggering_actor_id"],
  ["commits", "author_id"],
  ["pushes", "sender_id"],
  ["contributions", "person_id"],
  ["annotations", "author_id"],
  ["annotations", "subject_person_id"],
  ["review_merges", "person_id"],
  ["installations", "account_id"],
];

/**
 * Drops those of `candidates` (people the erased rows named) whom nothing else names any more —
 * with their e-mail addresses. Everyone else, and people never named by what was erased, stay.
 * An opt-out is the person's own choice and applies to every organisation: it is kept.
 */
export async function dropUnreferencedPeople(db: Tx, counter: Counter, candidates: Iterable<number>): Promise<void> {
  const ids = [...new Set(candidates)].filter((id) => Number.isSafeInteger(id));
  if (!ids.length) return;
  const still = new Set<number>();
  for (const [table, column] of PERSON_REFERENCES) {
    const r = await sql<{ id: number }>`
      select distinct ${sql.ref(column)} as id from ${sql.table(table)} where ${sql.ref(column)} = any(${ids}::bigint[])`.execute(db);
    for (const row of r.rows) still.add(Number(row.id));
  }
  const coAuthors = await sql<{ id: string }>`
    select distinct e->>'personId' as id from commits, jsonb_array_elements(co_authors) e
    where e->>'personId' = any(${ids.map(String)}::text[])`.execute(db);
  for (const row of coAuthors.rows) still.add(Number(row.id));
  const gone = ids.filter((id) => !still.has(id));
  if (!gone.length) return;
  await counter.run("person_emails", db, sql`delete from person_emails where person_id = any(${gone}::bigint[])`);
  await counter.run("people", db, sql`delete from people where id = any(${gone}::bigint[])`);
}

/** The ids of people named in the rows `select` returns (one bigint column `id`). */
export async function peopleNamed(db: Tx, select: RawBuilder<unknown>): Promise<number[]> {
  const r = await sql<{ id: number | null }>`select distinct id from (${select}) x where id is not null`.execute(db);
  return r.rows.map((x) => Number(x.id));
}

/**
 * Queued jobs (not running) whose payload matches `where` (a condition on the job `j`) are dropped
 * through graphile-worker's own complete_jobs. The public `jobs` view has no payload, so the
 * condition reads graphile-worker 0.17's job table.
 */
export async function dropQueuedJobs(db: Tx, counter: Counter, where: RawBuilder<unknown>): Promise<void> {
  const r = await sql<{ n: number }>`
    select count(*)::int as n from graphile_worker.complete_jobs(array(
      select j.id from graphile_worker._private_jobs j where j.locked_at is null and ${where}))`.execute(db);
  counter.add("graphile_worker.jobs", r.rows[0]?.n ?? 0);
}

/** A LIKE pattern matching `text` literally (no wildcards from the text itself), with `\` as the escape. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A POSIX regular expression matching `text` literally. */
export function regexLiteral(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|-]/g, (c) => `\\${c}`);
}

/**
 * Runs `fn` in one transaction. With `dryRun`, the transaction is rolled back after `fn`, so a
 * dry run counts exactly what the real run would erase and changes nothing.
 */
export async function inTransaction<T>(db: Kysely<DB>, dryRun: boolean, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  if (!dryRun) return db.transaction().execute(fn);
  let result: { value: T } | null = null;
  try {
    await db.transaction().execute(async (trx) => {
      result = { value: await fn(trx) };
      throw new DryRunRollback();
    });
  } catch (err) {
    if (!(err instanceof DryRunRollback)) throw err;
  }
  if (!result) throw new Error("dry run produced no result");
  return (result as { value: T }).value;
}

class DryRunRollback extends Error {
  override name = "DryRunRollback";
}
