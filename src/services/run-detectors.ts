/**
 * Runs the detectors over one subject: read its facts and its repository's
 * configuration, decide (pure detectors), write contributions. Idempotent:
 * the subject's contributions are replaced by the new run's.
 *
 * Subjects: a pull request, an issue, and one workflow's manual re-runs in
 * one calendar month (the re-run detector also reads the flaky-test fixes of
 * the workflow, so a new or changed fix refreshes the months around it).
 */
import type { Kysely } from "kysely";
import { sql } from "kysely";
import { detectIssue } from "../core/detect/detect-issue.js";
import { detectPullRequest } from "../core/detect/detect-pull-request.js";
import { detectReruns as decideReruns, monthRange, RERUN_FIX_HORIZON_DAYS, RERUN_LOOKBACK_DAYS } from "../core/detect/detect-reruns.js";
import type { DetectorConfig } from "../core/detect/config.js";
import type { Contribution } from "../core/model.js";
import type { GitHubClientFactory } from "../github/clients.js";
import { findIssueBundle, findPullRequestBundle, findRerunMonths, findWorkflowRerunBundle } from "../store/find-bundles.js";
import type { DB } from "../store/schema.js";
import { redetectSource } from "../store/upsert-contributions.js";
import { loadRepoConfig } from "./load-repo-config.js";
import { mergedPullRequestsClosing, queueChangedPrComments } from "./sync-pr-comment.js";

export interface DetectorDeps {
  db: Kysely<DB>;
  clients: GitHubClientFactory;
  now: () => Date;
}

export function createDetectorRunner(deps: DetectorDeps) {
  return {
    pullRequest: (repositoryId: number, number: number) => detectPullRequestService(deps, repositoryId, number),
    issue: (repositoryId: number, number: number) => detectIssueService(deps, repositoryId, number),
    reruns: (repositoryId: number, workflow: string, month: string) => detectReruns(deps, repositoryId, workflow, month),
  };
}

export interface PullRequestDetectOptions {
  /**
   * Re-run the manual re-run detector for the months around a flaky-test fix this pull request
   * adds or no longer has, so those months say the problem was later fixed. Default true;
   * `rescore` turns it off and covers those months itself, once.
   */
  refreshReruns?: boolean;
}

export async function detectPullRequestService(
  deps: DetectorDeps,
  repositoryId: number,
  number: number,
  options: PullRequestDetectOptions = {},
): Promise<Contribution[]> {
  const { detector } = await loadRepoConfig(deps, repositoryId);
  const sourceKey = `pr:${repositoryId}:${number}`;
  const refresh = options.refreshReruns !== false;
  let fixesBefore: FixRef[] = [];
  const kept = await redetectSource(deps.db, sourceKey, () => deps.now().toISOString(), async (db) => {
    const bundle = await findPullRequestBundle(db, repositoryId, number, detector.windows);
    if (!bundle) return null;
    // Contributions are concluded once a pull request is closed: before that, nothing has had its outcome.
    const out = bundle.pullRequest.state === "closed" ? detectPullRequest(bundle, await withOptOuts(db, detector)) : [];
    if (refresh) fixesBefore = await storedFlakyFixes(db, sourceKey);
    return dropOptedOut(db, out);
  });
  if (!kept) return [];
  if (refresh) {
    const fixes = uniqueFixes([...fixesBefore, ...flakyFixesOf(kept)]);
    for (const m of await rerunMonthsAroundFixes(deps.db, fixes)) await detectReruns(deps, m.repositoryId, m.workflow, m.month);
  }
  return kept;
}

/** Source key of one workflow's manual re-runs in one month. */
export function rerunSourceKey(repositoryId: number, workflow: string, month: string): string {
  return `reruns:${repositoryId}:${workflow}:${month}`;
}

/**
 * Manual re-runs of one workflow in one calendar month (UTC, "YYYY-MM"): who kept re-running it
 * by hand (a trap), and whether a flaky-test fix later ended it.
 */
export async function detectReruns(deps: DetectorDeps, repositoryId: number, workflow: string, month: string): Promise<Contribution[]> {
  if (!monthRange(month)) throw new Error(`not a calendar month (YYYY-MM): ${JSON.stringify(month)}`);
  const { detector } = await loadRepoConfig(deps, repositoryId);
  const kept = await redetectSource(deps.db, rerunSourceKey(repositoryId, workflow, month), () => deps.now().toISOString(), async (db) => {
    const bundle = await findWorkflowRerunBundle(db, repositoryId, workflow, month);
    return bundle ? dropOptedOut(db, decideReruns(bundle, await withOptOuts(db, detector))) : null;
  });
  return kept ?? [];
}

interface FixRef {
  repositoryId: number;
  check: string;
  at: string;
}

function flakyFixesOf(contributions: readonly Contribution[]): FixRef[] {
  const out: FixRef[] = [];
  for (const c of contributions) {
    const check = c.kind === "flaky-fix" ? c.detail["check"] : null;
    if (typeof check === "string" && check !== "") out.push({ repositoryId: c.repositoryId, check, at: c.occurredAt });
  }
  return out;
}

async function storedFlakyFixes(db: Kysely<DB>, sourceKey: string): Promise<FixRef[]> {
  const rows = await db
    .selectFrom("contributions")
    .select(["repository_id", "occurred_at", sql<string | null>`detail->>'check'`.as("check")])
    .where("source_key", "=", sourceKey)
    .where("kind", "=", "flaky-fix")
    .execute();
  return rows.filter((r) => r.check).map((r) => ({ repositoryId: r.repository_id, check: r.check!, at: r.occurred_at }));
}

function uniqueFixes(fixes: FixRef[]): FixRef[] {
  const seen = new Set<string>();
  return fixes.filter((f) => {
    const id = `${f.repositoryId}\u0000${f.at}`;
    return seen.has(id) ? false : (seen.add(id), true);
  });
}

/** The re-run months whose evidence a flaky-test fix merged at `at` can change (see RERUN_FIX_HORIZON_DAYS). */
async function rerunMonthsAroundFixes(db: Kysely<DB>, fixes: FixRef[]): Promise<{ repositoryId: number; workflow: string; month: string }[]> {
  const out = new Map<string, { repositoryId: number; workflow: string; month: string }>();
  const horizon = RERUN_FIX_HORIZON_DAYS * 86_400_000;
  for (const f of fixes) {
    const at = Date.parse(f.at);
    if (Number.isNaN(at)) continue;
    const slack = horizon + (RERUN_LOOKBACK_DAYS + 31) * 86_400_000;
    // Every workflow of the repository: a fix names the check that flipped, often one of a workflow's jobs.
    const months = await findRerunMonths(db, {
      repositoryId: f.repositoryId,
      since: new Date(at - slack).toISOString(),
      until: new Date(at + slack).toISOString(),
    });
    for (const m of months) {
      const r = monthRange(m.month);
      // The month's bundle reads fixes merged in [from − horizon, until + horizon).
      if (!r || at < Date.parse(r.from) - horizon || at >= Date.parse(r.until) + horizon) continue;
      out.set(rerunSourceKey(m.repositoryId, m.workflow, m.month), m);
    }
  }
  return [...out.values()];
}

export async function detectIssueService(deps: DetectorDeps, repositoryId: number, number: number): Promise<Contribution[]> {
  const { detector } = await loadRepoConfig(deps, repositoryId);
  const kept = await redetectSource(deps.db, `issue:${repositoryId}:${number}`, () => deps.now().toISOString(), async (db) => {
    const bundle = await findIssueBundle(db, repositoryId, number);
    return bundle ? dropOptedOut(db, detectIssue(bundle, await withOptOuts(db, detector))) : null;
  });
  return kept ?? [];
}

async function optedOutIds(db: Kysely<DB>): Promise<{ ids: Set<number>; logins: string[] }> {
  const rows = await db.selectFrom("opt_outs").select(["person_id", "login"]).where("opted_out", "=", true).execute();
  return { ids: new Set(rows.map((r) => r.person_id)), logins: rows.map((r) => r.login) };
}

async function withOptOuts(db: Kysely<DB>, config: DetectorConfig): Promise<DetectorConfig> {
  const { logins } = await optedOutIds(db);
  return logins.length ? { ...config, exclude: [...config.exclude, ...logins] } : config;
}

/** Engineers who opted out never get a contribution, whatever the config says. */
async function dropOptedOut(db: Kysely<DB>, contributions: Contribution[]): Promise<Contribution[]> {
  const { ids } = await optedOutIds(db);
  return ids.size ? contributions.filter((c) => !ids.has(c.personId)) : contributions;
}

/** What `rescore` re-ran. */
export interface RescoreResult {
  pullRequests: number;
  issues: number;
  /** (repository, workflow, month) groups of manual re-runs. */
  rerunMonths: number;
  contributions: number;
  /** Evidence comments whose text changed, queued to be rewritten. */
  comments: number;
}

/**
 * Re-runs the detectors over every subject with activity since `since` (all when null): pull
 * requests and issues updated since then, and every (repository, workflow, month) with manual
 * re-runs since then — plus the re-run months around any flaky-test fix found on the way. Then the
 * evidence comments whose text changed are queued to be rewritten (queueChangedPrComments).
 */
export async function rescore(deps: DetectorDeps, since: string | null, onProgress?: (done: number, total: number) => void): Promise<RescoreResult> {
  let prs = deps.db.selectFrom("pull_requests").select(["repository_id", "number", "merged"]);
  let issues = deps.db.selectFrom("issues").select(["repository_id", "number"]);
  if (since) {
    prs = prs.where("updated_at", ">=", since);
    issues = issues.where("updated_at", ">=", since);
  }
  const [prRows, issueRows, rerunRows] = await Promise.all([
    prs.orderBy("repository_id").orderBy("number").execute(),
    issues.orderBy("repository_id").orderBy("number").execute(),
    findRerunMonths(deps.db, { since }),
  ]);
  const total = prRows.length + issueRows.length + rerunRows.length;
  let done = 0;
  let contributions = 0;
  const fixes: FixRef[] = [];
  // The merged pull requests whose evidence comment may now say something else: the ones rescored, and those closing a rescored issue.
  const commented: { repositoryId: number; number: number }[] = [];
  for (const r of prRows) {
    if (r.merged) commented.push({ repositoryId: r.repository_id, number: r.number });
    const out = await detectPullRequestService(deps, r.repository_id, r.number, { refreshReruns: false });
    contributions += out.length;
    fixes.push(...flakyFixesOf(out));
    onProgress?.(++done, total);
  }
  for (const r of issueRows) {
    contributions += (await detectIssueService(deps, r.repository_id, r.number)).length;
    for (const number of await mergedPullRequestsClosing(deps.db, r.repository_id, r.number)) commented.push({ repositoryId: r.repository_id, number });
    onProgress?.(++done, total);
  }
  // After the pull requests, so every month sees the flaky-test fixes as they are now.
  const months = new Map(rerunRows.map((m) => [rerunSourceKey(m.repositoryId, m.workflow, m.month), m]));
  for (const m of await rerunMonthsAroundFixes(deps.db, uniqueFixes(fixes))) months.set(rerunSourceKey(m.repositoryId, m.workflow, m.month), m);
  const extra = months.size - rerunRows.length;
  for (const m of months.values()) {
    contributions += (await detectReruns(deps, m.repositoryId, m.workflow, m.month)).length;
    onProgress?.(++done, total + extra);
  }
  await sql`analyze contributions`.execute(deps.db);
  const comments = await queueChangedPrComments(deps, commented);
  return { pullRequests: prRows.length, issues: issueRows.length, rerunMonths: months.size, contributions, comments };
}
