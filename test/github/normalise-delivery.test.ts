import { describe, expect, it } from "vitest";
import { GHOST_ID, MalformedPayloadError, normaliseDelivery, type FactBatch } from "../../src/github/normalise-delivery.js";
import { example, examplesOf } from "../helpers/examples.js";
import { fixture } from "../fixtures/webhooks/load.js";

const AT = "2026-01-02T03:04:05.000Z";
let n = 0;
const norm = (event: string, payload: unknown): FactBatch => normaliseDelivery({ id: `d-${++n}`, event, payload, receivedAt: AT });
const obj = (v: unknown) => v as Record<string, unknown>;

describe("normaliseDelivery on edited copies of real payloads", () => {
  it("a merged pull request: merged, merged_by, merged_at, and an enrich follow-up for its installation", () => {
    const b = norm("pull_request", fixture("pull_request.closed-merged"));
    expect(b.pullRequests).toHaveLength(1);
    expect(b.pullRequests[0]).toMatchObject({
      id: 279147437,
      repositoryId: 186853002,
      number: 2,
      partial: false,
      state: "closed",
      merged: true,
      mergedAt: "2019-05-15T15:21:18.000Z",
      mergedById: 21031067,
      additions: 1,
      commitCount: 1,
    });
    expect(b.followUps).toEqual([
      { kind: "enrich-pull-request", installationId: 1, repositoryId: 186853002, owner: "Codertocat", repo: "Hello-World", number: 2 },
      { kind: "detect-pull-request", repositoryId: 186853002, number: 2 },
    ]);
  });

  it("a closed pull request that was not merged is not enriched", () => {
    const b = norm("pull_request", example("pull_request", "closed"));
    expect(b.pullRequests[0]!.merged).toBe(false);
    expect(b.followUps.map((f) => f.kind)).toEqual(["detect-pull-request"]);
  });

  it("review states are upper-cased as GitHub's API spells them", () => {
    expect(norm("pull_request_review", fixture("pull_request_review.submitted-approved")).reviews[0]).toMatchObject({ id: 237895672, state: "APPROVED", reviewerId: 583231 });
    expect(norm("pull_request_review", fixture("pull_request_review.submitted-changes-requested")).reviews[0]).toMatchObject({
      id: 237895673,
      state: "CHANGES_REQUESTED",
      reviewerId: 480938,
    });
  });

  it("the pull request nested in review payloads is partial: no size, and draft unknown when absent", () => {
    const review = norm("pull_request_review", fixture("pull_request_review.submitted-approved")).pullRequests;
    expect(review).toHaveLength(1);
    expect(review[0]).toMatchObject({ number: 2, partial: true, draft: false });
    const comment = norm("pull_request_review_comment", example("pull_request_review_comment", "created")).pullRequests;
    expect(comment[0]).toMatchObject({ number: 2, partial: true, draft: null });
    // Nested pull requests never ask for enrichment.
    expect(norm("pull_request_review", fixture("pull_request_review.submitted-approved")).followUps.map((f) => f.kind)).toEqual(["detect-pull-request"]);
  });

  it("flags bots by type and by a [bot] login", () => {
    const b = norm("pull_request", fixture("pull_request.opened-bot"));
    expect(b.people.find((p) => p.id === 49699333)).toEqual({ id: 49699333, login: "dependabot[bot]", type: "Bot", isBot: true, isGhost: false, name: null });
    const p = fixture("pull_request.opened-bot");
    obj(obj(p.pull_request).user).type = "User"; // some payloads call an app's account a User
    obj(p.sender).type = "User";
    expect(norm("pull_request", p).people.find((x) => x.id === 49699333)?.isBot).toBe(true);
  });

  it("flags the ghost account and survives a null user", () => {
    const ghost = norm("issue_comment", fixture("issue_comment.created-ghost"));
    expect(ghost.people.find((p) => p.id === GHOST_ID)).toMatchObject({ login: "ghost", isGhost: true, isBot: false });
    expect(ghost.issueComments[0]).toMatchObject({ id: 492700401, authorId: GHOST_ID });
    const deleted = norm("issues", fixture("issues.opened-deleted-user"));
    expect(deleted.issues[0]).toMatchObject({ number: 5, authorId: null });
  });

  it("parses every kind of Co-authored-by trailer in a push", () => {
    const b = norm("push", fixture("push.co-authored"));
    expect(b.commits).toHaveLength(1);
    expect(b.commits[0]!.coAuthors).toEqual([
      { name: "The Octocat", email: "583231+octocat@users.noreply.github.com", noreplyId: 583231, noreplyLogin: "octocat" },
      { name: "Hubot", email: "hubot@users.noreply.github.com", noreplyId: null, noreplyLogin: "hubot" },
      { name: "Jane Doe", email: "jane.doe@example.com", noreplyId: null, noreplyLogin: null },
      { name: "Claude", email: "noreply@anthropic.com", noreplyId: null, noreplyLogin: null },
    ]);
    expect(b.emails).toEqual([{ email: "21031067+codertocat@users.noreply.github.com", personId: 21031067 }]);
    expect(b.pushes[0]).toMatchObject({ ref: "refs/heads/master", commitShas: ["a10867b14bb761a232cd80139fbd4c0d33264240"], pushedAt: "2019-05-15T15:40:00.000Z" });
  });

  it("records body changes of an edited issue as activity", () => {
    const b = norm("issues", fixture("issues.edited-body"));
    expect(b.issueActivity).toEqual([
      expect.objectContaining({
        action: "edited",
        bodyBefore: "It looks like you accidently spelled 'commit' with two 't's.",
        bodyAfter: expect.stringContaining("accidentally"),
        titleBefore: null,
        at: "2019-05-15T15:30:00.000Z",
      }),
    ]);
  });

  it("asks for a slash command to be recorded when a comment holds one, and again when it is edited or deleted", () => {
    const kinds = (b: FactBatch) => b.followUps.filter((f) => f.kind === "slash-command").map((f) => (f as { commentId: number }).commentId);
    expect(kinds(norm("issue_comment", fixture("issue_comment.created-command")))).toEqual([492700402]);
    expect(kinds(norm("issue_comment", fixture("issue_comment.edited-command-removed")))).toEqual([492700402]);
    expect(kinds(norm("issue_comment", fixture("issue_comment.deleted-command")))).toEqual([492700402]);
    // Ordinary comments, and edits of ordinary comments, are not commands.
    expect(kinds(norm("issue_comment", examplesOf("issue_comment")[3]))).toEqual([]);
    const edited = examplesOf("issue_comment").find((p) => p.action === "edited")!;
    edited.changes = { body: { from: "an ordinary comment" } };
    expect(kinds(norm("issue_comment", edited))).toEqual([]);
    expect(kinds(norm("issue_comment", example("issue_comment", "deleted")))).toEqual([]);
  });

  it("marks repositories removed from an installation, and all of a deleted installation's", () => {
    const removed = norm("installation_repositories", fixture("installation_repositories.removed-space"));
    expect(removed.repositories).toEqual([expect.objectContaining({ id: 186853007, installationId: 957387, removedAt: AT })]);
    const added = norm("installation_repositories", example("installation_repositories", "added"));
    expect(added.repositories).toEqual([expect.objectContaining({ id: 186853007, removedAt: null })]);
    const deleted = norm("installation", example("installation", "deleted"));
    expect(deleted.installations[0]).toMatchObject({ id: 2, deletedAt: AT });
    expect(deleted.repositories).toEqual([expect.objectContaining({ id: 1296269, removedAt: AT })]);
  });

  it("asks for erasures to be scheduled, cancelled or kept in step by installation and repository events", () => {
    const at = { kind: "erasure-event", at: AT };
    // Installation events also ask for backfills to start or stop (tested below): only the erasure follow-ups here.
    const erasures = (b: FactBatch) => b.followUps.filter((f) => f.kind === "erasure-event");
    expect(erasures(norm("installation", example("installation", "deleted")))).toEqual([{ ...at, event: "installation-deleted", installationId: 2 }]);
    expect(erasures(norm("installation", example("installation", "created")))).toEqual([{ ...at, event: "installation-created", installationId: 957387 }]);
    expect(erasures(norm("installation", example("installation", "suspend")))).toEqual([]);
    expect(erasures(norm("installation_repositories", fixture("installation_repositories.removed-space")))).toEqual([
      { ...at, event: "repositories-removed", installationId: 957387, repositoryIds: [186853007] },
    ]);
    expect(erasures(norm("installation_repositories", example("installation_repositories", "added")))).toEqual([
      { ...at, event: "repositories-added", installationId: 957387, repositoryIds: [186853007] },
    ]);
    // The repository event: its row is updated from the payload, and its copies are brought in step.
    const privatized = norm("repository", example("repository", "privatized"));
    expect(privatized.repositories[0]).toMatchObject({ private: true });
    expect(erasures(privatized)).toEqual([{ ...at, event: "repository-changed", repositoryId: privatized.repositories[0]!.id, action: "privatized" }]);
    const renamed = norm("repository", example("repository", "renamed"));
    expect(erasures(renamed)).toEqual([expect.objectContaining({ event: "repository-changed", action: "renamed" })]);
  });

  it("asks for backfills to start when repositories arrive and to stop when they leave", () => {
    const backfills = (b: FactBatch) => b.followUps.filter((f) => f.kind === "backfill-repository" || f.kind === "stop-backfill");
    expect(backfills(norm("installation", example("installation", "deleted")))).toEqual([{ kind: "stop-backfill", installationId: 2, repositoryIds: null }]);
    expect(backfills(norm("installation", example("installation", "created")))).toEqual([
      expect.objectContaining({ kind: "backfill-repository", installationId: 957387 }),
    ]);
    expect(backfills(norm("installation", example("installation", "suspend")))).toEqual([]);
    expect(backfills(norm("installation_repositories", fixture("installation_repositories.removed-space")))).toEqual([
      { kind: "stop-backfill", installationId: 957387, repositoryIds: [186853007] },
    ]);
    expect(backfills(norm("installation_repositories", example("installation_repositories", "added")))).toEqual([
      expect.objectContaining({ kind: "backfill-repository", installationId: 957387, repositoryId: 186853007 }),
    ]);
  });

  it("keeps a workflow run's attempt number", () => {
    expect(norm("workflow_run", fixture("workflow_run.completed-attempt-2")).workflowRuns[0]).toMatchObject({ id: 289782451, runAttempt: 2, conclusion: "success" });
  });

  it("a re-run (attempt 2+) asks for the workflow's re-runs that month to be detected again; a first attempt does not", () => {
    const rerun = norm("workflow_run", fixture("workflow_run.completed-attempt-2"));
    expect(rerun.followUps).toEqual([{ kind: "detect-reruns", repositoryId: 300029405, workflow: "", month: "2020-10" }]);
    expect(norm("workflow_run", fixture("workflow_run.completed-failure")).followUps).toEqual([]);
    // The month is the attempt's (its start), not the run's creation.
    const late = fixture("workflow_run.completed-attempt-2");
    const w = late.workflow_run as Record<string, unknown>;
    w.name = "ci";
    w.run_started_at = "2020-11-02T08:00:00Z";
    expect(norm("workflow_run", late).followUps).toEqual([{ kind: "detect-reruns", repositoryId: 300029405, workflow: "ci", month: "2020-11" }]);
  });
});

describe("normaliseDelivery on hostile payloads", () => {
  it("rejects what is not an object, and payloads missing what their event needs", () => {
    for (const payload of [null, 42, "text", [1, 2], true]) expect(() => norm("issues", payload)).toThrow(MalformedPayloadError);
    const noIssue = example("issues", "opened");
    delete noIssue.issue;
    expect(() => norm("issues", noIssue)).toThrow("payload has no issue");
    const noRepo = example("issues", "opened");
    delete noRepo.repository;
    expect(() => norm("issues", noRepo)).toThrow("payload has no repository");
  });

  it.each([
    ["an id as a string", (i: Record<string, unknown>) => (i.id = "444500041"), "issue.id"],
    ["a fractional id", (i: Record<string, unknown>) => (i.id = 1.5), "issue.id"],
    ["an id beyond 2^53", (i: Record<string, unknown>) => (i.id = 2 ** 60), "issue.id"],
    ["a number beyond int4", (i: Record<string, unknown>) => (i.number = 2 ** 40), "issue.number"],
    ["created_at \"yesterday\"", (i: Record<string, unknown>) => (i.created_at = "yesterday"), "issue.created_at"],
    ["created_at in year 30000", (i: Record<string, unknown>) => (i.created_at = "+030000-01-01T00:00:00Z"), "issue.created_at"],
    ["created_at as an epoch beyond any date", (i: Record<string, unknown>) => (i.created_at = 1e20), "issue.created_at"],
  ])("rejects an issue with %s as malformed (never a database error)", (_name, edit, what) => {
    const p = example("issues", "opened");
    edit(obj(p.issue));
    expect(() => norm("issues", p)).toThrow(new MalformedPayloadError(`payload has no ${what}`));
  });

  it("drops U+0000, which PostgreSQL text cannot hold, and optional fields of the wrong type", () => {
    const p = example("issues", "opened");
    const i = obj(p.issue);
    i.title = "nul\u0000 in the title";
    i.body = { nested: "object where a string belongs" };
    i.closed_at = "not a date";
    i.labels = [{ name: "bug\u0000" }, 7, null, "plain", { name: { deep: true } }];
    const b = norm("issues", p);
    expect(b.issues[0]).toMatchObject({ title: "nul in the title", body: "", closedAt: null, labels: ["bug", "plain"] });
  });

  it("caps a 10,000-element labels array at GitHub's 100", () => {
    const p = example("issues", "opened");
    obj(p.issue).labels = Array.from({ length: 10_000 }, (_, k) => ({ name: `label-${k}` }));
    const b = norm("issues", p);
    expect(b.issues[0]!.labels).toHaveLength(100);
    expect(b.issues[0]!.labels[99]).toBe("label-99");
  });

  it("ignores deeply nested junk where it reads nothing", () => {
    let deep: unknown = "bottom";
    for (let k = 0; k < 10_000; k++) deep = [deep];
    const p = example("issues", "opened");
    p.junk = deep;
    obj(p.issue).labels = deep;
    obj(p.issue).user = deep;
    const b = norm("issues", p);
    expect(b.issues[0]).toMatchObject({ labels: [], authorId: null });
  });

  it("keeps only flat string permissions of an installation", () => {
    const p = example("installation", "created");
    obj(p.installation).permissions = { issues: "write", bad: { nested: 1 }, "nul\u0000": "read", n: 5 };
    obj(p.installation).events = ["push", 7, { x: 1 }, "issues"];
    const b = norm("installation", p);
    expect(b.installations[0]!.permissions).toEqual({ issues: "write", nul: "read" });
    expect(b.installations[0]!.events).toEqual(["push", "issues"]);
  });

  it("skips thread comments and pushed commits that lack ids, without failing the delivery", () => {
    const t = examplesOf("pull_request_review_thread")[1]!;
    const thread = obj(t.thread);
    thread.comments = [null, { id: "x" }, ...(thread.comments as unknown[])];
    const b = norm("pull_request_review_thread", t);
    expect(b.reviewThreads[0]!.commentIds).toEqual([284312630]);
    expect(b.reviewComments.map((c) => c.id)).toEqual([284312630]);
    const push = fixture("push.co-authored");
    push.commits = [null, { message: "no id" }, ...(push.commits as unknown[])];
    expect(norm("push", push).commits.map((c) => c.sha)).toEqual(["a10867b14bb761a232cd80139fbd4c0d33264240"]);
  });
});
