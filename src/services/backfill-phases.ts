/**
 * The phases of a backfill after the repository itself, in order: the
 * default branch's CI runs, then pull requests and issues (with the diffs
 * detectors need), then the detector jobs over everything in the window.
 * Each resumes from its checkpoint and returns an outcome when the run must
 * stop here (stopped, or the slice's time is up), or null to go on.
 */
import { choosePatches } from "../core/backfill/choose-patches.js";
import type { BackfillPhase } from "../core/backfill/progress.js";
import { compileConfig, type CompiledConfig } from "../core/detect/compile-config.js";
import { closingIssueNumbers } from "../core/linked-issues.js";
import { toDetectorConfig } from "../config/repo-config.js";
import type { ActivityCursor, RunsCursor } from "../github/backfill-fetch.js";
import { issueFacts, mergeBatches, patchFacts, pullRequestFacts, workflowRunFacts } from "../github/backfill-normalise.js";
import { enqueueMany, TASK, type JobSpec } from "../queue/queue.js";
import { findRerunMonths } from "../store/find-bundles.js";
import { findIssueLabels, findSubjectsAfter, readCheckpoint, saveCheckpoint } from "../store/backfill-state.js";
import { commitPage, commitProgress, pause, type BackfillOutcome, type Checkpointed, type Run } from "./backfill-run.js";
import { cachedRepoConfig, CONFIG_TTL_MS, saveRepoConfig } from "./load-repo-config.js";

/** Priority of the detector jobs a backfill queues: after live work (graphile-worker runs lower numbers first). */
const DETECT_PRIORITY = 5;
const DETECT_CHUNK = 500;

type Step = (r: Run) => Promise<BackfillOutcome | null>;

export const PHASES: [BackfillPhase, Step][] = [
  ["workflow_runs", workflowRunsPhase],
  ["activity", activityPhase],
  ["detect", detectPhase],
];

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
