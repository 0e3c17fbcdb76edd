/**
 * Every stored fact, in a fixed order, minus the times this machine stamped
 * (when it saw a person or read a thread): two runs that read the same
 * things compare equal.
 */
import { sql, type Kysely } from "kysely";
import type { DB } from "../../src/store/schema.js";

export async function factSnapshot(db: Kysely<DB>): Promise<Record<string, unknown[]>> {
  const q = async (text: string) => (await sql.raw(text).execute(db)).rows;
  return {
    repositories: await q("select id, installation_id, owner_login, name, full_name, private, default_branch, html_url, archived from repositories order by id"),
    people: await q("select id, login, type, is_bot, is_ghost from people order by id"),
    pull_requests: await q("select * from pull_requests order by repository_id, number"),
    pull_request_files: await q("select * from pull_request_files order by repository_id, pr_number, path"),
    pull_request_commits: await q("select * from pull_request_commits order by repository_id, pr_number, sha"),
    commits: await q("select * from commits order by repository_id, sha"),
    reviews: await q("select * from reviews order by id"),
    review_comments: await q("select * from review_comments order by id"),
    review_threads: await q("select node_id, repository_id, pr_number, path, is_resolved, is_outdated, resolved_by_login, comment_ids from review_threads order by node_id"),
    issues: await q("select * from issues order by repository_id, number"),
    issue_comments: await q("select * from issue_comments order by id"),
    issue_activity: await q("select * from issue_activity order by delivery_id"),
    check_runs: await q("select id, repository_id, name, head_sha, head_branch, status, conclusion, app_slug, started_at, completed_at from check_runs order by id"),
    workflow_runs: await q("select * from workflow_runs order by id, run_attempt"),
    person_emails: await q("select email, person_id from person_emails order by email"),
  };
}

