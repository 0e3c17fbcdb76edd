/** Where a repository's backfill stands, as its runner reports it after each page. */
export type BackfillPhase = "repository" | "workflow_runs" | "activity" | "detect" | "done";

export interface BackfillProgress {
  fullName: string;
  phase: BackfillPhase;
  pullRequestsDone: number;
  pullRequestsTotal: number | null;
  issuesDone: number;
  issuesTotal: number | null;
  ciRuns: number;
  patches: number;
  /** API calls this run has made. */
  calls: number;
}

/** What is left of the API budget, as GitHub last reported it. */
export interface BudgetView {
  remaining: number;
  resetAtMs: number;
}
