/**
 * What every bundle read shares: people resolved by id (ghost and unknown ids
 * get placeholder refs) and the repository row as a RepositoryFact.
 */
import type { Kysely } from "kysely";
import type { RepositoryFact } from "../core/facts.js";
import type { PersonRef } from "../core/model.js";
import type { DB } from "./schema.js";

type PersonRow = { id: number; login: string; is_bot: boolean };

export class People {
  private byId = new Map<number, PersonRef>();
  constructor(private db: Kysely<DB>) {}
  async load(ids: Iterable<number | null>): Promise<void> {
    const want = [...new Set([...ids].filter((i): i is number => i !== null && !this.byId.has(i)))];
    if (!want.length) return;
    const rows: PersonRow[] = await this.db.selectFrom("people").select(["id", "login", "is_bot"]).where("id", "in", want).execute();
    for (const r of rows) this.byId.set(r.id, { id: r.id, login: r.login, isBot: r.is_bot });
  }
  ref(id: number | null): PersonRef {
    if (id === null) return { id: null, login: "ghost", isBot: false };
    return this.byId.get(id) ?? { id, login: `user-${id}`, isBot: false };
  }
  refOrNull(id: number | null): PersonRef | null {
    return id === null ? null : this.ref(id);
  }
}

export async function findRepository(db: Kysely<DB>, repositoryId: number): Promise<RepositoryFact | null> {
  const r = await db.selectFrom("repositories").selectAll().where("id", "=", repositoryId).executeTakeFirst();
  if (!r) return null;
  return { id: r.id, fullName: r.full_name, private: r.private, defaultBranch: r.default_branch, htmlUrl: r.html_url };
}
