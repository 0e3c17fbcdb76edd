/**
 * Making text from GitHub safe for each output format. Titles, bodies, notes
 * and logins are written by anyone who can open an issue, so every renderer
 * treats them as hostile: no injected links, images, HTML, formulas, or
 * direction overrides that make text read differently from what it says.
 */

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
 * One CSV cell (RFC 4180): quoted when needed, and a text cell that a
 * spreadsheet would read as a formula (starting with = + - @ tab or CR) gets a
 * leading apostrophe.
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  let s = String(value).replace(BIDI_CONTROLS, "").replace(CONTROLS, "");
  if (s.length > MAX_CSV_CELL) s = cleanText(s, MAX_CSV_CELL);
  // A leading newline is included: some spreadsheets trim it and then evaluate what follows.
  if (/^[=+\-@\t\r\n]/.test(s)) s = `'${s}`;
  if (/[",\r\n]/.test(s)) s = `"${s.replace(/"/g, '""')}"`;
  return s;
}

/** One CSV record, CRLF-terminated. */
export function csvRow(values: ReadonlyArray<string | number | boolean | null | undefined>): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}
