import { sql, type Kysely } from "kysely";

/**
 * What Unsung writes on GitHub.
 *
 * `pr_comments`: the one evidence comment per pull request — the id of the comment once it exists,
 * a hash of the text last written (so an unchanged comment is never written again), and a lease:
 * one worker at a time may write a pull request's comment, whichever process it runs in, without
 * holding a transaction open across GitHub calls (the embedded database has one session).
 *
 * `command_answers`: the answer given to a slash command (a reaction, or the id of the one reply),
 * so a job that runs twice answers once and an edited command's reply is edited in place; a lease
 * (as on `pr_comments`) keeps two workers from answering the same comment at once.
 *
 * `github_write_pacing`: per installation, the earliest time the next write may go out. Writes are
 * spaced to stay under GitHub's content-creation limits, and a secondary rate limit or a 429 moves
 * it to when GitHub asked us to come back.
 *
 * None of them holds a name, a login or text someone wrote.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table pr_comments (
      repository_id bigint not null,
      pr_number integer not null,
      installation_id bigint,
      comment_id bigint,
      body_hash text,
      status text not null check (status in ('none', 'posted', 'deleted')),
      lease_owner text,
      lease_until timestamptz,
      last_error text,
      updated_at timestamptz not null,
      primary key (repository_id, pr_number)
    );
    create table command_answers (
      comment_id bigint primary key,
      repository_id bigint not null,
      answer_hash text not null,
      reaction text,
      reply_id bigint,
      answered_at timestamptz not null,
      lease_owner text,
      lease_until timestamptz
    );
    create index command_answers_repository_idx on command_answers (repository_id);
    -- What the evidence comment of a pull request lists: annotations linking to it, or written on it.
    create index annotations_link_idx on annotations (link) where deleted_at is null;
    create index annotations_source_url_idx on annotations (source_url text_pattern_ops) where deleted_at is null;
    create table github_write_pacing (
      installation_id bigint primary key,
      next_at timestamptz not null
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table if exists pr_comments;
    drop table if exists command_answers;
    drop table if exists github_write_pacing;
    drop index if exists annotations_link_idx;
    drop index if exists annotations_source_url_idx;
  `.execute(db);
}
