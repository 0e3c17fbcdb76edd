/**
 * Builds one migrated template database per run: a PostgreSQL template
 * database, or a dump of a migrated PGlite data directory. Each test file
 * then gets its own copy. Fails (never skips) when PostgreSQL is unreachable.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { migrateQueue } from "../../src/queue/queue.js";
import { migrateToLatest } from "../../src/store/migrate.js";
import { dumpEmbedded, openDatabase } from "../../src/store/open-database.js";

export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export default async function setup(project: TestProject) {
  const kind = project.config.env?.UNSUNG_TEST_DB;
  const tag = `${process.pid}_${Date.now().toString(36)}`;
  if (kind === "postgres") {
    const template = `unsung_tpl_${tag}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5_000 });
    try {
      await admin.connect();
    } catch (err) {
      throw new Error(`PostgreSQL is not reachable at ${ADMIN_URL} (${(err as Error).message}). Start it, or set TEST_DATABASE_URL.`);
    }
    await admin.query(`create database ${template}`);
    const url = withDb(ADMIN_URL, template);
    const d = await openDatabase({ url });
    await migrateToLatest(d.db);
    await migrateQueue(url, false);
    await d.close();
    project.provide("templateDatabase", template);
    return async () => {
      await admin.query(`drop database if exists ${template} with (force)`);
      await admin.end();
    };
  }
  if (kind === "pglite") {
    const dir = await mkdtemp(path.join(os.tmpdir(), "unsung-pglite-"));
    const data = path.join(dir, "data");
    const d = await openDatabase({ dataDir: data });
    await migrateToLatest(d.db);
    await migrateQueue(d.connectionString, true);
    await d.close();
    const dump = await dumpEmbedded(data);
    const file = path.join(dir, "template.tar");
    await writeFile(file, Buffer.from(await dump.arrayBuffer()));
    project.provide("pgliteTemplate", file);
    return async () => {
      await rm(dir, { recursive: true, force: true });
    };
  }
  throw new Error(`UNSUNG_TEST_DB must be postgres or pglite, not ${String(kind)}`);
}

export function withDb(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: string;
    pgliteTemplate: string;
  }
}
