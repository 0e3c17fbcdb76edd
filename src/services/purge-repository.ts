/**
 * Erases one repository: every fact of it, every contribution and annotation in it (and
 * annotations elsewhere that link into it), its derived review sums, its cached configuration,
 * its deliveries (raw payloads and all), the repository's entries in its installation's own
 * deliveries, queued jobs about it, and the people nothing else names any more.
 */
import { sql, type Kysely } from "kysely";
import type { DB } from "../store/schema.js";
import { Counter, dropQueuedJobs, dropUnreferencedPeople, inTransaction, likeLiteral, peopleNamed, reviewPairs, settleReviewTables, type PurgeCounts, type Tx } from "./purge-common.js";

/** Tables whose rows belong to one repository (`repository_id`), erased with it. */
export const REPOSITORY_FACT_TABLES = [
  "pull_requests",
  "pull_request_files",
  "commits",
  "pull_request_commits",
  "pushes",
  "reviews",
  "review_comments",
  "review_threads",
  "issues",
  "issue_activity",
  "issue_comments",
  "check_runs",
  "workflow_runs",
  "repo_configs",
  "backfill_checkpoints",
  "backfills",
  "pr_comments",
  "command_answers",
] as const;

/** Keys of installation payloads that list repositories. */
const LISTS = ["repositories", "repositories_added", "repositories_removed"];

/**
 * Erases repository `repositoryId` inside the caller's transaction. Returns the people its rows
 * named (the caller drops those nothing else names, once, after all its repositories).
 */
export async function purgeRepositoryRows(trx: Tx, counter: Counter, repositoryId: number): Promise<number[]> {
  const repo = await trx.selectFrom("repositories").select(["id", "full_name"]).where("id", "=", repositoryId).executeTakeFirst();
  // Every name the repository has had here (contributions and annotations keep the name they were written under).
  const named = await sql<{ name: string }>`
    select distinct lower(repository_full_name) as name from contributions where repository_id = ${repositoryId}
    union select distinct lower(repository_full_name) from annotations where repository_id = ${repositoryId} and repository_full_name is not null`.execute(trx);
  const names = [...new Set([...(repo ? [repo.full_name.toLowerCase()] : []), ...named.rows.map((r) => r.name)])];

  const people = await peopleNamed(
    trx,
    sql`select author_id as id from pull_requests where repository_id = ${repositoryId}
      union select merged_by_id from pull_requests where repository_id = ${repositoryId}
      union select reviewer_id from reviews where repository_id = ${repositoryId}
      union select author_id from review_comments where repository_id = ${repositoryId}
      union select author_id from issues where repository_id = ${repositoryId}
      union select actor_id from issue_activity where repository_id = ${repositoryId}
      union select author_id from issue_comments where repository_id = ${repositoryId}
      union select actor_id from workflow_runs where repository_id = ${repositoryId}
      union select triggering_actor_id from workflow_runs where repository_id = ${repositoryId}
      union select author_id from commits where repository_id = ${repositoryId}
      union select (e->>'personId')::bigint from commits, jsonb_array_elements(co_authors) e
        where repository_id = ${repositoryId} and e->>'personId' ~ '^[0-9]{1,18}$'
      union select sender_id from pushes where repository_id = ${repositoryId}
      union select person_id from contributions where repository_id = ${repositoryId}
      union select author_id from annotations where repository_id = ${repositoryId}
      union select subject_person_id from annotations where repository_id = ${repositoryId}
      union select ((case when status <> 'failed' then payload::jsonb end)->'sender'->>'id')::bigint from deliveries
        where repository_id = ${repositoryId} and payload is not null and status <> 'failed'
          and (case when status <> 'failed' then payload::jsonb end)->'sender'->>'id' ~ '^[0-9]{1,18}$'`,
  );

  const pairs = await reviewPairs(trx, sql`c.repository_id = ${repositoryId}`);
  await counter.run("contributions", trx, sql`delete from contributions where repository_id = ${repositoryId}`);
  await settleReviewTables(trx, counter, pairs, { repositoryNames: names });

  // Annotations said in it, and those said elsewhere that link into it.
  const prefixes = names.map((n) => `https://github.com/${likeLiteral(n)}/%`);
  const exact = names.map((n) => `https://github.com/${n}`);
  await counter.run(
    "annotations",
    trx,
    sql`delete from annotations where repository_id = ${repositoryId}
      or lower(coalesce(link, '')) like any(${prefixes}::text[]) or lower(coalesce(source_url, '')) like any(${prefixes}::text[])
      or lower(coalesce(link, '')) = any(${exact}::text[]) or lower(coalesce(source_url, '')) = any(${exact}::text[])`,
  );

  for (const table of REPOSITORY_FACT_TABLES) {
    await counter.run(table, trx, sql`delete from ${sql.table(table)} where repository_id = ${repositoryId}`);
  }
  // Other repositories' cached configuration naming it as their source (the organisation's .github): fetched again when needed.
  await counter.run("repo_configs", trx, sql`delete from repo_configs where lower(source) like any(${names.map((n) => `%${likeLiteral(n)}%`)}::text[])`);

  await counter.run("deliveries", trx, sql`delete from deliveries where repository_id = ${repositoryId}`);
  if (names.length) {
    // Installation deliveries (no repository of their own) list repositories: take this one out of
    // the lists, and drop any payload that still names it.
    const mentions = sql`d.repository_id is null and d.payload is not null
      and (${sql.join(names.map((n) => sql`strpos(lower(d.payload), ${`"${n}"`}) > 0`), sql` or `)})`;
    await counter.run(
      "deliveries (payload edited)",
      trx,
      sql`update deliveries d set payload = x.payload, payload_bytes = octet_length(x.payload)
        from (
          select d.id, (
            select jsonb_object_agg(k, case when k = any(${LISTS}::text[]) and jsonb_typeof(v) = 'array'
              then coalesce((select jsonb_agg(e) from jsonb_array_elements(v) e where e->>'id' is distinct from ${String(repositoryId)}), '[]'::jsonb)
              else v end)
            from jsonb_each(d.payload::jsonb) as kv(k, v))::text as payload
          from deliveries d where ${mentions} and d.status <> 'failed' and jsonb_typeof(d.payload::jsonb) = 'object'
        ) x
        where d.id = x.id`,
    );
    await counter.run("deliveries (payload erased)", trx, sql`update deliveries d set payload = null, payload_bytes = 0 where ${mentions}`);
  }
  await dropQueuedJobs(trx, counter, sql`j.payload::jsonb->>'repositoryId' = ${String(repositoryId)}`);
  await counter.run("repositories", trx, sql`delete from repositories where id = ${repositoryId}`);
  return people;
}

/** Erases one repository inside the caller's transaction and drops the people only it named. */
export async function purgeRepositoryInTransaction(trx: Tx, repositoryId: number): Promise<PurgeCounts> {
  const counter = new Counter();
  const people = await purgeRepositoryRows(trx, counter, repositoryId);
  await dropUnreferencedPeople(trx, counter, people);
  return counter.counts;
}

/** Erases one repository (dry run: counts only), in one transaction. */
export async function purgeRepository(db: Kysely<DB>, repositoryId: number, options: { dryRun?: boolean } = {}): Promise<PurgeCounts> {
  return inTransaction(db, options.dryRun === true, (trx) => purgeRepositoryInTransaction(trx, repositoryId));
}
