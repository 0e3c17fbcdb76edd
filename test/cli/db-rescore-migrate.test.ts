/**
 * `unsung migrate` (idempotent) and `unsung rescore` (rebuilds exactly the
 * contributions the detectors conclude from stored facts, every time).
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { example } from "../helpers/examples.js";
import { createCliDatabase, type CliDatabase } from "./run-cli.js";

let cli: CliDatabase;
beforeAll(async () => {
  cli = await createCliDatabase();
});
afterAll(async () => {
  await cli?.drop();
});

/** Contributions as (key, kind, person, score), sorted: what a re-run must reproduce exactly. */
const contributions = () =>
  cli.withDb((db) => db.selectFrom("contributions").select(["key", "kind", "person_login", "score", "subject_title"]).orderBy("key").execute());

describe("unsung migrate", () => {
  it("creates the schema, and running it again is fine", async () => {
    const first = await cli.run(["migrate"]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^database is up to date \((PostgreSQL|embedded, .+)\)\n$/);
    if (cli.kind === "pglite") expect(first.stdout).toContain(cli.env.UNSUNG_DATA_DIR);
    const second = await cli.run(["migrate"]);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    const tables = await cli.withDb(async (db) => (await db.introspection.getTables()).map((t) => t.name));
    expect(tables).toEqual(expect.arrayContaining(["deliveries", "contributions", "unsung_migrations"]));
  });

  it("takes no arguments", async () => {
    const r = await cli.run(["migrate", "now"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("(see: unsung migrate --help)");
  });
});

describe("unsung rescore", () => {
  beforeAll(async () => {
    // Real payloads; a teammate (not the author) comments on the issue, which the triage detector credits.
    const helper = { login: "helpful-teammate", id: 777001, node_id: "U_777001", type: "User", site_admin: false, html_url: "https://github.com/helpful-teammate" };
    const comment = example("issue_comment", "created");
    (comment.comment as Record<string, unknown>).user = helper;
    comment.sender = helper;
    const lines = [
      { event: "pull_request", payload: example("pull_request", "opened") },
      { event: "pull_request_review", payload: example("pull_request_review", "submitted") },
      { event: "issues", payload: example("issues", "opened") },
      { event: "issue_comment", payload: comment },
    ];
    await writeFile(path.join(cli.cwd, "facts.jsonl"), lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
    const r = await cli.run(["replay", "facts.jsonl"]);
    expect(r.code).toBe(0);
  });

  it("rebuilds the contributions from stored facts, and a second run changes nothing", async () => {
    const fromReplay = await contributions();
    expect(fromReplay.length).toBeGreaterThan(0);
    // Start from nothing: rescore alone must bring every contribution back.
    await cli.withDb((db) => db.deleteFrom("contributions").execute());
    expect(await contributions()).toEqual([]);

    const first = await cli.run(["rescore"]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(`rescored 1 pull requests and 1 issues: ${fromReplay.length} contributions\n`);
    const afterFirst = await contributions();
    expect(afterFirst).toEqual(fromReplay);

    const second = await cli.run(["rescore"]);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(await contributions()).toEqual(afterFirst);
    const stats = JSON.parse((await cli.run(["stats", "--json"])).stdout) as { contributions: number };
    expect(stats.contributions).toBe(fromReplay.length);
  });

  it("--since limits the run to subjects updated on or after the date", async () => {
    const all = await contributions();
    // The example payloads are from 2019.
    const old = await cli.run(["rescore", "--since", "2019-01-01"]);
    expect(old.code).toBe(0);
    expect(old.stdout).toBe(`rescored 1 pull requests and 1 issues: ${all.length} contributions\n`);
    const later = await cli.run(["rescore", "--since", "2020-01-01"]);
    expect(later.code).toBe(0);
    expect(later.stdout).toBe("rescored 0 pull requests and 0 issues: 0 contributions\n");
    // Subjects outside the range keep their contributions.
    expect(await contributions()).toEqual(all);
  });

  it.each([["2026-13-01"], ["2025-02-30"], ["last-week"], ["2025/01/01"], [""]])("rejects --since %j with exit 2", async (since) => {
    const r = await cli.run(["rescore", "--since", since]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(since ? /--since takes a date as YYYY-MM-DD/ : /--since needs a value/);
    expect(r.stderr).toContain("(see: unsung rescore --help)");
  });
});
