/**
 * The synthetic organisation (generate-scale-org.ts) as statements' worth of
 * rows, ready to send: binary COPY data (binary-copy.ts), or the parameters
 * of a multi-row INSERT with one array per column (tables.ts). No I/O: the
 * loader (load-scale-org.ts) sends them, from this thread or from a worker
 * thread that runs this generator (load-worker.ts).
 */
import { generateScaleOrg, type ScaleCounts, type ScaleOrgOptions } from "./generate-scale-org.js";
import { BinaryCopyEncoder } from "./binary-copy.js";
import { encodeArrayColumn, encodeJsonColumn, insertJsonSql, insertSql, SCALE_TABLES, type ScaleTable } from "./tables.js";

/** How rows travel: binary COPY, or INSERTs with JSON-array or PostgreSQL-array parameters. */
export type LoadEncoding = "copy" | "json" | "arrays";

/** A statement's worth of rows: COPY data, or an INSERT and its parameters. */
export type Batch = { table: ScaleTable; rows: number } & ({ copy: Uint8Array } | { sql: string; params: unknown[] });

/** What generating hands the loader, in order: batches, each month reached, and at the end the counts. */
export type GenerationStep = { batch: Batch } | { month: number; months: number } | { generated: ScaleCounts };

/** Collects one table's rows and hands them out a statement at a time. */
interface TableWriter {
  readonly length: number;
  push(row: unknown[]): void;
  take(): Batch;
}

/** Rows for an INSERT with one array parameter per column. */
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
    const columns = SCALE_TABLES[this.table].columns;
    const params = this.cols.map((c, i) => (this.json ? encodeJsonColumn(columns[i]![1], c) : encodeArrayColumn(columns[i]![1], c)));
    const batch = { table: this.table, rows: this.length, sql: this.sql, params };
    this.cols = this.empty();
    this.length = 0;
    return batch;
  }
}

/** Rows encoded as they come, for one `COPY … FROM STDIN (FORMAT binary)`. */
class CopyWriter implements TableWriter {
  private readonly encoder: BinaryCopyEncoder;
  constructor(readonly table: ScaleTable) {
    const columns = SCALE_TABLES[table].columns;
    this.encoder = new BinaryCopyEncoder(
      columns.map(([, t]) => t),
      columns.map(([c]) => `${table}.${c}`),
    );
  }
  get length(): number {
    return this.encoder.rows;
  }
  push(row: unknown[]): void {
    this.encoder.push(row);
  }
  take(): Batch {
    const rows = this.encoder.rows;
    return { table: this.table, rows, copy: this.encoder.take() };
  }
}

/** The COPY statement of a table's batches. */
export function copySql(table: ScaleTable): string {
  return `copy ${table} (${SCALE_TABLES[table].columns.map(([c]) => c).join(", ")}) from stdin with (format binary)`;
}

/** One statement's worth of rows (values in SCALE_TABLES' column order), encoded for `encoding`. */
export function batchOf(table: ScaleTable, rows: readonly unknown[][], encoding: LoadEncoding): Batch {
  const writer = writerFor(table, encoding);
  for (const row of rows) writer.push(row);
  return writer.take();
}

function writerFor(table: ScaleTable, encoding: LoadEncoding): TableWriter {
  return encoding === "copy" ? new CopyWriter(table) : new InsertWriter(table, encoding === "json");
}

/**
 * Generates the organisation and hands out the rows of `tables` as batches of
 * `batchRows` (the last of each table shorter), with a step at each month;
 * the last step holds the counts of every table generated.
 */
export function* generateBatches(options: ScaleOrgOptions, tables: readonly ScaleTable[], encoding: LoadEncoding, batchRows: number): Generator<GenerationStep, void> {
  const writers = new Map(tables.map((t) => [t, writerFor(t, encoding)]));
  const ready: Batch[] = [];
  const it = generateScaleOrg(options, (table, row) => {
    const w = writers.get(table);
    if (!w) return;
    w.push(row);
    if (w.length >= batchRows) ready.push(w.take());
  });
  let lastMonth = -2;
  for (;;) {
    const step = it.next();
    for (const batch of ready.splice(0)) yield { batch };
    if (step.done) {
      for (const w of writers.values()) if (w.length) yield { batch: w.take() };
      yield { generated: step.value };
      return;
    }
    if (step.value.month !== lastMonth) {
      lastMonth = step.value.month;
      yield { month: step.value.month, months: step.value.months };
    }
  }
}
