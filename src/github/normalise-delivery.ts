/**
 * Webhook payloads → fact rows. Pure: no database, no network. Every field is
 * read defensively, because a payload is input from outside: a missing
 * optional field becomes null, a missing essential one a clear error.
 *
 * This module holds the batch's shape and the dispatch by event; the event
 * families are normalised in normalise-{installation,pull-request,issue,ci,push}.ts,
 * on the per-delivery context of normalise-context.ts, with the field readers
 * of payload-fields.ts.
 */
import type { ParsedTrailer } from "../core/parse-co-authors.js";
import { Ctx } from "./normalise-context.js";
import { normaliseCheckRun, normaliseWorkflowRun } from "./normalise-ci.js";
import { normaliseInstallation, normaliseInstallationRepositories } from "./normalise-installation.js";
import { normaliseIssue, normaliseIssueComment } from "./normalise-issue.js";
import { normalisePullRequest, normaliseReview, normaliseReviewComment, normaliseReviewThread } from "./normalise-pull-request.js";
import { normalisePush } from "./normalise-push.js";
import { MalformedPayloadError, need, num, obj, str } from "./payload-fields.js";

export { GHOST_ID } from "./normalise-context.js";
export { MalformedPayloadError } from "./payload-fields.js";

export interface PersonRow {
  id: number;
  login: string;
  type: string;
  isBot: boolean;
  isGhost: boolean;
  name: string | null;
}

export interface FactBatch {
  installations: {
    id: number;
    accountId: number | null;
    accountLogin: string;
    accountType: string | null;
    repositorySelection: string | null;
    permissions: Record<string, string>;
    events: string[];
    suspendedAt: string | null;
    deletedAt: string | null;
  }[];
  repositories: {
    id: number;
    installationId: number | null;
    ownerLogin: string;
    name: string;
    fullName: string;
    private: boolean;
    defaultBranch: string;
    htmlUrl: string;
    archived: boolean;
    removedAt: string | null;
  }[];
  people: PersonRow[];
  emails: { email: string; personId: number }[];
  pullRequests: {
    id: number;
    repositoryId: number;
    number: number;
    /**
     * True for the pull request nested in review, review comment and thread
     * payloads: GitHub leaves out its size, commit count, `merged` and
     * `merged_by` (and, for review comments, `draft`), so those must not
     * overwrite what a full pull_request payload said.
     */
    partial: boolean;
    title: string;
    body: string;
    htmlUrl: string;
    state: string;
    /** null when the payload does not say. */
    draft: boolean | null;
    merged: boolean;
    mergedAt: string | null;
    mergedById: number | null;
    authorId: number | null;
    authorAssociation: string;
    additions: number;
    deletions: number;
    changedFiles: number;
    commitCount: number;
    headSha: string;
    headRef: string;
    baseSha: string;
    baseRef: string;
    labels: string[];
    createdAt: string;
    closedAt: string | null;
    updatedAt: string;
  }[];
  reviews: {
    id: number;
    repositoryId: number;
    prNumber: number;
    reviewerId: number | null;
    state: string;
    body: string;
    commitId: string | null;
    htmlUrl: string;
    authorAssociation: string;
    submittedAt: string | null;
    updatedAt: string;
  }[];
  reviewComments: {
    id: number;
    repositoryId: number;
    prNumber: number;
    reviewId: number | null;
    authorId: number | null;
    path: string;
    line: number | null;
    originalLine: number | null;
    side: string | null;
    diffHunk: string;
    commitId: string | null;
    originalCommitId: string | null;
    inReplyToId: number | null;
    body: string;
    htmlUrl: string;
    authorAssociation: string;
    createdAt: string;
    updatedAt: string;
    deletedAt: string | null;
  }[];
  reviewThreads: {
    nodeId: string;
    repositoryId: number;
    prNumber: number;
    path: string | null;
    isResolved: boolean;
    isOutdated: boolean | null;
    resolvedByLogin: string | null;
    commentIds: number[];
    updatedAt: string;
  }[];
  issues: {
    id: number;
    repositoryId: number;
    number: number;
    title: string;
    body: string;
    htmlUrl: string;
    state: string;
    stateReason: string | null;
    authorId: number | null;
    authorAssociation: string;
    labels: string[];
    createdAt: string;
    closedAt: string | null;
    updatedAt: string;
  }[];
  issueActivity: {
    deliveryId: string;
    repositoryId: number;
    issueNumber: number;
    actorId: number | null;
    action: string;
    bodyBefore: string | null;
    bodyAfter: string | null;
    titleBefore: string | null;
    label: string | null;
    at: string;
  }[];
  issueComments: {
    id: number;
    repositoryId: number;
    issueNumber: number;
    isPullRequest: boolean;
    authorId: number | null;
    body: string;
    htmlUrl: string;
    authorAssociation: string;
    createdAt: string;
    updatedAt: string;
    deletedAt: string | null;
  }[];
  checkRuns: {
    id: number;
    repositoryId: number;
    name: string;
    headSha: string;
    headBranch: string | null;
    status: string;
    conclusion: string | null;
    appSlug: string | null;
    startedAt: string | null;
    completedAt: string | null;
    updatedAt: string;
  }[];
  workflowRuns: {
    id: number;
    runAttempt: number;
    repositoryId: number;
    workflowId: number | null;
    name: string;
    path: string | null;
    headSha: string;
    headBranch: string | null;
    event: string | null;
    status: string;
    conclusion: string | null;
    runNumber: number | null;
    actorId: number | null;
    triggeringActorId: number | null;
    runStartedAt: string | null;
    createdAt: string;
    updatedAt: string;
  }[];
  commits: {
    repositoryId: number;
    sha: string;
    message: string;
    authoredAt: string | null;
    authorId: number | null;
    authorName: string;
    authorEmail: string;
    coAuthors: ParsedTrailer[];
  }[];
  /**
   * The changed files of pull requests (from the API, not webhooks). `complete`: the whole list,
   * so files no longer in it are dropped. A null patch keeps a patch already stored for the same
   * file and size (GraphQL lists files without diffs).
   */
  pullRequestFiles: {
    repositoryId: number;
    prNumber: number;
    complete: boolean;
    files: { path: string; status: string; additions: number; deletions: number; patch: string | null }[];
  }[];
  /** Which commits belong to which pull request (from the API). */
  pullRequestCommits: { repositoryId: number; prNumber: number; sha: string }[];
  pushes: {
    deliveryId: string;
    repositoryId: number;
    ref: string;
    beforeSha: string;
    afterSha: string;
    pusherLogin: string | null;
    senderId: number | null;
    forced: boolean;
    commitShas: string[];
    pushedAt: string;
  }[];
  /** What should happen next: enrich a merged PR, re-run detectors on a subject, record a slash command. */
  followUps: FollowUp[];
}

export type FollowUp =
  | { kind: "enrich-pull-request"; installationId: number; repositoryId: number; owner: string; repo: string; number: number }
  | { kind: "detect-pull-request"; repositoryId: number; number: number }
  | { kind: "detect-issue"; repositoryId: number; number: number }
  /** A workflow run was re-run (attempt ≥ 2): re-detect who re-ran that workflow by hand that month. */
  | { kind: "detect-reruns"; repositoryId: number; workflow: string; month: string }
  | { kind: "slash-command"; commentId: number; repositoryId: number; issueNumber: number }
  | { kind: "check-config"; installationId: number; repositoryId: number; owner: string; repo: string; number: number; headSha: string }
  | { kind: "config-changed"; repositoryId: number; orgWide: boolean }
  /** The app was installed on a repository: read its past. */
  | { kind: "backfill-repository"; installationId: number; repositoryId: number; owner: string; repo: string }
  /** The app lost access (repositories removed, or uninstalled: `repositoryIds` null means every repository of the installation). */
  | { kind: "stop-backfill"; installationId: number; repositoryIds: number[] | null }
  | ErasureEventFollowUp;

/** Installation and repository events that schedule, cancel or keep erasures in step (src/services/erasure-events.ts). */
export type ErasureEventFollowUp = { kind: "erasure-event"; at: string } & (
  | { event: "installation-deleted" | "installation-created"; installationId: number }
  | { event: "repositories-removed" | "repositories-added"; installationId: number; repositoryIds: number[] }
  | { event: "repository-changed"; repositoryId: number; action: string }
);

/** A batch with nothing in it, to fill or to merge others into. */
export function emptyFactBatch(): FactBatch {
  return {
    installations: [],
    repositories: [],
    people: [],
    emails: [],
    pullRequests: [],
    reviews: [],
    reviewComments: [],
    reviewThreads: [],
    issues: [],
    issueActivity: [],
    issueComments: [],
    checkRuns: [],
    workflowRuns: [],
    commits: [],
    pullRequestFiles: [],
    pullRequestCommits: [],
    pushes: [],
    followUps: [],
  };
}

export interface DeliveryInput {
  id: string;
  event: string;
  payload: unknown;
  receivedAt: string;
}

/** The events Unsung subscribes to; anything else is stored but not normalised. */
export const HANDLED_EVENTS = new Set([
  "installation",
  "installation_repositories",
  "pull_request",
  "pull_request_review",
  "pull_request_review_comment",
  "pull_request_review_thread",
  "issues",
  "issue_comment",
  "check_run",
  "workflow_run",
  "push",
  "repository",
  "member",
  "membership",
]);

export function normaliseDelivery(delivery: DeliveryInput): FactBatch {
  const batch = emptyFactBatch();
  const payload = obj(delivery.payload);
  if (!payload) throw new MalformedPayloadError("payload is not a JSON object");
  const ctx = new Ctx(batch, delivery, payload);
  ctx.person(payload.sender);
  const installationId = num(obj(payload.installation)?.id);
  const repo = ctx.repository(payload.repository, installationId);
  const action = str(payload.action);

  switch (delivery.event) {
    case "installation":
      normaliseInstallation(ctx, payload, action);
      break;
    case "installation_repositories":
      normaliseInstallationRepositories(ctx, payload);
      break;
    case "pull_request":
      normalisePullRequest(ctx, need(repo, "repository"), need(obj(payload.pull_request), "pull_request"), action, installationId);
      break;
    case "pull_request_review":
      normaliseReview(ctx, need(repo, "repository"), payload, action);
      break;
    case "pull_request_review_comment":
      normaliseReviewComment(ctx, need(repo, "repository"), payload, action);
      break;
    case "pull_request_review_thread":
      normaliseReviewThread(ctx, need(repo, "repository"), payload, action);
      break;
    case "issues":
      normaliseIssue(ctx, need(repo, "repository"), payload, action);
      break;
    case "issue_comment":
      normaliseIssueComment(ctx, need(repo, "repository"), payload, action);
      break;
    case "check_run":
      normaliseCheckRun(ctx, need(repo, "repository"), need(obj(payload.check_run), "check_run"));
      break;
    case "workflow_run":
      normaliseWorkflowRun(ctx, need(repo, "repository"), need(obj(payload.workflow_run), "workflow_run"));
      break;
    case "push":
      normalisePush(ctx, need(repo, "repository"), payload);
      break;
    case "repository":
      // Renamed, transferred, privatized, publicized, deleted…: the repository row was just updated above.
      batch.followUps.push({ kind: "erasure-event", event: "repository-changed", repositoryId: need(repo, "repository").id, action: action ?? "", at: delivery.receivedAt });
      break;
    default:
      break;
  }
  return batch;
}
