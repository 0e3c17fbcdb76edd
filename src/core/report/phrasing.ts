/** Small phrasing helpers of the person packet: inline parts, summary lines, counts in words. */
import type { Inline, SummaryLine } from "./report-model.js";

export function text(t: string): Inline {
  return { type: "text", text: t };
}

export function plainLine(t: string): SummaryLine {
  return { text: t, parts: [text(t)] };
}

export function richLine(parts: Inline[]): SummaryLine {
  return { text: parts.map((p) => p.text).join(""), parts };
}

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function joinWords(words: string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function times(n: number): string {
  return n === 1 ? "once" : n === 2 ? "twice" : `${n} times`;
}
