/**
 * The scale generator loaded into a real database (PostgreSQL and PGlite):
 * every generated row lands, the load is deterministic, and the reports read
 * the result (bench/report.ts does the same at 500 engineers × a year).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { countScaleOrg, planScaleOrg, type ScaleOrgOptions } from "../../src/scale/generate-scale-org.js";
import { loadScaleOrg, type LoadResult } from "../../src/scale/load-scale-org.js";
import { SCALE_TABLE_NAMES } from "../../src/scale/tables.js";
import { personReport, teamReport } from "../../src/services/build-reports.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

const SMALL: ScaleOrgOptions = { engineers: 5, months: 1, seed: 3, start: "2026-07-01" };
const PERIOD = { from: "2026-07-01T00:00:00.000Z", to: "2026-08-01T00:00:00.000Z", label: "July 2026" };

let database: TestDatabase;
let result: LoadResult;

beforeAll(async () => {
  database = await createTestDatabase();
  result = await loadScaleOrg(database.pool, SMALL, { batchRows: 100 });
});
afterAll(async () => {
  await database?.drop();
});

/** A digest of the table's content computed by the database, independent of row order. */
async function digest(table: string, order: string): Promise<string> {
  const r = await sql.raw<{ d: string }>(`select md5(coalesce(string_agg(t::text, '|' order by ${order}), '')) as d from ${table} t`).execute(database.db);
  return r.rows[0]!.d;
}

describe("loading the scale organisation", () => {
  it("stores every generated row", async () => {
    const generated = countScaleOrg(SMALL);
    expect(result.generated).toEqual(generated);
    expect(result.loaded).toEqual(generated);
    for (const table of SCALE_TABLE_NAMES) {
      const n = await sql.raw<{ n: number }>(`select count(*)::int as n from ${table}`).execute(database.db);
      expect(n.rows[0]!.n, table).toBe(generated[table] ?? 0);
    }
    expect(result.rows).toBe(Object.values(generated).reduce((a, b) => a + b, 0));
  });

  it("loads the same rows again, byte for byte, into a second database (any batch size or encoding)", async () => {
    const before = [await digest("contributions", "key"), await digest("review_comments", "id"), await digest("pull_requests", "id")];
    const other = await createTestDatabase();
    try {
      // Other batch sizes, one connection, the other parameter encoding: the same rows.
      await loadScaleOrg(other.pool, SMALL, { batchRows: 37, parallel: 1, analyze: false, encoding: "arrays", asyncCommit: false });
      const again = async (table: string, order: string) =>
        (await sql.raw<{ d: string }>(`select md5(coalesce(string_agg(t::text, '|' order by ${order}), '')) as d from ${table} t`).execute(other.db)).rows[0]!.d;
      expect([await again("contributions", "key"), await again("review_comments", "id"), await again("pull_requests", "id")]).toEqual(before);
    } finally {
      await other.drop();
    }
  });

  it("can be read by the team and person reports", async () => {
    const plan = planScaleOrg(SMALL);
    const now = new Date(plan.computedAt);
    const org = await teamReport(database.db, { kind: "org" }, PERIOD, { kind: "all" }, now);
    expect(org.people.map((p) => p.login).sort()).toEqual(plan.engineers.map((e) => e.login).sort());
    expect(org.reviewDepth.totalReviews).toBeGreaterThan(0);
    const team = await teamReport(database.db, { kind: "team", slug: plan.teams[0]!.slug }, PERIOD, { kind: "all" }, now);
    expect(team.people).toHaveLength(5);
    const person = await personReport(database.db, plan.engineers[0]!.login, PERIOD, { kind: "all" }, now);
    expect(person.person.login).toBe(plan.engineers[0]!.login);
  });
});
