/**
 * The words of a config issue: what is wrong with a value (from zod's issue), what the
 * schema expects at a path (its documentation, the keys it knows) and, for an unknown
 * key, the known one it was probably meant to be.
 */
import { z } from "zod";

import { UnsungConfigSchema } from "./config-schema.js";
import type { PathSeg } from "./config-paths.js";

export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return "empty";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "string") return "text";
  if (typeof v === "number") return "a number";
  if (typeof v === "boolean") return "true/false";
  if (typeof v === "object") return "a mapping";
  return typeof v;
}

const TYPE_WORDS: Record<string, string> = {
  string: "text",
  number: "a number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  int: "a whole number",
};

export function issueMessage(issue: z.core.$ZodIssue, received: unknown): string {
  switch (issue.code) {
    case "invalid_type": {
      const expected = TYPE_WORDS[issue.expected] ?? issue.expected;
      return received === undefined ? `Missing: expected ${expected}.` : `Expected ${expected}, got ${describeValue(received)}.`;
    }
    case "too_small":
      return issue.origin === "array"
        ? `Too few items: at least ${String(issue.minimum)}.`
        : issue.origin === "string"
          ? `Too short: at least ${String(issue.minimum)} characters.`
          : `Too small: must be ${issue.inclusive === false ? "above" : "at least"} ${String(issue.minimum)}.`;
    case "too_big":
      return issue.origin === "array"
        ? `Too many items: at most ${String(issue.maximum)}.`
        : issue.origin === "string"
          ? `Too long: at most ${String(issue.maximum)} characters.`
          : `Too big: must be ${issue.inclusive === false ? "below" : "at most"} ${String(issue.maximum)}.`;
    case "invalid_format":
      return `Invalid value: ${issue.message.startsWith("Invalid") ? "does not have the expected format" : issue.message}.`;
    case "invalid_key":
      return `Invalid name: ${issue.issues[0]?.message.startsWith("Invalid") ? "does not have the expected format" : (issue.issues[0]?.message ?? "not allowed")}.`;
    case "not_multiple_of":
      return issue.divisor === 1 ? "Expected a whole number." : `Expected a multiple of ${String(issue.divisor)}.`;
    default:
      return `${issue.message}.`.replace(/\.\.$/, ".");
  }
}

// ── Schema introspection (for "what is expected") ────────────────────────

function schemaAt(path: readonly PathSeg[]): { schema: z.ZodType | null; description: string | null } {
  let s: z.ZodType = UnsungConfigSchema;
  let description: string | null = s.description ?? null;
  for (const seg of path) {
    s = unwrap(s);
    if (s instanceof z.ZodObject) {
      const next = (s.shape as Record<string, z.ZodType>)[String(seg)];
      if (!next) return { schema: null, description };
      s = next;
    } else if (s instanceof z.ZodArray) {
      s = s.element as z.ZodType;
    } else if (s instanceof z.ZodRecord) {
      s = s.valueType as z.ZodType;
    } else {
      return { schema: null, description };
    }
    description = s.description ?? unwrap(s).description ?? description;
  }
  return { schema: s, description };
}

function unwrap(s: z.ZodType): z.ZodType {
  let cur = s;
  while (cur instanceof z.ZodOptional || cur instanceof z.ZodDefault || cur instanceof z.ZodNullable) cur = cur.unwrap() as z.ZodType;
  return cur;
}

export function descriptionAt(path: readonly PathSeg[]): string | null {
  return schemaAt(path).description;
}

export function knownKeys(path: readonly PathSeg[]): string[] {
  const s = schemaAt(path).schema;
  const u = s ? unwrap(s) : null;
  return u instanceof z.ZodObject ? Object.keys(u.shape) : [];
}

export function expectedKeysText(path: readonly PathSeg[]): string | null {
  const keys = knownKeys(path);
  return keys.length > 0 ? `One of: ${keys.join(", ")}.` : null;
}

export function suggest(key: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  const k = key.toLowerCase();
  for (const cand of known) {
    const d = distance(k, cand.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = cand;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(key.length / 4)) ? best : null;
}

function distance(a: string, b: string): number {
  if (a.length > 64 || b.length > 64) return Infinity;
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
