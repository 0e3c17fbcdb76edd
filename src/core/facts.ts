/**
 * Fact bundles: everything the store knows about one subject (a pull request,
 * an issue), gathered so that detectors can be pure functions over them.
 * The store builds these; detectors only read them.
 */
import type { PersonRef } from "./model.js";

export interface RepositoryFact {
  id: number;
  fullName: string;
  private: boolean;
  defaultBranch: string;
  htmlUrl: string;
}

export interface PullRequestFact {
  id: number;
  repositoryId: number;
  number: number;
  title: string;
  body: string;
  htmlUrl: string;
  state: "open" | "closed";
  draft: boolean;
  merged: boolean;
  mergedAt: string | null;
  mergedBy: PersonRef | null;
  author: PersonRef;
  /** GitHub's author_association: OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, FIRST_TIME_CONTRIBUTOR, FIRST_TIMER, NONE. */
  authorAssociation: string;
  additions: number;
  deletions: number;
  changedFiles: number;
  headSha: string;
  baseSha: string;
  baseRef: string;
  labels: string[];
  createdAt: string;
  closedAt: string | null;
}

export interface FileFact {
  path: string;
  /** added, removed, modified, renamed, copied, changed, unchanged */
  status: string;
  additions: number;
  deletions: number;
  /** The unified diff of the file, when GitHub sent one (it omits patches of large or binary files). */
  patch: string | null;
}

export interface CoAuthorTrailer {
  name: string;
  email: string;
  /** The GitHub account the trailer maps to, when it could be mapped. */
  person: PersonRef | null;
}

export interface CommitFact {
  sha: string;
  message: string;
  authoredAt: string;
  author: PersonRef | null;
  authorName: string;
  authorEmail: string;
  coAuthors: CoAuthorTrailer[];
}

export interface ReviewFact {
  id: number;
  reviewer: PersonRef;
  /** APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED */
  state: string;
  body: string;
  submittedAt: string;
  commitId: string | null;
  htmlUrl: string;
  authorAssociation: string;
}

export interface ReviewCommentFact {
  id: number;
  reviewId: number | null;
  author: PersonRef;
  path: string;
  line: number | null;
  body: string;
  createdAt: string;
  inReplyToId: number | null;
  commitId: string | null;
  originalCommitId: string | null;
  htmlUrl: string;
  /** From the review thread: the code under the comment changed after it was written. null: unknown. */
  outdated: boolean | null;
  /** From the review thread: the thread was resolved. null: unknown. */
  threadResolved: boolean | null;
}

export interface IssueCommentFact {
  id: number;
  author: PersonRef;
  body: string;
  createdAt: string;
  htmlUrl: string;
}

/** One attempt of a CI check or workflow run. */
export interface CiRunFact {
  source: "check_run" | "workflow_run";
  id: number;
  /** The check's or workflow's name: runs with the same name are the same job over time. */
  name: string;
  headSha: string;
  headBranch: string | null;
  /** success, failure, cancelled, timed_out, neutral, skipped, action_required, stale, null while running */
  conclusion: string | null;
  attempt: number;
  startedAt: string | null;
  completedAt: string | null;
  /** push, pull_request, schedule, … (workflow runs only) */
  event: string | null;
  /**
   * Who started this attempt (workflow runs only; GitHub's `triggering_actor`). On attempt 2+
   * it is the person (or bot) who re-ran the run. Undefined where the loader did not read it.
   */
  triggeringActor?: PersonRef | null;
}

/** What we know of a person's history in the repository before a given moment. */
export interface PersonHistory {
  person: PersonRef;
  /** Pull requests by this person merged in this repository before the subject was opened. */
  mergedPullRequestsBefore: number;
  /** When this person's first activity in the repository was seen, if ever. */
  firstSeenAt: string | null;
  /** For reviewers: how many earlier pull requests by them touched the paths under review. */
  priorChangesToSamePaths: number;
}

export interface PullRequestBundle {
  repository: RepositoryFact;
  pullRequest: PullRequestFact;
  files: FileFact[];
  commits: CommitFact[];
  reviews: ReviewFact[];
  reviewComments: ReviewCommentFact[];
  issueComments: IssueCommentFact[];
  /** CI runs in the repository in the configured window around the pull request (before and after merge). */
  ciRuns: CiRunFact[];
  /** Histories of the author and of every reviewer/commenter, by person id. */
  histories: Record<string, PersonHistory>;
  /** Issues the pull request links to (closing keywords), with their labels. */
  linkedIssues: { number: number; title: string; labels: string[] }[];
}

export interface IssueActivityFact {
  actor: PersonRef;
  /** edited, labeled, unlabeled, closed, reopened, assigned, marked_as_duplicate, transferred */
  action: string;
  at: string;
  /** For edited: the body before and after. For labeled: the label. */
  bodyBefore?: string | null;
  bodyAfter?: string | null;
  titleBefore?: string | null;
  label?: string | null;
}

export interface IssueFact {
  id: number;
  repositoryId: number;
  number: number;
  title: string;
  body: string;
  htmlUrl: string;
  state: "open" | "closed";
  stateReason: string | null;
  author: PersonRef;
  authorAssociation: string;
  labels: string[];
  createdAt: string;
  closedAt: string | null;
  /** How many times the issue was reopened. */
  reopenedCount: number;
}

export interface IssueBundle {
  repository: RepositoryFact;
  issue: IssueFact;
  comments: IssueCommentFact[];
  activity: IssueActivityFact[];
  /** Pull requests that link to (close) the issue, when known. */
  linkedPullRequests: { number: number; author: PersonRef; mergedAt: string | null; createdAt: string }[];
  /** Other issues in the repository and their comments by the same helpers (for trap detection: the same question again and again). */
  recentSimilar: { number: number; title: string; createdAt: string; answeredBy: PersonRef[] }[];
}

/** A flaky-test fix the flaky-fix detector credited, as other detectors refer to it. */
export interface FlakyFixRef {
  /** The CI check or workflow the fix is about (the one that flipped before it). */
  check: string;
  title: string;
  url: string;
  authorLogin: string;
  /** When the fix was merged (ISO). */
  mergedAt: string;
}

/** One workflow of one repository over one calendar month, for the manual re-run detector. */
export interface WorkflowRerunBundle {
  repository: RepositoryFact;
  /** The workflow's name (CiRunFact.name). */
  workflow: string;
  /** The workflow file (".github/workflows/ci.yml"), when known. */
  workflowPath: string | null;
  /** The calendar month (UTC), "YYYY-MM". */
  month: string;
  /**
   * Every completed attempt of the workflow's runs that could matter for the month: runs created
   * in it or shortly before it (a run can be re-run for 30 days), all attempts, with triggering actors.
   */
  runs: CiRunFact[];
  /**
   * Check names that are this workflow's jobs: GitHub Actions checks that ran again on the
   * commits where the workflow was re-run (a re-run re-creates its jobs' check runs). A flaky-test
   * fix names the check that flipped, which is often a job ("test") rather than the workflow ("ci").
   */
  jobChecks: string[];
  /** Flaky-test fixes of this workflow or of one of its jobs, merged around the month (see RERUN_FIX_HORIZON_DAYS). */
  fixes: FlakyFixRef[];
}
