/**
 * A pull request of the backfill's answers and what hangs off it: reviews,
 * review threads and their comments, commits, files, and the check suites and
 * runs of its head commit.
 */
import { actor, issueComment, label, type ActorData, type IssueCommentData } from "./backfill-parse-common.js";
import { bool, connection, date, enumStr, id, int, MAX, nodesOf, obj, optDate, optEnum, optId, optInt, optObj, optSha, optStr, sha, str, text, type Conn, type Reader } from "./backfill-parse-fields.js";

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

export function review(v: unknown, r: Reader): ReviewData | null {
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

export function reviewComment(v: unknown, r: Reader): ReviewCommentData {
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

export function commit(v: unknown, r: Reader): CommitData {
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

export function file(v: unknown, r: Reader): FileData {
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

export function checkSuite(v: unknown, r: Reader, headSha: string): CheckSuiteData {
  const n = obj(v, r);
  return {
    nodeId: str(n.id, r.at("id"), MAX.cursor),
    headSha,
    appSlug: optStr(optObj(n.app, r.at("app"))?.slug, r.at("app").at("slug"), 200),
    branch: optStr(optObj(n.branch, r.at("branch"))?.name, r.at("branch").at("name"), MAX.name),
    runs: connection(n.checkRuns, r.at("checkRuns"), checkRun),
  };
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
