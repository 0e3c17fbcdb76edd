/**
 * GitHub's GraphQL answers to the backfill's queries → typed data, checked
 * field by field. An API response is input from outside: a missing optional
 * field becomes null, but a missing or mistyped essential one (an id, a
 * number, a date), a string longer than GitHub allows, or a list that is not
 * a list is a MalformedApiResponseError naming the path, so a page is never
 * half-stored. Pure.
 */

export class MalformedApiResponseError extends Error {
  override name = "MalformedApiResponseError";
}

/** A connection's items read so far, and the cursor of the next page when GitHub said there is one. */
export interface Conn<T> {
  items: T[];
  after: string | null;
}

export interface ActorData {
  login: string;
  /** GitHub's numeric id (databaseId); null when GitHub did not give one. */
  id: number | null;
  /** User, Bot, Organization, Mannequin, … */
  type: string;
}

export interface ReviewData {
  id: number;
  author: ActorData | null;
  state: string;
  body: string;
  commitId: string | null;
  url: string;
  authorAssociation: string;
  submittedAt: string | null;
}

export interface ReviewCommentData {
  id: number;
  author: ActorData | null;
  path: string;
  line: number | null;
  originalLine: number | null;
  diffHunk: string;
  commitId: string | null;
  originalCommitId: string | null;
  replyToId: number | null;
  reviewId: number | null;
  body: string;
  url: string;
  authorAssociation: string;
  createdAt: string;
  updatedAt: string;
}

export interface ThreadData {
  nodeId: string;
  isResolved: boolean;
  isOutdated: boolean;
  path: string | null;
  diffSide: string | null;
  resolvedBy: string | null;
  comments: Conn<ReviewCommentData>;
}

export interface IssueCommentData {
  id: number;
  author: ActorData | null;
  body: string;
  url: string;
  authorAssociation: string;
  createdAt: string;
  updatedAt: string;
}

export interface CommitData {
  sha: string;
  message: string;
  authoredAt: string | null;
  authorName: string;
  authorEmail: string;
  user: { id: number; login: string } | null;
}

export interface FileData {
  path: string;
  additions: number;
  deletions: number;
  changeType: string;
}

export interface CheckRunData {
  id: number;
  name: string;
  status: string;
  conclusion: string | null;
  startedAt: string | null;
  completedAt: string | null;
}

export interface CheckSuiteData {
  nodeId: string;
  headSha: string;
  appSlug: string | null;
  branch: string | null;
  runs: Conn<CheckRunData>;
}

export interface PullRequestData {
  nodeId: string;
  id: number;
  number: number;
  title: string;
  body: string;
  url: string;
  state: string;
  isDraft: boolean;
  merged: boolean;
  mergedAt: string | null;
  mergedBy: ActorData | null;
  author: ActorData | null;
  authorAssociation: string;
  additions: number;
  deletions: number;
  changedFiles: number;
  commitCount: number;
  headRefOid: string;
  headRefName: string;
  baseRefOid: string;
  baseRefName: string;
  createdAt: string;
  closedAt: string | null;
  updatedAt: string;
  labels: Conn<string>;
  reviews: Conn<ReviewData>;
  threads: Conn<ThreadData>;
  comments: Conn<IssueCommentData>;
  commits: Conn<CommitData>;
  files: Conn<FileData>;
  checkSuites: CheckSuiteData[];
}

export interface IssueEventData {
  id: string;
  type: string;
  at: string;
  actor: ActorData | null;
  label: string | null;
  previousTitle: string | null;
}

export interface EditData {
  id: string;
  editedAt: string;
  editor: ActorData | null;
  /** The text after this edit (GitHub's `diff` holds the whole revision). */
  text: string | null;
}

export interface IssueData {
  nodeId: string;
  id: number;
  number: number;
  title: string;
  body: string;
  url: string;
  state: string;
  stateReason: string | null;
  author: ActorData | null;
  authorAssociation: string;
  createdAt: string;
  closedAt: string | null;
  updatedAt: string;
  labels: Conn<string>;
  comments: Conn<IssueCommentData>;
  events: Conn<IssueEventData>;
  edits: Conn<EditData>;
}

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

// ── Limits ─────────────────────────────────────────────────────────────────

/** Longer than GitHub allows (bodies are capped at 65,536 characters; titles at 256): not a real answer. */
const MAX = { body: 262_144, title: 4_096, name: 1_024, url: 2_048, path: 4_096, hunk: 1_000_000, message: 1_000_000, cursor: 1_024, config: 1_000_000 } as const;
const MAX_NODES = 1_000;

type Obj = Record<string, unknown>;

class Reader {
  constructor(readonly path: string) {}
  fail(what: string, v: unknown): never {
    const got = v === null ? "null" : Array.isArray(v) ? "a list" : typeof v === "string" ? `a string of ${v.length} characters` : typeof v;
    throw new MalformedApiResponseError(`${this.path}: ${what}, got ${got}`);
  }
  at(key: string | number): Reader {
    return new Reader(typeof key === "number" ? `${this.path}[${key}]` : `${this.path}.${key}`);
  }
}

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
// eslint-disable-next-line no-control-regex
const clean = (s: string) => (s.includes("\u0000") ? s.replace(/\u0000/g, "") : s);

function obj(v: unknown, r: Reader): Obj {
  return isObj(v) ? v : r.fail("expected an object", v);
}
function optObj(v: unknown, r: Reader): Obj | null {
  return v === null || v === undefined ? null : obj(v, r);
}
function str(v: unknown, r: Reader, max: number): string {
  if (typeof v !== "string") return r.fail("expected a string", v);
  if (v.length > max) return r.fail(`longer than ${max} characters`, v);
  return clean(v);
}
function optStr(v: unknown, r: Reader, max: number): string | null {
  return v === null || v === undefined ? null : str(v, r, max);
}
/** Text that may be absent (an empty body): "" when null. */
function text(v: unknown, r: Reader, max: number): string {
  return optStr(v, r, max) ?? "";
}
function bool(v: unknown, r: Reader): boolean {
  return typeof v === "boolean" ? v : r.fail("expected true or false", v);
}
function int(v: unknown, r: Reader, min = 0, max = 2_147_483_647): number {
  return typeof v === "number" && Number.isInteger(v) && v >= min && v <= max ? v : r.fail(`expected a whole number from ${min} to ${max}`, v);
}
function optInt(v: unknown, r: Reader): number | null {
  return v === null || v === undefined ? null : int(v, r, 0);
}
/** GitHub ids: GraphQL's BigInt arrives as a string of digits, databaseId as a number. */
function id(v: unknown, r: Reader): number {
  const n = typeof v === "string" && /^\d{1,16}$/.test(v) ? Number(v) : v;
  return typeof n === "number" && Number.isSafeInteger(n) && n > 0 ? n : r.fail("expected a GitHub id", v);
}
function optId(v: unknown, r: Reader): number | null {
  return v === null || v === undefined ? null : id(v, r);
}
function date(v: unknown, r: Reader): string {
  const t = typeof v === "string" && v.length <= 40 ? Date.parse(v) : NaN;
  if (Number.isNaN(t) || t < -62_167_219_200_000 || t > 253_402_300_799_999) return r.fail("expected a date", v);
  return new Date(t).toISOString();
}
function optDate(v: unknown, r: Reader): string | null {
  return v === null || v === undefined ? null : date(v, r);
}
function sha(v: unknown, r: Reader): string {
  return typeof v === "string" && /^[0-9a-f]{7,64}$/i.test(v) ? v : r.fail("expected a commit id", v);
}
function optSha(v: unknown, r: Reader): string | null {
  return v === null || v === undefined ? null : sha(v, r);
}
function enumStr(v: unknown, r: Reader): string {
  return typeof v === "string" && /^[A-Z_]{1,40}$/.test(v) ? v : r.fail("expected an upper-case GraphQL enum value", v);
}
function optEnum(v: unknown, r: Reader): string | null {
  return v === null || v === undefined ? null : enumStr(v, r);
}

function nodesOf(v: unknown, r: Reader): unknown[] {
  const c = obj(v, r);
  const nodes = c.nodes;
  if (!Array.isArray(nodes)) return r.at("nodes").fail("expected a list", nodes);
  if (nodes.length > MAX_NODES) return r.at("nodes").fail(`more than ${MAX_NODES} nodes in one page`, nodes);
  return nodes;
}

/** A connection: its nodes (nulls, which GitHub sends for items it cannot show, skipped) and the next cursor. */
export function connection<T>(v: unknown, r: Reader, item: (n: unknown, r: Reader) => T | null): Conn<T> {
  const c = obj(v, r);
  const nodes = nodesOf(c, r);
  const items: T[] = [];
  nodes.forEach((n, i) => {
    if (n === null) return;
    const x = item(n, r.at("nodes").at(i));
    if (x !== null) items.push(x);
  });
  const pi = optObj(c.pageInfo, r.at("pageInfo"));
  const more = pi ? bool(pi.hasNextPage, r.at("pageInfo").at("hasNextPage")) : false;
  const after = more ? str(pi!.endCursor, r.at("pageInfo").at("endCursor"), MAX.cursor) : null;
  return { items, after };
}

// ── Items ──────────────────────────────────────────────────────────────────

export function actor(v: unknown, r: Reader): ActorData | null {
  const a = optObj(v, r);
  if (!a) return null;
  return { login: str(a.login, r.at("login"), 100), id: optId(a.databaseId, r.at("databaseId")), type: typeof a.__typename === "string" ? str(a.__typename, r.at("__typename"), 40) : "User" };
}

function review(v: unknown, r: Reader): ReviewData | null {
  const n = obj(v, r);
  const state = enumStr(n.state, r.at("state"));
  // A pending review is a draft only its author sees; webhooks never send one.
  if (state === "PENDING") return null;
  return {
    id: id(n.fullDatabaseId, r.at("fullDatabaseId")),
    author: actor(n.author, r.at("author")),
    state,
    body: text(n.body, r.at("body"), MAX.body),
    commitId: optSha(optObj(n.commit, r.at("commit"))?.oid, r.at("commit").at("oid")),
    url: text(n.url, r.at("url"), MAX.url),
    authorAssociation: enumStr(n.authorAssociation, r.at("authorAssociation")),
    submittedAt: optDate(n.submittedAt, r.at("submittedAt")),
  };
}

function reviewComment(v: unknown, r: Reader): ReviewCommentData {
  const n = obj(v, r);
  return {
    id: id(n.fullDatabaseId, r.at("fullDatabaseId")),
    author: actor(n.author, r.at("author")),
    path: text(n.path, r.at("path"), MAX.path),
    line: optInt(n.line, r.at("line")),
    originalLine: optInt(n.originalLine, r.at("originalLine")),
    diffHunk: text(n.diffHunk, r.at("diffHunk"), MAX.hunk),
    commitId: optSha(optObj(n.commit, r.at("commit"))?.oid, r.at("commit").at("oid")),
    originalCommitId: optSha(optObj(n.originalCommit, r.at("originalCommit"))?.oid, r.at("originalCommit").at("oid")),
    replyToId: optId(optObj(n.replyTo, r.at("replyTo"))?.fullDatabaseId, r.at("replyTo").at("fullDatabaseId")),
    reviewId: optId(optObj(n.pullRequestReview, r.at("pullRequestReview"))?.fullDatabaseId, r.at("pullRequestReview").at("fullDatabaseId")),
    body: text(n.body, r.at("body"), MAX.body),
    url: text(n.url, r.at("url"), MAX.url),
    authorAssociation: enumStr(n.authorAssociation, r.at("authorAssociation")),
    createdAt: date(n.createdAt, r.at("createdAt")),
    updatedAt: date(n.updatedAt, r.at("updatedAt")),
  };
}

export function thread(v: unknown, r: Reader): ThreadData {
  const n = obj(v, r);
  return {
    nodeId: str(n.id, r.at("id"), MAX.cursor),
    isResolved: bool(n.isResolved, r.at("isResolved")),
    isOutdated: bool(n.isOutdated, r.at("isOutdated")),
    path: optStr(n.path, r.at("path"), MAX.path),
    diffSide: optEnum(n.diffSide, r.at("diffSide")),
    resolvedBy: optStr(optObj(n.resolvedBy, r.at("resolvedBy"))?.login, r.at("resolvedBy").at("login"), 100),
    comments: connection(n.comments, r.at("comments"), reviewComment),
  };
}

function issueComment(v: unknown, r: Reader): IssueCommentData {
  const n = obj(v, r);
  return {
    id: id(n.fullDatabaseId, r.at("fullDatabaseId")),
    author: actor(n.author, r.at("author")),
    body: text(n.body, r.at("body"), MAX.body),
    url: text(n.url, r.at("url"), MAX.url),
    authorAssociation: enumStr(n.authorAssociation, r.at("authorAssociation")),
    createdAt: date(n.createdAt, r.at("createdAt")),
    updatedAt: date(n.updatedAt, r.at("updatedAt")),
  };
}

function commit(v: unknown, r: Reader): CommitData {
  const rc = r.at("commit");
  const c = obj(obj(v, r).commit, rc);
  const a = optObj(c.author, rc.at("author"));
  const u = a ? optObj(a.user, rc.at("author").at("user")) : null;
  const ur = rc.at("author").at("user");
  return {
    sha: sha(c.oid, rc.at("oid")),
    message: text(c.message, rc.at("message"), MAX.message),
    authoredAt: optDate(c.authoredDate, rc.at("authoredDate")),
    authorName: text(a?.name, rc.at("author").at("name"), MAX.name),
    authorEmail: text(a?.email, rc.at("author").at("email"), MAX.name).toLowerCase(),
    user: u && u.databaseId !== null && u.databaseId !== undefined ? { id: id(u.databaseId, ur.at("databaseId")), login: str(u.login, ur.at("login"), 100) } : null,
  };
}

function file(v: unknown, r: Reader): FileData {
  const n = obj(v, r);
  return {
    path: str(n.path, r.at("path"), MAX.path),
    additions: int(n.additions, r.at("additions")),
    deletions: int(n.deletions, r.at("deletions")),
    changeType: enumStr(n.changeType, r.at("changeType")),
  };
}

export function checkRun(v: unknown, r: Reader): CheckRunData {
  const n = obj(v, r);
  return {
    id: id(n.databaseId, r.at("databaseId")),
    name: text(n.name, r.at("name"), MAX.name),
    status: enumStr(n.status, r.at("status")),
    conclusion: optEnum(n.conclusion, r.at("conclusion")),
    startedAt: optDate(n.startedAt, r.at("startedAt")),
    completedAt: optDate(n.completedAt, r.at("completedAt")),
  };
}

function checkSuite(v: unknown, r: Reader, headSha: string): CheckSuiteData {
  const n = obj(v, r);
  return {
    nodeId: str(n.id, r.at("id"), MAX.cursor),
    headSha,
    appSlug: optStr(optObj(n.app, r.at("app"))?.slug, r.at("app").at("slug"), 200),
    branch: optStr(optObj(n.branch, r.at("branch"))?.name, r.at("branch").at("name"), MAX.name),
    runs: connection(n.checkRuns, r.at("checkRuns"), checkRun),
  };
}

function label(v: unknown, r: Reader): string {
  return str(obj(v, r).name, r.at("name"), MAX.name);
}

export function pullRequest(v: unknown, r: Reader): PullRequestData {
  const n = obj(v, r);
  const suites: CheckSuiteData[] = [];
  const head = optObj(n.headCommit, r.at("headCommit"));
  if (head) {
    nodesOf(head, r.at("headCommit")).forEach((c, i) => {
      const cr = r.at("headCommit").at("nodes").at(i).at("commit");
      const commitObj = optObj(optObj(c, cr)?.commit, cr);
      if (!commitObj) return;
      const oid = sha(commitObj.oid, cr.at("oid"));
      const cs = optObj(commitObj.checkSuites, cr.at("checkSuites"));
      if (!cs) return;
      nodesOf(cs, cr.at("checkSuites")).forEach((s, j) => {
        if (s !== null) suites.push(checkSuite(s, cr.at("checkSuites").at("nodes").at(j), oid));
      });
    });
  }
  return {
    nodeId: str(n.id, r.at("id"), MAX.cursor),
    id: id(n.fullDatabaseId, r.at("fullDatabaseId")),
    number: int(n.number, r.at("number"), 1),
    title: text(n.title, r.at("title"), MAX.title),
    body: text(n.body, r.at("body"), MAX.body),
    url: text(n.url, r.at("url"), MAX.url),
    state: enumStr(n.state, r.at("state")),
    isDraft: n.isDraft === undefined || n.isDraft === null ? false : bool(n.isDraft, r.at("isDraft")),
    merged: bool(n.merged, r.at("merged")),
    mergedAt: optDate(n.mergedAt, r.at("mergedAt")),
    mergedBy: actor(n.mergedBy, r.at("mergedBy")),
    author: actor(n.author, r.at("author")),
    authorAssociation: enumStr(n.authorAssociation, r.at("authorAssociation")),
    additions: int(n.additions, r.at("additions")),
    deletions: int(n.deletions, r.at("deletions")),
    changedFiles: int(n.changedFiles, r.at("changedFiles")),
    commitCount: int(obj(n.commitCount, r.at("commitCount")).totalCount, r.at("commitCount").at("totalCount")),
    headRefOid: optSha(n.headRefOid, r.at("headRefOid")) ?? "",
    headRefName: text(n.headRefName, r.at("headRefName"), MAX.name),
    baseRefOid: optSha(n.baseRefOid, r.at("baseRefOid")) ?? "",
    baseRefName: text(n.baseRefName, r.at("baseRefName"), MAX.name),
    createdAt: date(n.createdAt, r.at("createdAt")),
    closedAt: optDate(n.closedAt, r.at("closedAt")),
    updatedAt: date(n.updatedAt, r.at("updatedAt")),
    labels: connection(n.labels, r.at("labels"), label),
    reviews: connection(n.reviews, r.at("reviews"), review),
    threads: connection(n.reviewThreads, r.at("reviewThreads"), thread),
    comments: connection(n.comments, r.at("comments"), issueComment),
    commits: connection(n.commits, r.at("commits"), commit),
    files: connection(n.files, r.at("files"), file),
    checkSuites: suites,
  };
}

const EVENT_TYPES = new Set(["LabeledEvent", "UnlabeledEvent", "ClosedEvent", "ReopenedEvent", "MarkedAsDuplicateEvent", "AssignedEvent", "TransferredEvent", "RenamedTitleEvent"]);

function issueEvent(v: unknown, r: Reader): IssueEventData | null {
  const n = obj(v, r);
  const type = str(n.__typename, r.at("__typename"), 60);
  if (!EVENT_TYPES.has(type)) return null;
  return {
    id: str(n.id, r.at("id"), MAX.cursor),
    type,
    at: date(n.createdAt, r.at("createdAt")),
    actor: actor(n.actor, r.at("actor")),
    label: optStr(optObj(n.label, r.at("label"))?.name, r.at("label").at("name"), MAX.name),
    previousTitle: optStr(n.previousTitle, r.at("previousTitle"), MAX.title),
  };
}

function edit(v: unknown, r: Reader): EditData {
  const n = obj(v, r);
  return { id: str(n.id, r.at("id"), MAX.cursor), editedAt: date(n.editedAt, r.at("editedAt")), editor: actor(n.editor, r.at("editor")), text: optStr(n.diff, r.at("diff"), MAX.body) };
}

export function issue(v: unknown, r: Reader): IssueData {
  const n = obj(v, r);
  return {
    nodeId: str(n.id, r.at("id"), MAX.cursor),
    id: id(n.fullDatabaseId, r.at("fullDatabaseId")),
    number: int(n.number, r.at("number"), 1),
    title: text(n.title, r.at("title"), MAX.title),
    body: text(n.body, r.at("body"), MAX.body),
    url: text(n.url, r.at("url"), MAX.url),
    state: enumStr(n.state, r.at("state")),
    stateReason: optEnum(n.stateReason, r.at("stateReason")),
    author: actor(n.author, r.at("author")),
    authorAssociation: enumStr(n.authorAssociation, r.at("authorAssociation")),
    createdAt: date(n.createdAt, r.at("createdAt")),
    closedAt: optDate(n.closedAt, r.at("closedAt")),
    updatedAt: date(n.updatedAt, r.at("updatedAt")),
    labels: connection(n.labels, r.at("labels"), label),
    comments: connection(n.comments, r.at("comments"), issueComment),
    events: connection(n.timelineItems, r.at("timelineItems"), issueEvent),
    edits: connection(n.userContentEdits, r.at("userContentEdits"), edit),
  };
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
