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
import YAML, { LineCounter, type Node as YamlNode } from "yaml";

import { MAX_ALIAS_COUNT, MAX_CONFIG_BYTES, UnsungConfigSchema, type UnsungConfig } from "./config-schema.js";
import type { ConfigIssue } from "./config-issues.js";
import { descriptionAt, describeValue, expectedKeysText, issueMessage, knownKeys, suggest } from "./config-hints.js";
import { formatPath, keyPosition, nodePosition, removeKey, valueAt, type PathSeg } from "./config-paths.js";

export * from "./config-schema.js";
export * from "./effective-config.js";
export type { ConfigIssue } from "./config-issues.js";
export { formatConfigIssues } from "./config-issues.js";
export { formatPath } from "./config-paths.js";

export interface ParsedConfig {
  config: UnsungConfig | null;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
}

// ── Parsing ───────────────────────────────────────────────────────────────

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

// ── Merging and applying ─────────────────────────────────────────────────

/** A mapping read from YAML or JSON (not an array, a class instance or null). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}
