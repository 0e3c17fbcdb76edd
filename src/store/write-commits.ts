/** Commits, a pull request's commits and changed files, and pushes. */
import { sql } from "kysely";
import type { FactBatch } from "../github/normalise-delivery.js";
import { takeIncoming } from "./take-incoming.js";
import { chunks, json, lastByKey, type Tx } from "./write-shared.js";

export async function writeCommits(db: Tx, b: FactBatch): Promise<void> {
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
