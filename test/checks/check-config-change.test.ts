import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GitHub } from "../../src/github/clients.js";
import { CHECK_NAME, checkConfigChange } from "../../src/services/check-config-change.js";

const job = { installationId: 1, repositoryId: 10, owner: "acme", repo: "api", number: 7, headSha: "abc123" };
const client = () =>
  new ProbotOctokit({ auth: { token: "t" }, retry: { enabled: false }, throttle: { enabled: false }, log: { debug() {}, info() {}, warn() {}, error() {} } }) as GitHub;
const clients = async () => client();
const b64 = (s: string) => Buffer.from(s).toString("base64");

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

function files(list: { filename: string; status: string }[]) {
  return nock("https://api.github.com").get("/repos/acme/api/pulls/7/files").query({ per_page: "100", page: "1" }).reply(200, list);
}

describe("a pull request that changes .github/unsung.yml", () => {
  it("gets a failing check run naming each problem with its path and line", async () => {
    const yaml = "bots:\n  logins: 42\nreports:\n  ranking: maybe\n";
    const scopes = [
      files([{ filename: "src/a.ts", status: "modified" }, { filename: ".github/unsung.yml", status: "modified" }]),
      nock("https://api.github.com").get("/repos/acme/api/contents/.github%2Funsung.yml").query({ ref: "abc123" }).reply(200, { type: "file", encoding: "base64", content: b64(yaml) }),
    ];
    let posted: Record<string, any> = {};
    const post = nock("https://api.github.com")
      .post("/repos/acme/api/check-runs", (body) => ((posted = body), true))
      .reply(201, { id: 1 });
    expect(await checkConfigChange(clients, job)).toBe("invalid");
    for (const s of [...scopes, post]) expect(s.isDone()).toBe(true);
    expect(posted.name).toBe(CHECK_NAME);
    expect(posted.head_sha).toBe("abc123");
    expect(posted.conclusion).toBe("failure");
    expect(posted.output.title).toMatch(/error/);
    expect(posted.output.summary).toContain("bots.logins");
    expect(posted.output.summary).toContain("reports.ranking");
    expect(posted.output.summary).toMatch(/line 2/);
  });

  it("gets a successful check run when the file is valid", async () => {
    const scopes = [
      files([{ filename: ".github/unsung.yml", status: "added" }]),
      nock("https://api.github.com").get("/repos/acme/api/contents/.github%2Funsung.yml").query({ ref: "abc123" }).reply(200, { type: "file", encoding: "base64", content: b64("teams:\n  payments: [maya]\n") }),
    ];
    let posted: Record<string, any> = {};
    const post = nock("https://api.github.com").post("/repos/acme/api/check-runs", (body) => ((posted = body), true)).reply(201, {});
    expect(await checkConfigChange(clients, job)).toBe("valid");
    for (const s of [...scopes, post]) expect(s.isDone()).toBe(true);
    expect(posted.conclusion).toBe("success");
  });

  it("reports YAML syntax errors as a failure instead of crashing", async () => {
    files([{ filename: ".github/unsung.yml", status: "modified" }]);
    nock("https://api.github.com").get("/repos/acme/api/contents/.github%2Funsung.yml").query({ ref: "abc123" }).reply(200, { type: "file", encoding: "base64", content: b64("teams: [unclosed\n") });
    let posted: Record<string, any> = {};
    nock("https://api.github.com").post("/repos/acme/api/check-runs", (body) => ((posted = body), true)).reply(201, {});
    expect(await checkConfigChange(clients, job)).toBe("invalid");
    expect(posted.conclusion).toBe("failure");
    expect(nock.pendingMocks()).toEqual([]);
  });
});

describe("pull requests that do not change the file", () => {
  it("post nothing", async () => {
    const scope = files([{ filename: "README.md", status: "modified" }]);
    expect(await checkConfigChange(clients, job)).toBe("not-changed");
    expect(scope.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("post nothing when the file is deleted, the PR is gone, or there is no GitHub client", async () => {
    files([{ filename: ".github/unsung.yml", status: "removed" }]);
    expect(await checkConfigChange(clients, job)).toBe("removed");
    nock("https://api.github.com").get("/repos/acme/api/pulls/7/files").query(true).reply(404, { message: "Not Found" });
    expect(await checkConfigChange(clients, job)).toBe("not-changed");
    expect(await checkConfigChange(async () => null, job)).toBe("no-client");
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("lets a server error propagate so the job is retried", async () => {
    nock("https://api.github.com").get("/repos/acme/api/pulls/7/files").query(true).reply(502, { message: "Bad Gateway" });
    await expect(checkConfigChange(clients, job)).rejects.toMatchObject({ status: 502 });
  });
});
