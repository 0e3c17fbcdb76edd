import { sql, type Kysely } from "kysely";

/**
 * The web dashboard.
 *
 * `web_sessions`: one row per signed-in browser. The browser holds only a random session id; the
 * row is found by its SHA-256 (a copy of the table gives no working cookie). The user-to-server
 * token GitHub issued at sign-in is kept here encrypted (AES-256-GCM, key derived from the app's
 * OAuth client secret) and never sent to the browser. Each session has its own CSRF token and an
 * absolute expiry; expired rows are deleted when met and by a sweep.
 *
 * `annotations.installation_id`: the organisation a note, claim, dispute, log entry or endorsement
 * written on the dashboard belongs to. Annotations from slash commands belong to the repository
 * they were written in (`repository_id`); those from the dashboard have no repository, so this is
 * what keeps them inside their organisation's reports and lets an uninstall erase them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table web_sessions (
      id_hash text primary key,
      user_id bigint not null,
      login text not null,
      token_ciphertext text not null,
      csrf_token text not null,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      last_seen_at timestamptz not null
    );
    create index web_sessions_expires_idx on web_sessions (expires_at);
    create index web_sessions_user_idx on web_sessions (user_id);

    alter table annotations add column installation_id bigint;
    create index annotations_installation_idx on annotations (installation_id) where installation_id is not null;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table if exists web_sessions;
    drop index if exists annotations_installation_idx;
    alter table annotations drop column if exists installation_id;
  `.execute(db);
}
