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
import type { Kysely, Transaction } from "kysely";
import { choosePatches } from "../core/backfill/choose-patches.js";
import { planRun } from "../core/backfill/plan-run.js";
import type { BackfillPhase, BackfillProgress } from "../core/backfill/progress.js";
import { planWindow, type BackfillWindow } from "../core/backfill/plan-window.js";
import { compileConfig, type CompiledConfig } from "../core/detect/compile-config.js";
import { closingIssueNumbers } from "../core/linked-issues.js";
import { toDetectorConfig, type UnsungConfig } from "../config/repo-config.js";
import { ApiError, RateLimitWait, type ApiClient } from "../github/api-client.js";
import { BackfillFetcher, DEFAULT_FETCH_OPTIONS, type ActivityCursor, type FetchOptions, type RunsCursor } from "../github/backfill-fetch.js";
import { issueFacts, mergeBatches, patchFacts, pullRequestFacts, repositoryFacts, workflowRunFacts, type BackfillRepository } from "../github/backfill-normalise.js";
import { MalformedApiResponseError, type RepositoryData } from "../github/backfill-parse.js";
import type { FactBatch } from "../github/normalise-delivery.js";
import { enqueueMany, TASK, type JobSpec } from "../queue/queue.js";
import { findRerunMonths } from "../store/find-bundles.js";
import {
  addProgress,
  findBackfill,
  findBackfillByName,
  findIssueLabels,
  findSubjectsAfter,
  readCheckpoint,
  saveCheckpoint,
  setBackfillState,
  startBackfill,
  type BackfillResource,
  type BackfillRow,
  type ProgressDelta,
} from "../store/backfill-state.js";
import type { DB } from "../store/schema.js";
import { writeFacts } from "../store/write-facts.js";
import { cachedRepoConfig, CONFIG_TTL_MS, mergeConfigTexts, saveRepoConfig } from "./load-repo-config.js";
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

export type { BackfillPhase, BackfillProgress } from "../core/backfill/progress.js";

export type BackfillOutcome =
  | { state: "done"; repositoryId: number; fullName: string; calls: number; alreadyDone: boolean; pullRequests: number }
  | { state: "more"; repositoryId: number }
  | { state: "waiting"; repositoryId: number | null; untilMs: number; reason: string }
  | { state: "stopped"; repositoryId: number }
  | { state: "not-found"; fullName: string }
  | { state: "failed"; repositoryId: number | null; error: string; retryable: boolean };

/** Priority of the detector jobs a backfill queues: after live work (graphile-worker runs lower numbers first). */
const DETECT_PRIORITY = 5;
const DETECT_CHUNK = 500;

interface Run {
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

type Step = (r: Run) => Promise<BackfillOutcome | null>;

const PHASES: [BackfillPhase, Step][] = [
  ["workflow_runs", workflowRunsPhase],
  ["activity", activityPhase],
  ["detect", detectPhase],
];

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

function report(r: Run): void {
  r.progress.calls = r.deps.api.calls - r.callsAtStart;
  r.deps.onProgress?.({ ...r.progress });
}

/** Adds this run's uncommitted calls (and the page's counts) to the stored progress, in the page's transaction. */
async function commitProgress(r: Run, trx: Transaction<DB>, d: ProgressDelta): Promise<void> {
  const calls = r.deps.api.calls - r.callsCommitted;
  r.callsCommitted = r.deps.api.calls;
  await addProgress(trx, r.repositoryId, { ...d, calls }, r.deps.now().toISOString());
}

interface Checkpointed {
  resource: BackfillResource;
  cursor: unknown;
  done: boolean;
  items: number;
}

/** Writes a page: its facts, the slash commands among them, its checkpoints and progress — one transaction. */
async function commitPage(r: Run, checkpoints: Checkpointed[], batch: FactBatch, d: ProgressDelta): Promise<void> {
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
async function pause(r: Run): Promise<BackfillOutcome | null> {
  const row = await findBackfill(r.deps.db, r.repositoryId);
  if (row?.state === "stopped") return { state: "stopped", repositoryId: r.repositoryId };
  if (r.deps.sliceMs !== undefined && r.deps.now().getTime() - r.startedMs >= r.deps.sliceMs) return { state: "more", repositoryId: r.repositoryId };
  return null;
}

async function workflowRunsPhase(r: Run): Promise<BackfillOutcome | null> {
  const cp = await readCheckpoint<RunsCursor>(r.deps.db, r.repositoryId, "workflow_runs");
  if (cp.done) return null;
  let cursor: RunsCursor = cp.cursor ?? { before: null, page: 1 };
  for (;;) {
    const page = await r.fetcher.workflowRuns(r.repo.defaultBranch, r.window, cursor);
    const batch = workflowRunFacts(r.repo, page.runs, r.deps.now().toISOString(), page.where);
    await commitPage(r, [{ resource: "workflow_runs", cursor: page.next ?? cursor, done: page.next === null, items: page.runs.length }], batch, { ciRuns: page.runs.length });
    if (!page.next) return null;
    cursor = page.next;
    const p = await pause(r);
    if (p) return p;
  }
}

/** Pull requests and issues, a page of each per call, until both are read to the window's start. */
async function activityPhase(r: Run): Promise<BackfillOutcome | null> {
  const prCp = await readCheckpoint<{ after: string | null }>(r.deps.db, r.repositoryId, "pull_requests");
  const issueCp = await readCheckpoint<{ after: string | null }>(r.deps.db, r.repositoryId, "issues");
  const cursor: ActivityCursor = { pullRequestsAfter: prCp.cursor?.after ?? null, pullRequestsDone: prCp.done, issuesAfter: issueCp.cursor?.after ?? null, issuesDone: issueCp.done };
  const compiled = await compiledConfig(r);
  const since = Date.parse(r.window.since);
  const until = Date.parse(r.window.until);
  while (!cursor.pullRequestsDone || !cursor.issuesDone) {
    const page = await r.fetcher.activity(cursor, r.window.since);
    // Pull requests come most recently updated first: the first one older than the window ends them.
    const prNodes = page.pullRequests?.nodes ?? [];
    const older = prNodes.findIndex((p) => Date.parse(p.updatedAt) < since);
    const prs = (older === -1 ? prNodes : prNodes.slice(0, older)).filter((p) => Date.parse(p.createdAt) < until);
    const issues = (page.issues?.nodes ?? []).filter((i) => Date.parse(i.createdAt) < until);
    await r.fetcher.completeNested(prs, issues);
    const at = r.deps.now().toISOString();
    const batches = [...issues.map((i) => issueFacts(r.repo, i, at)), ...prs.map((p) => pullRequestFacts(r.repo, p, at))];
    // Diffs only where a detector reads them, decided from what the page says (and linked issues' labels).
    let patches = 0;
    for (const p of prs) {
      const numbers = closingIssueNumbers(p.body);
      const onPage = issues.filter((i) => numbers.includes(i.number)).map((i) => ({ number: i.number, title: i.title, labels: i.labels.items }));
      const stored = await findIssueLabels(r.deps.db, r.repositoryId, numbers.filter((n) => !onPage.some((i) => i.number === n)));
      const decision = choosePatches(
        {
          title: p.title,
          body: p.body,
          labels: p.labels.items,
          commitMessages: p.commits.items.map((c) => c.message),
          linkedIssues: [...onPage, ...stored],
          files: p.files.items.map((f) => ({ path: f.path, additions: f.additions, deletions: f.deletions })),
        },
        compiled,
      );
      if (!decision.need) continue;
      const diff = await r.fetcher.patches(p.number);
      batches.push(patchFacts(r.repo, p.number, diff.files, diff.complete && p.files.after === null));
      patches++;
    }
    if (page.pullRequests) {
      cursor.pullRequestsDone = older !== -1 || page.pullRequests.after === null;
      cursor.pullRequestsAfter = cursor.pullRequestsDone ? null : page.pullRequests.after;
    }
    if (page.issues) {
      cursor.issuesDone = page.issues.after === null;
      cursor.issuesAfter = page.issues.after;
    }
    const checkpoints: Checkpointed[] = [];
    if (page.pullRequests) checkpoints.push({ resource: "pull_requests", cursor: { after: cursor.pullRequestsAfter }, done: cursor.pullRequestsDone, items: prs.length });
    if (page.issues) checkpoints.push({ resource: "issues", cursor: { after: cursor.issuesAfter }, done: cursor.issuesDone, items: issues.length });
    await commitPage(r, checkpoints, mergeBatches(batches), { pullRequests: prs.length, issues: issues.length, patches });
    if (cursor.pullRequestsDone && cursor.issuesDone) return null;
    const p = await pause(r);
    if (p) return p;
  }
  return null;
}

async function compiledConfig(r: Run): Promise<CompiledConfig> {
  const cached = await cachedRepoConfig(r.deps.db, r.repositoryId);
  return compileConfig(toDetectorConfig(cached?.config ?? null));
}

/** Queues the detectors over every pull request and issue of the window, and the manual re-run months, after live work. */
async function detectPhase(r: Run): Promise<BackfillOutcome | null> {
  const cp = await readCheckpoint<{ pr: number; issue: number }>(r.deps.db, r.repositoryId, "detect");
  if (cp.done) return null;
  // Detectors read the cached configuration: refresh it if a long backfill outlived it.
  const cached = await cachedRepoConfig(r.deps.db, r.repositoryId);
  if (!cached || r.deps.now().getTime() - Date.parse(cached.fetchedAt) >= CONFIG_TTL_MS) {
    const texts = await r.fetcher.configTexts();
    await saveRepoConfig(r.deps, { id: r.repositoryId, ownerLogin: r.repo.owner.login, fullName: r.repo.fullName }, r.repo.name === ".github" ? null : texts.orgConfigText, texts.configText);
  }
  let cursor = cp.cursor ?? { pr: 0, issue: 0 };
  for (const table of ["pull_requests", "issues"] as const) {
    for (;;) {
      const key = table === "pull_requests" ? "pr" : "issue";
      const numbers = await findSubjectsAfter(r.deps.db, table, r.repositoryId, r.window.since, cursor[key], DETECT_CHUNK);
      if (!numbers.length) break;
      const jobs: JobSpec[] = numbers.map((number) =>
        table === "pull_requests"
          ? { task: TASK.detectPullRequest, payload: { kind: "detect-pull-request", repositoryId: r.repositoryId, number }, jobKey: `detect-pr:${r.repositoryId}:${number}`, maxAttempts: 5, priority: DETECT_PRIORITY }
          : { task: TASK.detectIssue, payload: { kind: "detect-issue", repositoryId: r.repositoryId, number }, jobKey: `detect-issue:${r.repositoryId}:${number}`, maxAttempts: 5, priority: DETECT_PRIORITY },
      );
      cursor = { ...cursor, [key]: numbers[numbers.length - 1]! };
      await r.deps.db.transaction().execute(async (trx) => {
        await enqueueMany(trx, jobs);
        await saveCheckpoint(trx, r.repositoryId, "detect", { cursor, done: false, items: numbers.length }, r.deps.now().toISOString());
        await commitProgress(r, trx, {});
      });
    }
  }
  const months = await findRerunMonths(r.deps.db, { repositoryId: r.repositoryId, since: r.window.since });
  await r.deps.db.transaction().execute(async (trx) => {
    await enqueueMany(
      trx,
      months.map((m) => ({
        task: TASK.detectReruns,
        payload: { kind: "detect-reruns", ...m },
        jobKey: `detect-reruns:${m.repositoryId}:${m.workflow}:${m.month}`,
        maxAttempts: 5,
        priority: DETECT_PRIORITY,
      })),
    );
    await saveCheckpoint(trx, r.repositoryId, "detect", { cursor, done: true, items: 0 }, r.deps.now().toISOString());
    await commitProgress(r, trx, {});
  });
  return null;
}
