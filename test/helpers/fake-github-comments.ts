/**
 * GitHub's API as the comment and answer jobs see it, behind nock: issue comments (list, create,
 * edit, delete), reactions, the collaborator-permission check, and what enrichment and the config
 * loader read (a pull request's review threads and files; no .github/unsung.yml unless given).
 * It keeps the comments it holds, so a test can assert what is on GitHub afterwards, and can be
 * told to fail the next writes (a secondary rate limit, a 429).
 */
import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import type { GitHub } from "../../src/github/clients.js";

export const API = "https://api.github.com";

export interface FakeComment {
  id: number;
  issue: string;
  body: string;
  user: { login: string; type: string };
  /** The GitHub App that wrote it (GitHub sets this on every comment an app's installation token creates). */
  performed_via_github_app?: { id: number; slug: string } | null;
}

/** The app the fake writes as: its comments carry this id and are written by `<slug>[bot]`. */
export const FAKE_APP = { id: 4242, slug: "unsung" } as const;

export interface FakeFault {
  status: number;
  headers?: Record<string, string>;
  message: string;
}

export class FakeGitHubComments {
  comments: FakeComment[] = [];
  reactions: { commentId: number; content: string }[] = [];
  /** Every write request, in order: "POST /repos/o/r/issues/7/comments", … */
  writes: string[] = [];
  reads: string[] = [];
  faults: FakeFault[] = [];
  /** Every body a comment had before an edit, by comment id. */
  history = new Map<number, string[]>();
  /** Milliseconds each write takes (to widen races). */
  writeDelayMs = 0;
  /** login → permission on private repositories (absent: 404). */
  permissions = new Map<string, string>();
  /** "owner/repo" → .github/unsung.yml text. */
  configs = new Map<string, string>();
  /** "owner/repo#n" → GraphQL review threads for enrichment. */
  threads = new Map<string, unknown[]>();
  private nextId = 5_000_000;

  constructor(readonly app: { id: number; slug: string } = FAKE_APP) {}

  /**
   * Registers the interceptors: persisted and optional (a test asserts the routes it needs through
   * `writes` and `reads`); call nock.cleanAll() after the file.
   */
  install(): void {
    const scope = nock(API).persist();
    scope.get(/^\/repos\/[^/]+\/[^/]+\/contents\/\.github%2Funsung\.yml/).optionally().reply((uri) => {
      const [, owner, repo] = /^\/repos\/([^/]+)\/([^/]+)\//.exec(uri)!;
      const text = this.configs.get(`${owner}/${repo}`);
      this.reads.push(`GET config ${owner}/${repo}`);
      return text === undefined ? [404, { message: "Not Found" }] : [200, { type: "file", encoding: "base64", content: Buffer.from(text).toString("base64") }];
    });
    scope.post("/graphql").optionally().reply((_uri, body) => {
      const v = (body as { variables?: { owner?: string; name?: string; number?: number } }).variables ?? {};
      this.reads.push(`GraphQL ${v.owner}/${v.name}#${v.number}`);
      const nodes = this.threads.get(`${v.owner}/${v.name}#${v.number}`) ?? [];
      const page = { hasNextPage: false, endCursor: null };
      return [200, { data: { repository: { pullRequest: { reviewThreads: { pageInfo: page, nodes }, commits: { pageInfo: page, nodes: [] } } } } }];
    });
    scope.get(/^\/repos\/[^/]+\/[^/]+\/pulls\/\d+\/files/).optionally().reply((uri) => {
      this.reads.push(`GET ${uri.split("?")[0]}`);
      return [200, [{ filename: "src/setup.ts", status: "modified", additions: 120, deletions: 20, changes: 140, patch: "@@ -1 +1 @@\n-a\n+b" }]];
    });
    scope.get(/^\/repos\/[^/]+\/[^/]+\/collaborators\/[^/]+\/permission/).optionally().reply((uri) => {
      const login = /collaborators\/([^/]+)\/permission/.exec(uri)![1]!.toLowerCase();
      const p = this.permissions.get(login);
      return p ? [200, { permission: p }] : [404, { message: "Not Found" }];
    });
    scope.get(/^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments/).optionally().reply((uri) => {
      const issue = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\//.exec(uri)!;
      this.reads.push(`GET comments ${issue[1]}#${issue[2]}`);
      return [200, this.comments.filter((c) => c.issue === `${issue[1]}#${issue[2]}`)];
    });
    scope.post(/^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments$/).optionally().reply(async (uri, body) => this.write(`POST ${uri}`, () => {
      const issue = /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\//.exec(uri)!;
      const c: FakeComment = { id: ++this.nextId, issue: `${issue[1]}#${issue[2]}`, body: (body as { body: string }).body, user: { login: `${this.app.slug}[bot]`, type: "Bot" }, performed_via_github_app: { ...this.app } };
      this.comments.push(c);
      return [201, c];
    }));
    scope.patch(/^\/repos\/[^/]+\/[^/]+\/issues\/comments\/\d+$/).optionally().reply(async (uri, body) => this.write(`PATCH ${uri}`, () => {
      const c = this.comments.find((x) => x.id === Number(uri.split("/").pop()));
      if (!c) return [404, { message: "Not Found" }];
      this.history.set(c.id, [...(this.history.get(c.id) ?? []), c.body]);
      c.body = (body as { body: string }).body;
      return [200, c];
    }));
    scope.delete(/^\/repos\/[^/]+\/[^/]+\/issues\/comments\/\d+$/).optionally().reply(async (uri) => this.write(`DELETE ${uri}`, () => {
      const id = Number(uri.split("/").pop());
      const before = this.comments.length;
      this.comments = this.comments.filter((x) => x.id !== id);
      return before === this.comments.length ? [404, { message: "Not Found" }] : [204, ""];
    }));
    scope.post(/^\/repos\/[^/]+\/[^/]+\/issues\/comments\/\d+\/reactions$/).optionally().reply(async (uri, body) => this.write(`POST ${uri}`, () => {
      const id = Number(uri.split("/")[6]);
      this.reactions.push({ commentId: id, content: (body as { content: string }).content });
      return [201, { id: this.reactions.length, content: (body as { content: string }).content }];
    }));
  }

  /** The app's evidence comments on one pull request ("owner/repo#n"). */
  evidenceOn(issue: string): FakeComment[] {
    return this.comments.filter((c) => c.issue === issue && c.body.startsWith("<!-- unsung:evidence-comment -->"));
  }

  repliesOn(issue: string): FakeComment[] {
    return this.comments.filter((c) => c.issue === issue && c.body.startsWith("<!-- unsung:command-answer -->"));
  }

  private async write(what: string, ok: () => [number, unknown]): Promise<[number, unknown, Record<string, string>?]> {
    this.writes.push(what);
    if (this.writeDelayMs) await new Promise((r) => setTimeout(r, this.writeDelayMs));
    const fault = this.faults.shift();
    if (fault) return [fault.status, { message: fault.message }, fault.headers ?? {}];
    return ok();
  }
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** An installation client as the jobs get one, without retries or throttling waits: its requests go to nock. */
export function nockedClient(): GitHub {
  return new ProbotOctokit({ auth: { token: "t" }, retry: { enabled: false }, throttle: { enabled: false }, log: silent }) as unknown as GitHub;
}

/**
 * One test file's fake GitHub: no network (loopback too when `loopback`), the fake's routes
 * installed before the file's tests and removed after them; after each test every request matched
 * a mocked route and no required scope is left unused.
 */
export function useFakeGitHubComments(options: { loopback?: boolean } = {}): FakeGitHubComments {
  const fake = new FakeGitHubComments();
  const unmatched: string[] = [];
  beforeAll(() => {
    nock.disableNetConnect();
    if (options.loopback) nock.enableNetConnect("127.0.0.1");
    nock.emitter.on("no match", (req: { method?: string; path?: string }) => unmatched.push(`${req.method} ${req.path}`));
    fake.install();
  });
  afterAll(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });
  afterEach(() => {
    expect(unmatched).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
  });
  return fake;
}
