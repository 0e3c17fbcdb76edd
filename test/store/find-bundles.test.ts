import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PullRequestBundle } from "../../src/core/facts.js";
import { findIssueBundle, findPullRequestBundle } from "../../src/store/find-bundles.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";
import { issueCommentRow, issueRow, pullRequestRow, reviewCommentRow, reviewRow } from "./fact-rows.js";

let database: TestDatabase;
const REPO = 600;
const OTHER_REPO = 601;
const ALICE = { id: 1, login: "alice" };
const BOB = { id: 2, login: "bob" };
const CAROL = { id: 3, login: "carol" };
const DEPENDABOT = { id: 4, login: "dependabot[bot]" };
const DAVE = { id: 5, login: "dave" };
const EVE = { id: 6, login: "eve" };
const WINDOWS = { ciDaysBefore: 30, ciDaysAfter: 7 };

const ref = (p: { id: number; login: string }, isBot = false) => ({ id: p.id, login: p.login, isBot });

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  const seen = "2026-01-01T00:00:00Z";
  await db
    .insertInto("repositories")
    .values([REPO, OTHER_REPO].map((id) => ({ id, installation_id: 1, owner_login: "acme", name: `web-${id}`, full_name: `acme/web-${id}`, private: true, default_branch: "main", html_url: `https://github.com/acme/web-${id}`, archived: false, removed_at: null, updated_at: seen })))
    .execute();
  await db
    .insertInto("people")
    .values([ALICE, BOB, CAROL, DEPENDABOT, DAVE, EVE].map((p) => ({ ...p, type: p === DEPENDABOT ? "Bot" : "User", is_bot: p === DEPENDABOT, is_ghost: false, name: null, previous_logins: "[]", seen_at: seen })))
    .execute();
  await db.insertInto("person_emails").values({ email: "carol@acme.dev", person_id: CAROL.id, seen_at: seen }).execute();

  const pr = (number: number, author: number, created: string, merged: string | null, body = "", repositoryId = REPO) =>
    pullRequestRow({
    id: 10_000 + number + repositoryId * 1000,
    repository_id: repositoryId,
    number,
    title: `PR ${number}`,
    body,
    state: merged ? "closed" : "open",
    merged: merged !== null,
    merged_at: merged,
    merged_by_id: merged ? BOB.id : null,
    author_id: author,
    labels: "[]",
    additions: 10,
    deletions: 2,
    changed_files: 2,
    commit_count: 2,
    head_sha: `h${number}`,
    created_at: created,
    closed_at: merged,
    updated_at: merged ?? created,
    });
  await db
    .insertInto("pull_requests")
    .values([
      pr(20, ALICE.id, "2026-03-10T09:00:00Z", "2026-03-12T09:00:00Z", "Fixes #12 and closes #13. Mentions #14 without a keyword. A prefix #15 is no keyword either. Fixes #99 (not an issue here)."),
      pr(5, ALICE.id, "2026-01-25T09:00:00Z", "2026-02-01T09:00:00Z"),
      pr(6, ALICE.id, "2026-02-20T09:00:00Z", "2026-03-01T09:00:00Z"),
      pr(7, ALICE.id, "2026-02-21T09:00:00Z", null),
      pr(8, ALICE.id, "2026-03-09T09:00:00Z", "2026-03-11T09:00:00Z"), // merged after #20 was opened: not "before"
      pr(9, BOB.id, "2026-01-10T09:00:00Z", "2026-01-15T09:00:00Z"),
      pr(21, DAVE.id, "2026-03-06T09:00:00Z", null, "Resolves: #12"),
      pr(22, DAVE.id, "2026-03-07T09:00:00Z", null, "Adds a prefix #12 to the log lines"),
      pr(23, DAVE.id, "2026-03-07T09:00:00Z", null, "fixes #123"),
      pr(24, DAVE.id, "2026-03-07T09:00:00Z", null, "Fixes #12", OTHER_REPO),
      pr(30, ALICE.id, "2026-01-01T09:00:00Z", "2026-01-02T09:00:00Z", "", OTHER_REPO), // another repository: not a merged PR here, but her first activity
    ])
    .execute();
  const file = (prNumber: number, path: string, repositoryId = REPO) => ({ repository_id: repositoryId, pr_number: prNumber, path, status: "modified", additions: 1, deletions: 1, patch: "@@" });
  await db
    .insertInto("pull_request_files")
    .values([file(20, "src/auth/login.ts"), file(20, "docs/readme.md"), file(5, "src/auth/login.ts"), file(6, "src/other.ts"), file(8, "src/auth/login.ts"), file(9, "src/auth/login.ts"), file(30, "src/auth/login.ts", OTHER_REPO)])
    .execute();

  await db
    .insertInto("commits")
    .values([
      {
        repository_id: REPO,
        sha: "c1",
        message: "Fix login",
        authored_at: "2026-03-10T08:00:00Z",
        author_id: ALICE.id,
        author_name: "Alice",
        author_email: "alice@acme.dev",
        co_authors: JSON.stringify([
          { name: "Bob", email: "2+bob@users.noreply.github.com", noreplyId: 2, noreplyLogin: "bob" },
          { name: "Carol", email: "carol@acme.dev", noreplyId: null, noreplyLogin: null },
          { name: "Zed", email: "9999+zed@users.noreply.github.com", noreplyId: 9999, noreplyLogin: "zed" },
          { name: "Stranger", email: "someone@elsewhere.org", noreplyId: null, noreplyLogin: null },
        ]),
      },
      { repository_id: REPO, sha: "c2", message: "Tidy", authored_at: "2026-03-10T08:30:00Z", author_id: null, author_name: "Unknown", author_email: "x@y.z", co_authors: "[]" },
      { repository_id: REPO, sha: "c3", message: "Not in this PR", authored_at: "2026-03-10T08:30:00Z", author_id: ALICE.id, author_name: "Alice", author_email: "alice@acme.dev", co_authors: "[]" },
    ])
    .execute();
  await db.insertInto("pull_request_commits").values([{ repository_id: REPO, pr_number: 20, sha: "c1" }, { repository_id: REPO, pr_number: 20, sha: "c2" }]).execute();

  await db
    .insertInto("reviews")
    .values([
      reviewRow({ id: 501, repository_id: REPO, pr_number: 20, reviewer_id: BOB.id, state: "CHANGES_REQUESTED", body: "Needs a test", commit_id: "x", submitted_at: "2026-03-10T12:00:00Z", updated_at: "2026-03-10T12:00:00Z" }),
      reviewRow({ id: 502, repository_id: REPO, pr_number: 20, reviewer_id: BOB.id, state: "APPROVED", body: "", commit_id: "y", submitted_at: "2026-03-11T12:00:00Z", updated_at: "2026-03-11T12:00:00Z" }),
      reviewRow({ id: 503, repository_id: REPO, pr_number: 5, reviewer_id: BOB.id, state: "APPROVED", body: "", commit_id: "y", submitted_at: "2026-01-26T12:00:00Z", updated_at: "2026-01-26T12:00:00Z" }),
    ])
    .execute();
  const rc = (id: number, prNumber: number, author: number, created: string, extra: Partial<{ in_reply_to_id: number; deleted_at: string; line: number | null; original_line: number }> = {}) =>
    reviewCommentRow({
    id,
    repository_id: REPO,
    pr_number: prNumber,
    review_id: 501,
    author_id: author,
    path: "src/auth/login.ts",
    line: 10,
    original_line: 10,
    body: `comment ${id}`,
    created_at: created,
    updated_at: created,
    ...extra,
    });
  await db
    .insertInto("review_comments")
    .values([
      rc(601, 20, CAROL.id, "2026-03-10T12:00:00Z", { line: null, original_line: 10 }),
      rc(602, 20, ALICE.id, "2026-03-10T13:00:00Z", { in_reply_to_id: 601 }),
      rc(603, 20, CAROL.id, "2026-03-10T14:00:00Z", { deleted_at: "2026-03-10T15:00:00Z" }),
      rc(604, 5, CAROL.id, "2026-01-20T09:00:00Z"),
    ])
    .execute();
  await db
    .insertInto("review_threads")
    .values({ node_id: "PRRT_1", repository_id: REPO, pr_number: 20, path: "src/auth/login.ts", is_resolved: true, is_outdated: true, resolved_by_login: "alice", comment_ids: "[601, 602]", updated_at: "2026-03-11T00:00:00Z" })
    .execute();

  const ic = (id: number, issueNumber: number, author: number, created: string, isPr = false, deleted: string | null = null) =>
    issueCommentRow({
    id,
    repository_id: REPO,
    issue_number: issueNumber,
    is_pull_request: isPr,
    author_id: author,
    body: `issue comment ${id}`,
    html_url: `https://github.com/acme/web-600/issues/${issueNumber}#issuecomment-${id}`,
    created_at: created,
    updated_at: created,
    deleted_at: deleted,
    });
  await db
    .insertInto("issue_comments")
    .values([
      ic(701, 20, DEPENDABOT.id, "2026-03-10T10:00:00Z", true),
      ic(702, 20, DAVE.id, "2026-03-10T11:00:00Z", true, "2026-03-10T11:30:00Z"),
      ic(711, 12, CAROL.id, "2026-03-02T10:00:00Z"),
      ic(712, 12, DAVE.id, "2026-03-02T11:00:00Z"),
      ic(713, 12, BOB.id, "2026-03-02T12:00:00Z", false, "2026-03-02T13:00:00Z"),
      ic(721, 13, EVE.id, "2026-02-20T10:00:00Z"),
      ic(722, 13, CAROL.id, "2026-02-20T11:00:00Z"),
      ic(723, 13, BOB.id, "2026-02-20T12:00:00Z"),
      ic(724, 13, CAROL.id, "2026-02-20T13:00:00Z"),
    ])
    .execute();

  const issue = (number: number, author: number, created: string, updated: string, labels: string[], state = "open") =>
    issueRow({
    id: 20_000 + number,
    repository_id: REPO,
    number,
    title: `Issue ${number}`,
    body: `body ${number}`,
    html_url: `https://github.com/acme/web-600/issues/${number}`,
    state,
    author_id: author,
    labels: JSON.stringify(labels),
    created_at: created,
    updated_at: updated,
    });
  await db
    .insertInto("issues")
    .values([
      issue(12, DAVE.id, "2026-03-01T09:00:00Z", "2026-03-13T09:00:00Z", ["bug", "auth"]),
      issue(13, EVE.id, "2026-02-20T09:00:00Z", "2026-02-21T09:00:00Z", [], "closed"),
      issue(14, EVE.id, "2025-10-01T09:00:00Z", "2025-10-02T09:00:00Z", ["question"]),
      issue(15, EVE.id, "2026-03-05T09:00:00Z", "2026-03-05T09:00:00Z", []),
      issue(16, EVE.id, "2026-03-20T09:00:00Z", "2026-03-20T09:00:00Z", []), // after #12's last update
    ])
    .execute();
  const act = (deliveryId: string, action: string, actor: number, at: string, extra: Partial<{ body_before: string; body_after: string; label: string; title_before: string }> = {}) => ({
    delivery_id: deliveryId,
    repository_id: REPO,
    issue_number: 12,
    actor_id: actor,
    action,
    at,
    ...extra,
  });
  await db
    .insertInto("issue_activity")
    .values([
      act("a3", "edited", DAVE.id, "2026-03-03T09:00:00Z", { body_before: "It breaks", body_after: "It breaks when the session expires" }),
      act("a1", "labeled", BOB.id, "2026-03-02T09:00:00Z", { label: "bug" }),
      act("a4", "closed", ALICE.id, "2026-03-12T09:00:00Z"),
      act("a5", "reopened", DAVE.id, "2026-03-13T09:00:00Z"),
    ])
    .execute();

  const check = (id: number, name: string, sha: string, started: string, status: string, conclusion: string | null) => ({
    id,
    repository_id: REPO,
    name,
    head_sha: sha,
    head_branch: "fix-login",
    status,
    conclusion,
    app_slug: "github-actions",
    started_at: started,
    completed_at: status === "completed" ? started.replace(":00Z", ":30Z") : null,
    updated_at: started,
  });
  await db
    .insertInto("check_runs")
    .values([
      check(903, "test", "h20", "2026-03-10T10:20:00Z", "completed", "success"),
      check(901, "test", "h20", "2026-03-10T10:00:00Z", "completed", "failure"),
      check(902, "test", "h20", "2026-03-10T10:10:00Z", "completed", "failure"),
      check(904, "lint", "h20", "2026-03-10T10:05:00Z", "completed", "success"),
      check(905, "test", "h5", "2026-03-10T10:15:00Z", "completed", "success"),
      check(906, "test", "h20", "2026-03-10T10:30:00Z", "in_progress", null),
      check(907, "test", "h20", "2026-01-05T10:00:00Z", "completed", "failure"), // before the window (30 days before 03-10)
      check(908, "test", "h20", "2026-03-25T10:00:00Z", "completed", "failure"), // after it (7 days after 03-12)
    ])
    .execute();
  const wf = (attempt: number, conclusion: string, created: string) => ({
    id: 77,
    run_attempt: attempt,
    repository_id: REPO,
    workflow_id: 5,
    name: "CI",
    path: ".github/workflows/ci.yml",
    head_sha: "h20",
    head_branch: "fix-login",
    event: "pull_request",
    status: "completed",
    conclusion,
    run_number: 40,
    run_started_at: created,
    created_at: "2026-03-10T11:00:00Z",
    updated_at: created.replace("00Z", "30Z"),
  });
  await db.insertInto("workflow_runs").values([wf(1, "failure", "2026-03-10T11:00:00Z"), wf(2, "success", "2026-03-10T11:20:00Z")]).execute();
});
afterAll(async () => {
  await database?.drop();
});

describe("findPullRequestBundle", () => {
  let b: PullRequestBundle;
  beforeAll(async () => {
    const found = await findPullRequestBundle(database.db, REPO, 20, WINDOWS);
    if (!found) throw new Error("no bundle for PR 20");
    b = found;
  });

  it("returns null for a pull request or repository it does not know", async () => {
    expect(await findPullRequestBundle(database.db, REPO, 404, WINDOWS)).toBeNull();
    expect(await findPullRequestBundle(database.db, 999, 20, WINDOWS)).toBeNull();
  });

  it("carries the pull request, its files, and its commits with co-authors mapped to accounts", () => {
    expect(b.repository).toEqual({ id: REPO, fullName: "acme/web-600", private: true, defaultBranch: "main", htmlUrl: "https://github.com/acme/web-600" });
    expect(b.pullRequest).toMatchObject({ number: 20, state: "closed", merged: true, author: ref(ALICE), mergedBy: ref(BOB), mergedAt: "2026-03-12T09:00:00.000Z" });
    expect(b.files.map((f) => f.path)).toEqual(["docs/readme.md", "src/auth/login.ts"]);
    expect(b.commits.map((c) => [c.sha, c.author?.login ?? null])).toEqual([
      ["c1", "alice"],
      ["c2", null],
    ]);
    expect(b.commits[0]!.coAuthors).toEqual([
      { name: "Bob", email: "2+bob@users.noreply.github.com", person: ref(BOB) },
      { name: "Carol", email: "carol@acme.dev", person: ref(CAROL) },
      { name: "Zed", email: "9999+zed@users.noreply.github.com", person: { id: 9999, login: "zed", isBot: false } },
      { name: "Stranger", email: "someone@elsewhere.org", person: null },
    ]);
  });

  it("carries reviews, live review comments with their thread's state, and live issue comments", () => {
    expect(b.reviews.map((r) => [r.id, r.state, r.reviewer.login])).toEqual([
      [501, "CHANGES_REQUESTED", "bob"],
      [502, "APPROVED", "bob"],
    ]);
    expect(b.reviewComments.map((c) => [c.id, c.author.login, c.line, c.outdated, c.threadResolved])).toEqual([
      [601, "carol", 10, true, true],
      [602, "alice", 10, true, true],
    ]);
    expect(b.issueComments.map((c) => [c.id, c.author])).toEqual([[701, ref(DEPENDABOT, true)]]);
  });

  it("includes the completed CI runs in the window, check runs numbered by attempt per name and sha", () => {
    expect(b.ciRuns.map((r) => [r.source, r.id, r.name, r.headSha, r.attempt, r.conclusion])).toEqual([
      ["check_run", 901, "test", "h20", 1, "failure"],
      ["check_run", 904, "lint", "h20", 1, "success"],
      ["check_run", 902, "test", "h20", 2, "failure"],
      ["check_run", 905, "test", "h5", 1, "success"],
      ["check_run", 903, "test", "h20", 3, "success"],
      ["workflow_run", 77, "CI", "h20", 1, "failure"],
      ["workflow_run", 77, "CI", "h20", 2, "success"],
    ]);
    expect(b.ciRuns.find((r) => r.source === "workflow_run" && r.attempt === 2)).toMatchObject({ startedAt: "2026-03-10T11:20:00.000Z", event: "pull_request" });
  });

  it("includes each participant's history before the pull request was opened, co-authors included", () => {
    expect(Object.keys(b.histories).sort()).toEqual(["1", "2", "3", "4", "9999"]);
    // Zed is known only from a noreply co-author trailer: a history with nothing in it.
    expect(b.histories["9999"]).toMatchObject({ mergedPullRequestsBefore: 0, firstSeenAt: null, priorChangesToSamePaths: 0 });
    // Merged PRs count in this repository only; first activity counts across the organisation (PR #30 elsewhere).
    expect(b.histories["1"]).toEqual({ person: ref(ALICE), mergedPullRequestsBefore: 2, firstSeenAt: "2026-01-01T09:00:00.000Z", priorChangesToSamePaths: 1 });
    expect(b.histories["2"]).toEqual({ person: ref(BOB), mergedPullRequestsBefore: 1, firstSeenAt: "2026-01-10T09:00:00.000Z", priorChangesToSamePaths: 1 });
    expect(b.histories["3"]).toEqual({ person: ref(CAROL), mergedPullRequestsBefore: 0, firstSeenAt: "2026-01-20T09:00:00.000Z", priorChangesToSamePaths: 0 });
    expect(b.histories["4"]).toEqual({ person: ref(DEPENDABOT, true), mergedPullRequestsBefore: 0, firstSeenAt: null, priorChangesToSamePaths: 0 });
  });

  it("links the issues its body closes (Fixes #12, closes #13), and no others", () => {
    expect([...b.linkedIssues].sort((x, y) => x.number - y.number)).toEqual([
      { number: 12, title: "Issue 12", labels: ["bug", "auth"] },
      { number: 13, title: "Issue 13", labels: [] },
    ]);
  });
});

describe("findIssueBundle", () => {
  it("returns null for an issue it does not know", async () => {
    expect(await findIssueBundle(database.db, REPO, 404)).toBeNull();
  });

  it("carries the issue, its live comments and its activity in time order", async () => {
    const b = await findIssueBundle(database.db, REPO, 12);
    expect(b?.issue).toMatchObject({ number: 12, author: ref(DAVE), labels: ["bug", "auth"], reopenedCount: 1, state: "open" });
    expect(b?.comments.map((c) => [c.id, c.author.login])).toEqual([
      [711, "carol"],
      [712, "dave"],
    ]);
    expect(b?.activity.map((a) => [a.action, a.actor.login, a.at])).toEqual([
      ["labeled", "bob", "2026-03-02T09:00:00.000Z"],
      ["edited", "dave", "2026-03-03T09:00:00.000Z"],
      ["closed", "alice", "2026-03-12T09:00:00.000Z"],
      ["reopened", "dave", "2026-03-13T09:00:00.000Z"],
    ]);
    expect(b?.activity[0]).toMatchObject({ label: "bug" });
    expect(b?.activity[1]).toMatchObject({ bodyBefore: "It breaks", bodyAfter: "It breaks when the session expires" });
  });

  it("links the pull requests that close it, in this repository only, by keyword and whole number", async () => {
    const b = await findIssueBundle(database.db, REPO, 12);
    expect(b?.linkedPullRequests.map((p) => [p.number, p.author.login, p.mergedAt]).sort()).toEqual([
      [20, "alice", "2026-03-12T09:00:00.000Z"],
      [21, "dave", null],
    ]);
  });

  it("lists recent other issues with who answered them (not their own authors, each once)", async () => {
    const b = await findIssueBundle(database.db, REPO, 12);
    const similar = [...(b?.recentSimilar ?? [])].sort((x, y) => x.number - y.number);
    expect(similar.map((s) => [s.number, s.answeredBy.map((p) => p.login).sort()])).toEqual([
      [13, ["bob", "carol"]],
      [15, []],
    ]);
  });
});
