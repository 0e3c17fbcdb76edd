/**
 * What every fact writer shares: the transaction type, one-row-per-key in key
 * order, JSON columns, writing in parts, and `excluded.<column>` for upsert guards.
 */
import { sql, type Kysely, type Transaction } from "kysely";
import type { DB } from "./schema.js";

export type Tx = Kysely<DB> | Transaction<DB>;

/**
 * Keeps one row per key (one INSERT … ON CONFLICT may not touch a row twice):
 * the newest by `updatedAt` when rows carry one (a batch of several deliveries
 * may hold an older state after a newer one), else the last. In key order:
 * two workers writing about the same people or repositories then lock those
 * rows in the same order, rather than deadlocking on opposite orders.
 */
export function lastByKey<T>(rows: T[], key: (r: T) => string | number): T[] {
  const m = new Map<string | number, T>();
  const version = (r: T) => (r as { updatedAt?: unknown }).updatedAt;
  for (const r of rows) {
    const k = key(r);
    const prev = m.get(k);
    const v = version(r);
    const pv = prev === undefined ? undefined : version(prev);
    if (prev === undefined || typeof v !== "string" || typeof pv !== "string" || v >= pv) m.set(k, r);
  }
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
}

export const json = (v: unknown) => JSON.stringify(v);

export function* chunks<T>(rows: T[], size: number): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

/** `excluded.<column>` as a typed reference for upsert guards. */
export function eb_excluded(column: string) {
  return sql.ref(`excluded.${column}`) as never;
}
