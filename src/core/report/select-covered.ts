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
  /** Whether a URL may be shown: non-GitHub URLs pass; github.com URLs must point into a covered repository. */
  allowsUrl(url: string | null | undefined): boolean;
}

export function coverageOf(repositories: readonly CoveredRepository[]): Coverage {
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
      const repo = githubRepositoryOf(url);
      if (repo === null) return true;
      return byName.has(repo.toLowerCase());
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

/** "owner/name" of a github.com URL, or null for any other URL. */
export function githubRepositoryOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  const host = parsed.hostname.toLowerCase();
  if (host !== "github.com" && host !== "www.github.com") return null;
  const parts = parsed.pathname.split("/").filter((p) => p !== "");
  if (parts.length < 2) return null;
  return `${decodeURIComponent(parts[0] ?? "")}/${decodeURIComponent(parts[1] ?? "")}`;
}
