/**
 * The database factory: PostgreSQL when a URL is given, otherwise an embedded
 * PGlite database in a data directory, served on a loopback socket (see
 * pglite-server.ts) so that the
 * very same pg Pool, Kysely and graphile-worker code runs on both.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { startPgliteServer } from "./pglite-server.js";
import type { DB } from "./schema.js";

// int8 as JS number: GitHub ids fit in 2^53, and counts are small. Fail loudly otherwise.
pg.types.setTypeParser(20, (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`int8 value ${value} exceeds the safe integer range`);
  return n;
});
// timestamptz as ISO strings: the core works on strings, and it keeps PG and PGlite identical.
pg.types.setTypeParser(1184, parseTimestamptz);

const UTC_TIMESTAMP = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?\+00$/;

/**
 * PostgreSQL's text form of a timestamptz → `Date#toISOString()` form. Reports
 * read tens of thousands of timestamps: a UTC value (the servers' usual
 * setting) is rewritten as a string; anything else goes through Date.
 */
export function parseTimestamptz(value: string): string {
  const m = UTC_TIMESTAMP.exec(value);
  if (m) return `${m[1]}T${m[2]}.${((m[3] ?? "") + "000").slice(0, 3)}Z`;
  return new Date(value.includes("T") ? value : value.replace(" ", "T").replace(/([+-]\d\d)$/, "$1:00")).toISOString();
}

export interface Database {
  db: Kysely<DB>;
  pool: pg.Pool;
  /** A connection string other components (graphile-worker) can use. */
  connectionString: string;
  embedded: boolean;
  /** Closes the pool (and the embedded database, when there is one). */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgres:// URL; when absent, the embedded database in `dataDir` is used. */
  url?: string | undefined;
  /** Directory of the embedded database; created if missing. "memory://" for an in-memory one. */
  dataDir?: string | undefined;
  /** Pool size (default 10). */
  poolSize?: number;
  /** Load an embedded database from a dump (tar) made by `dumpEmbedded` — used by tests. */
  loadDataDir?: Blob | undefined;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const poolSize = options.poolSize ?? 10;
  if (options.url) {
    const pool = new pg.Pool({ connectionString: options.url, max: poolSize, connectionTimeoutMillis: 5_000 });
    // A pool error (server gone) must not crash the process; queries will fail and be reported.
    pool.on("error", () => {});
    // A client in use between two statements (in a transaction, or just checked out) has no pool
    // listener: its connection dropping would otherwise be an unhandled 'error' that ends the process.
    // Its query fails instead, and the pool discards it.
    pool.on("connect", (client) => client.on("error", () => {}));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      pool,
      connectionString: options.url,
      embedded: false,
      close: async () => {
        await db.destroy();
      },
    };
  }
  return openEmbedded(options.dataDir ?? ".unsung/data", poolSize, options.loadDataDir);
}

async function openEmbedded(dataDir: string, poolSize: number, loadDataDir?: Blob): Promise<Database> {
  const inMemory = dataDir.startsWith("memory://");
  const dir = path.resolve(dataDir);
  // PGlite is single-process. When another Unsung process (`serve`) has this
  // database open, talk to it through its socket instead of opening the files.
  if (!inMemory) {
    const running = await findRunningServer(dir);
    if (running) return poolDatabase(running, poolSize, async () => {});
  }
  const { PGlite } = await import("@electric-sql/pglite");
  if (!inMemory) await mkdir(dir, { recursive: true });
  const lite = await PGlite.create({ dataDir: inMemory ? undefined : dir, ...(loadDataDir ? { loadDataDir } : {}) });
  const server = await startPgliteServer(lite);
  const connectionString = `postgres://postgres@127.0.0.1:${server.port}/postgres?sslmode=disable`;
  const lockFile = path.join(dir, LOCK_FILE);
  if (!inMemory) await writeFile(lockFile, JSON.stringify({ pid: process.pid, connectionString }));
  return poolDatabase(connectionString, poolSize, async () => {
    await server.stop();
    await lite.close();
    if (!inMemory) await rm(lockFile, { force: true });
  });
}

/** Written in the data directory while a process serves the embedded database. */
const LOCK_FILE = "unsung-server.json";

async function findRunningServer(dir: string): Promise<string | null> {
  let info: { pid?: unknown; connectionString?: unknown };
  try {
    info = JSON.parse(await readFile(path.join(dir, LOCK_FILE), "utf8")) as typeof info;
  } catch {
    return null;
  }
  if (typeof info.pid !== "number" || typeof info.connectionString !== "string" || info.pid === process.pid) return null;
  try {
    process.kill(info.pid, 0);
  } catch {
    return null; // the process is gone: the file is stale
  }
  const probe = new pg.Client({ connectionString: info.connectionString, connectionTimeoutMillis: 2_000 });
  try {
    await probe.connect();
    await probe.query("select 1");
    return info.connectionString;
  } catch {
    return null;
  } finally {
    await probe.end().catch(() => {});
  }
}

function poolDatabase(connectionString: string, poolSize: number, closeServer: () => Promise<void>): Database {
  const pool = new pg.Pool({
    connectionString,
    max: poolSize,
    // All connections share one PGlite session and queries run one at a time:
    // a statement stuck behind a never-ending transaction must fail, not hang.
    query_timeout: 60_000,
  });
  pool.on("error", () => {});
  // A client in use between two statements (in a transaction, or just checked out) has no pool
  // listener: its connection dropping would otherwise be an unhandled 'error' that ends the process.
  // Its query fails instead, and the pool discards it.
  pool.on("connect", (client) => client.on("error", () => {}));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    pool,
    connectionString,
    embedded: true,
    close: async () => {
      await db.destroy();
      await closeServer();
    },
  };
}

/** Dumps an embedded database's files (a tarball) so tests can clone a migrated template. */
export async function dumpEmbedded(dataDir: string): Promise<Blob> {
  const { PGlite } = await import("@electric-sql/pglite");
  const lite = await PGlite.create({ dataDir });
  const dump = await lite.dumpDataDir("none");
  await lite.close();
  return dump;
}

/**
 * A second, small pool with tight timeouts for the webhook intake: storing a
 * delivery must finish (or fail with a 5xx) well before GitHub's 10-second
 * limit and Probot's 9-second "202 still processing".
 */
export function openIntakeDb(connectionString: string): { db: Kysely<DB>; close(): Promise<void> } {
  const pool = new pg.Pool({ connectionString, max: 10, connectionTimeoutMillis: 2_000, query_timeout: 5_000 });
  pool.on("error", () => {});
  // A client in use between two statements (in a transaction, or just checked out) has no pool
  // listener: its connection dropping would otherwise be an unhandled 'error' that ends the process.
  // Its query fails instead, and the pool discards it.
  pool.on("connect", (client) => client.on("error", () => {}));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, close: () => db.destroy() };
}
