/**
 * Answers a slash command on GitHub: a reaction on the command's comment when
 * it was recorded (🚀 for an endorsement, 👍 otherwise), one reply for
 * `/unsung help`, and one short reply saying why and how to fix it when it was
 * refused. Bots, deleted comments and comments that are not commands get
 * nothing. Idempotent: what was answered is kept (`command_answers`), so a job
 * that runs twice answers once, and an edited command's reply is edited in
 * place rather than followed by another.
 */
import { createHash, randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";
import type { Refusal } from "../core/commands/refusal.js";
import type { GitHubClientFactory } from "../github/clients.js";
import { enqueue, TASK } from "../queue/queue.js";
import { ANSWER_MARKER, renderHelp, renderRefusal } from "../render/render-command-answer.js";
import type { DB } from "../store/schema.js";
import { asRateLimit, holdWrites, runLater, statusOf, takeWriteSlot, WriteLater, type GitHubWriteSettings } from "./github-writes.js";
import type { CommandJob, CommandResult } from "./record-command.js";
import { queuePrComment } from "./sync-pr-comment.js";

export interface AnswerJob {
  installationId: number;
  repositoryId: number;
  commentId: number;
  issueNumber: number;
  /** What to answer: a reaction, the help, or a refusal. */
  answer: { kind: "react"; content: "+1" | "rocket" } | { kind: "help" } | { kind: "refuse"; refusal: Refusal };
}

export interface AnswerDeps {
  db: Kysely<DB>;
  clients: GitHubClientFactory;
  now: () => Date;
  writes?: GitHubWriteSettings;
}

export type AnswerOutcome = "reacted" | "replied" | "reply-edited" | "unchanged" | "later" | "busy" | "no-client" | "gone";

/** The answer a recorded, refused or helped command gets; null for nothing (ignored, withdrawn). */
export function answerFor(result: CommandResult): AnswerJob["answer"] | null {
  if (result.outcome === "help") return { kind: "help" };
  if (result.outcome === "recorded") return { kind: "react", content: result.command === "endorse" ? "rocket" : "+1" };
  if (result.refusal) return { kind: "refuse", refusal: result.refusal };
  return null;
}

export function answerJobKey(commentId: number): string {
  return `answer:${commentId}`;
}

/** After a command was recorded or refused: its answer, and the evidence comments it changes. */
export async function queueCommandFollowUps(db: Kysely<DB>, job: CommandJob, result: CommandResult): Promise<void> {
  const answer = answerFor(result);
  const repo = answer ? await db.selectFrom("repositories").select("installation_id").where("id", "=", job.repositoryId).executeTakeFirst() : undefined;
  if (answer && repo?.installation_id != null) {
    const a: AnswerJob = { installationId: repo.installation_id, repositoryId: job.repositoryId, commentId: job.commentId, issueNumber: job.issueNumber, answer };
    await enqueue(db, TASK.answerCommand, a, { jobKey: answerJobKey(job.commentId), maxAttempts: 10 });
  }
  for (const pr of result.affects) await queuePrComment(db, pr.repositoryId, pr.number);
}

export async function answerCommand(deps: AnswerDeps, job: AnswerJob): Promise<AnswerOutcome> {
  const { db } = deps;
  if (!deps.writes) return "no-client";
  const repo = await db.selectFrom("repositories").select(["owner_login", "name", "removed_at"]).where("id", "=", job.repositoryId).executeTakeFirst();
  if (!repo || repo.removed_at) return "gone";
  const hash = createHash("sha256").update(JSON.stringify(job.answer)).digest("hex");
  const answered = await db.selectFrom("command_answers").select("answer_hash").where("comment_id", "=", job.commentId).executeTakeFirst();
  if (answered?.answer_hash === hash) return "unchanged";
  const gh = await deps.clients(job.installationId);
  if (!gh) return "no-client";
  const where = { owner: repo.owner_login, repo: repo.name };
  // One answer at a time per comment: a job that runs twice (or twice at once) replies once.
  const owner = randomUUID();
  if (!(await takeAnswerLease(db, job, owner, deps.now()))) {
    await runLater(db, TASK.answerCommand, job, answerJobKey(job.commentId), deps.now().getTime() + BUSY_RETRY_MS);
    return "busy";
  }
  try {
    const before = await db.selectFrom("command_answers").selectAll().where("comment_id", "=", job.commentId).executeTakeFirstOrThrow();
    if (before.answer_hash === hash) return "unchanged";
    await takeWriteSlot(db, job.installationId, deps.now(), deps.writes.spacingMs);
    let reaction = before.reaction;
    let replyId = before.reply_id;
    let outcome: AnswerOutcome;
    if (job.answer.kind === "react") {
      try {
        await gh.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", { ...where, comment_id: job.commentId, content: job.answer.content });
      } catch (err) {
        // The command's comment was deleted meanwhile: nothing to react to.
        if (statusOf(err) !== 404) throw err;
        return "gone";
      }
      reaction = job.answer.content;
      outcome = "reacted";
      // An earlier refusal was fixed by an edit: its reply says so now.
      if (replyId !== null) await editReply(gh, where, replyId, `${ANSWER_MARKER}\nRecorded after your edit. Thank you.\n`);
    } else {
      const body = job.answer.kind === "help" ? renderHelp() : renderRefusal(job.answer.refusal);
      if (replyId !== null && (await editReply(gh, where, replyId, body))) outcome = "reply-edited";
      else {
        const res = await gh.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { ...where, issue_number: job.issueNumber, body });
        const id = (res.data as { id?: unknown }).id;
        replyId = typeof id === "number" ? id : null;
        outcome = "replied";
      }
    }
    await db
      .updateTable("command_answers")
      .set({ answer_hash: hash, reaction, reply_id: replyId, answered_at: deps.now().toISOString() })
      .where("comment_id", "=", job.commentId)
      .execute();
    return outcome;
  } catch (err) {
    const later = err instanceof WriteLater ? err : asRateLimit(err, deps.now().getTime());
    if (!later) throw err;
    if (!(err instanceof WriteLater)) await holdWrites(db, job.installationId, later.untilMs);
    await runLater(db, TASK.answerCommand, job, answerJobKey(job.commentId), later.untilMs);
    return "later";
  } finally {
    await db.updateTable("command_answers").set({ lease_owner: null, lease_until: null }).where("comment_id", "=", job.commentId).where("lease_owner", "=", owner).execute();
  }
}

const LEASE_MS = 60_000;
const BUSY_RETRY_MS = 3_000;

async function takeAnswerLease(db: Kysely<DB>, job: AnswerJob, owner: string, now: Date): Promise<boolean> {
  const until = new Date(now.getTime() + LEASE_MS).toISOString();
  const r = await sql<{ lease_owner: string }>`
    insert into command_answers (comment_id, repository_id, answer_hash, answered_at, lease_owner, lease_until)
    values (${job.commentId}, ${job.repositoryId}, '', ${now.toISOString()}::timestamptz, ${owner}, ${until}::timestamptz)
    on conflict (comment_id) do update set lease_owner = excluded.lease_owner, lease_until = excluded.lease_until
      where command_answers.lease_until is null or command_answers.lease_until < ${now.toISOString()}::timestamptz
    returning lease_owner`.execute(db);
  return r.rows[0]?.lease_owner === owner;
}

/** Edits the app's reply; false when it is gone (someone deleted it). */
async function editReply(gh: NonNullable<Awaited<ReturnType<GitHubClientFactory>>>, where: { owner: string; repo: string }, id: number, body: string): Promise<boolean> {
  try {
    await gh.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", { ...where, comment_id: id, body });
    return true;
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
    return false;
  }
}
