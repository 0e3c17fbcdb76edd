/**
 * Every row of every table, whatever the schema holds: the tables are read from
 * information_schema, so a table added later is searched too. Used to prove an erasure left
 * nothing behind.
 */
import { sql, type Kysely } from "kysely";
import type { DB } from "../../src/store/schema.js";
import type { Needles } from "./tenant-fixture.js";

export interface FoundRow {
  table: string;
  row: string;
  needle: string;
}

/** Every base table outside the system schemas, as "schema.table". */
export async function allTables(db: Kysely<DB>): Promise<string[]> {
  const r = await sql<{ schema: string; name: string }>`
    select table_schema as schema, table_name as name from information_schema.tables
    where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema') and table_schema not like 'pg\\_%'
    order by 1, 2`.execute(db);
  return r.rows.map((t) => `${t.schema}.${t.name}`);
}

/** Each table's rows as text (a row cast to text holds every column). */
export async function allRows(db: Kysely<DB>): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const t of await allTables(db)) {
    const [schema, name] = t.split(".") as [string, string];
    const r = await sql<{ row: string }>`select t::text as row from ${sql.table(`${schema}.${name}`)} t`.execute(db);
    out.set(t, r.rows.map((x) => x.row).sort());
  }
  return out;
}

function matcher(needles: Needles): (text: string) => string | null {
  const numbers = needles.numbers.map((n) => ({ n: String(n), re: new RegExp(`(?<![0-9])${n}(?![0-9])`) }));
  const strings = needles.strings.filter((s) => s !== "").map((s) => s.toLowerCase());
  return (text) => {
    for (const { n, re } of numbers) if (re.test(text)) return n;
    const lower = text.toLowerCase();
    for (const s of strings) if (lower.includes(s)) return s;
    return null;
  };
}

/** The rows (of `rows`, or of the whole database) that mention any needle. */
export async function rowsMentioning(db: Kysely<DB>, needles: Needles, rows?: Map<string, string[]>): Promise<FoundRow[]> {
  const all = rows ?? (await allRows(db));
  const match = matcher(needles);
  const found: FoundRow[] = [];
  for (const [table, list] of all) {
    for (const row of list) {
      const needle = match(row);
      if (needle !== null) found.push({ table, row: row.length > 300 ? `${row.slice(0, 300)}…` : row, needle });
    }
  }
  return found;
}

/** The rows of each table that mention the needles, as text (to compare before and after). */
export function mentioning(rows: Map<string, string[]>, needles: Needles): Map<string, string[]> {
  const match = matcher(needles);
  const out = new Map<string, string[]>();
  for (const [table, list] of rows) {
    const hits = list.filter((r) => match(r) !== null);
    if (hits.length) out.set(table, hits);
  }
  return out;
}
