/**
 * Reads one repository's history from GitHub, a page at a time: the
 * repository (with its configuration and how many pull requests and issues
 * the window holds), pages of pull requests and issues with their nested
 * connections read to the end (many overflow pages per call), default-branch
 * workflow runs (REST, newest first, by a moving `created` bound so no page
 * is deeper than the first few), and diffs of the pull requests that need
 * them. Nothing here writes; the caller stores each page with its checkpoint.
 */
import type { ApiClient } from "./api-client.js";
import { ApiError } from "./api-client.js";
import {
  BACKFILL_ACTIVITY,
  BACKFILL_CONFIG,
  BACKFILL_REPOSITORY,
  OVERFLOW_BATCH,
  overflowQuery,
  type OverflowKind,
  type OverflowRequest,
} from "./backfill-queries.js";
import {
  MalformedApiResponseError,
  parseActivityPage,
  parseConfigTexts,
  parseOverflow,
  parseRepository,
  type Conn,
  type IssueData,
  type Page,
  type PullRequestData,
  type RepositoryData,
} from "./backfill-parse.js";
import { parsePullRequestFiles, type PullRequestFileRow } from "./parse-pull-request-files.js";
import { afterSuccess, initialPageSize, shrinkPage, type PageSizeState } from "../core/backfill/page-size.js";
import type { BackfillWindow } from "../core/backfill/plan-window.js";

export interface FetchOptions {
  pullRequestPageSize: number;
  issuePageSize: number;
  /** Overflow calls allowed for one page of pull requests or issues (a bound on pathological pages). */
  maxOverflowCallsPerPage: number;
  /** REST pages of files read for one pull request's diffs (100 files each). */
  maxPatchPages: number;
}

export const DEFAULT_FETCH_OPTIONS: FetchOptions = { pullRequestPageSize: 100, issuePageSize: 100, maxOverflowCallsPerPage: 50, maxPatchPages: 3 };

/** Where the activity pages stand: each side's cursor, and whether it has been read to its end. */
export interface ActivityCursor {
  pullRequestsAfter: string | null;
  pullRequestsDone: boolean;
  issuesAfter: string | null;
  issuesDone: boolean;
}

/** Items read for one nested connection at most: memory stays bounded on giant pull requests. */
const ITEM_CAP: Record<OverflowKind, number> = {
  labels: 100,
  reviews: 1_000,
  reviewThreads: 1_000,
  threadComments: 500,
  comments: 2_000,
  commits: 1_000,
  files: 3_000,
  checkRuns: 500,
  timelineItems: 2_000,
  userContentEdits: 200,
};

/** Workflow runs per REST page (GitHub's maximum). */
export const RUNS_PER_PAGE = 100;

export interface RunsCursor {
  /** Runs created at or before this time are still to read (null: up to the window's end). */
  before: string | null;
  /** Page at that bound (more than a page of runs can share one second). */
  page: number;
}

/** GitHub search dates: whole seconds, UTC. */
const searchDate = (iso: string) => `${iso.slice(0, 19)}Z`;

export class BackfillFetcher {
  private size: PageSizeState;

  constructor(
    private readonly api: ApiClient,
    readonly owner: string,
    readonly name: string,
    private readonly options: FetchOptions = DEFAULT_FETCH_OPTIONS,
  ) {
    this.size = initialPageSize(options.pullRequestPageSize);
  }

  /** The repository, its configuration files and the window's counts; null when it does not exist or cannot be seen. */
  async repository(w: BackfillWindow): Promise<RepositoryData | null> {
    const repo = `repo:${this.owner}/${this.name}`;
    const range = `updated:>=${searchDate(w.since)} created:<${searchDate(w.until)}`;
    try {
      const data = await this.api.graphql<unknown>(BACKFILL_REPOSITORY, {
        owner: this.owner,
        name: this.name,
        pullRequests: `${repo} is:pr ${range}`,
        issues: `${repo} is:issue ${range}`,
      });
      return parseRepository(data);
    } catch (err) {
      if (err instanceof ApiError && err.notFound) return null;
      throw err;
    }
  }

  async configTexts(): Promise<{ configText: string | null; orgConfigText: string | null }> {
    return parseConfigTexts(await this.api.graphql<unknown>(BACKFILL_CONFIG, { owner: this.owner, name: this.name }));
  }

  /**
   * A page of pull requests and issues (each most recently updated first; issues updated since
   * `since`), nested connections not yet read. A side whose cursor says it is done is not asked for.
   */
  async activity(cursor: ActivityCursor, since: string): Promise<{ pullRequests: Page<PullRequestData> | null; issues: Page<IssueData> | null }> {
    const asked = { pullRequests: !cursor.pullRequestsDone, issues: !cursor.issuesDone };
    const vars = (size: number) => ({
      owner: this.owner,
      name: this.name,
      since,
      withPullRequests: asked.pullRequests,
      pullRequests: size,
      pullRequestsAfter: cursor.pullRequestsAfter,
      withIssues: asked.issues,
      issues: Math.min(this.options.issuePageSize, Math.max(1, Math.round((size * this.options.issuePageSize) / this.options.pullRequestPageSize))),
      issuesAfter: cursor.issuesAfter,
    });
    const data = await this.api.graphql<unknown>(BACKFILL_ACTIVITY, vars(this.size.size), {
      // GitHub gave up on the query (502/504, a timeout): ask for fewer items; the cursors stay valid.
      shrink: () => {
        const smaller = shrinkPage(this.size);
        if (!smaller) return null;
        this.size = smaller;
        return vars(smaller.size);
      },
    });
    this.size = afterSuccess(this.size);
    return parseActivityPage(data, asked);
  }

  /** Reads the rest of every nested connection of these pull requests and issues (in place). Returns the calls made. */
  async completeNested(prs: readonly PullRequestData[], issues: readonly IssueData[]): Promise<number> {
    const pending: Pending[] = [];
    const watch = <K extends OverflowKind>(nodeId: string, kind: K, conn: Conn<unknown>, onItems?: (items: unknown[]) => void) => {
      // Past its cap a connection is left unfinished (a file list then counts as incomplete).
      if (conn.after !== null && conn.items.length < ITEM_CAP[kind]) pending.push({ req: { nodeId, kind, after: conn.after }, conn, onItems });
    };
    for (const pr of prs) {
      watch(pr.nodeId, "labels", pr.labels);
      watch(pr.nodeId, "reviews", pr.reviews);
      watch(pr.nodeId, "comments", pr.comments);
      watch(pr.nodeId, "commits", pr.commits);
      watch(pr.nodeId, "files", pr.files);
      const watchThreads = (threads: PullRequestData["threads"]["items"]) => {
        for (const t of threads) watch(t.nodeId, "threadComments", t.comments);
      };
      watchThreads(pr.threads.items);
      watch(pr.nodeId, "reviewThreads", pr.threads, (items) => watchThreads(items as PullRequestData["threads"]["items"]));
      for (const s of pr.checkSuites) watch(s.nodeId, "checkRuns", s.runs);
    }
    for (const i of issues) {
      watch(i.nodeId, "labels", i.labels);
      watch(i.nodeId, "comments", i.comments);
      watch(i.nodeId, "timelineItems", i.events);
      watch(i.nodeId, "userContentEdits", i.edits);
    }
    let calls = 0;
    while (pending.length) {
      // A bound on pathological pages: what is left stays unread (and incomplete file lists keep stored files).
      if (calls >= this.options.maxOverflowCallsPerPage) break;
      const batch = pending.splice(0, OVERFLOW_BATCH);
      const { query, variables } = overflowQuery(batch.map((p) => p.req));
      const data = (await this.api.graphql<Record<string, unknown>>(query, variables)) ?? {};
      calls++;
      batch.forEach((p, i) => {
        const node = data[`o${i}`];
        // The node is gone (deleted meanwhile): what was read stays, the rest cannot be.
        if (node === null || node === undefined) {
          p.conn.after = null;
          return;
        }
        const next = parseOverflow(p.req.kind, node, `data.o${i}`);
        p.conn.items.push(...next.items);
        p.conn.after = next.after;
        p.onItems?.(next.items);
        if (next.after !== null && p.conn.items.length < ITEM_CAP[p.req.kind]) pending.push({ ...p, req: { ...p.req, after: next.after } });
      });
    }
    return calls;
  }

  /** One page of default-branch workflow runs in the window, newest first; `next` is null after the last. */
  async workflowRuns(branch: string, w: BackfillWindow, cursor: RunsCursor): Promise<{ runs: unknown[]; next: RunsCursor | null; where: string }> {
    const until = cursor.before ?? w.until;
    const created = `${searchDate(w.since)}..${searchDate(until)}`;
    const { data } = await this.api.rest<unknown>("GET /repos/{owner}/{repo}/actions/runs", {
      owner: this.owner,
      repo: this.name,
      branch,
      created,
      per_page: RUNS_PER_PAGE,
      page: cursor.page,
      exclude_pull_requests: true,
    });
    const where = `actions/runs?created=${created}&page=${cursor.page}`;
    const list = typeof data === "object" && data !== null ? (data as { workflow_runs?: unknown }).workflow_runs : undefined;
    if (!Array.isArray(list)) throw new MalformedApiResponseError(`${where}: expected workflow_runs to be a list`);
    if (list.length > RUNS_PER_PAGE) throw new MalformedApiResponseError(`${where}: ${list.length} runs in a page of ${RUNS_PER_PAGE}`);
    if (list.length < RUNS_PER_PAGE) return { runs: list, next: null, where };
    // The next bound: the oldest creation time seen (runs at that second are read again, harmlessly).
    let oldest: string | null = null;
    for (const r of list) {
      const t = typeof r === "object" && r !== null ? (r as { created_at?: unknown }).created_at : undefined;
      const ms = typeof t === "string" ? Date.parse(t) : NaN;
      if (Number.isNaN(ms)) continue;
      const iso = new Date(ms).toISOString();
      if (oldest === null || iso < oldest) oldest = iso;
    }
    if (oldest === null) throw new MalformedApiResponseError(`${where}: no run has a created_at`);
    const sameBound = searchDate(oldest) === searchDate(until);
    return { runs: list, next: sameBound ? { before: until, page: cursor.page + 1 } : { before: oldest, page: 1 }, where };
  }

  /** A pull request's files with their diffs (REST). `complete`: every file was listed. */
  async patches(number: number): Promise<{ files: PullRequestFileRow[]; complete: boolean; calls: number }> {
    const files: PullRequestFileRow[] = [];
    let calls = 0;
    for (let page = 1; page <= this.options.maxPatchPages; page++) {
      calls++;
      const { data } = await this.api.rest<unknown>("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", { owner: this.owner, repo: this.name, pull_number: number, per_page: 100, page });
      if (!Array.isArray(data)) throw new MalformedApiResponseError(`pulls/${number}/files: expected a list of files`);
      files.push(...parsePullRequestFiles(data));
      if (data.length < 100) return { files, complete: true, calls };
    }
    return { files, complete: false, calls };
  }
}

interface Pending {
  req: OverflowRequest;
  conn: Conn<unknown>;
  onItems?: ((items: unknown[]) => void) | undefined;
}
