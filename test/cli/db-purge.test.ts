/**
 * `unsung purge` and `unsung report --org/--installation` against a real database holding two
 * organisations: malformed flags (exit 2, nothing opened), unknown targets (exit 1, nothing
 * erased), a dry run that counts per table and changes nothing, LIKE metacharacters in names, a
 * renamed person found by an earlier login, and an ambiguous login.
 */
import { sql, type Kysely } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../src/store/schema.js";
import { allRows } from "../helpers/walk-tables.js";
import { repositoryRow } from "../store/fact-rows.js";
import { createCliDatabase, type CliDatabase } from "./run-cli.js";

let cli: CliDatabase;
const at = "2026-08-01T00:00:00Z";

const repo = repositoryRow;
const personRow = (id: number, login: string, previous: string[] = []) => ({ id, login, type: "User", is_bot: false, is_ghost: false, name: null, previous_logins: JSON.stringify(previous), seen_at: at });
const contribution = (key: string, personId: number, login: string, r: ReturnType<typeof repo> & { full_name: string; private: boolean }, title: string) => ({
  key,
  kind: "docs",
  person_id: personId,
  person_login: login,
  repository_id: r.id,
  repository_full_name: r.full_name,
  repository_private: r.private,
  subject_type: "pull_request",
  subject_id: key,
  subject_title: title,
  subject_url: `https://github.com/${r.full_name}/pull/1`,
  occurred_at: "2026-08-10T00:00:00Z",
  score: 60,
  confidence: 0.9,
  level: null,
  dynamics: "compounding",
  evidence: JSON.stringify([`docs in ${r.full_name}`]),
  formula: JSON.stringify({ friction: "", change: "", improvement: "", beneficiaries: [], proof: [] }),
  detail: "{}",
  detector: "change-kind",
  detector_version: 1,
  source_key: `pr:${r.id}:1`,
  computed_at: at,
});

const UNDERSCORE = repo(601, 91, "acme", "x_y");
/** Would match "acme/x_y" as a LIKE pattern (the underscore is a wildcard there). */
const LOOKALIKE = repo(602, 91, "acme", "xzy");
const GLOBEX = repo(701, 92, "globex", "plant", true);

async function seed(db: Kysely<DB>): Promise<void> {
  const inst = (id: number, login: string, accountId: number) => ({
    id,
    account_id: accountId,
    account_login: login,
    account_type: "Organization",
    repository_selection: "all",
    permissions: "{}",
    events: "[]",
    suspended_at: null,
    deleted_at: null,
    updated_at: at,
  });
  await db.insertInto("installations").values([inst(91, "acme", 9100), inst(92, "globex", 9200)]).execute();
  await db.insertInto("repositories").values([UNDERSCORE, LOOKALIKE, GLOBEX]).execute();
  await db
    .insertInto("people")
    .values([personRow(5001, "new-name", ["old-name"]), personRow(5002, "twin"), personRow(5003, "someone-else", ["twin"]), personRow(5004, "gus")])
    .execute();
  await db
    .insertInto("contributions")
    .values([
      contribution("k1", 5001, "new-name", UNDERSCORE, "Underscore docs"),
      contribution("k2", 5004, "gus", LOOKALIKE, "Lookalike docs"),
      contribution("k3", 5004, "gus", GLOBEX, "Plant docs"),
    ])
    .execute();
  // An annotation in the look-alike repository that links to it: the underscore's erasure must not match it.
  await db
    .insertInto("annotations")
    .values({
      id: "comment:1",
      kind: "note",
      author_id: 5004,
      author_login: "gus",
      subject_person_id: 5004,
      subject_person_login: "gus",
      contribution_key: null,
      link: "https://github.com/acme/xzy/pull/1",
      text: "Wrote the look-alike docs",
      source_url: "https://github.com/acme/xzy/pull/1#issuecomment-1",
      repository_id: LOOKALIKE.id,
      repository_full_name: LOOKALIKE.full_name,
      repository_private: false,
      created_at: "2026-08-11T00:00:00Z",
      deleted_at: null,
      author_association: "MEMBER",
    })
    .execute();
  await db
    .insertInto("deliveries")
    .values([
      { id: "d1", event: "pull_request", action: "opened", installation_id: 91, repository_id: UNDERSCORE.id, payload: JSON.stringify({ sender: { id: 5001, login: "new-name" } }), payload_bytes: 10 },
      { id: "d2", event: "pull_request", action: "opened", installation_id: 92, repository_id: GLOBEX.id, payload: JSON.stringify({ sender: { id: 5004, login: "gus" } }), payload_bytes: 10 },
    ])
    .execute();
}

beforeAll(async () => {
  cli = await createCliDatabase();
  expect((await cli.run(["migrate"])).code).toBe(0);
  await cli.withDb(seed);
  // Opening the database fills in the summary columns of contributions written directly: settle that first.
  expect((await cli.run(["stats"])).code).toBe(0);
});
afterAll(async () => {
  await cli?.drop();
});

const snapshot = () => cli.withDb((db) => allRows(db));

describe("unsung purge: bad input", () => {
  it.each([
    [[], "exactly one of --installation, --repo, --person and --person-id"],
    [["--repo", "acme/x_y", "--person", "gus", "--dry-run"], "exactly one of"],
    [["--repo", "acme/x_y"], "say --dry-run to see what would be erased, or --yes to erase it"],
    [["--repo", "acme/x_y", "--dry-run", "--yes"], "cannot be combined"],
    [["--installation", "abc", "--dry-run"], "--installation takes a whole number"],
    [["--installation", "0", "--dry-run"], "--installation must be between 1 and"],
    [["--installation", "", "--dry-run"], "--installation needs a value"],
    [["--repo", "no-slash", "--dry-run"], "--repo takes OWNER/NAME"],
    [["--repo", "acme/x_y;drop table people", "--dry-run"], "--repo takes OWNER/NAME"],
    [["--repo", "acme/%", "--yes"], "--repo takes OWNER/NAME"],
    [["--person", "gus%", "--yes"], "--person takes a GitHub login"],
    [["--person", "a_b", "--yes"], "--person takes a GitHub login"],
    [["--person", "' or 1=1 --", "--yes"], "--person takes a GitHub login"],
    [["--person", "x".repeat(5000), "--yes"], "--person takes a GitHub login"],
    [["--person-id", "12e3", "--yes"], "--person-id takes a whole number"],
    [["--everything", "--yes"], "--everything"],
  ])("rejects %j (exit 2, nothing erased)", async (args, message) => {
    const before = await snapshot();
    const r = await cli.run(["purge", ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain("unsung purge --help");
    expect(r.stderr.length).toBeLessThan(600);
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    [["--installation", "999", "--yes"], "no installation 999 is stored; nothing was erased"],
    [["--repo", "acme/nope", "--yes"], 'no repository "acme/nope" is stored; nothing was erased'],
    [["--person", "nobody", "--yes"], 'no one with the login "nobody" (now or before) is stored; nothing was erased'],
    [["--person-id", "123456", "--yes"], "no person with the id 123456 is stored"],
    [["--person", "twin", "--yes"], 'several people have had the login "twin": twin (id 5002), someone-else (id 5003). Say which with --person-id'],
  ])("refuses %j when it is unknown or ambiguous (exit 1, nothing erased)", async (args, message) => {
    const before = await snapshot();
    const r = await cli.run(["purge", ...args]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(await snapshot()).toEqual(before);
  });
});

describe("unsung purge", () => {
  it("--dry-run counts what would be erased per table and changes nothing", async () => {
    const before = await snapshot();
    const r = await cli.run(["purge", "--person", "old-name", "--dry-run"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Would erase, for person new-name (id 5001):");
    expect(r.stdout).toMatch(/\n {2}contributions +1\n/);
    expect(r.stdout).toMatch(/\n {2}people +1\n/);
    expect(r.stdout).toMatch(/deliveries \(payload erased\) +1/);
    expect(r.stdout).toContain("Nothing was changed (dry run). Run again with --yes to erase.");
    expect(await snapshot()).toEqual(before);
    const json = JSON.parse((await cli.run(["purge", "--repo", "ACME/X_Y", "--dry-run", "--json"])).stdout) as { dryRun: boolean; counts: Record<string, number> };
    expect(json).toMatchObject({ dryRun: true, counts: { contributions: 1, repositories: 1, deliveries: 1 } });
    expect(await snapshot()).toEqual(before);
  });

  it("erases a repository whose name holds a LIKE wildcard, and not the look-alike", async () => {
    const r = await cli.run(["purge", "--repo", "acme/x_y", "--yes"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Erased, for repository acme/x_y (id 601):");
    expect(r.stdout).toMatch(/Recorded as erasure \d+/);
    await cli.withDb(async (db) => {
      expect(await db.selectFrom("repositories").select("full_name").orderBy("full_name").execute()).toEqual([{ full_name: "acme/xzy" }, { full_name: "globex/plant" }]);
      expect(await db.selectFrom("annotations").select("id").execute()).toEqual([{ id: "comment:1" }]);
      expect(await db.selectFrom("contributions").select("key").orderBy("key").execute()).toEqual([{ key: "k2" }, { key: "k3" }]);
      expect(await db.selectFrom("erasures").select(["scope", "subject_id", "reason", "status"]).execute()).toEqual([{ scope: "repository", subject_id: 601, reason: "request", status: "done" }]);
      // new-name worked only there: nothing names them any more, so their row went too.
      expect(await db.selectFrom("people").select("id").where("id", "=", 5001).execute()).toEqual([]);
    });
  });

  it("erases a person found by an earlier login, everywhere, keeping an opt-out without a login", async () => {
    const r = await cli.run(["purge", "--person", "@GUS", "--yes", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ target: "person gus (id 5004)", dryRun: false, counts: { contributions: 2, annotations: 1, people: 1 } });
    await cli.withDb(async (db) => {
      expect(await db.selectFrom("contributions").select("key").execute()).toEqual([]);
      expect(await db.selectFrom("opt_outs").selectAll().execute()).toEqual([expect.objectContaining({ person_id: 5004, login: "", opted_out: true })]);
      const payload = await db.selectFrom("deliveries").select("payload").where("id", "=", "d2").executeTakeFirstOrThrow();
      expect(payload.payload).toBeNull();
      const n = await sql<{ n: number }>`select count(*)::int as n from erasures where status = 'done'`.execute(db);
      expect(n.rows[0]!.n).toBe(2);
    });
  });
});

describe("unsung report with two organisations", () => {
  it("asks which organisation when none is named (exit 1)", async () => {
    const r = await cli.run(["report", "team", "--quarter", "2026Q3"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("this database holds 2 organisations: say which with --org LOGIN or --installation ID");
  });

  it("reports the named organisation, by login or installation", async () => {
    const byOrg = await cli.run(["report", "team", "--quarter", "2026Q3", "--org", "globex", "--include-private", "--format", "json"]);
    expect(byOrg.stderr).toBe("");
    expect(byOrg.code).toBe(0);
    expect(JSON.parse(byOrg.stdout).coverage.repositories).toEqual([{ fullName: "globex/plant", private: true }]);
    const byId = await cli.run(["report", "team", "--quarter", "2026Q3", "--installation", "91", "--include-private", "--format", "json"]);
    expect(byId.code).toBe(0);
    expect(JSON.parse(byId.stdout).coverage.repositories).toEqual([{ fullName: "acme/xzy", private: false }]);
  });

  it.each([
    [["--org", "no such org"], 2, "--org takes an organisation's login"],
    [["--installation", "x1"], 2, "--installation takes a whole number"],
    [["--org", "initech"], 1, 'no organisation "initech" is stored'],
    [["--installation", "93"], 1, "no installation 93 is stored"],
  ])("refuses %j", async (flags, code, message) => {
    const r = await cli.run(["report", "team", "--quarter", "2026Q3", ...flags]);
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(message);
  });
});
