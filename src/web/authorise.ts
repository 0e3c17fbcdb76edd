/**
 * Who may open what, decided on every request from what GitHub says about the signed-in user now
 * (asked with the user's own token, cached for a few minutes):
 *
 * - tenants: the stored, live installations of this app that GitHub lists for the user
 *   (`/user/installations`); never another installation's data;
 * - identity: the GitHub user id the session was opened for, checked against `/user` (which also
 *   gives the login now: a login can change hands, an id never does, so no decision rests on the
 *   login the session was opened with);
 * - role: an organisation owner (`/user/memberships/orgs/{org}` role `admin`, state `active`; for an
 *   installation on a user account, the user whose id is that account's) sees the organisation, every configured team and
 *   every person; a maintainer of a team configured in `.github/unsung.yml` (that GitHub team's
 *   membership role `maintainer`) sees that team and its people; everyone sees their own packet;
 *   anything else is "not found", whether or not it exists;
 * - repositories: public ones, and the private ones GitHub lists for the user in that installation
 *   (`/user/installations/{id}/repositories`) — reports cover exactly these.
 */
import type { Kysely } from "kysely";
import { reportConfig } from "../services/build-reports.js";
import { listTenants, tenantRepositories, type Tenant, type TenantRepository } from "../services/tenants.js";
import type { DB } from "../store/schema.js";
import { TokenRejectedError, type UserApi } from "./github-user.js";

export type Role = "owner" | "member";

export interface TenantAccess {
  tenant: Tenant;
  role: Role;
  /** Configured team slugs the user maintains. */
  maintains: string[];
  /** The organisation's configured teams: slug → logins. */
  teams: Record<string, string[]>;
  /** Repositories the user can read now: reports cover these and nothing else. */
  readable: TenantRepository[];
}

export type Page = { kind: "person"; login: string } | { kind: "team"; slug: string } | { kind: "org" } | { kind: "ops" };

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The decision itself: pure, so it can be tested as a matrix. */
export function mayOpen(access: TenantAccess, viewerLogin: string, page: Page): boolean {
  const owner = access.role === "owner";
  switch (page.kind) {
    case "person":
      if (same(page.login, viewerLogin) || owner) return true;
      return access.maintains.some((slug) => (access.teams[slug] ?? []).some((l) => same(l, page.login)));
    case "team":
      if (!Object.hasOwn(access.teams, page.slug)) return false;
      return owner || access.maintains.includes(page.slug);
    case "org":
    case "ops":
      return owner;
  }
}

/** What a user may open next, as pages (their own packet first). */
export function openablePages(access: TenantAccess, viewerLogin: string): Page[] {
  const pages: Page[] = [{ kind: "person", login: viewerLogin }];
  if (access.role === "owner") pages.push({ kind: "org" }, { kind: "ops" });
  const slugs = access.role === "owner" ? Object.keys(access.teams) : access.maintains;
  for (const slug of [...slugs].sort()) pages.push({ kind: "team", slug });
  const people = new Set<string>();
  for (const slug of slugs) for (const l of access.teams[slug] ?? []) if (!same(l, viewerLogin)) people.add(l);
  for (const l of [...people].sort((a, b) => a.localeCompare(b))) pages.push({ kind: "person", login: l });
  return pages;
}

/** The tenant a request is about: the one named by `org`, else the first. Null: not one of the user's. */
export function chooseTenant(list: TenantAccess[], org: string | null): TenantAccess | null {
  if (org === null || org === "") return list[0] ?? null;
  return list.find((a) => same(a.tenant.login, org)) ?? null;
}

export const ACCESS_TTL_MS = 5 * 60 * 1000;
const TEAM_CHECKS_AT_ONCE = 4;

export interface AccessDeps {
  db: Kysely<DB>;
  api: UserApi;
  now: () => Date;
  ttlMs?: number;
}

/** Who the signed-in user is now, by GitHub's answer, and what they may see in each organisation. */
export interface ViewerAccess {
  userId: number;
  /** The user's login now (GitHub's answer, not the one the session was opened with). */
  login: string;
  tenants: TenantAccess[];
}

/** Resolves (and briefly caches, per user) what GitHub says a user may see. Failures are never cached. */
export class AccessResolver {
  private readonly cache = new Map<number, { at: number; value: ViewerAccess }>();
  private readonly ttl: number;

  constructor(private readonly deps: AccessDeps) {
    this.ttl = deps.ttlMs ?? ACCESS_TTL_MS;
  }

  forget(userId: number): void {
    this.cache.delete(userId);
  }

  async resolve(viewer: { userId: number; token: string }): Promise<ViewerAccess> {
    const now = this.deps.now().getTime();
    const hit = this.cache.get(viewer.userId);
    if (hit && now - hit.at < this.ttl) return hit.value;
    const value = await this.ask(viewer);
    if (this.cache.size >= 10_000) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(viewer.userId, { at: now, value });
    return value;
  }

  private async ask(viewer: { userId: number; token: string }): Promise<ViewerAccess> {
    const { db, api } = this.deps;
    const me = await api.user(viewer.token);
    // A token that now speaks for another account: the session is not this user's any more.
    if (me.id !== viewer.userId) throw new TokenRejectedError("the sign-in belongs to another account");
    const theirs = new Map((await api.installations(viewer.token)).map((i) => [i.id, i]));
    const tenants = (await listTenants(db)).filter((t) => t.installationId !== null && t.deletedAt === null && theirs.has(t.installationId));
    const out: TenantAccess[] = [];
    for (const tenant of tenants) {
      const installation = theirs.get(tenant.installationId!)!;
      let role: Role = "member";
      if (installation.accountType === "User") {
        // Installed on a user account: its owner is the user with that account's id (not its login).
        if (installation.accountId === me.id) role = "owner";
      } else {
        const m = await api.orgMembership(viewer.token, tenant.login);
        if (m && m.state === "active" && m.role === "admin") role = "owner";
      }
      const config = await reportConfig(db, tenant);
      const teams: Record<string, string[]> = {};
      for (const [slug, logins] of Object.entries(config?.teams ?? {})) if (Array.isArray(logins)) teams[slug] = logins.filter((l) => typeof l === "string");
      const maintains: string[] = [];
      if (role !== "owner" && installation.accountType !== "User") {
        const queue = Object.keys(teams);
        const worker = async () => {
          for (let slug = queue.shift(); slug !== undefined; slug = queue.shift()) {
            const m = await api.teamMembership(viewer.token, tenant.login, slug, me.login);
            if (m && m.state === "active" && m.role === "maintainer") maintains.push(slug);
          }
        };
        await Promise.all(Array.from({ length: Math.min(TEAM_CHECKS_AT_ONCE, queue.length) }, worker));
        maintains.sort();
      }
      const repos = await tenantRepositories(db, tenant);
      const privateIds = repos.some((r) => r.private)
        ? new Set((await api.installationRepositories(viewer.token, tenant.installationId!)).filter((r) => r.private).map((r) => r.id))
        : new Set<number>();
      const readable = repos.filter((r) => !r.private || privateIds.has(r.id));
      out.push({ tenant, role, maintains, teams, readable });
    }
    return { userId: me.id, login: me.login, tenants: out };
  }
}
