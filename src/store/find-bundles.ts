/**
 * Reads everything the detectors need about one subject into a fact bundle
 * (src/core/facts.ts). These reads are the only place that knows how facts are joined.
 *
 * Each read lives in its own file: the pull request bundle (find-pull-request.ts),
 * the issue bundle (find-issue.ts), CI runs (find-ci-runs.ts) and the manual
 * re-run reads (find-reruns.ts); shared people and repository lookups are in
 * find-shared.ts. This module re-exports them, so its importers are unchanged.
 */
export { findCiRuns } from "./find-ci-runs.js";
export { findIssueBundle } from "./find-issue.js";
export { findPullRequestBundle, type BundleWindows } from "./find-pull-request.js";
export { findRerunMonths, findWorkflowRerunBundle } from "./find-reruns.js";
