import { sql, type Kysely } from "kysely";

/**
 * Backfills: one row per repository (what window, how far, what state), and a
 * checkpoint per repository and resource (pull requests, issues, CI runs, the
 * detector pass) that is committed in the same transaction as the facts of
 * the page it follows, so a backfill killed at any moment resumes where its
 * last commit left it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table backfills (
      repository_id bigint primary key,
      installation_id bigint,
      full_name text not null,
      since timestamptz not null,
      until timestamptz not null,
      state text not null check (state in ('queued', 'running', 'waiting', 'done', 'stopped', 'failed')),
      requested_by text not null,
      api_calls integer not null default 0,
      pull_requests_done integer not null default 0,
      pull_requests_total integer,
      issues_done integer not null default 0,
      issues_total integer,
      ci_runs_done integer not null default 0,
      patches_done integer not null default 0,
      wait_until timestamptz,
      last_error text,
      requested_at timestamptz not null,
      started_at timestamptz,
      finished_at timestamptz,
      updated_at timestamptz not null
    );
    create index backfills_installation_idx on backfills (installation_id);

    create table backfill_checkpoints (
      repository_id bigint not null,
      resource text not null,
      cursor jsonb,
      done boolean not null default false,
      items integer not null default 0,
      updated_at timestamptz not null,
      primary key (repository_id, resource)
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table backfill_checkpoints; drop table backfills;`.execute(db);
}
