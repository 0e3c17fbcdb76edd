/**
 * Kysely table types, matching db/migrations. int8 columns come back as
 * numbers and timestamptz as ISO strings (see open-database.ts).
 */
import type { ColumnType, Generated } from "kysely";

type Timestamp = ColumnType<string, string | Date, string | Date>;
type Json<T> = ColumnType<T, string, string>;

export interface DeliveriesTable {
  id: string;
  event: string;
  action: string | null;
  installation_id: number | null;
  repository_id: number | null;
  received_at: ColumnType<string, string | Date | undefined, string | Date>;
  payload: string | null;
  payload_bytes: number;
  status: Generated<"pending" | "processed" | "failed" | "ignored">;
  attempts: Generated<number>;
  last_error: string | null;
  processed_at: Timestamp | null;
}

export interface InstallationsTable {
  id: number;
  account_id: number | null;
  account_login: string;
  account_type: string | null;
  repository_selection: string | null;
  permissions: Json<Record<string, string>>;
  events: Json<string[]>;
  suspended_at: Timestamp | null;
  deleted_at: Timestamp | null;
  updated_at: Timestamp;
}

export interface RepositoriesTable {
  id: number;
  installation_id: number | null;
  owner_login: string;
  name: string;
  full_name: string;
  private: boolean;
  default_branch: string;
  html_url: string;
  archived: boolean;
  removed_at: Timestamp | null;
  updated_at: Timestamp;
}

export interface PeopleTable {
  id: number;
  login: string;
  type: string;
  is_bot: boolean;
  is_ghost: boolean;
  name: string | null;
  previous_logins: Json<string[]>;
  seen_at: Timestamp;
}

export interface PersonEmailsTable {
  email: string;
  person_id: number;
  seen_at: Timestamp;
}

export interface PullRequestsTable {
  id: number;
  repository_id: number;
  number: number;
  title: string;
  body: string;
  html_url: string;
  state: string;
  draft: boolean;
  merged: boolean;
  merged_at: Timestamp | null;
  merged_by_id: number | null;
  author_id: number | null;
  author_association: string;
  additions: number;
  deletions: number;
  changed_files: number;
  commit_count: number;
  head_sha: string;
  head_ref: string;
  base_sha: string;
  base_ref: string;
  labels: Json<string[]>;
  created_at: Timestamp;
  closed_at: Timestamp | null;
  updated_at: Timestamp;
  enriched_at: Timestamp | null;
}

export interface PullRequestFilesTable {
  repository_id: number;
  pr_number: number;
  path: string;
  status: string;
  additions: number;
  deletions: number;
  patch: string | null;
}

export interface CommitsTable {
  repository_id: number;
  sha: string;
  message: string;
  authored_at: Timestamp | null;
  author_id: number | null;
  author_name: string;
  author_email: string;
  co_authors: Json<{ name: string; email: string; personId: number | null; login: string | null }[]>;
}

export interface PullRequestCommitsTable {
  repository_id: number;
  pr_number: number;
  sha: string;
}

export interface PushesTable {
  delivery_id: string;
  repository_id: number;
  ref: string;
  before_sha: string;
  after_sha: string;
  pusher_login: string | null;
  sender_id: number | null;
  forced: boolean;
  commit_shas: Json<string[]>;
  pushed_at: Timestamp;
}

export interface ReviewsTable {
  id: number;
  repository_id: number;
  pr_number: number;
  reviewer_id: number | null;
  state: string;
  body: string;
  commit_id: string | null;
  html_url: string;
  author_association: string;
  submitted_at: Timestamp | null;
  updated_at: Timestamp;
}

export interface ReviewCommentsTable {
  id: number;
  repository_id: number;
  pr_number: number;
  review_id: number | null;
  author_id: number | null;
  path: string;
  line: number | null;
  original_line: number | null;
  side: string | null;
  diff_hunk: string;
  commit_id: string | null;
  original_commit_id: string | null;
  in_reply_to_id: number | null;
  body: string;
  html_url: string;
  author_association: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
}

export interface ReviewThreadsTable {
  node_id: string;
  repository_id: number;
  pr_number: number;
  path: string | null;
  is_resolved: boolean;
  is_outdated: boolean | null;
  resolved_by_login: string | null;
  comment_ids: Json<number[]>;
  updated_at: Timestamp;
}

export interface IssuesTable {
  id: number;
  repository_id: number;
  number: number;
  title: string;
  body: string;
  html_url: string;
  state: string;
  state_reason: string | null;
  author_id: number | null;
  author_association: string;
  labels: Json<string[]>;
  created_at: Timestamp;
  closed_at: Timestamp | null;
  updated_at: Timestamp;
}

export interface IssueActivityTable {
  delivery_id: string;
  repository_id: number;
  issue_number: number;
  actor_id: number | null;
  action: string;
  body_before: string | null;
  body_after: string | null;
  title_before: string | null;
  label: string | null;
  at: Timestamp;
}

export interface IssueCommentsTable {
  id: number;
  repository_id: number;
  issue_number: number;
  is_pull_request: boolean;
  author_id: number | null;
  body: string;
  html_url: string;
  author_association: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: Timestamp | null;
}

export interface CheckRunsTable {
  id: number;
  repository_id: number;
  name: string;
  head_sha: string;
  head_branch: string | null;
  status: string;
  conclusion: string | null;
  app_slug: string | null;
  started_at: Timestamp | null;
  completed_at: Timestamp | null;
  updated_at: Timestamp;
}

export interface WorkflowRunsTable {
  id: number;
  run_attempt: number;
  repository_id: number;
  workflow_id: number | null;
  name: string;
  path: string | null;
  head_sha: string;
  head_branch: string | null;
  event: string | null;
  status: string;
  conclusion: string | null;
  run_number: number | null;
  actor_id: number | null;
  triggering_actor_id: number | null;
  run_started_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ContributionsTable {
  key: string;
  kind: string;
  person_id: number;
  person_login: string;
  repository_id: number;
  repository_full_name: string;
  repository_private: boolean;
  subject_type: string;
  subject_id: string;
  subject_title: string;
  subject_url: string;
  occurred_at: Timestamp;
  score: number;
  confidence: number;
  level: string | null;
  dynamics: string;
  evidence: Json<string[]>;
  formula: Json<unknown>;
  detail: Json<Record<string, unknown>>;
  detector: string;
  detector_version: number;
  source_key: string;
  computed_at: Timestamp;
  /** What review_merges is built from (see storedSummary); null only on rows not yet filled in. */
  match_url: string | null;
  areas: ColumnType<string[], string[] | undefined, string[]>;
  comment_count: number | null;
  comments_led_to_change: number | null;
}

/** One person's review contributions of one subject, merged (src/store/review-merges.ts). */
export interface ReviewMergesTable {
  person_id: number;
  match_url: string;
  repository_full_name: string;
  repository_private: boolean;
  uniform: boolean;
  level: string;
  score: number;
  trap: boolean;
  first_at: Timestamp;
  last_at: Timestamp;
  comment_count: number | null;
  comments_led_to_change: number | null;
  areas: string[];
  month: string | null;
}

/** Monthly sums of merged reviews (src/store/review-merges.ts). */
export interface ReviewMonthPeopleTable {
  month: string;
  person_id: number;
  repository_full_name: string;
  repository_private: boolean;
  level: string;
  reviews: number;
  score_sum: number;
  traps: number;
  comments_said: number;
  comment_count: number;
  comments_led: number;
}

export interface ReviewMonthAreasTable {
  month: string;
  repository_full_name: string;
  repository_private: boolean;
  area: string;
  level: string;
  reviews: number;
}

export interface AnnotationsTable {
  id: string;
  kind: string;
  author_id: number;
  author_login: string;
  subject_person_id: number;
  subject_person_login: string;
  contribution_key: string | null;
  link: string | null;
  text: string;
  source_url: string | null;
  repository_id: number | null;
  repository_full_name: string | null;
  repository_private: boolean;
  created_at: Timestamp;
  deleted_at: Timestamp | null;
  /** GitHub's author_association of the comment that made it (OWNER, MEMBER, …, NONE); null when not from a comment. */
  author_association: ColumnType<string | null, string | null | undefined, string | null>;
  /** The organisation (installation) an annotation written on the web dashboard belongs to; null for slash commands. */
  installation_id: ColumnType<number | null, number | null | undefined, number | null>;
}

/** Signed-in dashboard sessions (src/web/sessions.ts). */
export interface WebSessionsTable {
  /** SHA-256 (hex) of the random id the browser's cookie holds. */
  id_hash: string;
  user_id: number;
  login: string;
  /** The user-to-server token, AES-256-GCM encrypted (never sent to the browser). */
  token_ciphertext: string;
  csrf_token: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  last_seen_at: Timestamp;
}

/** The audit trail and schedule of purges (src/services/erasure-schedule.ts). */
export interface ErasuresTable {
  id: Generated<number>;
  scope: "installation" | "repository" | "person";
  subject_id: number;
  reason: string;
  status: "scheduled" | "running" | "done" | "cancelled";
  requested_at: Timestamp;
  due_at: Timestamp;
  finished_at: Timestamp | null;
  counts: ColumnType<Record<string, number>, string | undefined, string>;
  rescore: ColumnType<string[], string | undefined, string>;
  last_error: string | null;
}

export interface OptOutsTable {
  person_id: number;
  login: string;
  opted_out: boolean;
  updated_at: Timestamp;
}

export interface RepoConfigsTable {
  repository_id: number;
  source: string;
  config: Json<unknown> | null;
  errors: Json<unknown[]>;
  fetched_at: Timestamp;
}

/** One repository's backfill: its window, progress and state (src/store/backfill-state.ts). */
export interface BackfillsTable {
  repository_id: number;
  /** null: run with a personal token (the CLI), not as an installation. */
  installation_id: number | null;
  full_name: string;
  since: Timestamp;
  until: Timestamp;
  state: "queued" | "running" | "waiting" | "done" | "stopped" | "failed";
  /** "install" (an installation event) or "cli". */
  requested_by: string;
  api_calls: Generated<number>;
  pull_requests_done: Generated<number>;
  pull_requests_total: number | null;
  issues_done: Generated<number>;
  issues_total: number | null;
  ci_runs_done: Generated<number>;
  patches_done: Generated<number>;
  wait_until: Timestamp | null;
  last_error: string | null;
  requested_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  updated_at: Timestamp;
}

/** Where a repository's backfill of one resource stands; written with the data of the page it follows. */
export interface BackfillCheckpointsTable {
  repository_id: number;
  /** pull_requests, issues, workflow_runs, detect */
  resource: string;
  cursor: Json<unknown> | null;
  done: Generated<boolean>;
  items: Generated<number>;
  updated_at: Timestamp;
}

/** One request of the delivery sweeper to GitHub to deliver a webhook again (src/services/sweep-deliveries.ts). */
export interface RedeliveriesTable {
  id: Generated<number>;
  guid: string;
  hook_delivery_id: number;
  event: string;
  action: string | null;
  installation_id: number | null;
  reason: "failed" | "never-stored";
  delivered_at: Timestamp;
  requested_at: Timestamp;
  outcome: "requested" | "not-found" | "refused" | "error";
  status_code: number | null;
  error: string | null;
}

/** A queue worker id and the process that owns it (src/queue/worker-liveness.ts). */
export interface WorkerProcessesTable {
  worker_id: string;
  hostname: string;
  pid: number;
  started_at: Generated<string>;
  seen_at: Generated<string>;
}

/** The one evidence comment per pull request (src/services/sync-pr-comment.ts). */
export interface PrCommentsTable {
  repository_id: number;
  pr_number: number;
  installation_id: number | null;
  comment_id: number | null;
  body_hash: string | null;
  /** none: nothing notable (no comment); posted: the comment exists; deleted: someone deleted it (not written again). */
  status: "none" | "posted" | "deleted";
  lease_owner: string | null;
  lease_until: Timestamp | null;
  last_error: string | null;
  updated_at: Timestamp;
}

/** The answer given to a slash command (src/services/answer-command.ts). */
export interface CommandAnswersTable {
  comment_id: number;
  repository_id: number;
  answer_hash: string;
  reaction: string | null;
  reply_id: number | null;
  answered_at: Timestamp;
  lease_owner: string | null;
  lease_until: Timestamp | null;
}

/** Per installation, when the next write to GitHub may go out. */
export interface GithubWritePacingTable {
  installation_id: number;
  next_at: Timestamp;
}

export interface DB {
  deliveries: DeliveriesTable;
  installations: InstallationsTable;
  repositories: RepositoriesTable;
  people: PeopleTable;
  person_emails: PersonEmailsTable;
  pull_requests: PullRequestsTable;
  pull_request_files: PullRequestFilesTable;
  commits: CommitsTable;
  pull_request_commits: PullRequestCommitsTable;
  pushes: PushesTable;
  reviews: ReviewsTable;
  review_comments: ReviewCommentsTable;
  review_threads: ReviewThreadsTable;
  issues: IssuesTable;
  issue_activity: IssueActivityTable;
  issue_comments: IssueCommentsTable;
  check_runs: CheckRunsTable;
  workflow_runs: WorkflowRunsTable;
  contributions: ContributionsTable;
  review_merges: ReviewMergesTable;
  review_month_people: ReviewMonthPeopleTable;
  review_month_areas: ReviewMonthAreasTable;
  annotations: AnnotationsTable;
  opt_outs: OptOutsTable;
  repo_configs: RepoConfigsTable;
  erasures: ErasuresTable;
  backfills: BackfillsTable;
  backfill_checkpoints: BackfillCheckpointsTable;
  redeliveries: RedeliveriesTable;
  worker_processes: WorkerProcessesTable;
  pr_comments: PrCommentsTable;
  command_answers: CommandAnswersTable;
  github_write_pacing: GithubWritePacingTable;
  web_sessions: WebSessionsTable;
}
