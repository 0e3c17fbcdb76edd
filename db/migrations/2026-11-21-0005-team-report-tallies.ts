import { sql, type Kysely } from "kysely";

/**
 * Team reports at organisation scale sum reviews in the database instead of
 * reading each one: every contribution keeps what merging and tallying need
 * (the subject it is merged by, the areas it touched, its review comments),
 * and `review_merges` holds each person's reviews of a subject merged (see
 * src/store/review-merges.ts). The other kinds, and the reviews submitted
 * per reviewer, are read through narrow indexes instead of the wide table.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table contributions
      add column match_url text,
      add column areas text[] not null default '{}',
      add column comment_count integer,
      add column comments_led_to_change integer;
    create index contributions_review_merge_idx on contributions (person_id, match_url) where kind = 'review';
    create index contributions_unsummarised_idx on contributions (key) where match_url is null;

    create table review_merges (
      person_id bigint not null,
      match_url text not null,
      repository_full_name text not null,
      repository_private boolean not null,
      uniform boolean not null,
      level text not null,
      score real not null,
      trap boolean not null,
      first_at timestamptz not null,
      last_at timestamptz not null,
      comment_count integer,
      comments_led_to_change integer,
      areas text[] not null,
      -- The UTC month the merge lies in, when its first and last parts share one (nearly all do).
      month date,
      primary key (person_id, match_url)
    );
    -- B-trees (GiST on ranges costs seconds per 100k rows written). A period's merges by their last part;
    -- the few that can straddle a period's edge (parts at different times), changed repository or
    -- visibility, or span months, in small partial indexes of their own.
    create index review_merges_last_idx on review_merges (last_at);
    create index review_merges_first_idx on review_merges (first_at);
    create index review_merges_spanning_idx on review_merges (last_at) where first_at < last_at;
    create index review_merges_mixed_idx on review_merges (last_at) where not uniform;
    create index review_merges_multi_month_idx on review_merges (last_at) where month is null;

    -- Monthly sums of the merges that lie in one month, in one repository with one visibility.
    create table review_month_people (
      month date not null,
      person_id bigint not null,
      repository_full_name text not null,
      repository_private boolean not null,
      level text not null,
      reviews integer not null,
      score_sum double precision not null,
      traps integer not null,
      comments_said integer not null,
      comment_count integer not null,
      comments_led integer not null,
      primary key (month, person_id, repository_full_name, repository_private, level)
    );
    create table review_month_areas (
      month date not null,
      repository_full_name text not null,
      repository_private boolean not null,
      area text not null,
      level text not null,
      reviews integer not null,
      primary key (month, repository_full_name, repository_private, area, level)
    );

    -- Every kind but reviews (a few percent of the rows) by time, without scanning the rest.
    create index contributions_other_idx on contributions (occurred_at) where kind <> 'review';
    -- Reviews submitted per reviewer in a period (review load), from the index alone.
    create index reviews_load_idx on reviews (submitted_at) include (reviewer_id, repository_id, pr_number);
    drop index if exists reviews_submitted_idx;
  `.execute(db);

  // A contribution's evidence, formula and detail (~2.5 KB together) are compressed when stored:
  // lz4 costs a fraction of the default pglz. Servers without lz4 (and the embedded database) keep pglz.
  await sql`
    do $$ begin
      alter table contributions alter column evidence set compression lz4, alter column formula set compression lz4,
        alter column detail set compression lz4;
    exception when others then
      raise notice 'lz4 compression is not available: contributions keep the default compression';
    end $$;
  `.execute(db);
  // Existing contributions are filled in by fillContributionSummaries (src/store/migrate.ts runs it
  // after the migrations): the summary is computed by the application's code, which migrations never import.
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table if exists review_merges, review_month_people, review_month_areas;
    alter table contributions alter column evidence set compression default, alter column formula set compression default,
      alter column detail set compression default;
    create index if not exists reviews_submitted_idx on reviews (submitted_at);
    drop index if exists contributions_other_idx, reviews_load_idx;
    drop index if exists contributions_review_merge_idx, contributions_unsummarised_idx;
    alter table contributions drop column if exists match_url, drop column if exists areas, drop column if exists comment_count, drop column if exists comments_led_to_change;
  `.execute(db);
}
