/** Runs every migration (ours, then graphile-worker's schema) on a database. */
import { Migrator, type MigrationResult } from "kysely";
import type { Kysely } from "kysely";
import { migrations } from "../../db/migrations/index.js";
import { fillContributionSummaries } from "./review-merges.js";

export interface MigrateOutcome {
  applied: string[];
  /** Contributions written before a migration added columns derived from them, filled in afterwards. */
  filled: number;
}

export async function migrateToLatest(db: Kysely<any>): Promise<MigrateOutcome> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: "unsung_migrations",
    migrationLockTableName: "unsung_migrations_lock",
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r: MigrationResult) => r.status === "Error");
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(failed ? `migration ${failed.migrationName} failed: ${message}` : `cannot migrate the database: ${message}`, { cause: error });
  }
  const filled = await fillContributionSummaries(db);
  return { applied: (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName), filled };
}
