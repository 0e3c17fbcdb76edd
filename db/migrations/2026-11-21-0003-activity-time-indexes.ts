import { sql, type Kysely } from "kysely";

/**
 * When the organisation's records begin (the earliest review, comment or CI
 * run received) is read by every report to say whether the previous period
 * was fully recorded; these indexes make that a constant-time lookup.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create index if not exists reviews_submitted_idx on reviews (submitted_at);
    create index if not exists issue_comments_created_idx on issue_comments (created_at);
    create index if not exists workflow_runs_created_idx on workflow_runs (created_at);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists reviews_submitted_idx, issue_comments_created_idx, workflow_runs_created_idx`.execute(db);
}
