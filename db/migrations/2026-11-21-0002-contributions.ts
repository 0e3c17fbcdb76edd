import { sql, type Kysely } from "kysely";

/**
 * Contributions (what detectors concluded, with evidence) and annotations
 * (what people said about the record: notes, claims, disputes, endorsements,
 * off-GitHub log entries). Contributions are keyed by a stable key so that
 * re-running a detector updates in place.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table contributions (
      key text primary key,
      kind text not null,
      person_id bigint not null,
      person_login text not null,
      repository_id bigint not null,
      repository_full_name text not null,
      repository_private boolean not null,
      subject_type text not null,
      subject_id text not null,
      subject_title text not null,
      subject_url text not null,
      occurred_at timestamptz not null,
      score real not null,
      confidence real not null,
      level text,
      dynamics text not null,
      evidence jsonb not null,
      formula jsonb not null,
      detail jsonb not null,
      detector text not null,
      detector_version integer not null,
      source_key text not null,
      computed_at timestamptz not null
    );
    create index contributions_person_idx on contributions (person_id, occurred_at);
    create index contributions_occurred_idx on contributions (occurred_at, kind);
    create index contributions_source_idx on contributions (source_key);

    create table annotations (
      id text primary key,
      kind text not null,
      author_id bigint not null,
      author_login text not null,
      subject_person_id bigint not null,
      subject_person_login text not null,
      contribution_key text,
      link text,
      text text not null,
      source_url text,
      repository_id bigint,
      repository_full_name text,
      repository_private boolean not null default true,
      created_at timestamptz not null,
      deleted_at timestamptz
    );
    create index annotations_subject_idx on annotations (subject_person_id, created_at);

    create table opt_outs (
      person_id bigint primary key,
      login text not null,
      opted_out boolean not null,
      updated_at timestamptz not null
    );

    create table repo_configs (
      repository_id bigint primary key,
      source text not null,
      config jsonb,
      errors jsonb not null default '[]',
      fetched_at timestamptz not null
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists repo_configs, opt_outs, annotations, contributions`.execute(db);
}
