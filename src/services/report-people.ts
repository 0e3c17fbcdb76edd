/**
 * Who a report is about: people found by login or by GitHub user id, and the people a team
 * report may list (each once, none who opted out, configured logins never seen as a note).
 */
import { sql, type Kysely } from "kysely";
import type { UnsungConfig } from "../config/repo-config.js";
import type { DB } from "../store/schema.js";
import { ReportError } from "./report-error.js";

export async function findPerson(db: Kysely<DB>, login: string): Promise<{ id: number; login: string; name: string | null }> {
  const l = login.replace(/^@/, "").toLowerCase();
  const p =
    (await db.selectFrom("people").select(["id", "login", "name"]).where(sql`lower(login)`, "=", l).orderBy("seen_at", "desc").executeTakeFirst()) ??
    (await db
      .selectFrom("people")
      .select(["id", "login", "name"])
      .where(sql<boolean>`previous_logins @> ${JSON.stringify([login.replace(/^@/, "")])}::jsonb`)
      .executeTakeFirst());
  if (!p) throw new ReportError(`no one with the login "${login.slice(0, 60)}" has been seen in this organisation`);
  return p;
}

/** A person by GitHub user id (what a signed-in user is: logins change hands, ids never do), or null. */
export async function findPersonById(db: Kysely<DB>, id: number): Promise<{ id: number; login: string; name: string | null } | null> {
  const p = await db.selectFrom("people").select(["id", "login", "name"]).where("id", "=", id).executeTakeFirst();
  return p ? { id: Number(p.id), login: p.login, name: p.name } : null;
}

/**
 * The people a team report may list: each once, none who opted out (by `/unsung opt-out`, or by
 * the configuration's `exclude`). Left out without a word: an opt-out is nobody's business.
 */
export async function withoutOptedOut<P extends { id: number; login: string }>(db: Kysely<DB>, people: P[], config: UnsungConfig | null): Promise<P[]> {
  if (!people.length) return people;
  const ids = [...new Set(people.map((p) => Number(p.id)))];
  const out = new Set(
    (await db.selectFrom("opt_outs").select("person_id").where("opted_out", "=", true).where("person_id", "=", sql<number>`any(${ids}::bigint[])`).execute()).map((r) => Number(r.person_id)),
  );
  const excluded = new Set((config?.exclude ?? []).map((l) => l.toLowerCase()));
  const seen = new Set<number>();
  return people.filter((p) => {
    const id = Number(p.id);
    if (out.has(id) || excluded.has(p.login.toLowerCase()) || seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/** The configuration note for a team's logins never seen in this organisation (at most ten named), or null. */
export function unseenNote(slug: string, unseen: readonly string[]): string | null {
  if (!unseen.length) return null;
  const named = unseen.slice(0, 10).map((l) => `@${l.slice(0, 39)}`).join(", ");
  const more = unseen.length > 10 ? ` and ${unseen.length - 10} more` : "";
  const they = unseen.length === 1 ? "login has" : "logins have";
  return `${unseen.length} ${they} been configured for team ${slug.slice(0, 60)} in .github/unsung.yml but not seen in this organisation, so ${unseen.length === 1 ? "it is" : "they are"} not listed: ${named}${more}.`;
}

