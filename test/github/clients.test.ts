import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ProbotOctokit } from "probot";
import { recordedClientFactory, type Recording } from "../../src/github/clients.js";
import { PULL_REQUEST_DETAILS } from "../../src/github/queries.js";

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const recordings: Recording[] = [
  { method: "GET", path: "/repos/o/r/pulls/1/files?per_page=100&page=1", status: 200, body: [{ filename: "a.ts", status: "added", additions: 3, deletions: 0 }] },
  {
    method: "POST",
    path: "/graphql",
    variables: { owner: "o", name: "r", number: 1, threads: null, commits: null },
    status: 200,
    body: { data: { repository: { pullRequest: { id: "PR_1" } } } },
  },
  { method: "GET", path: "/repos/o/r/pulls/2/files?per_page=100&page=1", status: 500, body: { message: "recorded failure" } },
];

async function client() {
  const gh = await recordedClientFactory(recordings)(1);
  if (!gh) throw new Error("the recorded factory always returns a client");
  return gh;
}

describe("recorded-responses client", () => {
  it("answers recorded REST and GraphQL requests (GraphQL matched on its variables)", async () => {
    const gh = await client();
    const files = await gh.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", { owner: "o", repo: "r", pull_number: 1, per_page: 100, page: 1 });
    expect(files.status).toBe(200);
    expect(files.data).toEqual([{ filename: "a.ts", status: "added", additions: 3, deletions: 0 }]);
    const data = await gh.graphql<{ repository: { pullRequest: { id: string } } }>(PULL_REQUEST_DETAILS, { owner: "o", name: "r", number: 1, threads: null, commits: null });
    expect(data.repository.pullRequest.id).toBe("PR_1");
  });

  it("answers anything unrecorded with 404 and never touches the network, even where a live answer exists", async () => {
    // A live answer is on offer for every unrecorded request: it must never be taken.
    const live = nock("https://api.github.com").persist().get(/.*/).reply(200, { live: true }).post(/.*/).reply(200, { data: { live: true } });
    const gh = await client();
    await expect(gh.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", { owner: "o", repo: "r", pull_number: 1, per_page: 100, page: 2 })).rejects.toMatchObject({
      status: 404,
    });
    await expect(gh.request("GET /repos/{owner}/{repo}", { owner: "someone", repo: "else" })).rejects.toMatchObject({ status: 404 });
    // Same query, different variables: not recorded.
    await expect(gh.graphql(PULL_REQUEST_DETAILS, { owner: "o", name: "r", number: 99, threads: null, commits: null })).rejects.toMatchObject({ status: 404 });
    expect(live.isDone()).toBe(false);
    expect(nock.pendingMocks().length).toBeGreaterThan(0);
  });

  it("(control) an ordinary client in this test setup does reach the mocked network", async () => {
    const live = nock("https://api.github.com").get("/repos/someone/else").reply(200, { live: true });
    const gh = new ProbotOctokit({ auth: { token: "t" }, retry: { enabled: false }, throttle: { enabled: false } });
    expect((await gh.request("GET /repos/{owner}/{repo}", { owner: "someone", repo: "else" })).data).toEqual({ live: true });
    expect(live.isDone()).toBe(true);
  });

  it("replays a recorded error status as an error", async () => {
    const gh = await client();
    await expect(gh.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", { owner: "o", repo: "r", pull_number: 2, per_page: 100, page: 1 })).rejects.toMatchObject({
      status: 500,
    });
  });
});
