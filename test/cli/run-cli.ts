/**
 * Runs `unsung …` in-process through main() with captured streams, against a
 * database of the project under test: a fresh PostgreSQL database (a copy of
 * the migrated template) reached through DATABASE_URL, or a fresh embedded
 * database in a temporary UNSUNG_DATA_DIR.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import type { Kysely } from "kysely";
import type { CliIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { openDatabase } from "../../src/store/open-database.js";
import type { DB } from "../../src/store/schema.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `unsung <argv>` in-process. */
export async function runCli(argv: string[], options: { env?: Record<string, string | undefined>; cwd?: string; stdin?: string } = {}): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: options.env ?? {},
    cwd: options.cwd ?? tmpdir(),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

export interface CliDatabase {
  kind: "postgres" | "pglite";
  /** A temporary working directory for the CLI (files, reports). */
  cwd: string;
  /** The environment that points the CLI at this database. */
  env: Record<string, string>;
  /** `unsung <argv>` against this database. */
  run(argv: string[], extraEnv?: Record<string, string>): Promise<CliResult>;
  /**
   * A direct connection for seeding and checking. On PGlite only one process
   * may hold the data directory, so it is opened for `fn` and closed after.
   */
  withDb<T>(fn: (db: Kysely<DB>) => Promise<T>): Promise<T>;
  drop(): Promise<void>;
}

export async function createCliDatabase(): Promise<CliDatabase> {
  const cwd = await mkdtemp(path.join(tmpdir(), "unsung-cli-"));
  const kind = process.env.UNSUNG_TEST_DB;
  let test: TestDatabase | undefined;
  let env: Record<string, string>;
  let withDb: CliDatabase["withDb"];
  if (kind === "postgres") {
    test = await createTestDatabase();
    env = { DATABASE_URL: test.url! };
    const db = test.db;
    withDb = (fn) => fn(db);
  } else if (kind === "pglite") {
    const dataDir = path.join(cwd, "data");
    env = { UNSUNG_DATA_DIR: dataDir };
    withDb = async (fn) => {
      const d = await openDatabase({ dataDir });
      try {
        return await fn(d.db);
      } finally {
        await d.close();
      }
    };
  } else {
    throw new Error("UNSUNG_TEST_DB is not set: run the CLI database tests through vitest's postgres or pglite project");
  }
  return {
    kind,
    cwd,
    env,
    run: (argv, extraEnv = {}) => runCli(argv, { env: { ...env, ...extraEnv }, cwd }),
    withDb,
    drop: async () => {
      await test?.drop();
      await rm(cwd, { recursive: true, force: true });
    },
  };
}
