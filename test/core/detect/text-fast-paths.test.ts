import { describe, expect, it } from "vitest";
import { duplicateKey, plainText, plural, wordCount } from "../../../src/core/detect/text.js";

/** The definitions the hand-written scans must agree with, on any input. */
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’_-]*/gu;
const referenceWordCount = (t: string) => (t.match(WORD) ?? []).length;
const referenceKey = (t: string) => t.toLowerCase().replace(/\d+/g, "").replace(/[^\p{L}\p{N}]+/gu, " ").trim();

const ALPHABET = ["a", "Z", "q", "7", "0", " ", "\n", "\t", "'", "’", "_", "-", ".", "?", "!", ":", "(", ")", "—", "–", "“", "”", "…", "é", "İ", "ß", "中", "👍", "\u00a0", "`", "/", "Ab", "x_y", "fooBar"];

function randomStrings(count: number, seed: number): string[] {
  let s = seed;
  const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  return Array.from({ length: count }, () => Array.from({ length: Math.floor(rnd() * 40) }, () => ALPHABET[Math.floor(rnd() * ALPHABET.length)]!).join(""));
}

describe("text fast paths", () => {
  const samples = [...randomStrings(5000, 11), "", "Typo: recieve", "typo - recieve!", "  12 abc 3d4e  ", "don’t — can't", "İstanbul ß 中文"];
  it("count words exactly as the Unicode word regex does", () => {
    for (const t of samples) expect(wordCount(t), JSON.stringify(t)).toBe(referenceWordCount(t));
  });
  it("build the same duplicate key as the regex definition", () => {
    for (const t of samples) expect(duplicateKey(t), JSON.stringify(t)).toBe(referenceKey(t));
  });
  it("take the fast path only for ASCII text with plain punctuation marks", () => {
    expect(plainText("a — b ’ c “d” …")).toBe(true);
    expect(plainText("café")).toBe(false);
    expect(plainText("👍")).toBe(false);
  });
  it("formats counts as toLocaleString does", () => {
    for (const n of [0, 1, 2, 999, 1000, 12345, -1, -0, 1.5, 2 ** 40]) expect(plural(n, "item")).toBe(`${n.toLocaleString("en-US")} ${n === 1 ? "item" : "items"}`);
  });
});
