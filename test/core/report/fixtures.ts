/**
 * Realistic report fixtures: an organisation "acme" with three covered
 * repositories and one private repository the reader may not see, a team of
 * four, and a quarter of their glue work.
 */
import type { Annotation, Contribution, ContributionKind } from "../../../src/core/model.js";
import { buildPersonReport, type PersonReportInput } from "../../../src/core/report/build-person-report.js";
import { buildTeamReport, type TeamReportInput } from "../../../src/core/report/build-team-report.js";
import { quarterPeriod } from "../../../src/core/report/period.js";
import { DEFAULT_RUBRIC, DEFAULT_RUBRIC_ORDER } from "../../../src/core/report/rubric.js";
import type { CoveredRepository } from "../../../src/core/report/select-covered.js";

export const NOW = new Date("2026-10-02T09:00:00Z");
export const Q3 = quarterPeriod(2026, 3);
export const Q2 = quarterPeriod(2026, 2);

export const ALICE = { id: 101, login: "alice", name: "Alice Example" };
export const BOB = { id: 102, login: "bob" };
export const CAROL = { id: 103, login: "Carol" };
export const DAVE = { id: 104, login: "dave" };
export const TEAM = [DAVE, ALICE, CAROL, BOB];

const REPOS: Record<string, { id: number; private: boolean }> = {
  "acme/api": { id: 1, private: true },
  "acme/web": { id: 2, private: false },
  "acme/docs": { id: 3, private: false },
  "acme/secret": { id: 4, private: true },
};

/** What the reader may see: acme/secret is not among them. */
export const COVERED: CoveredRepository[] = [
  { fullName: "acme/api", private: true },
  { fullName: "acme/web", private: false },
  { fullName: "acme/docs", private: false },
];

export const SECRET_TITLE = "Project Falcon: acquisition data pipeline";

let seq = 0;

/** A contribution with sensible defaults; override what the test is about. */
export function contribution(
  overrides: Partial<Contribution> & { kind: ContributionKind; person?: { id: number; login: string }; repo?: string; number?: number },
): Contribution {
  seq += 1;
  const person = overrides.person ?? ALICE;
  const repo = overrides.repo ?? "acme/api";
  const meta = REPOS[repo] ?? { id: 99, private: false };
  const number = overrides.number ?? 100 + seq;
  const subjectType = overrides.kind === "triage" ? "issue" : "pull_request";
  const subjectUrl = overrides.subjectUrl ?? `https://github.com/${repo}/${subjectType === "issue" ? "issues" : "pull"}/${number}`;
  const { person: _p, repo: _r, number: _n, ...rest } = overrides;
  return {
    key: `${overrides.kind}:${repo}#${number}:${person.id}:${seq}`,
    personId: person.id,
    personLogin: person.login,
    repositoryId: meta.id,
    repositoryFullName: repo,
    repositoryPrivate: meta.private,
    subjectType,
    subjectId: String(number),
    subjectTitle: `Change ${number}`,
    subjectUrl,
    occurredAt: "2026-08-01T12:00:00Z",
    score: 50,
    confidence: 0.9,
    level: null,
    dynamics: "neutral",
    evidence: [],
    formula: {
      friction: "",
      change: "",
      improvement: "",
      beneficiaries: [],
      proof: [],
    },
    detail: {},
    detector: `${overrides.kind}-detector`,
    detectorVersion: 1,
    ...rest,
  };
}

let aseq = 0;

export function annotation(overrides: Partial<Annotation> & { kind: Annotation["kind"] }): Annotation {
  aseq += 1;
  return {
    id: `a${aseq}`,
    authorId: ALICE.id,
    authorLogin: ALICE.login,
    subjectPersonId: ALICE.id,
    subjectPersonLogin: ALICE.login,
    contributionKey: null,
    link: null,
    text: "",
    sourceUrl: null,
    repositoryId: null,
    repositoryFullName: null,
    repositoryPrivate: false,
    createdAt: "2026-09-15T10:00:00Z",
    authorAssociation: "MEMBER",
    ...overrides,
  };
}

/** Alice's quarter: deep reviews, a measured flaky-test fix, a runbook, a recurring triage trap, mentoring. */
export function aliceQ3(): { contributions: Contribution[]; annotations: Annotation[]; keys: Record<string, string> } {
  const deepReview = contribution({
    kind: "review",
    repo: "acme/api",
    number: 412,
    subjectTitle: "Rework payment retry logic",
    subjectUrl: "https://github.com/acme/api/pull/412#pullrequestreview-9001",
    occurredAt: "2026-08-14T15:30:00Z",
    score: 88,
    level: "deep",
    evidence: ["4 comments found defects in the retry path", "3 of 4 comments were followed by a fix", "covered src/payments/retry.ts (risky: money movement)"],
    formula: {
      friction: "A retry storm double-charged customers during the July outage.",
      change: "Found the missing idempotency key and an unbounded retry loop in review.",
      improvement: "Both defects fixed before merge; no double charges since.",
      beneficiaries: ["payments team", "customers"],
      proof: [{ label: "review comment on retry.ts", url: "https://github.com/acme/api/pull/412#discussion_r1" }],
    },
    detail: { commentCount: 4, commentsLedToChange: 3, risky: true, paths: ["src/payments/retry.ts", "src/payments/queue.ts"] },
  });
  const secondReviewSamePr = contribution({
    kind: "review",
    repo: "acme/api",
    number: 412,
    subjectTitle: "Rework payment retry logic",
    subjectUrl: "https://github.com/acme/api/pull/412#pullrequestreview-9002",
    occurredAt: "2026-08-15T09:00:00Z",
    score: 60,
    level: "substantive",
    evidence: ["follow-up review checked the fix"],
    detail: { commentCount: 2, commentsLedToChange: 1, paths: ["src/payments/retry.ts"] },
  });
  const webReview = contribution({
    kind: "review",
    repo: "acme/web",
    number: 77,
    subjectTitle: "Add SSO login button",
    occurredAt: "2026-07-22T11:00:00Z",
    score: 64,
    level: "substantive",
    detail: { risky: true, paths: ["frontend/auth/sso.tsx"] },
  });
  const light1 = contribution({ kind: "review", repo: "acme/web", number: 80, level: "light", score: 20, subjectTitle: "Bump eslint" });
  const light2 = contribution({ kind: "review", repo: "acme/web", number: 81, level: "light", score: 30, subjectTitle: "Fix typo in footer" });
  const stamp = contribution({ kind: "review", repo: "acme/web", number: 82, level: "rubber-stamp", score: 5, subjectTitle: "Update README badge" });
  const flaky = contribution({
    kind: "flaky-fix",
    repo: "acme/api",
    number: 430,
    subjectTitle: "Deflake payments integration tests",
    occurredAt: "2026-09-02T10:00:00Z",
    score: 80,
    dynamics: "compounding",
    evidence: ['title mentions "deflake"', 'workflow "ci" job "test" failed then passed on the same commit 17 times in the 30 days before'],
    formula: {
      friction: "The test job failed 12% of runs for reasons unrelated to the change; people re-ran it.",
      change: "Replaced a sleep with a wait on the queue being drained.",
      improvement: "Failure rate fell from 12% to 2% over the next 140 runs.",
      beneficiaries: ["everyone merging to acme/api"],
      proof: [{ label: "CI failure rate before/after", url: "https://github.com/acme/api/actions/workflows/ci.yml" }, { label: "12% → 2%" }],
    },
    detail: { job: "test", failureRateBefore: 0.12, failureRateAfter: 0.02, runs: 140 },
  });
  const runbook = contribution({
    kind: "runbook",
    repo: "acme/docs",
    number: 12,
    subjectTitle: "Runbook: rotating the payments API keys",
    occurredAt: "2026-07-20T10:00:00Z",
    score: 70,
    dynamics: "compounding",
    formula: { friction: "Key rotation lived in one person's head.", change: "Wrote the runbook.", improvement: "Two people rotated keys without help.", beneficiaries: ["on-call"], proof: [] },
  });
  const triage = [
    { n: 201, at: "2026-07-10T10:00:00Z", score: 35 },
    { n: 202, at: "2026-08-10T10:00:00Z", score: 40 },
    { n: 203, at: "2026-09-10T10:00:00Z", score: 30 },
  ].map(({ n, at, score }) =>
    contribution({
      kind: "triage",
      repo: "acme/web",
      number: n,
      subjectTitle: `SSO login fails for new users (#${n})`,
      occurredAt: at,
      score,
      dynamics: "trap",
      detail: { topic: "SSO login for new users" },
    }),
  );
  const mentoring = contribution({
    kind: "mentoring",
    repo: "acme/web",
    number: 90,
    subjectTitle: "First PR from a newcomer: dark mode toggle",
    occurredAt: "2026-09-20T10:00:00Z",
    score: 55,
    detail: { mentee: "newbie" },
  });
  const trivialDocs = contribution({ kind: "docs", repo: "acme/docs", number: 13, subjectTitle: "Fix a link", score: 10 });
  const secret = contribution({
    kind: "review",
    repo: "acme/secret",
    number: 7,
    subjectTitle: SECRET_TITLE,
    score: 95,
    level: "deep",
    occurredAt: "2026-08-20T10:00:00Z",
  });

  const contributions = [deepReview, secondReviewSamePr, webReview, light1, light2, stamp, flaky, runbook, ...triage, mentoring, trivialDocs, secret];
  const annotations = [
    annotation({
      kind: "endorse",
      authorId: BOB.id,
      authorLogin: BOB.login,
      contributionKey: deepReview.key,
      text: "This review saved us from double-charging.",
      repositoryFullName: "acme/api",
      repositoryPrivate: true,
      sourceUrl: "https://github.com/acme/api/pull/412#issuecomment-5",
    }),
    annotation({ kind: "claim", link: "https://github.com/acme/web/pull/77/files", text: "Paired on the SSO flow before reviewing it." }),
    annotation({ kind: "claim", link: "https://github.com/acme/web/pull/99", text: "Reviewed the cache invalidation PR over a call." }),
    annotation({ kind: "log", text: "Facilitated the Q3 incident retro for the payments outage.", createdAt: "2026-07-30T10:00:00Z" }),
    annotation({ kind: "dispute", contributionKey: triage[0]!.key, text: "That was the on-call rotation, not me." }),
    annotation({ kind: "note", text: "SECRET note about Falcon", repositoryFullName: "acme/secret", repositoryPrivate: true }),
    annotation({ kind: "log", text: "Helped with the Falcon migration", link: "https://github.com/acme/secret/issues/1" }),
    annotation({ kind: "endorse", authorId: CAROL.id, authorLogin: CAROL.login, text: "Alice unblocked me on the schema migration.", createdAt: "2026-09-01T10:00:00Z" }),
  ];
  return {
    contributions,
    annotations,
    keys: { deepReview: deepReview.key, second: secondReviewSamePr.key, webReview: webReview.key, triage0: triage[0]!.key, flaky: flaky.key },
  };
}

/** Alice's previous quarter: two substantive reviews and one triage on the same topic. */
export function aliceQ2(): Contribution[] {
  return [
    contribution({ kind: "review", repo: "acme/api", number: 300, level: "substantive", score: 50, occurredAt: "2026-05-05T10:00:00Z" }),
    contribution({ kind: "review", repo: "acme/web", number: 301, level: "substantive", score: 70, occurredAt: "2026-06-05T10:00:00Z" }),
    contribution({ kind: "triage", repo: "acme/web", number: 302, score: 30, occurredAt: "2026-06-10T10:00:00Z", dynamics: "trap", detail: { topic: "SSO login for new users" } }),
  ];
}

export function personInput(overrides: Partial<PersonReportInput> = {}): PersonReportInput {
  const q3 = aliceQ3();
  return {
    person: ALICE,
    period: Q3,
    previousPeriod: Q2,
    contributions: q3.contributions,
    previousContributions: aliceQ2(),
    annotations: q3.annotations,
    rubric: DEFAULT_RUBRIC,
    rubricOrder: [...DEFAULT_RUBRIC_ORDER],
    coveredRepositories: COVERED,
    now: NOW,
    ...overrides,
  };
}

export function alicePersonReport(overrides: Partial<PersonReportInput> = {}) {
  return buildPersonReport(personInput(overrides));
}

/** The team's quarter: Bob does nearly all flaky-test fixes, Carol only rubber-stamps acme/web frontend changes, Dave has nothing. */
export function teamQ3(): Contribution[] {
  const alice = aliceQ3().contributions;
  const bobFlaky = [1, 2, 3, 4, 5, 6].map((i) =>
    contribution({
      kind: "flaky-fix",
      person: BOB,
      repo: "acme/api",
      number: 500 + i,
      occurredAt: `2026-0${7 + (i % 3)}-1${i}T10:00:00Z`,
      score: 60,
      detail: { job: "e2e" },
      dynamics: i > 3 ? "trap" : "neutral",
    }),
  );
  const bobReviews = [
    contribution({ kind: "review", person: BOB, repo: "acme/api", number: 600, level: "substantive", score: 55, detail: { commentCount: 5, commentsLedToChange: 2, paths: ["src/db/pool.ts"] } }),
    contribution({ kind: "review", person: BOB, repo: "acme/api", number: 601, level: "light", score: 20 }),
  ];
  const carolReviews = [1, 2, 3].map((i) =>
    contribution({
      kind: "review",
      person: CAROL,
      repo: "acme/web",
      number: 700 + i,
      level: i === 3 ? "light" : "rubber-stamp",
      score: 5,
      occurredAt: "2026-09-05T10:00:00Z",
      detail: { paths: [`site/pages/p${i}.tsx`] },
    }),
  );
  const carolDocs = contribution({ kind: "docs", person: CAROL, repo: "acme/docs", number: 800, score: 45, occurredAt: "2026-07-05T10:00:00Z" });
  return [...alice, ...bobFlaky, ...bobReviews, ...carolReviews, carolDocs];
}

export function teamQ2(): Contribution[] {
  return [
    ...aliceQ2(),
    contribution({ kind: "flaky-fix", person: BOB, repo: "acme/api", number: 900, score: 60, occurredAt: "2026-05-20T10:00:00Z" }),
  ];
}

export function teamInput(overrides: Partial<TeamReportInput> = {}): TeamReportInput {
  return {
    people: TEAM,
    period: Q3,
    previousPeriod: Q2,
    contributions: teamQ3(),
    previousContributions: teamQ2(),
    rubric: DEFAULT_RUBRIC,
    ranking: false,
    coveredRepositories: COVERED,
    now: NOW,
    ...overrides,
  };
}

export function teamReport(overrides: Partial<TeamReportInput> = {}) {
  return buildTeamReport(teamInput(overrides));
}

/** Text an attacker can put in a PR title, a comment, a login or a note. */
export const HOSTILE = {
  script: "<script>alert(1)</script>",
  attr: '"><img src=x onerror=alert(1)>',
  jsUrl: "javascript:alert(1)",
  mdLink: "[click me](https://evil.example/phish)",
  mdImage: "![tracker](https://evil.example/pixel.png)",
  autolink: "see https://evil.example/x and www.evil.example",
  rtl: "invoice\u202Egnp.exe",
  long: "A".repeat(20_000),
  formula: '=HYPERLINK("https://evil.example","click")',
  mention: "@everyone ping",
};

/** A report whose every GitHub-sourced string is hostile. */
export function hostileInputs(): { person: PersonReportInput; team: TeamReportInput } {
  const evil = { id: 666, login: `evil${HOSTILE.attr}` };
  const contributions: Contribution[] = [
    contribution({
      kind: "review",
      person: evil,
      repo: "acme/web",
      number: 1,
      level: "deep",
      score: 90,
      subjectTitle: `${HOSTILE.script} ${HOSTILE.mdLink} ${HOSTILE.rtl}`,
      subjectUrl: HOSTILE.jsUrl,
      evidence: [HOSTILE.mdImage, HOSTILE.autolink],
      formula: {
        friction: HOSTILE.attr,
        change: `${HOSTILE.formula}`,
        improvement: HOSTILE.long,
        beneficiaries: [HOSTILE.mention],
        proof: [
          { label: HOSTILE.script, url: HOSTILE.jsUrl },
          { label: "data", url: "data:text/html,<script>alert(1)</script>" },
          { label: "ok", url: "https://github.com/acme/web/pull/1" },
        ],
      },
      detail: { job: "`x` ](https://evil.example)", failureRateBefore: 0.5, failureRateAfter: 0.1, runs: 10 },
    }),
    contribution({
      kind: "flaky-fix",
      person: evil,
      repo: "acme/web",
      number: 2,
      score: 80,
      subjectTitle: HOSTILE.formula,
      subjectUrl: "https://github.com/acme/web/pull/2",
      detail: { job: "`x` ](https://evil.example) <b>", failureRateBefore: 0.5, failureRateAfter: 0.1, runs: 10 },
    }),
  ];
  const annotations: Annotation[] = [
    annotation({
      kind: "log",
      authorId: evil.id,
      authorLogin: evil.login,
      subjectPersonId: evil.id,
      subjectPersonLogin: evil.login,
      text: `${HOSTILE.script}\n${HOSTILE.mdImage}\n${HOSTILE.formula}`,
      link: HOSTILE.jsUrl,
    }),
  ];
  return {
    person: {
      person: { id: evil.id, login: evil.login, name: `${HOSTILE.script}${HOSTILE.rtl}` },
      period: Q3,
      previousPeriod: Q2,
      contributions,
      previousContributions: [],
      annotations,
      rubric: { review: `${HOSTILE.mdLink} quality` },
      rubricOrder: [],
      coveredRepositories: COVERED,
      now: NOW,
    },
    team: {
      people: [evil, ALICE],
      period: Q3,
      previousPeriod: Q2,
      contributions,
      previousContributions: [],
      coveredRepositories: COVERED,
      now: NOW,
    },
  };
}
