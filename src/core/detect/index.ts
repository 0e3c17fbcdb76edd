/** The detectors' public API: pure functions over facts, versioned, explained. */
export { DETECTOR_VERSIONS, defaultDetectorConfig, type DetectorConfig, type DetectorName, type DetectorThresholds, type DetectorWindows, type ChangeKindPaths } from "./config.js";
export { detectPullRequest, changeInputOf } from "./detect-pull-request.js";
export { detectIssue } from "./detect-issue.js";
export { scoreReview, type ReviewInput, type ReviewCommentInput, type ReviewPullRequestInput, type ReviewScore, type ScoredComment } from "./score-review.js";
export { classifyChange, type ChangeInput, type ChangeFileInput, type ChangeClassification, type ChangeKindShare } from "./classify-change.js";
export { categorizeComment } from "./categorize-comment.js";
export type { FlakyFixResult } from "./detect-flaky-fix.js";
export type { CiRunInput, CiOutcome, CiOutcomeStatus, CiWindowStats } from "./ci-history.js";
export type { ExclusionReason } from "./compile-config.js";
