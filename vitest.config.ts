import { defineConfig } from "vitest/config";

/**
 * Three projects: pure unit tests run once; everything that touches a
 * database runs twice, on real PostgreSQL and on the embedded PGlite.
 */
const dbTests = ["test/integration/**/*.test.ts", "test/store/**/*.test.ts", "test/services/**/*.test.ts", "test/cli/db-*.test.ts"];

export default defineConfig({
  test: {
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: dbTests,
          // Inline projects do not inherit the root's timeouts: without this a unit test gets
          // vitest's 5 s default, which a loaded machine exceeds (the demo generator's
          // determinism test took 6.8 s with the other cores busy).
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "postgres",
          include: dbTests,
          env: { UNSUNG_TEST_DB: "postgres" },
          globalSetup: ["test/helpers/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "pglite",
          include: dbTests,
          env: { UNSUNG_TEST_DB: "pglite" },
          globalSetup: ["test/helpers/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
