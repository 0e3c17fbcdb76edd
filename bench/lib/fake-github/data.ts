/**
 * A deterministic repository history for a fake GitHub: pull requests with
 * reviews, review threads, comments, commits, files and head-commit checks;
 * issues with comments, events and body edits; default-branch workflow runs.
 * Every item is generated from (seed, kind, index) on demand, so a 10×
 * repository costs the fake no more memory than a 1× one.
 *
 * A few items are deliberately large (25 reviews, 120 files, a thread of 14
 * comments, 40 issue events, …) so nested connections need more than their
 * first page, as on a real busy repository.
 */
import { Random } from "../../../src/demo/prng.js";

export interface FakeRepoSpec {
  owner: string;
  name: string;
  repositoryId: number;
  ownerId: number;
  pullRequests: number;
  issues: number;
  /** The history's end ("now" for the generated data); it starts `days` earlier. */
  endsAt: string;
  days: number;
  seed: number;
  private?: boolean;
  defaultBranch?: string;
  installationId?: number;
}

export interface FakeUser {
  id: number;
  login: string;
  type: "User" | "Bot";
}

const PEOPLE: FakeUser[] = [
  "maya-okafor",
  "rafael-moreno",
  "li-wei",
  "sam-taylor",
  "priya-nair",
  "jonas-berg",
  "amara-diallo",
  "kenji-sato",
  "elena-petrova",
  "omar-haddad",
  "grace-kim",
  "tomas-novak",
  "zoe-adams",
  "ivan-horvat",
  "nina-larsen",
  "ade-bello",
].map((login, i) => ({ id: 5_000_001 + i, login, type: "User" as const }));
const BOT: FakeUser = { id: 49_699_333, login: "dependabot", type: "Bot" };

export interface Person {
  user: FakeUser | null;
}

export interface GenReview {
  id: number;
  author: FakeUser | null;
  state: string;
  body: string;
  commit: string;
  submittedAt: string;
}

export interface GenComment {
  id: number;
  author: FakeUser | null;
  body: string;
  createdAt: string;
  updatedAt: string;
}

export interface GenThread {
  nodeId: string;
  path: string;
  isResolved: boolean;
  isOutdated: boolean;
  comments: (GenComment & { line: number | null; originalLine: number; reviewId: number | null })[];
}

export interface GenCommit {
  oid: string;
  message: string;
  authoredDate: string;
  author: FakeUser | null;
}

export interface GenFile {
  path: string;
  additions: number;
  deletions: number;
  changeType: string;
  patch: string;
}

export interface GenCheckRun {
  id: number;
  name: string;
  conclusion: string;
  startedAt: string;
  completedAt: string;
}

export interface GenPullRequest {
  index: number;
  number: number;
  databaseId: number;
  nodeId: string;
  title: string;
  body: string;
  author: FakeUser | null;
  state: "OPEN" | "CLOSED" | "MERGED";
  isDraft: boolean;
  mergedAt: string | null;
  mergedBy: FakeUser | null;
  createdAt: string;
  closedAt: string | null;
  updatedAt: string;
  headSha: string;
  baseSha: string;
  headRef: string;
  labels: string[];
  reviews: GenReview[];
  threads: GenThread[];
  comments: GenComment[];
  commits: GenCommit[];
  files: GenFile[];
  checkRuns: GenCheckRun[];
}

export interface GenIssueEvent {
  id: string;
  type: string;
  at: string;
  actor: FakeUser | null;
  label?: string;
  previousTitle?: string;
}

export interface GenEdit {
  id: string;
  editedAt: string;
  editor: FakeUser | null;
  text: string;
}

export interface GenIssue {
  index: number;
  number: number;
  databaseId: number;
  nodeId: string;
  title: string;
  body: string;
  author: FakeUser | null;
  state: "OPEN" | "CLOSED";
  stateReason: string | null;
  createdAt: string;
  closedAt: string | null;
  updatedAt: string;
  labels: string[];
  comments: GenComment[];
  events: GenIssueEvent[];
  edits: GenEdit[];
}

export interface GenWorkflowRun {
  id: number;
  created_at: string;
  [k: string]: unknown;
}

const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
const hex = (r: Random, n: number) => Array.from({ length: n }, () => "0123456789abcdef"[r.int(0, 15)]).join("");

const LABELS = ["bug", "enhancement", "docs", "ci", "tests", "performance", "security", "refactor", "good first issue", "needs-triage"];
const AREAS = ["checkout", "billing", "search", "auth", "inventory", "notifications"];

/** Review comments that led to a change, nits, questions: the texts the scorer reads. */
const REVIEW_TEXTS = [
  "This reads the balance and writes it back without a transaction: two refunds at once can both pass the check. Wrap both in one transaction?",
  "nit: trailing whitespace",
  "Why not reuse the existing retry helper here?",
  "This query runs once per item in the loop; batching it would avoid N+1 round trips on large carts.",
  "Could we add a test for the empty-cart case? It is the one that broke last release.",
  "LGTM",
  "typo: recieve → receive",
  "The token is logged at info level here, which would leak it into our log storage.",
];

export class FakeRepository {
  readonly start: number;
  readonly end: number;
  readonly people = PEOPLE;
  private readonly prCache = new Map<number, GenPullRequest>();
  private readonly issueCache = new Map<number, GenIssue>();

  constructor(readonly spec: FakeRepoSpec) {
    this.end = Date.parse(spec.endsAt);
    this.start = this.end - spec.days * 86_400_000;
  }

  get defaultBranch(): string {
    return this.spec.defaultBranch ?? "main";
  }

  /** Pull request by index (0 = oldest). Numbers interleave with issues: PRs even, issues odd. */
  pullRequest(index: number): GenPullRequest {
    const hit = this.prCache.get(index);
    if (hit) return hit;
    const pr = this.genPullRequest(index);
    // A small cache: consecutive GraphQL resolutions of the same page hit it; memory stays bounded.
    if (this.prCache.size > 400) this.prCache.clear();
    this.prCache.set(index, pr);
    return pr;
  }

  issue(index: number): GenIssue {
    const hit = this.issueCache.get(index);
    if (hit) return hit;
    const i = this.genIssue(index);
    if (this.issueCache.size > 400) this.issueCache.clear();
    this.issueCache.set(index, i);
    return i;
  }

  prIndexByNumber(number: number): number | null {
    if (number % 2 !== 0) return null;
    const i = number / 2 - 1;
    return i >= 0 && i < this.spec.pullRequests ? i : null;
  }

  private rand(kind: string, index: number): Random {
    let h = this.spec.seed >>> 0;
    for (const c of `${kind}:${index}`) h = Math.imul(h ^ c.charCodeAt(0), 16_777_619) >>> 0;
    return new Random(h);
  }

  private person(r: Random, pBot = 0.04, pGhost = 0.01): FakeUser | null {
    const x = r.next();
    if (x < pGhost) return null;
    if (x < pGhost + pBot) return BOT;
    return r.pick(PEOPLE);
  }

  /** When PR `index` was created: spread over the window, oldest first. */
  private prCreated(index: number): number {
    return this.start + ((index + 0.5) / this.spec.pullRequests) * (this.end - this.start - 3 * 86_400_000);
  }

  private genPullRequest(index: number): GenPullRequest {
    const r = this.rand("pr", index);
    const number = (index + 1) * 2;
    const created = this.prCreated(index);
    const area = r.pick(AREAS);
    const author = this.person(r);
    const flaky = index % 97 === 5;
    const runbook = index % 53 === 9;
    const mergedRoll = r.next();
    const state: GenPullRequest["state"] = mergedRoll < 0.8 ? "MERGED" : mergedRoll < 0.9 ? "CLOSED" : "OPEN";
    const closedMs = state === "OPEN" ? null : created + r.int(2, 40) * 3_600_000;
    // updatedAt strictly increases with the index: a stable "most recently updated first" order.
    const updated = created + 2 * 86_400_000;
    const title = flaky
      ? `Deflake ${area} order sync test: poll instead of sleep`
      : runbook
        ? `Runbook: ${area} outage mitigation and rollback`
        : author === BOT
          ? `Bump ${area}-client from 1.${index % 9}.0 to 1.${(index % 9) + 1}.0`
          : r.pick([`Add ${area} retries`, `Fix ${area} rounding`, `Refactor ${area} service`, `Speed up ${area} queries`, `Handle empty ${area} responses`]);
    const body = flaky
      ? `The ${area} test is flaky on CI: it sleeps 500 ms and hopes. This waits for the condition instead.\n\nFixes #${(index % Math.max(1, this.spec.issues)) * 2 + 1}`
      : `Changes the ${area} module.\n\n${r.chance(0.15) ? `Closes #${(r.int(0, Math.max(0, this.spec.issues - 1))) * 2 + 1}` : ""}`;
    const headSha = hex(r, 40);
    const nReviews = index % 50 === 7 ? 25 : r.int(0, 3);
    const nThreads = index % 60 === 11 ? 25 : r.int(0, 4);
    const nComments = index % 80 === 17 ? 30 : r.int(0, 3);
    const nCommits = index % 90 === 19 ? 40 : r.int(1, 4);
    const nFiles = index % 100 === 23 ? 120 : r.int(1, 8);
    const nLabels = index % 110 === 29 ? 25 : r.int(0, 3);
    const t = (k: number) => created + k * 600_000;
    const reviewers = PEOPLE.filter((p) => p.id !== author?.id);
    const reviews: GenReview[] = Array.from({ length: nReviews }, (_, k) => ({
      id: 700_000_000 + index * 100 + k,
      author: r.chance(0.02) ? null : r.pick(reviewers),
      state: r.pick(["APPROVED", "COMMENTED", "CHANGES_REQUESTED", "COMMENTED"]),
      body: r.chance(0.5) ? "" : r.pick(REVIEW_TEXTS),
      commit: headSha,
      submittedAt: iso(t(k + 1)),
    }));
    const threads: GenThread[] = Array.from({ length: nThreads }, (_, k) => {
      const nc = index % 70 === 13 && k === 0 ? 14 : r.int(1, 3);
      const outdated = r.chance(0.4);
      return {
        nodeId: `PRRT_${index}_${k}`,
        path: `src/${area}/file-${k % 5}.ts`,
        isResolved: r.chance(0.5),
        isOutdated: outdated,
        comments: Array.from({ length: nc }, (_, c) => ({
          id: 800_000_000 + index * 1000 + k * 30 + c,
          author: c % 2 === 0 ? r.pick(reviewers) : author,
          body: r.pick(REVIEW_TEXTS),
          createdAt: iso(t(k + c + 2)),
          updatedAt: iso(t(k + c + 2)),
          line: outdated ? null : 10 + k,
          originalLine: 10 + k,
          reviewId: nReviews > 0 ? reviews[k % nReviews]!.id : null,
        })),
      };
    });
    const comments: GenComment[] = Array.from({ length: nComments }, (_, k) => ({
      id: 900_000_000 + index * 100 + k,
      author: this.person(r),
      body: k === 0 && index % 97 === 41 ? "/unsung note paired on this with the on-call" : r.pick(["Thanks!", "Rebased on main.", "Can we ship this today?", "Deployed to staging, looks good."]),
      createdAt: iso(t(k + 3)),
      updatedAt: iso(t(k + 3)),
    }));
    const commits: GenCommit[] = Array.from({ length: nCommits }, (_, k) => {
      const coAuthor = r.chance(0.1) ? r.pick(reviewers) : null;
      return {
        oid: hex(r, 40),
        message: `${k === 0 ? title : `Address review ${k}`}${coAuthor ? `\n\nCo-authored-by: ${coAuthor.login} <${coAuthor.id}+${coAuthor.login}@users.noreply.github.com>` : ""}`,
        authoredDate: iso(t(k)),
        author,
      };
    });
    const files: GenFile[] = Array.from({ length: nFiles }, (_, k) => {
      const path = flaky
        ? k === 0
          ? `test/${area}/order-sync.test.ts`
          : `test/${area}/helpers-${k}.ts`
        : runbook
          ? `docs/runbooks/${area}-${k}.md`
          : k % 4 === 3
            ? `test/${area}/case-${k}.test.ts`
            : `src/${area}/file-${k}.ts`;
      const patch = flaky
        ? "@@ -10,3 +10,3 @@\n-    await sleep(500)\n+    await waitFor(() => expect(sync.done).toBe(true))"
        : runbook
          ? "@@ -0,0 +1,6 @@\n+# Checkout outage\n+## Symptoms\n+Orders stall.\n+## Mitigation\n+Fail over.\n+## Rollback\n+Revert the deploy."
          : `@@ -1,2 +1,3 @@\n-const a = ${k}\n+const a = ${k + 1}\n+const b = ${k}`;
      return { path, additions: flaky ? 1 : runbook ? 7 : 2, deletions: flaky || !runbook ? 1 : 0, changeType: runbook ? "ADDED" : "MODIFIED", patch };
    });
    // Head-commit checks: a flaky check fails, is re-run, passes (two runs of the same name on one commit).
    const checkStart = t(1);
    const checkRuns: GenCheckRun[] = [
      { id: 1_000_000_000 + index * 10, name: "test", conclusion: "success", startedAt: iso(checkStart), completedAt: iso(checkStart + 300_000) },
      { id: 1_000_000_000 + index * 10 + 1, name: "lint", conclusion: "success", startedAt: iso(checkStart), completedAt: iso(checkStart + 60_000) },
    ];
    if (index % 7 === 2) {
      checkRuns[0]!.conclusion = "failure";
      checkRuns.push({ id: 1_000_000_000 + index * 10 + 2, name: "test", conclusion: "success", startedAt: iso(checkStart + 600_000), completedAt: iso(checkStart + 900_000) });
    }
    return {
      index,
      number,
      databaseId: 1_900_000_000 + index,
      nodeId: `PR_${index}`,
      title,
      body,
      author,
      state,
      isDraft: state === "OPEN" && r.chance(0.2),
      mergedAt: state === "MERGED" ? iso(closedMs!) : null,
      mergedBy: state === "MERGED" ? r.pick(PEOPLE) : null,
      createdAt: iso(created),
      closedAt: closedMs === null ? null : iso(closedMs),
      updatedAt: iso(updated),
      headSha,
      baseSha: hex(r, 40),
      headRef: `${area}-${index}`,
      labels: nLabels === 25 ? Array.from({ length: 25 }, (_, k) => `label-${k}`) : Array.from(new Set(Array.from({ length: nLabels }, () => r.pick(LABELS)))).concat(flaky ? ["flaky-test"] : []),
      reviews,
      threads,
      comments,
      commits,
      files,
      checkRuns,
    };
  }

  private issueCreated(index: number): number {
    return this.start + ((index + 0.25) / Math.max(1, this.spec.issues)) * (this.end - this.start - 3 * 86_400_000);
  }

  private genIssue(index: number): GenIssue {
    const r = this.rand("issue", index);
    const created = this.issueCreated(index);
    // Everything on an issue happens within 90% of the gap to the next one, so "most recently
    // updated first" is the index order, however many issues there are.
    const slot = (0.9 * (this.end - this.start - 3 * 86_400_000)) / Math.max(1, this.spec.issues);
    const at = (k: number) => created + (slot * k) / 64;
    const author = this.person(r, 0.02, 0.01);
    const helper = r.pick(PEOPLE.filter((p) => p.id !== author?.id));
    const area = r.pick(AREAS);
    const closed = r.chance(0.7);
    const closedMs = closed ? at(r.int(40, 60)) : null;
    const nComments = index % 40 === 6 ? 25 : r.int(0, 4);
    const title =
      index % 23 === 7
        ? `${area} test fails intermittently on CI`
        : r.pick([`${area} page is slow`, `Error when saving ${area}`, `How do I configure ${area}?`, `${area} export is missing rows`, `Typo in ${area} docs`]);
    const body = `Something is wrong with ${area}.`;
    const comments: GenComment[] = Array.from({ length: nComments }, (_, k) => ({
      id: 950_000_000 + index * 100 + k,
      author: k === 0 ? helper : this.person(r),
      body: k === 0 ? "Could you share the steps to reproduce and which version you are on?" : r.pick(["+1", "Same here.", "Fixed in the latest release.", "Thanks, that worked."]),
      createdAt: iso(at(k + 1)),
      updatedAt: iso(at(k + 1)),
    }));
    const events: GenIssueEvent[] = [];
    const many = index % 45 === 8;
    const nLabelEvents = many ? 40 : r.int(0, 2);
    for (let k = 0; k < nLabelEvents; k++) events.push({ id: `LE_${index}_${k}`, type: "LabeledEvent", at: iso(at(k / 4 + 1)), actor: helper, label: many ? `label-${k}` : r.pick(LABELS) });
    if (r.chance(0.2)) events.push({ id: `AE_${index}`, type: "AssignedEvent", at: iso(at(30)), actor: helper });
    if (index % 31 === 4) events.push({ id: `RT_${index}`, type: "RenamedTitleEvent", at: iso(at(31)), actor: helper, previousTitle: "it broke" });
    if (index % 29 === 3) events.push({ id: `MD_${index}`, type: "MarkedAsDuplicateEvent", at: iso(at(32)), actor: helper });
    if (closedMs !== null) events.push({ id: `CE_${index}`, type: "ClosedEvent", at: iso(closedMs), actor: r.chance(0.5) ? helper : author });
    // Body edits: the original revision, then edits by a teammate adding repro steps and acceptance criteria.
    const edits: GenEdit[] = [];
    const nEdits = index % 43 === 10 ? 15 : index % 5 === 1 ? 2 : 0;
    if (nEdits > 0) {
      edits.push({ id: `UCE_${index}_0`, editedAt: iso(created), editor: author, text: body });
      let text = body;
      for (let k = 1; k <= nEdits; k++) {
        text = k === 1 ? `${body}\n\n## Steps to reproduce\n1. Open ${area}\n2. Save\n\n## Acceptance criteria\n- [ ] saves\n- [ ] shows a message` : `${text}\n- [ ] detail ${k}`;
        edits.push({ id: `UCE_${index}_${k}`, editedAt: iso(at(k + 14)), editor: helper, text });
      }
    }
    const updated = at(64);
    return {
      index,
      number: index * 2 + 1,
      databaseId: 1_800_000_000 + index,
      nodeId: `I_${index}`,
      title,
      body: edits.length ? edits[edits.length - 1]!.text : body,
      author,
      state: closed ? "CLOSED" : "OPEN",
      stateReason: closed ? (index % 29 === 3 ? "DUPLICATE" : r.chance(0.8) ? "COMPLETED" : "NOT_PLANNED") : null,
      createdAt: iso(created),
      closedAt: closedMs === null ? null : iso(closedMs),
      updatedAt: iso(updated),
      labels: many ? Array.from({ length: 25 }, (_, k) => `label-${k}`) : [...new Set(events.filter((e) => e.type === "LabeledEvent").map((e) => e.label!))],
      comments,
      events: events.sort((a, b) => a.at.localeCompare(b.at)),
      edits: [...edits].reverse(),
    };
  }

  /** Default-branch workflow runs, newest first: one per merged pull request, plus a weekly schedule. */
  workflowRunCount(): number {
    return this.spec.pullRequests + this.weeks();
  }

  private weeks(): number {
    return Math.floor((this.end - this.start) / (7 * 86_400_000));
  }

  /** Run by position in creation order (0 = oldest). Merge runs for PRs that were not merged are skipped by the lister. */
  workflowRunAt(k: number): GenWorkflowRun | null {
    const n = this.spec.pullRequests;
    if (k < n) {
      const pr = this.pullRequest(k);
      if (pr.state !== "MERGED") return null;
      return this.run(k, Date.parse(pr.mergedAt!) + 60_000, "push", pr.author);
    }
    const w = k - n;
    if (w >= this.weeks()) return null;
    return this.run(k, this.start + (w + 1) * 7 * 86_400_000 + 3_600_000, "schedule", null);
  }

  private run(k: number, createdMs: number, event: string, actor: FakeUser | null): GenWorkflowRun {
    const r = this.rand("run", k);
    const attempt = r.chance(0.08) ? 2 : 1;
    const failed = r.chance(attempt === 2 ? 0.1 : 0.06);
    const rerunner = attempt === 2 ? r.pick(PEOPLE) : actor;
    const user = (u: FakeUser | null) => (u ? { id: u.id, login: u.type === "Bot" ? `${u.login}[bot]` : u.login, type: u.type } : null);
    return {
      id: 6_000_000_000 + k,
      name: "ci",
      path: ".github/workflows/ci.yml",
      workflow_id: 77_001,
      head_sha: hex(r, 40),
      head_branch: this.defaultBranch,
      event,
      status: "completed",
      conclusion: failed ? "failure" : "success",
      run_number: k + 1,
      run_attempt: attempt,
      actor: user(actor ?? PEOPLE[0]!),
      triggering_actor: user(rerunner ?? PEOPLE[0]!),
      created_at: iso(createdMs),
      run_started_at: iso(createdMs + (attempt - 1) * 1_800_000),
      updated_at: iso(createdMs + (attempt - 1) * 1_800_000 + 420_000),
      html_url: `https://github.com/${this.spec.owner}/${this.spec.name}/actions/runs/${6_000_000_000 + k}`,
    };
  }
}
