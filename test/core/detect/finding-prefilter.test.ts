import { describe, expect, it } from "vitest";
import { DEFECT, DESIGN, KNOWLEDGE, NIT_WORDS, PERFORMANCE, SECURITY, TEST_GAP, VERIFICATION, categorizeComment } from "../../../src/core/detect/categorize-comment.js";
import * as prefilter from "../../../src/core/detect/finding-prefilter.js";
import { benchReviewPool, mulberry32 } from "../../../bench/lib/generated-reviews.js";
import { loadReviewSets, REVIEW_SETS } from "../../../bench/eval/review-sets.js";

const { candidateRegexes, DEFECT_BIT, PERFORMANCE_BIT } = prefilter;

const REGEXES: readonly [string, RegExp, number][] = (
  [
    ["SECURITY", SECURITY],
    ["DEFECT", DEFECT],
    ["PERFORMANCE", PERFORMANCE],
    ["TEST_GAP", TEST_GAP],
    ["NIT_WORDS", NIT_WORDS],
    ["DESIGN", DESIGN],
    ["KNOWLEDGE", KNOWLEDGE],
    ["VERIFICATION", VERIFICATION],
  ] as const
).map(([name, re]) => [name, re, prefilter[`${name}_BIT`]]);

/*
 * A generator of strings that match a regex, for the subset of syntax the category regexes use:
 * groups, alternation, classes, \b \w \d \s, quantifiers and lookaheads (skipped; the regex
 * itself then filters the samples).
 */
type Node =
  | { t: "alt"; options: Node[] }
  | { t: "seq"; items: Node[] }
  | { t: "rep"; node: Node; min: number; max: number }
  | { t: "chars"; pick: string[] }
  | { t: "empty" };

const WORD_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_".split("");
const POOL = [...WORD_CHARS, " ", "\n", ".", ",", ";", ":", "-", "(", ")", "/", "'", "é"];

function parse(src: string): Node {
  let i = 0;
  const escapeSet = (c: string): string[] => {
    if (c === "w") return WORD_CHARS;
    if (c === "d") return "0123456789".split("");
    if (c === "s") return [" ", "\n"];
    if (c === "n") return ["\n"];
    return [c];
  };
  function alt(): Node {
    const options = [seq()];
    while (src[i] === "|") {
      i++;
      options.push(seq());
    }
    return options.length === 1 ? options[0]! : { t: "alt", options };
  }
  function seq(): Node {
    const items: Node[] = [];
    while (i < src.length && src[i] !== "|" && src[i] !== ")") {
      let node = atom();
      const q = src[i];
      if (q === "?" || q === "*" || q === "+") {
        i++;
        node = { t: "rep", node, min: q === "+" ? 1 : 0, max: q === "?" ? 1 : 3 };
      } else if (q === "{") {
        const end = src.indexOf("}", i);
        const [a, b] = src.slice(i + 1, end).split(",");
        i = end + 1;
        node = { t: "rep", node, min: Number(a), max: b === undefined ? Number(a) : Math.min(Number(b), Number(a) + 4) };
      }
      if (src[i] === "?") i++; // lazy
      items.push(node);
    }
    return { t: "seq", items };
  }
  function atom(): Node {
    const c = src[i]!;
    if (c === "(") {
      i++;
      let skip = false;
      if (src[i] === "?") {
        skip = src[i + 1] === "!" || src[i + 1] === "=";
        i += 2;
      }
      const inner = alt();
      i++; // ")"
      return skip ? { t: "empty" } : inner;
    }
    if (c === "[") {
      i++;
      const negate = src[i] === "^";
      if (negate) i++;
      const members = new Set<string>();
      while (src[i] !== "]") {
        let ch = src[i]!;
        if (ch === "\\") {
          i++;
          for (const m of escapeSet(src[i]!)) members.add(m);
          i++;
          continue;
        }
        i++;
        if (src[i] === "-" && src[i + 1] !== "]") {
          const to = src[i + 1]!;
          for (let k = ch.charCodeAt(0); k <= to.charCodeAt(0); k++) members.add(String.fromCharCode(k));
          i += 2;
          continue;
        }
        members.add(ch);
        ch = "";
      }
      i++;
      return { t: "chars", pick: negate ? POOL.filter((p) => !members.has(p)) : [...members] };
    }
    if (c === "\\") {
      const e = src[i + 1]!;
      i += 2;
      if (e === "b") return { t: "empty" };
      return { t: "chars", pick: escapeSet(e) };
    }
    i++;
    if (c === "^" || c === "$") return { t: "empty" };
    return { t: "chars", pick: [c] };
  }
  const root = alt();
  if (i !== src.length) throw new Error(`unparsed regex tail at ${i}: ${src.slice(i, i + 20)}`);
  return root;
}

function generate(node: Node, rnd: () => number): string {
  switch (node.t) {
    case "empty":
      return "";
    case "chars":
      return node.pick[Math.floor(rnd() * node.pick.length)]!;
    case "alt":
      return generate(node.options[Math.floor(rnd() * node.options.length)]!, rnd);
    case "seq":
      return node.items.map((n) => generate(n, rnd)).join("");
    case "rep": {
      const k = node.min + Math.floor(rnd() * (node.max - node.min + 1));
      let s = "";
      for (let j = 0; j < k; j++) s += generate(node.node, rnd);
      return s;
    }
  }
}

const CONTEXTS: readonly [string, string][] = [
  ["", ""],
  [" ", " "],
  ["Note: ", "."],
  ["(", ")"],
  ["x-", "_y"],
  ["See `a`\n", "!"],
];

function randomCase(s: string, rnd: () => number): string {
  return [...s].map((ch) => (rnd() < 0.2 ? ch.toUpperCase() : ch)).join("");
}

describe("finding prefilter", () => {
  for (const [name, re, bit] of REGEXES) {
    it(`lets every generated match of ${name} through, for each of its alternatives`, () => {
      const root = parse(re.source);
      const branches = root.t === "alt" ? root.options : [root];
      const rnd = mulberry32(bit * 7919);
      for (let b = 0; b < branches.length; b++) {
        let matched = 0;
        for (let k = 0; k < 200; k++) {
          const [pre, post] = CONTEXTS[k % CONTEXTS.length]!;
          const text = pre + randomCase(generate(branches[b]!, rnd), rnd) + post;
          if (!re.test(text)) continue;
          matched++;
          expect(candidateRegexes(text) & bit, `${name} alternative ${b}: ${JSON.stringify(text)}`).not.toBe(0);
        }
        // Every alternative is exercised, not just generated.
        expect(matched, `${name} alternative ${b} produced no match`).toBeGreaterThanOrEqual(5);
      }
    });
  }

  it("lets through every labelled and generated comment a regex matches", () => {
    const texts = new Set<string>();
    for (const it of loadReviewSets(REVIEW_SETS)) {
      for (const c of it.input.comments ?? []) texts.add(categorizeComment(c.body).text);
      if (it.input.body) texts.add(categorizeComment(it.input.body).text);
    }
    for (const r of benchReviewPool()) for (const c of r.comments ?? []) texts.add(categorizeComment(c.body).text);
    let matches = 0;
    for (const text of texts) {
      const mask = candidateRegexes(text);
      for (const [name, re, bit] of REGEXES) {
        if (!re.test(text)) continue;
        matches++;
        expect(mask & bit, `${name}: ${JSON.stringify(text)}`).not.toBe(0);
      }
    }
    expect(matches).toBeGreaterThan(100);
  });

  it("holds back text without an anchor word, and reads words as the regexes do", () => {
    expect(candidateRegexes("Looks good to me, thanks!")).toBe(0);
    expect(candidateRegexes("")).toBe(0);
    // Case-folded, and a prefix anchor matches the word's start only.
    expect(candidateRegexes("CRASHES on start") & DEFECT_BIT).not.toBe(0);
    expect(candidateRegexes("a nocrash build") & DEFECT_BIT).toBe(0);
    // An underscore joins words (as \b reads it); a dash or an accented letter separates them.
    expect(candidateRegexes("foo_bug") & DEFECT_BIT).toBe(0);
    expect(candidateRegexes("foo-bug") & DEFECT_BIT).not.toBe(0);
    expect(candidateRegexes("ébug") & DEFECT_BIT).not.toBe(0);
    // An exact anchor needs the whole word.
    expect(candidateRegexes("a hotfix") & PERFORMANCE_BIT).toBe(0);
    expect(candidateRegexes("hot path") & PERFORMANCE_BIT).not.toBe(0);
  });

  it("changes no category: the category regexes run only where they can match", () => {
    // Behaviour is that of the regexes alone: a comment with an anchor is read as before.
    expect(categorizeComment("This will crash when the list is empty.").category).toBe("defect");
    expect(categorizeComment("We log the whole request here, which leaks the bearer token.").category).toBe("security");
    expect(categorizeComment("Looks good to me, thanks!").category).toBe("praise");
  });
});
