/**
 * Writes a FactBatch. Every write is an upsert by GitHub's ids, guarded by the
 * version GitHub gave the object (`updated_at`), so replaying a delivery, or
 * receiving an older one late, never moves a fact backwards.
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from "kysely";
import { BACKFILL_ACTIVITY_PREFIX } from "../core/backfill/activity-ids.js";
import type { FactBatch } from "../github/normalise-delivery.js";
import type { DB } from "./schema.js";
import { takeIncoming } from "./take-incoming.js";

type Tx = Kysely<DB> | Transaction<DB>;

/**
 * Keeps one row per key (one INSERT … ON CONFLICT may not touch a row twice):
 * the newest by `updatedAt` when rows carry one (a batch of several deliveries
 * may hold an older state after a newer one), else the last. In key order:
 * two workers writing about the same people or repositories then lock those
 * rows in the same order, rather than deadlocking on opposite orders.
 */
function lastByKey<T>(rows: T[], key: (r: T) => string | number): T[] {
  const m = new Map<string | number, T>();
  const version = (r: T) => (r as { updatedAt?: unknown }).updatedAt;
  for (const r of rows) {
    const k = key(r);
    const prev = m.get(k);
    const v = version(r);
    const pv = prev === undefined ? undefined : version(prev);
    if (prev === undefined || typeof v !== "string" || typeof pv !== "string" || v >= pv) m.set(k, r);
  }
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}

const json = (v: unknown) => JSON.stringify(v);

function* chunks<T>(rows: T[], size: number): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

export async function writeFacts(db: Tx, b: FactBatch, seenAt: string): Promise<void> {
  if (b.installations.length) {
    await db
      .insertInto("installations")
      .values(
        lastByKey(b.installations, (r) => r.id).map((r) => ({
          id: r.id,
          account_id: r.accountId,
          account_login: r.accountLogin,
          account_type: r.accountType,
          repository_selection: r.repositorySelection,
          permissions: json(r.permissions),
          events: json(r.events),
          suspended_at: r.suspendedAt,
          deleted_at: r.deletedAt,
          updated_at: seenAt,
        })),
      )
      .onConflict((oc) =>
        oc
          .column("id")
          .doUpdateSet(
            takeIncoming("installations", "account_id", "account_login", "account_type", "repository_selection", "permissions", "events", "suspended_at", "deleted_at", "updated_at"),
          )
          .where("installations.updated_at", "<=", eb_excluded("updated_at")),
      )
      .execute();
  }

  if (b.people.length) {
    const rows = lastByKey(b.people, (r) => r.id);
    await db
      .insertInto("people")
      .values(
        rows.map((r) => ({
          id: r.id,
          login: r.login,
          type: r.type,
          is_bot: r.isBot,
          is_ghost: r.isGhost,
          name: r.name,
          previous_logins: "[]",
          seen_at: seenAt,
        })),
      )
      .onConflict((oc) =>
        oc
          .column("id")
          .doUpdateSet({
            ...takeIncoming("people", "login", "type", "is_bot", "is_ghost", "seen_at"),
            // Logins can change: keep the newest, remember the old ones.
            previous_logins: sql`case when people.login <> excluded.login and not people.previous_logins ? people.login
              then people.previous_logins || to_jsonb(people.login) else people.previous_logins end`,
            name: sql`coalesce(excluded.name, people.name)`,
          })
          .where("people.seen_at", "<=", eb_excluded("seen_at")),
      )
      .execute();
  }

  if (b.emails.length) {
    await db
      .insertInto("person_emails")
      .values(lastByKey(b.emails, (r) => r.email).map((r) => ({ email: r.email, person_id: r.personId, seen_at: seenAt })))
      .onConflict((oc) => oc.column("email").doUpdateSet({ person_id: sql`excluded.person_id`, seen_at: sql`excluded.seen_at` }))
      .execute();
  }

  // An installation on a large organisation lists thousands of repositories: write them in
  // parts, since one statement may carry at most 65,535 parameters.
  for (const part of chunks(lastByKey(b.repositories, (r) => r.id), 2_000)) {
    await db
      .insertInto("repositories")
      .values(
        part.map((r) => ({
          id: r.id,
          installation_id: r.installationId,
          owner_login: r.ownerLogin,
          name: r.name,
          full_name: r.fullName,
          private: r.private,
          default_branch: r.defaultBranch,
          html_url: r.htmlUrl,
          archived: r.archived,
          removed_at: r.removedAt,
          updated_at: seenAt,
        })),
      )
      .onConflict((oc) =>
        oc
          .column("id")
          .doUpdateSet({
            ...takeIncoming("repositories", "owner_login", "name", "full_name", "private", "html_url", "archived", "removed_at", "updated_at"),
            installation_id: sql`coalesce(excluded.installation_id, repositories.installation_id)`,
            // Installation payloads list repositories without a default branch: keep what we know.
            default_branch: sql`case when excluded.default_branch = 'main' then repositories.default_branch else excluded.default_branch end`,
          })
          .where("repositories.updated_at", "<=", eb_excluded("updated_at")),
      )
      .execute();
  }

  const fullPullRequests = b.pullRequests.filter((r) => !r.partial);
  if (fullPullRequests.length) {
    const rows = lastByKey(fullPullRequests, pullRequestKey);
    await upsertPullRequests(db, rows, {
      ...takeIncoming("pull_requests", "draft", "additions", "deletions", "changed_files", "commit_count"),
      merged_by_id: sql`coalesce(excluded.merged_by_id, pull_requests.merged_by_id)`,
    });
    // An older full payload that lost the race to a newer partial one (a review's
    // nested pull request) still carries what only full payloads have: size,
    // commit count, who merged it. Fill those in where nothing is known yet. (The
    // upsert above locked these rows, in key order: one statement for all of them.)
    const known = rows.map((r) => ({
      repository_id: r.repositoryId,
      number: r.number,
      additions: r.additions,
      deletions: r.deletions,
      changed_files: r.changedFiles,
      commit_count: r.commitCount,
      merged: r.merged,
      merged_at: r.mergedAt,
      merged_by_id: r.mergedById,
      author_id: r.authorId,
      updated_at: r.updatedAt,
    }));
    await sql`
      update pull_requests p set
        additions = case when p.commit_count = 0 then v.additions else p.additions end,
        deletions = case when p.commit_count = 0 then v.deletions else p.deletions end,
        changed_files = case when p.commit_count = 0 then v.changed_files else p.changed_files end,
        commit_count = case when p.commit_count = 0 then v.commit_count else p.commit_count end,
        merged = p.merged or v.merged,
        merged_at = coalesce(p.merged_at, v.merged_at),
        merged_by_id = coalesce(p.merged_by_id, v.merged_by_id),
        author_id = coalesce(p.author_id, v.author_id)
      from jsonb_to_recordset(${json(known)}::jsonb) as v(repository_id bigint, number integer, additions integer, deletions integer,
        changed_files integer, commit_count integer, merged boolean, merged_at timestamptz, merged_by_id bigint, author_id bigint, updated_at timestamptz)
      where p.repository_id = v.repository_id and p.number = v.number and p.updated_at > v.updated_at`.execute(db);
  }

  // Nested pull requests (in review, review comment and thread payloads) update
  // only the fields they carry, so they never zero a size or undo a draft flag:
  // one statement for those that say whether they are drafts, one for the rest.
  const partial = lastByKey(
    b.pullRequests.filter((x) => x.partial),
    pullRequestKey,
  );
  for (const saysDraft of [true, false]) {
    const rows = partial.filter((r) => (r.draft !== null) === saysDraft);
    if (rows.length) await upsertPullRequests(db, rows, saysDraft ? { draft: sql`excluded.draft` } : {});
  }

  if (b.reviews.length) {
    await db
      .insertInto("reviews")
      .values(
        lastByKey(b.reviews, (r) => r.id).map((r) => ({
          id: r.id,
          repository_id: r.repositoryId,
          pr_number: r.prNumber,
          reviewer_id: r.reviewerId,
          state: r.state,
          body: r.body,
          commit_id: r.commitId,
          html_url: r.htmlUrl,
          author_association: r.authorAssociation,
          submitted_at: r.submittedAt,
          updated_at: r.updatedAt,
        })),
      )
      .onConflict((oc) =>
        oc
          .column("id")
          .doUpdateSet({
            ...takeIncoming("reviews", "state", "body", "updated_at"),
            submitted_at: sql`coalesce(excluded.submitted_at, reviews.submitted_at)`,
          })
          .where("reviews.updated_at", "<=", eb_excluded("updated_at")),
      )
      .execute();
  }

  if (b.reviewComments.length) {
    await db
      .insertInto("review_comments")
      .values(
        lastByKey(b.reviewComments, (r) => r.id).map((r) => ({
          id: r.id,
          repository_id: r.repositoryId,
          pr_number: r.prNumber,
          review_id: r.reviewId,
          author_id: r.authorId,
          path: r.path,
          line: r.line,
          original_line: r.originalLine,
          side: r.side,
          diff_hunk: r.diffHunk,
          commit_id: r.commitId,
          original_commit_id: r.originalCommitId,
          in_reply_to_id: r.inReplyToId,
          body: r.body,
          html_url: r.htmlUrl,
          author_association: r.authorAssociation,
          created_at: r.createdAt,
          updated_at: r.updatedAt,
          deleted_at: r.deletedAt,
        })),
      )
      .onConflict((oc) =>
        oc
          .column("id")
          .doUpdateSet({
            ...takeIncoming("review_comments", "line", "body", "commit_id", "updated_at"),
            review_id: sql`coalesce(excluded.review_id, review_comments.review_id)`,
            deleted_at: sql`coalesce(review_comments.deleted_at, excluded.deleted_at)`,
          })
          .where("review_comments.updated_at", "<=", eb_excluded("updated_at")),
      )
      .execute();
  }

  if (b.reviewThreads.length) {
    await db
      .insertInto("review_threads")
      .values(
        lastByKey(b.reviewThreads, (r) => r.nodeId).map((r) => ({
          node_id: r.nodeId,
          repository_id: r.repositoryId,
          pr_number: r.prNumber,
          path: r.path,
          is_resolved: r.isResolved,
          is_outdated: r.isOutdated,
          resolved_by_login: r.resolvedByLogin,
          comment_ids: json(r.commentIds),
          updated_at: r.updatedAt,
        })),
      )
      .onConflict((oc) =>
        oc
          .column("node_id")
          .doUpdateSet({
            ...takeIncoming("review_threads", "is_resolved", "resolved_by_login", "comment_ids", "updated_at"),
            is_outdated: sql`coalesce(excluded.is_outdated, review_threads.is_outdated)`,
            path: sql`coalesce(excluded.path, review_threads.path)`,
          })
          .where("review_threads.updated_at", "<=", eb_excluded("updated_at")),
      )
      .execute();
  }

  if (b.issues.length) {
    await db
      .insertInto("issues")
      .values(
        lastByKey(b.issues, (r) => `${r.repositoryId}/${r.number}`).map((r) => ({
          id: r.id,
          repository_id: r.repositoryId,
          number: r.number,
          title: r.title,
          body: r.body,
          html_url: r.htmlUrl,
          state: r.state,
          state_reason: r.stateReason,
          author_id: r.authorId,
          author_association: r.authorAssociation,
          labels: json(r.labels),
          created_at: r.createdAt,
          closed_at: r.closedAt,
          updated_at: r.updatedAt,
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(["repository_id", "number"])
          .doUpdateSet({
            ...takeIncoming("issues", "id", "title", "body", "html_url", "state", "state_reason", "labels", "closed_at", "updated_at"),
            author_id: sql`coalesce(excluded.author_id, issues.author_id)`,
          })
          .where("issues.updated_at", "<=", eb_excluded("updated_at")),
      )
      .execute();
  }

  if (b.issueActivity.length) await writeIssueActivity(db, b.issueActivity);

  if (b.issueComments.length) {
    await db
      .insertInto("issue_comments")
      .values(
        lastByKey(b.issueComments, (r) => r.id).map((r) => ({
          id: r.id,
          repository_id: r.repositoryId,
          issue_number: r.issueNumber,
          is_pull_request: r.isPullRequest,
          author_id: r.authorId,
          body: r.body,
          html_url: r.htmlUrl,
          author_association: r.authorAssociation,
          created_at: r.createdAt,
          updated_at: r.updatedAt,
          deleted_at: r.deletedAt,
        })),
      )
      .onConflict((oc) =>
        oc
          .column("id")
          .doUpdateSet({
            ...takeIncoming("issue_comments", "body", "updated_at"),
            deleted_at: sql`coalesce(issue_comments.deleted_at, excluded.deleted_at)`,
          })
          .where("issue_comments.updated_at", "<=", eb_excluded("updated_at")),
      )
      .execute();
  }

  if (b.checkRuns.length) {
    await db
      .insertInto("check_runs")
      .values(
        lastByKey(b.checkRuns, (r) => r.id).map((r) => ({
          id: r.id,
          repository_id: r.repositoryId,
          name: r.name,
          head_sha: r.headSha,
          head_branch: r.headBranch,
          status: r.status,
          conclusion: r.conclusion,
          app_slug: r.appSlug,
          started_at: r.startedAt,
          completed_at: r.completedAt,
          updated_at: r.updatedAt,
        })),
      )
      .onConflict((oc) =>
        oc
          .column("id")
          .doUpdateSet({
            ...takeIncoming("check_runs", "status", "conclusion", "completed_at", "updated_at"),
            started_at: sql`coalesce(excluded.started_at, check_runs.started_at)`,
            head_branch: sql`coalesce(excluded.head_branch, check_runs.head_branch)`,
          })
          // A completed run never goes back to in_progress.
          .where(sql<boolean>`check_runs.status <> 'completed' or excluded.status = 'completed'`)
          .where("check_runs.updated_at", "<=", eb_excluded("updated_at")),
      )
      .execute();
  }

  if (b.workflowRuns.length) {
    await db
      .insertInto("workflow_runs")
      .values(
        lastByKey(b.workflowRuns, (r) => `${r.id}/${r.runAttempt}`).map((r) => ({
          id: r.id,
          run_attempt: r.runAttempt,
          repository_id: r.repositoryId,
          workflow_id: r.workflowId,
          name: r.name,
          path: r.path,
          head_sha: r.headSha,
          head_branch: r.headBranch,
          event: r.event,
          status: r.status,
          conclusion: r.conclusion,
          run_number: r.runNumber,
          actor_id: r.actorId,
          triggering_actor_id: r.triggeringActorId,
          run_started_at: r.runStartedAt,
          created_at: r.createdAt,
          updated_at: r.updatedAt,
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(["id", "run_attempt"])
          .doUpdateSet({
            ...takeIncoming("workflow_runs", "status", "conclusion", "updated_at"),
            run_started_at: sql`coalesce(excluded.run_started_at, workflow_runs.run_started_at)`,
          })
          .where("workflow_runs.updated_at", "<=", eb_excluded("updated_at")),
      )
      .execute();
  }

  if (b.commits.length) {
    await db
      .insertInto("commits")
      .values(
        lastByKey(b.commits, (r) => `${r.repositoryId}/${r.sha}`).map((r) => ({
          repository_id: r.repositoryId,
          sha: r.sha,
          message: r.message,
          authored_at: r.authoredAt,
          author_id: r.authorId,
          author_name: r.authorName,
          author_email: r.authorEmail,
          co_authors: json(r.coAuthors),
        })),
      )
      .onConflict((oc) =>
        oc.columns(["repository_id", "sha"]).doUpdateSet({
          author_id: sql`coalesce(excluded.author_id, commits.author_id)`,
          authored_at: sql`coalesce(excluded.authored_at, commits.authored_at)`,
        }),
      )
      .execute();
  }

  if (b.pullRequestCommits.length) {
    await db
      .insertInto("pull_request_commits")
      .values(lastByKey(b.pullRequestCommits, (r) => `${r.repositoryId}/${r.prNumber}/${r.sha}`).map((r) => ({ repository_id: r.repositoryId, pr_number: r.prNumber, sha: r.sha })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  for (const f of b.pullRequestFiles) await replacePullRequestFiles(db, f);

  if (b.pushes.length) {
    await db
      .insertInto("pushes")
      .values(
        b.pushes.map((r) => ({
          delivery_id: r.deliveryId,
          repository_id: r.repositoryId,
          ref: r.ref,
          before_sha: r.beforeSha,
          after_sha: r.afterSha,
          pusher_login: r.pusherLogin,
          sender_id: r.senderId,
          forced: r.forced,
          commit_shas: json(r.commitShas),
          pushed_at: r.pushedAt,
        })),
      )
      .onConflict((oc) => oc.column("delivery_id").doNothing())
      .execute();
  }
}

/**
 * Where activity written by a backfill (delivery ids "backfill:<event node id>") and activity
 * from webhooks describe the same event (same issue, action, actor and label, at about the same
 * time: a webhook dates it by the issue's updated_at, the API by the event), one row is kept —
 * the webhook's, which carries the exact before/after text. So a backfill and live webhooks for
 * the same issue agree, in whichever order they land.
 */
const SAME_EVENT_SECONDS = 120;

async function writeIssueActivity(db: Tx, rows: FactBatch["issueActivity"]): Promise<void> {
  const values = lastByKey(rows, (r) => r.deliveryId).map((r) => ({
    delivery_id: r.deliveryId,
    repository_id: r.repositoryId,
    issue_number: r.issueNumber,
    actor_id: r.actorId,
    action: r.action,
    body_before: r.bodyBefore,
    body_after: r.bodyAfter,
    title_before: r.titleBefore,
    label: r.label,
    at: r.at,
  }));
  const fromWebhooks = values.filter((v) => !v.delivery_id.startsWith(BACKFILL_ACTIVITY_PREFIX));
  const fromBackfill = values.filter((v) => v.delivery_id.startsWith(BACKFILL_ACTIVITY_PREFIX));
  const sameEvent = (a: string, b: string) => sql<boolean>`
    ${sql.ref(a)}.repository_id = ${sql.ref(b)}.repository_id and ${sql.ref(a)}.issue_number = ${sql.ref(b)}.issue_number
    and ${sql.ref(a)}.action = ${sql.ref(b)}.action and ${sql.ref(a)}.actor_id is not distinct from ${sql.ref(b)}.actor_id
    and ${sql.ref(a)}.label is not distinct from ${sql.ref(b)}.label
    and abs(extract(epoch from ${sql.ref(a)}.at - ${sql.ref(b)}.at)) <= ${SAME_EVENT_SECONDS}`;
  if (fromWebhooks.length) {
    await db.insertInto("issue_activity").values(fromWebhooks).onConflict((oc) => oc.column("delivery_id").doNothing()).execute();
    // A backfill got there first: its copy of the same event gives way.
    await sql`
      delete from issue_activity b using issue_activity w
      where b.delivery_id like ${BACKFILL_ACTIVITY_PREFIX + "%"} and w.delivery_id = any(${fromWebhooks.map((v) => v.delivery_id)}::text[])
        and ${sameEvent("b", "w")}`.execute(db);
  }
  if (fromBackfill.length) {
    await sql`
      insert into issue_activity (delivery_id, repository_id, issue_number, actor_id, action, body_before, body_after, title_before, label, at)
      select v.delivery_id, v.repository_id, v.issue_number, v.actor_id, v.action, v.body_before, v.body_after, v.title_before, v.label, v.at
      from jsonb_to_recordset(${json(fromBackfill)}::jsonb) as v(delivery_id text, repository_id bigint, issue_number integer, actor_id bigint,
        action text, body_before text, body_after text, title_before text, label text, at timestamptz)
      where not exists (select 1 from issue_activity w where w.delivery_id not like ${BACKFILL_ACTIVITY_PREFIX + "%"} and ${sameEvent("w", "v")})
      on conflict (delivery_id) do nothing`.execute(db);
  }
}

/**
 * A pull request's changed files. A complete list replaces the stored one (files no longer in
 * it go); a file listed without a patch keeps the patch already stored for it while its size is
 * unchanged (the API lists files without diffs; diffs are fetched only where detectors read them).
 */
async function replacePullRequestFiles(db: Tx, f: FactBatch["pullRequestFiles"][number]): Promise<void> {
  const files = lastByKey(f.files, (x) => x.path);
  if (f.complete) {
    let del = db.deleteFrom("pull_request_files").where("repository_id", "=", f.repositoryId).where("pr_number", "=", f.prNumber);
    if (files.length) del = del.where("path", "not in", files.map((x) => x.path));
    await del.execute();
  }
  for (const part of chunks(files, 500)) {
    await db
      .insertInto("pull_request_files")
      .values(part.map((x) => ({ repository_id: f.repositoryId, pr_number: f.prNumber, path: x.path, status: x.status, additions: x.additions, deletions: x.deletions, patch: x.patch })))
      .onConflict((oc) =>
        oc.columns(["repository_id", "pr_number", "path"]).doUpdateSet({
          ...takeIncoming("pull_request_files", "status", "additions", "deletions"),
          patch: sql`coalesce(excluded.patch, case when pull_request_files.additions = excluded.additions
            and pull_request_files.deletions = excluded.deletions then pull_request_files.patch end)`,
        }),
      )
      .execute();
  }
}

/** The columns every pull-request payload carries, whether a full one or one nested in a review. */
function pullRequestCommonUpdate(): Record<string, RawBuilder<never>> {
  return {
    ...takeIncoming("pull_requests", "id", "title", "body", "html_url", "state", "author_association", "head_sha", "head_ref", "base_sha", "base_ref", "labels", "closed_at", "updated_at"),
    // Once merged, always merged: a late "opened" delivery must not undo it.
    merged: sql`pull_requests.merged or excluded.merged`,
    merged_at: sql`coalesce(excluded.merged_at, pull_requests.merged_at)`,
    author_id: sql`coalesce(excluded.author_id, pull_requests.author_id)`,
  };
}

function pullRequestKey(r: FactBatch["pullRequests"][number]): string {
  return `${r.repositoryId}/${r.number}`;
}

/** Upserts pull requests (one per key, in key order), updating the common fields and `extra`, never backwards in time. */
async function upsertPullRequests(db: Tx, rows: FactBatch["pullRequests"], extra: Record<string, RawBuilder<never>>): Promise<void> {
  await db
    .insertInto("pull_requests")
    .values(rows.map((r) => pullRequestValues(r)))
    .onConflict((oc) =>
      oc
        .columns(["repository_id", "number"])
        .doUpdateSet({ ...pullRequestCommonUpdate(), ...extra })
        .where("pull_requests.updated_at", "<=", eb_excluded("updated_at")),
    )
    .execute();
}

function pullRequestValues(r: FactBatch["pullRequests"][number]) {
  return {
    id: r.id,
    repository_id: r.repositoryId,
    number: r.number,
    title: r.title,
    body: r.body,
    html_url: r.htmlUrl,
    state: r.state,
    draft: r.draft ?? false,
    merged: r.merged,
    merged_at: r.mergedAt,
    merged_by_id: r.mergedById,
    author_id: r.authorId,
    author_association: r.authorAssociation,
    additions: r.additions,
    deletions: r.deletions,
    changed_files: r.changedFiles,
    commit_count: r.commitCount,
    head_sha: r.headSha,
    head_ref: r.headRef,
    base_sha: r.baseSha,
    base_ref: r.baseRef,
    labels: json(r.labels),
    created_at: r.createdAt,
    closed_at: r.closedAt,
    updated_at: r.updatedAt,
    enriched_at: null,
  };
}

/** `excluded.<column>` as a typed reference for upsert guards. */
function eb_excluded(column: string) {
  return sql.ref(`excluded.${column}`) as never;
}
