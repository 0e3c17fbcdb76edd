/**
 * Writing to GitHub (evidence comments, command replies and reactions)
 * without tripping its content-creation limits: writes of one installation are
 * spaced (`github_write_pacing`), a secondary rate limit (403) or a 429 moves
 * that installation's next write to when GitHub asked us to come back, and a
 * job that must wait is rescheduled rather than holding a worker — other work
 * goes on meanwhile.
 */
import { sql, type Kysely } from "kysely";
import { decideRetry } from "../core/backfill/plan-retry.js";
import { enqueue, type TaskName } from "../queue/queue.js";
import type { DB } from "../store/schema.js";

/** Writes enabled, and how far apart one installation's writes go out (GitHub allows roughly 80 a minute, 500 an hour). */
export interface GitHubWriteSettings {
  spacingMs: number;
  /**
   * The GitHub App's id (APP_ID). A comment is taken for the app's own only when GitHub says this
   * app wrote it, as its bot: a copy of a hidden marker by anyone else is never edited or deleted.
   */
  appId: number;
  /**
   * A pull request merged longer ago than this gets no new evidence comment (history a backfill
   * read must not flood old pull requests); one that has a comment keeps it up to date. Default 7.
   */
  newCommentMaxAgeDays?: number;
}

export const DEFAULT_NEW_COMMENT_MAX_AGE_DAYS = 7;

/** ~450 writes an hour per installation at most: under GitHub's hourly content-creation limit. */
export const DEFAULT_WRITE_SPACING_MS = 8_000;

/** The live app's write settings: its APP_ID (validated digits at start-up) and the default spacing. */
export function liveWriteSettings(appId: string): GitHubWriteSettings {
  // Digits only: Number() would read "1e3" as 1000 and " " as 0.
  const id = /^\d{1,15}$/.test(appId) ? Number(appId) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0) throw new Error("APP_ID must be the numeric GitHub App id");
  return { spacingMs: DEFAULT_WRITE_SPACING_MS, appId: id };
}

/** A write must wait until `untilMs` (spacing, or GitHub's rate limit). */
export class WriteLater extends Error {
  override name = "WriteLater";
  constructor(
    readonly untilMs: number,
    readonly reason: string,
  ) {
    super(`${reason}: again at ${new Date(untilMs).toISOString()}`);
  }
}

/**
 * Takes the installation's next write slot when it is free (then the next one is `spacingMs`
 * later), else throws WriteLater with when it frees up. Atomic: two workers never take one slot.
 */
export async function takeWriteSlot(db: Kysely<DB>, installationId: number, now: Date, spacingMs: number): Promise<void> {
  const at = now.toISOString();
  const next = new Date(now.getTime() + spacingMs).toISOString();
  const taken = await sql<{ next_at: string }>`
    insert into github_write_pacing (installation_id, next_at) values (${installationId}, ${next}::timestamptz)
    on conflict (installation_id) do update set next_at = excluded.next_at
      where github_write_pacing.next_at <= ${at}::timestamptz
    returning next_at`.execute(db);
  if (taken.rows.length) return;
  const row = await db.selectFrom("github_write_pacing").select("next_at").where("installation_id", "=", installationId).executeTakeFirst();
  throw new WriteLater(row ? Date.parse(row.next_at) : now.getTime() + spacingMs, "spacing writes to GitHub");
}

/** GitHub asked us to wait: no write of the installation goes out before `untilMs`. */
export async function holdWrites(db: Kysely<DB>, installationId: number, untilMs: number): Promise<void> {
  const until = new Date(untilMs).toISOString();
  await sql`
    insert into github_write_pacing (installation_id, next_at) values (${installationId}, ${until}::timestamptz)
    on conflict (installation_id) do update set next_at = greatest(github_write_pacing.next_at, excluded.next_at)`.execute(db);
}

/**
 * A failed Octokit request that is a rate limit (a secondary limit's 403, a 429, a spent budget) →
 * WriteLater until GitHub's `retry-after` (or the reset, or a minute when it names no wait); anything
 * else is returned as it is.
 */
export function asRateLimit(err: unknown, nowMs: number): WriteLater | null {
  const e = err as { status?: unknown; message?: unknown; response?: { headers?: Record<string, string | undefined> } } | null;
  const status = typeof e?.status === "number" ? e.status : null;
  if (status !== 403 && status !== 429) return null;
  const d = decideRetry(
    { kind: "http", status, headers: e?.response?.headers ?? {}, message: String(e?.message ?? "") },
    { attempt: 1, maxAttempts: 2, nowMs, backoffMs: 1_000, tokenRefreshed: true, canShrink: false },
  );
  if (d.do === "retry") return new WriteLater(nowMs + Math.max(1_000, d.afterMs), d.reason);
  if (d.do === "wait-reset") return new WriteLater(d.untilMs, d.reason);
  return null;
}

/** The HTTP status of a failed Octokit request, or null. */
export function statusOf(err: unknown): number | null {
  const s = (err as { status?: unknown } | null)?.status;
  return typeof s === "number" ? s : null;
}

/**
 * Runs `job` again at `untilMs` (the running job then ends: a worker is never held for a wait).
 * The same key: a later trigger merges into it; the pacing table still holds it back.
 */
export async function runLater(db: Kysely<DB>, task: TaskName, payload: unknown, jobKey: string, untilMs: number): Promise<void> {
  await enqueue(db, task, payload, { jobKey, runAt: new Date(untilMs).toISOString(), maxAttempts: 10 });
}
