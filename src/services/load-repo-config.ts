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
  if (!repo || !gh) return { config: null, detector: defaultDetectorConfig, errors: [] };

  const [orgText, repoText] = await Promise.all([
    repo.name === ".github" ? Promise.resolve(null) : fetchText(gh, repo.owner_login, ".github"),
    fetchText(gh, repo.owner_login, repo.name),
  ]);
  const errors: ConfigIssue[] = [];
  const org = orgText === null ? null : parseRepoConfig(orgText);
  const own = repoText === null ? null : parseRepoConfig(repoText);
  if (org) errors.push(...org.errors.map((e) => ({ ...e, message: `${repo.owner_login}/.github: ${e.message}` })));
  if (own) errors.push(...own.errors);
  const config = org?.config || own?.config ? mergeConfigs(org?.config ?? null, own?.config ?? null) : null;
  await deps.db
    .insertInto("repo_configs")
    .values({
      repository_id: repositoryId,
      source: [orgText !== null ? `${repo.owner_login}/.github` : null, repoText !== null ? repo.full_name : null].filter(Boolean).join(" + ") || "defaults",
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
