/**
 * Erases one person (a GDPR-style request, or an opt-out), in every organisation the database holds.
 *
 * - What is theirs goes: their contributions (and their review merges and monthly sums), every
 *   annotation they wrote or that is about them, their reviews, review comments, issue comments,
 *   issue activity and pushes, their e-mail addresses and their `people` row.
 * - Shared objects stay, without them: pull requests and issues they opened lose their author and
 *   body (the title stays: other people's evidence names the subject); commits lose their author
 *   name, e-mail and the co-author entries and trailers naming them; CI runs lose their actor; review
 *   threads forget who resolved them. `@login` mentions of them in stored text become `@[erased]`.
 * - Other people's evidence that involved them (a mentor's review of their pull request, …) is
 *   rebuilt by running the detectors again on those subjects once the erasure is committed.
 * - Raw payloads that name them (a login, an e-mail) are erased: the delivery row stays, without its
 *   payload (it can no longer be reprocessed; the facts it gave are stored).
 * - Cached configuration naming them (teams, exclude) is dropped and fetched again when needed.
 * - An erasure request leaves an opt-out with no login (they are not recorded again unless they opt
 *   in); an opt-out keeps its own record (login and time), the only trace left.
 */
import { sql, type Kysely } from "kysely";
import type { DB } from "../store/schema.js";
import { Counter, inTransaction, regexLiteral, reviewPairs, settleReviewTables, type PurgeCounts, type Tx } from "./purge-common.js";

export interface PersonTarget {
  id: number;
  login: string;
  previousLogins: string[];
  name: string | null;
  emails: string[];
}

/** People whose current or earlier login is `login` (case-insensitive, exact: no pattern). */
export async function findPersonTargets(db: Kysely<DB>, login: string): Promise<PersonTarget[]> {
  const l = login.replace(/^@/, "").toLowerCase();
  const rows = await db
    .selectFrom("people")
    .select(["id", "login", "name", "previous_logins"])
    .where((eb) =>
      eb.or([
        eb(sql`lower(login)`, "=", l),
        eb.exists(sql`(select 1 from jsonb_array_elements_text(people.previous_logins) x where lower(x) = ${l})`),
      ]),
    )
    .orderBy("id")
    .execute();
  const out: PersonTarget[] = [];
  for (const r of rows) out.push(await personTarget(db, r));
  return out;
}

export async function findPersonTargetById(db: Kysely<DB>, id: number): Promise<PersonTarget | null> {
  const r = await db.selectFrom("people").select(["id", "login", "name", "previous_logins"]).where("id", "=", id).executeTakeFirst();
  if (r) return personTarget(db, r);
  // Gone from people already (an earlier erasure): what other tables may still hold is erased by id.
  const opt = await db.selectFrom("opt_outs").select(["person_id", "login"]).where("person_id", "=", id).executeTakeFirst();
  return opt ? { id, login: opt.login, previousLogins: [], name: null, emails: [] } : { id, login: "", previousLogins: [], name: null, emails: [] };
}

async function personTarget(db: Kysely<DB>, r: { id: number; login: string; name: string | null; previous_logins: unknown }): Promise<PersonTarget> {
  const emails = await db.selectFrom("person_emails").select("email").where("person_id", "=", r.id).execute();
  const previous = Array.isArray(r.previous_logins) ? r.previous_logins.filter((x): x is string => typeof x === "string") : [];
  return { id: r.id, login: r.login, previousLogins: previous, name: r.name, emails: emails.map((e) => e.email.toLowerCase()) };
}

export interface PersonPurgeOptions {
  dryRun?: boolean;
  /** "request": an erasure request (leaves an opt-out without a login); "opt-out": keeps their opt-out record. */
  mode: "request" | "opt-out";
  now: Date;
  /**
   * Keep their `/unsung` commands written after this time (ISO) until the worker reads them: an
   * opt-in written after an opt-out must not be lost. Null: erase every comment.
   */
  keepCommandsAfter?: string | null;
}

export interface PersonPurgeResult {
  counts: PurgeCounts;
  /** Detector runs (source keys) that rebuild other people's evidence without them. */
  rescore: string[];
}

/** Erases the person's rows in one transaction (dry run: counts only). The caller runs `rescore` afterwards. */
export async function purgePersonRows(db: Kysely<DB>, target: PersonTarget, options: PersonPurgeOptions): Promise<PersonPurgeResult> {
  return inTransaction(db, options.dryRun === true, (trx) => purgePersonInTransaction(trx, target, options));
}

/** The same, inside the caller's transaction. */
export async function purgePersonInTransaction(trx: Tx, target: PersonTarget, options: PersonPurgeOptions): Promise<PersonPurgeResult> {
  const counter = new Counter();
  const rescore = await subjectsToRescore(trx, target);
  await erase(trx, counter, target, options);
  return { counts: counter.counts, rescore };
}

/** Their logins (current and earlier), lower case, that look like logins. */
function loginsOf(t: PersonTarget): string[] {
  return [...new Set([t.login, ...t.previousLogins].map((l) => l.toLowerCase()).filter((l) => l !== ""))];
}

/** A case-insensitive pattern for any of their logins as a whole word (logins hold letters, digits and hyphens). */
function loginPattern(t: PersonTarget): string | null {
  const logins = loginsOf(t);
  return logins.length ? `(^|[^a-z0-9-])(${logins.map(regexLiteral).join("|")})($|[^a-z0-9-])` : null;
}

async function subjectsToRescore(trx: Tx, t: PersonTarget): Promise<string[]> {
  const id = t.id;
  const subjects = sql`
    select 'pr:' || repository_id || ':' || number as k from pull_requests where author_id = ${id} or merged_by_id = ${id}
    union select 'pr:' || repository_id || ':' || pr_number from reviews where reviewer_id = ${id}
    union select 'pr:' || repository_id || ':' || pr_number from review_comments where author_id = ${id}
    union select (case when is_pull_request then 'pr:' else 'issue:' end) || repository_id || ':' || issue_number from issue_comments where author_id = ${id}
    union select 'issue:' || repository_id || ':' || number from issues where author_id = ${id}
    union select 'issue:' || repository_id || ':' || issue_number from issue_activity where actor_id = ${id}
    union select 'pr:' || pc.repository_id || ':' || pc.pr_number from pull_request_commits pc
      join commits c on c.repository_id = pc.repository_id and c.sha = pc.sha
      where c.author_id = ${id} or c.co_authors @> ${JSON.stringify([{ personId: id }])}::jsonb`;
  const pattern = loginPattern(t);
  const r = await sql<{ source_key: string }>`
    select distinct c.source_key from contributions c
    where c.person_id <> ${id} and (
      c.source_key in (${subjects})
      ${pattern ? sql`or c.evidence::text ~* ${pattern} or c.formula::text ~* ${pattern} or c.detail::text ~* ${pattern} or c.subject_title ~* ${pattern}` : sql``}
    )
    order by 1`.execute(trx);
  return r.rows.map((x) => x.source_key);
}

async function erase(trx: Tx, counter: Counter, t: PersonTarget, options: PersonPurgeOptions): Promise<void> {
  const id = t.id;
  const logins = loginsOf(t);
  const emails = t.emails;
  const pairs = await reviewPairs(trx, sql`c.person_id = ${id}`);
  await counter.run("contributions", trx, sql`delete from contributions where person_id = ${id}`);
  await settleReviewTables(trx, counter, pairs, { personIds: [id] });
  await counter.run("annotations", trx, sql`delete from annotations where author_id = ${id} or subject_person_id = ${id}`);
  // Their dashboard sign-ins (login and token) go too.
  await counter.run("web_sessions", trx, sql`delete from web_sessions where user_id = ${id}`);

  await counter.run("reviews", trx, sql`delete from reviews where reviewer_id = ${id}`);
  await counter.run("review_comments", trx, sql`delete from review_comments where author_id = ${id}`);
  const keepAfter = options.keepCommandsAfter ?? null;
  await counter.run(
    "issue_comments",
    trx,
    sql`delete from issue_comments where author_id = ${id}
      ${keepAfter ? sql`and not (body ~* ${COMMAND} and created_at > ${keepAfter}::timestamptz)` : sql``}`,
  );
  await counter.run("issue_activity", trx, sql`delete from issue_activity where actor_id = ${id}`);
  await counter.run("pushes", trx, sql`delete from pushes where sender_id = ${id} or lower(pusher_login) = any(${logins}::text[])`);

  await counter.run("pull_requests (author removed)", trx, sql`update pull_requests set author_id = null, body = '' where author_id = ${id}`);
  await counter.run("pull_requests (merger removed)", trx, sql`update pull_requests set merged_by_id = null where merged_by_id = ${id}`);
  await counter.run("issues (author removed)", trx, sql`update issues set author_id = null, body = '' where author_id = ${id}`);
  await counter.run("workflow_runs (actor removed)", trx, sql`update workflow_runs set actor_id = null where actor_id = ${id}`);
  await counter.run("workflow_runs (actor removed)", trx, sql`update workflow_runs set triggering_actor_id = null where triggering_actor_id = ${id}`);
  await counter.run("review_threads (resolver removed)", trx, sql`update review_threads set resolved_by_login = null where lower(resolved_by_login) = any(${logins}::text[])`);
  await counter.run(
    "commits (author removed)",
    trx,
    sql`update commits set author_id = null, author_name = '', author_email = '' where author_id = ${id} or lower(author_email) = any(${emails}::text[])`,
  );
  await counter.run(
    "commits (co-author removed)",
    trx,
    sql`update commits set co_authors = coalesce((
        select jsonb_agg(e) from jsonb_array_elements(co_authors) e
        where not (e->>'personId' = ${String(id)} or lower(e->>'email') = any(${emails}::text[]) or lower(coalesce(e->>'login', '')) = any(${logins}::text[]))
      ), '[]'::jsonb)
      where exists (select 1 from jsonb_array_elements(co_authors) e
        where e->>'personId' = ${String(id)} or lower(e->>'email') = any(${emails}::text[]) or lower(coalesce(e->>'login', '')) = any(${logins}::text[]))`,
  );
  const trailerNames = [...emails, ...logins, ...(t.name && t.name.trim().length >= 3 ? [t.name.trim().toLowerCase()] : [])];
  if (trailerNames.length) {
    // Newline-sensitive ("n"): one trailer line at a time.
    const trailer = `^(co-authored-by:).*(${trailerNames.map(regexLiteral).join("|")}).*$`;
    await counter.run(
      "commits (trailer removed)",
      trx,
      sql`update commits set message = regexp_replace(message, ${trailer}, ${TRAILER_ERASED}, 'gin') where message <> regexp_replace(message, ${trailer}, ${TRAILER_ERASED}, 'gin')`,
    );
  }
  // @-mentions of them in what others wrote, and in what Unsung derived from it.
  if (logins.length) {
    const mention = `@(${logins.map(regexLiteral).join("|")})(?![a-z0-9-])`;
    for (const [table, column] of MENTION_COLUMNS) {
      await counter.run(
        `${table} (mention removed)`,
        trx,
        sql`update ${sql.table(table)} set ${sql.ref(column)} = regexp_replace(${sql.ref(column)}, ${mention}, '@[erased]', 'gi') where ${sql.ref(column)} ~* ${mention}`,
      );
    }
  }
  await counter.run("person_emails", trx, sql`delete from person_emails where person_id = ${id} or lower(email) = any(${emails}::text[])`);
  const pattern = loginPattern(t);
  if (pattern) await counter.run("repo_configs", trx, sql`delete from repo_configs where config::text ~* ${pattern}`);

  // Raw payloads naming them: a login as a whole word, one of their e-mail addresses, or their account
  // id as a JSON "id" (a login they used only in raw payloads is caught by the id; another object with
  // the same number loses its raw payload too — erring on the side of erasing).
  const payloadNames = [...logins, ...emails];
  const quick = sql.join([...payloadNames.map((n) => sql`strpos(lower(payload), ${n}) > 0`), sql`strpos(payload, ${String(id)}) > 0`], sql` or `);
  const exact = [
    ...(payloadNames.length ? [`(^|[^a-z0-9-])(${payloadNames.map(regexLiteral).join("|")})($|[^a-z0-9-])`] : []),
    `"id"\\s*:\\s*${id}\\s*[,}]`,
  ].join("|");
  await counter.run(
    "deliveries (payload erased)",
    trx,
    sql`update deliveries set payload = null, payload_bytes = 0,
        status = case when status = 'pending' then 'ignored' else status end,
        last_error = case when status = 'pending' then 'payload erased (a person asked to be erased)' else last_error end
      where payload is not null and (${quick}) and payload ~* ${exact}`,
  );

  if (options.mode === "request") {
    // They are not recorded again unless they opt in; no login is kept.
    await counter.run(
      "opt_outs (login erased)",
      trx,
      sql`insert into opt_outs (person_id, login, opted_out, updated_at) values (${id}, '', true, ${options.now.toISOString()}::timestamptz)
        on conflict (person_id) do update set login = '', opted_out = true, updated_at = excluded.updated_at`,
    );
  }
  // A command kept for the worker to read needs its author (record-command looks them up).
  await counter.run("people", trx, sql`delete from people where id = ${id} and not exists (select 1 from issue_comments where author_id = ${id})`);
}

/** A comment that is a slash command. */
const COMMAND = "^\\s*/unsung\\M";

/** A co-author trailer naming them keeps its key, not the name: "Co-authored-by: [erased]". */
const TRAILER_ERASED = "\\1 [erased]";

/** Free-text columns where others may have @-mentioned the person. */
const MENTION_COLUMNS: readonly [string, string][] = [
  ["pull_requests", "title"],
  ["pull_requests", "body"],
  ["issues", "title"],
  ["issues", "body"],
  ["reviews", "body"],
  ["review_comments", "body"],
  ["issue_comments", "body"],
  ["issue_activity", "body_before"],
  ["issue_activity", "body_after"],
  ["commits", "message"],
  ["annotations", "text"],
  ["contributions", "subject_title"],
];
