/**
 * Privacy: a report only ever contains what its reader may see. The caller
 * passes the repositories the report covers (the ones the reader has access
 * to); everything else is dropped here, defensively, whatever the query did.
 */
import type { Annotation, Contribution } from "../model.js";

/** A repository a report covers. */
export interface CoveredRepository {
  /** "owner/name". */
  fullName: string;
  private: boolean;
}

export interface Coverage {
  has(fullName: string | null | undefined, isPrivate: boolean): boolean;
  /**
   * Whether a URL may be shown: links to other sites pass; a link into a repository on GitHub
   * (github.com, or the GitHub Enterprise host the app runs against, in any spelling) must point
   * into a covered repository; a GitHub link that cannot be read is refused.
   */
  allowsUrl(url: string | null | undefined): boolean;
}

/** The hosts whose links name repositories: github.com, and a GitHub Enterprise host ("host" or "host:port") when one is configured. */
export function repositoryHosts(enterpriseHost?: string | null): string[] {
  const hosts = ["github.com"];
  const h = enterpriseHost ? normaliseHost(enterpriseHost.trim().replace(/:\d+$/, "")) : "";
  if (h && !hosts.includes(h)) hosts.push(h);
  return hosts;
}

export function coverageOf(repositories: readonly CoveredRepository[], hosts: readonly string[] = repositoryHosts()): Coverage {
  const known = [...new Set(hosts.map(normaliseHost).filter((h) => h !== ""))];
  const byName = new Map<string, boolean>();
  for (const r of repositories) {
    if (typeof r?.fullName !== "string" || r.fullName.trim() === "") continue;
    const name = r.fullName.trim().toLowerCase();
    // If a name appears twice, the stricter reading (public) wins.
    byName.set(name, (byName.get(name) ?? true) && r.private === true);
  }
  const has = (fullName: string | null | undefined, isPrivate: boolean): boolean => {
    if (typeof fullName !== "string") return false;
    const coveredPrivate = byName.get(fullName.trim().toLowerCase());
    if (coveredPrivate === undefined) return false;
    // A private item in a repository the caller listed as public: the data disagree,
    // so keep the item out rather than risk showing private work.
    return !(isPrivate && !coveredPrivate);
  };
  return {
    has,
    allowsUrl(url) {
      if (url === null || url === undefined || url === "") return true;
      const target = linkTarget(url, known);
      if (target === "elsewhere") return true;
      if (target === "unreadable") return false;
      return byName.has(target.repository.toLowerCase());
    },
  };
}

export function selectCoveredContributions(items: readonly Contribution[], coverage: Coverage): Contribution[] {
  return items.filter((c) => coverage.has(c.repositoryFullName, c.repositoryPrivate === true));
}

/**
 * Annotations said in a repository must come from a covered one; annotations
 * said elsewhere (off-GitHub log entries through the CLI) are kept unless they
 * link into a GitHub repository the report doesn't cover.
 */
export function selectCoveredAnnotations(items: readonly Annotation[], coverage: Coverage): Annotation[] {
  return items.filter((a) => {
    if (a.repositoryFullName !== null && a.repositoryFullName !== undefined) {
      if (!coverage.has(a.repositoryFullName, a.repositoryPrivate === true)) return false;
    } else if (a.repositoryPrivate === true) {
      return false;
    }
    return coverage.allowsUrl(a.link) && coverage.allowsUrl(a.sourceUrl);
  });
}

/** Longer than any link a person writes: not read, so not shown when it could be GitHub's. */
const MAX_URL = 8192;

/** Lower case, no trailing dots, no "www.". */
function normaliseHost(host: string): string {
  return host.toLowerCase().replace(/\.+$/, "").replace(/^www\./, "");
}

type LinkTarget = "elsewhere" | "unreadable" | { repository: string };

function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/**
 * Where a link points: into a repository on one of `hosts` (the web, API, raw and clone
 * addresses, any case, with or without "www.", a port, credentials, a trailing dot, percent
 * escapes or ".git"), somewhere else, or at one of those hosts in a form that cannot be read.
 */
function linkTarget(raw: string, hosts: readonly string[]): LinkTarget {
  const text = raw.trim();
  if (text.length > MAX_URL) return hosts.some((h) => text.toLowerCase().includes(h)) ? "unreadable" : "elsewhere";
  // A clone address in scp form: git@host:owner/name.git.
  const scp = /^[^\s/@:]+@([^\s/:]+):\/*(\S*)$/.exec(text);
  let url = scp ? parseUrl(`ssh://${scp[1]}/${scp[2]}`) : parseUrl(text);
  // No host read ("github.com/o/r", "//host/o/r", "host:8443/o/r" taken for a scheme): as a browser's address bar would.
  if (!url?.hostname) url = parseUrl(`https://${text.replace(/^[\\/]+/, "")}`) ?? url;
  if (!url) return "elsewhere";
  const host = normaliseHost(url.hostname);
  const base = [...hosts, "githubusercontent.com"].find((h) => host === h || host.endsWith(`.${h}`));
  if (!base) return "elsewhere";
  // Non-web schemes keep backslashes in the path; browsers read them as slashes on the web.
  let parts = url.pathname.replace(/\\/g, "/").split("/").filter((p) => p !== "");
  if (host !== base || base === "githubusercontent.com") {
    // api.<host>/repos/o/r, raw.<host>/o/r, codeload.<host>/o/r, raw.githubusercontent.com/o/r, …
    if (parts[0] === "repos") parts = parts.slice(1);
  } else if (parts[0]?.toLowerCase() === "api" && parts[1]?.toLowerCase() === "v3") {
    // The Enterprise API: <host>/api/v3/repos/o/r.
    parts = parts[2]?.toLowerCase() === "repos" ? parts.slice(3) : [];
  }
  if (parts.length < 2) return "elsewhere";
  let owner: string;
  let name: string;
  try {
    owner = decodeURIComponent(parts[0]!);
    name = decodeURIComponent(parts[1]!);
  } catch {
    return "unreadable";
  }
  return { repository: `${owner}/${name.replace(/\.git$/i, "")}` };
}

/** "owner/name" of a link into a repository on github.com (or `hosts`), or null for any other link. */
export function githubRepositoryOf(url: string, hosts: readonly string[] = repositoryHosts()): string | null {
  const t = linkTarget(url, hosts.map(normaliseHost));
  return typeof t === "object" ? t.repository : null;
}
