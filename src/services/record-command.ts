/**
 * A slash command in a comment → an annotation on someone's record (note,
 * claim, dispute, endorsement, log) or an opt-out. Idempotent by comment id:
 * an edited comment replaces its annotation, a deleted one withdraws it.
 */
import type { Insertable, Kysely } from "kysely";
import { sql } from "kysely";
import { parseCommand } from "../core/commands/parse-command.js";
import type { DB } from "../store/schema.js";
import { takeIncoming } from "../store/take-incoming.js";
import { scheduleErasure } from "./erasure-schedule.js";

export interface CommandJob {
  commentId: number;
  repositoryId: number;
  issueNumber: number;
}

export type CommandOutcome = "recorded" | "withdrawn" | "ignored" | "invalid" | "unknown-person";

export async function recordCommand(db: Kysely<DB>, job: CommandJob): Promise<CommandOutcome> {
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
      "p.id as author_id",
      "p.login as author_login",
      "p.is_bot",
      "r.full_name",
      "r.private",
    ])
    .where("c.id", "=", job.commentId)
    .executeTakeFirst();
  const id = `comment:${job.commentId}`;
  if (!row) return "ignored";
  if (row.deleted_at) {
    await db.updateTable("annotations").set({ deleted_at: row.deleted_at }).where("id", "=", id).execute();
    return "withdrawn";
  }
  if (row.is_bot) return "ignored";
  const parsed = parseCommand(row.body);
  if (!parsed.ok) {
    // An edit that removed or broke the command withdraws what it had said.
    await db.updateTable("annotations").set({ deleted_at: row.updated_at }).where("id", "=", id).where("deleted_at", "is", null).execute();
    return parsed.error === null ? "ignored" : "invalid";
  }
  const cmd = parsed.command;
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
    return "recorded";
  }
  let subject = { id: row.author_id, login: row.author_login };
  if (cmd.kind === "endorse") {
    const p = await db
      .selectFrom("people")
      .select(["id", "login"])
      .where(sql`lower(login)`, "=", cmd.login.toLowerCase())
      .orderBy("seen_at", "desc")
      .executeTakeFirst();
    if (!p) return "unknown-person";
    // Endorsing yourself is a note, not corroboration.
    if (p.id === row.author_id) return "invalid";
    subject = p;
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
  return "recorded";
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
