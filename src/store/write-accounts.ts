/** Installations, people and their emails, and repositories: the first facts of a batch, versioned by when they were seen. */
import { sql } from "kysely";
import type { FactBatch } from "../github/normalise-delivery.js";
import { takeIncoming } from "./take-incoming.js";
import { chunks, eb_excluded, json, lastByKey, type Tx } from "./write-shared.js";

export async function writeAccounts(db: Tx, b: FactBatch, seenAt: string): Promise<void> {
  if (b.installations.length) {
    await db
      .insertInto("installations")
      .values(
        lastByKey(b.installations, (r) => r.id).map((r) => ({
          id: r.id,
          account_id: r.accountId,
          account_login: r.accountLogin,
          account_type: r.accountType,
          repository_selection: r.repositorySelection,
          permissions: json(r.permissions),
          events: json(r.events),
          suspended_at: r.suspendedAt,
          deleted_at: r.deletedAt,
          updated_at: seenAt,
        })),
      )
      .onConflict((oc) =>
        oc
          .column("id")
          .doUpdateSet(
            takeIncoming("installations", "account_id", "account_login", "account_type", "repository_selection", "permissions", "events", "suspended_at", "deleted_at", "updated_at"),
          )
          .where("installations.updated_at", "<=", eb_excluded("updated_at")),
      )
      .execute();
  }

  if (b.people.length) {
    const rows = lastByKey(b.people, (r) => r.id);
    await db
      .insertInto("people")
      .values(
        rows.map((r) => ({
          id: r.id,
          login: r.login,
          type: r.type,
          is_bot: r.isBot,
          is_ghost: r.isGhost,
          name: r.name,
          previous_logins: "[]",
          seen_at: seenAt,
        })),
      )
      .onConflict((oc) =>
        oc
          .column("id")
          .doUpdateSet({
            ...takeIncoming("people", "login", "type", "is_bot", "is_ghost", "seen_at"),
            // Logins can change: keep the newest, remember the old ones.
            previous_logins: sql`case when people.login <> excluded.login and not people.previous_logins ? people.login
              then people.previous_logins || to_jsonb(people.login) else people.previous_logins end`,
            name: sql`coalesce(excluded.name, people.name)`,
          })
          .where("people.seen_at", "<=", eb_excluded("seen_at")),
      )
      .execute();
  }

  if (b.emails.length) {
    await db
      .insertInto("person_emails")
      .values(lastByKey(b.emails, (r) => r.email).map((r) => ({ email: r.email, person_id: r.personId, seen_at: seenAt })))
      .onConflict((oc) => oc.column("email").doUpdateSet({ person_id: sql`excluded.person_id`, seen_at: sql`excluded.seen_at` }))
      .execute();
  }

  // An installation on a large organisation lists thousands of repositories: write them in
  // parts, since one statement may carry at most 65,535 parameters.
  for (const part of chunks(lastByKey(b.repositories, (r) => r.id), 2_000)) {
    await db
      .insertInto("repositories")
      .values(
        part.map((r) => ({
          id: r.id,
          installation_id: r.installationId,
          owner_login: r.ownerLogin,
          name: r.name,
          full_name: r.fullName,
          private: r.private,
          default_branch: r.defaultBranch,
          html_url: r.htmlUrl,
          archived: r.archived,
          removed_at: r.removedAt,
          updated_at: seenAt,
        })),
      )
      .onConflict((oc) =>
        oc
          .column("id")
          .doUpdateSet({
            ...takeIncoming("repositories", "owner_login", "name", "full_name", "private", "html_url", "archived", "removed_at", "updated_at"),
            installation_id: sql`coalesce(excluded.installation_id, repositories.installation_id)`,
            // Installation payloads list repositories without a default branch: keep what we know.
            default_branch: sql`case when excluded.default_branch = 'main' then repositories.default_branch else excluded.default_branch end`,
          })
          .where("repositories.updated_at", "<=", eb_excluded("updated_at")),
      )
      .execute();
  }
}
