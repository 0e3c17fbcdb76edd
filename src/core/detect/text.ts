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

/** Number of words in a text (letters/digits runs). */
export function wordCount(text: string): number {
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
  return text.toLowerCase().replace(DIGITS, "").replace(NON_ALNUM, " ").trim();
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
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
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
  const g = globalOf(re);
  g.lastIndex = 0;
  let any = false;
  let m: RegExpExecArray | null;
  let guard = 0;
  while ((m = g.exec(text)) !== null && guard++ < 50) {
    any = true;
    if (!negatedBefore(text, m.index)) return { any, unnegated: true };
    if (m[0].length === 0) g.lastIndex++;
  }
  return { any, unnegated: false };
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

