/**
 * Backfill state: one row per repository (window, progress, state) and a
 * checkpoint per repository and resource. Checkpoints are written by the
 * caller inside the transaction that writes the page's facts, so what is
 * committed and where to resume can never disagree.
 */
import { sql, type Kysely, type Selectable, type Transaction } from "kysely";
import type { BackfillsTable, DB } from "./schema.js";

type Tx = Kysely<DB> | Transaction<DB>;

export type BackfillRow = Selectable<BackfillsTable>;
export type BackfillState = BackfillRow["state"];
export type BackfillResource = "repository" | "workflow_runs" | "issues" | "pull_requests" | "detect";
export const BACKFILL_RESOURCES: readonly BackfillResource[] = ["repository", "workflow_runs", "issues", "pull_requests", "detect"];

export interface Checkpoint<C = unknown> {
  cursor: C | null;
  done: boolean;
  items: number;
}

export async function findBackfill(db: Tx, repositoryId: number): Promise<BackfillRow | null> {
  return (await db.selectFrom("backfills").selectAll().where("repository_id", "=", repositoryId).executeTakeFirst()) ?? null;
}

/** By "owner/name", case-insensitively (GitHub names are). */
export async function findBackfillByName(db: Tx, fullName: string): Promise<BackfillRow | null> {
  return (await db.selectFrom("backfills").selectAll().where(sql<string>`lower(full_name)`, "=", fullName.toLowerCase()).orderBy("updated_at", "desc").executeTakeFirst()) ?? null;
}

export interface StartBackfill {
  repositoryId: number;
  installationId: number | null;
  fullName: string;
  since: string;
  until: string;
  requestedBy: string;
  now: string;
  /** Forget the checkpoints (a new window): everything is read again; upserts make that harmless. */
  restart: boolean;
}

/** Creates or resumes a repository's backfill and marks it running. */
export async function startBackfill(db: Tx, s: StartBackfill): Promise<void> {
  if (s.restart) await db.deleteFrom("backfill_checkpoints").where("repository_id", "=", s.repositoryId).execute();
  await db
    .insertInto("backfills")
    .values({
      repository_id: s.repositoryId,
      installation_id: s.installationId,
      full_name: s.fullName,
      since: s.since,
      until: s.until,
      state: "running",
      requested_by: s.requestedBy,
      requested_at: s.now,
      started_at: s.now,
      updated_at: s.now,
    })
    .onConflict((oc) =>
      oc.column("repository_id").doUpdateSet({
        installation_id: sql`coalesce(excluded.installation_id, backfills.installation_id)`,
        full_name: sql`excluded.full_name`,
        since: sql`excluded.since`,
        until: sql`excluded.until`,
        state: sql`'running'`,
        last_error: null,
        wait_until: null,
        finished_at: null,
        started_at: sql`case when ${s.restart} then excluded.started_at else coalesce(backfills.started_at, excluded.started_at) end`,
        // A new window starts its counts again.
        pull_requests_done: sql`case when ${s.restart} then 0 else backfills.pull_requests_done end`,
        issues_done: sql`case when ${s.restart} then 0 else backfills.issues_done end`,
        ci_runs_done: sql`case when ${s.restart} then 0 else backfills.ci_runs_done end`,
        patches_done: sql`case when ${s.restart} then 0 else backfills.patches_done end`,
        api_calls: sql`case when ${s.restart} then 0 else backfills.api_calls end`,
        updated_at: sql`excluded.updated_at`,
      }),
    )
    .execute();
}

/** Marks repositories queued for a backfill (an installation event), unless one is already running or done. */
export async function queueBackfills(db: Tx, rows: { repositoryId: number; installationId: number; fullName: string }[], window: { since: string; until: string }, now: string): Promise<void> {
  // An installation on a large organisation lists thousands: parts stay under the 65,535 parameters of a statement.
  for (let i = 0; i < rows.length; i += 2_000) await queuePart(db, rows.slice(i, i + 2_000), window, now);
}

async function queuePart(db: Tx, rows: { repositoryId: number; installationId: number; fullName: string }[], window: { since: string; until: string }, now: string): Promise<void> {
  const unique = [...new Map(rows.map((r) => [r.repositoryId, r])).values()];
  await db
    .insertInto("backfills")
    .values(
      unique.map((r) => ({
        repository_id: r.repositoryId,
        installation_id: r.installationId,
        full_name: r.fullName,
        since: window.since,
        until: window.until,
        state: "queued" as const,
        requested_by: "install",
        requested_at: now,
        updated_at: now,
      })),
    )
    .onConflict((oc) =>
      oc
        .column("repository_id")
        .doUpdateSet({ state: sql`'queued'`, installation_id: sql`excluded.installation_id`, last_error: null, updated_at: sql`excluded.updated_at` })
        .where("backfills.state", "in", ["stopped", "failed"]),
    )
    .execute();
}

export async function readCheckpoint<C>(db: Tx, repositoryId: number, resource: BackfillResource): Promise<Checkpoint<C>> {
  const r = await db.selectFrom("backfill_checkpoints").selectAll().where("repository_id", "=", repositoryId).where("resource", "=", resource).executeTakeFirst();
  return r ? { cursor: (r.cursor as C | null) ?? null, done: r.done, items: r.items } : { cursor: null, done: false, items: 0 };
}

export async function saveCheckpoint(db: Tx, repositoryId: number, resource: BackfillResource, c: { cursor: unknown; done: boolean; items: number }, now: string): Promise<void> {
  await db
    .insertInto("backfill_checkpoints")
    .values({ repository_id: repositoryId, resource, cursor: JSON.stringify(c.cursor), done: c.done, items: c.items, updated_at: now })
    .onConflict((oc) =>
      oc.columns(["repository_id", "resource"]).doUpdateSet({ cursor: sql`excluded.cursor`, done: sql`excluded.done`, items: sql`backfill_checkpoints.items + excluded.items`, updated_at: sql`excluded.updated_at` }),
    )
    .execute();
}

export interface ProgressDelta {
  pullRequests?: number;
  issues?: number;
  ciRuns?: number;
  patches?: number;
  calls?: number;
  pullRequestsTotal?: number | null;
  issuesTotal?: number | null;
}

export async function addProgress(db: Tx, repositoryId: number, d: ProgressDelta, now: string): Promise<void> {
  await db
    .updateTable("backfills")
    .set((eb) => ({
      pull_requests_done: eb("pull_requests_done", "+", d.pullRequests ?? 0),
      issues_done: eb("issues_done", "+", d.issues ?? 0),
      ci_runs_done: eb("ci_runs_done", "+", d.ciRuns ?? 0),
      patches_done: eb("patches_done", "+", d.patches ?? 0),
      api_calls: eb("api_calls", "+", d.calls ?? 0),
      ...(d.pullRequestsTotal !== undefined ? { pull_requests_total: d.pullRequestsTotal } : {}),
      ...(d.issuesTotal !== undefined ? { issues_total: d.issuesTotal } : {}),
      updated_at: now,
    }))
    .where("repository_id", "=", repositoryId)
    .execute();
}

export async function setBackfillState(
  db: Tx,
  repositoryId: number,
  state: BackfillState,
  now: string,
  extra: { error?: string | null; waitUntil?: string | null } = {},
): Promise<void> {
  let q = db
    .updateTable("backfills")
    .set({
      state,
      last_error: extra.error ?? null,
      wait_until: extra.waitUntil ?? null,
      updated_at: now,
      ...(state === "done" || state === "failed" || state === "stopped" ? { finished_at: now } : {}),
    })
    .where("repository_id", "=", repositoryId);
  // A run that ends (or pauses) after its backfill was stopped — the repository removed from the
  // installation while the run was reading it — leaves it stopped: its failure to read a repository
  // the app can no longer see is not news. Only a new request (queued, then running) restarts it.
  if (state === "done" || state === "failed" || state === "waiting") q = q.where("state", "!=", "stopped");
  await q.execute();
}

/** Stops the backfills of the given repositories, or of every repository of an installation. */
export async function stopBackfills(db: Tx, target: { repositoryIds?: number[]; installationId?: number }, now: string): Promise<number[]> {
  let q = db.updateTable("backfills").set({ state: "stopped", finished_at: now, updated_at: now, wait_until: null }).where("state", "in", ["queued", "running", "waiting", "failed"]);
  if (target.repositoryIds) q = q.where("repository_id", "in", target.repositoryIds.length ? target.repositoryIds : [-1]);
  else if (target.installationId !== undefined) q = q.where("installation_id", "=", target.installationId);
  else return [];
  return (await q.returning("repository_id").execute()).map((r) => r.repository_id);
}

export interface BackfillStatus extends BackfillRow {
  checkpoints: { resource: string; done: boolean; items: number; updated_at: string }[];
}

/** Every backfill with its checkpoints, for `unsung backfill --status`. */
export async function listBackfills(db: Tx): Promise<BackfillStatus[]> {
  const rows = await db.selectFrom("backfills").selectAll().orderBy("full_name").execute();
  const cps = await db.selectFrom("backfill_checkpoints").select(["repository_id", "resource", "done", "items", "updated_at"]).execute();
  return rows.map((r) => ({
    ...r,
    checkpoints: cps
      .filter((c) => c.repository_id === r.repository_id)
      .sort((a, b) => BACKFILL_RESOURCES.indexOf(a.resource as BackfillResource) - BACKFILL_RESOURCES.indexOf(b.resource as BackfillResource))
      .map(({ resource, done, items, updated_at }) => ({ resource, done, items, updated_at })),
  }));
}

/** Titles and labels of a repository's issues, for linked issues of pull requests (flaky labels). */
export async function findIssueLabels(db: Tx, repositoryId: number, numbers: number[]): Promise<{ number: number; title: string; labels: string[] }[]> {
  if (!numbers.length) return [];
  const rows = await db.selectFrom("issues").select(["number", "title", "labels"]).where("repository_id", "=", repositoryId).where("number", "in", numbers).execute();
  return rows.map((r) => ({ number: r.number, title: r.title, labels: r.labels as unknown as string[] }));
}

/** Pull requests and issues of a repository in a window, in number order after `after`, for the detector pass. */
export async function findSubjectsAfter(
  db: Tx,
  table: "pull_requests" | "issues",
  repositoryId: number,
  since: string,
  after: number,
  limit: number,
): Promise<number[]> {
  const rows = await db
    .selectFrom(table)
    .select("number")
    .where("repository_id", "=", repositoryId)
    .where("updated_at", ">=", since)
    .where("number", ">", after)
    .orderBy("number")
    .limit(limit)
    .execute();
  return rows.map((r) => r.number);
}
