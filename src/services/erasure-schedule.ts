/**
 * The erasure schedule and its runs. Every erasure is a row of `erasures` — the audit trail: what
 * (scope and GitHub id, never a name), why, when asked, when due, when done, and how many rows of
 * each table it erased or changed.
 *
 * - `installation.deleted` and a repository leaving an installation schedule an erasure after the
 *   grace period (UNSUNG_ERASURE_GRACE_DAYS, default 7); a re-install (or the repository added
 *   back) within it cancels the erasure.
 * - An opt-out, and `unsung purge`, erase at once.
 * - A `run-erasure` job is queued for the due time (graphile-worker run_at), and an hourly sweep runs
 *   anything due that a lost job left behind. Runs are idempotent: an interrupted one runs again.
 */
import { sql, type Kysely, type Transaction } from "kysely";
import { enqueue, ERASURE_QUEUE, TASK } from "../queue/queue.js";
import type { DB } from "../store/schema.js";
import type { PurgeCounts } from "./purge-common.js";
import { purgeInstallationInTransaction } from "./purge-installation.js";
import { findPersonTargetById, purgePersonInTransaction } from "./purge-person.js";
import { purgeRepositoryInTransaction } from "./purge-repository.js";
import { rescoreSources, type RescoreDeps } from "./rescore-sources.js";

export type ErasureScope = "installation" | "repository" | "person";

export const DEFAULT_GRACE_DAYS = 7;

export interface ErasureRequest {
  scope: ErasureScope;
  subjectId: number;
  /** installation.deleted, installation_repositories.removed, repository.deleted, request, opt-out, opted-out-sweep. */
  reason: string;
  requestedAt: string;
  dueAt: string;
}

type Tx = Kysely<DB> | Transaction<DB>;

/**
 * Schedules an erasure (inside the caller's transaction) and queues its job for the due time. One
 * pending erasure per subject: asking again keeps the earlier one (and its due time). Returns its id.
 */
export async function scheduleErasure(trx: Tx, request: ErasureRequest): Promise<number> {
  const inserted = await sql<{ id: number }>`
    insert into erasures (scope, subject_id, reason, status, requested_at, due_at)
    values (${request.scope}, ${request.subjectId}, ${request.reason}, 'scheduled', ${request.requestedAt}::timestamptz, ${request.dueAt}::timestamptz)
    on conflict (scope, subject_id) where status in ('scheduled', 'running') do nothing
    returning id`.execute(trx);
  const id = inserted.rows[0]?.id;
  if (id !== undefined) {
    await enqueue(trx, TASK.runErasure, { erasureId: Number(id) }, { jobKey: `erasure:${id}`, runAt: request.dueAt, queueName: ERASURE_QUEUE, maxAttempts: 10 });
    return Number(id);
  }
  const pending = await trx
    .selectFrom("erasures")
    .select("id")
    .where("scope", "=", request.scope)
    .where("subject_id", "=", request.subjectId)
    .where("status", "in", ["scheduled", "running"])
    .executeTakeFirstOrThrow();
  return pending.id;
}

/** Cancels the scheduled (not yet running) erasures of these subjects; returns those it cancelled. */
export async function cancelErasures(
  trx: Tx,
  scope: ErasureScope,
  subjectIds: readonly number[],
  at: string,
): Promise<{ id: number; subjectId: number; dueAt: string }[]> {
  if (!subjectIds.length) return [];
  const rows = await sql<{ id: number; subject_id: number; due_at: string }>`
    update erasures set status = 'cancelled', finished_at = ${at}::timestamptz
    where scope = ${scope} and subject_id = any(${[...subjectIds]}::bigint[]) and status = 'scheduled'
    returning id, subject_id, due_at`.execute(trx);
  for (const r of rows.rows) await sql`select graphile_worker.remove_job(${`erasure:${r.id}`})`.execute(trx);
  return rows.rows.map((r) => ({ id: Number(r.id), subjectId: Number(r.subject_id), dueAt: new Date(r.due_at).toISOString() }));
}

export interface ErasureDeps extends RescoreDeps {
  graceDays: number;
}

export interface ErasureRun {
  id: number;
  scope: ErasureScope;
  subjectId: number;
  status: "done" | "not-due" | "skipped";
  counts: PurgeCounts;
  rescored: number;
}

/**
 * Runs erasure `id` if it is due and still pending: erases (one transaction, which also records
 * the counts and, for a person, the detector runs that rebuild other people's evidence), then
 * rebuilds that evidence, then marks it done.
 */
export async function runErasure(deps: RescoreDeps, id: number): Promise<ErasureRun> {
  const row = await deps.db.selectFrom("erasures").selectAll().where("id", "=", id).executeTakeFirst();
  const base = { id, scope: (row?.scope ?? "person") as ErasureScope, subjectId: row?.subject_id ?? 0, counts: {}, rescored: 0 };
  if (!row || (row.status !== "scheduled" && row.status !== "running")) return { ...base, status: "skipped" };
  const now = deps.now();
  if (new Date(row.due_at).getTime() > now.getTime()) return { ...base, status: "not-due" };

  const erased = await deps.db.transaction().execute(async (trx) => {
    // Locks the row: two workers never run one erasure at once.
    const locked = await sql<{ status: string; counts: PurgeCounts; rescore: string[] }>`
      select status, counts, rescore from erasures where id = ${id} for update`.execute(trx);
    const current = locked.rows[0];
    if (!current || (current.status !== "scheduled" && current.status !== "running")) return null;
    let counts: PurgeCounts = {};
    let rescore: string[] = [];
    if (row.scope === "installation") counts = await purgeInstallationInTransaction(trx, row.subject_id);
    else if (row.scope === "repository") counts = await purgeRepositoryInTransaction(trx, row.subject_id);
    else {
      const target = await findPersonTargetById(trx, row.subject_id);
      const optOut = await trx.selectFrom("opt_outs").select(["login", "updated_at", "opted_out"]).where("person_id", "=", row.subject_id).executeTakeFirst();
      const mode = row.reason === "request" || (optOut && optOut.login === "") ? "request" : "opt-out";
      // An opt-out that was withdrawn before its erasure ran erases nothing.
      if (row.reason !== "request" && optOut && !optOut.opted_out) {
        await trx.updateTable("erasures").set({ status: "cancelled", finished_at: now.toISOString() }).where("id", "=", id).execute();
        return null;
      }
      const result = await purgePersonInTransaction(trx, target!, {
        mode,
        now,
        keepCommandsAfter: row.reason === "request" ? null : (optOut?.updated_at ?? null),
      });
      counts = result.counts;
      rescore = result.rescore;
    }
    const allCounts = addCounts(current.counts ?? {}, counts);
    const allRescore = [...new Set([...(current.rescore ?? []), ...rescore])].sort();
    await trx
      .updateTable("erasures")
      .set({ status: "running", counts: JSON.stringify(allCounts), rescore: JSON.stringify(allRescore), last_error: null })
      .where("id", "=", id)
      .execute();
    return { counts: allCounts, rescore: allRescore };
  });
  if (!erased) return { ...base, status: "skipped" };
  // Other people's evidence that involved the person, rebuilt without them.
  const rescored = await rescoreSources(deps, erased.rescore);
  await deps.db
    .updateTable("erasures")
    .set({ status: "done", finished_at: deps.now().toISOString(), rescore: "[]" })
    .where("id", "=", id)
    .where("status", "=", "running")
    .execute();
  return { ...base, status: "done", counts: erased.counts, rescored };
}

/** Every erasure due now, oldest first (the hourly sweep, and `unsung purge`'s own run). */
export async function runDueErasures(deps: RescoreDeps): Promise<ErasureRun[]> {
  const due = await deps.db
    .selectFrom("erasures")
    .select("id")
    .where("status", "in", ["scheduled", "running"])
    .where("due_at", "<=", deps.now().toISOString())
    .orderBy("due_at")
    .orderBy("id")
    .execute();
  const out: ErasureRun[] = [];
  for (const r of due) out.push(await runErasure(deps, r.id));
  return out;
}

/**
 * People who opted out (or were erased) but whom new facts name again — GitHub keeps sending their
 * activity — get those facts erased too. Part of the hourly sweep.
 */
export async function sweepOptedOut(deps: RescoreDeps): Promise<number> {
  // New activity brings their people row back (every fact's author is recorded there first).
  const r = await sql<{ person_id: number }>`
    select o.person_id from opt_outs o
    where o.opted_out and (
      exists (select 1 from people p where p.id = o.person_id)
      or exists (select 1 from contributions c where c.person_id = o.person_id)
    )`.execute(deps.db);
  const at = deps.now().toISOString();
  for (const p of r.rows) {
    await scheduleErasure(deps.db, { scope: "person", subjectId: Number(p.person_id), reason: "opted-out-sweep", requestedAt: at, dueAt: at });
  }
  return r.rows.length;
}

/** Adds one run's counts to what earlier runs of the same erasure counted. */
export function addCounts(a: PurgeCounts, b: PurgeCounts): PurgeCounts {
  const out: PurgeCounts = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}
