/**
 * Backfilled data → fact rows, through the webhook normaliser. Each pull
 * request, review, review comment, issue, comment, issue event, check run and
 * workflow run read from the API is rewritten as the webhook payload GitHub
 * would have sent for it and normalised by `normaliseDelivery`, so a
 * backfilled fact is the fact a webhook would have stored: same rows, same
 * rules (ghost users, bot logins, unknown visibility, NUL bytes, caps). What
 * webhooks do not carry — review threads, commits, changed files — takes the
 * same rows enrichment writes. Pure.
 */
import { parseCoAuthors } from "../core/parse-co-authors.js";
import type { ActorData, CheckSuiteData, IssueData, PullRequestData } from "./backfill-parse.js";
import { MalformedApiResponseError } from "./backfill-parse.js";
import { emptyFactBatch, GHOST_ID, MalformedPayloadError, normaliseDelivery, type FactBatch } from "./normalise-delivery.js";
import { BACKFILL_ACTIVITY_PREFIX } from "../core/backfill/activity-ids.js";
import type { PullRequestFileRow } from "./parse-pull-request-files.js";

export interface BackfillRepository {
  id: number;
  owner: ActorData;
  name: string;
  fullName: string;
  private: boolean;
  archived: boolean;
  defaultBranch: string;
  htmlUrl: string;
}

type Obj = Record<string, unknown>;

/** An actor as webhooks show it: deleted accounts are GitHub's "ghost", bots' logins end in [bot]. */
export function restUser(a: ActorData | null): Obj {
  if (!a) return { id: GHOST_ID, login: "ghost", type: "User" };
  const type = a.type === "Bot" || a.type === "User" || a.type === "Organization" || a.type === "Mannequin" ? a.type : "User";
  const login = type === "Bot" && !a.login.endsWith("[bot]") ? `${a.login}[bot]` : a.login;
  return a.id === null ? { login, type } : { id: a.id, login, type };
}

function restRepository(r: BackfillRepository): Obj {
  return {
    id: r.id,
    name: r.name,
    full_name: r.fullName,
    private: r.private,
    archived: r.archived,
    owner: restUser(r.owner),
    default_branch: r.defaultBranch,
    html_url: r.htmlUrl,
  };
}

const lower = (s: string | null) => (s === null ? null : s.toLowerCase());

/** Follow-ups kept from backfilled facts: slash commands (an old opt-out still counts). Detection runs once, after the whole repository. */
function keepFollowUps(b: FactBatch): FactBatch {
  b.followUps = b.followUps.filter((f) => f.kind === "slash-command");
  return b;
}

function append(into: FactBatch, b: FactBatch): void {
  const target = into as unknown as Record<string, unknown[]>;
  for (const [k, v] of Object.entries(b)) if (Array.isArray(v)) (target[k] ??= []).push(...(v as unknown[]));
}

class Builder {
  readonly batch = emptyFactBatch();
  private readonly repository: Obj;
  constructor(
    private readonly repo: BackfillRepository,
    private readonly fetchedAt: string,
  ) {
    this.repository = restRepository(repo);
  }

  /** One synthetic delivery through the webhook normaliser. */
  deliver(event: string, payload: Obj, where: string, id = "backfill"): void {
    try {
      append(this.batch, keepFollowUps(normaliseDelivery({ id, event, payload: { ...payload, repository: this.repository }, receivedAt: this.fetchedAt })));
    } catch (err) {
      if (err instanceof MalformedPayloadError) throw new MalformedApiResponseError(`${where}: ${err.message}`);
      throw err;
    }
  }
}

function restPullRequest(pr: PullRequestData): Obj {
  return {
    id: pr.id,
    number: pr.number,
    title: pr.title,
    body: pr.body,
    html_url: pr.url,
    state: pr.state === "OPEN" ? "open" : "closed",
    draft: pr.isDraft,
    merged: pr.merged,
    merged_at: pr.mergedAt,
    merged_by: pr.mergedBy ? restUser(pr.mergedBy) : pr.merged ? restUser(null) : null,
    user: restUser(pr.author),
    author_association: pr.authorAssociation,
    additions: pr.additions,
    deletions: pr.deletions,
    changed_files: pr.changedFiles,
    commits: pr.commitCount,
    head: { sha: pr.headRefOid, ref: pr.headRefName },
    base: { sha: pr.baseRefOid, ref: pr.baseRefName },
    labels: pr.labels.items.map((name) => ({ name })),
    created_at: pr.createdAt,
    closed_at: pr.closedAt,
    updated_at: pr.updatedAt,
  };
}

const CHANGE_TYPES: Record<string, string> = { ADDED: "added", DELETED: "removed", MODIFIED: "modified", RENAMED: "renamed", COPIED: "copied", CHANGED: "changed" };

/** A pull request read whole (nested pages included) → its facts. */
export function pullRequestFacts(repo: BackfillRepository, pr: PullRequestData, fetchedAt: string): FactBatch {
  const b = new Builder(repo, fetchedAt);
  const where = `pull request #${pr.number}`;
  b.deliver("pull_request", { pull_request: restPullRequest(pr), sender: restUser(pr.author) }, where);
  const nested = { number: pr.number };
  for (const r of pr.reviews.items) {
    b.deliver(
      "pull_request_review",
      {
        action: "submitted",
        review: { id: r.id, user: restUser(r.author), state: r.state, body: r.body, commit_id: r.commitId, html_url: r.url, author_association: r.authorAssociation, submitted_at: r.submittedAt },
        pull_request: nested,
        sender: restUser(r.author),
      },
      `${where}, review ${r.id}`,
    );
  }
  for (const t of pr.threads.items) {
    for (const c of t.comments.items) {
      b.deliver(
        "pull_request_review_comment",
        {
          action: "created",
          comment: {
            id: c.id,
            pull_request_review_id: c.reviewId,
            user: restUser(c.author),
            path: c.path,
            line: c.line,
            original_line: c.originalLine,
            side: t.diffSide,
            diff_hunk: c.diffHunk,
            commit_id: c.commitId,
            original_commit_id: c.originalCommitId,
            in_reply_to_id: c.replyToId,
            body: c.body,
            html_url: c.url,
            author_association: c.authorAssociation,
            created_at: c.createdAt,
            updated_at: c.updatedAt,
          },
          pull_request: nested,
          sender: restUser(c.author),
        },
        `${where}, review comment ${c.id}`,
      );
    }
    b.batch.reviewThreads.push({
      nodeId: t.nodeId,
      repositoryId: repo.id,
      prNumber: pr.number,
      path: t.path,
      isResolved: t.isResolved,
      isOutdated: t.isOutdated,
      resolvedByLogin: t.resolvedBy,
      commentIds: t.comments.items.map((c) => c.id),
      updatedAt: fetchedAt,
    });
  }
  for (const c of pr.comments.items) {
    b.deliver(
      "issue_comment",
      {
        action: "created",
        comment: { id: c.id, user: restUser(c.author), body: c.body, html_url: c.url, author_association: c.authorAssociation, created_at: c.createdAt, updated_at: c.updatedAt },
        issue: { number: pr.number, pull_request: { url: pr.url } },
        sender: restUser(c.author),
      },
      `${where}, comment ${c.id}`,
    );
  }
  // Commits and their trailers, as enrichment stores them.
  for (const c of pr.commits.items) {
    b.batch.commits.push({
      repositoryId: repo.id,
      sha: c.sha,
      message: c.message,
      authoredAt: c.authoredAt,
      authorId: c.user?.id ?? null,
      authorName: c.authorName,
      authorEmail: c.authorEmail,
      coAuthors: parseCoAuthors(c.message),
    });
    b.batch.pullRequestCommits.push({ repositoryId: repo.id, prNumber: pr.number, sha: c.sha });
    if (c.user && c.authorEmail && !c.authorEmail.endsWith("@users.noreply.github.com")) b.batch.emails.push({ email: c.authorEmail, personId: c.user.id });
  }
  b.batch.pullRequestFiles.push({
    repositoryId: repo.id,
    prNumber: pr.number,
    complete: pr.files.after === null,
    files: pr.files.items.map((f) => ({ path: f.path, status: CHANGE_TYPES[f.changeType] ?? "modified", additions: f.additions, deletions: f.deletions, patch: null })),
  });
  for (const s of pr.checkSuites) checkRunFacts(b, s, `${where}, check suite ${s.nodeId}`);
  return b.batch;
}

function checkRunFacts(b: Builder, s: CheckSuiteData, where: string): void {
  for (const r of s.runs.items) {
    b.deliver(
      "check_run",
      {
        action: "completed",
        check_run: {
          id: r.id,
          name: r.name,
          head_sha: s.headSha,
          check_suite: { head_branch: s.branch },
          status: lower(r.status),
          conclusion: lower(r.conclusion),
          app: s.appSlug ? { slug: s.appSlug } : null,
          started_at: r.startedAt,
          completed_at: r.completedAt,
        },
      },
      `${where}, check run ${r.id}`,
    );
  }
}

/** A pull request's diffs (REST), for the files a detector reads them for. */
export function patchFacts(repo: BackfillRepository, number: number, files: PullRequestFileRow[], complete: boolean): FactBatch {
  const b = emptyFactBatch();
  b.pullRequestFiles.push({ repositoryId: repo.id, prNumber: number, complete, files });
  return b;
}

const EVENT_ACTIONS: Record<string, string> = {
  LabeledEvent: "labeled",
  UnlabeledEvent: "unlabeled",
  ClosedEvent: "closed",
  ReopenedEvent: "reopened",
  MarkedAsDuplicateEvent: "marked_as_duplicate",
  AssignedEvent: "assigned",
  TransferredEvent: "transferred",
  RenamedTitleEvent: "edited",
};

/** How close to the issue's creation an edit must be to be its original text (GitHub lists it as the first revision). */
const ORIGINAL_REVISION_MS = 60_000;

function restIssue(i: IssueData): Obj {
  return {
    id: i.id,
    number: i.number,
    title: i.title,
    body: i.body,
    html_url: i.url,
    state: i.state === "OPEN" ? "open" : "closed",
    state_reason: lower(i.stateReason),
    user: restUser(i.author),
    author_association: i.authorAssociation,
    labels: i.labels.items.map((name) => ({ name })),
    created_at: i.createdAt,
    closed_at: i.closedAt,
    updated_at: i.updatedAt,
  };
}

/** An issue read whole → its facts: the issue, its comments, and its activity (labels, closes, edits, …) as webhooks record it. */
export function issueFacts(repo: BackfillRepository, i: IssueData, fetchedAt: string): FactBatch {
  const b = new Builder(repo, fetchedAt);
  const where = `issue #${i.number}`;
  const issue = restIssue(i);
  b.deliver("issues", { issue, sender: restUser(i.author) }, where);
  for (const c of i.comments.items) {
    b.deliver(
      "issue_comment",
      {
        action: "created",
        comment: { id: c.id, user: restUser(c.author), body: c.body, html_url: c.url, author_association: c.authorAssociation, created_at: c.createdAt, updated_at: c.updatedAt },
        issue,
        sender: restUser(c.author),
      },
      `${where}, comment ${c.id}`,
    );
  }
  // Each event as the webhook that announced it: the issue as of then (its updated_at dates the activity).
  for (const e of i.events.items) {
    const action = EVENT_ACTIONS[e.type];
    if (!action) continue;
    const payload: Obj = { action, issue: { ...issue, updated_at: e.at }, sender: restUser(e.actor) };
    if (e.label !== null) payload.label = { name: e.label };
    if (e.type === "RenamedTitleEvent") payload.changes = { title: { from: e.previousTitle ?? "" } };
    b.deliver("issues", payload, `${where}, event ${e.id}`, `${BACKFILL_ACTIVITY_PREFIX}${e.id}`);
  }
  // Body edits: consecutive revisions, oldest first. The first is the original text only when it dates from the
  // issue's creation; an edit whose text before it is unknown is left out rather than guessed.
  const edits = [...i.edits.items].sort((a, z) => a.editedAt.localeCompare(z.editedAt) || a.id.localeCompare(z.id));
  const hasOriginal = edits.length > 0 && Math.abs(Date.parse(edits[0]!.editedAt) - Date.parse(i.createdAt)) <= ORIGINAL_REVISION_MS;
  for (let k = 1; k < edits.length; k++) {
    const before = edits[k - 1]!;
    const after = edits[k]!;
    if ((k === 1 && !hasOriginal) || before.text === null || after.text === null) continue;
    b.deliver(
      "issues",
      { action: "edited", issue: { ...issue, body: after.text, updated_at: after.editedAt }, changes: { body: { from: before.text } }, sender: restUser(after.editor) },
      `${where}, edit ${after.id}`,
      `${BACKFILL_ACTIVITY_PREFIX}${after.id}`,
    );
  }
  return b.batch;
}

/** Workflow runs from REST's list (the same objects workflow_run webhooks carry). */
export function workflowRunFacts(repo: BackfillRepository, runs: readonly unknown[], fetchedAt: string, where: string): FactBatch {
  const b = new Builder(repo, fetchedAt);
  runs.forEach((run, k) => {
    if (typeof run !== "object" || run === null || Array.isArray(run)) throw new MalformedApiResponseError(`${where}.workflow_runs[${k}]: expected an object`);
    b.deliver("workflow_run", { action: "completed", workflow_run: run as Obj }, `${where}.workflow_runs[${k}]`);
  });
  return b.batch;
}

/** Several batches as one (one write per table). */
export function mergeBatches(batches: readonly FactBatch[]): FactBatch {
  const out = emptyFactBatch();
  for (const b of batches) append(out, b);
  return out;
}

/** The repository itself (and its owner), as a repository webhook would record it. */
export function repositoryFacts(repo: BackfillRepository, installationId: number | null, fetchedAt: string): FactBatch {
  const b = new Builder(repo, fetchedAt);
  b.deliver("repository", installationId !== null ? { action: "edited", installation: { id: installationId } } : { action: "edited" }, "repository");
  return b.batch;
}
