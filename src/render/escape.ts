/**
 * Making text from GitHub safe for each output format. Titles, bodies, notes
 * and logins are written by anyone who can open an issue, so every renderer
 * treats them as hostile: no injected links, images, HTML, formulas, or
 * direction overrides that make text read differently from what it says.
 */

import { stringify, type Options as StringifyOptions } from "csv-stringify/sync";

/** Bidirectional controls (RLO, LRI, …): they can make hostile text display as something else. */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
/** Control characters other than tab, newline and carriage return. */
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** Default length limits, in characters. */
export const MAX_TITLE = 200;
export const MAX_TEXT = 2000;
export const MAX_URL = 2048;
/** Spreadsheets cap a cell at 32,767 characters. */
export const MAX_CSV_CELL = 32_000;

/**
 * Any value as display text: controls and direction overrides removed, line
 * endings normalised, and cut to `max` characters (never inside a surrogate pair).
 */
export function cleanText(value: unknown, max = MAX_TEXT): string {
  if (value === null || value === undefined) return "";
  const s = String(value).replace(/\r\n?/g, "\n").replace(BIDI_CONTROLS, "").replace(CONTROLS, "");
  const chars = Array.from(s);
  if (chars.length <= max) return s;
  return `${chars.slice(0, Math.max(0, max - 1)).join("")}…`;
}

/** cleanText on one line: runs of whitespace (newlines too) become one space. */
export function cleanInline(value: unknown, max = MAX_TEXT): string {
  return cleanText(String(value ?? "").replace(/\s+/g, " ").trim(), max);
}

/**
 * A URL that is safe to link to, or null: only absolute http(s) URLs without
 * credentials. `javascript:`, `data:`, relative and malformed URLs are dropped.
 */
export function safeUrl(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const raw = value.replace(BIDI_CONTROLS, "").trim();
  if (raw === "" || raw.length > MAX_URL) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  if (url.username !== "" || url.password !== "") return null;
  return url.href;
}

/** Text for HTML content and (double- or single-quoted) attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * Text for inline Markdown (GitHub-flavoured): one line, with every character
 * that could start a link, image, HTML, emphasis, code, table cell, mention,
 * issue reference or autolink escaped, and a block marker at the start neutralised.
 */
export function escapeMarkdown(value: unknown, max = MAX_TEXT): string {
  // `(`, `)` and `!` need no escape: with `[` and `]` escaped they can't form a link or image.
  let s = cleanInline(value, max).replace(/[\\`*_[\]|<>~&#@]/g, "\\$&");
  // Autolinks: break "scheme://" and "www." so no bare URL turns into a link.
  s = s.replace(/:(?=\/\/)/g, "\\:").replace(/\b(www)\./gi, "$1\\.");
  // At the start of a line these would make a list, heading, quote or setext underline.
  s = s.replace(/^([-+=>])/, "\\$1").replace(/^(\d+)([.)])/, "$1\\$2");
  return s;
}

/** A Markdown code span that no content can break out of. */
export function markdownCode(value: unknown, max = MAX_TITLE): string {
  const s = cleanInline(value, max);
  if (s === "") return "";
  const longest = Math.max(0, ...Array.from(s.matchAll(/`+/g), (m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = s.startsWith("`") || s.endsWith("`") ? " " : "";
  return `${fence}${pad}${s}${pad}${fence}`;
}

/**
 * A Markdown link, or the escaped text alone when the URL isn't safe. The
 * destination is percent-encoded so it can't close the link early.
 */
export function markdownLink(text: unknown, url: unknown, max = MAX_TITLE): string {
  const label = escapeMarkdown(text, max) || "link";
  const href = safeUrl(url);
  if (href === null) return label;
  return `[${label}](${href.replace(/\(/g, "%28").replace(/\)/g, "%29").replace(/ /g, "%20")})`;
}

/**
 * What a spreadsheet could read as the start of a formula, after any leading
 * blanks it skips: = + - @ and their full-width (＝ ＋ － ＠) and small-form
 * (﹦ ﹢ ﹣ ﹫) twins, and the minus sign −. Blanks: spaces, tabs, line breaks,
 * NBSP, the other Unicode spaces, the ideographic space and the BOM.
 */
const FORMULA_START = /^[\s\u00A0\u1680\u2000-\u200B\u2028\u2029\u202F\u205F\u3000\uFEFF]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20\uFE66\uFE62\uFE63\uFE6B\u2212]/;

/**
 * A text cell's content, safe for a spreadsheet: controls and direction
 * overrides removed, cut to what a cell holds, and a leading apostrophe when
 * it would be evaluated as a formula — also when blanks come first, or it
 * starts with a tab or line break (some spreadsheets trim those, then evaluate
 * what follows).
 */
export function csvText(value: string): string {
  let s = value.replace(BIDI_CONTROLS, "").replace(CONTROLS, "");
  if (s.length > MAX_CSV_CELL) s = cleanText(s, MAX_CSV_CELL);
  if (FORMULA_START.test(s) || /^[\t\r\n]/.test(s)) s = `'${s}`;
  return s;
}

export type CsvValue = string | number | boolean | null | undefined;

/** csv-stringify's options: RFC 4180 with CRLF, every text cell through csvText, non-finite numbers blank. */
const CSV_OPTIONS: StringifyOptions = {
  record_delimiter: "windows",
  // A bare CR or LF inside a cell is quoted too (csv-stringify alone quotes only the record delimiter).
  quoted_match: /[\r\n]/,
  cast: {
    string: (v) => csvText(v),
    number: (v) => (Number.isFinite(v) ? String(v) : ""),
    boolean: (v) => (v ? "true" : "false"),
  },
};

/** A whole CSV document (RFC 4180, CRLF-terminated records). */
export function csvDocument(rows: ReadonlyArray<ReadonlyArray<CsvValue>>): string {
  return stringify(rows as CsvValue[][], CSV_OPTIONS);
}

/** One CSV record, CRLF-terminated. */
export function csvRow(values: ReadonlyArray<CsvValue>): string {
  return csvDocument([values]);
}

/** One CSV cell, quoted when needed. */
export function csvCell(value: CsvValue): string {
  return csvRow([value]).replace(/\r\n$/, "");
}
