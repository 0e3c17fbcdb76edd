/**
 * The part of an `ON CONFLICT … DO UPDATE SET` list where a column simply
 * takes the incoming row's value (`col = excluded.col`). Spread it first and
 * write out only the columns with a rule of their own (coalesce, once-merged,
 * …), so those rules are what the eye lands on.
 */
import { sql, type RawBuilder } from "kysely";
import type { DB } from "./schema.js";

export function takeIncoming<T extends keyof DB, C extends keyof DB[T] & string>(_table: T, ...columns: C[]): { [K in C]: RawBuilder<never> } {
  const set = {} as { [K in C]: RawBuilder<never> };
  for (const c of columns) set[c] = sql.ref<never>(`excluded.${c}`);
  return set;
}
