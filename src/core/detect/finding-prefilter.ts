/**
 * A word-level prefilter for the category regexes of categorize-comment.ts: one pass over a
 * text's words says which of those regexes could match it at all, so the others are not run.
 *
 * Every alternative of each regex contains a literal word that any match must contain at a word
 * start (after \b, a space, a dash, …), listed below as an anchor of the regex: either the whole
 * word ("exact") or how a word begins ("prefix", for stems like crash\w*). Words are read the
 * way those regexes read them (they are case-insensitive and not Unicode-aware): runs of ASCII
 * letters, digits and underscores, case-folded; anything else separates words. A text none of
 * whose words is an anchor of a regex cannot match it, so the prefilter never changes a result;
 * it only skips work. (test/core/detect/finding-prefilter.test.ts generates matches of every
 * regex and checks that the prefilter lets each through.)
 *
 * Words are compared by a 32-bit FNV-1a hash: a collision can only let a text through, never
 * hold one back.
 */

export const SECURITY_BIT = 1;
export const DEFECT_BIT = 2;
export const PERFORMANCE_BIT = 4;
export const TEST_GAP_BIT = 8;
export const NIT_WORDS_BIT = 16;
export const DESIGN_BIT = 32;
export const KNOWLEDGE_BIT = 64;
export const VERIFICATION_BIT = 128;
/** Every regex may match: what a caller passes when it has no prefilter result. */
export const ALL_CANDIDATES = 255;

interface Anchors {
  exact: string;
  prefix: string;
}

/** Anchors per regex, in the order of the regex's alternatives. */
const ANCHORS: readonly [number, Anchors][] = [
  [
    SECURITY_BIT,
    {
      exact: "injection, xss, csrf, ssrf, xxe, rce, idor, cross, remote, traversal, redirect, private, permission, access, cve, pii, personal, gdpr, timing, constant, insecure",
      prefix: "secret, credential, password, api, token, unauthori, authori, authenticat, privilege, saniti, unescaped, unsanitized, unvalidated, untrusted, vulnerab, exploit, attacker, malicious, plain, deseriali, leak",
    },
  ],
  [
    DEFECT_BIT,
    {
      exact: "null, nil, undefined, none, empty, negative, zero, nan, stale, npe, nullpointerexception, typeerror, keyerror, indexerror, attributeerror, unhandled, uncaught, off, infinite, never, always, wrong, inverted, backwards, correct, escaped, awaited, closed, released, checked, thread, idempotent, atomic, missing, forgot, edge, corner, double, loss, lose, loses, silently, precision, rounding, work, reentrant, modify, act, toctou, check, lost, wins, lock, mutex, transaction, committed, unique, dies, tell, distinguish, twice, until, error, errors",
      prefix: "bug, broken, crash, panic, segfault, regression, deadlock, livelock, rac, break, fail, throw, hang, loop, corrupt, overflow, underflow, incorrect, handl, leak, swallow, truncat, miss, duplicate",
    },
  ],
  [
    PERFORMANCE_BIT,
    {
      exact: "hot, tight, o, n, scan, index, memory, pressure, heap, uncached, adds, columns, every, each",
      prefix: "perf, slow, latency, throughput, quadratic, exponential, bottleneck, expensive, unbounded, allocat, cach, memoi, batch, round, poll, lock, block, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9",
    },
  ],
  [
    TEST_GAP_BIT,
    {
      exact: "test, tests, untested, covered, tested, exercised, cover",
      prefix: "",
    },
  ],
  [
    NIT_WORDS_BIT,
    {
      exact: "blank, black, instead, unused, extra, quotes",
      prefix: "typo, spelling, misspel, whitespace, indent, trailing, newline, semicolon, formatting, prettier, gofmt, rustfmt, lint, eslint, rubocop, camel, snake, pascal, capitali, punctuation, grammar, wording, phrasing, renam, naming, import",
    },
  ],
  [
    DESIGN_BIT,
    {
      exact: "cohesion, separation, responsibility, architecture, machine, truth, circular, breaking, api, contract, schema, migration, should, move, extract, split, pull, reuse, re, existing, leaky, alternative, feature, place, consider, cleaner, simpler, misleading, confusing",
      prefix: "abstraction, coupl, invariant, backward, duplicat, over, trade",
    },
  ],
  [
    KNOWLEDGE_BIT,
    {
      exact: "fyi, context, background, historically, reference, heads, gotcha, til, tip, reason, we, why, because, works, hood, see, convention, pattern, codebase, repo, idiomatic, mind, note, worth",
      prefix: "",
    },
  ],
  [
    VERIFICATION_BIT,
    {
      exact: "ran, run, reran, tested, tried, verified, reproduced, benchmarked, profiled, measured, exercised, confirmed, validated, deployed, rolled, applied, checked, pulled, built, stepped",
      prefix: "repro",
    },
  ],
];

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** The FNV-1a hash of an ASCII word, case-folded. */
export function hashAsciiWord(w: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < w.length; i++) h = Math.imul(h ^ foldCode(w.charCodeAt(i)), FNV_PRIME);
  return h;
}

function foldCode(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/**
 * An open-addressing table of int32 keys to int32 flags (typed arrays, one probe per lookup in
 * the usual case): far cheaper per word than a Map of strings.
 */
export class HashTable {
  private readonly keys: Int32Array;
  private readonly values: Int32Array;
  private readonly used: Uint8Array;
  private readonly mask: number;
  constructor(size: number) {
    this.keys = new Int32Array(size);
    this.values = new Int32Array(size);
    this.used = new Uint8Array(size);
    this.mask = size - 1;
  }
  /** ORs `flags` into the entry of `h`. */
  add(h: number, flags: number): void {
    let i = h & this.mask;
    while (this.used[i] === 1 && this.keys[i] !== (h | 0)) i = (i + 1) & this.mask;
    this.used[i] = 1;
    this.keys[i] = h;
    this.values[i] = this.values[i]! | flags;
  }
  /** The flags of `h`, 0 when absent. */
  get(h: number): number {
    let i = h & this.mask;
    while (this.used[i] === 1) {
      if (this.keys[i] === (h | 0)) return this.values[i]!;
      i = (i + 1) & this.mask;
    }
    return 0;
  }
}

/** Per word hash: the prefix bits in the low byte, the exact-word bits in the next. */
const TABLE = new HashTable(2048);
const MAX_PREFIX = 16;
/** PREFIX_LENGTH[L] = 1 when some prefix anchor has L characters. */
const PREFIX_LENGTH = new Uint8Array(MAX_PREFIX + 1);

function words(list: string): string[] {
  return list
    .split(",")
    .map((w) => w.trim())
    .filter((w) => w.length > 0);
}

for (const [bit, a] of ANCHORS) {
  for (const w of words(a.exact)) TABLE.add(hashAsciiWord(w), bit << 8);
  for (const w of words(a.prefix)) {
    if (w.length > MAX_PREFIX) throw new Error(`finding prefilter: prefix anchor too long: ${w}`);
    TABLE.add(hashAsciiWord(w), bit);
    PREFIX_LENGTH[w.length] = 1;
  }
}

/** The anchors, for tests: each regex bit with its exact and prefix words. */
export function anchorsOf(bit: number): { exact: string[]; prefix: string[] } {
  const a = ANCHORS.find(([b]) => b === bit)?.[1];
  return { exact: a ? words(a.exact) : [], prefix: a ? words(a.prefix) : [] };
}

function isWordCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/**
 * The bits of the regexes that could match `text` (SECURITY_BIT | DEFECT_BIT | …); a regex whose
 * bit is clear has no match in it. One pass, no allocation.
 */
export function candidateRegexes(text: string): number {
  let mask = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (!isWordCode(c)) {
      i++;
      continue;
    }
    let h = FNV_OFFSET;
    let len = 0;
    do {
      h = Math.imul(h ^ foldCode(c), FNV_PRIME);
      len++;
      if (len <= MAX_PREFIX && PREFIX_LENGTH[len] === 1) mask |= TABLE.get(h) & 0xff;
      i++;
      c = i < n ? text.charCodeAt(i) : 32;
    } while (isWordCode(c));
    mask |= TABLE.get(h) >>> 8;
  }
  return mask;
}
