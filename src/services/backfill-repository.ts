/**
 * Backfills one repository's past: the repository and its configuration,
 * then default-branch CI runs, issues, pull requests (with the diffs
 * detectors need), and finally queues the detectors over everything in the
 * window. Each page is written with the same writers as webhooks' facts and
 * its checkpoint, in one transaction: killed at any moment, a rerun resumes
 * after the last committed page and ends with the same facts; run twice over
 * the same window, it changes nothing.
 *
 * Read (a page) → decide (pure: window, diffs to fetch) → write (facts +
 * checkpoint + progress). Queue jobs run it in slices (`sliceMs`) and
 * re-schedule themselves; a wait for a rate-limit reset longer than the
 * client's policy allows comes back as `waiting` with the time to resume.
 */
import type { Kysely } from "kysely";
import { planRun } from "../core/backfill/plan-run.js";
import { planWindow, type BackfillWindow } from "../core/backfill/plan-window.js";
import type { UnsungConfig } from "../config/repo-config.js";
import { ApiError, RateLimitWait } from "../github/api-client.js";
import { BackfillFetcher, DEFAULT_FETCH_OPTIONS } from "../github/backfill-fetch.js";
import { repositoryFacts, type BackfillRepository } from "../github/backfill-normalise.js";
import { MalformedApiResponseError, type RepositoryData } from "../github/backfill-parse.js";
import { findBackfill, findBackfillByName, readCheckpoint, saveCheckpoint, setBackfillState, startBackfill, type BackfillRow } from "../store/backfill-state.js";
import type { DB } from "../store/schema.js";
import { writeFacts } from "../store/write-facts.js";
import { PHASES } from "./backfill-phases.js";
import { commitProgress, report, type BackfillOutcome, type BackfillRequest, type BackfillRunDeps, type Run } from "./backfill-run.js";
import { cachedRepoConfig, mergeConfigTexts, saveRepoConfig } from "./load-repo-config.js";

export type { BackfillOutcome, BackfillRequest, BackfillRunDeps } from "./backfill-run.js";
export type { BackfillPhase, BackfillProgress } from "../core/backfill/progress.js";

export async function backfillRepository(deps: BackfillRunDeps, req: BackfillRequest): Promise<BackfillOutcome> {
  const fullName = `${req.owner}/${req.name}`;
  const existing = req.repositoryId !== undefined ? await findBackfill(deps.db, req.repositoryId) : await findBackfillByName(deps.db, fullName);
  const known: { repositoryId: number | null } = { repositoryId: existing?.repository_id ?? req.repositoryId ?? null };
  try {
    const outcome = await run(deps, req, existing, known);
    if (outcome.state === "not-found" && known.repositoryId !== null && existing) {
      await setBackfillState(deps.db, known.repositoryId, "failed", deps.now().toISOString(), { error: `${fullName} is not found, or the app can no longer read it` });
    }
    return outcome;
  } catch (err) {
    const repositoryId = known.repositoryId;
    const now = deps.now().toISOString();
    if (err instanceof RateLimitWait) {
      if (repositoryId !== null) await setBackfillState(deps.db, repositoryId, "waiting", now, { waitUntil: new Date(err.untilMs).toISOString(), error: err.reason });
      return { state: "waiting", repositoryId, untilMs: err.untilMs, reason: err.reason };
    }
    if (err instanceof MalformedApiResponseError || err instanceof ApiError) {
      const retryable = err instanceof ApiError && err.retryable;
      const error = `${err.name === "MalformedApiResponseError" ? "GitHub's answer could not be read" : "GitHub API"}: ${err.message}`.slice(0, 2000);
      if (repositoryId !== null) await setBackfillState(deps.db, repositoryId, "failed", now, { error });
      return { state: "failed", repositoryId, error, retryable };
    }
    throw err;
  }
}

interface RepositoryCheckpoint {
  repository: RepositoryData;
  /** The window this run reads (an incremental run reads less than the backfill's recorded window). */
  fetch: BackfillWindow;
}

async function run(deps: BackfillRunDeps, req: BackfillRequest, existing: BackfillRow | null, known: { repositoryId: number | null }): Promise<BackfillOutcome> {
  const fullName = `${req.owner}/${req.name}`;
  const nowMs = deps.now().getTime();
  const now = () => deps.now().toISOString();
  const explicit = Boolean(req.since || req.until);
  const cachedDays = existing ? configuredDays((await cachedRepoConfig(deps.db, existing.repository_id))?.config ?? null) : null;
  const asked = planWindow({ nowMs, days: cachedDays ?? deps.defaultDays, since: req.since ?? null, until: req.until ?? null });
  if ("error" in asked) throw new MalformedApiResponseError(asked.error);
  const plan = planRun(existing, asked, { sinceGiven: Boolean(req.since), untilGiven: Boolean(req.until), force: req.force === true, fromInstall: req.requestedBy === "install" });
  if (plan.do === "stopped") return { state: "stopped", repositoryId: existing!.repository_id };
  if (plan.do === "nothing") {
    return { state: "done", repositoryId: existing!.repository_id, fullName: existing!.full_name, calls: 0, alreadyDone: true, pullRequests: existing!.pull_requests_done };
  }

  const fetcher = new BackfillFetcher(deps.api, req.owner, req.name, { ...DEFAULT_FETCH_OPTIONS, ...deps.fetch });
  const callsAtStart = deps.api.calls;
  const resumed = plan.do === "resume" ? await readCheckpoint<RepositoryCheckpoint>(deps.db, existing!.repository_id, "repository") : null;
  let data: RepositoryData;
  let fetch: BackfillWindow;
  let record: BackfillWindow;
  const fresh = !(resumed?.done && resumed.cursor?.repository && resumed.cursor.fetch);
  if (!fresh) {
    data = resumed!.cursor!.repository;
    fetch = resumed!.cursor!.fetch;
    record = { since: existing!.since, until: existing!.until };
  } else {
    const planned = plan.do === "start" ? plan : { fetch: { since: existing!.since, until: existing!.until }, record: { since: existing!.since, until: existing!.until } };
    const found = await fetcher.repository(planned.fetch);
    if (!found) return { state: "not-found", fullName };
    data = found;
    if (req.repositoryId !== undefined && data.id !== req.repositoryId) throw new MalformedApiResponseError(`${fullName} is repository ${data.id}, not ${req.repositoryId}`);
    fetch = planned.fetch;
    record = planned.record;
    // A first backfill without a window takes its length from the configuration just read.
    const days = configuredDays(mergeConfigTexts(data.owner.login, data.name === ".github" ? null : data.orgConfigText, data.configText).config);
    const firstRead = existing === null || existing.state === "queued" || req.force === true;
    if (!explicit && plan.do === "start" && firstRead && days !== null && days !== (cachedDays ?? deps.defaultDays)) {
      const w = planWindow({ nowMs, days, until: asked.until });
      if (!("error" in w)) fetch = record = w;
    }
  }
  const repo = backfillRepositoryOf(data);
  known.repositoryId = data.id;
  const r: Run = {
    deps,
    req,
    fetcher,
    repo,
    repositoryId: data.id,
    window: fetch,
    startedMs: nowMs,
    callsAtStart,
    callsCommitted: callsAtStart,
    progress: {
      fullName: data.fullName,
      phase: "repository",
      pullRequestsDone: plan.do === "resume" ? (existing?.pull_requests_done ?? 0) : 0,
      pullRequestsTotal: plan.do === "resume" && existing?.pull_requests_total != null ? existing.pull_requests_total : data.pullRequestCount,
      issuesDone: plan.do === "resume" ? (existing?.issues_done ?? 0) : 0,
      issuesTotal: plan.do === "resume" && existing?.issues_total != null ? existing.issues_total : data.issueCount,
      ciRuns: plan.do === "resume" ? (existing?.ci_runs_done ?? 0) : 0,
      patches: plan.do === "resume" ? (existing?.patches_done ?? 0) : 0,
      calls: 0,
    },
  };
  if (fresh) {
    await deps.db.transaction().execute(async (trx) => {
      await startBackfill(trx, {
        repositoryId: data.id,
        installationId: req.installationId,
        fullName: data.fullName,
        since: record.since,
        until: record.until,
        requestedBy: req.requestedBy,
        now: now(),
        restart: plan.do === "start",
      });
      await writeFacts(trx, repositoryFacts(repo, req.installationId, now()), now());
      await saveConfigOf({ db: trx as unknown as Kysely<DB>, now: deps.now }, data);
      const cursor: RepositoryCheckpoint = { repository: data, fetch };
      await saveCheckpoint(trx, data.id, "repository", { cursor, done: true, items: 1 }, now());
      await commitProgress(r, trx, { pullRequestsTotal: data.pullRequestCount, issuesTotal: data.issueCount });
    });
  } else {
    await setBackfillState(deps.db, data.id, "running", now());
  }
  report(r);

  for (const [phase, step] of PHASES) {
    r.progress.phase = phase;
    report(r);
    const outcome = await step(r);
    if (outcome) return outcome;
  }
  await setBackfillState(deps.db, r.repositoryId, "done", now());
  r.progress.phase = "done";
  report(r);
  const row = await findBackfill(deps.db, r.repositoryId);
  return { state: "done", repositoryId: r.repositoryId, fullName: data.fullName, calls: deps.api.calls - callsAtStart, alreadyDone: false, pullRequests: row?.pull_requests_done ?? r.progress.pullRequestsDone };
}

function configuredDays(config: UnsungConfig | null): number | null {
  return config?.backfill?.days ?? null;
}

async function saveConfigOf(deps: Pick<BackfillRunDeps, "db" | "now">, data: RepositoryData): Promise<UnsungConfig | null> {
  const loaded = await saveRepoConfig(deps, { id: data.id, ownerLogin: data.owner.login, fullName: data.fullName }, data.name === ".github" ? null : data.orgConfigText, data.configText);
  return loaded.config;
}

function backfillRepositoryOf(d: RepositoryData): BackfillRepository {
  return { id: d.id, owner: d.owner, name: d.name, fullName: d.fullName, private: d.private, archived: d.archived, defaultBranch: d.defaultBranch, htmlUrl: d.url || `https://github.com/${d.fullName}` };
}
