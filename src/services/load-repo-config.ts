/**
 * A repository's effective configuration: the org-wide `.github/unsung.yml`
 * (in the org's `.github` repository) overridden by the repository's own.
 * Fetched through the installation's client, cached for an hour, and never
 * fatal: an invalid file is reported and the defaults apply.
 */
import type { Kysely } from "kysely";
import { sql } from "kysely";
import { defaultDetectorConfig, type DetectorConfig } from "../core/detect/config.js";
import { mergeConfigs, parseRepoConfig, toDetectorConfig, type ConfigIssue, type UnsungConfig } from "../config/repo-config.js";
import type { GitHub, GitHubClientFactory } from "../github/clients.js";
import type { DB } from "../store/schema.js";

export const CONFIG_PATH = ".github/unsung.yml";
const TTL_MS = 60 * 60 * 1000;

export interface LoadedConfig {
  config: UnsungConfig | null;
  detector: DetectorConfig;
  errors: ConfigIssue[];
}

interface Deps {
  db: Kysely<DB>;
  clients: GitHubClientFactory;
  now: () => Date;
}

export async function loadRepoConfig(deps: Deps, repositoryId: number): Promise<LoadedConfig> {
  const cached = await deps.db.selectFrom("repo_configs").selectAll().where("repository_id", "=", repositoryId).executeTakeFirst();
  if (cached && deps.now().getTime() - new Date(cached.fetched_at).getTime() < TTL_MS) {
    const config = cached.config as UnsungConfig | null;
    return { config, detector: toDetectorConfig(config), errors: cached.errors as ConfigIssue[] };
  }
  const repo = await deps.db.selectFrom("repositories").selectAll().where("id", "=", repositoryId).executeTakeFirst();
  const gh = repo?.installation_id ? await deps.clients(repo.installation_id) : null;
  if (!repo || !gh) {
    // Nothing to fetch it with (a backfill run with a personal token, or no credentials): what was last read beats the defaults.
    if (cached) return { config: cached.config as UnsungConfig | null, detector: toDetectorConfig(cached.config as UnsungConfig | null), errors: cached.errors as ConfigIssue[] };
    return { config: null, detector: defaultDetectorConfig, errors: [] };
  }

  const [orgText, repoText] = await Promise.all([
    repo.name === ".github" ? Promise.resolve(null) : fetchText(gh, repo.owner_login, ".github"),
    fetchText(gh, repo.owner_login, repo.name),
  ]);
  return saveRepoConfig(deps, { id: repositoryId, ownerLogin: repo.owner_login, fullName: repo.full_name }, orgText, repoText);
}

/**
 * Parses the organisation's and the repository's `.github/unsung.yml` texts (null: no file),
 * caches the merged result for the detectors, and returns it. The backfill reads both texts in
 * its first GraphQL query and stores them here, so detectors do not fetch them again.
 */
export async function saveRepoConfig(
  deps: Pick<Deps, "db" | "now">,
  repo: { id: number; ownerLogin: string; fullName: string },
  orgText: string | null,
  repoText: string | null,
): Promise<LoadedConfig> {
  const { config, errors } = mergeConfigTexts(repo.ownerLogin, orgText, repoText);
  await deps.db
    .insertInto("repo_configs")
    .values({
      repository_id: repo.id,
      source: [orgText !== null ? `${repo.ownerLogin}/.github` : null, repoText !== null ? repo.fullName : null].filter(Boolean).join(" + ") || "defaults",
      config: JSON.stringify(config),
      errors: JSON.stringify(errors),
      fetched_at: deps.now().toISOString(),
    })
    .onConflict((oc) =>
      oc.column("repository_id").doUpdateSet({ source: sql`excluded.source`, config: sql`excluded.config`, errors: sql`excluded.errors`, fetched_at: sql`excluded.fetched_at` }),
    )
    .execute();
  return { config, detector: toDetectorConfig(config), errors };
}

/** The effective configuration of the two texts (null: no file), and what is wrong with them. Pure. */
export function mergeConfigTexts(ownerLogin: string, orgText: string | null, repoText: string | null): { config: UnsungConfig | null; errors: ConfigIssue[] } {
  const errors: ConfigIssue[] = [];
  const org = orgText === null ? null : parseRepoConfig(orgText);
  const own = repoText === null ? null : parseRepoConfig(repoText);
  if (org) errors.push(...org.errors.map((e) => ({ ...e, message: `${ownerLogin}/.github: ${e.message}` })));
  if (own) errors.push(...own.errors);
  const config = org?.config || own?.config ? mergeConfigs(org?.config ?? null, own?.config ?? null) : null;
  return { config, errors };
}

/** The cached configuration of a repository, however old (null: none cached). */
export async function cachedRepoConfig(db: Kysely<DB>, repositoryId: number): Promise<{ config: UnsungConfig | null; fetchedAt: string } | null> {
  const cached = await db.selectFrom("repo_configs").select(["config", "fetched_at"]).where("repository_id", "=", repositoryId).executeTakeFirst();
  return cached ? { config: cached.config as UnsungConfig | null, fetchedAt: cached.fetched_at } : null;
}

/** How long a cached configuration is trusted. */
export const CONFIG_TTL_MS = TTL_MS;

/** The file's text, or null when it does not exist. Other errors propagate (the job retries). */
async function fetchText(gh: GitHub, owner: string, repo: string): Promise<string | null> {
  try {
    const res = await gh.request("GET /repos/{owner}/{repo}/contents/{path}", { owner, repo, path: CONFIG_PATH });
    const data = res.data as { type?: string; encoding?: string; content?: string; size?: number };
    if (data.type !== "file" || typeof data.content !== "string") return null;
    return Buffer.from(data.content, data.encoding === "base64" ? "base64" : "utf8").toString("utf8");
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status === 404 || status === 403) return null;
    throw err;
  }
}

/** Forgets cached configuration (after a push to the default branch may have changed it). */
export async function forgetRepoConfig(db: Kysely<DB>, repositoryId: number | null): Promise<void> {
  let q = db.deleteFrom("repo_configs");
  if (repositoryId !== null) q = q.where("repository_id", "=", repositoryId);
  await q.execute();
}
