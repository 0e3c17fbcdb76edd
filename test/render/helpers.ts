/**
 * Strict readers for rendered output, so tests check structure, not substrings.
 */

/** RFC 4180: CRLF records, quoted fields with doubled quotes; throws on anything malformed. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  let wasQuoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        cell += ch;
      }
      continue;
    }
    if (ch === '"') {
      if (cell !== "" || wasQuoted) throw new Error(`stray quote at ${i}`);
      quoted = true;
      wasQuoted = true;
    } else if (ch === ",") {
      row.push(cell);
      cell = "";
      wasQuoted = false;
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      wasQuoted = false;
      i++;
    } else if (ch === "\r" || ch === "\n") {
      throw new Error(`bare line break at ${i}`);
    } else {
      if (wasQuoted) throw new Error(`text after closing quote at ${i}`);
      cell += ch;
    }
  }
  if (quoted) throw new Error("unterminated quoted field");
  if (cell !== "" || row.length > 0) throw new Error("last record lacks CRLF");
  return rows;
}

export interface Tag {
  name: string;
  closing: boolean;
  attrs: Record<string, string>;
  raw: string;
}

/** Every tag in an HTML string (our renderers always quote attributes with "). */
export function tagsOf(html: string): Tag[] {
  const tags: Tag[] = [];
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=>/]+(?:="[^"]*")?)*)\s*\/?>/g)) {
    const attrs: Record<string, string> = {};
    for (const a of (m[3] ?? "").matchAll(/([^\s=>/]+)(?:="([^"]*)")?/g)) attrs[(a[1] ?? "").toLowerCase()] = a[2] ?? "";
    tags.push({ name: (m[2] ?? "").toLowerCase(), closing: m[1] === "/", attrs, raw: m[0] });
  }
  return tags;
}

/** Anything that looks like the start of a tag but isn't one our parser accepts (a sign of broken escaping). */
export function strayAngles(html: string): string[] {
  const withoutStyle = html.replace(/<style>[\s\S]*?<\/style>/g, "<style></style>");
  const known = new Set(tagsOf(withoutStyle).map((t) => t.raw));
  return [...withoutStyle.matchAll(/<[^>]*>?/g)].map((m) => m[0]).filter((s) => !known.has(s) && s !== "<!DOCTYPE html>");
}

/** Heading levels in document order. */
export function headingLevels(html: string): number[] {
  return tagsOf(html)
    .filter((t) => !t.closing && /^h[1-6]$/.test(t.name))
    .map((t) => Number(t.name.slice(1)));
}

/** Markdown heading levels in order. */
export function markdownHeadingLevels(md: string): number[] {
  return md
    .split("\n")
    .filter((l) => /^#{1,6} /.test(l))
    .map((l) => (l.match(/^#+/)?.[0].length ?? 0));
}

/** Drops Markdown code spans (their content is literal text). */
export function stripCodeSpans(md: string): string {
  return md.replace(/(`+)[^`]*?(?:`(?!\1)[^`]*?)*\1/g, "");
}

/** Unescaped Markdown links and images: [text](dest) not preceded by a backslash. */
export function markdownLinks(md: string): Array<{ text: string; dest: string; image: boolean }> {
  const out: Array<{ text: string; dest: string; image: boolean }> = [];
  for (const m of stripCodeSpans(md).matchAll(/(?<!\\)(!?)\[((?:\\.|[^\]\\])*)\]\(([^)\s]*)\)/g)) {
    out.push({ image: m[1] === "!", text: m[2] ?? "", dest: m[3] ?? "" });
  }
  return out;
}

/** WCAG contrast ratio between two #rrggbb colours. */
export function contrast(a: string, b: string): number {
  const lum = (hex: string): number => {
    const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (bl ?? 0);
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05);
}
