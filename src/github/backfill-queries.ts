/**
 * The GraphQL documents of the backfill. One page of pull requests carries
 * each one's reviews, review threads (resolved? outdated?) with their
 * comments, conversation comments, commits (messages and trailers), changed
 * files (paths and sizes), labels, and the check runs of its head commit;
 * one page of issues carries comments, label/close/reopen/duplicate/assign/
 * transfer/retitle events and body edits. Nested connections that do not fit
 * their first page are read by `overflowQuery`, many at once, by node id.
 *
 * Every document selects `rateLimit`, so the client can pace itself. The
 * tests validate every document here against GitHub's published schema.
 */

/** Nested page sizes: a page of 100 pull requests and 100 issues asks for about 60,000 nodes, far below GitHub's 500,000. */
export const NESTED = {
  labels: 20,
  reviews: 20,
  threads: 20,
  threadComments: 10,
  comments: 20,
  commits: 30,
  files: 50,
  checkSuites: 5,
  checkRuns: 20,
  timeline: 30,
  edits: 10,
} as const;

/** Page size for nested connections read on their own (overflow). */
export const OVERFLOW_PAGE = 100;

const WHO = /* GraphQL */ `
  fragment Who on Actor {
    __typename
    login
    ... on User { databaseId }
    ... on Bot { databaseId }
    ... on Mannequin { databaseId }
    ... on Organization { databaseId }
  }
`;

const PAGE_INFO = "pageInfo { hasNextPage endCursor }";

const REVIEW = /* GraphQL */ `
  fragment BackfillReview on PullRequestReview {
    fullDatabaseId
    author { ...Who }
    state
    body
    commit { oid }
    url
    authorAssociation
    submittedAt
  }
`;

const REVIEW_COMMENT = /* GraphQL */ `
  fragment BackfillReviewComment on PullRequestReviewComment {
    fullDatabaseId
    author { ...Who }
    path
    line
    originalLine
    diffHunk
    commit { oid }
    originalCommit { oid }
    replyTo { fullDatabaseId }
    pullRequestReview { fullDatabaseId }
    body
    url
    authorAssociation
    createdAt
    updatedAt
  }
`;

const THREAD = /* GraphQL */ `
  fragment BackfillThread on PullRequestReviewThread {
    id
    isResolved
    isOutdated
    path
    diffSide
    resolvedBy { login }
    comments(first: ${NESTED.threadComments}) { ${PAGE_INFO} nodes { ...BackfillReviewComment } }
  }
`;

const ISSUE_COMMENT = /* GraphQL */ `
  fragment BackfillIssueComment on IssueComment {
    fullDatabaseId
    author { ...Who }
    body
    url
    authorAssociation
    createdAt
    updatedAt
  }
`;

const COMMIT = /* GraphQL */ `
  fragment BackfillCommit on PullRequestCommit {
    commit {
      oid
      message
      authoredDate
      author { name email user { databaseId login } }
    }
  }
`;

const FILE = /* GraphQL */ `
  fragment BackfillFile on PullRequestChangedFile {
    path
    additions
    deletions
    changeType
  }
`;

const CHECK_RUN = /* GraphQL */ `
  fragment BackfillCheckRun on CheckRun {
    databaseId
    name
    status
    conclusion
    startedAt
    completedAt
  }
`;

const CHECK_SUITE = /* GraphQL */ `
  fragment BackfillCheckSuite on CheckSuite {
    id
    app { slug }
    branch { name }
    checkRuns(first: ${NESTED.checkRuns}) { ${PAGE_INFO} nodes { ...BackfillCheckRun } }
  }
`;

const PULL_REQUEST = /* GraphQL */ `
  fragment BackfillPullRequest on PullRequest {
    id
    fullDatabaseId
    number
    title
    body
    url
    state
    isDraft
    merged
    mergedAt
    mergedBy { ...Who }
    author { ...Who }
    authorAssociation
    additions
    deletions
    changedFiles
    headRefOid
    headRefName
    baseRefOid
    baseRefName
    createdAt
    closedAt
    updatedAt
    commitCount: commits { totalCount }
    labels(first: ${NESTED.labels}) { ${PAGE_INFO} nodes { name } }
    reviews(first: ${NESTED.reviews}) { ${PAGE_INFO} nodes { ...BackfillReview } }
    reviewThreads(first: ${NESTED.threads}) { ${PAGE_INFO} nodes { ...BackfillThread } }
    comments(first: ${NESTED.comments}) { ${PAGE_INFO} nodes { ...BackfillIssueComment } }
    commits(first: ${NESTED.commits}) { ${PAGE_INFO} nodes { ...BackfillCommit } }
    files(first: ${NESTED.files}) { ${PAGE_INFO} nodes { ...BackfillFile } }
    headCommit: commits(last: 1) {
      nodes { commit { oid checkSuites(first: ${NESTED.checkSuites}) { nodes { ...BackfillCheckSuite } } } }
    }
  }
`;

const TIMELINE_TYPES = "[LABELED_EVENT, UNLABELED_EVENT, CLOSED_EVENT, REOPENED_EVENT, MARKED_AS_DUPLICATE_EVENT, ASSIGNED_EVENT, TRANSFERRED_EVENT, RENAMED_TITLE_EVENT]";

const TIMELINE_ITEM = /* GraphQL */ `
  fragment BackfillIssueEvent on IssueTimelineItems {
    __typename
    ... on LabeledEvent { id createdAt actor { ...Who } label { name } }
    ... on UnlabeledEvent { id createdAt actor { ...Who } label { name } }
    ... on ClosedEvent { id createdAt actor { ...Who } }
    ... on ReopenedEvent { id createdAt actor { ...Who } }
    ... on MarkedAsDuplicateEvent { id createdAt actor { ...Who } }
    ... on AssignedEvent { id createdAt actor { ...Who } }
    ... on TransferredEvent { id createdAt actor { ...Who } }
    ... on RenamedTitleEvent { id createdAt actor { ...Who } previousTitle }
  }
`;

const EDIT = /* GraphQL */ `
  fragment BackfillEdit on UserContentEdit {
    id
    editedAt
    editor { ...Who }
    diff
  }
`;

const ISSUE = /* GraphQL */ `
  fragment BackfillIssue on Issue {
    id
    fullDatabaseId
    number
    title
    body
    url
    state
    stateReason(enableDuplicate: true)
    author { ...Who }
    authorAssociation
    createdAt
    closedAt
    updatedAt
    labels(first: ${NESTED.labels}) { ${PAGE_INFO} nodes { name } }
    comments(first: ${NESTED.comments}) { ${PAGE_INFO} nodes { ...BackfillIssueComment } }
    timelineItems(first: ${NESTED.timeline}, itemTypes: ${TIMELINE_TYPES}) { ${PAGE_INFO} nodes { ...BackfillIssueEvent } }
    userContentEdits(first: ${NESTED.edits}) { ${PAGE_INFO} nodes { ...BackfillEdit } }
  }
`;

const RATE_LIMIT = "rateLimit { cost remaining resetAt }";

/** The repository itself, its and its organisation's `.github/unsung.yml`, and how many pull requests and issues the window holds. */
export const BACKFILL_REPOSITORY = /* GraphQL */ `
  query BackfillRepository($owner: String!, $name: String!, $pullRequests: String!, $issues: String!) {
    ${RATE_LIMIT}
    repository(owner: $owner, name: $name) {
      databaseId
      name
      nameWithOwner
      isPrivate
      isArchived
      url
      owner { ...Who }
      defaultBranchRef { name }
      config: object(expression: "HEAD:.github/unsung.yml") { ... on Blob { text byteSize isBinary } }
    }
    org: repository(owner: $owner, name: ".github") {
      config: object(expression: "HEAD:.github/unsung.yml") { ... on Blob { text byteSize isBinary } }
    }
    pullRequestCount: search(query: $pullRequests, type: ISSUE, first: 0) { issueCount }
    issueCount: search(query: $issues, type: ISSUE, first: 0) { issueCount }
  }
  ${WHO}
`;

/** Only the two configuration files (for a long backfill whose cached configuration has expired). */
export const BACKFILL_CONFIG = /* GraphQL */ `
  query BackfillConfig($owner: String!, $name: String!) {
    ${RATE_LIMIT}
    repository(owner: $owner, name: $name) {
      config: object(expression: "HEAD:.github/unsung.yml") { ... on Blob { text byteSize isBinary } }
    }
    org: repository(owner: $owner, name: ".github") {
      config: object(expression: "HEAD:.github/unsung.yml") { ... on Blob { text byteSize isBinary } }
    }
  }
`;


/**
 * One page of the repository's activity: pull requests (most recently updated first) and issues
 * updated since the window's start (GitHub filters; most recently updated first), in one call.
 * Either side is left out (`@include`) once it has been read to its end.
 */
export const BACKFILL_ACTIVITY = /* GraphQL */ `
  query BackfillActivity(
    $owner: String!
    $name: String!
    $withPullRequests: Boolean!
    $pullRequests: Int!
    $pullRequestsAfter: String
    $withIssues: Boolean!
    $issues: Int!
    $issuesAfter: String
    $since: DateTime!
  ) {
    ${RATE_LIMIT}
    repository(owner: $owner, name: $name) {
      pullRequests(first: $pullRequests, after: $pullRequestsAfter, orderBy: { field: UPDATED_AT, direction: DESC }) @include(if: $withPullRequests) {
        ${PAGE_INFO}
        nodes { ...BackfillPullRequest }
      }
      issues(first: $issues, after: $issuesAfter, orderBy: { field: UPDATED_AT, direction: DESC }, filterBy: { since: $since }) @include(if: $withIssues) {
        ${PAGE_INFO}
        nodes { ...BackfillIssue }
      }
    }
  }
  ${[PULL_REQUEST, REVIEW, THREAD, REVIEW_COMMENT, ISSUE_COMMENT, COMMIT, FILE, CHECK_SUITE, CHECK_RUN, ISSUE, TIMELINE_ITEM, EDIT, WHO].join("\n")}
`;

/** A nested connection that needs another page: on which node, which connection, after which cursor. */
export type OverflowKind = "labels" | "reviews" | "reviewThreads" | "threadComments" | "comments" | "commits" | "files" | "checkRuns" | "timelineItems" | "userContentEdits";

export interface OverflowRequest {
  /** GraphQL node id of the pull request, issue, thread or check suite. */
  nodeId: string;
  kind: OverflowKind;
  after: string;
}

/** The selection (and the fragments it needs) for one overflow request. */
const OVERFLOW: Record<OverflowKind, { on: string; field: string; fragments: string[] }> = {
  labels: { on: "Labelable", field: `labels(first: ${OVERFLOW_PAGE}, after: $AFTER) { ${PAGE_INFO} nodes { name } }`, fragments: [] },
  reviews: { on: "PullRequest", field: `reviews(first: ${OVERFLOW_PAGE}, after: $AFTER) { ${PAGE_INFO} nodes { ...BackfillReview } }`, fragments: [REVIEW, WHO] },
  reviewThreads: {
    on: "PullRequest",
    field: `reviewThreads(first: ${OVERFLOW_PAGE / 2}, after: $AFTER) { ${PAGE_INFO} nodes { ...BackfillThread } }`,
    fragments: [THREAD, REVIEW_COMMENT, WHO],
  },
  threadComments: {
    on: "PullRequestReviewThread",
    field: `comments(first: ${OVERFLOW_PAGE}, after: $AFTER) { ${PAGE_INFO} nodes { ...BackfillReviewComment } }`,
    fragments: [REVIEW_COMMENT, WHO],
  },
  comments: { on: "PullRequest", field: `comments(first: ${OVERFLOW_PAGE}, after: $AFTER) { ${PAGE_INFO} nodes { ...BackfillIssueComment } }`, fragments: [ISSUE_COMMENT, WHO] },
  commits: { on: "PullRequest", field: `commits(first: ${OVERFLOW_PAGE}, after: $AFTER) { ${PAGE_INFO} nodes { ...BackfillCommit } }`, fragments: [COMMIT] },
  files: { on: "PullRequest", field: `files(first: ${OVERFLOW_PAGE}, after: $AFTER) { ${PAGE_INFO} nodes { ...BackfillFile } }`, fragments: [FILE] },
  checkRuns: { on: "CheckSuite", field: `checkRuns(first: ${OVERFLOW_PAGE}, after: $AFTER) { ${PAGE_INFO} nodes { ...BackfillCheckRun } }`, fragments: [CHECK_RUN] },
  timelineItems: {
    on: "Issue",
    field: `timelineItems(first: ${OVERFLOW_PAGE}, after: $AFTER, itemTypes: ${TIMELINE_TYPES}) { ${PAGE_INFO} nodes { ...BackfillIssueEvent } }`,
    fragments: [TIMELINE_ITEM, WHO],
  },
  userContentEdits: { on: "Issue", field: `userContentEdits(first: ${OVERFLOW_PAGE}, after: $AFTER) { ${PAGE_INFO} nodes { ...BackfillEdit } }`, fragments: [EDIT, WHO] },
};

/** Overflow requests read in one call. */
export const OVERFLOW_BATCH = 30;

/**
 * One query for several overflow pages at once: `o0: node(id: $n0) { ... on PullRequest { reviews(after: $a0) … } }`.
 * The issue and pull-request comment connections share a name but not a parent type, so `comments`
 * also asks on Issue.
 */
export function overflowQuery(requests: readonly OverflowRequest[]): { query: string; variables: Record<string, string> } {
  const vars: string[] = [];
  const parts: string[] = [];
  const fragments = new Set<string>();
  const variables: Record<string, string> = {};
  requests.forEach((r, i) => {
    const o = OVERFLOW[r.kind];
    vars.push(`$n${i}: ID!`, `$a${i}: String!`);
    variables[`n${i}`] = r.nodeId;
    variables[`a${i}`] = r.after;
    const field = o.field.replace("$AFTER", `$a${i}`);
    const extra = r.kind === "comments" ? ` ... on Issue { ${field} }` : "";
    parts.push(`o${i}: node(id: $n${i}) { __typename ... on ${o.on} { ${field} }${extra} }`);
    for (const f of o.fragments) fragments.add(f);
  });
  const query = `query BackfillOverflow(${vars.join(", ")}) {\n  ${RATE_LIMIT}\n  ${parts.join("\n  ")}\n}\n${[...fragments].join("\n")}`;
  return { query, variables };
}

/** Every overflow kind, for tests that validate each generated selection. */
export const OVERFLOW_KINDS = Object.keys(OVERFLOW) as OverflowKind[];
