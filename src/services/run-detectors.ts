/**
 * Runs the detectors over one subject: read its facts and its repository's
 * configuration, decide (pure detectors), write contributions. Idempotent:
 * the subject's contributions are replaced by the new run's.
 */
import type { Kysely } from "kysely";
import { sql } from "kysely";
import { detectIssue } from "../core/detect/detect-issue.js";
import { detectPullRequest } from "../core/detect/detect-pull-request.js";
import type { DetectorConfig } from "../core/detect/config.js";
import type { Contribution } from "../core/model.js";
import type { GitHubClientFactory } from "../github/clients.js";
import { findIssueBundle, findPullRequestBundle } from "../store/find-bundles.js";
import type { DB } from "../store/schema.js";
import { replaceContributions } from "../store/upsert-contributions.js";
import { loadRepoConfig } from "./load-repo-config.js";

export interface DetectorDeps {
  db: Kysely<DB>;
  clients: GitHubClientFactory;
  now: () => Date;
}

export function createDetectorRunner(deps: DetectorDeps) {
  return {
    pullRequest: (repositoryId: number, number: number) => detectPullRequestService(deps, repositoryId, number),
    issue: (repositoryId: number, number: number) => detectIssueService(deps, repositoryId, number),
  };
}

export async function detectPullRequestService(deps: DetectorDeps, repositoryId: number, number: number): Promise<Contribution[]> {
  const { detector } = await loadRepoConfig(deps, repositoryId);
  const bundle = await findPullRequestBundle(deps.db, repositoryId, number, detector.windows);
  if (!bundle) return [];
  // Contributions are concluded once a pull request is closed: before that, nothing has had its outcome.
  const out = bundle.pullRequest.state === "closed" ? detectPullRequest(bundle, await withOptOuts(deps.db, detector)) : [];
  const kept = await dropOptedOut(deps.db, out);
  await replaceContributions(deps.db, `pr:${repositoryId}:${number}`, kept, deps.now().toISOString());
  return kept;
}

export async function detectIssueService(deps: DetectorDeps, repositoryId: number, number: number): Promise<Contribution[]> {
  const { detector } = await loadRepoConfig(deps, repositoryId);
  const bundle = await findIssueBundle(deps.db, repositoryId, number);
  if (!bundle) return [];
  const out = detectIssue(bundle, await withOptOuts(deps.db, detector));
  const kept = await dropOptedOut(deps.db, out);
  await replaceContributions(deps.db, `issue:${repositoryId}:${number}`, kept, deps.now().toISOString());
  return kept;
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

/** Re-runs the detectors over every subject with activity since `since` (all when null). */
export async function rescore(deps: DetectorDeps, since: string | null, onProgress?: (done: number, total: number) => void): Promise<{ pullRequests: number; issues: number; contributions: number }> {
  let prs = deps.db.selectFrom("pull_requests").select(["repository_id", "number"]);
  let issues = deps.db.selectFrom("issues").select(["repository_id", "number"]);
  if (since) {
    prs = prs.where("updated_at", ">=", since);
    issues = issues.where("updated_at", ">=", since);
  }
  const [prRows, issueRows] = await Promise.all([prs.orderBy("repository_id").orderBy("number").execute(), issues.orderBy("repository_id").orderBy("number").execute()]);
  const total = prRows.length + issueRows.length;
  let done = 0;
  let contributions = 0;
  for (const r of prRows) {
    contributions += (await detectPullRequestService(deps, r.repository_id, r.number)).length;
    onProgress?.(++done, total);
  }
  for (const r of issueRows) {
    contributions += (await detectIssueService(deps, r.repository_id, r.number)).length;
    onProgress?.(++done, total);
  }
  await sql`analyze contributions`.execute(deps.db);
  return { pullRequests: prRows.length, issues: issueRows.length, contributions };
}
