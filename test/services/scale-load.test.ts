/**
 * The scale generator loaded into a real database (PostgreSQL and PGlite):
 * every generated row lands, the load is deterministic, and the reports read
 * the result (bench/report.ts does the same at 500 engineers × a year).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql, type Kysely } from "kysely";
import type { DB } from "../../src/store/schema.js";
import { countScaleOrg, planScaleOrg, type ScaleOrgOptions } from "../../src/scale/generate-scale-org.js";
import { insertRows, loadScaleOrg, type LoadEncoding, type LoadResult } from "../../src/scale/load-scale-org.js";
import { SCALE_TABLE_NAMES, SCALE_TABLES } from "../../src/scale/tables.js";
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
async function digest(db: Kysely<DB>, table: string, order: string): Promise<string> {
  const r = await sql.raw<{ d: string }>(`select md5(coalesce(string_agg(t::text, '|' order by ${order}), '')) as d from ${table} t`).execute(db);
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

  it("travels as binary COPY on PostgreSQL and as JSON-array INSERTs on PGlite, whose socket cannot carry COPY", () => {
    expect(result.encoding).toBe(database.kind === "postgres" ? "copy" : "json");
  });

  it("loads the same rows again, byte for byte, into a second database (any batch size or encoding)", async () => {
    const tables = [
      ["contributions", "key"],
      ["review_comments", "id"],
      ["pull_requests", "id"],
      ["reviews", "id"],
      ["annotations", "id"],
      ["people", "id"],
      ["review_merges", "person_id, match_url"],
      ["review_month_areas", "month, repository_full_name, repository_private, area, level"],
    ] as const;
    const before = await Promise.all(tables.map(([t, order]) => digest(database.db, t, order)));
    // Every encoding the server can take (PGlite's socket cannot carry COPY), other batch sizes, one connection.
    const encodings = database.kind === "postgres" ? (["json", "arrays"] as const) : (["arrays"] as const);
    for (const encoding of encodings) {
      const other = await createTestDatabase();
      try {
        const r = await loadScaleOrg(other.pool, SMALL, { batchRows: 37, parallel: 1, analyze: false, encoding, asyncCommit: false });
        expect(r.encoding).toBe(encoding);
        expect(await Promise.all(tables.map(([t, order]) => digest(other.db, t, order))), encoding).toEqual(before);
      } finally {
        await other.drop();
      }
    }
  });

  it("stores the same values whichever way they travel, for values the generator never makes", async () => {
    const client = await database.pool.connect();
    const encodings: LoadEncoding[] = database.kind === "postgres" ? ["copy", "json", "arrays"] : ["json", "arrays"];
    try {
      const hostile = 'tab\there, newline\nthere, \\N, "quoted", é 名前 😀, <script>alert(1)</script>';
      for (const encoding of encodings) {
        // contributions has a column of every type the loader sends.
        const base: Record<string, unknown> = {
          kind: "review", person_id: 1, person_login: "p", repository_id: 1, repository_full_name: "o/r", repository_private: false,
          subject_type: "pull_request", subject_id: "1", subject_title: "t", subject_url: "https://github.com/o/r/pull/1",
          occurred_at: "2026-11-21T10:11:12.345Z", score: 1, confidence: 1, dynamics: "neutral", evidence: "[]", formula: "{}", detail: "{}",
          detector: "d", detector_version: 1, source_key: "s", computed_at: "2026-11-21T10:11:12.345Z",
        };
        const row = (n: number, over: Record<string, unknown>): unknown[] =>
          SCALE_TABLES.contributions.columns.map(([c]) => (c === "key" ? `${encoding}:${n}` : c in over ? over[c] : (base[c] ?? null)));
        await insertRows(
          client,
          "contributions",
          [
            row(1, {
              kind: hostile, person_id: Number.MAX_SAFE_INTEGER, person_login: "", repository_id: -42, repository_private: true, subject_title: hostile,
              occurred_at: "1999-12-31T23:59:59.999Z", score: 0.1, confidence: -0, level: "\\", evidence: `{"b":[1,2.50,${JSON.stringify(hostile)}],"a":null}`,
              formula: "[]", detail: '"just a string"', detector_version: -2_147_483_648, computed_at: "2024-02-29T12:00:00+05:30",
              areas: ['a"b', "c\\d", "", "NULL", "{x,y}", hostile], comment_count: 2_147_483_647, comments_led_to_change: 0,
            }),
            row(2, { areas: [], score: 1e30, match_url: "https://github.com/o/r/pull/1" }),
          ],
          encoding,
        );
      }
      const stored = await sql.raw<Record<string, unknown>>(
        `select split_part(key, ':', 1) as encoding, split_part(key, ':', 2) as n, ${SCALE_TABLES.contributions.columns.filter(([c]) => c !== "key").map(([c]) => c).join(", ")}
         from contributions where key ~ '^(copy|json|arrays):' order by n, encoding`,
      ).execute(database.db);
      expect(stored.rows).toHaveLength(encodings.length * 2);
      const byN = new Map<string, Record<string, unknown>[]>();
      for (const r of stored.rows) byN.set(r.n as string, [...(byN.get(r.n as string) ?? []), r]);
      for (const [, rows] of byN) {
        const [first, ...rest] = rows.map(({ encoding: _e, ...r }) => r);
        for (const r of rest) expect(r).toEqual(first);
      }
      const one = byN.get("1")![0]!;
      expect(one.kind).toBe(hostile);
      expect(String(one.person_id)).toBe(String(Number.MAX_SAFE_INTEGER));
      expect(one.areas).toEqual(['a"b', "c\\d", "", "NULL", "{x,y}", hostile]);
      expect(one.occurred_at).toBe("1999-12-31T23:59:59.999Z");
      expect(one.computed_at).toBe("2024-02-29T06:30:00.000Z");
      expect(one.evidence).toEqual({ a: null, b: [1, 2.5, hostile] });
    } finally {
      await sql`delete from contributions where key ~ '^(copy|json|arrays):'`.execute(database.db);
      client.release();
    }
  });

  it("refuses COPY on PGlite, whose socket cannot carry it, before sending anything; takes it on PostgreSQL", async () => {
    const other = await createTestDatabase();
    try {
      const load = loadScaleOrg(other.pool, SMALL, { analyze: false, encoding: "copy" });
      if (database.kind === "pglite") {
        await expect(load).rejects.toThrow('the embedded PGlite cannot load by COPY (its socket does not carry the COPY sub-protocol): use encoding "json" or "arrays"');
        const n = await sql<{ n: number }>`select count(*)::int as n from people`.execute(other.db);
        expect(n.rows[0]!.n).toBe(0);
      } else {
        expect((await load).encoding).toBe("copy");
      }
      expect(other.pool.idleCount).toBe(other.pool.totalCount);
    } finally {
      await other.drop();
    }
  });

  it("reports the table and the server's reason when the server refuses a row, and leaves the pool usable", async () => {
    const other = await createTestDatabase();
    try {
      // A row already there: the load's first people row collides with its primary key.
      await sql`insert into people (id, login, type, is_bot, is_ghost, previous_logins, seen_at) values (${planScaleOrg(SMALL).engineers[0]!.id}, 'squatter', 'User', false, false, '[]', now())`.execute(other.db);
      await expect(loadScaleOrg(other.pool, SMALL, { analyze: false })).rejects.toThrow(/loading people: .*duplicate key/);
      // Every connection it took is back in the pool, idle, and the database answers.
      expect(other.pool.totalCount).toBeGreaterThanOrEqual(2);
      expect(other.pool.idleCount).toBe(other.pool.totalCount);
      expect(other.pool.waitingCount).toBe(0);
      const n = await sql<{ n: number }>`select count(*)::int as n from people where login = 'squatter'`.execute(other.db);
      expect(n.rows[0]!.n).toBe(1);
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
