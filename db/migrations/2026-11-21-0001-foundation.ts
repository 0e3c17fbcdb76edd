import { sql, type Kysely } from "kysely";

/**
 * Deliveries (the durable inbox) and the normalised facts. Facts are keyed by
 * GitHub's numeric ids and carry the `updated_at` GitHub gave them, so that an
 * older delivery arriving late never overwrites a newer state. Nothing has a
 * foreign key to another fact: a comment may arrive before its pull request.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table deliveries (
      id text primary key,
      event text not null,
      action text,
      installation_id bigint,
      repository_id bigint,
      received_at timestamptz not null default now(),
      payload text,
      payload_bytes integer not null,
      status text not null default 'pending' check (status in ('pending', 'processed', 'failed', 'ignored')),
      attempts integer not null default 0,
      last_error text,
      processed_at timestamptz
    );
    create index deliveries_status_idx on deliveries (status, received_at);
    create index deliveries_received_idx on deliveries (received_at);

    create table installations (
      id bigint primary key,
      account_id bigint,
      account_login text not null,
      account_type text,
      repository_selection text,
      permissions jsonb not null default '{}',
      events jsonb not null default '[]',
      suspended_at timestamptz,
      deleted_at timestamptz,
      updated_at timestamptz not null
    );

    create table repositories (
      id bigint primary key,
      installation_id bigint,
      owner_login text not null,
      name text not null,
      full_name text not null,
      private boolean not null default true,
      default_branch text not null default 'main',
      html_url text not null default '',
      archived boolean not null default false,
      removed_at timestamptz,
      updated_at timestamptz not null
    );
    create index repositories_installation_idx on repositories (installation_id);
    create index repositories_full_name_idx on repositories (lower(full_name));

    create table people (
      id bigint primary key,
      login text not null,
      type text not null default 'User',
      is_bot boolean not null default false,
      is_ghost boolean not null default false,
      name text,
      previous_logins jsonb not null default '[]',
      seen_at timestamptz not null
    );
    create index people_login_idx on people (lower(login));

    create table person_emails (
      email text primary key,
      person_id bigint not null,
      seen_at timestamptz not null
    );

    create table pull_requests (
      id bigint not null,
      primary key (repository_id, number),
      repository_id bigint not null,
      number integer not null,
      title text not null default '',
      body text not null default '',
      html_url text not null default '',
      state text not null,
      draft boolean not null default false,
      merged boolean not null default false,
      merged_at timestamptz,
      merged_by_id bigint,
      author_id bigint,
      author_association text not null default 'NONE',
      additions integer not null default 0,
      deletions integer not null default 0,
      changed_files integer not null default 0,
      commit_count integer not null default 0,
      head_sha text not null default '',
      head_ref text not null default '',
      base_sha text not null default '',
      base_ref text not null default '',
      labels jsonb not null default '[]',
      created_at timestamptz not null,
      closed_at timestamptz,
      updated_at timestamptz not null,
      enriched_at timestamptz
    );
    create index pull_requests_id_idx on pull_requests (id);
    create index pull_requests_author_idx on pull_requests (author_id, created_at);
    create index pull_requests_merged_idx on pull_requests (repository_id, merged_at);

    create table pull_request_files (
      repository_id bigint not null,
      pr_number integer not null,
      path text not null,
      status text not null default 'modified',
      additions integer not null default 0,
      deletions integer not null default 0,
      patch text,
      primary key (repository_id, pr_number, path)
    );

    create table commits (
      repository_id bigint not null,
      sha text not null,
      message text not null,
      authored_at timestamptz,
      author_id bigint,
      author_name text not null default '',
      author_email text not null default '',
      co_authors jsonb not null default '[]',
      primary key (repository_id, sha)
    );
    create index commits_author_idx on commits (author_id, authored_at);

    create table pull_request_commits (
      repository_id bigint not null,
      pr_number integer not null,
      sha text not null,
      primary key (repository_id, pr_number, sha)
    );

    create table pushes (
      delivery_id text primary key,
      repository_id bigint not null,
      ref text not null,
      before_sha text not null,
      after_sha text not null,
      pusher_login text,
      sender_id bigint,
      forced boolean not null default false,
      commit_shas jsonb not null default '[]',
      pushed_at timestamptz not null
    );

    create table reviews (
      id bigint primary key,
      repository_id bigint not null,
      pr_number integer not null,
      reviewer_id bigint,
      state text not null,
      body text not null default '',
      commit_id text,
      html_url text not null default '',
      author_association text not null default 'NONE',
      submitted_at timestamptz,
      updated_at timestamptz not null
    );
    create index reviews_pr_idx on reviews (repository_id, pr_number);
    create index reviews_reviewer_idx on reviews (reviewer_id, submitted_at);

    create table review_comments (
      id bigint primary key,
      repository_id bigint not null,
      pr_number integer not null,
      review_id bigint,
      author_id bigint,
      path text not null default '',
      line integer,
      original_line integer,
      side text,
      diff_hunk text not null default '',
      commit_id text,
      original_commit_id text,
      in_reply_to_id bigint,
      body text not null default '',
      html_url text not null default '',
      author_association text not null default 'NONE',
      created_at timestamptz not null,
      updated_at timestamptz not null,
      deleted_at timestamptz
    );
    create index review_comments_pr_idx on review_comments (repository_id, pr_number);

    create table review_threads (
      node_id text primary key,
      repository_id bigint not null,
      pr_number integer not null,
      path text,
      is_resolved boolean not null default false,
      is_outdated boolean,
      resolved_by_login text,
      comment_ids jsonb not null default '[]',
      updated_at timestamptz not null
    );
    create index review_threads_pr_idx on review_threads (repository_id, pr_number);

    create table issues (
      id bigint not null,
      primary key (repository_id, number),
      repository_id bigint not null,
      number integer not null,
      title text not null default '',
      body text not null default '',
      html_url text not null default '',
      state text not null,
      state_reason text,
      author_id bigint,
      author_association text not null default 'NONE',
      labels jsonb not null default '[]',
      created_at timestamptz not null,
      closed_at timestamptz,
      updated_at timestamptz not null
    );
    create index issues_id_idx on issues (id);

    create table issue_activity (
      delivery_id text primary key,
      repository_id bigint not null,
      issue_number integer not null,
      actor_id bigint,
      action text not null,
      body_before text,
      body_after text,
      title_before text,
      label text,
      at timestamptz not null
    );
    create index issue_activity_issue_idx on issue_activity (repository_id, issue_number);

    create table issue_comments (
      id bigint primary key,
      repository_id bigint not null,
      issue_number integer not null,
      is_pull_request boolean not null default false,
      author_id bigint,
      body text not null default '',
      html_url text not null default '',
      author_association text not null default 'NONE',
      created_at timestamptz not null,
      updated_at timestamptz not null,
      deleted_at timestamptz
    );
    create index issue_comments_issue_idx on issue_comments (repository_id, issue_number);

    create table check_runs (
      id bigint primary key,
      repository_id bigint not null,
      name text not null,
      head_sha text not null,
      head_branch text,
      status text not null,
      conclusion text,
      app_slug text,
      started_at timestamptz,
      completed_at timestamptz,
      updated_at timestamptz not null
    );
    create index check_runs_sha_idx on check_runs (repository_id, head_sha);
    create index check_runs_name_idx on check_runs (repository_id, name, started_at);

    create table workflow_runs (
      id bigint not null,
      run_attempt integer not null,
      repository_id bigint not null,
      workflow_id bigint,
      name text not null,
      path text,
      head_sha text not null,
      head_branch text,
      event text,
      status text not null,
      conclusion text,
      run_number integer,
      actor_id bigint,
      triggering_actor_id bigint,
      run_started_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (id, run_attempt)
    );
    create index workflow_runs_sha_idx on workflow_runs (repository_id, head_sha);
    create index workflow_runs_name_idx on workflow_runs (repository_id, name, created_at);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table if exists workflow_runs, check_runs, issue_comments, issue_activity, issues,
      review_threads, review_comments, reviews, pushes, pull_request_commits, commits,
      pull_request_files, pull_requests, person_emails, people, repositories, installations, deliveries;
  `.execute(db);
}
