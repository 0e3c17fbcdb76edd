/**
 * Loads the synthetic scale organisation (generate-scale-org.ts) straight into
 * the tables, `batchRows` rows per statement, a few statements in flight on
 * their own connections while the next rows are generated. On PostgreSQL the
 * rows travel as binary COPY (binary-copy.ts: the server parses nothing but
 * jsonb); the embedded PGlite's socket does not speak the COPY sub-protocol,
 * so there each statement is a multi-row INSERT with one parameter per column
 * (a JSON array unpacked by `ROWS FROM (json_array_elements…)`, or a
 * PostgreSQL array for `unnest()`).
 */
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { generateScaleOrg, planScaleOrg, type ScaleCounts, type ScaleOrgOptions, type ScaleOrgPlan } from "./generate-scale-org.js";
import { rebuildReviewMergesSteps } from "../store/review-merges.js";
import { BinaryCopyEncoder } from "./binary-copy.js";
import { encodeArrayColumn, encodeJsonColumn, insertJsonSql, insertSql, SCALE_TABLE_NAMES, SCALE_TABLES, type ScaleTable } from "./tables.js";

/** How rows travel: binary COPY, or INSERTs with JSON-array or PostgreSQL-array parameters. */
export type LoadEncoding = "copy" | "json" | "arrays";

export interface LoadOptions {
  /** Rows per statement (default 5000 for COPY, 1000 for INSERTs). */
  batchRows?: number;
  /** Statements in flight at once, each on its own connection (default 2). */
  parallel?: number;
  /** Load only these tables (the generator still generates everything, so the data is the same). */
  tables?: readonly ScaleTable[];
  /**
   * How rows travel (default: "copy", or "json" when the server is the embedded PGlite, whose
   * socket cannot carry COPY). "json" is about twice as fast as "arrays" here.
   */
  encoding?: LoadEncoding;
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
  /** How the rows travelled. */
  encoding: LoadEncoding;
  /** Generating and inserting, without ANALYZE. */
  loadMs: number;
  analyzeMs: number;
}

type Pool = Pick<pg.Pool, "connect">;
type Client = pg.PoolClient;

/** A statement's worth of rows, ready to send. */
interface Batch {
  table: ScaleTable;
  rows: number;
  send(client: Client): Promise<unknown>;
}

/** Collects one table's rows and hands them out a statement at a time. */
interface TableWriter {
  readonly length: number;
  push(row: unknown[]): void;
  take(): Batch;
}

/** Rows for an INSERT with one array parameter per column, encoded when sent (on a free connection). */
class InsertWriter implements TableWriter {
  private cols: unknown[][];
  length = 0;
  private readonly sql: string;
  constructor(
    readonly table: ScaleTable,
    private readonly json: boolean,
  ) {
    this.cols = this.empty();
    this.sql = json ? insertJsonSql(table) : insertSql(table);
  }
  private empty(): unknown[][] {
    return SCALE_TABLES[this.table].columns.map(() => []);
  }
  push(row: unknown[]): void {
    const cols = this.cols;
    for (let i = 0; i < cols.length; i++) cols[i]!.push(row[i] ?? null);
    this.length++;
  }
  take(): Batch {
    const { table, json, sql } = this;
    const cols = this.cols;
    const rows = this.length;
    this.cols = this.empty();
    this.length = 0;
    const columns = SCALE_TABLES[table].columns;
    return {
      table,
      rows,
      send: (client) => client.query(sql, cols.map((c, i) => (json ? encodeJsonColumn(columns[i]![1], c) : encodeArrayColumn(columns[i]![1], c)))),
    };
  }
}

/** Rows encoded as they come (binary-copy.ts), sent as one `COPY … FROM STDIN`. */
class CopyWriter implements TableWriter {
  private readonly encoder: BinaryCopyEncoder;
  private readonly sql: string;
  constructor(readonly table: ScaleTable) {
    const columns = SCALE_TABLES[table].columns;
    this.encoder = new BinaryCopyEncoder(
      columns.map(([, t]) => t),
      columns.map(([c]) => `${table}.${c}`),
    );
    this.sql = `copy ${table} (${columns.map(([c]) => c).join(", ")}) from stdin with (format binary)`;
  }
  get length(): number {
    return this.encoder.rows;
  }
  push(row: unknown[]): void {
    this.encoder.push(row);
  }
  take(): Batch {
    const rows = this.encoder.rows;
    const data = this.encoder.take();
    const sql = this.sql;
    return { table: this.table, rows, send: (client) => copyIn(client, sql, data) };
  }
}

/** One COPY FROM STDIN with `data` as its whole input; resolves once the server has committed it. */
function copyIn(client: Client, sql: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = client.query(copyFrom(sql));
    stream.on("error", reject);
    stream.on("finish", () => resolve());
    stream.end(data);
  });
}

function writerFor(table: ScaleTable, encoding: LoadEncoding): TableWriter {
  return encoding === "copy" ? new CopyWriter(table) : new InsertWriter(table, encoding === "json");
}

/** Inserts rows of a scale table (values in SCALE_TABLES' column order) in one statement, as the loader sends them. */
export async function insertRows(client: Client, table: ScaleTable, rows: readonly unknown[][], encoding: LoadEncoding): Promise<void> {
  const writer = writerFor(table, encoding);
  for (const row of rows) writer.push(row);
  await writer.take().send(client);
}

/** The embedded PGlite says so in version(). */
async function defaultEncoding(client: Client): Promise<LoadEncoding> {
  const r = await client.query<{ v: string }>("select version() as v");
  return /PGlite/i.test(r.rows[0]?.v ?? "") ? "json" : "copy";
}

export async function loadScaleOrg(pool: Pool, options: ScaleOrgOptions = {}, load: LoadOptions = {}): Promise<LoadResult> {
  const parallel = Math.max(1, load.parallel ?? 2);
  const asyncCommit = load.asyncCommit !== false;
  const wanted = new Set<ScaleTable>(load.tables ?? SCALE_TABLE_NAMES);
  const ready: Batch[] = [];
  const loaded: Partial<Record<ScaleTable, number>> = {};
  const inflight = new Set<Promise<void>>();
  let failure: Error | null = null;
  let rows = 0;

  const clients = await Promise.all(Array.from({ length: parallel }, () => pool.connect()));
  const free = [...clients];
  let encoding: LoadEncoding = "json";
  let writers = new Map<ScaleTable, TableWriter>();
  let batchRows = 1000;

  const sink = (table: ScaleTable, row: unknown[]) => {
    const w = writers.get(table);
    if (!w) return;
    w.push(row);
    if (w.length >= batchRows) ready.push(w.take());
  };

  const send = async (batch: Batch) => {
    while (!free.length) await Promise.race(inflight);
    if (failure) throw failure;
    const client = free.pop()!;
    const tracked: Promise<void> = batch
      .send(client)
      .then(
        () => {
          loaded[batch.table] = (loaded[batch.table] ?? 0) + batch.rows;
          rows += batch.rows;
        },
        (err: unknown) => {
          failure ??= new Error(`loading ${batch.table}: ${(err as Error).message}`);
        },
      )
      .finally(() => {
        inflight.delete(tracked);
        free.push(client);
      });
    inflight.add(tracked);
  };

  try {
    encoding = load.encoding ?? (await defaultEncoding(clients[0]!));
    batchRows = Math.max(1, load.batchRows ?? (encoding === "copy" ? 5000 : 1000));
    writers = new Map([...wanted].map((t) => [t, writerFor(t, encoding)]));
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
    for (const w of writers.values()) if (w.length) await send(w.take());
    await Promise.all(inflight);
    if (failure) throw failure;

    // Derived from contributions, as the app keeps it when it writes them: part of loading.
    if (wanted.has("contributions")) {
      // Each step's statements shared out over the connections, one at a time on each.
      for (const step of rebuildReviewMergesSteps(clients.length)) {
        await Promise.all(clients.map(async (client, k) => {
          for (let i = k; i < step.length; i += clients.length) await client.query(step[i]!);
        }));
      }
    }
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
    return { plan: planScaleOrg(options), loaded, generated, rows, encoding, loadMs, analyzeMs };
  } finally {
    await Promise.allSettled(inflight);
    for (const c of clients) {
      if (asyncCommit) await c.query("reset synchronous_commit").catch(() => {});
      c.release();
    }
  }
}
