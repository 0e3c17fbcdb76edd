/**
 * Small text helpers shared by the detectors. Regexes are compiled once at
 * module load; nothing here allocates more than the strings it returns.
 */

const FENCED_CODE = /```[\s\S]*?(?:```|$)/g;
const SUGGESTION_BLOCK = /```suggestion\b/i;
const INLINE_CODE = /`[^`\n]*`/g;
const QUOTE_LINE = /^[ \t]*>[^\n]*$/gm;
const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’_-]*/gu;
const NON_ALNUM = /[^\p{L}\p{N}]+/gu;
const DIGITS = /\d+/g;

/** Prose of a comment: code blocks, inline code, quoted replies and HTML comments removed. */
export function prose(body: string): string {
  if (body.length === 0) return body;
  let text = body;
  if (text.includes("```")) text = text.replace(FENCED_CODE, " ");
  if (text.includes("`")) text = text.replace(INLINE_CODE, " ");
  if (text.includes(">")) text = text.replace(QUOTE_LINE, " ");
  if (text.includes("<!--")) text = text.replace(HTML_COMMENT, " ");
  return text;
}

/** True when the comment carries a GitHub suggested change. */
export function hasSuggestion(body: string): boolean {
  return body.includes("```") && SUGGESTION_BLOCK.test(body);
}

/**
 * True when every character is ASCII or one of a few common non-letter marks (dashes, curly
 * quotes, ellipsis, arrows, bullets): text on which the hand-written ASCII scans below give
 * exactly what the Unicode regexes give. The right single quote ’ is a word character (as in
 * WORD); the others separate words.
 */
export function plainText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) continue;
    if (!PLAIN_MARKS.has(c)) return false;
  }
  return true;
}
/** — – ’ ‘ “ ” … • · → ← × and the no-break space. */
const PLAIN_MARKS: ReadonlySet<number> = new Set([0x2014, 0x2013, 0x2019, 0x2018, 0x201c, 0x201d, 0x2026, 0x2022, 0xb7, 0x2192, 0x2190, 0xd7, 0xa0]);

function isAsciiAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Number of words in a text (letters/digits runs). */
export function wordCount(text: string): number {
  if (plainText(text)) {
    // WORD, by hand: a word starts at a letter or digit and runs on over letters, digits, ' ’ _ -.
    let n = 0;
    let i = 0;
    const len = text.length;
    while (i < len) {
      if (!isAsciiAlnum(text.charCodeAt(i))) {
        i++;
        continue;
      }
      n++;
      i++;
      while (i < len) {
        const d = text.charCodeAt(i);
        if (!(isAsciiAlnum(d) || d === 39 || d === 0x2019 || d === 95 || d === 45)) break;
        i++;
      }
    }
    return n;
  }
  let n = 0;
  WORD.lastIndex = 0;
  while (WORD.exec(text) !== null) n++;
  return n;
}

/**
 * A key under which two comments that say the same thing collide: lower case,
 * digits and punctuation dropped, so "Typo: recieve" and "typo - recieve!" match.
 */
export function duplicateKey(text: string): string {
  if (!plainText(text)) return text.toLowerCase().replace(DIGITS, "").replace(NON_ALNUM, " ").trim();
  // The same, in one pass: digits vanish, each run of anything else becomes one space, none at the ends.
  const lower = text.toLowerCase();
  let out = "";
  let runStart = -1;
  let gap = false;
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    if (c >= 97 && c <= 122) {
      if (runStart < 0) {
        if (gap && out.length > 0) out += " ";
        gap = false;
        runStart = i;
      }
      continue;
    }
    if (runStart >= 0) {
      out += lower.slice(runStart, i);
      runStart = -1;
    }
    if (!(c >= 48 && c <= 57)) gap = true;
  }
  if (runStart >= 0) out += lower.slice(runStart);
  return out;
}

const STOPWORDS = new Set([
  "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "is", "are", "was", "be", "it", "this",
  "that", "how", "do", "does", "i", "we", "you", "can", "cannot", "can't", "when", "what", "why", "not", "no",
  "my", "our", "from", "at", "by", "as", "after", "before", "into", "about", "error", "issue", "problem",
]);

/** Lower-case content words of a title, for similarity. */
export function titleTokens(title: string): Set<string> {
  const out = new Set<string>();
  WORD.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = WORD.exec(title.toLowerCase())) !== null) {
    const w = m[0];
    if (w.length > 1 && !STOPWORDS.has(w)) out.add(w);
  }
  return out;
}

/** Jaccard similarity of two token sets (0–1). */
export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let inter = 0;
  for (const t of a) if (b.has(t)) inter++;
  return inter / (a.size + b.size - inter);
}

/** A short, single-line quotation of user text for an evidence sentence. */
export function quote(text: string, max = 120): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  const cut = oneLine.length > max ? `${oneLine.slice(0, max - 1).trimEnd()}…` : oneLine;
  return `“${cut}”`;
}

/** "1 comment" / "3 comments". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${groupedInteger(n)} ${n === 1 ? one : many}`;
}

/** `n.toLocaleString("en-US")`, without the cost of a locale lookup for the usual small whole numbers. */
function groupedInteger(n: number): string {
  if (Number.isInteger(n) && n >= 0 && n < 1000 && !Object.is(n, -0)) return String(n);
  return n.toLocaleString("en-US");
}

/** Escapes a literal for use inside a RegExp. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** Percent with no decimals, or one decimal under 10 % when it matters ("0.8%"). */
export function percent(ratio: number): string {
  const p = ratio * 100;
  if (p > 0 && p < 10 && Math.round(p) !== p) return `${(Math.round(p * 10) / 10).toString()}%`;
  return `${Math.round(p)}%`;
}

/** Whole days between two ISO instants (b − a), or null when either is missing or invalid. */
export function daysBetween(a: string | null | undefined, b: string | null | undefined): number | null {
  if (!a || !b) return null;
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (Number.isNaN(ta) || Number.isNaN(tb)) return null;
  return (tb - ta) / 86_400_000;
}

/** "3 days", "5 hours", "40 minutes" — a human duration for evidence. */
export function humanDuration(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes < 1) return plural(Math.max(0, Math.round(ms / 1000)), "second");
  if (minutes < 90) return plural(Math.round(minutes), "minute");
  const hours = minutes / 60;
  if (hours < 48) return plural(Math.round(hours), "hour");
  return plural(Math.round(hours / 24), "day");
}

// ── Normalised text for findings ─────────────────────────────────────────

const INLINE_CODE_N = /`[^`\n]+`/g;
const MD_LINK = /!?\[([^\]\n]{0,300})\]\((?:[^()\s]|\([^()\s]*\)){1,2000}\)/g;
const URL = /\b(?:https?:\/\/|www\.)[^\s<>()"'`]+/gi;

const NEGATION = /\b(?:no|not|never|nothing|none|without|nor|cannot|no longer|hardly)\b|n['’]t\b/i;
const CLAUSE_END = /[,;:.!?()\n—–]/;
/** Counts stop here: repeating a word never adds more. */
export const WORDS_CAP = 120;

export interface UnitText {
  /** The prose a finding is read from: code, quotes, link targets removed. */
  prose: string;
  codeBlocks: number;
  inlineCode: number;
  links: number;
}

/** Normalises one comment body (see the file comment). Linear in the body's length. */
export function normaliseText(body: string): UnitText {
  let text = body;
  let codeBlocks = 0;
  let inlineCode = 0;
  let links = 0;
  if (text.includes("<!--")) text = text.replace(HTML_COMMENT, " ");
  if (text.includes("```")) {
    text = text.replace(FENCED_CODE, () => {
      codeBlocks++;
      return " ";
    });
  }
  if (text.includes("`")) {
    text = text.replace(INLINE_CODE_N, () => {
      inlineCode++;
      return " x ";
    });
  }
  if (text.includes(">")) text = text.replace(QUOTE_LINE, " ");
  if (text.includes("](")) {
    text = text.replace(MD_LINK, (_m, label: string) => {
      links++;
      return ` ${label} `;
    });
  }
  if (text.includes("://") || text.includes("www.")) {
    text = text.replace(URL, () => {
      links++;
      return " ";
    });
  }
  return { prose: text, codeBlocks, inlineCode, links };
}

/** True when `re` (non-global) matches somewhere in `text` not preceded by a negation in the same clause. */
export function matchesUnnegated(re: RegExp, text: string): { any: boolean; unnegated: boolean } {
  const state = matchState(re, text);
  return { any: state !== NO_MATCH, unnegated: state === UNNEGATED };
}

export const NO_MATCH = 0;
export const NEGATED_ONLY = 1;
export const UNNEGATED = 2;

/** matchesUnnegated in one scan and without an allocation: NO_MATCH, NEGATED_ONLY or UNNEGATED. */
export function matchState(re: RegExp, text: string): 0 | 1 | 2 {
  const g = globalOf(re);
  g.lastIndex = 0;
  let any = false;
  let m: RegExpExecArray | null;
  let guard = 0;
  while ((m = g.exec(text)) !== null && guard++ < 50) {
    any = true;
    if (!negatedBefore(text, m.index)) return UNNEGATED;
    if (m[0].length === 0) g.lastIndex++;
  }
  return any ? NEGATED_ONLY : NO_MATCH;
}

function negatedBefore(text: string, at: number): boolean {
  const start = Math.max(0, at - 48);
  let window = text.slice(start, at);
  for (let i = window.length - 1; i >= 0; i--) {
    if (CLAUSE_END.test(window[i]!)) {
      window = window.slice(i + 1);
      break;
    }
  }
  return NEGATION.test(window);
}

const GLOBALS = new Map<RegExp, RegExp>();
function globalOf(re: RegExp): RegExp {
  let g = GLOBALS.get(re);
  if (!g) GLOBALS.set(re, (g = new RegExp(re.source, re.flags.includes("g") ? re.flags : `${re.flags}g`)));
  return g;
}

