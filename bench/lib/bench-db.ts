/**
 * Throw-away PostgreSQL databases for benchmarks: created fresh, migrated
 * (ours and graphile-worker's), dropped afterwards — also on Ctrl-C.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { migrateQueue } from "../../src/queue/queue.js";
import { dropDatabase } from "../../src/store/drop-database.js";
import { migrateToLatest } from "../../src/store/migrate.js";
import { openDatabase, type Database } from "../../src/store/open-database.js";

export const DEFAULT_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres";

export interface BenchDatabase {
  name: string;
  url: string;
  database: Database;
  drop(): Promise<void>;
}

const dropOnExit = new Set<() => Promise<void>>();
let handlersInstalled = false;

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const cleanupAndExit = (code: number) => {
    void Promise.allSettled([...dropOnExit].map((d) => d())).finally(() => process.exit(code));
  };
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => cleanupAndExit(130));
  // `node dist/bench/x.js | head` closes stdout early: still drop the databases.
  process.stdout.on("error", () => cleanupAndExit(1));
  process.once("uncaughtException", (err) => {
    process.stderr.write(`${err.stack ?? String(err)}\n`);
    cleanupAndExit(1);
  });
}

export function withDbName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Creates `unsung_bench_<random>` on the server of `adminUrl`, migrates it and opens it. */
export async function createBenchDatabase(adminUrl: string, options: { poolSize?: number; migrate?: boolean } = {}): Promise<BenchDatabase> {
  installHandlers();
  const name = `unsung_bench_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = withDbName(adminUrl, name);
  let dropped = false;
  const database = await openDatabase({ url, ...(options.poolSize ? { poolSize: options.poolSize } : {}) });
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    dropOnExit.delete(drop);
    await database.close().catch(() => {});
    await dropDatabase(adminUrl, name);
  };
  dropOnExit.add(drop);
  if (options.migrate !== false) {
    try {
      await migrateToLatest(database.db);
      await migrateQueue(url, false);
    } catch (err) {
      await drop();
      throw err;
    }
  }
  return { name, url, database, drop };
}
