import nock from "nock";
import { sql } from "kysely";
import { ProbotOctokit } from "probot";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { recordedClientFactory, type GitHub, type GitHubClientFactory } from "../../src/github/clients.js";
import { enrichPullRequest, type EnrichDeps } from "../../src/services/enrich-pull-request.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";
import { pullRequestRow } from "../store/fact-rows.js";

const API = "https://api.github.com";
const REPO = 500;
const NOW = new Date("2026-03-01T12:00:00.000Z");
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db
    .insertInto("repositories")
    .values({ id: REPO, installation_id: 77, owner_login: "o", name: "r", full_name: "o/r", private: true, default_branch: "main", html_url: "https://github.com/o/r", archived: false, removed_at: null, updated_at: "2026-01-01T00:00:00Z" })
    .execute();
  for (const number of [7, 8, 9, 10, 11, 12]) {
    await database.db
      .insertInto("pull_requests")
      .values(pullRequestRow({ id: 1000 + number, repository_id: REPO, number, state: "closed", merged: true, created_at: "2026-02-01T00:00:00Z", updated_at: "2026-02-02T00:00:00Z" }))
      .execute();
  }
});
afterAll(async () => {
  await database?.drop();
});
beforeEach(() => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  expect(pending, "every mocked GitHub call was made").toEqual([]);
});

/** A real Probot Octokit client against api.github.com (mocked by nock); no retries, no throttling waits. */
function liveLikeClient(): GitHubClientFactory {
  const gh = new ProbotOctokit({ auth: { token: "t" }, retry: { enabled: false }, throttle: { enabled: false } }) as GitHub;
  return async () => gh;
}

const deps = (clients: GitHubClientFactory): EnrichDeps => ({ db: database.db, clients, now: () => NOW, detectDebounceSeconds: 0 });
const job = (number: number) => ({ installationId: 77, repositoryId: REPO, owner: "o", repo: "r", number });

type Vars = { owner: string; name: string; number: number; threads: string | null; commits: string | null };
const graphql = (match: (v: Vars) => boolean) =>
  nock(API).post("/graphql", (body: { query?: string; variables?: Vars }) => typeof body.query === "string" && body.variables !== undefined && match(body.variables));

const page = <T>(nodes: T[], next: string | null) => ({ pageInfo: { hasNextPage: next !== null, endCursor: next ?? (nodes.length ? "END" : null) }, nodes });
const details = (threads: object, commits: object) => ({ data: { repository: { pullRequest: { reviewThreads: threads, commits } } } });
const commit = (oid: string, message: string, author: object | null, authoredDate = "2026-02-01T10:00:00Z") => ({ commit: { oid, message, authoredDate, author } });
const files = (n: number, from = 0) =>
  Array.from({ length: n }, (_, k) => ({ filename: `src/file-${String(from + k).padStart(3, "0")}.ts`, status: "modified", additions: 2, deletions: 1, patch: "@@ -1 +1 @@\n-a\n+b" }));

const rowsFor = async (number: number) => {
  const db = database.db;
  const [f, pc, t] = await Promise.all([
    db.selectFrom("pull_request_files").selectAll().where("repository_id", "=", REPO).where("pr_number", "=", number).orderBy("path").execute(),
    db.selectFrom("pull_request_commits").select("sha").where("repository_id", "=", REPO).where("pr_number", "=", number).orderBy("sha").execute(),
    db.selectFrom("review_threads").selectAll().where("repository_id", "=", REPO).where("pr_number", "=", number).orderBy("node_id").execute(),
  ]);
  const pr = await db.selectFrom("pull_requests").select("enriched_at").where("repository_id", "=", REPO).where("number", "=", number).executeTakeFirstOrThrow();
  const jobs = await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'detect-pull-request' and key = ${`detect-pr:${REPO}:${number}`}`.execute(db);
  return { files: f, commitShas: pc.map((r) => r.sha), threads: t, enrichedAt: pr.enriched_at, detectJobs: jobs.rows[0]!.n };
};

describe("enrichPullRequest against the GitHub API (nock)", () => {
  it("stores files (two pages), commits with co-authors (two GraphQL pages), review threads and emails, then queues the detectors", async () => {
    const maya = { name: "Maya", email: "Maya@Acme.dev", user: { databaseId: 9001, login: "maya" } };
    const omarNoreply = { name: "Omar", email: "9002+omar@users.noreply.github.com", user: { databaseId: 9002, login: "omar" } };
    const first = graphql((v) => v.owner === "o" && v.name === "r" && v.number === 7 && v.threads === null && v.commits === null).reply(
      200,
      details(
        page(
          [
            { id: "PRRT_a", isResolved: true, isOutdated: true, path: "src/a.ts", resolvedBy: { login: "maya" }, comments: { nodes: [{ databaseId: 101 }, { databaseId: 102 }] } },
            { id: "PRRT_b", isResolved: false, isOutdated: false, path: "src/b.ts", resolvedBy: null, comments: { nodes: [{ databaseId: 103 }] } },
          ],
          null,
        ),
        page(
          [
            commit("aaaaaaa1111111", "Fix the retry loop\n\nCo-authored-by: Omar <9002+omar@users.noreply.github.com>\nCo-authored-by: Claude <noreply@anthropic.com>", maya),
            commit("bbbbbbb2222222", "Address review", omarNoreply),
          ],
          "C1",
        ),
      ),
    );
    // The second page advances commits only; threads were read to their end.
    const second = graphql((v) => v.number === 7 && v.commits === "C1" && v.threads === "END").reply(
      200,
      details(page([], null), page([commit("ccccccc3333333", "Pair-programmed\n\nCo-authored-by: Jane Doe <jane@example.com>", { name: "Unknown", email: "unknown@example.com", user: null })], null)),
    );
    const p1 = nock(API).get("/repos/o/r/pulls/7/files").query({ per_page: "100", page: "1" }).reply(200, files(100));
    const p2 = nock(API).get("/repos/o/r/pulls/7/files").query({ per_page: "100", page: "2" }).reply(200, files(3, 100));

    expect(await enrichPullRequest(deps(liveLikeClient()), job(7))).toBe("enriched");
    for (const scope of [first, second, p1, p2]) expect(scope.isDone()).toBe(true);

    const r = await rowsFor(7);
    expect(r.files).toHaveLength(103);
    expect(r.files[0]).toEqual({ repository_id: REPO, pr_number: 7, path: "src/file-000.ts", status: "modified", additions: 2, deletions: 1, patch: "@@ -1 +1 @@\n-a\n+b" });
    expect(r.files.at(-1)!.path).toBe("src/file-102.ts");
    expect(r.commitShas).toEqual(["aaaaaaa1111111", "bbbbbbb2222222", "ccccccc3333333"]);
    const commits = await database.db.selectFrom("commits").selectAll().where("repository_id", "=", REPO).orderBy("sha").execute();
    expect(commits.map((c) => [c.sha, c.author_id, c.author_email])).toEqual([
      ["aaaaaaa1111111", 9001, "maya@acme.dev"],
      ["bbbbbbb2222222", 9002, "9002+omar@users.noreply.github.com"],
      ["ccccccc3333333", null, "unknown@example.com"],
    ]);
    expect(commits[0]!.co_authors).toEqual([
      { name: "Omar", email: "9002+omar@users.noreply.github.com", noreplyId: 9002, noreplyLogin: "omar" },
      { name: "Claude", email: "noreply@anthropic.com", noreplyId: null, noreplyLogin: null },
    ]);
    expect(commits[2]!.co_authors).toEqual([{ name: "Jane Doe", email: "jane@example.com", noreplyId: null, noreplyLogin: null }]);
    expect(r.threads.map((t) => [t.node_id, t.is_resolved, t.is_outdated, t.path, t.resolved_by_login, t.comment_ids])).toEqual([
      ["PRRT_a", true, true, "src/a.ts", "maya", [101, 102]],
      ["PRRT_b", false, false, "src/b.ts", null, [103]],
    ]);
    // Only real addresses of known accounts are learnt: not noreply ones, not unlinked ones.
    expect(await database.db.selectFrom("person_emails").select(["email", "person_id"]).orderBy("email").execute()).toEqual([{ email: "maya@acme.dev", person_id: 9001 }]);
    expect(r.enrichedAt).toBe(NOW.toISOString());
    expect(r.detectJobs).toBe(1);
  });

  it("enriching again replaces the files rather than adding to them", async () => {
    graphql((v) => v.number === 7).reply(200, details(page([], null), page([], null)));
    nock(API).get("/repos/o/r/pulls/7/files").query({ per_page: "100", page: "1" }).reply(200, files(2, 500));
    expect(await enrichPullRequest(deps(liveLikeClient()), job(7))).toBe("enriched");
    const r = await rowsFor(7);
    expect(r.files.map((f) => f.path)).toEqual(["src/file-500.ts", "src/file-501.ts"]);
    // Commits and threads already learnt stay; the detect job was merged by its key, not duplicated.
    expect(r.commitShas).toHaveLength(3);
    expect(r.threads).toHaveLength(2);
    expect(r.detectJobs).toBe(1);
  });

  it("returns not-found and writes nothing when the pull request is gone (GraphQL NOT_FOUND, REST 404)", async () => {
    graphql((v) => v.number === 8).reply(200, {
      data: { repository: null },
      errors: [{ type: "NOT_FOUND", path: ["repository"], locations: [{ line: 3, column: 5 }], message: "Could not resolve to a Repository with the name 'o/r'." }],
    });
    nock(API).get("/repos/o/r/pulls/8/files").query({ per_page: "100", page: "1" }).reply(404, { message: "Not Found" });
    expect(await enrichPullRequest(deps(liveLikeClient()), job(8))).toBe("not-found");
    expect(await rowsFor(8)).toEqual({ files: [], commitShas: [], threads: [], enrichedAt: null, detectJobs: 0 });
  });

  it("throws on a server error, so the job is retried, and writes nothing", async () => {
    graphql((v) => v.number === 9).reply(500, { message: "Server Error" });
    await expect(enrichPullRequest(deps(liveLikeClient()), job(9))).rejects.toMatchObject({ status: 500 });
    // A failure after some pages were read writes nothing either: no half-enriched pull request.
    graphql((v) => v.number === 9).reply(200, details(page([], null), page([commit("ddddddd4444444", "x", null)], null)));
    nock(API).get("/repos/o/r/pulls/9/files").query({ per_page: "100", page: "1" }).reply(200, files(100));
    nock(API).get("/repos/o/r/pulls/9/files").query({ per_page: "100", page: "2" }).reply(502, { message: "Bad Gateway" });
    await expect(enrichPullRequest(deps(liveLikeClient()), job(9))).rejects.toMatchObject({ status: 502 });
    expect(await rowsFor(9)).toEqual({ files: [], commitShas: [], threads: [], enrichedAt: null, detectJobs: 0 });
  });

  it("survives hostile responses: files without names, a 300 KB patch (capped), odd numbers, null nodes and ids", async () => {
    graphql((v) => v.number === 10).reply(
      200,
      details(
        page(
          [
            null,
            { id: null, isResolved: true },
            { id: "PRRT_odd", isResolved: "yes", isOutdated: null, path: 42, resolvedBy: { login: null }, comments: { nodes: [{ databaseId: null }, null, { databaseId: 555 }, { databaseId: "556" }] } },
            { id: "PRRT_nocomments", isResolved: false, isOutdated: true, path: "x.ts", resolvedBy: null, comments: null },
          ],
          null,
        ),
        page([null, { commit: null }, { commit: { oid: "not a sha!" } }, { commit: { oid: "eeeeeee5555555", message: null, authoredDate: "yesterday", author: { name: null, email: null, user: { databaseId: "1", login: "x" } } } }], null),
      ),
    );
    nock(API)
      .get("/repos/o/r/pulls/10/files")
      .query({ per_page: "100", page: "1" })
      .reply(200, [
        { filename: "big.txt", status: "modified", additions: 1, deletions: 0, patch: "x".repeat(300_000) },
        { status: "added", additions: 1 },
        null,
        "not a file",
        { filename: "odd.ts", additions: "lots", deletions: -5, status: 7, patch: { not: "a string" } },
        { filename: "nul\u0000.ts", status: "added", additions: 1.5, deletions: 2 ** 40 },
      ]);
    expect(await enrichPullRequest(deps(liveLikeClient()), job(10))).toBe("enriched");
    const r = await rowsFor(10);
    expect(r.files.map((f) => [f.path, f.status, f.additions, f.deletions, f.patch?.length ?? null])).toEqual([
      ["big.txt", "modified", 1, 0, 200_000],
      ["nul.ts", "added", 0, 0, null],
      ["odd.ts", "modified", 0, 0, null],
    ]);
    expect(r.threads.map((t) => [t.node_id, t.is_resolved, t.is_outdated, t.path, t.resolved_by_login, t.comment_ids])).toEqual([
      ["PRRT_nocomments", false, true, "x.ts", null, []],
      ["PRRT_odd", false, false, null, null, [555]],
    ]);
    expect(r.commitShas).toEqual(["eeeeeee5555555"]);
    const c = await database.db.selectFrom("commits").selectAll().where("sha", "=", "eeeeeee5555555").executeTakeFirstOrThrow();
    expect([c.message, c.authored_at, c.author_id, c.co_authors]).toEqual(["", null, null, []]);
  });

  it("with no client (no credentials) does nothing and calls nothing", async () => {
    expect(await enrichPullRequest(deps(async () => null), job(11))).toBe("no-client");
    expect(await rowsFor(11)).toEqual({ files: [], commitShas: [], threads: [], enrichedAt: null, detectJobs: 0 });
  });
});

describe("enrichPullRequest with the recorded-responses client", () => {
  it("answers from recordings, and an unrecorded pull request is not-found without touching the network", async () => {
    // Any request that reached the network would be answered here, and leave this scope done.
    const network = nock(API).persist().get(/.*/).reply(200, []).post(/.*/).reply(200, {});
    const clients = recordedClientFactory([
      {
        method: "POST",
        path: "/graphql",
        variables: { owner: "o", name: "r", number: 12, threads: null, commits: null },
        status: 200,
        body: details(page([], null), page([commit("fffffff6666666", "Recorded commit", null)], null)),
      },
      { method: "GET", path: "/repos/o/r/pulls/12/files?per_page=100&page=1", status: 200, body: files(1, 900) },
    ]);
    expect(await enrichPullRequest(deps(clients), job(12))).toBe("enriched");
    const r = await rowsFor(12);
    expect(r.files.map((f) => f.path)).toEqual(["src/file-900.ts"]);
    expect(r.commitShas).toEqual(["fffffff6666666"]);
    expect(await enrichPullRequest(deps(clients), job(11))).toBe("not-found");
    expect(await rowsFor(11)).toEqual({ files: [], commitShas: [], threads: [], enrichedAt: null, detectJobs: 0 });
    expect(network.isDone()).toBe(false);
    nock.cleanAll();
  });
});
