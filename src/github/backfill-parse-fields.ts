/**
 * The checked readers of GitHub's GraphQL answers, shared by the parsers of
 * src/github/backfill-parse.ts: MalformedApiResponseError, the Reader that
 * names the path being read, the scalar readers with their limits, and
 * connections (a page of nodes and the next cursor).
 */
import type { Obj } from "./payload-fields.js";

export class MalformedApiResponseError extends Error {
  override name = "MalformedApiResponseError";
}

/** A connection's items read so far, and the cursor of the next page when GitHub said there is one. */
export interface Conn<T> {
  items: T[];
  after: string | null;
}

// ── Limits ─────────────────────────────────────────────────────────────────

/** Longer than GitHub allows (bodies are capped at 65,536 characters; titles at 256): not a real answer. */
export const MAX = { body: 262_144, title: 4_096, name: 1_024, url: 2_048, path: 4_096, hunk: 1_000_000, message: 1_000_000, cursor: 1_024, config: 1_000_000 } as const;
const MAX_NODES = 1_000;

export class Reader {
  constructor(readonly path: string) {}
  fail(what: string, v: unknown): never {
    const got = v === null ? "null" : Array.isArray(v) ? "a list" : typeof v === "string" ? `a string of ${v.length} characters` : typeof v;
    throw new MalformedApiResponseError(`${this.path}: ${what}, got ${got}`);
  }
  at(key: string | number): Reader {
    return new Reader(typeof key === "number" ? `${this.path}[${key}]` : `${this.path}.${key}`);
  }
}

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
// eslint-disable-next-line no-control-regex
const clean = (s: string) => (s.includes("\u0000") ? s.replace(/\u0000/g, "") : s);

export function obj(v: unknown, r: Reader): Obj {
  return isObj(v) ? v : r.fail("expected an object", v);
}
export function optObj(v: unknown, r: Reader): Obj | null {
  return v === null || v === undefined ? null : obj(v, r);
}
export function str(v: unknown, r: Reader, max: number): string {
  if (typeof v !== "string") return r.fail("expected a string", v);
  if (v.length > max) return r.fail(`longer than ${max} characters`, v);
  return clean(v);
}
export function optStr(v: unknown, r: Reader, max: number): string | null {
  return v === null || v === undefined ? null : str(v, r, max);
}
/** Text that may be absent (an empty body): "" when null. */
export function text(v: unknown, r: Reader, max: number): string {
  return optStr(v, r, max) ?? "";
}
export function bool(v: unknown, r: Reader): boolean {
  return typeof v === "boolean" ? v : r.fail("expected true or false", v);
}
export function int(v: unknown, r: Reader, min = 0, max = 2_147_483_647): number {
  return typeof v === "number" && Number.isInteger(v) && v >= min && v <= max ? v : r.fail(`expected a whole number from ${min} to ${max}`, v);
}
export function optInt(v: unknown, r: Reader): number | null {
  return v === null || v === undefined ? null : int(v, r, 0);
}
/** GitHub ids: GraphQL's BigInt arrives as a string of digits, databaseId as a number. */
export function id(v: unknown, r: Reader): number {
  const n = typeof v === "string" && /^\d{1,16}$/.test(v) ? Number(v) : v;
  return typeof n === "number" && Number.isSafeInteger(n) && n > 0 ? n : r.fail("expected a GitHub id", v);
}
export function optId(v: unknown, r: Reader): number | null {
  return v === null || v === undefined ? null : id(v, r);
}
export function date(v: unknown, r: Reader): string {
  const t = typeof v === "string" && v.length <= 40 ? Date.parse(v) : NaN;
  if (Number.isNaN(t) || t < -62_167_219_200_000 || t > 253_402_300_799_999) return r.fail("expected a date", v);
  return new Date(t).toISOString();
}
export function optDate(v: unknown, r: Reader): string | null {
  return v === null || v === undefined ? null : date(v, r);
}
export function sha(v: unknown, r: Reader): string {
  return typeof v === "string" && /^[0-9a-f]{7,64}$/i.test(v) ? v : r.fail("expected a commit id", v);
}
export function optSha(v: unknown, r: Reader): string | null {
  return v === null || v === undefined ? null : sha(v, r);
}
export function enumStr(v: unknown, r: Reader): string {
  return typeof v === "string" && /^[A-Z_]{1,40}$/.test(v) ? v : r.fail("expected an upper-case GraphQL enum value", v);
}
export function optEnum(v: unknown, r: Reader): string | null {
  return v === null || v === undefined ? null : enumStr(v, r);
}

export function nodesOf(v: unknown, r: Reader): unknown[] {
  const c = obj(v, r);
  const nodes = c.nodes;
  if (!Array.isArray(nodes)) return r.at("nodes").fail("expected a list", nodes);
  if (nodes.length > MAX_NODES) return r.at("nodes").fail(`more than ${MAX_NODES} nodes in one page`, nodes);
  return nodes;
}

/** A connection: its nodes (nulls, which GitHub sends for items it cannot show, skipped) and the next cursor. */
export function connection<T>(v: unknown, r: Reader, item: (n: unknown, r: Reader) => T | null): Conn<T> {
  const c = obj(v, r);
  const nodes = nodesOf(c, r);
  const items: T[] = [];
  nodes.forEach((n, i) => {
    if (n === null) return;
    const x = item(n, r.at("nodes").at(i));
    if (x !== null) items.push(x);
  });
  const pi = optObj(c.pageInfo, r.at("pageInfo"));
  const more = pi ? bool(pi.hasNextPage, r.at("pageInfo").at("hasNextPage")) : false;
  const after = more ? str(pi!.endCursor, r.at("pageInfo").at("endCursor"), MAX.cursor) : null;
  return { items, after };
}
