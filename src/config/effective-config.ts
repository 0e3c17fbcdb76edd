/**
 * From validated files to what the detectors use: a repository's file merged over its
 * organisation's, and the detector configuration with defaults filled in.
 */
import {
  defaultDetectorConfig,
  type ChangeKindPaths,
  type DetectorConfig
} from "../core/detect/config.js";
import { type ContributionKind } from "../core/model.js";

import { DEFAULT_COMMENTS, DEFAULT_REPORTS, DEFAULT_RUBRIC, type CommentMode, type UnsungConfig } from "./config-schema.js";
import { isPlainObject } from "./repo-config.js";

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const b = out[k];
    out[k] = isPlainObject(v) ? deepMerge(isPlainObject(b) ? b : {}, v) : Array.isArray(v) ? structuredClone(v) : v;
  }
  return out;
}

/**
 * The effective configuration of a repository: its own file over the
 * organisation's. Mappings merge key by key (teams by slug, rubric by kind);
 * lists and values in the repository's file replace the organisation's.
 */
export function mergeConfigs(org: UnsungConfig | null, repo: UnsungConfig | null): UnsungConfig {
  return deepMerge(deepMerge({}, (org ?? {}) as Record<string, unknown>), (repo ?? {}) as Record<string, unknown>) as UnsungConfig;
}

function union(base: readonly string[], extra: readonly string[] | undefined): string[] {
  if (!extra || extra.length === 0) return [...base];
  const out = [...base];
  for (const e of extra) if (!out.includes(e)) out.push(e);
  return out;
}

/**
 * The detector configuration for a (merged) file, defaults filled in.
 * Bot, AI and keyword lists add to the built-in ones (so AI reviewers stay
 * filtered whatever a file says); path globs replace the defaults per kind.
 */
export function toDetectorConfig(config: UnsungConfig | null): DetectorConfig {
  if (!config) return defaultDetectorConfig;
  const d = defaultDetectorConfig;
  const paths: ChangeKindPaths = {
    docs: [...(config.paths?.docs ?? d.paths.docs)],
    runbook: [...(config.paths?.runbook ?? d.paths.runbook)],
    "ci-config": [...(config.paths?.["ci-config"] ?? d.paths["ci-config"])],
    template: [...(config.paths?.template ?? d.paths.template)],
    ownership: [...(config.paths?.ownership ?? d.paths.ownership)],
    test: [...(config.paths?.test ?? d.paths.test)],
    ignore: [...(config.paths?.ignore ?? d.paths.ignore)],
  };
  return {
    bots: {
      logins: union(d.bots.logins, config.bots?.logins),
      aiReviewers: union(d.bots.aiReviewers, config.bots?.aiReviewers),
      aiCoAuthorEmails: union(d.bots.aiCoAuthorEmails, config.bots?.aiCoAuthorEmails),
      aiCoAuthorNames: union(d.bots.aiCoAuthorNames, config.bots?.aiCoAuthorNames),
    },
    exclude: union(d.exclude, config.exclude),
    paths,
    thresholds: { ...d.thresholds, ...definedOnly(config.thresholds) },
    windows: { ...d.windows, ...definedOnly(config.windows) },
    flakyKeywords: union(d.flakyKeywords, config.flakyKeywords),
  };
}

function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  if (!o) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Kind → rubric category, defaults filled in. */
export function rubricOf(config: UnsungConfig | null): Record<ContributionKind, string> {
  return { ...DEFAULT_RUBRIC, ...definedOnly(config?.rubric) } as Record<ContributionKind, string>;
}

/** Report settings, defaults filled in. */
export function reportSettingsOf(config: UnsungConfig | null): { ranking: boolean; previousPeriodComparison: boolean } {
  return {
    ranking: config?.reports?.ranking ?? DEFAULT_REPORTS.ranking,
    previousPeriodComparison: config?.reports?.previousPeriodComparison ?? DEFAULT_REPORTS.previousPeriodComparison,
  };
}

/** Evidence-comment settings, defaults filled in. */
export function commentSettingsOf(config: UnsungConfig | null): { mode: CommentMode; minScore: number; reviewLevel: "light" | "substantive" | "deep" } {
  return {
    mode: config?.comments ?? DEFAULT_COMMENTS.mode,
    minScore: config?.commentThresholds?.minScore ?? DEFAULT_COMMENTS.minScore,
    reviewLevel: config?.commentThresholds?.reviewLevel ?? DEFAULT_COMMENTS.reviewLevel,
  };
}

// ── Reporting issues ─────────────────────────────────────────────────────
