/**
 * A fake GitHub API for one repository: GraphQL (executed against GitHub's
 * schema), the REST endpoints the backfill uses, app and installation
 * tokens, primary and secondary rate limits with `x-ratelimit-*` headers, and
 * faults injected on chosen requests (502/504/500, a secondary limit, the
 * primary budget spent until its reset, an expired token, a timeout, a
 * malformed answer). Transport-free: `handle` takes a request and returns the
 * answer, so the same fake serves nock in tests and an HTTP server in the
 * benchmark. Time comes from `now()`, so tests can run on a fake clock.
 */
import { executeGraphql, type GraphqlContext } from "./graphql.js";
import { FakeRepository, type FakeRepoSpec } from "./data.js";

export { FakeRepository, type FakeRepoSpec } from "./data.js";

export interface FakeRequest {
  method: string;
  /** Path and query, e.g. /repos/o/r/actions/runs?page=1 (a GHES /api/v3 prefix is accepted). */
  path: string;
  headers: Record<string, string | undefined>;
  body: string | null;
}

export type FakeResponse = { status: number; headers: Record<string, string>; body: string } | { error: "timeout" | "reset" };

export type FaultKind =
  | "502"
  | "504"
  | "500"
  | "secondary"
  | "secondary-no-retry-after"
  | "primary"
  | "expire-token"
  | "timeout"
  | { body: string; status?: number };

export interface Fault {
  /** Which counted request (1-based) or which kind of request it hits. */
  when: (r: LoggedRequest) => boolean;
  kind: FaultKind;
  /** How many times (default 1). */
  times?: number;
}

export interface LoggedRequest {
  /** 1-based number among counted requests (token requests are not counted). */
  n: number;
  method: string;
  route: string;
  /** GraphQL operation name, or null for REST. */
  operation: string | null;
  status: number;
  variables: Record<string, unknown> | null;
}

export interface FakeGitHubOptions extends FakeRepoSpec {
  now?: () => number;
  /** Tokens accepted as they are (a personal token). Installation tokens minted by the fake are accepted too. */
  tokens?: string[];
  /** GraphQL points and REST requests per hour. */
  graphqlLimit?: number;
  restLimit?: number;
  configText?: string | null;
  orgConfigText?: string | null;
  faults?: Fault[];
}

const GRAPHQL_RESET_MS = 3_600_000;

export class FakeGitHub {
  readonly repo: FakeRepository;
  readonly log: LoggedRequest[] = [];
  /** Installation token requests (not counted as API calls). */
  tokenRequests = 0;
  private readonly now: () => number;
  private readonly valid: Set<string>;
  private minted = 0;
  private readonly limits: Record<"graphql" | "core", { limit: number; remaining: number; resetMs: number }>;
  private faults: (Fault & { left: number })[];

  constructor(private readonly o: FakeGitHubOptions) {
    this.repo = new FakeRepository(o);
    this.now = o.now ?? Date.now;
    this.valid = new Set(o.tokens ?? ["test-token"]);
    const t = this.now();
    this.limits = {
      graphql: { limit: o.graphqlLimit ?? 5000, remaining: o.graphqlLimit ?? 5000, resetMs: t + GRAPHQL_RESET_MS },
      core: { limit: o.restLimit ?? 5000, remaining: o.restLimit ?? 5000, resetMs: t + GRAPHQL_RESET_MS },
    };
    this.faults = (o.faults ?? []).map((f) => ({ ...f, left: f.times ?? 1 }));
  }

  addFault(f: Fault): void {
    this.faults.push({ ...f, left: f.times ?? 1 });
  }

  /** Counted requests (every one but token requests). */
  get calls(): number {
    return this.log.length;
  }

  /** Counted requests by operation (GraphQL) or route (REST). */
  callsBy(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.log) out[r.operation ?? r.route] = (out[r.operation ?? r.route] ?? 0) + 1;
    return out;
  }

  async handle(req: FakeRequest): Promise<FakeResponse> {
    const url = new URL(req.path, "http://fake");
    const path = url.pathname.replace(/^\/api\/v3(?=\/)/, "").replace(/^\/api(?=\/graphql$)/, "");
    const auth = (req.headers.authorization ?? "").replace(/^(bearer|token)\s+/i, "");

    // The app's own requests with its JWT: minting installation tokens (not counted) and finding an installation.
    if (req.method === "POST" && /^\/app\/installations\/\d+\/access_tokens$/.test(path)) {
      if (!auth.startsWith("eyJ")) return json(401, { message: "A JSON web token could not be decoded" });
      this.tokenRequests++;
      const token = `ghs_fake_${++this.minted}`;
      this.valid.add(token);
      return json(201, { token, expires_at: new Date(this.now() + 3_600_000).toISOString(), permissions: {}, repository_selection: "all" });
    }

    let variables: Record<string, unknown> | null = null;
    let operation: string | null = null;
    let query = "";
    if (path === "/graphql") {
      try {
        const b = JSON.parse(req.body ?? "{}") as { query?: string; variables?: Record<string, unknown> };
        query = b.query ?? "";
        variables = b.variables ?? {};
        operation = /\b(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? "anonymous";
      } catch {
        operation = "unparseable";
      }
    }
    const entry: LoggedRequest = { n: this.log.length + 1, method: req.method, route: `${req.method} ${routeOf(path)}`, operation, status: 0, variables };
    this.log.push(entry);
    const resource = path === "/graphql" ? "graphql" : "core";
    this.rollLimits();

    const fault = this.faults.find((f) => f.left > 0 && f.when(entry));
    if (fault) {
      fault.left--;
      const answer = this.fault(fault.kind, resource, auth);
      if (answer) {
        if ("status" in answer) entry.status = answer.status;
        return answer;
      }
    }

    const isJwtRoute = /^\/repos\/[^/]+\/[^/]+\/installation$/.test(path);
    if (isJwtRoute ? !auth.startsWith("eyJ") : !this.valid.has(auth)) {
      entry.status = 401;
      return json(401, { message: "Bad credentials" });
    }

    const lim = this.limits[resource];
    if (lim.remaining <= 0) return this.spent(entry, resource);

    const answer = path === "/graphql" ? await this.graphql(query, variables ?? {}, operation ?? "") : this.rest(req.method, path, url.searchParams, isJwtRoute);
    entry.status = answer.status;
    return answer;
  }

  private rollLimits(): void {
    const t = this.now();
    for (const l of Object.values(this.limits)) {
      if (t >= l.resetMs) {
        l.remaining = l.limit;
        l.resetMs = t + GRAPHQL_RESET_MS;
      }
    }
  }

  private rateHeaders(resource: "graphql" | "core"): Record<string, string> {
    const l = this.limits[resource];
    return {
      "x-ratelimit-limit": String(l.limit),
      "x-ratelimit-remaining": String(Math.max(0, l.remaining)),
      "x-ratelimit-reset": String(Math.ceil(l.resetMs / 1000)),
      "x-ratelimit-resource": resource,
      "x-ratelimit-used": String(l.limit - Math.max(0, l.remaining)),
    };
  }

  private spent(entry: LoggedRequest, resource: "graphql" | "core"): FakeResponse {
    if (resource === "graphql") {
      entry.status = 200;
      return json(200, { errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded for installation." }] }, this.rateHeaders(resource));
    }
    entry.status = 403;
    return json(403, { message: "API rate limit exceeded for installation." }, this.rateHeaders(resource));
  }

  private fault(kind: FaultKind, resource: "graphql" | "core", auth: string): FakeResponse | null {
    if (typeof kind === "object") return { status: kind.status ?? 200, headers: { "content-type": "application/json; charset=utf-8", ...this.rateHeaders(resource) }, body: kind.body };
    switch (kind) {
      case "502":
      case "504":
      case "500":
        return json(Number(kind), { message: kind === "500" ? "Server Error" : "We couldn't respond to your request in time." });
      case "secondary":
        return json(403, { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." }, { "retry-after": "30" });
      case "secondary-no-retry-after":
        return json(403, { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." }, this.rateHeaders(resource));
      case "primary": {
        // The budget is spent until the window resets, ten minutes from now.
        const l = this.limits[resource];
        l.remaining = 0;
        l.resetMs = this.now() + 600_000;
        return null;
      }
      case "expire-token":
        // The token the client holds stops working (revoked, or expired before its cache entry did).
        this.valid.delete(auth);
        return null;
      case "timeout":
        return { error: "timeout" };
    }
  }

  private charge(resource: "graphql" | "core", cost: number): void {
    this.limits[resource].remaining -= cost;
  }

  private async graphql(query: string, variables: Record<string, unknown>, operation: string): Promise<FakeResponse & { status: number }> {
    // Roughly GitHub's formula for these documents: a point per hundred nested connections asked for.
    const prs = variables.withPullRequests === true && typeof variables.pullRequests === "number" ? variables.pullRequests : 0;
    const issues = variables.withIssues === true && typeof variables.issues === "number" ? variables.issues : 0;
    const cost = operation === "BackfillActivity" ? 1 + Math.ceil(prs / 2) + Math.ceil(issues / 5) : 1;
    this.charge("graphql", cost);
    const l = this.limits.graphql;
    const ctx: GraphqlContext = {
      repo: this.repo,
      configText: this.o.configText ?? null,
      orgConfigText: this.o.orgConfigText ?? null,
      rateLimit: () => ({ cost, remaining: Math.max(0, l.remaining), resetAt: new Date(l.resetMs).toISOString().replace(/\.\d{3}Z$/, "Z"), limit: l.limit, used: l.limit - l.remaining, nodeCount: 0 }),
    };
    const result = await executeGraphql(ctx, query, variables);
    return json(200, result, this.rateHeaders("graphql")) as FakeResponse & { status: number };
  }

  private rest(method: string, path: string, q: URLSearchParams, jwt: boolean): FakeResponse & { status: number } {
    const s = this.o;
    const repoPath = `/repos/${s.owner}/${s.name}`.toLowerCase();
    if (!jwt) this.charge("core", 1);
    const headers = jwt ? {} : this.rateHeaders("core");
    const lower = path.toLowerCase();
    if (method === "GET" && lower === `${repoPath}/installation`) return json(200, { id: s.installationId ?? 1, account: { login: s.owner, id: s.ownerId } });
    if (method === "GET" && path === "/installation/repositories") {
      const page = Number(q.get("page") ?? "1");
      const repos = page === 1 ? [{ id: s.repositoryId, name: s.name, full_name: `${s.owner}/${s.name}`, private: s.private ?? false, owner: { login: s.owner, id: s.ownerId } }] : [];
      return json(200, { total_count: 1, repositories: repos }, headers);
    }
    if (method === "GET" && lower === `${repoPath}/actions/runs`) return json(200, this.runs(q), headers);
    const files = new RegExp(`^${repoPath.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/pulls/(\\d+)/files$`).exec(lower);
    if (method === "GET" && files) {
      const index = this.repo.prIndexByNumber(Number(files[1]));
      if (index === null) return json(404, { message: "Not Found" }, headers);
      const perPage = Math.min(100, Number(q.get("per_page") ?? "30"));
      const page = Number(q.get("page") ?? "1");
      const all = this.repo.pullRequest(index).files;
      return json(
        200,
        all.slice((page - 1) * perPage, page * perPage).map((f) => ({ filename: f.path, status: f.changeType === "ADDED" ? "added" : "modified", additions: f.additions, deletions: f.deletions, changes: f.additions + f.deletions, patch: f.patch })),
        headers,
      );
    }
    return json(404, { message: "Not Found" }, headers);
  }

  private runs(q: URLSearchParams): { total_count: number; workflow_runs: unknown[] } {
    const branch = q.get("branch");
    const created = q.get("created") ?? "";
    const [a, b] = created.split("..");
    const from = a ? Date.parse(a) : -Infinity;
    const to = b ? Date.parse(b) : Infinity;
    const perPage = Math.min(100, Number(q.get("per_page") ?? "30"));
    const page = Number(q.get("page") ?? "1");
    const matches: { id: number; created_at: string }[] = [];
    for (let k = 0; k < this.repo.workflowRunCount(); k++) {
      const r = this.repo.workflowRunAt(k);
      if (!r || (branch && r.head_branch !== branch)) continue;
      const t = Date.parse(r.created_at);
      if (t >= from && t <= to) matches.push(r);
    }
    matches.sort((x, y) => y.created_at.localeCompare(x.created_at) || y.id - x.id);
    // Like GitHub, at most 1,000 results for a filtered list.
    const capped = matches.slice(0, 1000);
    return { total_count: capped.length, workflow_runs: capped.slice((page - 1) * perPage, page * perPage) };
  }
}

function routeOf(path: string): string {
  return path.replace(/\/repos\/[^/]+\/[^/]+/, "/repos/{owner}/{repo}").replace(/\/pulls\/\d+/, "/pulls/{n}").replace(/\/installations\/\d+/, "/installations/{id}");
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): { status: number; headers: Record<string, string>; body: string } {
  return { status, headers: { "content-type": "application/json; charset=utf-8", ...headers }, body: JSON.stringify(body) };
}
