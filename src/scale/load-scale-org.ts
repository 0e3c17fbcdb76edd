/**
 * Loads the synthetic scale organisation (generate-scale-org.ts) straight into
 * the tables: multi-row INSERTs, `batchRows` rows per statement, each column
 * one parameter (a JSON array unpacked by `ROWS FROM (json_array_elements…)`,
 * or a PostgreSQL array for `unnest()`), a few statements in flight on their
 * own connections while the next rows are generated. Works on any
 * node-postgres pool: PostgreSQL, or the embedded PGlite through its socket.
 */
import type pg from "pg";
import { generateScaleOrg, planScaleOrg, type ScaleCounts, type ScaleOrgOptions, type ScaleOrgPlan } from "./generate-scale-org.js";
import { REBUILD_REVIEW_MERGES_SQL } from "../store/review-merges.js";
import { encodeArrayColumn, encodeJsonColumn, insertJsonSql, insertSql, SCALE_TABLE_NAMES, SCALE_TABLES, type ScaleTable } from "./tables.js";

export interface LoadOptions {
  /** Rows per INSERT statement (default 1000). */
  batchRows?: number;
  /** Statements in flight at once, each on its own connection (default 2). */
  parallel?: number;
  /** Load only these tables (the generator still generates everything, so the data is the same). */
  tables?: readonly ScaleTable[];
  /** How columns travel: JSON arrays (default; about twice as fast here) or PostgreSQL array literals. */
  encoding?: "json" | "arrays";
  /**
   * Commit without waiting for the WAL flush (`synchronous_commit = off` on the loading
   * connections only; default true). A crash can lose the last moments of a load, never
   * corrupt it: fine for a synthetic fixture, and it saves a flush per statement.
   */
  asyncCommit?: boolean;
  /** Run VACUUM ANALYZE on the loaded tables afterwards (default true). */
  analyze?: boolean;
  onProgress?: (p: { month: number; months: number; rows: number; elapsedMs: number }) => void;
}

export interface LoadResult {
  plan: ScaleOrgPlan;
  /** Rows inserted per table. */
  loaded: Partial<Record<ScaleTable, number>>;
  /** Rows generated per table (including tables not loaded). */
  generated: ScaleCounts;
  rows: number;
  /** Generating and inserting, without ANALYZE. */
  loadMs: number;
  analyzeMs: number;
}

type Pool = Pick<pg.Pool, "connect">;
type Batch = { table: ScaleTable; cols: unknown[][]; rows: number };

class ColumnBuffer {
  cols: unknown[][];
  length = 0;
  constructor(readonly table: ScaleTable) {
    this.cols = SCALE_TABLES[table].columns.map(() => []);
  }
  push(row: unknown[]): void {
    const cols = this.cols;
    for (let i = 0; i < cols.length; i++) cols[i]!.push(row[i] ?? null);
    this.length++;
  }
  take(): Batch {
    const out = { table: this.table, cols: this.cols, rows: this.length };
    this.cols = SCALE_TABLES[this.table].columns.map(() => []);
    this.length = 0;
    return out;
  }
}

export async function loadScaleOrg(pool: Pool, options: ScaleOrgOptions = {}, load: LoadOptions = {}): Promise<LoadResult> {
  const batchRows = load.batchRows ?? 1000;
  const parallel = Math.max(1, load.parallel ?? 2);
  const asyncCommit = load.asyncCommit !== false;
  const wanted = new Set<ScaleTable>(load.tables ?? SCALE_TABLE_NAMES);
  const json = (load.encoding ?? "json") === "json";
  const sqlFor = new Map<ScaleTable, string>([...wanted].map((t) => [t, json ? insertJsonSql(t) : insertSql(t)]));
  const buffers = new Map<ScaleTable, ColumnBuffer>([...wanted].map((t) => [t, new ColumnBuffer(t)]));
  const ready: Batch[] = [];
  const loaded: Partial<Record<ScaleTable, number>> = {};
  const inflight = new Set<Promise<void>>();
  let failure: Error | null = null;
  let rows = 0;

  const clients = await Promise.all(Array.from({ length: parallel }, () => pool.connect()));
  const free = [...clients];

  const sink = (table: ScaleTable, row: unknown[]) => {
    const b = buffers.get(table);
    if (!b) return;
    b.push(row);
    if (b.length >= batchRows) ready.push(b.take());
  };

  const send = async (batch: Batch) => {
    while (!free.length) await Promise.race(inflight);
    if (failure) throw failure;
    const client = free.pop()!;
    const columns = SCALE_TABLES[batch.table].columns;
    const params: unknown[] = batch.cols.map((c, i) => (json ? encodeJsonColumn(columns[i]![1], c) : encodeArrayColumn(columns[i]![1], c)));
    const tracked: Promise<void> = client
      .query(sqlFor.get(batch.table)!, params)
      .then(
        () => {
          loaded[batch.table] = (loaded[batch.table] ?? 0) + batch.rows;
          rows += batch.rows;
        },
        (err: unknown) => {
          failure ??= new Error(`inserting into ${batch.table}: ${(err as Error).message}`);
        },
      )
      .finally(() => {
        inflight.delete(tracked);
        free.push(client);
      });
    inflight.add(tracked);
  };

  try {
    if (asyncCommit) for (const c of clients) await c.query("set synchronous_commit = off");
    const started = performance.now();
    const it = generateScaleOrg(options, sink);
    let generated: ScaleCounts;
    let lastMonth = -2;
    for (;;) {
      const step = it.next();
      while (ready.length) await send(ready.shift()!);
      if (failure) throw failure;
      if (step.done) {
        generated = step.value;
        break;
      }
      if (step.value.month !== lastMonth) {
        lastMonth = step.value.month;
        load.onProgress?.({ month: step.value.month, months: step.value.months, rows, elapsedMs: performance.now() - started });
      }
    }
    for (const b of buffers.values()) if (b.length) await send(b.take());
    await Promise.all(inflight);
    if (failure) throw failure;

    // Derived from contributions, as the app keeps it when it writes them: part of loading.
    if (wanted.has("contributions")) await clients[0]!.query(REBUILD_REVIEW_MERGES_SQL);
    const loadMs = performance.now() - started;

    let analyzeMs = 0;
    if (load.analyze !== false) {
      const t = performance.now();
      // VACUUM too: a database in service has been vacuumed (autovacuum follows inserts); a freshly
      // loaded one has not, and its reports would pay for visibility checks and autovacuum running beside them.
      for (const table of wanted) await clients[0]!.query(`vacuum analyze ${table}`);
      if (wanted.has("contributions")) for (const t of ["review_merges", "review_month_people", "review_month_areas"]) await clients[0]!.query(`vacuum analyze ${t}`);
      analyzeMs = performance.now() - t;
    }
    return { plan: planScaleOrg(options), loaded, generated, rows, loadMs, analyzeMs };
  } finally {
    await Promise.allSettled(inflight);
    for (const c of clients) {
      if (asyncCommit) await c.query("reset synchronous_commit").catch(() => {});
      c.release();
    }
  }
}
