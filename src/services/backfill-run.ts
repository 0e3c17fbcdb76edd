/**
 * What a backfill run is given, returns and carries between its phases: the
 * request and dependencies, the outcome, the run's in-memory state, and the
 * helpers every phase writes through — a page's facts, checkpoints and
 * progress in one transaction, progress reports, and the pause after a page
 * (stopped meanwhile, or the slice's time is up).
 */
import type { Kysely, Transaction } from "kysely";
import type { BackfillProgress } from "../core/backfill/progress.js";
import type { BackfillWindow } from "../core/backfill/plan-window.js";
import type { ApiClient } from "../github/api-client.js";
import type { BackfillFetcher, FetchOptions } from "../github/backfill-fetch.js";
import type { BackfillRepository } from "../github/backfill-normalise.js";
import type { FactBatch } from "../github/normalise-delivery.js";
import { addProgress, findBackfill, saveCheckpoint, type BackfillResource, type ProgressDelta } from "../store/backfill-state.js";
import type { DB } from "../store/schema.js";
import { writeFacts } from "../store/write-facts.js";
import { addFollowUps } from "./process-delivery.js";

export interface BackfillRunDeps {
  db: Kysely<DB>;
  api: ApiClient;
  now: () => Date;
  /** Days read when neither the request nor `.github/unsung.yml` says (UNSUNG_BACKFILL_DAYS). */
  defaultDays: number;
  fetch?: Partial<FetchOptions>;
  /** Return `more` after this long (a queue job hands over to the next one); unset: run to the end. */
  sliceMs?: number;
  onProgress?: (p: BackfillProgress) => void;
}

export interface BackfillRequest {
  owner: string;
  name: string;
  /** The installation the client authenticates as (null: a personal token). */
  installationId: number | null;
  /** Known when an installation event asked; the CLI finds it. */
  repositoryId?: number;
  /** An explicit window (the CLI's --since/--until); else `.github/unsung.yml` backfill.days or the default. */
  since?: string | null;
  until?: string | null;
  requestedBy: "install" | "cli";
  /** Read the window again even when a finished backfill covers it. */
  force?: boolean;
}

export type BackfillOutcome =
  | { state: "done"; repositoryId: number; fullName: string; calls: number; alreadyDone: boolean; pullRequests: number }
  | { state: "more"; repositoryId: number }
  | { state: "waiting"; repositoryId: number | null; untilMs: number; reason: string }
  | { state: "stopped"; repositoryId: number }
  | { state: "not-found"; fullName: string }
  | { state: "failed"; repositoryId: number | null; error: string; retryable: boolean };

export interface Run {
  deps: BackfillRunDeps;
  req: BackfillRequest;
  fetcher: BackfillFetcher;
  repo: BackfillRepository;
  repositoryId: number;
  window: BackfillWindow;
  startedMs: number;
  callsAtStart: number;
  callsCommitted: number;
  progress: BackfillProgress;
}

export function report(r: Run): void {
  r.progress.calls = r.deps.api.calls - r.callsAtStart;
  r.deps.onProgress?.({ ...r.progress });
}

/** Adds this run's uncommitted calls (and the page's counts) to the stored progress, in the page's transaction. */
export async function commitProgress(r: Run, trx: Transaction<DB>, d: ProgressDelta): Promise<void> {
  const calls = r.deps.api.calls - r.callsCommitted;
  r.callsCommitted = r.deps.api.calls;
  await addProgress(trx, r.repositoryId, { ...d, calls }, r.deps.now().toISOString());
}

export interface Checkpointed {
  resource: BackfillResource;
  cursor: unknown;
  done: boolean;
  items: number;
}

/** Writes a page: its facts, the slash commands among them, its checkpoints and progress — one transaction. */
export async function commitPage(r: Run, checkpoints: Checkpointed[], batch: FactBatch, d: ProgressDelta): Promise<void> {
  const at = r.deps.now().toISOString();
  await r.deps.db.transaction().execute(async (trx) => {
    await writeFacts(trx, batch, at);
    await addFollowUps(trx as unknown as Kysely<DB>, batch.followUps, 0);
    for (const c of checkpoints) await saveCheckpoint(trx, r.repositoryId, c.resource, c, at);
    await commitProgress(r, trx, d);
  });
  r.progress.pullRequestsDone += d.pullRequests ?? 0;
  r.progress.issuesDone += d.issues ?? 0;
  r.progress.ciRuns += d.ciRuns ?? 0;
  r.progress.patches += d.patches ?? 0;
  report(r);
}

/** After a page: stopped meanwhile (the app was uninstalled), or this slice's time is up. */
export async function pause(r: Run): Promise<BackfillOutcome | null> {
  const row = await findBackfill(r.deps.db, r.repositoryId);
  if (row?.state === "stopped") return { state: "stopped", repositoryId: r.repositoryId };
  if (r.deps.sliceMs !== undefined && r.deps.now().getTime() - r.startedMs >= r.deps.sliceMs) return { state: "more", repositoryId: r.repositoryId };
  return null;
}
