/**
 * Defensive readers for webhook payload fields, shared by the normalisers of
 * src/github/normalise-delivery.ts. A payload is input from outside: a reader
 * returns null for what is missing or of the wrong kind, `need` turns a missing
 * essential field into a MalformedPayloadError.
 */

/** Thrown for a payload that lacks what its event must have: the delivery is parked, not retried forever. */
export class MalformedPayloadError extends Error {
  override name = "MalformedPayloadError";
}

export type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
export const obj = (v: unknown): Obj | null => (isObj(v) ? v : null);
// PostgreSQL text and jsonb cannot hold U+0000, which JSON can: drop it rather than fail the whole delivery.
// eslint-disable-next-line no-control-regex
export const str = (v: unknown): string | null => (typeof v === "string" ? (v.includes("\u0000") ? v.replace(/\u0000/g, "") : v) : null);
/** GitHub ids and counts are integers; anything else (1.5, 1e300, "12") is not one. Ids go to bigint columns. */
export const num = (v: unknown): number | null => (typeof v === "number" && Number.isSafeInteger(v) ? v : null);
/** For integer (int4) columns: numbers, lines, counts, attempts. */
export const int = (v: unknown): number | null => (typeof v === "number" && Number.isInteger(v) && v >= -2_147_483_648 && v <= 2_147_483_647 ? v : null);
export const bool = (v: unknown): boolean => v === true;

/** GitHub sends most times as ISO strings, some (push repository) as epoch seconds. */
export function time(v: unknown): string | null {
  let t: number;
  if (typeof v === "number" && Number.isFinite(v)) t = v * 1000;
  else if (typeof v === "string") t = Date.parse(v);
  else return null;
  // Outside years 0000–9999 a date is not one GitHub sent (and toISOString would throw or write "+010000").
  if (!Number.isFinite(t) || t < -62_167_219_200_000 || t > 253_402_300_799_999) return null;
  return new Date(t).toISOString();
}

export function need<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new MalformedPayloadError(`payload has no ${what}`);
  return value;
}

/** GitHub allows 100 labels on an issue or pull request; more is not a real payload. */
const MAX_LABELS = 100;

export function labelNames(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const l of v) {
    const name = typeof l === "string" ? str(l) : str(obj(l)?.name);
    if (name !== null) out.push(name.slice(0, 1_000));
    if (out.length >= MAX_LABELS) break;
  }
  return out;
}
