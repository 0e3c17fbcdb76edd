/**
 * A fresh, migrated database for one test file: a copy of the PostgreSQL
 * template, or an in-memory PGlite loaded from the template dump.
 */
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import pg from "pg";
import { inject } from "vitest";
import { dropDatabase } from "../../src/store/drop-database.js";
import { openDatabase, type Database } from "../../src/store/open-database.js";
import { ADMIN_URL, withDb } from "./global-setup.js";

export interface TestDatabase extends Database {
  kind: "postgres" | "pglite";
  /** The URL (PostgreSQL) or data dir spec to pass to the CLI as DATABASE_URL. */
  url: string | undefined;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const kind = process.env.UNSUNG_TEST_DB;
  if (kind === "postgres") {
    const name = `t_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`create database ${name} template ${inject("templateDatabase")}`);
    await admin.end();
    const url = withDb(ADMIN_URL, name);
    const d = await openDatabase({ url });
    return {
      ...d,
      kind,
      url,
      drop: async () => {
        await d.close();
        await dropDatabase(ADMIN_URL, name);
      },
    };
  }
  if (kind === "pglite") {
    const tar = await readFile(inject("pgliteTemplate"));
    const d = await openDatabase({ dataDir: "memory://", loadDataDir: new Blob([tar]) });
    return { ...d, kind, url: undefined, drop: () => d.close() };
  }
  throw new Error("UNSUNG_TEST_DB is not set: run database tests through `npm test`");
}
