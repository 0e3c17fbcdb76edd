/**
 * The cue words of review prose, read in one pass: which cues a text sets (an obligation, a
 * reason, a condition, a process remark, curiosity, thanks, a verification, "already", a
 * preference, social words, an imperative at a sentence start, a leading question word), how many
 * distinct words and programming terms it uses, and whether it names an identifier or quotes a
 * figure. The features of review-features.ts are read off these cues.
 */
import { HashTable } from "./finding-prefilter.js";
import { plainText, WORDS_CAP } from "./text.js";

/*
 * Cue words, read in one pass over the prose's words (no regex per cue): a word, or a pair of
 * consecutive words, sets one or more cue bits.
 */
export const MODAL = 1;
export const REASON = 2;
export const CONDITIONAL = 4;
export const PROCESS = 8;
export const CURIOUS = 16;
export const THANKS = 32;
export const VERIFIED = 64;
export const ALREADY = 128;
export const PREFERENCE = 256;
export const SOCIAL = 512;
/** Only at the start of a sentence (or after "please"). */
export const IMPERATIVE_VERB = 1024;
export const QUESTION_WORD = 2048;

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

export interface Cues {
  bits: number;
  /** Distinct words, case-folded (at most WORDS_CAP). */
  distinct: number;
  technical: number;
  identifier: boolean;
  figures: boolean;
}

/*
 * Words are compared by a 32-bit FNV-1a hash of their lower-case letters, computed while the
 * prose is scanned: no string is allocated per word. (A collision with a cue word would need
 * one of ~2^32 values; the cue lists hold a few hundred.)
 */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function lowerCode(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function hashWord(w: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < w.length; i++) h = Math.imul(h ^ lowerCode(w.charCodeAt(i) === 0x2019 ? 39 : w.charCodeAt(i)), FNV_PRIME);
  return h;
}

function pairKey(first: number, second: number): number {
  return Math.imul(first, 0x9e3779b1) ^ second;
}

/*
 * Hashes are int32 (small, unboxed numbers) and are looked up in open-addressing tables of typed
 * arrays rather than Maps: one probe per word answers every question about it (its cue bits,
 * whether it is programming vocabulary, whether a cue pair starts with it, whether it is a
 * technical stem when it is a prefix).
 */
const TECHNICAL_WORD = 1 << 12;
const PAIR_START = 1 << 13;
const TECHNICAL_STEM = 1 << 14;

const WORD_TABLE = new HashTable(4096);
const PAIR_TABLE = new HashTable(1024);
for (const [w, bit] of CUE_WORDS) WORD_TABLE.add(hashWord(w), bit);
for (const [pair, bit] of CUE_PAIRS) {
  const [x, y] = pair.split(" ") as [string, string];
  PAIR_TABLE.add(pairKey(hashWord(x), hashWord(y)), bit);
  WORD_TABLE.add(hashWord(x), PAIR_START);
}

/** Distinct-word table, reused across calls (open addressing; a generation stamp clears it). */
const TABLE_SIZE = 512;
const tableHash = new Int32Array(TABLE_SIZE);
const tableStamp = new Uint32Array(TABLE_SIZE);
let generation = 0;

/** Adds a word hash; true when it was new. */
function addDistinct(h: number): boolean {
  let i = h & (TABLE_SIZE - 1);
  for (;;) {
    if (tableStamp[i] !== generation) {
      tableStamp[i] = generation;
      tableHash[i] = h | 0;
      return true;
    }
    if (tableHash[i] === (h | 0)) return false;
    i = (i + 1) & (TABLE_SIZE - 1);
  }
}

const UNICODE_WORD = /[\p{L}\p{N}][\p{L}\p{N}'’_-]*/gu;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;
const SENTENCE_END = /[.!?\n]/;

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Reads one word's cues into `st`. */
interface ScanState {
  bits: number;
  distinct: number;
  technical: number;
  identifier: boolean;
  figures: boolean;
  prev: number;
  /** A cue pair starts with the previous word (and there is one). */
  prevPairStart: boolean;
  sentenceStart: boolean;
  afterPlease: boolean;
  first: boolean;
}
const PLEASE = hashWord("please");
const CUE_BITS = (1 << 12) - 1;
const STATE: ScanState = { bits: 0, distinct: 0, technical: 0, identifier: false, figures: false, prev: 0, prevPairStart: false, sentenceStart: true, afterPlease: false, first: true };

function visitWord(st: ScanState, h: number, stem: boolean, digitFirst: boolean, identifierLike: boolean): void {
  if (identifierLike) st.identifier = true;
  if (digitFirst) st.figures = true;
  const b = WORD_TABLE.get(h);
  if ((b & CUE_BITS) !== 0) {
    st.bits |= b & CUE_BITS & ~(IMPERATIVE_VERB | QUESTION_WORD);
    if ((b & IMPERATIVE_VERB) !== 0 && (st.sentenceStart || st.afterPlease)) st.bits |= IMPERATIVE_VERB;
    if ((b & QUESTION_WORD) !== 0 && st.first) st.bits |= QUESTION_WORD;
  }
  if (st.prevPairStart) st.bits |= PAIR_TABLE.get(pairKey(st.prev, h));
  if (st.distinct < WORDS_CAP && addDistinct(h)) {
    st.distinct++;
    if (st.technical < TECHNICAL_CAP && (stem || (b & TECHNICAL_WORD) !== 0)) st.technical++;
  }
  st.afterPlease = h === PLEASE && st.sentenceStart;
  st.sentenceStart = false;
  st.first = false;
  st.prev = h;
  st.prevPairStart = h !== 0 && (b & PAIR_START) !== 0;
}

/** One pass over the words of the prose: cue bits, distinct words, technical terms, identifiers, figures. */
export function readCues(text: string): Cues {
  generation = (generation + 1) >>> 0 || 1;
  const st = STATE;
  st.bits = 0;
  st.distinct = 0;
  st.technical = 0;
  st.identifier = false;
  st.figures = false;
  st.prev = 0;
  st.prevPairStart = false;
  st.sentenceStart = true;
  st.afterPlease = false;
  st.first = true;
  // ASCII, or ASCII with dashes and curly quotes: the hand-written scan reads it as the Unicode one would.
  const ascii = plainText(text);
  if (ascii) {
    const n = text.length;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (!isAlnum(c)) {
        if (c === 46 || c === 33 || c === 63 || c === 10) {
          st.sentenceStart = true;
          st.prev = 0;
          st.prevPairStart = false;
        }
        i++;
        continue;
      }
      let h = FNV_OFFSET;
      let stem = false;
      let underscore = false;
      let camel = false;
      let lastLower = false;
      let len = 0;
      let j = i;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (!(isAlnum(d) || d === 39 || d === 0x2019 || d === 95 || d === 45)) break;
        if (d === 95) underscore = true;
        const upper = d >= 65 && d <= 90;
        if (upper && lastLower) camel = true;
        lastLower = d >= 97 && d <= 122;
        h = Math.imul(h ^ (d === 0x2019 ? 39 : lowerCode(d)), FNV_PRIME);
        len++;
        if (!stem && len < 16 && STEM_LENGTH_TABLE[len] === 1 && (WORD_TABLE.get(h) & TECHNICAL_STEM) !== 0) stem = true;
        j++;
      }
      const next = text.charCodeAt(j);
      const call = next === 40 || (next === 46 && isAlnum(text.charCodeAt(j + 1)));
      visitWord(st, h, stem, c >= 48 && c <= 57, underscore || camel || call);
      i = j;
    }
  } else {
    UNICODE_WORD.lastIndex = 0;
    let m: RegExpExecArray | null;
    let last = 0;
    while ((m = UNICODE_WORD.exec(text)) !== null) {
      if (SENTENCE_END.test(text.slice(last, m.index))) {
        st.sentenceStart = true;
        st.prev = 0;
        st.prevPairStart = false;
      }
      const w = m[0];
      const lower = w.toLowerCase();
      let stem = false;
      for (const L of STEM_LENGTHS) if (lower.length >= L && (WORD_TABLE.get(hashWord(lower.slice(0, L))) & TECHNICAL_STEM) !== 0) stem = true;
      const end = m.index + w.length;
      const next = text.charCodeAt(end);
      const call = next === 40 || (next === 46 && isAlnum(text.charCodeAt(end + 1)));
      const c0 = w.charCodeAt(0);
      visitWord(st, hashWord(lower), stem, c0 >= 48 && c0 <= 57, w.includes("_") || /[a-z][A-Z]/.test(w) || call);
      last = end;
    }
    const cjk = text.match(CJK);
    if (cjk && cjk.length > 0) st.distinct = Math.max(st.distinct, Math.round(cjk.length / 2));
    if (/[👍🎉🚀❤]/u.test(text)) st.bits |= THANKS;
  }
  if (text.includes(":)") || text.includes(":-)")) st.bits |= SOCIAL;
  return { bits: st.bits, distinct: st.distinct, technical: st.technical, identifier: st.identifier, figures: st.figures };
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

for (const w of TECHNICAL_WORDS) WORD_TABLE.add(hashWord(w), TECHNICAL_WORD);
for (const w of TECHNICAL_STEMS) WORD_TABLE.add(hashWord(w), TECHNICAL_STEM);
const STEM_LENGTHS = new Set<number>(TECHNICAL_STEMS.map((x) => x.length));
const STEM_LENGTH_TABLE = new Uint8Array(16);
for (const L of STEM_LENGTHS) if (L < 16) STEM_LENGTH_TABLE[L] = 1;
const TECHNICAL_CAP = 12;
