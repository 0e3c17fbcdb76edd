/**
 * A slash command in a comment → an annotation on someone's record (note,
 * claim, dispute, endorsement, log) or an opt-out. Idempotent by comment id:
 * an edited comment replaces its annotation, a deleted one withdraws it.
 *
 * Authorisation: everything but an endorsement goes on the commenter's own
 * record; a dispute of a subject where others are credited and the commenter
 * is not is refused (not their item); nobody endorses themselves; a claim or
 * dispute linking into a private repository other than the one it is written
 * in needs GitHub to say the commenter can read it (fail closed). What was
 * refused, and why, is returned so the command can be answered
 * (src/services/answer-command.ts).
 */
import type { Insertable, Kysely } from "kysely";
import { sql } from "kysely";
import { parseCommand, type Command } from "../core/commands/parse-command.js";
import type { Refusal } from "../core/commands/refusal.js";
import type { GitHubClientFactory } from "../github/clients.js";
import type { DB } from "../store/schema.js";
import { takeIncoming } from "../store/take-incoming.js";
import { scheduleErasure } from "./erasure-schedule.js";
import { mayReadRepository, type ReaderAccessCache } from "./reader-access.js";

export interface CommandJob {
  commentId: number;
  repositoryId: number;
  issueNumber: number;
}

export type CommandOutcome = "recorded" | "withdrawn" | "ignored" | "invalid" | "unknown-person" | "refused" | "help";

export type { Refusal };

/** A pull request whose evidence comment a recorded command may change. */
export interface AffectedPullRequest {
  repositoryId: number;
  number: number;
}

export interface CommandResult {
  outcome: CommandOutcome;
  /** The command, when it parsed. */
  command?: Command["kind"];
  refusal?: Refusal;
  affects: AffectedPullRequest[];
}

/** What the access check needs (absent: links into other private repositories cannot be checked, so they are refused). */
export interface CommandAccessDeps {
  clients: GitHubClientFactory;
  now: () => Date;
  cache?: ReaderAccessCache;
}

export async function recordCommand(db: Kysely<DB>, job: CommandJob, access?: CommandAccessDeps): Promise<CommandOutcome> {
  return (await recordCommandDetailed(db, job, access)).outcome;
}

export async function recordCommandDetailed(db: Kysely<DB>, job: CommandJob, access?: CommandAccessDeps): Promise<CommandResult> {
  const row = await db
    .selectFrom("issue_comments as c")
    .innerJoin("people as p", "p.id", "c.author_id")
    .leftJoin("repositories as r", "r.id", "c.repository_id")
    .select([
      "c.id",
      "c.body",
      "c.html_url",
      "c.created_at",
      "c.updated_at",
      "c.deleted_at",
      "c.author_association",
      "c.issue_number",
      "c.is_pull_request",
      "c.repository_id",
      "p.id as author_id",
      "p.login as author_login",
      "p.is_bot",
      "r.full_name",
      "r.private",
    ])
    .where("c.id", "=", job.commentId)
    .executeTakeFirst();
  const id = `comment:${job.commentId}`;
  if (!row) return { outcome: "ignored", affects: [] };
  // The thread it was written in, when that is a pull request: its evidence comment lists what is said about it.
  const here: AffectedPullRequest[] = row.is_pull_request ? [{ repositoryId: row.repository_id, number: row.issue_number }] : [];
  if (row.deleted_at) {
    const gone = await db.updateTable("annotations").set({ deleted_at: row.deleted_at }).where("id", "=", id).returning("link").execute();
    return { outcome: "withdrawn", affects: await withLinked(db, job.repositoryId, here, gone.map((g) => g.link)) };
  }
  if (row.is_bot) return { outcome: "ignored", affects: [] };
  const parsed = parseCommand(row.body);
  if (!parsed.ok) {
    // An edit that removed or broke the command withdraws what it had said.
    const gone = await db.updateTable("annotations").set({ deleted_at: row.updated_at }).where("id", "=", id).where("deleted_at", "is", null).returning("link").execute();
    const affects = await withLinked(db, job.repositoryId, gone.length ? here : [], gone.map((g) => g.link));
    if (parsed.error === null) return { outcome: "ignored", affects };
    return { outcome: "invalid", refusal: { reason: "malformed", problem: parsed.problem, verb: parsed.verb }, affects };
  }
  const cmd = parsed.command;
  if (cmd.kind === "help") return { outcome: "help", command: "help", affects: [] };
  if (cmd.kind === "opt-out" || cmd.kind === "opt-in") {
    await db.transaction().execute(async (trx) => {
      const changed = await trx
        .insertInto("opt_outs")
        .values({ person_id: row.author_id, login: row.author_login, opted_out: cmd.kind === "opt-out", updated_at: row.created_at })
        .onConflict((oc) =>
          oc
            .column("person_id")
            .doUpdateSet({ opted_out: sql`excluded.opted_out`, login: sql`excluded.login`, updated_at: sql`excluded.updated_at` })
            .where("opt_outs.updated_at", "<=", sql.ref("excluded.updated_at") as never),
        )
        .returning("opted_out")
        .executeTakeFirst();
      // Opting out erases what is recorded about them (src/services/purge-person.ts), at once.
      if (changed?.opted_out) {
        await scheduleErasure(trx, { scope: "person", subjectId: row.author_id, reason: "opt-out", requestedAt: row.created_at, dueAt: row.created_at });
      }
    });
    // Their name leaves every evidence comment that shows it (the comment job reads opt-outs).
    return { outcome: "recorded", command: cmd.kind, affects: cmd.kind === "opt-out" ? await commentsNaming(db, row.author_id) : [] };
  }
  const refuse = async (outcome: CommandOutcome, refusal: Refusal): Promise<CommandResult> => {
    // A command edited into one that is refused no longer stands.
    const gone = await db.updateTable("annotations").set({ deleted_at: row.updated_at }).where("id", "=", id).where("deleted_at", "is", null).returning("link").execute();
    return { outcome, command: cmd.kind, refusal, affects: await withLinked(db, job.repositoryId, gone.length ? here : [], gone.map((g) => g.link)) };
  };
  let subject = { id: row.author_id, login: row.author_login };
  if (cmd.kind === "endorse") {
    // Only someone with a record in this organisation, who has not opted out: the answer must not
    // tell whether a login was seen in another tenant, and an opt-out stops any new record about them.
    const p = await db
      .selectFrom("people")
      .select(["id", "login"])
      .where(sql`lower(login)`, "=", cmd.login.toLowerCase())
      .where(
        sql<boolean>`exists (select 1 from repositories r
          where r.installation_id is not distinct from (select installation_id from repositories where id = ${job.repositoryId})
            and (exists (select 1 from contributions c where c.person_id = people.id and c.repository_id = r.id)
              or exists (select 1 from pull_requests pr where pr.author_id = people.id and pr.repository_id = r.id)
              or exists (select 1 from reviews rv where rv.reviewer_id = people.id and rv.repository_id = r.id)
              or exists (select 1 from issues i where i.author_id = people.id and i.repository_id = r.id)
              or exists (select 1 from issue_comments ic where ic.author_id = people.id and ic.repository_id = r.id)))`,
      )
      .where(sql<boolean>`not exists (select 1 from opt_outs o where o.person_id = people.id and o.opted_out)`)
      .orderBy("seen_at", "desc")
      .executeTakeFirst();
    if (!p) return refuse("unknown-person", { reason: "unknown-person", login: cmd.login });
    // Endorsing yourself is a note, not corroboration.
    if (p.id === row.author_id) return refuse("invalid", { reason: "self-endorsement" });
    subject = p;
  }
  if (cmd.kind === "claim" || cmd.kind === "dispute") {
    const target = await linkedRepository(db, cmd.link, job.repositoryId);
    if (target && target.id !== row.repository_id && target.private) {
      const may = access ? await mayReadRepository(access, { ...target, removed: false }, row.author_login) : "unchecked";
      if (may === "no") return refuse("refused", { reason: "no-access" });
      if (may === "unchecked") return refuse("refused", { reason: "access-unchecked" });
    }
    // Only the person concerned disputes an item: a known subject they had no part in is not theirs.
    if (cmd.kind === "dispute" && (await uninvolved(db, cmd.link, target?.id ?? null, row.author_id, job.commentId))) return refuse("refused", { reason: "not-yours" });
  }
  const where = row.html_url.replace(/#.*$/, "");
  const values = {
    id,
    kind: cmd.kind,
    author_id: row.author_id,
    author_login: row.author_login,
    subject_person_id: subject.id,
    subject_person_login: subject.login,
    contribution_key: null,
    link: "link" in cmd ? cmd.link : where || null,
    text: cmd.text,
    source_url: row.html_url || null,
    repository_id: job.repositoryId,
    repository_full_name: row.full_name,
    // Unknown visibility is private.
    repository_private: row.private ?? true,
    created_at: row.created_at,
    deleted_at: null,
    // What GitHub says the commenter is to this repository: an endorsement counts only from a teammate.
    author_association: row.author_association,
  };
  await recordAnnotation(db, values);
  return { outcome: "recorded", command: cmd.kind, affects: await withLinked(db, job.repositoryId, here, [values.link]) };
}

/** One annotation as stored: a slash command's, or one written on the web dashboard. */
export type AnnotationRecord = Insertable<DB["annotations"]>;

/**
 * Stores an annotation (note, claim, dispute, endorsement, log). The same id again — an edited
 * comment — replaces what it said and brings it back if it had been withdrawn; a new id adds a row.
 */
export async function recordAnnotation(db: Kysely<DB>, values: AnnotationRecord): Promise<void> {
  await db
    .insertInto("annotations")
    .values(values)
    .onConflict((oc) =>
      oc.column("id").doUpdateSet({
        ...takeIncoming("annotations", "kind", "subject_person_id", "subject_person_login", "link", "text", "author_association"),
        deleted_at: sql`null`,
      }),
    )
    .execute();
}

/** Pull requests whose posted evidence comment may name the person: they authored it or are credited on it. */
async function commentsNaming(db: Kysely<DB>, personId: number): Promise<AffectedPullRequest[]> {
  const rows = await sql<{ repository_id: number; pr_number: number }>`
    select pc.repository_id, pc.pr_number from pr_comments pc
    where pc.status = 'posted' and (
      -- Credited anywhere in the repository (a pull request's comment also names the triage of the issues it closes).
      exists (select 1 from contributions c where c.person_id = ${personId} and c.repository_id = pc.repository_id)
      or exists (select 1 from pull_requests p where p.repository_id = pc.repository_id and p.number = pc.pr_number and p.author_id = ${personId})
      -- Said in the repository, or elsewhere about this pull request.
      or exists (select 1 from annotations a where (a.author_id = ${personId} or a.subject_person_id = ${personId}) and a.deleted_at is null
        and (a.repository_id = pc.repository_id
          or a.link = (select p.html_url from pull_requests p where p.repository_id = pc.repository_id and p.number = pc.pr_number))))
    limit 10000`.execute(db);
  return rows.rows.map((r) => ({ repositoryId: Number(r.repository_id), number: r.pr_number }));
}

/**
 * True when the link names a pull request or issue Unsung knows (or that has contributions) and the
 * person had no part in it: not credited there, not its author, and no review, review comment,
 * comment (other than this one) or issue activity of theirs. Facts, not only the detectors' output,
 * so the answer does not depend on whether the detectors have run yet; unknown subjects are not refused.
 */
async function uninvolved(db: Kysely<DB>, link: string, repositoryId: number | null, personId: number, commentId: number): Promise<boolean> {
  const url = subjectUrl(link);
  const credited = await db.selectFrom("contributions").select("person_id").distinct().where("subject_url", "=", url).execute();
  if (credited.some((c) => c.person_id === personId)) return false;
  const m = /\/(pull|issues)\/(\d{1,9})$/.exec(url);
  // A repository unknown here (or another organisation's): nothing to say about it.
  if (repositoryId === null) return false;
  if (!m) return credited.length > 0;
  const number = Number(m[2]);
  const pr = await db.selectFrom("pull_requests").select("author_id").where("repository_id", "=", repositoryId).where("number", "=", number).executeTakeFirst();
  const issue = pr ? undefined : await db.selectFrom("issues").select("author_id").where("repository_id", "=", repositoryId).where("number", "=", number).executeTakeFirst();
  if (!pr && !issue) return credited.length > 0;
  if ((pr ?? issue)!.author_id === personId) return false;
  const part = await sql<{ n: number }>`
    select (
      (select count(*) from reviews where repository_id = ${repositoryId} and pr_number = ${number} and reviewer_id = ${personId})
      + (select count(*) from review_comments where repository_id = ${repositoryId} and pr_number = ${number} and author_id = ${personId})
      + (select count(*) from issue_comments where repository_id = ${repositoryId} and issue_number = ${number} and author_id = ${personId} and id <> ${commentId})
      + (select count(*) from issue_activity where repository_id = ${repositoryId} and issue_number = ${number} and actor_id = ${personId})
    )::int as n`.execute(db);
  return (part.rows[0]?.n ?? 0) === 0;
}

/** A link without its fragment and query: how contributions name their subject. */
function subjectUrl(link: string): string {
  try {
    const u = new URL(link);
    return `${u.origin}${u.pathname.replace(/\/+$/, "")}`;
  } catch {
    return link;
  }
}

/**
 * The stored repository a link points into (https://HOST/OWNER/REPO/…), or null — only among the
 * repositories of the installation that `fromRepositoryId` belongs to: another organisation's
 * repositories are unknown here, so no answer tells whether one exists.
 */
async function linkedRepository(db: Kysely<DB>, link: string, fromRepositoryId: number) {
  let u: URL;
  try {
    u = new URL(link);
  } catch {
    return null;
  }
  const [owner, name] = u.pathname.split("/").filter(Boolean);
  if (!owner || !name) return null;
  const r = await db
    .selectFrom("repositories")
    .select(["id", "owner_login", "name", "full_name", "private", "installation_id"])
    .where(sql`lower(html_url)`, "=", `${u.origin}/${owner}/${name}`.toLowerCase())
    .where(sql<boolean>`installation_id is not distinct from (select installation_id from repositories where id = ${fromRepositoryId})`)
    .executeTakeFirst();
  return r ? { id: r.id, ownerLogin: r.owner_login, name: r.name, fullName: r.full_name, private: r.private, installationId: r.installation_id } : null;
}

/** `base` plus the stored pull requests the links point at (…/OWNER/REPO/pull/N). */
async function withLinked(db: Kysely<DB>, fromRepositoryId: number, base: AffectedPullRequest[], links: (string | null)[]): Promise<AffectedPullRequest[]> {
  const out = new Map(base.map((a) => [`${a.repositoryId}:${a.number}`, a]));
  for (const link of links) {
    if (!link) continue;
    const m = /^\/[^/]+\/[^/]+\/pull\/(\d{1,9})(?:[/?#]|$)/.exec(safePath(link));
    if (!m) continue;
    const repo = await linkedRepository(db, link, fromRepositoryId);
    if (repo) out.set(`${repo.id}:${m[1]}`, { repositoryId: repo.id, number: Number(m[1]) });
  }
  return [...out.values()];
}

function safePath(link: string): string {
  try {
    return new URL(link).pathname;
  } catch {
    return "";
  }
}
