/**
 * What a report covers: the tenant it is about, the repositories its audience may see (public,
 * all, named, or what GitHub says a reader can read now), and the tenant's configuration and
 * when its records begin. Never another organisation's.
 */
import { sql, type Kysely } from "kysely";
import { mergeConfigs, type UnsungConfig } from "../config/repo-config.js";
import type { CoveredRepository } from "../core/report/index.js";
import type { GitHubClientFactory } from "../github/clients.js";
import type { DB } from "../store/schema.js";
import { accessNote, readableRepositories, ReaderAccessError, type ReaderAccessCache } from "./reader-access.js";
import { resolveTenant, tenantRepositories, TenantError, type Tenant, type TenantRepository, type TenantSelector } from "./tenants.js";
import { ReportError } from "./report-error.js";

/** Who will read the report: decides which private repositories it may cover. */
export type Audience = { kind: "public" } | { kind: "all" } | { kind: "reader"; login: string } | { kind: "repos"; fullNames: string[] };

/** Which organisation a report is about, and what deciding a reader's access needs. */
export interface ReportOptions {
  /** The tenant (or how to find it); default: the only one the database holds. */
  tenant?: Tenant | TenantSelector;
  /** Installation clients, to ask GitHub what a reader may see (without them: public repositories only). */
  clients?: GitHubClientFactory;
  accessCache?: ReaderAccessCache;
  /** The GitHub Enterprise host the app runs against (GHE_HOST), whose links are held to coverage as github.com's are. */
  enterpriseHost?: string | null;
}

/** What a report covers: repositories (names and ids), and a sentence when access could not be checked. */
export interface ReportCoverage {
  tenant: Tenant;
  covered: CoveredRepository[];
  repositoryIds: number[];
  note: string | null;
}

const isTenant = (t: Tenant | TenantSelector | undefined): t is Tenant => typeof (t as Tenant | undefined)?.login === "string" && "deletedAt" in (t as Tenant);

/** The tenant of a request: the one given, or resolved (errors as ReportError). */
export async function reportTenant(db: Kysely<DB>, tenant: Tenant | TenantSelector | undefined): Promise<Tenant> {
  if (isTenant(tenant)) return tenant;
  try {
    return await resolveTenant(db, tenant ?? {});
  } catch (err) {
    if (err instanceof TenantError) throw new ReportError(err.message);
    throw err;
  }
}

/**
 * The repositories a report for `audience` covers, all of them the tenant's (never another
 * organisation's). A reader sees public repositories and the private ones GitHub says they can
 * read now (src/services/reader-access.ts); what could not be checked is left out and said.
 */
export async function reportCoverage(db: Kysely<DB>, audience: Audience, options: ReportOptions = {}): Promise<ReportCoverage> {
  const tenant = await reportTenant(db, options.tenant);
  const repos = await tenantRepositories(db, tenant);
  const of = (list: TenantRepository[], note: string | null = null): ReportCoverage => ({
    tenant,
    covered: list.map((r) => ({ fullName: r.fullName, private: r.private })),
    repositoryIds: list.map((r) => r.id),
    note,
  });
  switch (audience.kind) {
    case "all":
      return of(repos);
    case "public":
      return of(repos.filter((r) => !r.private));
    case "repos": {
      const want = new Set(audience.fullNames.map((n) => n.toLowerCase()));
      const unknown = audience.fullNames.filter((n) => !repos.some((r) => r.fullName.toLowerCase() === n.toLowerCase()));
      if (unknown.length) throw new ReportError(`unknown repositories: ${unknown.map((n) => n.slice(0, 100)).join(", ")} (not ${tenant.login}'s)`);
      return of(repos.filter((r) => want.has(r.fullName.toLowerCase())));
    }
    case "reader": {
      const login = audience.login.replace(/^@/, "");
      let access;
      try {
        access = await readableRepositories({ db, clients: options.clients ?? (async () => null), now: () => new Date(), ...(options.accessCache ? { cache: options.accessCache } : {}) }, tenant, login);
      } catch (err) {
        if (err instanceof ReaderAccessError) throw new ReportError(err.message);
        throw err;
      }
      return of(access.readable, accessNote(login, access));
    }
  }
}

/** The covered repositories alone (see reportCoverage). */
export async function coveredRepositories(db: Kysely<DB>, audience: Audience, options: ReportOptions = {}): Promise<CoveredRepository[]> {
  return (await reportCoverage(db, audience, options)).covered;
}

/**
 * The tenant's configuration as last fetched: its `.github` repository's, then its other
 * repositories' teams. Never another organisation's.
 */
export async function reportConfig(db: Kysely<DB>, tenant?: Tenant | TenantSelector): Promise<UnsungConfig | null> {
  const t = await reportTenant(db, tenant);
  const ids = (await tenantRepositories(db, t)).map((r) => r.id);
  if (!ids.length) return null;
  const rows = await db
    .selectFrom("repo_configs")
    .select(["source", "config"])
    .where("repository_id", "=", sql<number>`any(${ids}::bigint[])`)
    .orderBy("repository_id")
    .execute();
  const orgWide = `${t.login.toLowerCase()}/.github`;
  let merged: UnsungConfig | null = null;
  for (const r of rows.sort((a, b) => Number(b.source.toLowerCase().includes(orgWide)) - Number(a.source.toLowerCase().includes(orgWide)))) {
    const c = r.config as UnsungConfig | null;
    if (c) merged = merged ? mergeConfigs(merged, { teams: c.teams } as UnsungConfig) : c;
  }
  return merged;
}

/** When the tenant's records begin: the earliest review, comment or CI run received in its repositories. */
export async function recordsBegin(db: Kysely<DB>, tenant?: Tenant | TenantSelector): Promise<string | null> {
  const t = await reportTenant(db, tenant);
  const ids = (await tenantRepositories(db, t, { includeRemoved: true })).map((r) => r.id);
  if (!ids.length) return null;
  const r = await sql<{ first: string | null }>`
    select least(
      (select min(submitted_at) from reviews where repository_id = any(${ids}::bigint[])),
      (select min(created_at) from issue_comments where repository_id = any(${ids}::bigint[])),
      (select min(created_at) from workflow_runs where repository_id = any(${ids}::bigint[]))
    ) as first`.execute(db);
  const first = r.rows[0]?.first ?? null;
  return first === null ? null : new Date(first).toISOString();
}
