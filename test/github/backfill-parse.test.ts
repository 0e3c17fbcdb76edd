/**
 * GitHub's answers are input from outside: missing fields, nulls, wrong
 * types and strings longer than GitHub allows are refused with the path of
 * the bad field; nothing of the page is turned into facts.
 */
import { describe, expect, it } from "vitest";
import { issueFacts, pullRequestFacts, restUser, workflowRunFacts, type BackfillRepository } from "../../src/github/backfill-normalise.js";
import { MalformedApiResponseError, parseActivityPage, parseOverflow, parseRepository } from "../../src/github/backfill-parse.js";

const AT = "2026-12-01T00:00:00.000Z";
const page = (info = { hasNextPage: false, endCursor: null as string | null }) => ({ pageInfo: info, nodes: [] as unknown[] });
const who = (login: string, id = 7, t = "User") => ({ __typename: t, login, databaseId: id });

function prNode(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "PR_1",
    fullDatabaseId: "1900000001",
    number: 12,
    title: "Fix",
    body: null,
    url: "https://github.com/o/r/pull/12",
    state: "MERGED",
    isDraft: false,
    merged: true,
    mergedAt: "2026-11-02T00:00:00Z",
    mergedBy: who("m", 8),
    author: null,
    authorAssociation: "MEMBER",
    additions: 3,
    deletions: 1,
    changedFiles: 1,
    headRefOid: "a".repeat(40),
    headRefName: "fix",
    baseRefOid: "b".repeat(40),
    baseRefName: "main",
    createdAt: "2026-11-01T00:00:00Z",
    closedAt: "2026-11-02T00:00:00Z",
    updatedAt: "2026-11-02T00:00:00Z",
    commitCount: { totalCount: 1 },
    labels: { ...page(), nodes: [{ name: "bug" }] },
    reviews: { ...page(), nodes: [{ fullDatabaseId: "55", author: who("dependabot", 49699333, "Bot"), state: "APPROVED", body: "", commit: { oid: "a".repeat(40) }, url: "u", authorAssociation: "NONE", submittedAt: "2026-11-01T10:00:00Z" }] },
    reviewThreads: page(),
    comments: page(),
    commits: page(),
    files: { ...page(), nodes: [{ path: "src/a.ts", additions: 3, deletions: 1, changeType: "MODIFIED" }] },
    headCommit: { nodes: [] },
    ...over,
  };
}

const data = (prs: unknown[]) => ({ repository: { pullRequests: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: prs } } });
const parsePrs = (prs: unknown[]) => parseActivityPage(data(prs), { pullRequests: true, issues: false });
const REPO: BackfillRepository = { id: 5, owner: { login: "o", id: 9, type: "Organization" }, name: "r", fullName: "o/r", private: true, archived: false, defaultBranch: "main", htmlUrl: "https://github.com/o/r" };

describe("parsing pull requests", () => {
  it("reads a good node, ghost authors and bots as webhooks show them", () => {
    const pr = parsePrs([prNode()]).pullRequests!.nodes[0]!;
    expect(pr).toMatchObject({ id: 1_900_000_001, number: 12, body: "", author: null, labels: { items: ["bug"], after: null } });
    const facts = pullRequestFacts(REPO, pr, AT);
    expect(facts.pullRequests[0]).toMatchObject({ id: 1_900_000_001, state: "closed", merged: true, authorId: 10137, labels: ["bug"] });
    expect(facts.people.find((p) => p.id === 10137)).toMatchObject({ login: "ghost", isGhost: true });
    expect(facts.people.find((p) => p.id === 49699333)).toMatchObject({ login: "dependabot[bot]", isBot: true, type: "Bot" });
    expect(facts.reviews[0]).toMatchObject({ id: 55, state: "APPROVED", reviewerId: 49699333, submittedAt: "2026-11-01T10:00:00.000Z" });
    expect(facts.pullRequestFiles[0]).toEqual({ repositoryId: 5, prNumber: 12, complete: true, files: [{ path: "src/a.ts", status: "modified", additions: 3, deletions: 1, patch: null }] });
    expect(facts.followUps).toEqual([]);
    expect(restUser({ login: "renovate", id: 2, type: "Bot" })).toEqual({ id: 2, login: "renovate[bot]", type: "Bot" });
  });

  it.each([
    ["a missing number", { number: undefined }, /nodes\[0\]\.number: expected a whole number/],
    ["a string id", { fullDatabaseId: "12abc" }, /fullDatabaseId: expected a GitHub id/],
    ["a date that is not one", { createdAt: "the day after tomorrow" }, /createdAt: expected a date/],
    ["a huge title", { title: "x".repeat(5_000) }, /title: longer than 4096 characters/],
    ["a huge body", { body: "x".repeat(300_000) }, /body: longer than 262144 characters/],
    ["labels that are not a connection", { labels: ["bug"] }, /labels: expected an object, got a list/],
    ["nodes that are not a list", { reviews: { nodes: "none" } }, /reviews\.nodes: expected a list/],
    ["a wrong enum", { state: "merged!" }, /state: expected an upper-case GraphQL enum value/],
    ["a bad commit id", { headRefOid: "not-a-sha" }, /headRefOid: expected a commit id/],
    ["a cursorless next page", { files: { pageInfo: { hasNextPage: true, endCursor: null }, nodes: [] } }, /files\.pageInfo\.endCursor: expected a string/],
    ["a number where an object belongs", { author: 42 }, /author: expected an object, got number/],
  ])("refuses %s, naming the path", (_what, over, message) => {
    expect(() => parsePrs([prNode(over as Record<string, unknown>)])).toThrow(MalformedApiResponseError);
    expect(() => parsePrs([prNode(over as Record<string, unknown>)])).toThrow(message);
  });

  it("refuses pages that are not pages", () => {
    expect(() => parseActivityPage(null, { pullRequests: true, issues: false })).toThrow(/^data: expected an object, got null/);
    expect(() => parseActivityPage({ repository: null }, { pullRequests: true, issues: false })).toThrow(/data\.repository: expected an object/);
    expect(() => parseActivityPage(data(Array.from({ length: 1001 }, () => null)), { pullRequests: true, issues: false })).toThrow(/more than 1000 nodes/);
  });

  it("skips null nodes (items GitHub cannot show) and pending reviews, drops NUL characters", () => {
    const pr = parsePrs([null, prNode({ title: "a\u0000b", reviews: { ...page(), nodes: [null, { fullDatabaseId: "9", author: null, state: "PENDING", body: "", commit: null, url: "", authorAssociation: "NONE", submittedAt: null }] } })]).pullRequests!.nodes;
    expect(pr).toHaveLength(1);
    expect(pr[0]!.title).toBe("ab");
    expect(pr[0]!.reviews.items).toEqual([]);
  });
});

describe("parsing the rest", () => {
  it("a repository that does not exist is null; one without an owner is refused", () => {
    expect(parseRepository({ repository: null, org: null })).toBeNull();
    expect(() => parseRepository({ repository: { databaseId: 1, name: "r", nameWithOwner: "o/r", isPrivate: false, owner: null } })).toThrow(/owner/);
  });

  it("overflow answers are parsed like the first page", () => {
    const c = parseOverflow("files", { files: { pageInfo: { hasNextPage: true, endCursor: "C2" }, nodes: [{ path: "x", additions: 1, deletions: 0, changeType: "ADDED" }] } }, "data.o0");
    expect(c).toEqual({ items: [{ path: "x", additions: 1, deletions: 0, changeType: "ADDED" }], after: "C2" });
    expect(() => parseOverflow("reviews", { reviews: { nodes: [{ fullDatabaseId: -1 }] } }, "data.o3")).toThrow(/data\.o3\.reviews\.nodes\[0\]\.state/);
  });

  it("an issue's edits become activity only with the text before them known", () => {
    const issue = parseActivityPage(
      {
        repository: {
          issues: {
            pageInfo: { hasNextPage: false, endCursor: null },
            nodes: [
              {
                id: "I_1", fullDatabaseId: "77", number: 3, title: "t", body: "v2", url: "u", state: "OPEN", stateReason: null, author: who("a", 1), authorAssociation: "MEMBER",
                createdAt: "2026-11-01T00:00:00Z", closedAt: null, updatedAt: "2026-11-03T00:00:00Z",
                labels: page(), comments: page(),
                timelineItems: { ...page(), nodes: [{ __typename: "LabeledEvent", id: "LE_1", createdAt: "2026-11-01T01:00:00Z", actor: who("b", 2), label: { name: "bug" } }, { __typename: "SomethingNew", id: "X" }] },
                userContentEdits: { ...page(), nodes: [{ id: "E2", editedAt: "2026-11-02T00:00:00Z", editor: who("b", 2), diff: "v2" }, { id: "E1", editedAt: "2026-11-01T00:00:10Z", editor: who("a", 1), diff: "v1" }] },
              },
            ],
          },
        },
      },
      { pullRequests: false, issues: true },
    ).issues!.nodes[0]!;
    const facts = issueFacts(REPO, issue, AT);
    expect(facts.issueActivity.map((a) => [a.deliveryId, a.action, a.label, a.bodyBefore, a.bodyAfter, a.actorId])).toEqual([
      ["backfill:LE_1", "labeled", "bug", null, null, 2],
      ["backfill:E2", "edited", null, "v1", "v2", 2],
    ]);
  });

  it("workflow runs are the webhook's objects: a run without its id is refused with where it was", () => {
    expect(() => workflowRunFacts(REPO, [{ created_at: AT, head_sha: "a" }], AT, "actions/runs?page=1")).toThrow(/actions\/runs\?page=1\.workflow_runs\[0\]: payload has no workflow_run\.id/);
    expect(() => workflowRunFacts(REPO, ["x"], AT, "p")).toThrow(/expected an object/);
  });
});
