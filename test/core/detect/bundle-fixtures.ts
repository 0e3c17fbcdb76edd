/** Builders for realistic fact bundles. Every builder takes overrides. */
import type {
  CommitFact,
  FileFact,
  IssueActivityFact,
  IssueBundle,
  IssueCommentFact,
  PersonHistory,
  PullRequestBundle,
  ReviewCommentFact,
  ReviewFact,
} from "../../../src/core/facts.js";
import type { PersonRef } from "../../../src/core/model.js";

export const people = {
  sam: { id: 101, login: "sam", isBot: false },
  maya: { id: 102, login: "maya", isBot: false },
  lee: { id: 103, login: "lee", isBot: false },
  newbie: { id: 104, login: "priya-new", isBot: false },
  kim: { id: 105, login: "kim", isBot: false },
  copilot: { id: 9001, login: "copilot-pull-request-reviewer[bot]", isBot: true },
  coderabbit: { id: 9002, login: "coderabbitai[bot]", isBot: true },
  ghost: { id: null, login: "ghost", isBot: false },
} satisfies Record<string, PersonRef>;

export const repository = { id: 1, fullName: "acme/shop", private: true, defaultBranch: "main", htmlUrl: "https://github.com/acme/shop" };

const OPENED = "2024-05-10T09:00:00Z";

export function at(minutesAfterOpen: number): string {
  return new Date(Date.parse(OPENED) + minutesAfterOpen * 60_000).toISOString();
}

let nextId = 5000;
export function id(): number {
  return nextId++;
}

export function reviewFact(reviewer: PersonRef, over: Partial<ReviewFact> = {}): ReviewFact {
  const i = over.id ?? id();
  return {
    id: i,
    reviewer,
    state: "COMMENTED",
    body: "",
    submittedAt: at(90),
    commitId: "abc1234",
    htmlUrl: `https://github.com/acme/shop/pull/42#pullrequestreview-${i}`,
    authorAssociation: "MEMBER",
    ...over,
  };
}

export function commentFact(author: PersonRef, body: string, over: Partial<ReviewCommentFact> = {}): ReviewCommentFact {
  const i = over.id ?? id();
  return {
    id: i,
    reviewId: null,
    author,
    path: "src/billing/renew.ts",
    line: 88,
    body,
    createdAt: at(80),
    inReplyToId: null,
    commitId: "abc1234",
    originalCommitId: "abc1234",
    htmlUrl: `https://github.com/acme/shop/pull/42#discussion_r${i}`,
    outdated: false,
    threadResolved: null,
    ...over,
  };
}

export function history(person: PersonRef, merged: number, prior = 0): PersonHistory {
  return { person, mergedPullRequestsBefore: merged, firstSeenAt: null, priorChangesToSamePaths: prior };
}

export function file(path: string, additions: number, deletions: number, patch: string | null = null): FileFact {
  return { path, status: "modified", additions, deletions, patch };
}

export function commit(author: PersonRef | null, message: string, over: Partial<CommitFact> = {}): CommitFact {
  return {
    sha: over.sha ?? `c${id().toString(16).padStart(39, "0")}`,
    message,
    authoredAt: at(30),
    author,
    authorName: author?.login ?? "Someone",
    authorEmail: `${author?.login ?? "someone"}@acme.dev`,
    coAuthors: [],
    ...over,
  };
}

export function prBundle(over: Partial<PullRequestBundle> & { pr?: Partial<PullRequestBundle["pullRequest"]> } = {}): PullRequestBundle {
  const { pr, ...rest } = over;
  const files = rest.files ?? [file("src/billing/renew.ts", 180, 40)];
  return {
    repository,
    pullRequest: {
      id: 777,
      repositoryId: 1,
      number: 42,
      title: "Charge customers on renewal",
      body: "Renews subscriptions nightly and charges the saved card.",
      htmlUrl: "https://github.com/acme/shop/pull/42",
      state: "closed",
      draft: false,
      merged: true,
      mergedAt: at(60 * 26),
      mergedBy: people.maya,
      author: people.sam,
      authorAssociation: "MEMBER",
      additions: files.reduce((n, f) => n + f.additions, 0),
      deletions: files.reduce((n, f) => n + f.deletions, 0),
      changedFiles: files.length,
      headSha: "abc1234",
      baseSha: "def5678",
      baseRef: "main",
      labels: [],
      createdAt: OPENED,
      closedAt: at(60 * 26),
      ...pr,
    },
    files,
    commits: [commit(people.sam, "Charge on renewal")],
    reviews: [],
    reviewComments: [],
    issueComments: [],
    ciRuns: [],
    histories: { [String(people.sam.id)]: history(people.sam, 40) },
    linkedIssues: [],
    ...rest,
  };
}

export function issueComment(author: PersonRef, body: string, createdAt: string): IssueCommentFact {
  const i = id();
  return { id: i, author, body, createdAt, htmlUrl: `https://github.com/acme/shop/issues/9#issuecomment-${i}` };
}

export function activity(actor: PersonRef, action: string, over: Partial<IssueActivityFact> = {}): IssueActivityFact {
  return { actor, action, at: at(120), ...over };
}

export function issueBundle(over: Omit<Partial<IssueBundle>, "issue"> & { issue?: Partial<IssueBundle["issue"]> } = {}): IssueBundle {
  const { issue, ...rest } = over;
  return {
    repository,
    issue: {
      id: 888,
      repositoryId: 1,
      number: 9,
      title: "Export to CSV is broken",
      body: "When I export it doesn't work.",
      htmlUrl: "https://github.com/acme/shop/issues/9",
      state: "closed",
      stateReason: "completed",
      author: people.lee,
      authorAssociation: "MEMBER",
      labels: [],
      createdAt: OPENED,
      closedAt: at(60 * 24 * 5),
      reopenedCount: 0,
      ...issue,
    },
    comments: [],
    activity: [],
    linkedPullRequests: [],
    recentSimilar: [],
    ...rest,
  };
}
