/**
 * Reader access is asked of GitHub (the collaborator permission endpoint, with the installation's
 * client), only about the reader's organisation's private repositories, cached briefly, and fails
 * closed: no client, an API error or a malformed answer leaves the repository out, and says so.
 */
import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { GitHub, GitHubClientFactory } from "../../src/github/clients.js";
import { personReport } from "../../src/services/build-reports.js";
import { readableRepositories, ReaderAccessCache, ReaderAccessError } from "../../src/services/reader-access.js";
import { resolveTenant, type Tenant } from "../../src/services/tenants.js";
import { parsePeriod } from "../../src/core/report/index.js";
import { nockStrict } from "../helpers/github-app.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";
import { repositoryRow } from "../store/fact-rows.js";

const API = "https://api.github.com";
let database: TestDatabase;
let acme: Tenant;
const T0 = new Date("2026-10-01T12:00:00Z");

const REPO = (id: number, owner: string, name: string, isPrivate: boolean, installationId: number) => repositoryRow(id, installationId, owner, name, isPrivate);

beforeAll(async () => {
  database = await createTestDatabase();
  const at = "2026-09-01T00:00:00Z";
  await database.db
    .insertInto("installations")
    .values([
      { id: 501, account_id: 9001, account_login: "acme", account_type: "Organization", repository_selection: "all", permissions: "{}", events: "[]", suspended_at: null, deleted_at: null, updated_at: at },
      { id: 502, account_id: 9002, account_login: "rival", account_type: "Organization", repository_selection: "all", permissions: "{}", events: "[]", suspended_at: null, deleted_at: null, updated_at: at },
    ])
    .execute();
  await database.db
    .insertInto("repositories")
    .values([REPO(11, "acme", "site", false, 501), REPO(12, "acme", "vault", true, 501), REPO(13, "acme", "ops", true, 501), REPO(21, "rival", "secret", true, 502)])
    .execute();
  // Dana once worked in acme/ops (past activity): that alone must not open it to her.
  await database.db
    .insertInto("people")
    .values({ id: 7001, login: "dana", type: "User", is_bot: false, is_ghost: false, name: null, previous_logins: "[]", seen_at: at })
    .execute();
  await database.db
    .insertInto("issues")
    .values({ id: 1, repository_id: 13, number: 1, title: "x", body: "", html_url: "", state: "open", state_reason: null, author_id: 7001, author_association: "MEMBER", labels: "[]", created_at: at, updated_at: at, closed_at: null })
    .execute();
  await database.db
    .insertInto("contributions")
    .values(
      [
        [11, "acme/site", false, "Public docs page"],
        [12, "acme/vault", true, "Vault rotation runbook"],
        [13, "acme/ops", true, "Ops pager runbook"],
      ].map(([repoId, name, isPrivate, title], n) => ({
        key: `c${n}`,
        kind: "runbook",
        person_id: 7001,
        person_login: "dana",
        repository_id: repoId as number,
        repository_full_name: name as string,
        repository_private: isPrivate as boolean,
        subject_type: "pull_request",
        subject_id: String(n),
        subject_title: title as string,
        subject_url: `https://github.com/${name as string}/pull/${n + 1}`,
        occurred_at: "2026-08-10T00:00:00Z",
        score: 70,
        confidence: 0.9,
        level: null,
        dynamics: "compounding",
        evidence: "[]",
        formula: JSON.stringify({ friction: "", change: "", improvement: "", beneficiaries: [], proof: [] }),
        detail: "{}",
        detector: "change-kind",
        detector_version: 1,
        source_key: `pr:${repoId as number}:${n + 1}`,
        computed_at: at,
      })),
    )
    .execute();
  acme = await resolveTenant(database.db, { org: "acme" });
});
afterAll(async () => {
  await database?.drop();
});
nockStrict({ beforeEach, afterEach }, (pending) => expect(pending, "every mocked GitHub call was made").toEqual([]));

const asked: number[] = [];
function client(): GitHubClientFactory {
  const gh = new ProbotOctokit({ auth: { token: "t" }, retry: { enabled: false }, throttle: { enabled: false } }) as GitHub;
  return async (installationId) => (asked.push(installationId), gh);
}
const permission = (repo: string, login: string) => nock(API).get(`/repos/acme/${repo}/collaborators/${login}/permission`);
const names = (r: { readable: { fullName: string }[] }) => r.readable.map((x) => x.fullName);

describe("readableRepositories", () => {
  it("includes the private repositories GitHub says the reader can read now, not those they once worked in", async () => {
    permission("vault", "dana").reply(200, { permission: "read", role_name: "triage" });
    permission("ops", "dana").reply(200, { permission: "none", role_name: "none" });
    asked.length = 0;
    const r = await readableRepositories({ db: database.db, clients: client(), now: () => T0 }, acme, "dana");
    expect(names(r)).toEqual(["acme/site", "acme/vault"]);
    expect(r.unchecked).toBe(0);
    // Only the reader's organisation is asked about, with its own installation's client.
    expect(asked).toEqual([501]);
  });

  it("treats 404 (no such user or no access) as no access", async () => {
    permission("vault", "stranger").reply(404, { message: "Not Found" });
    permission("ops", "stranger").reply(200, { permission: "admin" });
    const r = await readableRepositories({ db: database.db, clients: client(), now: () => T0 }, acme, "@stranger");
    expect(names(r)).toEqual(["acme/site", "acme/ops"]);
  });

  it("fails closed on API errors and malformed answers, and says so without naming the repositories", async () => {
    permission("vault", "erin").reply(502, { message: "Bad Gateway" });
    permission("ops", "erin").reply(200, { permissions: { pull: true } });
    const r = await readableRepositories({ db: database.db, clients: client(), now: () => T0 }, acme, "erin");
    expect(names(r)).toEqual(["acme/site"]);
    expect(r.unchecked).toBe(2);
    expect(r.problems.join(" ")).toMatch(/did not answer the access check \(502\)/);
    expect(r.problems.join(" ")).toMatch(/without a permission/);
    expect(r.problems.join(" ")).not.toMatch(/vault|ops/);
  });

  it("fails closed without credentials", async () => {
    const r = await readableRepositories({ db: database.db, clients: async () => null, now: () => T0 }, acme, "dana");
    expect(names(r)).toEqual(["acme/site"]);
    expect(r).toMatchObject({ unchecked: 2, problems: [expect.stringContaining("no GitHub credentials")] });
  });

  it("caches GitHub's answers for five minutes, never its failures", async () => {
    const cache = new ReaderAccessCache();
    permission("vault", "fay").reply(200, { permission: "write" });
    permission("ops", "fay").reply(500, {});
    let now = T0;
    const deps = { db: database.db, clients: client(), now: () => now, cache };
    expect(names(await readableRepositories(deps, acme, "fay"))).toEqual(["acme/site", "acme/vault"]);
    // Within five minutes: the answer is reused; the failure is asked again.
    permission("ops", "fay").reply(200, { permission: "read" });
    now = new Date(T0.getTime() + 4 * 60_000);
    expect(names(await readableRepositories(deps, acme, "FAY"))).toEqual(["acme/site", "acme/ops", "acme/vault"]);
    // After five minutes, GitHub is asked again (access may have been revoked).
    permission("vault", "fay").reply(200, { permission: "none" });
    permission("ops", "fay").reply(200, { permission: "none" });
    now = new Date(T0.getTime() + 10 * 60_000);
    expect(names(await readableRepositories(deps, acme, "fay"))).toEqual(["acme/site"]);
  });

  it.each(["dana'; drop table people; --", "%", "a_b", "-dana", "x".repeat(40), "", "dana/../admin"])("refuses %j as a login, asking nothing", async (login) => {
    await expect(readableRepositories({ db: database.db, clients: client(), now: () => T0 }, acme, login)).rejects.toBeInstanceOf(ReaderAccessError);
  });

  it("a report for a reader says what could not be checked", async () => {
    const period = parsePeriod({ quarter: "2026Q3", from: null, to: null }, T0);
    if (!period.ok) throw new Error(period.error);
    permission("vault", "dana").reply(200, { permission: "read" });
    permission("ops", "dana").reply(503, {});
    const report = await personReport(database.db, "dana", period.period, { kind: "reader", login: "dana" }, T0, { tenant: { org: "acme" }, clients: client() });
    const titles = report.categories.flatMap((c) => c.items.map((i) => i.title));
    expect(titles.sort()).toEqual(["Public docs page", "Vault rotation runbook"]);
    expect(report.coverage.note).toMatch(/^GitHub could not be asked whether @dana can read 1 private repository \(.*503.*\), so it is left out\.$/);
    expect(report.coverage.description).toContain(report.coverage.note!);
  });
});
