/**
 * GitHub's GraphQL answers to the backfill's queries → typed data, checked
 * field by field. An API response is input from outside: a missing optional
 * field becomes null, but a missing or mistyped essential one (an id, a
 * number, a date), a string longer than GitHub allows, or a list that is not
 * a list is a MalformedApiResponseError naming the path, so a page is never
 * half-stored. Pure.
 *
 * This module holds the whole answers (repository, configuration, a page of
 * activity, an overflow page); the items are read in
 * backfill-parse-{pull-request,issue,common}.ts with the checked readers of
 * backfill-parse-fields.ts.
 */
import { actor, issueComment, label, type ActorData, type IssueCommentData } from "./backfill-parse-common.js";
import { bool, connection, id, int, MAX, obj, optObj, optStr, Reader, str, text, type Conn } from "./backfill-parse-fields.js";
import { edit, issue, issueEvent, type EditData, type IssueData, type IssueEventData } from "./backfill-parse-issue.js";
import { checkRun, commit, file, pullRequest, review, reviewComment, thread, type CheckRunData, type CommitData, type FileData, type PullRequestData, type ReviewCommentData, type ReviewData, type ThreadData } from "./backfill-parse-pull-request.js";

export { actor, type ActorData, type IssueCommentData } from "./backfill-parse-common.js";
export { connection, MalformedApiResponseError, type Conn } from "./backfill-parse-fields.js";
export { issue, type EditData, type IssueData, type IssueEventData } from "./backfill-parse-issue.js";
export {
  checkRun,
  pullRequest,
  thread,
  type CheckRunData,
  type CheckSuiteData,
  type CommitData,
  type FileData,
  type PullRequestData,
  type ReviewCommentData,
  type ReviewData,
  type ThreadData,
} from "./backfill-parse-pull-request.js";

export interface RepositoryData {
  id: number;
  name: string;
  fullName: string;
  owner: ActorData;
  private: boolean;
  archived: boolean;
  url: string;
  defaultBranch: string;
  /** `.github/unsung.yml` of the repository and of the organisation's `.github` repository (null: none). */
  configText: string | null;
  orgConfigText: string | null;
  pullRequestCount: number | null;
  issueCount: number | null;
}

export interface Page<T> {
  nodes: T[];
  after: string | null;
}

// ── Whole answers ──────────────────────────────────────────────────────────

function blobText(v: unknown, r: Reader): string | null {
  const b = optObj(v, r);
  if (!b || b.isBinary === true) return null;
  return optStr(b.text, r.at("text"), MAX.config);
}

/** The repository query's answer; null when the repository does not exist (or the token cannot see it). */
export function parseRepository(data: unknown): RepositoryData | null {
  const root = obj(data, new Reader("data"));
  const r = new Reader("data.repository");
  const repo = optObj(root.repository, r);
  if (!repo) return null;
  const owner = actor(repo.owner, r.at("owner"));
  if (!owner) return r.at("owner").fail("expected the owner", repo.owner);
  const org = optObj(root.org, new Reader("data.org"));
  const count = (k: string) => {
    const c = optObj(root[k], new Reader(`data.${k}`));
    return c ? int(c.issueCount, new Reader(`data.${k}.issueCount`)) : null;
  };
  return {
    id: id(repo.databaseId, r.at("databaseId")),
    name: str(repo.name, r.at("name"), 200),
    fullName: str(repo.nameWithOwner, r.at("nameWithOwner"), 300),
    owner,
    private: bool(repo.isPrivate, r.at("isPrivate")),
    archived: repo.isArchived === true,
    url: text(repo.url, r.at("url"), MAX.url),
    defaultBranch: optStr(optObj(repo.defaultBranchRef, r.at("defaultBranchRef"))?.name, r.at("defaultBranchRef").at("name"), MAX.name) ?? "main",
    configText: blobText(repo.config, r.at("config")),
    orgConfigText: org ? blobText(org.config, new Reader("data.org.config")) : null,
    pullRequestCount: count("pullRequestCount"),
    issueCount: count("issueCount"),
  };
}

/** The configuration-only query's answer. */
export function parseConfigTexts(data: unknown): { configText: string | null; orgConfigText: string | null } {
  const root = obj(data, new Reader("data"));
  const repo = optObj(root.repository, new Reader("data.repository"));
  const org = optObj(root.org, new Reader("data.org"));
  return {
    configText: repo ? blobText(repo.config, new Reader("data.repository.config")) : null,
    orgConfigText: org ? blobText(org.config, new Reader("data.org.config")) : null,
  };
}

/** A page of activity: the pull requests and issues asked for (null: that side was not asked for). */
export function parseActivityPage(data: unknown, asked: { pullRequests: boolean; issues: boolean }): { pullRequests: Page<PullRequestData> | null; issues: Page<IssueData> | null } {
  const root = obj(data, new Reader("data"));
  const r = new Reader("data.repository");
  const repo = obj(root.repository, r);
  const side = <T>(field: string, item: (v: unknown, r: Reader) => T): Page<T> => {
    const c = connection(repo[field], r.at(field), item);
    return { nodes: c.items, after: c.after };
  };
  return { pullRequests: asked.pullRequests ? side("pullRequests", pullRequest) : null, issues: asked.issues ? side("issues", issue) : null };
}

/** A reader rooted at a path, for overflow answers parsed by the caller. */
export function readerAt(path: string): Reader {
  return new Reader(path);
}
export type { Reader };

/** The item type each overflow kind yields. */
export interface OverflowItems {
  labels: string;
  reviews: ReviewData;
  reviewThreads: ThreadData;
  threadComments: ReviewCommentData;
  comments: IssueCommentData;
  commits: CommitData;
  files: FileData;
  checkRuns: CheckRunData;
  timelineItems: IssueEventData;
  userContentEdits: EditData;
}

const OVERFLOW_PARSERS: { [K in keyof OverflowItems]: { field: string; item: (v: unknown, r: Reader) => OverflowItems[K] | null } } = {
  labels: { field: "labels", item: label },
  reviews: { field: "reviews", item: review },
  reviewThreads: { field: "reviewThreads", item: thread },
  threadComments: { field: "comments", item: reviewComment },
  comments: { field: "comments", item: issueComment },
  commits: { field: "commits", item: commit },
  files: { field: "files", item: file },
  checkRuns: { field: "checkRuns", item: checkRun },
  timelineItems: { field: "timelineItems", item: issueEvent },
  userContentEdits: { field: "userContentEdits", item: edit },
};

/** One alias of an overflow answer (`o3: node(id) { … }`): the next page of that connection. */
export function parseOverflow<K extends keyof OverflowItems>(kind: K, node: unknown, path: string): Conn<OverflowItems[K]> {
  const r = new Reader(path);
  const n = obj(node, r);
  const p = OVERFLOW_PARSERS[kind];
  return connection(n[p.field], r.at(p.field), p.item as (v: unknown, r: Reader) => OverflowItems[K] | null);
}
