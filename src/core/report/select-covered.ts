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
  /**
   * Free text with every link (or `owner/name#123` reference) into a GitHub repository the
   * report does not cover replaced by a placeholder: what someone wrote must not name a
   * repository its reader may not see.
   */
  redactText(text: string): string;
}

/** What replaces a link in free text into a repository the report does not cover. */
export const REDACTED_LINK = "[link to a repository this report does not cover]";

/** Characters that end a link written in running text (besides white space). */
const LINK_END = /[\s<>()[\]{}"'`|]/;
/** Punctuation that closes a sentence after a link rather than belonging to it. */
const TRAILING = /[.,;:!?*_~]+$/;
/**
 * `owner/name`, as GitHub links it in comments (`owner/name#123`, `owner/name@sha`) or as a bare
 * name: with a reference it is redacted whoever the owner; bare, only when the owner is one whose
 * repositories the report covers (an organisation's own repository named in passing).
 */
const REPO_NAME = /(?<![\w./@-])([A-Za-z0-9][A-Za-z0-9-]{0,38})\/([A-Za-z0-9._-]{1,100})(#\d+|@[0-9a-f]{7,40}\b)?(?![\w/-])/g;

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
  const owners = new Set([...byName.keys()].map((n) => n.split("/")[0]!));
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
    redactText(text) {
      return redactLinks(text, known, (name) => byName.has(name.toLowerCase()), owners);
    },
  };
}

/**
 * Replaces, in `text`, each link at one of `hosts` (or githubusercontent.com) that does not lead
 * into a repository `covered` accepts, and each name of such a repository (see REPO_NAME).
 */
function redactLinks(text: string, hosts: readonly string[], covered: (fullName: string) => boolean, owners: ReadonlySet<string>): string {
  const lower = text.toLowerCase();
  const needles = [...hosts, "githubusercontent.com"];
  if (!needles.some((h) => lower.includes(h)) && !text.includes("/")) return text;
  const spans: [number, number][] = [];
  for (const h of needles) {
    for (let at = lower.indexOf(h); at !== -1; at = lower.indexOf(h, at + h.length)) {
      let start = at;
      while (start > 0 && !LINK_END.test(text[start - 1]!)) start--;
      let end = at + h.length;
      while (end < text.length && !LINK_END.test(text[end]!)) end++;
      const candidate = text.slice(start, end).replace(TRAILING, "");
      const t = linkTarget(candidate, hosts);
      if (t !== "elsewhere" && !(typeof t === "object" && covered(t.repository))) spans.push([start, start + candidate.length]);
      // The whole token is read once, whichever mention of the host found it.
      at = end - h.length;
    }
  }
  for (const m of text.matchAll(REPO_NAME)) {
    const name = `${m[1]}/${m[2]!.replace(/\.+$/, "")}`;
    if ((m[3] || owners.has(m[1]!.toLowerCase())) && !covered(name)) spans.push([m.index, m.index + name.length + (m[3]?.length ?? 0)]);
  }
  if (!spans.length) return text;
  spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let out = "";
  let pos = 0;
  for (const [a, b] of spans) {
    if (a < pos) {
      pos = Math.max(pos, b); // overlaps a span already replaced
      continue;
    }
    out += text.slice(pos, a) + REDACTED_LINK;
    pos = b;
  }
  return out + text.slice(pos);
}

export function selectCoveredContributions(items: readonly Contribution[], coverage: Coverage): Contribution[] {
  return items.filter((c) => coverage.has(c.repositoryFullName, c.repositoryPrivate === true));
}

/**
 * Annotations said in a repository must come from a covered one; annotations
 * said elsewhere (off-GitHub log entries through the CLI or the dashboard) are kept unless they
 * link into a GitHub repository the report doesn't cover. Links in their text into such a
 * repository are replaced by a placeholder.
 */
export function selectCoveredAnnotations(items: readonly Annotation[], coverage: Coverage): Annotation[] {
  return items.filter((a) => {
    if (a.repositoryFullName !== null && a.repositoryFullName !== undefined) {
      if (!coverage.has(a.repositoryFullName, a.repositoryPrivate === true)) return false;
    } else if (a.repositoryPrivate === true) {
      return false;
    }
    return coverage.allowsUrl(a.link) && coverage.allowsUrl(a.sourceUrl);
  }).map((a) => {
    const text = coverage.redactText(a.text);
    return text === a.text ? a : { ...a, text };
  });
}

/** Longer than any link a person writes: not read, so not shown when it could be GitHub's. */
const MAX_URL = 8192;

/** Lower case, no trailing dots, no "www.". */
function normaliseHost(host: string): string {
  return host.toLowerCase().replace(/\.+$/, "").replace(/^www\./, "");
}

/** Subdomains of github.com (or the Enterprise host) whose paths name repositories. */
const REPOSITORY_SUBDOMAINS = new Set(["api", "raw", "codeload", "media", "uploads", "objects"]);

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
  // Of a GitHub host's own subdomains, only these address repositories (docs., gist., … do not).
  if (host !== base && base !== "githubusercontent.com" && !REPOSITORY_SUBDOMAINS.has(host.slice(0, -base.length - 1))) return "elsewhere";
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
