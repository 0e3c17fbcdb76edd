import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CONTRIBUTION_KINDS, COMMENT_CATEGORIES, REVIEW_LEVELS } from "../../src/core/model.js";
import { countScaleOrg, planScaleOrg, SCALE_DEFAULTS, type ScaleOrgOptions } from "../../src/scale/generate-scale-org.js";
import { insertSql, SCALE_TABLES, type ScaleTable } from "../../src/scale/tables.js";

const SMALL: ScaleOrgOptions = { engineers: 5, months: 1, seed: 3, start: "2026-07-01" };

function collect(options: ScaleOrgOptions): { rows: Map<ScaleTable, unknown[][]>; digest: string; counts: ReturnType<typeof countScaleOrg> } {
  const rows = new Map<ScaleTable, unknown[][]>();
  const hash = createHash("sha256");
  const counts = countScaleOrg(options, (table, row) => {
    let list = rows.get(table);
    if (!list) rows.set(table, (list = []));
    list.push(row);
    hash.update(table).update(JSON.stringify(row));
  });
  return { rows, digest: hash.digest("hex"), counts };
}

const col = (table: ScaleTable, name: string): number => SCALE_TABLES[table].columns.findIndex(([c]) => c === name);

describe("the synthetic scale organisation", () => {
  const a = collect(SMALL);

  it("is deterministic: the same options give the same rows, another seed different ones", () => {
    expect(collect(SMALL).digest).toBe(a.digest);
    expect(collect({ ...SMALL, seed: 4 }).digest).not.toBe(a.digest);
  });

  it("gives every row one value per column of its table", () => {
    for (const [table, list] of a.rows) {
      const width = SCALE_TABLES[table].columns.length;
      for (const row of list) expect(row.length, table).toBe(width);
      expect(insertSql(table)).toContain(`$${width}::`);
    }
  });

  it("has the volumes of a small team for a month", () => {
    const c = a.counts;
    expect(c.people).toBe(5 + 1 + 3); // engineers, the organisation, three bots
    expect(c.pull_requests).toBeGreaterThan(25);
    expect(c.pull_requests).toBeLessThan(120);
    expect(c.reviews! / c.pull_requests!).toBeGreaterThan(1.5);
    expect(c.reviews! / c.pull_requests!).toBeLessThan(6);
    expect(c.review_comments!).toBeGreaterThan(c.reviews!);
    expect(c.check_runs!).toBeGreaterThanOrEqual(3 * c.pull_requests!);
    expect(c.contributions!).toBeGreaterThan(c.pull_requests!);
    expect(c.repo_configs).toBe(1);
  });

  it("scales to the defaults' shape: 500 engineers, a year, ~60k pull requests (planned, not generated here)", () => {
    const plan = planScaleOrg({});
    expect(plan.engineers).toHaveLength(SCALE_DEFAULTS.engineers);
    expect(plan.teams).toHaveLength(50);
    expect(new Set(plan.engineers.map((e) => e.login)).size).toBe(500);
    expect(plan.period).toEqual({ from: "2025-10-01T00:00:00.000Z", to: "2026-10-01T00:00:00.000Z" });
  });

  it("uses unique ids and keys", () => {
    const unique = (table: ScaleTable, name: string) => {
      const values = (a.rows.get(table) ?? []).map((r) => r[col(table, name)]);
      expect(new Set(values).size, `${table}.${name}`).toBe(values.length);
    };
    unique("pull_requests", "id");
    unique("reviews", "id");
    unique("review_comments", "id");
    unique("check_runs", "id");
    unique("contributions", "key");
    unique("people", "id");
  });

  it("stores contributions the way the detectors do", () => {
    const contributions = a.rows.get("contributions")!;
    const kinds = new Set(contributions.map((r) => r[col("contributions", "kind")] as string));
    expect(kinds.has("review")).toBe(true);
    for (const k of kinds) expect(CONTRIBUTION_KINDS).toContain(k);
    for (const r of contributions) {
      const kind = r[col("contributions", "kind")] as string;
      const key = r[col("contributions", "key")] as string;
      expect(key.startsWith(`${kind}:`)).toBe(true);
      const formula = JSON.parse(r[col("contributions", "formula")] as string) as Record<string, unknown>;
      expect(Object.keys(formula).sort()).toEqual(["beneficiaries", "change", "friction", "improvement", "proof"]);
      const evidence = JSON.parse(r[col("contributions", "evidence")] as string) as unknown[];
      expect(evidence.length).toBeGreaterThan(0);
      const score = r[col("contributions", "score")] as number;
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(100);
      if (kind === "review") {
        expect(REVIEW_LEVELS).toContain(r[col("contributions", "level")]);
        const detail = JSON.parse(r[col("contributions", "detail")] as string) as { comments: { category: string; ledToChange: boolean; path: string | null; url: string | null }[] };
        for (const c of detail.comments) {
          expect(COMMENT_CATEGORIES).toContain(c.category);
          expect(typeof c.ledToChange).toBe("boolean");
        }
      }
    }
  });

  it("keeps a review contribution's comments and the stored review comments in step", () => {
    const comments = a.rows.get("review_comments")!;
    const byUrl = new Map(comments.map((r) => [r[col("review_comments", "html_url")] as string, r]));
    let checked = 0;
    for (const r of a.rows.get("contributions")!) {
      if (r[col("contributions", "kind")] !== "review") continue;
      const person = r[col("contributions", "person_id")];
      const detail = JSON.parse(r[col("contributions", "detail")] as string) as { comments: { path: string | null; url: string | null }[] };
      for (const c of detail.comments) {
        if (!c.url) continue;
        const row = byUrl.get(c.url);
        expect(row, c.url).toBeDefined();
        expect(row![col("review_comments", "author_id")]).toBe(person);
        expect(row![col("review_comments", "path")]).toBe(c.path);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it("configures every engineer in exactly one team", () => {
    const config = JSON.parse(a.rows.get("repo_configs")![0]![col("repo_configs", "config")] as string) as { teams: Record<string, string[]> };
    const members = Object.values(config.teams).flat();
    expect(members.sort()).toEqual(planScaleOrg(SMALL).engineers.map((e) => e.login).sort());
  });

  it("keeps every timestamp inside the generated period", () => {
    const plan = planScaleOrg(SMALL);
    for (const [table, list] of a.rows) {
      // computed_at is when the detectors ran: after the period.
      const tsCols = SCALE_TABLES[table].columns.flatMap(([c, t], i) => (t === "timestamptz[]" && c !== "computed_at" ? [i] : []));
      for (const row of list) {
        for (const i of tsCols) {
          const v = row[i];
          if (v === null) continue;
          expect(typeof v).toBe("string");
          expect((v as string) >= plan.period.from && (v as string) < plan.period.to, `${table} ${String(v)}`).toBe(true);
          expect(new Date(v as string).toISOString()).toBe(v);
        }
      }
    }
  });
});
