/**
 * Webhook variants (edited copies of real payloads) through the whole path:
 * signed HTTP POST → durable inbox → worker → normalised rows.
 */
import { describe, expect, it } from "vitest";
import { recordedClientFactory, type GitHubClientFactory } from "../../src/github/clients.js";
import { GHOST_ID } from "../../src/github/normalise-delivery.js";
import { fixture } from "../fixtures/webhooks/load.js";
import { example, examplesOf } from "../helpers/examples.js";
import { useHarness, type Harness } from "../helpers/harness.js";
import type { TestDatabase } from "../helpers/test-database.js";

let database: TestDatabase;
let h: Harness;
const REPO = 186853002; // Codertocat/Hello-World, as in the examples
const CODERTOCAT = 21031067;

useHarness((d, x) => ((database = d), (h = x)));

const o = (v: unknown) => v as Record<string, unknown>;

/** Posts each delivery over HTTP (expecting 200), drains the queue, and checks none failed. */
async function deliver(items: [event: string, payload: Record<string, unknown>][], clients?: GitHubClientFactory): Promise<void> {
  const ids: string[] = [];
  for (const [event, payload] of items) {
    const id = `v-${ids.length}-${Math.random().toString(36).slice(2)}`;
    const res = await h.post(event, payload, { id });
    expect(res.status, `${event}.${String(payload.action)}`).toBe(200);
    ids.push(id);
  }
  await h.drain(clients);
  const rows = await database.db.selectFrom("deliveries").select(["id", "event", "status", "last_error"]).where("id", "in", ids).execute();
  expect(rows.filter((r) => r.status !== "processed")).toEqual([]);
  expect(rows).toHaveLength(ids.length);
}

const pr = (number: number) => database.db.selectFrom("pull_requests").selectAll().where("repository_id", "=", REPO).where("number", "=", number).executeTakeFirstOrThrow();
const person = (id: number) => database.db.selectFrom("people").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

describe("pull requests and reviews", () => {
  it("a merged pull request becomes a merged row and is enriched by the enrich-pull-request job", async () => {
    // The worker's GitHub client answers only these recorded calls (anything else is a 404).
    const clients = recordedClientFactory([
      {
        method: "POST",
        path: "/graphql",
        variables: { owner: "Codertocat", name: "Hello-World", number: 2, threads: null, commits: null },
        status: 200,
        body: {
          data: {
            repository: {
              pullRequest: {
                reviewThreads: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] },
                commits: {
                  pageInfo: { hasNextPage: false, endCursor: null },
                  nodes: [{ commit: { oid: "ec26c3e57ca3a959ca5aad62de7213c562f8c821", message: "Update README.md", authoredDate: "2019-05-15T15:20:30Z", author: { name: "Codertocat", email: "21031067+Codertocat@users.noreply.github.com", user: { databaseId: CODERTOCAT, login: "Codertocat" } } } }],
                },
              },
            },
          },
        },
      },
      {
        method: "GET",
        path: "/repos/Codertocat/Hello-World/pulls/2/files?per_page=100&page=1",
        status: 200,
        body: [{ filename: "README.md", status: "modified", additions: 1, deletions: 1, patch: "@@ -1 +1 @@\n-# Hello-World\n+# Hello World" }],
      },
    ]);
    const asked: number[] = [];
    const spy: GitHubClientFactory = (id) => (asked.push(id), clients(id));
    await deliver([["pull_request", example("pull_request", "opened")], ["pull_request", fixture("pull_request.closed-merged")]], spy);
    const row = await pr(2);
    expect(row).toMatchObject({
      id: 279147437,
      state: "closed",
      merged: true,
      merged_at: "2019-05-15T15:21:18.000Z",
      merged_by_id: CODERTOCAT,
      author_id: CODERTOCAT,
      additions: 1,
      commit_count: 1,
      closed_at: "2019-05-15T15:21:18.000Z",
    });
    expect(row.body).toContain("Fixes #1");
    // The job ran, for the installation in the payload, and wrote what the API answered.
    expect(asked).toContain(1);
    expect(row.enriched_at).not.toBeNull();
    expect(await database.db.selectFrom("pull_request_files").select(["path", "additions"]).where("repository_id", "=", REPO).where("pr_number", "=", 2).execute()).toEqual([
      { path: "README.md", additions: 1 },
    ]);
    expect(await database.db.selectFrom("pull_request_commits").select("sha").where("pr_number", "=", 2).execute()).toEqual([{ sha: "ec26c3e57ca3a959ca5aad62de7213c562f8c821" }]);
  });

  it("an approving review and a changes-requested review keep their states, and do not zero the pull request's size", async () => {
    await deliver([
      ["pull_request_review", fixture("pull_request_review.submitted-approved")],
      ["pull_request_review", fixture("pull_request_review.submitted-changes-requested")],
      ["pull_request_review_comment", example("pull_request_review_comment", "created")],
    ]);
    const reviews = await database.db.selectFrom("reviews").select(["id", "state", "reviewer_id", "body", "submitted_at"]).where("pr_number", "=", 2).orderBy("id").execute();
    expect(reviews).toEqual([
      { id: 237895672, state: "APPROVED", reviewer_id: 583231, body: "Looks good to me.", submitted_at: "2019-05-15T15:20:40.000Z" },
      { id: 237895673, state: "CHANGES_REQUESTED", reviewer_id: 480938, body: "Please add a test for the empty case before this goes in.", submitted_at: "2019-05-15T15:20:42.000Z" },
    ]);
    expect((await person(583231)).login).toBe("octocat");
    // The nested pull request in review payloads has no size or merge fields: what the full payload said stands.
    expect(await pr(2)).toMatchObject({ additions: 1, deletions: 1, changed_files: 1, commit_count: 1, merged: true, merged_by_id: CODERTOCAT });
  });

  it("a dismissed review becomes DISMISSED", async () => {
    const dismissed = examplesOf("pull_request_review").find((p) => p.action === "dismissed")!;
    o(dismissed.review).id = 237895672; // the approval above, dismissed
    await deliver([["pull_request_review", dismissed]]);
    expect((await database.db.selectFrom("reviews").select("state").where("id", "=", 237895672).executeTakeFirstOrThrow()).state).toBe("DISMISSED");
  });

  it("a bot author is a bot", async () => {
    await deliver([["pull_request", fixture("pull_request.opened-bot")]]);
    expect(await person(49699333)).toMatchObject({ login: "dependabot[bot]", type: "Bot", is_bot: true, is_ghost: false });
    expect((await pr(3)).author_id).toBe(49699333);
  });

  it("review threads resolve and unresolve", async () => {
    const threads = examplesOf("pull_request_review_thread");
    const thread = () => database.db.selectFrom("review_threads").selectAll().where("node_id", "=", "PRRT_kwDOFd42Pc4rQOUv").executeTakeFirstOrThrow();
    await deliver([["pull_request_review_thread", threads[1]!]]);
    expect(await thread()).toMatchObject({ is_resolved: true, resolved_by_login: "Codertocat", comment_ids: [284312630], path: "README.md", pr_number: 2 });
    await deliver([["pull_request_review_thread", threads[2]!]]);
    expect(await thread()).toMatchObject({ is_resolved: false, resolved_by_login: null, comment_ids: [284312630] });
  });
});

describe("people who are not ordinary accounts", () => {
  it("a comment by the deleted-account ghost and an issue whose user is null are stored, the ghost flagged", async () => {
    await deliver([["issue_comment", fixture("issue_comment.created-ghost")], ["issues", fixture("issues.opened-deleted-user")]]);
    expect(await person(GHOST_ID)).toMatchObject({ login: "ghost", is_ghost: true, is_bot: false });
    const c = await database.db.selectFrom("issue_comments").select(["author_id"]).where("id", "=", 492700401).executeTakeFirstOrThrow();
    expect(c.author_id).toBe(GHOST_ID);
    const issue = await database.db.selectFrom("issues").select(["author_id", "title"]).where("repository_id", "=", REPO).where("number", "=", 5).executeTakeFirstOrThrow();
    expect(issue).toEqual({ author_id: null, title: "Written by an account that was since deleted" });
  });
});

describe("commits, issues, comments and CI", () => {
  it("a push stores its commits with parsed Co-authored-by trailers", async () => {
    await deliver([["push", fixture("push.co-authored")]]);
    const c = await database.db.selectFrom("commits").selectAll().where("sha", "=", "a10867b14bb761a232cd80139fbd4c0d33264240").executeTakeFirstOrThrow();
    expect(c.co_authors).toEqual([
      { name: "The Octocat", email: "583231+octocat@users.noreply.github.com", noreplyId: 583231, noreplyLogin: "octocat" },
      { name: "Hubot", email: "hubot@users.noreply.github.com", noreplyId: null, noreplyLogin: "hubot" },
      { name: "Jane Doe", email: "jane.doe@example.com", noreplyId: null, noreplyLogin: null },
      { name: "Claude", email: "noreply@anthropic.com", noreplyId: null, noreplyLogin: null },
    ]);
    expect(c).toMatchObject({ repository_id: REPO, author_email: "21031067+codertocat@users.noreply.github.com", authored_at: "2019-05-15T15:40:00.000Z" });
    const push = await database.db.selectFrom("pushes").selectAll().where("after_sha", "=", "a10867b14bb761a232cd80139fbd4c0d33264240").executeTakeFirstOrThrow();
    expect(push).toMatchObject({ ref: "refs/heads/master", commit_shas: ["a10867b14bb761a232cd80139fbd4c0d33264240"], forced: false });
  });

  it("an edited issue body is recorded as activity with the body before and after", async () => {
    await deliver([["issues", example("issues", "opened")]]);
    await deliver([["issues", fixture("issues.edited-body")]]);
    const activity = await database.db.selectFrom("issue_activity").selectAll().where("repository_id", "=", REPO).where("issue_number", "=", 1).where("action", "=", "edited").execute();
    expect(activity).toHaveLength(1);
    expect(activity[0]).toMatchObject({
      actor_id: CODERTOCAT,
      body_before: "It looks like you accidently spelled 'commit' with two 't's.",
      body_after: "It looks like you accidentally spelled 'commit' with two 't's.\n\nSteps to reproduce: open README.md, line 1.",
      at: "2019-05-15T15:30:00.000Z",
    });
    const issue = await database.db.selectFrom("issues").select(["body", "updated_at"]).where("repository_id", "=", REPO).where("number", "=", 1).executeTakeFirstOrThrow();
    expect(issue).toEqual({ body: activity[0]!.body_after, updated_at: "2019-05-15T15:30:00.000Z" });
  });

  it("a deleted issue comment keeps its row with deleted_at set", async () => {
    const created = examplesOf("issue_comment")[3]!;
    await deliver([["issue_comment", created]]);
    const row = () => database.db.selectFrom("issue_comments").select(["body", "deleted_at"]).where("id", "=", 492700400).executeTakeFirstOrThrow();
    expect((await row()).deleted_at).toBeNull();
    await deliver([["issue_comment", example("issue_comment", "deleted")]]);
    const after = await row();
    expect(after.deleted_at).not.toBeNull();
    expect(after.body).toContain("You are totally right!");
    // A late, older "created" delivery does not bring it back.
    await deliver([["issue_comment", examplesOf("issue_comment")[3]!]]);
    expect((await row()).deleted_at).toBe(after.deleted_at);
  });

  it("a re-run workflow keeps one row per (id, attempt)", async () => {
    await deliver([["workflow_run", fixture("workflow_run.completed-failure")], ["workflow_run", fixture("workflow_run.completed-attempt-2")]]);
    const runs = await database.db.selectFrom("workflow_runs").select(["id", "run_attempt", "status", "conclusion", "head_sha"]).where("id", "=", 289782451).orderBy("run_attempt").execute();
    expect(runs).toEqual([
      { id: 289782451, run_attempt: 1, status: "completed", conclusion: "failure", head_sha: "3484a3fb816e0859fd6e1cea078d76385ff50625" },
      { id: 289782451, run_attempt: 2, status: "completed", conclusion: "success", head_sha: "3484a3fb816e0859fd6e1cea078d76385ff50625" },
    ]);
  });

  it("a check run moves from in_progress to completed, and a late in_progress never undoes completed", async () => {
    const run = (id: number) => database.db.selectFrom("check_runs").select(["status", "conclusion", "completed_at"]).where("id", "=", id).executeTakeFirstOrThrow();
    const completed = examplesOf("check_run").filter((p) => p.action === "completed")[1]!; // success
    await deliver([["check_run", fixture("check_run.created-in-progress")]]);
    expect(await run(128620228)).toEqual({ status: "in_progress", conclusion: null, completed_at: null });
    await deliver([["check_run", completed]]);
    expect(await run(128620228)).toEqual({ status: "completed", conclusion: "success", completed_at: "2019-05-15T15:21:12.000Z" });

    // Another run: completed arrives first, its in_progress delivery late.
    const late = fixture("check_run.created-in-progress");
    const first = structuredClone(completed);
    o(late.check_run).id = o(first.check_run).id = 128620999;
    await deliver([["check_run", first]]);
    await deliver([["check_run", late]]);
    expect(await run(128620999)).toEqual({ status: "completed", conclusion: "success", completed_at: "2019-05-15T15:21:12.000Z" });
  });
});

describe("installations", () => {
  it("installation and installation_repositories events keep the repository list, with removed_at", async () => {
    const repo = (id: number) => database.db.selectFrom("repositories").select(["full_name", "installation_id", "removed_at"]).where("id", "=", id).executeTakeFirstOrThrow();
    await deliver([["installation", example("installation", "created")], ["installation_repositories", example("installation_repositories", "added")]]);
    expect(await repo(186853007)).toEqual({ full_name: "Codertocat/Space", installation_id: 957387, removed_at: null });
    const inst = await database.db.selectFrom("installations").selectAll().where("id", "=", 957387).executeTakeFirstOrThrow();
    expect(inst).toMatchObject({ account_login: "Codertocat", deleted_at: null });

    await deliver([["installation_repositories", fixture("installation_repositories.removed-space")], ["installation", example("installation", "deleted")]]);
    expect((await repo(186853007)).removed_at).not.toBeNull();
    expect((await repo(1296269)).removed_at).not.toBeNull();
    expect((await database.db.selectFrom("installations").select("deleted_at").where("id", "=", 2).executeTakeFirstOrThrow()).deleted_at).not.toBeNull();

    // Added back: no longer removed.
    await deliver([["installation_repositories", example("installation_repositories", "added")]]);
    expect((await repo(186853007)).removed_at).toBeNull();
  });
});

describe("slash commands in comments, through the worker", () => {
  const annotation = (commentId: number) => database.db.selectFrom("annotations").selectAll().where("id", "=", `comment:${commentId}`).executeTakeFirst();

  it("a command records an annotation; editing the command away withdraws it", async () => {
    await deliver([["issue_comment", fixture("issue_comment.created-command")]]);
    expect(await annotation(492700402)).toMatchObject({ kind: "note", author_id: CODERTOCAT, text: "Paired with @octocat for two hours on the flaky login test.", deleted_at: null });
    await deliver([["issue_comment", fixture("issue_comment.edited-command-removed")]]);
    expect((await annotation(492700402))?.deleted_at).toBe("2019-05-15T15:25:00.000Z");
  });

  it("deleting the comment withdraws its annotation", async () => {
    const created = fixture("issue_comment.created-command");
    const deleted = fixture("issue_comment.deleted-command");
    o(created.comment).id = o(deleted.comment).id = 492700403;
    await deliver([["issue_comment", created]]);
    expect((await annotation(492700403))?.deleted_at).toBeNull();
    await deliver([["issue_comment", deleted]]);
    expect((await annotation(492700403))?.deleted_at).not.toBeNull();
  });
});

describe("a renamed account (runs last: later deliveries about the same id would rename it back)", () => {
  it("keeps the newest login and remembers the old one", async () => {
    expect((await person(CODERTOCAT)).login).toBe("Codertocat");
    await deliver([["issues", fixture("issues.opened-renamed-user")]]);
    expect(await person(CODERTOCAT)).toMatchObject({ login: "Codertocat-renamed", previous_logins: ["Codertocat"] });
    // The same delivery content again (a new delivery id) changes nothing more.
    await deliver([["issues", fixture("issues.opened-renamed-user")]]);
    expect(await person(CODERTOCAT)).toMatchObject({ login: "Codertocat-renamed", previous_logins: ["Codertocat"] });
  });
});
