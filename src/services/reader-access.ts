/**
 * Which private repositories a reader may see, asked of GitHub — never guessed from past
 * activity. For each private repository of the reader's organisation (the tenant), the
 * installation's client asks GitHub for the reader's permission on it
 * (`GET /repos/{owner}/{repo}/collaborators/{username}/permission`, which needs only the
 * Metadata permission every app has). `admin`, `write` and `read` (GitHub maps maintain and triage
 * onto these) may read; `none` or 404 may not. Anything else — no credentials, the API down, a
 * 403, a malformed answer — counts as "may not" (fail closed) and is reported as unchecked.
 *
 * Answers are cached briefly (default 5 minutes) in memory, per installation, repository and
 * reader: a report, or a dashboard's pages, do not ask again for every view. Failures are never cached.
 *
 * Reusable: `readableRepositories(deps, tenant, login)` is all a caller (report CLI, web dashboard)
 * needs; the dashboard keeps one ReaderAccessCache for its process.
 */
import type { GitHub, GitHubClientFactory } from "../github/clients.js";
import type { Kysely } from "kysely";
import type { DB } from "../store/schema.js";
import { tenantRepositories, type Tenant, type TenantRepository } from "./tenants.js";

/** GitHub logins: 1–39 letters, digits or single hyphens, not starting or ending with one. */
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

export function isGitHubLogin(login: string): boolean {
  return LOGIN.test(login);
}

export const DEFAULT_ACCESS_TTL_MS = 5 * 60 * 1000;
const CHECKS_AT_ONCE = 8;

/** One answer: GitHub said yes or no. */
type Answer = { readable: boolean; at: number };

/** A small in-memory cache of GitHub's answers (bounded; the oldest are forgotten first). */
export class ReaderAccessCache {
  private readonly entries = new Map<string, Answer>();
  constructor(
    readonly ttlMs = DEFAULT_ACCESS_TTL_MS,
    private readonly max = 50_000,
  ) {}

  get(key: string, now: number): boolean | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (now - hit.at >= this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.readable;
  }

  set(key: string, readable: boolean, now: number): void {
    if (this.entries.size >= this.max) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { readable, at: now });
  }
}

export interface ReaderAccessDeps {
  db: Kysely<DB>;
  clients: GitHubClientFactory;
  now: () => Date;
  cache?: ReaderAccessCache;
}

export interface ReaderAccess {
  /** The tenant's public repositories and the private ones GitHub says the reader can read now. */
  readable: TenantRepository[];
  /** Private repositories whose access could not be checked: left out. */
  unchecked: number;
  /** Why they could not be checked (no names of repositories: the reader may not see them). */
  problems: string[];
}

export class ReaderAccessError extends Error {
  override name = "ReaderAccessError";
}

/** The repositories of `tenant` that `login` may read, public ones included. */
export async function readableRepositories(deps: ReaderAccessDeps, tenant: Tenant, login: string): Promise<ReaderAccess> {
  const given = login.replace(/^@/, "");
  if (!isGitHubLogin(given)) throw new ReaderAccessError(`"${login.slice(0, 60)}" is not a GitHub login`);
  // Logins are case-insensitive: one cache entry, one question, whatever the case.
  const reader = given.toLowerCase();
  const repos = await tenantRepositories(deps.db, tenant);
  const publicRepos = repos.filter((r) => !r.private);
  const privateRepos = repos.filter((r) => r.private);
  if (!privateRepos.length) return { readable: publicRepos, unchecked: 0, problems: [] };
  const problems = new Set<string>();
  let gh: GitHub | null = null;
  if (tenant.installationId === null) problems.add("these repositories were stored without an installation, so GitHub cannot be asked");
  else if (tenant.deletedAt !== null) problems.add("the app is no longer installed on the organisation");
  else {
    try {
      gh = await deps.clients(tenant.installationId);
      if (!gh) problems.add("the app has no GitHub credentials here (APP_ID and PRIVATE_KEY)");
    } catch (err) {
      problems.add(`GitHub refused the installation's credentials (${statusOf(err)})`);
    }
  }
  if (!gh) return { readable: publicRepos, unchecked: privateRepos.length, problems: [...problems] };

  const cache = deps.cache;
  const readable: TenantRepository[] = [];
  let unchecked = 0;
  const queue = [...privateRepos];
  const client = gh;
  const worker = async () => {
    for (let repo = queue.shift(); repo; repo = queue.shift()) {
      const key = `${tenant.installationId}:${repo.id}:${reader}`;
      const now = deps.now().getTime();
      let answer = cache?.get(key, now);
      if (answer === undefined) {
        const asked = await askGitHub(client, repo, reader);
        if (asked.ok) {
          answer = asked.readable;
          cache?.set(key, answer, now);
        } else {
          problems.add(asked.problem);
          unchecked += 1;
          continue;
        }
      }
      if (answer) readable.push(repo);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CHECKS_AT_ONCE, privateRepos.length) }, worker));
  readable.sort((a, b) => (a.fullName < b.fullName ? -1 : a.fullName > b.fullName ? 1 : 0));
  return { readable: [...publicRepos, ...readable], unchecked, problems: [...problems] };
}

type Asked = { ok: true; readable: boolean } | { ok: false; problem: string };

const READS = new Set(["admin", "maintain", "write", "triage", "read"]);

async function askGitHub(gh: GitHub, repo: TenantRepository, login: string): Promise<Asked> {
  try {
    const res = await gh.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", { owner: repo.ownerLogin, repo: repo.name, username: login });
    const data = res.data as { permission?: unknown; role_name?: unknown } | null;
    const permission = typeof data?.permission === "string" ? data.permission : null;
    if (permission === null) return { ok: false, problem: "GitHub answered without a permission" };
    return { ok: true, readable: READS.has(permission) };
  } catch (err) {
    // 404: the user does not exist or has no access — a definite no.
    if (statusOf(err) === "404") return { ok: true, readable: false };
    return { ok: false, problem: `GitHub did not answer the access check (${statusOf(err)})` };
  }
}

function statusOf(err: unknown): string {
  const status = (err as { status?: unknown } | null)?.status;
  if (typeof status === "number") return String(status);
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : "no answer";
}

/** The sentence a report adds about access it could not check (counts only, never names). */
export function accessNote(reader: string, access: ReaderAccess): string | null {
  if (!access.unchecked) return null;
  const n = access.unchecked;
  return `GitHub could not be asked whether @${reader} can read ${n} private ${n === 1 ? "repository" : "repositories"} (${access.problems.join("; ")}), so ${n === 1 ? "it is" : "they are"} left out.`;
}

/**
 * Whether `login` may read one repository now (public: yes; private: GitHub is asked, as above).
 * "unchecked" when GitHub could not be asked: callers fail closed.
 */
export async function mayReadRepository(
  deps: Pick<ReaderAccessDeps, "clients" | "now" | "cache">,
  repo: TenantRepository & { installationId: number | null },
  login: string,
): Promise<"yes" | "no" | "unchecked"> {
  if (!repo.private) return "yes";
  const reader = login.replace(/^@/, "").toLowerCase();
  if (!isGitHubLogin(reader) || repo.installationId === null) return "unchecked";
  const key = `${repo.installationId}:${repo.id}:${reader}`;
  const cached = deps.cache?.get(key, deps.now().getTime());
  if (cached !== undefined) return cached ? "yes" : "no";
  let gh: GitHub | null;
  try {
    gh = await deps.clients(repo.installationId);
  } catch {
    return "unchecked";
  }
  if (!gh) return "unchecked";
  const asked = await askGitHub(gh, repo, reader);
  if (!asked.ok) return "unchecked";
  deps.cache?.set(key, asked.readable, deps.now().getTime());
  return asked.readable ? "yes" : "no";
}
