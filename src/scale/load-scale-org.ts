/**
 * Loads the synthetic scale organisation (generate-scale-org.ts) straight into
 * the tables, `batchRows` rows per statement (scale-batches.ts), a few
 * statements in flight on their own connections while the next rows are
 * generated. On PostgreSQL the rows travel as binary COPY (binary-copy.ts:
 * the server parses nothing but jsonb), generated and encoded in a worker
 * thread (load-worker.ts) so that this thread only sends; the embedded
 * PGlite's socket does not speak the COPY sub-protocol, so there each
 * statement is a multi-row INSERT with one parameter per column (a JSON array
 * unpacked by `ROWS FROM (json_array_elements…)`, or a PostgreSQL array for
 * `unnest()`).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { planScaleOrg, type ScaleCounts, type ScaleOrgOptions, type ScaleOrgPlan } from "./generate-scale-org.js";
import type { LoadWorkerInput, LoadWorkerMessage } from "./load-worker.js";
import { batchOf, copySql, generateBatches, type Batch, type GenerationStep, type LoadEncoding } from "./scale-batches.js";
import { rebuildReviewMergesSteps } from "../store/review-merges.js";
import { SCALE_TABLE_NAMES, type ScaleTable } from "./tables.js";

export type { LoadEncoding } from "./scale-batches.js";

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
   * Generate and encode COPY batches in a worker thread (default: yes when loading by COPY from
   * the compiled code, which the worker runs; INSERTs are always generated in this thread).
   */
  thread?: boolean;
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
  /** How the rows travelled, and whether a worker thread generated them. */
  encoding: LoadEncoding;
  threaded: boolean;
  /** Generating and inserting, without ANALYZE. */
  loadMs: number;
  analyzeMs: number;
}

type Pool = Pick<pg.Pool, "connect">;
type Client = pg.PoolClient;

/** The worker's module, next to this one once compiled (under a TypeScript runner there is none). */
const WORKER_URL = new URL("./load-worker.js", import.meta.url);
export const WORKER_AVAILABLE = import.meta.url.endsWith(".js") && existsSync(fileURLToPath(WORKER_URL));

/** Batches posted by the worker but not yet taken by a connection, at most. */
const WORKER_WINDOW = 4;

/** Sends one batch on `client`; resolves once the server has committed it. */
function send(client: Client, batch: Batch): Promise<unknown> {
  if ("sql" in batch) return client.query(batch.sql, batch.params);
  const data = batch.copy;
  return new Promise<void>((resolve, reject) => {
    const stream = client.query(copyFrom(copySql(batch.table)));
    stream.on("error", reject);
    stream.on("finish", () => resolve());
    stream.end(Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  });
}

/** Inserts rows of a scale table (values in SCALE_TABLES' column order) in one statement, as the loader sends them. */
export async function insertRows(client: Client, table: ScaleTable, rows: readonly unknown[][], encoding: LoadEncoding): Promise<void> {
  await send(client, batchOf(table, rows, encoding));
}

/** The embedded PGlite says so in version(). */
async function isPglite(client: Client): Promise<boolean> {
  const r = await client.query<{ v: string }>("select version() as v");
  return /PGlite/i.test(r.rows[0]?.v ?? "");
}

/**
 * generateBatches run by the worker thread: the same steps, in the same order. Each batch is
 * acknowledged when the loader asks for the next step (it has been taken by a connection by then).
 */
async function* generateInWorker(input: LoadWorkerInput, onWorker?: (worker: Worker) => void): AsyncGenerator<GenerationStep, void> {
  const worker = new Worker(WORKER_URL, { workerData: input });
  onWorker?.(worker);
  const queue: Array<LoadWorkerMessage | { exit: number } | { crash: Error }> = [];
  let wake: (() => void) | null = null;
  const push = (m: (typeof queue)[number]) => {
    queue.push(m);
    wake?.();
    wake = null;
  };
  worker.on("message", (m: LoadWorkerMessage) => push(m));
  worker.on("error", (err) => push({ crash: err }));
  worker.on("exit", (code) => push({ exit: code }));
  try {
    for (;;) {
      while (!queue.length) await new Promise<void>((resolve) => (wake = resolve));
      const m = queue.shift()!;
      if ("error" in m) throw new Error(`generating the organisation: ${m.error}`);
      if ("crash" in m) throw new Error(`generating the organisation: ${m.crash.message}`);
      if ("exit" in m) throw new Error(`the generating thread stopped before the end (exit code ${m.exit})`);
      yield m;
      if ("generated" in m) return;
      if ("batch" in m) worker.postMessage(1);
    }
  } finally {
    await worker.terminate();
  }
}

/**
 * The organisation as batches of `tables`' rows: generated and encoded by a worker thread (COPY
 * batches from the compiled code only), or in this thread. The same steps either way.
 */
export function scaleBatches(
  options: ScaleOrgOptions,
  tables: readonly ScaleTable[],
  encoding: LoadEncoding,
  batchRows: number,
  thread: boolean,
  /** Shown the worker thread when there is one (tests watch its messages and its exit). */
  onWorker?: (worker: Worker) => void,
): AsyncIterable<GenerationStep> | Iterable<GenerationStep> {
  if (!thread) return generateBatches(options, tables, encoding, batchRows);
  if (encoding !== "copy") throw new Error("only COPY batches are generated in a worker thread");
  if (!WORKER_AVAILABLE) throw new Error("loading in a worker thread needs the compiled code (npm run build): load-worker.js is not next to load-scale-org.js");
  return generateInWorker({ options, tables: [...tables], batchRows, window: WORKER_WINDOW }, onWorker);
}

export async function loadScaleOrg(pool: Pool, options: ScaleOrgOptions = {}, load: LoadOptions = {}): Promise<LoadResult> {
  const parallel = Math.max(1, load.parallel ?? 2);
  const asyncCommit = load.asyncCommit !== false;
  const tables = SCALE_TABLE_NAMES.filter((t) => !load.tables || load.tables.includes(t));
  const loaded: Partial<Record<ScaleTable, number>> = {};
  const inflight = new Set<Promise<void>>();
  let failure: Error | null = null;
  let rows = 0;

  const clients: Client[] = [];
  const free: Client[] = [];
  // A connection that fails while checked out (the server gone) fails the load, not the process,
  // and is destroyed rather than given back to the pool.
  const onError = new Map<Client, (err: Error) => void>();
  const broken = new Set<Client>();

  /** Waits for a free connection and starts the batch on it. */
  const start = async (batch: Batch) => {
    while (!free.length) await Promise.race(inflight);
    if (failure) throw failure;
    const client = free.pop()!;
    const tracked: Promise<void> = send(client, batch)
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
    for (let i = 0; i < parallel; i++) {
      const client = await pool.connect();
      const handler = (err: Error) => {
        broken.add(client);
        failure ??= new Error(`loading: a connection failed: ${err.message}`);
      };
      onError.set(client, handler);
      client.on("error", handler);
      clients.push(client);
      free.push(client);
    }
    const pglite = await isPglite(clients[0]!);
    if (pglite && load.encoding === "copy") throw new Error("the embedded PGlite cannot load by COPY (its socket does not carry the COPY sub-protocol): use encoding \"json\" or \"arrays\"");
    const encoding = load.encoding ?? (pglite ? "json" : "copy");
    const batchRows = Math.max(1, Math.floor(load.batchRows ?? (encoding === "copy" ? 5000 : 1000)));
    const threaded = load.thread ?? (encoding === "copy" && WORKER_AVAILABLE);
    if (asyncCommit) for (const c of clients) await c.query("set synchronous_commit = off");
    const started = performance.now();
    const steps = scaleBatches(options, tables, encoding, batchRows, threaded);
    let generated: ScaleCounts | null = null;
    for await (const step of steps) {
      if ("batch" in step) await start(step.batch);
      else if ("generated" in step) generated = step.generated;
      else load.onProgress?.({ month: step.month, months: step.months, rows, elapsedMs: performance.now() - started });
      if (failure) throw failure;
    }
    await Promise.all(inflight);
    if (failure) throw failure;
    if (!generated) throw new Error("generating the organisation ended without its counts");

    // Derived from contributions, as the app keeps it when it writes them: part of loading.
    if (tables.includes("contributions")) {
      // Each step's statements shared out over the connections, one at a time on each.
      for (const step of rebuildReviewMergesSteps(clients.length)) {
        // Settled, not raced: no connection is given back while its statement still runs.
        const done = await Promise.allSettled(
          clients.map(async (client, k) => {
            for (let i = k; i < step.length; i += clients.length) await client.query(step[i]!);
          }),
        );
        const failed = done.find((d) => d.status === "rejected");
        if (failed) throw new Error(`building review_merges: ${(failed.reason as Error).message}`);
      }
    }
    const loadMs = performance.now() - started;

    let analyzeMs = 0;
    if (load.analyze !== false) {
      const t = performance.now();
      // VACUUM too: a database in service has been vacuumed (autovacuum follows inserts); a freshly
      // loaded one has not, and its reports would pay for visibility checks and autovacuum running beside them.
      for (const table of tables) await clients[0]!.query(`vacuum analyze ${table}`);
      if (tables.includes("contributions")) for (const t of ["review_merges", "review_month_people", "review_month_areas"]) await clients[0]!.query(`vacuum analyze ${t}`);
      analyzeMs = performance.now() - t;
    }
    return { plan: planScaleOrg(options), loaded, generated, rows, encoding, threaded, loadMs, analyzeMs };
  } finally {
    await Promise.allSettled(inflight);
    for (const c of clients) {
      if (asyncCommit && !broken.has(c)) await c.query("reset synchronous_commit").catch(() => {});
      c.off("error", onError.get(c)!);
      c.release(broken.has(c) || undefined);
    }
  }
}
