/** Pull requests (full and nested payloads), reviews, review comments and review threads. */
import { sql, type RawBuilder } from "kysely";
import type { FactBatch } from "../github/normalise-delivery.js";
import { takeIncoming } from "./take-incoming.js";
import { eb_excluded, json, lastByKey, type Tx } from "./write-shared.js";

export async function writePullRequests(db: Tx, b: FactBatch): Promise<void> {
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
