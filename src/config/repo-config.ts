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

import { MAX_ALIAS_COUNT, MAX_CONFIG_BYTES, UnsungConfigSchema, type UnsungConfig } from "./config-schema.js";

export * from "./config-schema.js";
export * from "./effective-config.js";


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

/** A mapping read from YAML or JSON (not an array, a class instance or null). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}


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
