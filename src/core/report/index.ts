/**
 * Report models, built from rows by pure functions. See build-person-report.ts
 * and build-team-report.ts for the inputs.
 */
export * from "./period.js";
export * from "./report-model.js";
export * from "./rubric.js";
export { buildPersonReport, DEFAULT_SCORE_THRESHOLD, RECURRENCE_THRESHOLD } from "./build-person-report.js";
export type { PersonReportInput, ReportPerson } from "./build-person-report.js";
export { buildTeamReport, gini, TEAM_DETAIL_KINDS, HERO_GINI, HERO_GINI_MIN_SHARE, HERO_MIN_ITEMS, HERO_SHARE } from "./build-team-report.js";
export type { ReviewsSubmitted, TeamMember, TeamReportInput } from "./build-team-report.js";
export type { CoveredRepository } from "./select-covered.js";
