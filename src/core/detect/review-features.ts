/**
 * The interpretable features the review-depth model reads from one unit of a review
 * (an inline comment, or the review's body with its verdict). Each is a plain property
 * of the text a reader can check — "gives a reason", "names a defect (not negated)",
 * "points at code" — never a word list learned from the labelled sets.
 *
 * Text is normalised first: quoted replies and HTML comments removed, link targets and
 * bare URLs removed (the link text stays), code blocks and inline code set aside (their
 * presence is a feature; their words never match a finding).
 */
import { categorizeComment, type CommentCategoryResult } from "./categorize-comment.js";
import { WORDS_CAP, type UnitText } from "./text.js";

/** Feature names, in the order of the vector and of the weights file. */
export const FEATURES = [
  "words",
  "finding",
  "design",
  "negatedOnly",
  "question",
  "modal",
  "reason",
  "conditional",
  "code",
  "imperative",
  "nitPrefix",
  "nitWords",
  "praise",
  "process",
  "linkOnly",
  "curious",
  "verified",
  "approved",
  "blocking",
  "ledContent",
  "repliesContent",
  "declined",
  "technical",
  "already",
  "preference",
  "social",
  "figures",
] as const;
export type FeatureName = (typeof FEATURES)[number];
export const FEATURE_COUNT = FEATURES.length;

/** The outcome features: they only ever multiply content (see `content` below). */
export const OUTCOME_FEATURES: ReadonlySet<FeatureName> = new Set<FeatureName>(["ledContent", "repliesContent", "declined"]);

/** What each feature means, for the evidence sentence ("+1.4: gives a reason"). */
export const FEATURE_SENTENCES: Record<FeatureName, string> = {
  words: "length of the prose (log of its distinct words, half when nothing else shows content)",
  finding: "names a defect, security, performance or test problem (not negated)",
  design: "raises a design or compatibility point (not negated)",
  negatedOnly: "problem words appear only negated (“there is no race”)",
  question: "asks a question",
  modal: "says what must or should change (should, must, needs to)",
  reason: "gives a reason (because, otherwise, so that, which means)",
  conditional: "describes the case it happens in (if, when, unless)",
  code: "points at code (identifiers, inline code or a code block)",
  imperative: "asks for a concrete change (add, use, remove, move, …)",
  nitPrefix: "marked by the reviewer as a nit or minor (a hint, not a verdict)",
  nitWords: "style, naming, typo or formatting words",
  praise: "praise, thanks or LGTM",
  process: "process only (rebase, squash, CI, CLA, merge, backport)",
  linkOnly: "little more than a link",
  curious: "a curiosity or learning question",
  verified: "says what the reviewer ran or verified",
  approved: "an approval",
  blocking: "requested changes with a reasoned body",
  ledContent: "a comment with content that led to a change",
  repliesContent: "a comment with content that others replied to",
  declined: "the author declined it, or it became obsolete",
  technical: "uses programming vocabulary (log of the number of distinct terms)",
  already: "says the code already does or handles it",
  preference: "states a personal preference or that it does not matter",
  social: "social words (sorry, cheers, hope, appreciate)",
  figures: "quotes numbers or versions",
};


/*
 * Cue words, read in one pass over the prose's words (no regex per cue): a word, or a pair of
 * consecutive words, sets one or more cue bits.
 */
const MODAL = 1;
const REASON = 2;
const CONDITIONAL = 4;
const PROCESS = 8;
const CURIOUS = 16;
const THANKS = 32;
const VERIFIED = 64;
const ALREADY = 128;
const PREFERENCE = 256;
const SOCIAL = 512;
/** Only at the start of a sentence (or after "please"). */
const IMPERATIVE_VERB = 1024;
const QUESTION_WORD = 2048;

const CUE_WORDS = new Map<string, number>();
const CUE_PAIRS = new Map<string, number>();
function cue(bit: number, list: string): void {
  for (const entry of list.split(",")) {
    const w = entry.trim();
    if (w.length === 0) continue;
    const map = w.includes(" ") ? CUE_PAIRS : CUE_WORDS;
    map.set(w, (map.get(w) ?? 0) | bit);
  }
}
cue(MODAL, "should, shouldn't, must, mustn't, required, requires, ensure, prefer, preferably, need to, needs to, have to, has to, ought to, make sure, better to, would rather, i'd rather, need a, needs a, need an, needs an, needs the, need the");
cue(REASON, "because, since, otherwise, hence, therefore, causes, so that, which means, this means, that means, means that, in order, due to, leads to, lead to, results in, result in, so the, so it, so we, so this, the reason, that's why, given how, given that, as a");
cue(CONDITIONAL, "if, when, whenever, unless, once, until, before, after");
cue(PROCESS, "rebase, rebased, rebasing, squash, squashed, squashing, conflicts, cla, dco, rerun, re-run, retrigger, re-trigger, ci, backport, backported, backporting, cherry-pick, changelog, milestone, label, labelled, labeled, ping, pinged, shipit, fixup, draft, force-push, sign-off, signed-off, merge conflict, merge conflicts, release notes, commit message, pr description");
cue(CURIOUS, "curious, curiosity, wondering, til, interesting, own understanding, not familiar, never used, never seen, never heard");
cue(THANKS, "lgtm, thanks, thank, thx, nice, great, awesome, looks good, looks great, well done, good job");
cue(VERIFIED, "ran, re-ran, tested, tried, verified, reproduced, repro'd, benchmarked, profiled, measured, smoke-tested, confirmed, validated, checked out, checked locally, built locally, deployed to, deployed it");
cue(ALREADY, "already, by default, is default");
cue(PREFERENCE, "personally, i prefer, i'd prefer, i like, i liked, for me, to me, doesn't matter, really matter, either way, no strong, fine as, fine either, fine by, your call, of taste");
cue(SOCIAL, "sorry, cheers, hope, appreciate, appreciated, welcome, congrats, congratulations, kudos, glad, excited, happy to");
cue(IMPERATIVE_VERB, "add, use, remove, drop, move, avoid, make, check, return, handle, keep, replace, wrap, call, pass, guard, close, initialise, initialize, reset, revert, split, extract, rename, document, mention, update, change, consider, switch, test, validate, lock, cache, free, release, log, throw, raise, catch, await, defer, copy, clone, escape, quote, bump, pin");
cue(QUESTION_WORD, "why, how, what, should, could, can, is, does, do, are, would, will, when, where, which, shall, have, has, did, won't, isn't, doesn't");

interface Cues {
  bits: number;
  /** Distinct words, lower case (at most WORDS_CAP). */
  distinct: number;
  technical: number;
  identifier: boolean;
  figures: boolean;
}

const ASCII_ONLY = /^[\x00-\x7f]*$/;
const UNICODE_WORD = /[\p{L}\p{N}][\p{L}\p{N}'’_-]*/gu;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;
const SENTENCE_END = /[.!?\n]/;

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** One pass over the words of the prose: cue bits, distinct words, technical terms, identifiers, figures. */
function readCues(text: string): Cues {
  const seen = new Set<string>();
  let bits = 0;
  let technical = 0;
  let identifier = false;
  let figures = false;
  let prev = "";
  let sentenceStart = true;
  let afterPlease = false;
  const visit = (raw: string, start: number, end: number): void => {
    const w = raw.toLowerCase();
    if (!identifier) {
      // snake_case, camelCase, call(), a.b
      const next = text.charCodeAt(end);
      if (raw.includes("_") || /[a-z][A-Z]/.test(raw) || next === 40 || (next === 46 && isAlnum(text.charCodeAt(end + 1)))) identifier = true;
    }
    if (!figures && raw.charCodeAt(0) >= 48 && raw.charCodeAt(0) <= 57) figures = true;
    const b = CUE_WORDS.get(w);
    if (b !== undefined) {
      bits |= b & ~(IMPERATIVE_VERB | QUESTION_WORD);
      if ((b & IMPERATIVE_VERB) !== 0 && (sentenceStart || afterPlease)) bits |= IMPERATIVE_VERB;
      if ((b & QUESTION_WORD) !== 0 && start === firstWordAt) bits |= QUESTION_WORD;
    }
    if (prev.length > 0) {
      const pb = CUE_PAIRS.get(`${prev} ${w}`);
      if (pb !== undefined) bits |= pb;
    }
    if (seen.size < WORDS_CAP && !seen.has(w)) {
      seen.add(w);
      if (technical < TECHNICAL_CAP && isTechnical(w)) technical++;
    }
    afterPlease = w === "please" && sentenceStart;
    sentenceStart = false;
    prev = w;
  };
  let firstWordAt = -1;
  const ascii = ASCII_ONLY.test(text);
  if (ascii) {
    let i = 0;
    const n = text.length;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (isAlnum(c)) {
        let j = i + 1;
        while (j < n) {
          const d = text.charCodeAt(j);
          if (isAlnum(d) || d === 39 || d === 95 || d === 45) j++;
          else break;
        }
        if (firstWordAt < 0) firstWordAt = i;
        visit(text.slice(i, j), i, j);
        i = j;
      } else {
        if (SENTENCE_END.test(text[i]!)) {
          sentenceStart = true;
          prev = "";
        }
        i++;
      }
    }
  } else {
    UNICODE_WORD.lastIndex = 0;
    let m: RegExpExecArray | null;
    let last = 0;
    while ((m = UNICODE_WORD.exec(text)) !== null) {
      if (SENTENCE_END.test(text.slice(last, m.index))) {
        sentenceStart = true;
        prev = "";
      }
      if (firstWordAt < 0) firstWordAt = m.index;
      const raw = m[0].replace(/’/g, "'");
      visit(raw, m.index, m.index + m[0].length);
      last = m.index + m[0].length;
    }
  }
  let distinct = seen.size;
  if (!ascii) {
    const cjk = text.match(CJK);
    if (cjk && cjk.length > 0) distinct = Math.max(distinct, Math.round(cjk.length / 2));
  }
  if (/:\)|:-\)/.test(text)) bits |= SOCIAL;
  if (/[👍🎉🚀❤]/u.test(text) && !ascii) bits |= THANKS;
  return { bits, distinct, technical, identifier, figures };
}

/**
 * General programming vocabulary (not drawn from any labelled set): the words a comment
 * about how code behaves tends to use, whatever the language or project.
 */
const TECHNICAL_WORDS: ReadonlySet<string> = new Set(
  // prettier-ignore
  [
    "api", "apis", "arg", "args", "argument", "arguments", "array", "arrays", "benchmark", "benchmarks", "buffer", "buffers", "build", "byte",
    "bytes", "call", "callback", "callbacks", "called", "callee", "caller", "calls", "class", "classes", "client", "clients", "closure", "closures",
    "column", "columns", "connection", "connections", "constant", "constants", "constructor", "constructors", "context", "coroutine", "coroutines", "coverage", "database", "db",
    "deadline", "deadlines", "default", "defaults", "endpoint", "endpoints", "enum", "enums", "env", "environment", "error", "errors", "event", "events",
    "exception", "exceptions", "fail", "fails", "failure", "failures", "field", "fields", "file", "files", "fixture", "fixtures", "flag", "flags",
    "float", "floats", "function", "functions", "future", "futures", "generic", "generics", "global", "goroutine", "goroutines", "handler", "handlers", "header",
    "headers", "heap", "immutable", "import", "imports", "instance", "instances", "int", "integer", "integers", "interface", "interfaces", "ints", "key",
    "keys", "lambda", "lambdas", "lifetime", "linker", "list", "listener", "listeners", "lists", "loop", "loops", "macro", "macros", "map",
    "maps", "memory", "method", "methods", "migration", "migrations", "mock", "mocks", "module", "modules", "mutable", "nil", "none", "object",
    "objects", "option", "options", "ownership", "package", "packages", "panic", "panics", "param", "parameter", "parameters", "params", "path", "paths",
    "pointer", "pointers", "process", "processes", "promise", "promises", "queries", "query", "raise", "raises", "reference", "references", "request", "requests",
    "response", "responses", "return", "returns", "row", "rows", "runtime", "schema", "scope", "server", "servers", "set", "sets", "signal",
    "signals", "socket", "sockets", "stack", "state", "static", "stream", "streams", "string", "strings", "struct", "structs", "table", "tables",
    "test", "testing", "tests", "throw", "throws", "timeout", "timeouts", "trait", "traits", "transaction", "transactions", "type", "types", "undefined",
    "value", "values", "variable", "variables", "version", "versions", "|",
  ],
);
const TECHNICAL_STEMS: readonly string[] = [
  "alloc", "assert", "async", "atomic", "await", "borrow", "cache", "cancel", "compatib", "compil", "concurren", "config",
  "crash", "dependenc", "deprecat", "index", "invok", "iterat", "leak", "lock", "mutex", "null", "overflow", "retur",
  "sync", "thread",
];

function isTechnical(word: string): boolean {
  if (TECHNICAL_WORDS.has(word)) return true;
  for (const stem of TECHNICAL_STEMS) if (word.startsWith(stem)) return true;
  return false;
}
const TECHNICAL_CAP = 12;

export interface UnitInput {
  body: string;
  ledToChange?: boolean | null;
  replies?: number | null;
  /** The review's verdict, only on the body unit. */
  state?: "APPROVED" | "CHANGES_REQUESTED" | null;
}

/**
 * The feature vector of one unit, in FEATURES order. `content` says whether the unit has
 * anything an outcome can amplify; outcome features are zero without it.
 */
export function unitFeatures(
  u: UnitInput,
  category?: CommentCategoryResult,
  out: Float64Array = new Float64Array(FEATURE_COUNT),
): { x: Float64Array; text: UnitText; content: boolean; praiseOnly: boolean } {
  out.fill(0);
  const cat = category ?? categorizeComment(u.body);
  const t = cat.norm;
  const p = t.prose;
  const c = readCues(p);
  const has = (bit: number) => (c.bits & bit) !== 0;
  const words = c.distinct;
  const finding = cat.finding;
  const design = cat.category === "design";
  const negated = cat.negated;
  const question = words >= 2 && (p.includes("?") || p.includes("？") || has(QUESTION_WORD));
  const modal = has(MODAL);
  const reason = has(REASON);
  const code = t.codeBlocks > 0 || t.inlineCode > 0 || c.identifier;
  const imperative = has(IMPERATIVE_VERB);
  const praise = cat.category === "praise" || (words > 0 && words <= 8 && has(THANKS));
  const content = finding || design || modal || reason || question || code || imperative;

  // Length amplifies content, it never creates it: without any sign of content it counts half,
  // and beyond WORDS_CAP distinct words it counts no more.
  out[0] = Math.log1p(words) * (content ? 1 : 0.5);
  out[1] = finding ? 1 : 0;
  out[2] = design ? 1 : 0;
  out[3] = negated ? 1 : 0;
  out[4] = question ? 1 : 0;
  out[5] = modal ? 1 : 0;
  out[6] = reason ? 1 : 0;
  out[7] = has(CONDITIONAL) ? 1 : 0;
  out[8] = code ? 1 : 0;
  out[9] = imperative ? 1 : 0;
  out[10] = cat.nitPrefix ? 1 : 0;
  out[11] = cat.category === "nit" && cat.recognised && !cat.nitPrefix ? 1 : 0;
  out[12] = praise ? 1 : 0;
  out[13] = has(PROCESS) || p.trimStart().startsWith("/") ? 1 : 0;
  out[14] = t.links > 0 && words < 6 ? 1 : 0;
  out[15] = has(CURIOUS) ? 1 : 0;
  out[16] = words >= 4 && has(VERIFIED) ? 1 : 0;
  out[17] = u.state === "APPROVED" ? 1 : 0;
  out[18] = u.state === "CHANGES_REQUESTED" && (reason || modal || finding || design) ? 1 : 0;
  out[19] = content && u.ledToChange === true ? 1 : 0;
  out[20] = content ? Math.min(Math.max(u.replies ?? 0, 0), 3) / 3 : 0;
  out[21] = u.ledToChange === false ? 1 : 0;
  out[22] = Math.log1p(c.technical);
  out[23] = has(ALREADY) ? 1 : 0;
  out[24] = has(PREFERENCE) ? 1 : 0;
  out[25] = has(SOCIAL) ? 1 : 0;
  out[26] = c.figures ? 1 : 0;
  return { x: out, text: t, content, praiseOnly: praise && !content };
}
