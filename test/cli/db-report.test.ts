/**
 * `unsung report person|team` against a real database seeded with
 * repositories, people, facts and contributions: periods, formats, --out,
 * and above all privacy — what each audience may see.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Kysely } from "kysely";
import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DB } from "../../src/store/schema.js";
import { parseCsv } from "../render/helpers.js";
import { API, appEnv, nockInstallationToken, nockStrict } from "../helpers/github-app.js";
import { createCliDatabase, type CliDatabase } from "./run-cli.js";

let cli: CliDatabase;
nockStrict({ beforeEach, afterEach }, (pending) => expect(pending, "every mocked GitHub call was made").toEqual([]));

const PUBLIC = { id: 1, fullName: "acme/website", private: false };
/** Private, and the reader "carol" has worked in it. */
const SHARED = { id: 2, fullName: "acme/secret-vault", private: true };
/** Private, and no reader in these tests has worked in it. */
const HIDDEN = { id: 3, fullName: "acme/hidden-ops", private: true };
const REPOS = [PUBLIC, SHARED, HIDDEN];

const ALICE = { id: 101, login: "alice" };
const BOB = { id: 102, login: "bob" };
const CAROL = { id: 103, login: "carol" };
/** Works only in the hidden private repository. */
const ERIN = { id: 104, login: "erin-undercover" };

const TITLES = {
  public: "Write the public onboarding guide",
  bob: "Cache CI dependencies between jobs",
  shared: "Document Project Falcon key rotation",
  hidden: "Runbook for Operation Nightjar",
  erin: "Rotate the Nightjar credentials",
};

const Q = ["--quarter", "2025Q2"];

/** The app's installation on acme: reader access is asked with its client. */
const INSTALLATION = 4242;

async function seed(db: Kysely<DB>): Promise<void> {
  const at = "2025-07-01T00:00:00Z";
  await db
    .insertInto("installations")
    .values({ id: INSTALLATION, account_id: 4100, account_login: "acme", account_type: "Organization", repository_selection: "all", permissions: "{}", events: "[]", suspended_at: null, deleted_at: null, updated_at: at })
    .execute();
  await db
    .insertInto("repositories")
    .values(
      REPOS.map((r) => ({
        id: r.id,
        installation_id: INSTALLATION,
        owner_login: "acme",
        name: r.fullName.split("/")[1]!,
        full_name: r.fullName,
        private: r.private,
        default_branch: "main",
        html_url: `https://github.com/${r.fullName}`,
        archived: false,
        updated_at: at,
      })),
    )
    .execute();
  await db
    .insertInto("people")
    .values([ALICE, BOB, CAROL, ERIN].map((p) => ({ id: p.id, login: p.login, type: "User", is_bot: false, is_ghost: false, name: null, previous_logins: "[]", seen_at: at })))
    .execute();
  // Carol opened an issue in the shared private repository: she can see it.
  await db
    .insertInto("issues")
    .values({
      id: 7001,
      repository_id: SHARED.id,
      number: 7,
      title: "Key rotation is undocumented",
      body: "",
      html_url: `https://github.com/${SHARED.fullName}/issues/7`,
      state: "open",
      state_reason: null,
      author_id: CAROL.id,
      author_association: "MEMBER",
      labels: "[]",
      created_at: "2025-04-02T10:00:00Z",
      updated_at: "2025-04-02T10:00:00Z",
      closed_at: null,
    })
    .execute();
  const contribution = (key: string, person: { id: number; login: string }, repo: (typeof REPOS)[number], kind: string, number: number, title: string, occurredAt: string) => ({
    key,
    kind,
    person_id: person.id,
    person_login: person.login,
    repository_id: repo.id,
    repository_full_name: repo.fullName,
    repository_private: repo.private,
    subject_type: "pull_request",
    subject_id: String(number),
    subject_title: title,
    subject_url: `https://github.com/${repo.fullName}/pull/${number}`,
    occurred_at: occurredAt,
    score: 60,
    confidence: 0.9,
    level: null,
    dynamics: "compounding",
    evidence: JSON.stringify([`changes only files under docs/ in ${repo.fullName}`]),
    formula: JSON.stringify({ friction: "", change: "", improvement: "", beneficiaries: [], proof: [] }),
    detail: "{}",
    detector: "change-kind",
    detector_version: 1,
    source_key: `pr:${repo.id}#${number}`,
    computed_at: at,
  });
  await db
    .insertInto("contributions")
    .values([
      contribution("c1", ALICE, PUBLIC, "docs", 11, TITLES.public, "2025-05-10T12:00:00Z"),
      contribution("c2", ALICE, SHARED, "docs", 21, TITLES.shared, "2025-05-12T12:00:00Z"),
      contribution("c3", ALICE, HIDDEN, "runbook", 31, TITLES.hidden, "2025-05-20T12:00:00Z"),
      contribution("c4", BOB, PUBLIC, "ci-config", 12, TITLES.bob, "2025-06-01T12:00:00Z"),
      contribution("c5", ERIN, HIDDEN, "docs", 32, TITLES.erin, "2025-05-21T12:00:00Z"),
    ])
    .execute();
  // Alice's own notes: one about public work, one about the hidden repository's.
  const note = (id: string, repo: (typeof REPOS)[number], text: string) => ({
    id,
    kind: "note",
    author_id: ALICE.id,
    author_login: ALICE.login,
    subject_person_id: ALICE.id,
    subject_person_login: ALICE.login,
    contribution_key: null,
    link: null,
    text,
    source_url: `https://github.com/${repo.fullName}/pull/1#issuecomment-1`,
    repository_id: repo.id,
    repository_full_name: repo.fullName,
    repository_private: repo.private,
    created_at: "2025-05-15T09:00:00Z",
    deleted_at: null,
  });
  await db
    .insertInto("annotations")
    .values([note("n1", PUBLIC, "Paired with the new hire on the onboarding guide"), note("n2", HIDDEN, "Spent two weeks on the Nightjar incident")])
    .execute();
  await db
    .insertInto("repo_configs")
    .values({ repository_id: PUBLIC.id, source: "acme/.github", config: JSON.stringify({ teams: { platform: ["alice", "bob"] } }), errors: "[]", fetched_at: at })
    .execute();
}

beforeAll(async () => {
  cli = await createCliDatabase();
  // Migrates (a fresh embedded database starts empty), then seeds.
  expect((await cli.run(["migrate"])).code).toBe(0);
  await cli.withDb(seed);
});
afterAll(async () => {
  await cli?.drop();
});

/** The logins a JSON team report lists. */
function teamLogins(stdout: string): string[] {
  const model = JSON.parse(stdout) as { type: string; people: { login: string }[] };
  expect(model.type).toBe("team");
  return model.people.map((p) => p.login).sort();
}

/** Neither name nor titles nor links of the given repositories appear. */
function expectAbsent(text: string, ...repos: { fullName: string }[]) {
  for (const r of repos) {
    expect(text).not.toContain(r.fullName);
    expect(text).not.toContain(r.fullName.split("/")[1]);
    const title = r === SHARED ? TITLES.shared : r === HIDDEN ? TITLES.hidden : TITLES.public;
    expect(text).not.toContain(title);
  }
  // Nor anything that would give the work away.
  if (repos.includes(SHARED)) expect(text).not.toContain("Falcon");
  if (repos.includes(HIDDEN)) expect(text).not.toContain("Nightjar");
}

describe("unsung report person", () => {
  it("writes a Markdown evidence packet covering public repositories only by default", async () => {
    const r = await cli.run(["report", "person", "alice", ...Q]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("alice");
    expect(r.stdout).toContain(TITLES.public);
    expect(r.stdout).toContain(PUBLIC.fullName);
    expect(r.stdout).toContain("Paired with the new hire");
    expectAbsent(r.stdout, SHARED, HIDDEN);
    expect(r.stdout).not.toContain("two weeks");
  });

  it("omits private repositories in every format by default", async () => {
    for (const format of ["md", "html", "csv", "json"]) {
      const r = await cli.run(["report", "person", "alice", ...Q, "--format", format]);
      expect(r.code, format).toBe(0);
      expect(r.stdout, format).toContain(TITLES.public);
      expectAbsent(r.stdout, SHARED, HIDDEN);
    }
  });

  it("includes every repository with --include-private", async () => {
    const r = await cli.run(["report", "person", "alice", ...Q, "--include-private"]);
    expect(r.code).toBe(0);
    for (const t of [TITLES.public, TITLES.shared, TITLES.hidden]) expect(r.stdout).toContain(t);
    expect(r.stdout).toContain(SHARED.fullName);
    expect(r.stdout).toContain(HIDDEN.fullName);
    expect(r.stdout).toContain("Spent two weeks on the Nightjar incident");
  });

  it("with --reader, includes the private repositories GitHub says the reader can read now — not those they once worked in", async () => {
    // Carol opened an issue in the shared repository long ago; today GitHub says she has no access to
    // it, but can read the hidden one.
    const token = nockInstallationToken(INSTALLATION);
    const perms = nock(API)
      .get("/repos/acme/secret-vault/collaborators/carol/permission")
      .reply(200, { permission: "none", role_name: "none" })
      .get("/repos/acme/hidden-ops/collaborators/carol/permission")
      .reply(200, { permission: "read", role_name: "read" });
    const carol = await cli.run(["report", "person", "alice", ...Q, "--reader", "carol"], appEnv());
    expect(carol.stderr).toBe("");
    expect(carol.code).toBe(0);
    expect(carol.stdout).toContain(TITLES.public);
    expect(carol.stdout).toContain(TITLES.hidden);
    expectAbsent(carol.stdout, SHARED);
    expect(token.isDone() && perms.isDone()).toBe(true);
  });

  it("with --reader and GitHub unreachable or no credentials, leaves private repositories out and says so (fail closed)", async () => {
    nockInstallationToken(INSTALLATION);
    nock(API).get("/repos/acme/secret-vault/collaborators/carol/permission").reply(503, {}).get("/repos/acme/hidden-ops/collaborators/carol/permission").reply(500, {});
    for (const format of ["md", "json"]) {
      if (format === "json") {
        nockInstallationToken(INSTALLATION);
        nock(API).get("/repos/acme/secret-vault/collaborators/carol/permission").reply(503, {}).get("/repos/acme/hidden-ops/collaborators/carol/permission").reply(500, {});
      }
      const r = await cli.run(["report", "person", "alice", ...Q, "--reader", "carol", "--format", format], appEnv());
      expect(r.code, format).toBe(0);
      expect(r.stdout).toContain(TITLES.public);
      expectAbsent(r.stdout, SHARED, HIDDEN);
      expect(r.stdout).toMatch(/GitHub could not be asked whether \\?@carol can read 2 private repositories/);
      expect(r.stderr).toContain("GitHub could not be asked whether @carol can read 2 private repositories");
    }
    const none = await cli.run(["report", "person", "alice", ...Q, "--reader", "carol", "--format", "csv"]);
    expect(none.code).toBe(0);
    expectAbsent(none.stdout, SHARED, HIDDEN);
    expect(none.stderr).toContain("no GitHub credentials");
  });

  it("with --repos, covers exactly those repositories", async () => {
    const r = await cli.run(["report", "person", "alice", ...Q, "--repos", HIDDEN.fullName]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(TITLES.hidden);
    expectAbsent(r.stdout, PUBLIC, SHARED);
    const unknown = await cli.run(["report", "person", "alice", ...Q, "--repos", "acme/nope"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("unknown repositories: acme/nope");
  });

  it("finds people case-insensitively and with a leading @", async () => {
    const r = await cli.run(["report", "person", "@Alice", ...Q, "--format", "json"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(TITLES.public);
  });

  it("says clearly when no one has the login (exit 1)", async () => {
    const r = await cli.run(["report", "person", "nobody-here", ...Q]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain('no one with the login "nobody-here" has been seen in this organisation');
    // A reader need not have been seen here (GitHub decides), but must be a GitHub login.
    const reader = await cli.run(["report", "person", "alice", ...Q, "--reader", "ghost reader%"]);
    expect(reader.code).toBe(2);
    expect(reader.stderr).toContain('--reader takes a GitHub login, not "ghost reader%"');
  });

  it("writes a clear report when the period holds nothing (exit 0)", async () => {
    const r = await cli.run(["report", "person", "alice", "--quarter", "2024Q1"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("2024 Q1");
    expect(r.stdout).not.toContain(TITLES.public);
    expect(r.stdout).toMatch(/no (glue work|contributions|evidence)|nothing/i);
    const json = JSON.parse((await cli.run(["report", "person", "alice", "--quarter", "2024Q1", "--format", "json"])).stdout) as { summary: { empty: boolean } };
    expect(json.summary.empty).toBe(true);
    const full = JSON.parse((await cli.run(["report", "person", "alice", ...Q, "--format", "json"])).stdout) as { summary: { empty: boolean } };
    expect(full.summary.empty).toBe(false);
  });

  it("writes the report to --out (creating directories) and says where", async () => {
    const r = await cli.run(["report", "person", "alice", ...Q, "--format", "html", "--out", "reports/q2/alice.html"]);
    expect(r.code).toBe(0);
    const file = path.join(cli.cwd, "reports/q2/alice.html");
    expect(r.stdout).toBe(`wrote ${file}\n`);
    const html = await readFile(file, "utf8");
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain(TITLES.public);
    expectAbsent(html, SHARED, HIDDEN);
  });

  it("renders valid CSV and JSON", async () => {
    const csv = await cli.run(["report", "person", "alice", ...Q, "--format", "csv", "--include-private"]);
    expect(csv.code).toBe(0);
    const [header, ...rows] = parseCsv(csv.stdout);
    const title = header!.indexOf("title");
    const repository = header!.indexOf("repository");
    const source = header!.indexOf("source");
    expect(Math.min(title, repository, source)).toBeGreaterThanOrEqual(0);
    // Alice's notes come as self-reported rows, the hidden repository's one included.
    expect(rows.filter((r) => r[source] === "self").map((r) => r[repository]).sort()).toEqual([HIDDEN.fullName, PUBLIC.fullName]);
    expect(rows.filter((r) => r[source] === "detected").map((r) => [r[title], r[repository]]).sort()).toEqual([
      [TITLES.public, PUBLIC.fullName],
      [TITLES.shared, SHARED.fullName],
      [TITLES.hidden, HIDDEN.fullName],
    ].sort());
    const json = await cli.run(["report", "person", "alice", ...Q, "--format", "json"]);
    expect(json.code).toBe(0);
    const model = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(JSON.stringify(model)).toContain(TITLES.public);
  });

  it.each([
    [["--from", "2026-13-01", "--to", "2026-12-31"], "--from"],
    [["--from", "2025-02-30", "--to", "2025-03-31"], "--from"],
    [["--from", "2025-01-01", "--to", "yesterday"], "--to"],
    [["--quarter", "2026Q5"], "Q1 to Q4"],
    [["--quarter", "spring"], "2026Q3"],
    [["--from", "2025-06-01", "--to", "2025-05-01"], "after --to"],
    [["--from", "2025-06-01"], "--from needs --to"],
    [["--quarter", "2025Q1", "--from", "2025-01-01", "--to", "2025-02-01"], "either --quarter or --from/--to"],
  ])("rejects the period %j (exit 2)", async (period, message) => {
    const r = await cli.run(["report", "person", "alice", ...period]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain("unsung report --help");
  });

  it.each([
    [["report", "person"], "exactly one login"],
    [["report", "person", "alice", "bob"], "exactly one login"],
    [["report"], 'say "person <login>" or "team"'],
    [["report", "people", "alice"], 'say "person <login>" or "team"'],
    [["report", "person", "alice", "--format", "pdf"], "--format must be one of"],
    [["report", "person", "alice", "--reader", "bob", "--include-private"], "choose one of"],
    [["report", "person", "alice", "--team", "platform"], "--team and --people go with report team"],
    [["report", "team", "--team", "platform", "--people", "alice"], "cannot be combined"],
    [["report", "team", "alice"], "no positional arguments"],
    [["report", "team", "--people", ","], "comma-separated list"],
    [["report", "person", "alice", "--colour"], "--colour"],
  ])("rejects %j (exit 2)", async (argv, message) => {
    const r = await cli.run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});

describe("unsung report team", () => {
  it("covers the organisation by default, public repositories only", async () => {
    const r = await cli.run(["report", "team", ...Q]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("alice");
    expect(r.stdout).toContain("bob");
    expectAbsent(r.stdout, SHARED, HIDDEN);
  });

  it("keeps private repositories out of every format by default", async () => {
    for (const format of ["md", "html", "csv", "json"]) {
      const r = await cli.run(["report", "team", ...Q, "--format", format]);
      expect(r.code, format).toBe(0);
      expectAbsent(r.stdout, SHARED, HIDDEN);
    }
  });

  it("includes private repositories with --include-private", async () => {
    const r = await cli.run(["report", "team", ...Q, "--include-private", "--format", "json"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(SHARED.fullName);
    expect(r.stdout).toContain(HIDDEN.fullName);
  });

  it("leaves out people whose only work in the period is in repositories the audience may not see", async () => {
    // Naming Erin, or even counting her, would tell the reader that someone worked on something hidden from them.
    for (const format of ["md", "html", "csv", "json"]) {
      const r = await cli.run(["report", "team", ...Q, "--format", format]);
      expect(r.code, format).toBe(0);
      expect(r.stdout, format).not.toContain(ERIN.login);
    }
    expect(teamLogins((await cli.run(["report", "team", ...Q, "--format", "json"])).stdout)).toEqual(["alice", "bob"]);
    const carol = await cli.run(["report", "team", ...Q, "--reader", "carol", "--format", "json"]);
    expect(carol.code).toBe(0);
    expect(teamLogins(carol.stdout)).toEqual(["alice", "bob"]);
    // Readers who may see the repository see her and her work.
    const all = await cli.run(["report", "team", ...Q, "--include-private", "--format", "json"]);
    expect(teamLogins(all.stdout)).toEqual(["alice", "bob", ERIN.login]);
    const erin = (JSON.parse(all.stdout) as { people: { login: string; items: number }[] }).people.find((p) => p.login === ERIN.login);
    expect(erin?.items).toBe(1);
  });

  it("reports a configured --team, and --people a,b", async () => {
    const team = await cli.run(["report", "team", "--team", "platform", ...Q, "--format", "json"]);
    expect(team.code).toBe(0);
    expect(teamLogins(team.stdout)).toEqual(["alice", "bob"]);
    // Named people are listed even without work in the period.
    const people = await cli.run(["report", "team", "--people", "bob,carol", ...Q, "--format", "json"]);
    expect(people.code).toBe(0);
    expect(teamLogins(people.stdout)).toEqual(["bob", "carol"]);
    const justBob = await cli.run(["report", "team", "--people", "bob", ...Q, "--format", "json"]);
    expect(justBob.code).toBe(0);
    expect(teamLogins(justBob.stdout)).toEqual(["bob"]);
    expect(justBob.stdout).not.toContain(TITLES.public);
  });

  it("names an unknown --team and the known ones (exit 1)", async () => {
    const r = await cli.run(["report", "team", "--team", "no-such-team", ...Q]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no team "no-such-team"');
    expect(r.stderr).toContain("known: platform");
  });

  it("names an unknown person in --people (exit 1)", async () => {
    const r = await cli.run(["report", "team", "--people", "alice,zed", ...Q]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"zed"');
  });

  it("writes a clear report when the period holds nothing (exit 0)", async () => {
    const r = await cli.run(["report", "team", "--quarter", "2024Q1"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("2024 Q1");
    expect(r.stdout).toMatch(/no (glue work|contributions|evidence|one)|nothing/i);
    const json = JSON.parse((await cli.run(["report", "team", "--quarter", "2024Q1", "--format", "json"])).stdout) as { summary: { empty: boolean }; people: unknown[] };
    expect(json.summary.empty).toBe(true);
    expect(json.people).toEqual([]);
  });
});
