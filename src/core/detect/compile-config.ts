/**
 * Compiles a DetectorConfig once (sets, glob matchers, keyword regexes) and
 * caches the result per config object, so hot paths never re-parse globs.
 */
import picomatch from "picomatch";
import { CHANGE_KINDS, type ChangeKind } from "../model.js";
import type { DetectorConfig } from "./config.js";
import { escapeRegExp } from "./text.js";

/** Why a person's activity is not scored. */
export type ExclusionReason = "self-review" | "bot" | "ai-reviewer" | "opted-out" | "ghost";

/** Files are assigned to the first kind whose globs match, in this order (most specific first). */
export const KIND_PRIORITY: readonly ChangeKind[] = ["template", "ownership", "ci-config", "runbook", "test", "docs"];

export interface CompiledConfig {
  config: DetectorConfig;
  botLogins: Set<string>;
  aiReviewers: Set<string>;
  excluded: Set<string>;
  aiEmails: string[];
  aiNames: Set<string>;
  kindMatchers: { kind: ChangeKind; match: (path: string) => boolean }[];
  ignore: (path: string) => boolean;
  /** Matches any configured flaky keyword as a whole word. */
  flakyKeyword: RegExp;
}

const cache = new WeakMap<DetectorConfig, CompiledConfig>();

/** Lower case, without a trailing "[bot]". */
export function normaliseLogin(login: string): string {
  const l = login.toLowerCase();
  return l.endsWith("[bot]") ? l.slice(0, -5) : l;
}

const NEVER = (): boolean => false;

function matcher(globs: readonly string[]): (path: string) => boolean {
  const usable = globs.filter((g) => typeof g === "string" && g.length > 0);
  if (usable.length === 0) return NEVER;
  return picomatch(usable, { nocase: true, dot: true });
}

export function compileConfig(config: DetectorConfig): CompiledConfig {
  const hit = cache.get(config);
  if (hit) return hit;
  const keywords = config.flakyKeywords.filter((k) => k.trim().length > 0).map((k) => escapeRegExp(k.trim()).replace(/\s+/g, "\\s+"));
  const compiled: CompiledConfig = {
    config,
    botLogins: new Set(config.bots.logins.map(normaliseLogin)),
    aiReviewers: new Set(config.bots.aiReviewers.map(normaliseLogin)),
    excluded: new Set(config.exclude.map(normaliseLogin)),
    aiEmails: config.bots.aiCoAuthorEmails.map((e) => e.toLowerCase()).filter((e) => e.length > 0),
    aiNames: new Set(config.bots.aiCoAuthorNames.map((n) => n.toLowerCase().trim())),
    kindMatchers: KIND_PRIORITY.filter((k) => CHANGE_KINDS.includes(k)).map((kind) => ({ kind, match: matcher(config.paths[kind]) })),
    ignore: matcher(config.paths.ignore),
    flakyKeyword: keywords.length > 0 ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${keywords.join("|")})(?![\\p{L}\\p{N}])`, "iu") : /(?!)/,
  };
  cache.set(config, compiled);
  return compiled;
}

/**
 * Why a login's activity must not be scored, or null when it may be.
 * `author` is the subject's author, for the self-review rule.
 */
export function exclusionOf(
  c: CompiledConfig,
  login: string | null | undefined,
  isBot: boolean | undefined,
  author?: string | null,
): ExclusionReason | null {
  if (!login) return "ghost";
  const norm = normaliseLogin(login);
  if (c.excluded.has(norm)) return "opted-out";
  if (c.aiReviewers.has(norm)) return "ai-reviewer";
  if (isBot === true || login.toLowerCase().endsWith("[bot]") || c.botLogins.has(norm)) return "bot";
  if (author && normaliseLogin(author) === norm) return "self-review";
  return null;
}

/** True when a Co-authored-by trailer belongs to an AI assistant or a bot. */
export function isAiCoAuthor(c: CompiledConfig, name: string, email: string): boolean {
  const e = email.toLowerCase();
  for (const pattern of c.aiEmails) if (e.includes(pattern)) return true;
  const n = name.toLowerCase().trim();
  // Names only decide with a no-reply (or missing) address, so a person called Claude or
  // Devin who writes from a real address is never filtered. "Claude Opus 4", "aider (gpt-4o)":
  // the first word names the assistant.
  if (e.length === 0 || e.includes("noreply") || e.includes("no-reply")) {
    if (c.aiNames.has(n)) return true;
    const first = n.split(/[\s(]/, 1)[0] ?? "";
    if (first.length > 0 && c.aiNames.has(first)) return true;
  }
  if (n.endsWith("[bot]")) return true;
  return false;
}

export const EXCLUSION_SENTENCES: Record<ExclusionReason, string> = {
  "self-review": "Not scored: a review of one's own pull request.",
  bot: "Not scored: the reviewer is a bot.",
  "ai-reviewer": "Not scored: the reviewer is an AI reviewer.",
  "opted-out": "Not scored: the reviewer opted out of Unsung.",
  ghost: "Not scored: the reviewer's account no longer exists.",
};
