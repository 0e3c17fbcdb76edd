import { parse } from "./args.js";
import type { CommandRunner } from "./io.js";
import { openRuntime } from "./runtime.js";

export const help = `Usage: unsung migrate

Creates or upgrades the database schema (Unsung's tables and the job queue's).
Uses DATABASE_URL, or the embedded database in UNSUNG_DATA_DIR (default .unsung/data).`;

export const run: CommandRunner = async (args, io) => {
  const { values } = parse(args, {});
  if (values.help) return io.stdout.write(help + "\n"), 0;
  const rt = await openRuntime(io);
  await rt.close();
  io.stdout.write(`database is up to date (${rt.database.embedded ? `embedded, ${rt.env.dataDir}` : "PostgreSQL"})\n`);
  return 0;
};
