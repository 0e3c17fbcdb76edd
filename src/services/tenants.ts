/**
 * Tenants: every report, CLI command and (later) web page reads one organisation's data — one
 * GitHub App installation and the repositories it covers. Nothing here merges organisations.
 *
 * A tenant is an installation (`installations` row). Repositories stored without an installation
 * (deliveries replayed from files that carry none) belong to the installation whose account owns
 * them; when no installation owns them, their owner is a tenant of its own, without an installation
 * (so without API access: its private repositories can be shown only to an `--include-private` or
 * `--repos` audience).
 */
import { sql, type Kysely } from "kysely";
import type { DB } from "../store/schema.js";

export interface Tenant {
  /** The installation, or null for repositories stored without one. */
  installationId: number | null;
  /** The organisation's (or user's) login. */
  login: string;
  /** When the installation was deleted (its data waits for its erasure), else null. */
  deletedAt: string | null;
}

/** What the caller named; both absent: the only tenant, when there is just one. */
export interface TenantSelector {
  org?: string | null;
  installationId?: number | null;
}

export class TenantError extends Error {
  override name = "TenantError";
}

/** Every tenant the database holds, deleted installations last. */
export async function listTenants(db: Kysely<DB>): Promise<Tenant[]> {
  const installations = await db
    .selectFrom("installations")
    .select(["id", "account_login", "deleted_at"])
    .orderBy(sql`deleted_at is not null`)
    .orderBy(sql`lower(account_login)`)
    .orderBy("id")
    .execute();
  const owned = new Set(installations.map((i) => i.account_login.toLowerCase()));
  const loose = await db
    .selectFrom("repositories")
    .select(sql<string>`min(owner_login)`.as("login"))
    .where("installation_id", "is", null)
    .groupBy(sql`lower(owner_login)`)
    .orderBy(sql`lower(owner_login)`)
    .execute();
  return [
    ...installations.map((i) => ({ installationId: i.id, login: i.account_login, deletedAt: i.deleted_at })),
    ...loose.filter((r) => !owned.has(r.login.toLowerCase())).map((r) => ({ installationId: null, login: r.login, deletedAt: null })),
  ];
}

/**
 * The one tenant a request is about: the named installation or organisation, else the only live
 * one. Several and none named, or a name that matches none: a TenantError that lists the choices.
 */
export async function resolveTenant(db: Kysely<DB>, selector: TenantSelector): Promise<Tenant> {
  const tenants = await listTenants(db);
  const known = () => (tenants.length ? ` (known: ${tenants.map(describeTenant).join(", ")})` : " (the database holds no organisation yet)");
  if (selector.installationId !== undefined && selector.installationId !== null) {
    const t = tenants.find((x) => x.installationId === selector.installationId);
    if (!t) throw new TenantError(`no installation ${selector.installationId} is stored${known()}`);
    if (selector.org && t.login.toLowerCase() !== selector.org.toLowerCase()) {
      throw new TenantError(`installation ${selector.installationId} belongs to ${t.login}, not ${selector.org.slice(0, 60)}`);
    }
    return t;
  }
  if (selector.org) {
    const wanted = selector.org.replace(/^@/, "").toLowerCase();
    // A re-installed organisation has its old (deleted) installation too: the live one first.
    const t = tenants.find((x) => x.login.toLowerCase() === wanted);
    if (!t) throw new TenantError(`no organisation "${selector.org.slice(0, 60)}" is stored${known()}`);
    return t;
  }
  const live = tenants.filter((t) => t.deletedAt === null);
  if (live.length === 1) return live[0]!;
  if (live.length === 0 && tenants.length === 1) return tenants[0]!;
  if (!tenants.length) throw new TenantError("the database holds no organisation yet");
  throw new TenantError(`this database holds ${live.length || tenants.length} organisations: say which with --org LOGIN or --installation ID${known()}`);
}

export function describeTenant(t: Tenant): string {
  return t.installationId === null ? `${t.login} (no installation)` : `${t.login} (installation ${t.installationId}${t.deletedAt ? ", uninstalled" : ""})`;
}

export interface TenantRepository {
  id: number;
  ownerLogin: string;
  name: string;
  fullName: string;
  private: boolean;
  removed: boolean;
}

/** The tenant's repositories (removed ones included when asked), by name. */
export async function tenantRepositories(db: Kysely<DB>, tenant: Tenant, options: { includeRemoved?: boolean } = {}): Promise<TenantRepository[]> {
  let q = db
    .selectFrom("repositories")
    .select(["id", "owner_login", "name", "full_name", "private", "removed_at"])
    .where((eb) =>
      tenant.installationId === null
        ? eb.and([eb("installation_id", "is", null), eb(sql`lower(owner_login)`, "=", tenant.login.toLowerCase())])
        : eb.or([
            eb("installation_id", "=", tenant.installationId),
            eb.and([eb("installation_id", "is", null), eb(sql`lower(owner_login)`, "=", tenant.login.toLowerCase())]),
          ]),
    );
  if (!options.includeRemoved) q = q.where("removed_at", "is", null);
  const rows = await q.orderBy("full_name").execute();
  return rows.map((r) => ({ id: r.id, ownerLogin: r.owner_login, name: r.name, fullName: r.full_name, private: r.private, removed: r.removed_at !== null }));
}
