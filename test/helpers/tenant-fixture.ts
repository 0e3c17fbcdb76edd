/**
 * Two organisations in one database, as webhooks deliver them: acme-corp (a public and a private
 * repository) and globex (a private and a public one). Sam works in both; Carl was renamed
 * (carl-old → carl); Olga has no relationship to acme-corp's public repository but comments and
 * "endorses" there. Each organisation gets pull requests with reviews and inline comments, issues
 * with answers, slash commands (notes, endorsements), a push with a co-author trailer and CI runs,
 * so that facts, contributions, review merges, monthly sums, annotations and raw payloads all hold
 * something of each tenant.
 *
 * Every id, login and name is distinctive (no number of one is a part of another), so a test can
 * search every row of every table for them.
 */
import { parsePeriod, type Period } from "../../src/core/report/index.js";

export interface FixturePerson {
  id: number;
  login: string;
  name: string;
  email: string;
}

export interface FixtureRepo {
  id: number;
  owner: string;
  ownerId: number;
  name: string;
  private: boolean;
  installationId: number;
}

export const fullName = (r: FixtureRepo) => `${r.owner}/${r.name}`;

export const ACME = { id: 81_900_001, login: "acme-corp", installationId: 82_900_001 };
export const GLOBEX = { id: 81_900_002, login: "globex", installationId: 82_900_002 };

export const REPOS = {
  website: { id: 83_900_001, owner: ACME.login, ownerId: ACME.id, name: "website", private: false, installationId: ACME.installationId },
  vault: { id: 83_900_002, owner: ACME.login, ownerId: ACME.id, name: "vault-keeper", private: true, installationId: ACME.installationId },
  reactor: { id: 83_900_003, owner: GLOBEX.login, ownerId: GLOBEX.id, name: "reactor-core", private: true, installationId: GLOBEX.installationId },
  handbook: { id: 83_900_004, owner: GLOBEX.login, ownerId: GLOBEX.id, name: "handbook", private: false, installationId: GLOBEX.installationId },
} satisfies Record<string, FixtureRepo>;

const person = (id: number, login: string, name: string): FixturePerson => ({ id, login, name, email: `${login}@mail-${id}.example` });

export const PEOPLE = {
  alice: person(84_900_001, "alice-acme", "Alice Avalon"),
  bob: person(84_900_002, "bob-globex", "Bob Bramble"),
  sam: person(84_900_003, "sam-both", "Sam Sorrel"),
  olga: person(84_900_004, "olga-outsider", "Olga Outland"),
  carl: person(84_900_005, "carl-renamed", "Carl Crane"),
  erin: person(84_900_006, "erin-optout", "Erin Ember"),
};
/** Carl's login before he was renamed. */
export const CARL_OLD_LOGIN = "carl-before";

export interface Delivery {
  event: string;
  payload: Record<string, unknown>;
}

const user = (p: FixturePerson, login = p.login) => ({ login, id: p.id, type: "User", name: p.name, html_url: `https://github.com/${login}` });
const orgUser = (o: { id: number; login: string }) => ({ login: o.login, id: o.id, type: "Organization" });

function repository(r: FixtureRepo) {
  return {
    id: r.id,
    name: r.name,
    full_name: fullName(r),
    private: r.private,
    owner: { login: r.owner, id: r.ownerId, type: "Organization" },
    html_url: `https://github.com/${fullName(r)}`,
    default_branch: "main",
    archived: false,
  };
}

const listed = (r: FixtureRepo) => ({ id: r.id, name: r.name, full_name: fullName(r), private: r.private });

export function installationCreated(org: { id: number; login: string; installationId: number }, repos: FixtureRepo[], sender: FixturePerson, action = "created"): Delivery {
  return {
    event: "installation",
    payload: {
      action,
      installation: { id: org.installationId, account: orgUser(org), repository_selection: "selected", permissions: { metadata: "read" }, events: ["pull_request"] },
      repositories: repos.map(listed),
      sender: user(sender),
    },
  };
}

export function repositoriesChanged(org: { id: number; login: string; installationId: number }, change: { added?: FixtureRepo[]; removed?: FixtureRepo[] }, sender: FixturePerson): Delivery {
  return {
    event: "installation_repositories",
    payload: {
      action: change.removed?.length ? "removed" : "added",
      installation: { id: org.installationId, account: orgUser(org) },
      repository_selection: "selected",
      repositories_added: (change.added ?? []).map(listed),
      repositories_removed: (change.removed ?? []).map(listed),
      sender: user(sender),
    },
  };
}

export function repositoryEvent(r: FixtureRepo, action: string, sender: FixturePerson, changes: Record<string, unknown> = {}): Delivery {
  return { event: "repository", payload: { action, repository: repository(r), changes, installation: { id: r.installationId }, sender: user(sender) } };
}

const day = (d: number, h = 10) => `2026-08-${String(d).padStart(2, "0")}T${String(h).padStart(2, "0")}:00:00Z`;

interface PrSpec {
  repo: FixtureRepo;
  number: number;
  author: FixturePerson;
  authorLogin?: string;
  reviewer: FixturePerson;
  title: string;
  /** Review ids and comment ids are derived from this base. */
  base: number;
  day: number;
}

function pullRequestObject(s: PrSpec, state: "open" | "closed", merged: boolean) {
  const url = `https://github.com/${fullName(s.repo)}/pull/${s.number}`;
  return {
    id: s.base,
    number: s.number,
    title: s.title,
    body: `Why: the ${s.repo.name} setup was undocumented.`,
    html_url: url,
    state,
    draft: false,
    merged,
    merged_at: merged ? day(s.day, 16) : null,
    merged_by: merged ? user(s.author, s.authorLogin) : null,
    user: user(s.author, s.authorLogin),
    author_association: "MEMBER",
    additions: 120,
    deletions: 20,
    changed_files: 3,
    commits: 2,
    head: { sha: `head${s.base}`, ref: `topic-${s.number}` },
    base: { sha: `base${s.base}`, ref: "main" },
    labels: [],
    created_at: day(s.day, 9),
    closed_at: merged ? day(s.day, 16) : null,
    updated_at: merged ? day(s.day, 16) : day(s.day, 9),
  };
}

/** A pull request opened, reviewed with inline comments (changes requested), and merged. */
export function pullRequestStory(s: PrSpec): Delivery[] {
  const repo = repository(s.repo);
  const inst = { id: s.repo.installationId };
  const pr = pullRequestObject(s, "open", false);
  const reviewId = s.base + 1;
  const comment = (n: number, line: number | null, body: string) => ({
    id: s.base + 10 + n,
    pull_request_review_id: reviewId,
    user: user(s.reviewer),
    path: `src/${s.repo.name}/setup.ts`,
    line,
    original_line: 12 + n,
    side: "RIGHT",
    diff_hunk: "@@ -10,6 +10,8 @@",
    commit_id: `head${s.base}`,
    original_commit_id: `head${s.base}`,
    body,
    html_url: `https://github.com/${fullName(s.repo)}/pull/${s.number}#discussion_r${s.base + 10 + n}`,
    author_association: "MEMBER",
    created_at: day(s.day, 11),
    updated_at: day(s.day, 11),
  });
  return [
    { event: "pull_request", payload: { action: "opened", number: s.number, pull_request: pr, repository: repo, installation: inst, sender: user(s.author, s.authorLogin) } },
    {
      event: "pull_request_review",
      payload: {
        action: "submitted",
        review: {
          id: reviewId,
          user: user(s.reviewer),
          body: "This reads the balance and writes it back without a transaction: two requests at once can both pass the check.",
          state: "changes_requested",
          commit_id: `head${s.base}`,
          html_url: `https://github.com/${fullName(s.repo)}/pull/${s.number}#pullrequestreview-${reviewId}`,
          author_association: "MEMBER",
          submitted_at: day(s.day, 11),
        },
        pull_request: pr,
        repository: repo,
        installation: inst,
        sender: user(s.reviewer),
      },
    },
    ...[
      "This races: wrap both writes in one transaction, or two refunds can pass the balance check.",
      "Missing test: what happens when the token has expired? Please add a case.",
    ].map((body, n) => ({
      event: "pull_request_review_comment",
      payload: { action: "created", comment: comment(n + 1, null, body), pull_request: pr, repository: repo, installation: inst, sender: user(s.reviewer) },
    })),
    {
      event: "pull_request",
      payload: { action: "closed", number: s.number, pull_request: pullRequestObject(s, "closed", true), repository: repo, installation: inst, sender: user(s.author, s.authorLogin) },
    },
  ];
}

interface IssueSpec {
  repo: FixtureRepo;
  number: number;
  author: FixturePerson;
  answerer: FixturePerson;
  base: number;
  day: number;
  /** Slash-command comments: [author, body, association]. */
  commands?: [FixturePerson, string, string][];
}

export function issueStory(s: IssueSpec): Delivery[] {
  const repo = repository(s.repo);
  const inst = { id: s.repo.installationId };
  const url = `https://github.com/${fullName(s.repo)}/issues/${s.number}`;
  const issue = {
    id: s.base,
    number: s.number,
    title: `Deploys of ${s.repo.name} fail on Mondays`,
    body: "Steps to reproduce are unclear.",
    html_url: url,
    state: "open",
    user: user(s.author),
    author_association: "MEMBER",
    labels: [],
    created_at: day(s.day, 8),
    updated_at: day(s.day, 8),
    closed_at: null,
  };
  const comment = (n: number, by: FixturePerson, body: string, association: string) => ({
    event: "issue_comment",
    payload: {
      action: "created",
      issue,
      comment: {
        id: s.base + n,
        user: user(by),
        body,
        html_url: `${url}#issuecomment-${s.base + n}`,
        author_association: association,
        created_at: day(s.day, 9 + n),
        updated_at: day(s.day, 9 + n),
      },
      repository: repo,
      installation: inst,
      sender: user(by),
    },
  });
  return [
    { event: "issues", payload: { action: "opened", issue, repository: repo, installation: inst, sender: user(s.author) } },
    {
      event: "issues",
      payload: {
        action: "edited",
        issue: { ...issue, body: "Steps to reproduce:\n1. Deploy on a Monday\n2. Watch it fail\n\nAcceptance criteria:\n- [ ] deploys pass", updated_at: day(s.day, 9) },
        changes: { body: { from: issue.body } },
        repository: repo,
        installation: inst,
        sender: user(s.answerer),
      },
    },
    comment(1, s.answerer, "The Monday cron rotates the credentials first; re-run after 10:00 or pin the old key. See docs/deploy.md.", "MEMBER"),
    ...(s.commands ?? []).map(([by, body, association], i) => comment(2 + i, by, body, association)),
  ];
}

export function pushStory(r: FixtureRepo, author: FixturePerson, coAuthor: FixturePerson, sha: string): Delivery {
  return {
    event: "push",
    payload: {
      ref: "refs/heads/topic",
      before: "0".repeat(40),
      after: sha,
      repository: repository(r),
      pusher: { name: author.login, email: author.email },
      sender: user(author),
      installation: { id: r.installationId },
      forced: false,
      commits: [
        {
          id: sha,
          message: `Document the setup\n\nCo-authored-by: ${coAuthor.name} <${coAuthor.email}>`,
          timestamp: day(3),
          author: { name: author.name, email: author.email, username: author.login },
          added: ["docs/setup.md"],
          modified: [],
          removed: [],
        },
      ],
      head_commit: { timestamp: day(3) },
    },
  };
}

export function workflowRunStory(r: FixtureRepo, actor: FixturePerson, id: number, attempt: number): Delivery {
  return {
    event: "workflow_run",
    payload: {
      action: "completed",
      workflow_run: {
        id,
        run_attempt: attempt,
        workflow_id: id + 7,
        name: "ci",
        path: ".github/workflows/ci.yml",
        head_sha: `sha${id}`,
        head_branch: "main",
        event: "push",
        status: "completed",
        conclusion: attempt === 1 ? "failure" : "success",
        run_number: 40,
        actor: user(actor),
        triggering_actor: user(actor),
        run_started_at: day(4, 10 + attempt),
        created_at: day(4, 10),
        updated_at: day(4, 10 + attempt),
      },
      repository: repository(r),
      installation: { id: r.installationId },
      sender: user(actor),
    },
  };
}

/** Every delivery of both organisations, in order. */
export function twoTenantDeliveries(): Delivery[] {
  const { alice, bob, sam, olga, carl, erin } = PEOPLE;
  const { website, vault, reactor, handbook } = REPOS;
  return [
    installationCreated(ACME, [website, vault], alice),
    installationCreated(GLOBEX, [reactor, handbook], bob),
    // acme-corp: Alice writes, Sam and Carl review; Carl was still "carl-before" in August.
    ...pullRequestStory({ repo: website, number: 11, author: alice, reviewer: sam, title: "Document the website release checklist", base: 85_900_100, day: 3 }),
    ...pullRequestStory({ repo: vault, number: 12, author: alice, reviewer: carl, title: "Rotate vault keys without downtime", base: 85_900_200, day: 5 }),
    ...pullRequestStory({ repo: vault, number: 13, author: carl, authorLogin: CARL_OLD_LOGIN, reviewer: alice, title: "Vault audit trail for key reads", base: 85_900_300, day: 6 }),
    ...pullRequestStory({ repo: website, number: 14, author: erin, reviewer: alice, title: "Speed up the website build cache", base: 85_900_400, day: 7 }),
    ...issueStory({
      repo: website,
      number: 21,
      author: alice,
      answerer: sam,
      base: 86_900_100,
      day: 8,
      commands: [
        [alice, "/unsung note Wrote the release checklist with the support team.", "MEMBER"],
        [sam, `/unsung endorse @${alice.login} The checklist saved my release.`, "MEMBER"],
        [olga, `/unsung endorse @${alice.login} Best engineer ever, trust me.`, "NONE"],
        [erin, "/unsung log Paired with the new hire on the build cache.", "MEMBER"],
      ],
    }),
    ...issueStory({ repo: vault, number: 22, author: carl, answerer: alice, base: 86_900_200, day: 9 }),
    pushStory(website, alice, sam, "a1".repeat(20)),
    workflowRunStory(vault, carl, 87_900_100, 1),
    workflowRunStory(vault, carl, 87_900_100, 2),
    // globex: Bob writes, Sam reviews; Sam answers an issue and Bob endorses him.
    ...pullRequestStory({ repo: reactor, number: 31, author: bob, reviewer: sam, title: "Reactor cooling failover runbook", base: 85_900_500, day: 10 }),
    ...pullRequestStory({ repo: handbook, number: 32, author: sam, reviewer: bob, title: "Handbook chapter on incident command", base: 85_900_600, day: 11 }),
    ...issueStory({
      repo: reactor,
      number: 41,
      author: bob,
      answerer: sam,
      base: 86_900_300,
      day: 12,
      commands: [[bob, `/unsung endorse @${sam.login} Sam ran the reactor drill.`, "MEMBER"]],
    }),
    pushStory(reactor, bob, sam, "b2".repeat(20)),
    workflowRunStory(reactor, bob, 87_900_200, 1),
  ];
}

/** Carl's rename: a later delivery carries his new login. */
export function carlRenamed(): Delivery {
  return issueStory({ repo: REPOS.vault, number: 23, author: PEOPLE.carl, answerer: PEOPLE.alice, base: 86_900_400, day: 20 })[0]!;
}

/** What identifies a tenant, a repository or a person in stored rows. */
export interface Needles {
  numbers: number[];
  strings: string[];
}

export function tenantNeedles(org: typeof ACME): Needles {
  const repos = Object.values(REPOS).filter((r) => r.owner === org.login);
  return {
    numbers: [org.id, org.installationId, ...repos.map((r) => r.id)],
    strings: [org.login, ...repos.map(fullName)],
  };
}

export function personNeedles(p: FixturePerson, extraLogins: string[] = []): Needles {
  return { numbers: [p.id], strings: [p.login, ...extraLogins, p.email, p.name] };
}

/** A calendar quarter ("2026Q3") as a report period. */
export function quarterPeriod(quarter: string, now: Date): Period {
  const p = parsePeriod({ quarter, from: null, to: null }, now);
  if (!p.ok) throw new Error(p.error);
  return p.period;
}
