/**
 * `.github/unsung.yml`: the organisation's settings (in the org's `.github`
 * repository), overridable per repository. Validated with zod; every field is
 * documented here and in the generated JSON Schema (unsung.schema.json).
 *
 * Errors are data, never exceptions: a YAML syntax error, a hostile file
 * (alias bombs, oversized text), a wrong type or an unknown key all come back
 * as issues with a path and, when known, a line — ready to be posted on the
 * pull request that changes the file (formatConfigIssues).
 */
import YAML, { isMap, isScalar, isSeq, LineCounter, type Node as YamlNode } from "yaml";
import { z } from "zod";
import { CONTRIBUTION_KINDS, type ContributionKind } from "../core/model.js";
import {
  DEFAULT_FLAKY_KEYWORDS,
  DEFAULT_PATHS,
  DEFAULT_THRESHOLDS,
  DEFAULT_WINDOWS,
  defaultDetectorConfig,
  type ChangeKindPaths,
  type DetectorConfig,
} from "../core/detect/config.js";

/** Files larger than this are refused unread. */
export const MAX_CONFIG_BYTES = 64 * 1024;
/** YAML aliases expanded beyond this count are treated as a resource-exhaustion attack. */
export const MAX_ALIAS_COUNT = 100;

/** The rubric category each kind of glue work is grouped under, unless configured. */
export const DEFAULT_RUBRIC: Readonly<Record<ContributionKind, string>> = Object.freeze({
  review: "Raises quality and unblocks teammates",
  triage: "Raises quality and unblocks teammates",
  "ci-config": "Multiplies team capacity",
  template: "Multiplies team capacity",
  "co-authorship": "Multiplies team capacity",
  docs: "Stewards reliability and docs",
  runbook: "Stewards reliability and docs",
  "flaky-fix": "Stewards reliability and docs",
  "flaky-quarantine": "Stewards reliability and docs",
  "ci-rerun": "Stewards reliability and docs",
  test: "Stewards reliability and docs",
  ownership: "Stewards reliability and docs",
  mentoring: "Grows others",
});

/** Report settings when not configured. */
export const DEFAULT_REPORTS = Object.freeze({ ranking: false, previousPeriodComparison: true });

// ── Schema ────────────────────────────────────────────────────────────────

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,38})(?:\[bot\])?$/;
const login = z.string().regex(LOGIN, { error: "not a GitHub login (letters, digits, hyphens; at most 39 characters; optionally ending in [bot])" });
const logins = (what: string) => z.array(login).max(5000).optional().describe(what);
const glob = z.string().min(1).max(500);
const globs = (kind: string, defaults: readonly string[]) =>
  z
    .array(glob)
    .max(500)
    .optional()
    .describe(
      `Path globs (picomatch, case-insensitive, dotfiles included) for ${kind}. Replaces the defaults for this kind when set. Defaults: ${defaults.join(", ")}.`,
    )
    .meta({ default: [...defaults] });

const PathsSchema = z
  .strictObject({
    docs: globs("docs (README, docs/, guides, ADRs, CONTRIBUTING, migration guides, other Markdown)", DEFAULT_PATHS.docs),
    runbook: globs("runbooks, playbooks, on-call and incident docs", DEFAULT_PATHS.runbook),
    "ci-config": globs("CI configuration (workflows, CircleCI, GitLab CI, Jenkins, Buildkite, Azure Pipelines, Dependabot/Renovate)", DEFAULT_PATHS["ci-config"]),
    template: globs("pull request and issue templates", DEFAULT_PATHS.template),
    ownership: globs("code ownership files (CODEOWNERS)", DEFAULT_PATHS.ownership),
    test: globs("test code, in any language", DEFAULT_PATHS.test),
    ignore: globs("files no kind counts and that are left out of every share (lockfiles, changelogs, vendored or generated code)", DEFAULT_PATHS.ignore),
  })
  .optional()
  .describe(
    "Which paths make a change docs, runbook, CI configuration, template, ownership or test work. A file belongs to the first kind that matches, in the order template, ownership, ci-config, runbook, test, docs.",
  );

const BotsSchema = z
  .strictObject({
    logins: logins("Extra logins to treat as bots (added to the built-in list). Logins ending in [bot] always are."),
    aiReviewers: logins(
      "Extra AI reviewer logins (added to the built-in list: Copilot, CodeRabbit, Sourcery, Codium/Qodo, Greptile, Ellipsis, Graphite, Sweep, Gemini, …). Their reviews are never scored.",
    ),
    aiCoAuthorEmails: z
      .array(z.string().min(3).max(200))
      .max(1000)
      .optional()
      .describe(
        "Extra e-mail address fragments (case-insensitive substrings) of AI assistants in Co-authored-by trailers (added to the built-in list: Copilot, Claude, ChatGPT/Codex, Cursor, Devin, aider, …). Such trailers earn no pairing credit.",
      ),
    aiCoAuthorNames: z
      .array(z.string().min(2).max(100))
      .max(1000)
      .optional()
      .describe("Extra co-author names of AI assistants (added to the built-in list). Names only decide for no-reply addresses."),
  })
  .optional()
  .describe("Bots and AI assistants, whose activity is filtered at collection time.");

const rubricShape = Object.fromEntries(
  CONTRIBUTION_KINDS.map((k) => [k, z.string().min(1).max(120).optional().describe(`Rubric category for "${k}" work. Default: "${DEFAULT_RUBRIC[k]}".`)]),
) as Record<ContributionKind, z.ZodOptional<z.ZodString>>;

const T = DEFAULT_THRESHOLDS;
const W = DEFAULT_WINDOWS;
const share = (what: string, def: number) => z.number().min(0).max(1).optional().describe(`${what} Default ${def}.`).meta({ default: def });
const count = (what: string, max: number, def: number, min = 0) =>
  z.number().int().min(min).max(max).optional().describe(`${what} Default ${def}.`).meta({ default: def });
const score = (what: string, def: number) => z.number().min(0).max(100).optional().describe(`${what} Default ${def}.`).meta({ default: def });

const ThresholdsSchema = z
  .strictObject({
    changeKindShare: share("A change kind is the substance of a change when it makes up at least this share of the changed lines (0–1).", T.changeKindShare),
    changeKindTrivialLines: count("Fewer changed lines than this in a kind (or in product code) count as trivial.", 100_000, T.changeKindTrivialLines),
    rubberStampSecondsPer100Lines: z
      .number()
      .min(0)
      .max(86_400)
      .optional()
      .describe(`An approval faster than this many seconds per 100 changed lines, with no comments, is a rubber stamp. Default ${T.rubberStampSecondsPer100Lines}.`)
      .meta({ default: T.rubberStampSecondsPer100Lines }),
    rubberStampMinLines: count("The speed rule only applies to changes of at least this many lines.", 1_000_000, T.rubberStampMinLines),
    reviewSubstantiveScore: score('Review scores at or above this are "substantive" (0–100).', T.reviewSubstantiveScore),
    reviewDeepScore: score('Review scores at or above this are "deep" (0–100); must be above reviewSubstantiveScore.', T.reviewDeepScore),
    flakyMinConfidence: share("A flaky-test fix is reported at or above this confidence (0–1).", T.flakyMinConfidence),
    ciMinRunsAfter: count('Fewer CI runs than this after a fix: "too early to tell".', 100_000, T.ciMinRunsAfter),
    trapRepeatCount: count("Answering this many similar questions (this one included) marks triage as a trap.", 1000, T.trapRepeatCount, 2),
    similarTitle: share("Title similarity (0–1) above which two issues count as the same question.", T.similarTitle),
    rerunTrapCount: count(
      "Re-running one workflow by hand this many times in a calendar month credits the person with absorbing a flaky build (a trap).",
      1000,
      T.rerunTrapCount,
      2,
    ),
  })
  .optional()
  .describe("Detector thresholds. Leave out what you do not need to change.");

const WindowsSchema = z
  .strictObject({
    ciDaysBefore: count("Days before a fix in which CI re-runs and failures are looked at.", 365, W.ciDaysBefore, 1),
    ciDaysAfter: count("Days after a fix's merge in which the check's failure rate is measured.", 365, W.ciDaysAfter, 1),
    newcomerMergedPullRequests: count("An author with fewer merged pull requests than this in the repository is a newcomer.", 10_000, W.newcomerMergedPullRequests),
  })
  .optional()
  .describe("Time windows and the newcomer threshold.");

/** Days of history a backfill reads when none is given (the app's installation, or `unsung backfill` without --since). */
export const DEFAULT_BACKFILL_DAYS = 365;

const BackfillSchema = z
  .strictObject({
    days: count(
      "Days of past activity read when the app is installed on the repository (and by `unsung backfill` without --since). Overrides UNSUNG_BACKFILL_DAYS.",
      3650,
      DEFAULT_BACKFILL_DAYS,
      1,
    ),
  })
  .optional()
  .describe("Reading the past: how far back pull requests, issues and CI runs are fetched from GitHub's API.");

/** Evidence comments on merged pull requests, when not configured (src/services/sync-pr-comment.ts). */
export const COMMENT_MODES = ["full", "summary", "off"] as const;
export type CommentMode = (typeof COMMENT_MODES)[number];
export const DEFAULT_COMMENTS = Object.freeze({ mode: "full" as CommentMode, minScore: 30, reviewLevel: "substantive" as "light" | "substantive" | "deep" });

const CommentThresholdsSchema = z
  .strictObject({
    minScore: score("Work other than reviews (docs, runbooks, CI, templates, flaky-test fixes, mentoring, pairing, triage) is named in the comment at or above this score (0–100).", DEFAULT_COMMENTS.minScore),
    reviewLevel: z
      .enum(["light", "substantive", "deep"])
      .optional()
      .describe(`Reviews are named in the comment at or above this depth level. Default "${DEFAULT_COMMENTS.reviewLevel}".`)
      .meta({ default: DEFAULT_COMMENTS.reviewLevel }),
  })
  .optional()
  .describe("What counts as notable enough for the evidence comment. A pull request with nothing notable gets no comment.");

/** The schema of `.github/unsung.yml`. */
export const UnsungConfigSchema = z
  .strictObject({
    paths: PathsSchema,
    bots: BotsSchema,
    exclude: logins("Logins of people who opted out: no contribution is ever recorded for them."),
    rubric: z
      .strictObject(rubricShape)
      .optional()
      .describe("The career-rubric category each kind of glue work is grouped under in reports. Kinds left out keep their default."),
    teams: z
      .record(z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/i, { error: "not a team slug (letters, digits, dots, hyphens, underscores)" }), z.array(login).max(5000))
      .optional()
      .describe("Teams for team reports: team slug → member logins."),
    reports: z
      .strictObject({
        ranking: z
          .boolean()
          .optional()
          .describe("Show rankings of people in team reports. Default false: Unsung is not a leaderboard.")
          .meta({ default: DEFAULT_REPORTS.ranking }),
        previousPeriodComparison: z
          .boolean()
          .optional()
          .describe("Compare each report with the previous period. Default true.")
          .meta({ default: DEFAULT_REPORTS.previousPeriodComparison }),
      })
      .optional()
      .describe("Report settings."),
    thresholds: ThresholdsSchema,
    windows: WindowsSchema,
    backfill: BackfillSchema,
    comments: z
      .enum(COMMENT_MODES)
      .optional()
      .describe(
        'The evidence comment on merged pull requests with notable glue work: "full" (each item with why it counts and its proof), "summary" (one line per person and kind of work), or "off" (no comment). Default "full".',
      )
      .meta({ default: DEFAULT_COMMENTS.mode }),
    commentThresholds: CommentThresholdsSchema,
    flakyKeywords: z
      .array(z.string().min(2).max(60))
      .max(200)
      .optional()
      .describe(`Extra words that mark a change or issue as about flaky tests (added to the built-in list: ${DEFAULT_FLAKY_KEYWORDS.slice(0, 8).join(", ")}, …).`),
  })
  .describe("Unsung configuration (.github/unsung.yml): org-wide in the organisation's .github repository, overridable per repository.");

/** A validated `.github/unsung.yml`. Every field is optional; defaults apply in toDetectorConfig. */
export type UnsungConfig = z.infer<typeof UnsungConfigSchema>;

/** A problem with the file: where, what is wrong, and what is expected. */
export interface ConfigIssue {
  severity: "error" | "warning";
  /** Dotted path to the setting ("bots.logins[2]"); "" for the file as a whole. */
  path: string;
  /** 1-based line and column, when known. */
  line: number | null;
  column: number | null;
  /** What is wrong, in words. */
  message: string;
  /** What is expected there (the field's documentation), when known. */
  expected: string | null;
}

export interface ParsedConfig {
  config: UnsungConfig | null;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
}

// ── Parsing ───────────────────────────────────────────────────────────────

type PathSeg = string | number;

/** Parses and validates the text of `.github/unsung.yml`. Never throws. */
export function parseRepoConfig(text: string): ParsedConfig {
  const errors: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  const fail = (message: string, expected: string | null = null, line: number | null = null, column: number | null = null): ParsedConfig => {
    errors.push({ severity: "error", path: "", line, column, message, expected });
    return { config: null, errors, warnings };
  };
  if (typeof text !== "string") return fail("The configuration is not text.");
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_CONFIG_BYTES) {
    return fail(`The file is ${Math.ceil(bytes / 1024)} KiB; the limit is ${MAX_CONFIG_BYTES / 1024} KiB.`, "A short YAML file of settings.");
  }

  const lineCounter = new LineCounter();
  let doc: YAML.Document.Parsed;
  try {
    doc = YAML.parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true, schema: "core" });
  } catch (err) {
    return fail(`The file could not be read as YAML: ${oneLine((err as Error).message)}.`);
  }
  for (const e of doc.errors) {
    const pos = lineCounter.linePos(e.pos[0]);
    errors.push({ severity: "error", path: "", line: pos.line, column: pos.col, message: `YAML syntax error: ${yamlMessage(e.message)}.`, expected: "Valid YAML." });
  }
  if (errors.length > 0) return { config: null, errors, warnings };
  for (const w of doc.warnings) {
    const pos = lineCounter.linePos(w.pos[0]);
    warnings.push({ severity: "warning", path: "", line: pos.line, column: pos.col, message: `YAML: ${yamlMessage(w.message)}.`, expected: null });
  }

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const msg = (err as Error).message ?? "";
    return fail(
      /alias/i.test(msg)
        ? "The file expands too many YAML aliases (*anchors); this looks like a resource-exhaustion attack and was not read."
        : `The file could not be read: ${oneLine(msg)}.`,
      "Plain settings, with few or no YAML anchors and aliases.",
    );
  }
  if (value === null || value === undefined) return { config: {}, errors, warnings };
  if (typeof value !== "object" || Array.isArray(value) || !isPlainObject(value)) {
    const node = doc.contents as YamlNode | null;
    const pos = node?.range ? lineCounter.linePos(node.range[0]) : null;
    return fail(`The top level is ${describeValue(value)}, not a mapping of settings.`, UnsungConfigSchema.description ?? null, pos?.line ?? null, pos?.col ?? null);
  }

  const exotic = findExotic(value, [], 0);
  if (exotic) {
    const pos = nodePosition(doc, lineCounter, exotic.path);
    errors.push({
      severity: "error",
      path: formatPath(exotic.path),
      line: pos?.line ?? null,
      column: pos?.col ?? null,
      message: `Unsupported YAML value (${exotic.what}): settings are plain text, numbers, true/false, lists and mappings.`,
      expected: descriptionAt(exotic.path),
    });
    return { config: null, errors, warnings };
  }

  const result = UnsungConfigSchema.safeParse(value);
  if (result.success) return checked(result.data);

  // Unknown keys are warnings: drop them and validate the rest.
  let cleaned: unknown = value;
  let droppedAny = false;
  for (const issue of result.error.issues) {
    if (issue.code !== "unrecognized_keys") continue;
    for (const key of issue.keys) {
      const path = [...(issue.path as PathSeg[]), key];
      const pos = keyPosition(doc, lineCounter, issue.path as PathSeg[], key);
      const suggestion = suggest(key, knownKeys(issue.path as PathSeg[]));
      warnings.push({
        severity: "warning",
        path: formatPath(path),
        line: pos?.line ?? null,
        column: pos?.col ?? null,
        message: `Unknown setting, ignored.${suggestion ? ` Did you mean \`${suggestion}\`?` : ""}`,
        expected: expectedKeysText(issue.path as PathSeg[]),
      });
      if (!droppedAny) cleaned = structuredClone(value);
      droppedAny = true;
      removeKey(cleaned, issue.path as PathSeg[], key);
    }
  }
  for (const issue of result.error.issues) {
    if (issue.code === "unrecognized_keys") continue;
    const path = issue.path as PathSeg[];
    const pos = nodePosition(doc, lineCounter, path);
    errors.push({
      severity: "error",
      path: formatPath(path),
      line: pos?.line ?? null,
      column: pos?.col ?? null,
      message: issueMessage(issue, valueAt(value, path)),
      expected: descriptionAt(path),
    });
  }
  if (errors.length > 0) return { config: null, errors, warnings };
  const again = UnsungConfigSchema.safeParse(cleaned);
  if (!again.success) {
    for (const issue of again.error.issues) {
      errors.push({ severity: "error", path: formatPath(issue.path as PathSeg[]), line: null, column: null, message: issueMessage(issue, undefined), expected: descriptionAt(issue.path as PathSeg[]) });
    }
    return { config: null, errors, warnings };
  }
  return checked(again.data);

  function checked(config: UnsungConfig): ParsedConfig {
    const t = config.thresholds;
    if (t && t.reviewDeepScore !== undefined && t.reviewSubstantiveScore !== undefined && t.reviewDeepScore <= t.reviewSubstantiveScore) {
      const pos = nodePosition(doc, lineCounter, ["thresholds", "reviewDeepScore"]);
      errors.push({
        severity: "error",
        path: "thresholds.reviewDeepScore",
        line: pos?.line ?? null,
        column: pos?.col ?? null,
        message: `reviewDeepScore (${t.reviewDeepScore}) must be above reviewSubstantiveScore (${t.reviewSubstantiveScore}).`,
        expected: descriptionAt(["thresholds", "reviewDeepScore"]),
      });
      return { config: null, errors, warnings };
    }
    return { config, errors, warnings };
  }
}

/** The first value that is not plain data (binary, sets, dates, maps with odd keys), with its path. */
function findExotic(value: unknown, path: PathSeg[], depth: number): { path: PathSeg[]; what: string } | null {
  if (value === null || typeof value !== "object") return null;
  if (depth > 64) return { path, what: "nested too deeply" };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findExotic(value[i], [...path, i], depth + 1);
      if (hit) return hit;
    }
    return null;
  }
  if (!isPlainObject(value)) return { path, what: (value as object).constructor?.name ?? "object" };
  for (const [k, v] of Object.entries(value)) {
    const hit = findExotic(v, [...path, k], depth + 1);
    if (hit) return hit;
  }
  return null;
}

function oneLine(s: string): string {
  return s.split("\n", 1)[0]!.slice(0, 200);
}

/** yaml's message without the " at line X, column Y" suffix (we report the position ourselves). */
function yamlMessage(message: string): string {
  return oneLine(message)
    .replace(/ at line \d+, column \d+:?\s*$/, "")
    .replace(/[.:]\s*$/, "");
}

function describeValue(v: unknown): string {
  if (v === null || v === undefined) return "empty";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "string") return "text";
  if (typeof v === "number") return "a number";
  if (typeof v === "boolean") return "true/false";
  if (typeof v === "object") return "a mapping";
  return typeof v;
}

const TYPE_WORDS: Record<string, string> = {
  string: "text",
  number: "a number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  int: "a whole number",
};

function issueMessage(issue: z.core.$ZodIssue, received: unknown): string {
  switch (issue.code) {
    case "invalid_type": {
      const expected = TYPE_WORDS[issue.expected] ?? issue.expected;
      return received === undefined ? `Missing: expected ${expected}.` : `Expected ${expected}, got ${describeValue(received)}.`;
    }
    case "too_small":
      return issue.origin === "array"
        ? `Too few items: at least ${String(issue.minimum)}.`
        : issue.origin === "string"
          ? `Too short: at least ${String(issue.minimum)} characters.`
          : `Too small: must be ${issue.inclusive === false ? "above" : "at least"} ${String(issue.minimum)}.`;
    case "too_big":
      return issue.origin === "array"
        ? `Too many items: at most ${String(issue.maximum)}.`
        : issue.origin === "string"
          ? `Too long: at most ${String(issue.maximum)} characters.`
          : `Too big: must be ${issue.inclusive === false ? "below" : "at most"} ${String(issue.maximum)}.`;
    case "invalid_format":
      return `Invalid value: ${issue.message.startsWith("Invalid") ? "does not have the expected format" : issue.message}.`;
    case "invalid_key":
      return `Invalid name: ${issue.issues[0]?.message.startsWith("Invalid") ? "does not have the expected format" : (issue.issues[0]?.message ?? "not allowed")}.`;
    case "not_multiple_of":
      return issue.divisor === 1 ? "Expected a whole number." : `Expected a multiple of ${String(issue.divisor)}.`;
    default:
      return `${issue.message}.`.replace(/\.\.$/, ".");
  }
}

function valueAt(value: unknown, path: readonly PathSeg[]): unknown {
  let v: unknown = value;
  for (const seg of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = Object.prototype.hasOwnProperty.call(v, seg) ? (v as Record<string, unknown>)[seg as string] : undefined;
  }
  return v;
}

function removeKey(value: unknown, path: readonly PathSeg[], key: string): void {
  const parent = valueAt(value, path);
  if (parent && typeof parent === "object") delete (parent as Record<string, unknown>)[key];
}

/** `bots.logins[2]`, `teams["my team"]`. */
export function formatPath(path: readonly PathSeg[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out.length === 0 ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

// ── Positions in the YAML ────────────────────────────────────────────────

function nodeAt(doc: YAML.Document.Parsed, path: readonly PathSeg[]): YamlNode | null {
  let node: unknown = doc.contents;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
      if (!pair) return node as YamlNode;
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg];
      if (item === undefined) return node as YamlNode;
      node = item;
    } else {
      return (node as YamlNode | null) ?? null;
    }
  }
  return (node as YamlNode | null) ?? null;
}

function nodePosition(doc: YAML.Document.Parsed, lc: LineCounter, path: readonly PathSeg[]): { line: number; col: number } | null {
  const node = nodeAt(doc, path);
  const start = node?.range?.[0];
  return typeof start === "number" ? lc.linePos(start) : null;
}

function keyPosition(doc: YAML.Document.Parsed, lc: LineCounter, path: readonly PathSeg[], key: string): { line: number; col: number } | null {
  const parent = nodeAt(doc, path);
  if (isMap(parent)) {
    const pair = parent.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === key);
    const k = pair?.key as YamlNode | undefined;
    if (k?.range) return lc.linePos(k.range[0]);
  }
  return parent?.range ? lc.linePos(parent.range[0]) : null;
}

// ── Schema introspection (for "what is expected") ────────────────────────

function schemaAt(path: readonly PathSeg[]): { schema: z.ZodType | null; description: string | null } {
  let s: z.ZodType = UnsungConfigSchema;
  let description: string | null = s.description ?? null;
  for (const seg of path) {
    s = unwrap(s);
    if (s instanceof z.ZodObject) {
      const next = (s.shape as Record<string, z.ZodType>)[String(seg)];
      if (!next) return { schema: null, description };
      s = next;
    } else if (s instanceof z.ZodArray) {
      s = s.element as z.ZodType;
    } else if (s instanceof z.ZodRecord) {
      s = s.valueType as z.ZodType;
    } else {
      return { schema: null, description };
    }
    description = s.description ?? unwrap(s).description ?? description;
  }
  return { schema: s, description };
}

function unwrap(s: z.ZodType): z.ZodType {
  let cur = s;
  while (cur instanceof z.ZodOptional || cur instanceof z.ZodDefault || cur instanceof z.ZodNullable) cur = cur.unwrap() as z.ZodType;
  return cur;
}

function descriptionAt(path: readonly PathSeg[]): string | null {
  return schemaAt(path).description;
}

function knownKeys(path: readonly PathSeg[]): string[] {
  const s = schemaAt(path).schema;
  const u = s ? unwrap(s) : null;
  return u instanceof z.ZodObject ? Object.keys(u.shape) : [];
}

function expectedKeysText(path: readonly PathSeg[]): string | null {
  const keys = knownKeys(path);
  return keys.length > 0 ? `One of: ${keys.join(", ")}.` : null;
}

function suggest(key: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  const k = key.toLowerCase();
  for (const cand of known) {
    const d = distance(k, cand.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = cand;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(key.length / 4)) ? best : null;
}

function distance(a: string, b: string): number {
  if (a.length > 64 || b.length > 64) return Infinity;
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

// ── Merging and applying ─────────────────────────────────────────────────

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

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

/** Text safe to put in Markdown posted by a bot: no mentions, no HTML, no links, one line. */
function safeText(s: string, max = 300): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ").slice(0, max);
  return clean
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@/g, "@\u200b")
    .replace(/([\\[\]*_~|#!])/g, "\\$1");
}

/** Text for inside a code span: no backticks, one line. */
function codeText(s: string, max = 120): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ").replace(/`/g, "'");
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** Inline code-span content (backticks in messages stay code). */
function safeMessage(s: string): string {
  return s
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith("`") && part.endsWith("`") && part.length >= 2 ? `\`${codeText(part.slice(1, -1))}\`` : safeText(part)))
    .join("");
}

/**
 * Markdown a bot can post on a pull request that changes `.github/unsung.yml`:
 * each problem with its path, line, what is wrong and what is expected.
 * User-controlled text is neutralised (no mentions, HTML or links).
 */
export function formatConfigIssues(issues: readonly ConfigIssue[], file = ".github/unsung.yml"): string {
  if (issues.length === 0) return `**Unsung:** \`${codeText(file)}\` is valid.`;
  const errors = issues.filter((i) => i.severity === "error");
  const warnings = issues.filter((i) => i.severity !== "error");
  const counts = [errors.length > 0 ? `${errors.length} ${errors.length === 1 ? "error" : "errors"}` : "", warnings.length > 0 ? `${warnings.length} ${warnings.length === 1 ? "warning" : "warnings"}` : ""]
    .filter(Boolean)
    .join(" and ");
  const out: string[] = [`### Unsung: \`${codeText(file)}\` has ${counts}`, ""];
  const item = (i: ConfigIssue): string => {
    const where = i.path.length > 0 ? `\`${codeText(i.path)}\`` : "The file";
    const line = i.line !== null ? ` (line ${i.line}${i.column !== null ? `, column ${i.column}` : ""})` : "";
    const expected = i.expected ? `\n  Expected: ${safeMessage(i.expected)}` : "";
    return `- **${where}**${line}: ${safeMessage(i.message)}${expected}`;
  };
  if (errors.length > 0) {
    out.push("**Errors** — the file is not used until they are fixed; the organisation's settings or the defaults apply meanwhile:", "");
    for (const e of errors.slice(0, 50)) out.push(item(e));
    if (errors.length > 50) out.push(`- … and ${errors.length - 50} more.`);
    out.push("");
  }
  if (warnings.length > 0) {
    out.push("**Warnings** — the rest of the file is used:", "");
    for (const w of warnings.slice(0, 50)) out.push(item(w));
    if (warnings.length > 50) out.push(`- … and ${warnings.length - 50} more.`);
    out.push("");
  }
  return out.join("\n").trimEnd() + "\n";
}
