/**
 * A deterministic synthetic organisation for scale tests: by default 500
 * engineers in teams of 10 over one year — ~60k pull requests, ~200k reviews,
 * ~1M review comments, CI runs, issues, and the contributions the detectors
 * would have stored for them (review depth per reviewer, change kinds,
 * flaky-test fixes, mentoring, co-authorship, triage), plus annotations and
 * the teams configuration. Same options, same rows, byte for byte.
 *
 * Rows are produced as arrays in the column order of src/scale/tables.ts and
 * handed to a sink; the generator yields after every month so that a loader
 * can flush (see load-scale-org.ts). Pure: no I/O, no clock.
 *
 * Review contributions come from the real detector code (reviewContributions)
 * over reviews scored by the real scorer (see review-templates.ts), so their
 * evidence, formula and detail (per-comment category, ledToChange, path) have
 * exactly the detector's shape; the other kinds follow the detectors' shapes.
 */
import { contribution, type SubjectFields } from "../core/detect/contribution.js";
import { reviewContributions, type ReviewerActivity } from "../core/detect/detect-review-depth.js";
import { humanDuration, percent, plural } from "../core/detect/text.js";
import type { PullRequestBundle, ReviewCommentFact, ReviewFact } from "../core/facts.js";
import type { ChangeKind, Contribution, PersonRef } from "../core/model.js";
import { storedSummary } from "../core/report/review-tally.js";
import { Random } from "../demo/prng.js";
import { buildReviewTemplates, SIZE_BUCKETS, type ReviewTemplate } from "./review-templates.js";
import type { ScaleTable } from "./tables.js";
import {
  CI_PATHS,
  DIFF_HUNKS,
  DOC_PATHS,
  FIRST_NAMES,
  ISSUE_ANSWERS,
  ISSUE_TITLES,
  LAST_NAMES,
  OBJECTS,
  OWNERSHIP_PATHS,
  QUALIFIERS,
  REPO_SUFFIXES,
  REPO_WORDS,
  RUNBOOK_PATHS,
  TEMPLATE_PATHS,
  TEST_PATHS,
  VERBS,
} from "./texts.js";

export interface ScaleOrgOptions {
  seed?: number;
  engineers?: number;
  months?: number;
  /** First day, UTC (YYYY-MM-DD). Default 2025-10-01: the default year is 2025 Q4 – 2026 Q3. */
  start?: string;
  teamSize?: number;
  /** Mean pull requests an engineer opens per month. Default 10.6 (~60k a year for 500). */
  prsPerEngineerMonth?: number;
}

export const SCALE_DEFAULTS: Required<ScaleOrgOptions> = {
  seed: 1,
  engineers: 500,
  months: 12,
  start: "2025-10-01",
  teamSize: 10,
  prsPerEngineerMonth: 10.6,
};

export type RowSink = (table: ScaleTable, row: unknown[]) => void;

export interface Engineer {
  index: number;
  id: number;
  login: string;
  name: string;
  team: number;
  /** Month index (0-based) the engineer joined; 0 for everyone there from the start. */
  joinedMonth: number;
  activity: number;
  styleWeights: readonly (readonly [number, number])[];
  reviewWeight: number;
}

export interface Repo {
  id: number;
  name: string;
  fullName: string;
  private: boolean;
  htmlUrl: string;
  /** Owning team, or -1 for a shared repository. */
  team: number;
  next: number;
}

export interface ScaleOrgPlan {
  options: Required<ScaleOrgOptions>;
  org: { id: number; login: string };
  installationId: number;
  engineers: Engineer[];
  teams: { slug: string; members: Engineer[] }[];
  repositories: Repo[];
  /** The .github repository holding the teams configuration. */
  configRepo: Repo;
  bots: { id: number; login: string }[];
  /** Half-open: [from, to). */
  period: { from: string; to: string };
  computedAt: string;
}

const ORG_ID = 90_000_001;
const PERSON_BASE = 10_000_000;
const REPO_BASE = 600_000_000;
const PR_BASE = 1_500_000_000;
const REVIEW_BASE = 3_000_000_000;
const COMMENT_BASE = 4_000_000_000;
const CHECK_BASE = 5_000_000_000;
const WORKFLOW_BASE = 6_000_000_000;
const ISSUE_BASE = 7_000_000_000;
const ISSUE_COMMENT_BASE = 8_000_000_000;
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

const STYLE_PROFILES: readonly (readonly [readonly (readonly [number, number])[], number])[] = [
  // [weights over REVIEW_STYLES indexes], share of engineers
  [[[0, 60], [1, 30], [2, 8], [3, 2]], 12], // rubber-stamper
  [[[0, 8], [1, 77], [2, 12], [3, 3]], 12], // nit-picker
  [[[0, 12], [1, 40], [2, 38], [3, 10]], 60], // balanced
  [[[0, 4], [1, 20], [2, 46], [3, 30]], 16], // deep reviewer
];

const dayPrefix = new Map<number, string>();
const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
/** ISO 8601 with milliseconds, like Date#toISOString, for whole seconds (several times faster: the day part is cached). */
function ISO(ms: number): string {
  const s = Math.floor(ms / 1000);
  const day = Math.floor(s / 86_400);
  let prefix = dayPrefix.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY).toISOString().slice(0, 11);
    dayPrefix.set(day, prefix);
  }
  const sec = s - day * 86_400;
  return `${prefix}${pad2(Math.floor(sec / 3600))}:${pad2(Math.floor((sec % 3600) / 60))}:${pad2(sec % 60)}.000Z`;
}

function withDefaults(options: ScaleOrgOptions): Required<ScaleOrgOptions> {
  const o = { ...SCALE_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as Required<ScaleOrgOptions>;
  if (!Number.isInteger(o.engineers) || o.engineers < 2) throw new Error("engineers must be an integer ≥ 2");
  if (!Number.isInteger(o.months) || o.months < 1 || o.months > 24) throw new Error("months must be an integer from 1 to 24");
  if (!/^\d{4}-\d{2}-01$/.test(o.start)) throw new Error("start must be the first day of a month, YYYY-MM-01");
  return o;
}

/** People, teams and repositories: everything decided before the first pull request. */
export function planScaleOrg(options: ScaleOrgOptions = {}): ScaleOrgPlan {
  const o = withDefaults(options);
  const rng = new Random(o.seed * 7919 + 1);
  const [y, m] = o.start.split("-").map(Number) as [number, number];
  const from = Date.UTC(y, m - 1, 1);
  const to = Date.UTC(y, m - 1 + o.months, 1);
  const org = { id: ORG_ID, login: "scale-org" };

  const taken = new Set<string>();
  const engineers: Engineer[] = [];
  const teamCount = Math.ceil(o.engineers / o.teamSize);
  for (let i = 0; i < o.engineers; i++) {
    let first = rng.pick(FIRST_NAMES);
    let last = rng.pick(LAST_NAMES);
    let login = `${first}-${last}`;
    for (let tries = 0; taken.has(login) && tries < 20; tries++) {
      first = rng.pick(FIRST_NAMES);
      last = rng.pick(LAST_NAMES);
      login = `${first}-${last}`;
    }
    if (taken.has(login)) login = `${first}-${last}-${i}`;
    taken.add(login);
    const profile = rng.weighted(STYLE_PROFILES.map(([w, share]) => [w, share] as const));
    engineers.push({
      index: i,
      id: PERSON_BASE + i + 1,
      login,
      name: `${cap(first)} ${cap(last)}`,
      team: Math.floor(i / o.teamSize),
      joinedMonth: o.months > 2 && rng.chance(0.1) ? rng.int(1, o.months - 1) : 0,
      activity: 0.5 + rng.next(),
      styleWeights: profile,
      reviewWeight: 0,
    });
  }
  const teams = Array.from({ length: teamCount }, (_, t) => ({ slug: `team-${String(t).padStart(3, "0")}`, members: engineers.filter((e) => e.team === t) }));
  // Review load inside a team is skewed (a Zipf-like curve over a shuffled order): some people carry it.
  for (const team of teams) {
    rng.shuffle(team.members).forEach((e, rank) => (e.reviewWeight = 1 / Math.pow(rank + 1, 0.9)));
  }

  const repositories: Repo[] = [];
  const repo = (name: string, team: number, isPrivate: boolean): Repo => {
    const id = REPO_BASE + repositories.length + 1;
    const r = { id, name, fullName: `${org.login}/${name}`, private: isPrivate, htmlUrl: `https://github.com/${org.login}/${name}`, team, next: 0 };
    repositories.push(r);
    return r;
  };
  for (let t = 0; t < teamCount; t++) {
    const word = REPO_WORDS[t % REPO_WORDS.length]!;
    const suffix = REPO_SUFFIXES[Math.floor(t / REPO_WORDS.length) % REPO_SUFFIXES.length]!;
    const round = Math.floor(t / (REPO_WORDS.length * REPO_SUFFIXES.length));
    repo(`${word}-${suffix}${round ? `-${round + 1}` : ""}`, t, rng.chance(0.3));
  }
  const shared = Math.max(1, Math.ceil(teamCount / 10));
  for (let s = 0; s < shared; s++) repo(s === 0 ? "docs" : `platform-${s}`, -1, false);
  const configRepo = repo(".github", -1, false);

  return {
    options: o,
    org,
    installationId: 77_000_001,
    engineers,
    teams,
    repositories,
    configRepo,
    bots: [
      { id: 49_699_333, login: "dependabot[bot]" },
      { id: 41_898_282, login: "github-actions[bot]" },
      { id: 175_728_472, login: "copilot-pull-request-reviewer[bot]" },
    ],
    period: { from: ISO(from), to: ISO(to) },
    computedAt: ISO(to + DAY),
  };
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

type PrKind = "feature" | ChangeKind | "flaky-fix" | "flaky-quarantine";
const PR_KINDS: readonly (readonly [PrKind, number])[] = [
  ["feature", 746],
  ["test", 120],
  ["docs", 60],
  ["ci-config", 20],
  ["runbook", 10],
  ["template", 5],
  ["ownership", 5],
  ["flaky-fix", 20],
  ["flaky-quarantine", 14],
];

const KIND_TEXT: Record<ChangeKind, { what: string; label: string; improvement: string; beneficiaries: (repo: string) => string[]; dynamics: Contribution["dynamics"]; paths: readonly string[]; title: readonly string[] }> = {
  docs: {
    what: "documentation",
    label: "Docs",
    improvement: "Not measurable yet: whether it answers questions before they are asked shows over time (fewer repeated questions and issues on the topic).",
    beneficiaries: (repo) => [`readers and newcomers of ${repo}`],
    dynamics: "compounding",
    paths: DOC_PATHS,
    title: ["Docs: explain", "Document", "README: describe", "ADR: record the decision on"],
  },
  runbook: {
    what: "a runbook / on-call guide",
    label: "Runbooks",
    improvement: "Not measurable yet: incidents handled with the runbook are not linked to it.",
    beneficiaries: (repo) => [`on-call engineers for ${repo}`],
    dynamics: "compounding",
    paths: RUNBOOK_PATHS,
    title: ["Runbook for", "On-call guide:"],
  },
  "ci-config": {
    what: "CI configuration",
    label: "CI configuration",
    improvement: "Not measurable yet from this change alone (CI failure rates before/after are measured for flaky-test fixes).",
    beneficiaries: (repo) => [`everyone who pushes to ${repo}`],
    dynamics: "compounding",
    paths: CI_PATHS,
    title: ["CI: cache and split the jobs for", "CI: run the integration tests for"],
  },
  template: {
    what: "pull request / issue templates",
    label: "Templates",
    improvement: "Not measurable yet: later pull requests and issues follow the template.",
    beneficiaries: (repo) => [`authors and reviewers of future pull requests and issues in ${repo}`],
    dynamics: "compounding",
    paths: TEMPLATE_PATHS,
    title: ["Add a template for"],
  },
  ownership: {
    what: "code ownership (CODEOWNERS)",
    label: "Code ownership",
    improvement: "Not measurable yet: reviews are routed to the right owners from now on.",
    beneficiaries: (repo) => [`authors and reviewers in ${repo}`],
    dynamics: "compounding",
    paths: OWNERSHIP_PATHS,
    title: ["CODEOWNERS: add owners for"],
  },
  test: {
    what: "tests",
    label: "Test code",
    improvement: "Not measurable yet: defects the tests catch later are not linked to them.",
    beneficiaries: (repo) => [`maintainers of ${repo}`],
    dynamics: "neutral",
    paths: TEST_PATHS,
    title: ["Add tests for", "Cover", "Test"],
  },
};

const CHECKS = ["test", "lint", "build"] as const;

/** Row counts per table, for callers that want to check what was generated. */
export type ScaleCounts = Partial<Record<ScaleTable, number>>;

/**
 * Generates the organisation into `sink`, yielding after each month (and once
 * before the first, after the fixed rows). Returns the counts per table.
 */
export function* generateScaleOrg(options: ScaleOrgOptions, sink: RowSink): Generator<{ month: number; months: number }, ScaleCounts> {
  const plan = planScaleOrg(options);
  const o = plan.options;
  const counts: ScaleCounts = {};
  const emit: RowSink = (table, row) => {
    counts[table] = (counts[table] ?? 0) + 1;
    sink(table, row);
  };
  const rng = new Random(o.seed);
  const templates = buildReviewTemplates(new Random(o.seed * 31 + 7), 150);
  const computedAt = plan.computedAt;
  const fromMs = Date.parse(plan.period.from);
  const toMs = Date.parse(plan.period.to);
  const endMs = toMs - MIN;
  const clamp = (t: number) => Math.min(t, endMs);

  // ---- fixed rows
  const seenAt = plan.period.from;
  emit("installations", [plan.installationId, plan.org.id, plan.org.login, "Organization", "all", '{"pull_requests":"read","checks":"read","issues":"write","metadata":"read"}', '["pull_request","pull_request_review","issues","check_run","workflow_run"]', null, null, seenAt]);
  emit("people", [plan.org.id, plan.org.login, "Organization", false, false, "Scale Org", "[]", seenAt]);
  for (const b of plan.bots) emit("people", [b.id, b.login, "Bot", true, false, null, "[]", seenAt]);
  for (const e of plan.engineers) emit("people", [e.id, e.login, "User", false, false, e.name, "[]", ISO(fromMs + e.joinedMonth * 30 * DAY)]);
  for (const r of plan.repositories) emit("repositories", [r.id, plan.installationId, plan.org.login, r.name, r.fullName, r.private, "main", r.htmlUrl, false, null, seenAt]);
  const teamsConfig = Object.fromEntries(plan.teams.map((t) => [t.slug, t.members.map((m) => m.login)]));
  emit("repo_configs", [plan.configRepo.id, `${plan.configRepo.fullName}/.github/unsung.yml`, JSON.stringify({ teams: teamsConfig }), "[]", seenAt]);
  yield { month: -1, months: o.months };

  const byTeam = plan.teams.map((t) => t.members);
  const teamRepos = plan.repositories.filter((r) => r.team >= 0);
  const sharedRepos = plan.repositories.filter((r) => r.team === -1 && r !== plan.configRepo);
  const copilot = plan.bots[2]!;
  const dependabot = plan.bots[0]!;
  const actions = plan.bots[1]!;
  let prSeq = 0;
  let reviewSeq = 0;
  let commentSeq = 0;
  let checkSeq = 0;
  let workflowSeq = 0;
  let issueSeq = 0;
  let issueCommentSeq = 0;
  let annotationSeq = 0;
  const lastReviewKey = new Map<number, { key: string; url: string; repo: Repo }>();
  const mergedBefore = new Map<number, number>();

  const person = (e: Engineer): PersonRef & { id: number } => ({ id: e.id, login: e.login, isBot: false });

  const contributionRow = (c: Contribution, sourceKey: string): unknown[] => {
    const summary = storedSummary(c);
    return [
      c.key,
      c.kind,
      c.personId,
      c.personLogin,
      c.repositoryId,
      c.repositoryFullName,
      c.repositoryPrivate,
      c.subjectType,
      c.subjectId,
      c.subjectTitle,
      c.subjectUrl,
      c.occurredAt,
      c.score,
      c.confidence,
      c.level,
      c.dynamics,
      JSON.stringify(c.evidence),
      JSON.stringify(c.formula),
      JSON.stringify(c.detail),
      c.detector,
      c.detectorVersion,
      sourceKey,
      computedAt,
      summary.matchUrl,
      summary.areas,
      summary.commentCount,
      summary.commentsLedToChange,
    ];
  };

  /** Reviewers for a pull request: mostly the repository's team, weighted by review load; some from elsewhere. */
  const pickReviewers = (author: Engineer, repo: Repo, n: number): Engineer[] => {
    const home = byTeam[repo.team >= 0 ? repo.team : author.team]!;
    const out: Engineer[] = [];
    for (let guard = 0; out.length < n && guard < n * 8; guard++) {
      let cand: Engineer;
      if (rng.chance(0.15)) cand = rng.pick(plan.engineers);
      else cand = rng.weighted(home.map((m) => [m, m.reviewWeight] as const));
      if (cand === author || out.includes(cand)) continue;
      out.push(cand);
    }
    return out;
  };

  const pullRequest = (author: Engineer | null, monthStart: number, monthLen: number, botAuthor?: { id: number; login: string }, botRepo?: Repo) => {
    const seq = ++prSeq;
    const kind: PrKind = author ? rng.weighted(PR_KINDS) : "feature";
    let repo: Repo;
    if (botRepo) repo = botRepo;
    else {
      const r = rng.next();
      repo = kind === "docs" && rng.chance(0.5) ? rng.pick(sharedRepos) : r < 0.8 ? teamRepos[author!.team]! : r < 0.92 ? rng.pick(sharedRepos) : rng.pick(teamRepos);
    }
    const number = ++repo.next;
    const id = PR_BASE + seq;
    const bucket = kind === "feature" ? rng.weighted([[0, 55], [1, 35], [2, 10]] as const) : rng.weighted([[0, 75], [1, 25]] as const);
    const size = SIZE_BUCKETS[bucket]!;
    const lines = botAuthor ? rng.int(2, 40) : rng.int(size.min, size.max);
    const additions = Math.round(lines * (0.5 + 0.4 * rng.next()));
    const deletions = lines - additions;
    const changedFiles = Math.max(1, Math.round(lines / rng.int(15, 60)));
    const commitCount = rng.int(1, Math.min(12, 1 + Math.round(lines / 40)));
    const createdAt = monthStart + Math.floor(rng.next() * monthLen);
    const object = rng.pick(OBJECTS);
    const title = botAuthor
      ? `Bump ${rng.pick(["lodash", "pg", "zod", "golang.org/x/net", "rails", "vite"])} from 1.${rng.int(0, 9)}.${rng.int(0, 20)} to 1.${rng.int(10, 19)}.${rng.int(0, 9)}`
      : kind === "feature"
        ? `${rng.pick(VERBS)} ${object}${rng.pick(QUALIFIERS)}`
        : kind === "flaky-fix"
          ? `Deflake ${cap(object.replace(/^the /, ""))}Test: replace sleep with polling`
          : kind === "flaky-quarantine"
            ? `Quarantine flaky ${object.replace(/^the /, "")} e2e on CI`
            : `${rng.pick(KIND_TEXT[kind].title)} ${object}`;
    const htmlUrl = `${repo.htmlUrl}/pull/${number}`;
    const headSha = rng.sha();
    const authorId = botAuthor ? botAuthor.id : author!.id;
    const authorLogin = botAuthor ? botAuthor.login : author!.login;
    const authorRef: PersonRef = { id: authorId, login: authorLogin, isBot: !!botAuthor };
    const newcomer = !!author && author.joinedMonth > 0 && monthStart - (fromMs + author.joinedMonth * 30 * DAY) < 60 * DAY;
    const outcome = rng.next();
    const merged = outcome < 0.86;
    const closed = merged || outcome < 0.93;

    // ---- reviews
    const nReviewers = botAuthor ? 1 : rng.weighted([[1, 22], [2, 36], [3, 28], [4, 14]] as const);
    const reviewers = author ? pickReviewers(author, repo, nReviewers) : [rng.pick(byTeam[repo.team >= 0 ? repo.team : 0]!)];
    let lastActivity = clamp(createdAt + rng.int(5, 120) * MIN);
    const activities: { engineer: Engineer; activity: ReviewerActivity; template: ReviewTemplate }[] = [];
    for (const rev of reviewers) {
      const style = botAuthor ? 0 : rng.weighted(rev.styleWeights);
      const cell = templates[style * SIZE_BUCKETS.length + Math.min(bucket, 2)]!;
      const t = rng.pick(cell);
      const firstAt = clamp(createdAt + t.secondsAfterOpen * 1000 + rng.int(0, 30) * MIN);
      const reviewFacts: ReviewFact[] = [];
      t.states.forEach((state, i) => {
        const rid = REVIEW_BASE + ++reviewSeq;
        const at = clamp(firstAt + (i === 0 ? 0 : t.secondsBetween * 1000));
        const body = i === t.states.length - 1 ? t.body : "";
        const url = `${htmlUrl}#pullrequestreview-${rid}`;
        emit("reviews", [rid, repo.id, number, rev.id, state, body, headSha, url, "MEMBER", ISO(at), ISO(at)]);
        reviewFacts.push({ id: rid, reviewer: person(rev), state, body, submittedAt: ISO(at), commitId: headSha, htmlUrl: url, authorAssociation: "MEMBER" });
        lastActivity = Math.max(lastActivity, at);
      });
      // reviewContributions reads only the comments' times (for the last activity): keep the latest.
      let latestComment: ReviewCommentFact | null = null;
      const urls: (string | null)[] = [];
      for (const c of t.comments) {
        const cid = COMMENT_BASE + ++commentSeq;
        const at = clamp(Math.max(createdAt + MIN, firstAt - c.minutesBefore * MIN));
        const url = `${htmlUrl}#discussion_r${cid}`;
        const hunk = DIFF_HUNKS[(cid + c.line) % DIFF_HUNKS.length]!;
        emit("review_comments", [cid, repo.id, number, reviewFacts[0]!.id, rev.id, c.path, c.outdated ? null : c.line, c.line, "RIGHT", hunk, c.outdated ? null : headSha, headSha, null, c.body, url, "MEMBER", ISO(at), ISO(at), null]);
        if (!latestComment || ISO(at) > latestComment.createdAt) {
          latestComment = { id: cid, reviewId: reviewFacts[0]!.id, author: person(rev), path: c.path, line: c.line, body: c.body, createdAt: ISO(at), inReplyToId: null, commitId: headSha, originalCommitId: headSha, htmlUrl: url, outdated: c.outdated, threadResolved: c.outdated };
        }
        urls.push(url);
        if (c.reply !== null) {
          const rid = COMMENT_BASE + ++commentSeq;
          const rat = clamp(at + rng.int(10, 20 * 60) * MIN);
          emit("review_comments", [rid, repo.id, number, null, authorId, c.path, c.outdated ? null : c.line, c.line, "RIGHT", hunk, headSha, headSha, cid, c.reply, `${htmlUrl}#discussion_r${rid}`, "MEMBER", ISO(rat), ISO(rat), null]);
          lastActivity = Math.max(lastActivity, rat);
        }
      }
      activities.push({
        engineer: rev,
        template: t,
        activity: { person: person(rev), reviews: reviewFacts, comments: latestComment ? [latestComment] : [], input: t.input, score: t.score, commentUrls: urls },
      });
    }
    // An AI reviewer on some pull requests: reviews and comments, never a contribution.
    if (!botAuthor && rng.chance(0.15)) {
      const rid = REVIEW_BASE + ++reviewSeq;
      const at = clamp(createdAt + rng.int(2, 15) * MIN);
      emit("reviews", [rid, repo.id, number, copilot.id, "COMMENTED", "Copilot reviewed the changes and generated 2 comments.", headSha, `${htmlUrl}#pullrequestreview-${rid}`, "NONE", ISO(at), ISO(at)]);
      for (let i = 0; i < 2; i++) {
        const cid = COMMENT_BASE + ++commentSeq;
        emit("review_comments", [cid, repo.id, number, rid, copilot.id, rng.pick(TEST_PATHS), rng.int(1, 200), null, "RIGHT", DIFF_HUNKS[cid % DIFF_HUNKS.length]!, headSha, headSha, null, "Consider handling the error returned here; it is currently ignored.", `${htmlUrl}#discussion_r${cid}`, "NONE", ISO(at), ISO(at), null]);
      }
    }

    const mergedAt = merged ? clamp(lastActivity + rng.int(10, 24 * 60) * MIN) : null;
    const closedAt = merged ? mergedAt : closed ? clamp(lastActivity + rng.int(60, 7 * 24 * 60) * MIN) : null;
    const updatedAt = closedAt ?? lastActivity;
    const mergedBy = merged ? (reviewers[0]?.id ?? authorId) : null;
    const labels = kind === "feature" ? (rng.chance(0.3) ? '["enhancement"]' : "[]") : kind.startsWith("flaky") ? '["flaky-test"]' : botAuthor ? '["dependencies"]' : "[]";
    emit("pull_requests", [
      id, repo.id, number, title, botAuthor ? "Bumps the dependency. See the changelog." : `${title}.\n\nThis changes ${plural(changedFiles, "file")}. ${rng.chance(0.2) ? `Fixes #${rng.int(1, Math.max(1, repo.next))}.` : ""}`,
      htmlUrl, closed ? "closed" : "open", false, merged, mergedAt === null ? null : ISO(mergedAt), mergedBy, authorId, "MEMBER",
      additions, deletions, changedFiles, commitCount, headSha, `${authorLogin.replace(/\[bot\]$/, "")}/${number}`, rng.sha(), "main",
      labels, ISO(createdAt), closedAt === null ? null : ISO(closedAt), ISO(updatedAt), merged ? ISO(updatedAt) : null,
    ]);

    // ---- CI: three checks and a workflow run on the head commit; sometimes a flaky failure and a re-run.
    const flaky = rng.chance(0.06);
    const ciAt = createdAt + rng.int(1, 10) * MIN;
    for (const name of CHECKS) {
      const attempts = flaky && name === "test" ? 2 : 1;
      for (let a = 0; a < attempts; a++) {
        const start = clamp(ciAt + a * 20 * MIN);
        const conclusion = a < attempts - 1 ? "failure" : rng.chance(0.04) ? "failure" : "success";
        emit("check_runs", [CHECK_BASE + ++checkSeq, repo.id, name, headSha, `${authorLogin}/${number}`, "completed", conclusion, "github-actions", ISO(start), ISO(clamp(start + rng.int(2, 14) * MIN)), ISO(clamp(start + 15 * MIN))]);
      }
    }
    const wfAttempts = flaky ? 2 : 1;
    const wfId = WORKFLOW_BASE + ++workflowSeq;
    for (let a = 1; a <= wfAttempts; a++) {
      const start = clamp(ciAt + (a - 1) * 20 * MIN);
      emit("workflow_runs", [wfId, a, repo.id, repo.id * 10 + 1, "ci", ".github/workflows/ci.yml", headSha, `${authorLogin}/${number}`, "pull_request", "completed", a < wfAttempts ? "failure" : "success", seq, authorId, authorId, ISO(start), ISO(start), ISO(clamp(start + 16 * MIN))]);
    }
    if (rng.chance(0.5)) {
      const icid = ISSUE_COMMENT_BASE + ++issueCommentSeq;
      const at = clamp(createdAt + rng.int(30, 48 * 60) * MIN);
      const by = rng.chance(0.5) ? actions.id : authorId;
      emit("issue_comments", [icid, repo.id, number, true, by, by === actions.id ? "Preview deployed to https://preview.example.com ✅" : "Rebased on main; ready for another look.", `${htmlUrl}#issuecomment-${icid}`, by === actions.id ? "NONE" : "MEMBER", ISO(at), ISO(at), null]);
    }

    // ---- contributions
    const sourceKey = `pr:${repo.id}:${number}`;
    const repoFact = { id: repo.id, fullName: repo.fullName, private: repo.private, defaultBranch: "main", htmlUrl: repo.htmlUrl };
    const bundle = {
      repository: repoFact,
      pullRequest: {
        id, repositoryId: repo.id, number, title, body: "", htmlUrl, state: closed ? "closed" : "open", draft: false, merged,
        mergedAt: mergedAt === null ? null : ISO(mergedAt), mergedBy: null, author: authorRef, authorAssociation: "MEMBER",
        additions, deletions, changedFiles, headSha, baseSha: "", baseRef: "main", labels: [], createdAt: ISO(createdAt), closedAt: closedAt === null ? null : ISO(closedAt),
      },
      files: [], commits: [], reviews: [], reviewComments: [], issueComments: [], ciRuns: [], histories: {}, linkedIssues: [],
    } as PullRequestBundle;
    const subject: SubjectFields = { repositoryId: repo.id, repositoryFullName: repo.fullName, repositoryPrivate: repo.private, subjectType: "pull_request", subjectId: String(id), subjectTitle: title, subjectUrl: htmlUrl };
    for (const c of reviewContributions(bundle, activities.map((a) => a.activity), newcomer)) {
      emit("contributions", contributionRow(c, sourceKey));
      lastReviewKey.set(c.personId, { key: c.key, url: htmlUrl, repo });
    }
    if (!author) return;
    if (merged && kind !== "feature") {
      const occurredAt = ISO(mergedAt!);
      const proofPr = { label: `${repo.fullName}#${number}: ${title}`, url: htmlUrl };
      const sizeProof = { label: `+${additions.toLocaleString("en-US")} −${deletions.toLocaleString("en-US")} in ${plural(changedFiles, "file")}` };
      if (kind === "flaky-fix" || kind === "flaky-quarantine") {
        const check = rng.pick(CHECKS);
        const flips = rng.int(2, 12);
        if (kind === "flaky-fix") {
          const beforeRuns = rng.int(20, 90);
          const beforeBad = Math.min(beforeRuns, flips);
          const afterRuns = rng.int(10, 80);
          const afterBad = rng.chance(0.7) ? 0 : rng.int(1, 3);
          const status = afterBad / afterRuns < beforeBad / beforeRuns ? "improved" : "unchanged";
          const rate = (n: number, d: number) => Math.round((n / d) * 10_000) / 10_000;
          const sentence = `The failure/rerun rate of "${check}" on main fell: ${percent(beforeBad / beforeRuns)} → ${percent(afterBad / afterRuns)} over ${beforeRuns + afterRuns} runs (${beforeBad} of ${beforeRuns} before, ${afterBad} of ${afterRuns} after), 30 days before vs 30 days after the merge.`;
          const outcome = { after: { bad: afterBad, rate: rate(afterBad, afterRuns), runs: afterRuns }, check, before: { bad: beforeBad, rate: rate(beforeBad, beforeRuns), runs: beforeRuns }, branch: "main", status, sentence };
          const c = contribution({
            key: `flaky-fix:${id}:${author.id}`, kind: "flaky-fix", person: person(author), subject, occurredAt,
            score: 40 + 30 * 0.9 + (status === "improved" ? 30 * Math.min(1, (outcome.before.rate - outcome.after.rate) / outcome.before.rate) : 0),
            confidence: 0.9, level: status, dynamics: "compounding",
            evidence: [`PR #${number} “${title}” fixes a flaky test.`, "The title mentions “Deflake”.", "The change is labelled “flaky-test”.", `“${check}” failed and then passed on the same commit ${plural(flips, "time")} in the 30 days before the change (re-runs hiding a flaky failure).`, sentence],
            formula: {
              friction: `“${check}” failed and then passed on the same commit ${plural(flips, "time")} in the 30 days before: people were re-running CI to get a green build.`,
              change: `${author.login} fixed the cause: in test code it replaces a fixed sleep with waiting/polling for a condition.`,
              improvement: sentence,
              beneficiaries: [`everyone who waits on CI in ${repo.fullName}`],
              proof: [proofPr, { label: `“${check}” on main: ${beforeBad}/${beforeRuns} runs failed or re-ran before, ${afterBad}/${afterRuns} after` }],
            },
            detail: { patterns: ["replaces a fixed sleep with waiting/polling for a condition"], check, ciFlips: flips, outcome },
            detector: "flaky-fix",
          });
          emit("contributions", contributionRow(c, sourceKey));
        } else {
          const c = contribution({
            key: `flaky-quarantine:${id}:${author.id}`, kind: "flaky-quarantine", person: person(author), subject, occurredAt,
            score: 15 + 20 * 0.75, confidence: 0.75, level: null, dynamics: "trap",
            evidence: [`PR #${number} “${title}” skips, quarantines or retries a flaky test.`, "The title mentions “flaky”.", "Unblocking the team has value, but the test is no longer checking anything: a systemic fix (fix the cause, then remove the skip or retry) is still owed."],
            formula: {
              friction: `“${check}” failed and then passed on the same commit ${plural(flips, "time")} before the change.`,
              change: `${author.login} skipped, quarantined or retried it instead of fixing it.`,
              improvement: "Builds stop failing on it, but the flakiness remains hidden; a lower failure rate after a skip is not an improvement of the test.",
              beneficiaries: [`everyone who waits on CI in ${repo.fullName}`],
              proof: [proofPr],
            },
            detail: { check, ciFlips: flips },
            detector: "flaky-fix",
          });
          emit("contributions", contributionRow(c, sourceKey));
        }
      } else {
        const text = KIND_TEXT[kind];
        const share = Math.round((0.55 + 0.45 * rng.next()) * 1000) / 1000;
        const kLines = Math.max(1, Math.round(lines * share));
        const files = Math.min(changedFiles, rng.int(1, 3));
        const paths = rng.sample(text.paths, files);
        const c = contribution({
          key: `${kind}:${id}:${author.id}`, kind, person: person(author), subject, occurredAt,
          score: (0.5 + 0.5 * share) * 20 * Math.log2(1 + kLines / 8), confidence: 0.9, level: null, dynamics: text.dynamics,
          evidence: [`PR #${number} “${title}” is mainly ${text.what} (${percent(share)} of the changed lines).`, `${text.label}: ${plural(files, "file")}, ${kLines} of ${lines} changed lines (${percent(share)} of the change): ${paths.join(", ")}.`],
          formula: {
            friction: "Not recorded: no linked issue describes the problem before this change.",
            change: `${author.login} changed ${text.what}: ${plural(kLines, "line")} in ${plural(files, "file")} (${percent(share)} of the pull request).`,
            improvement: text.improvement,
            beneficiaries: text.beneficiaries(repo.fullName),
            proof: [proofPr, sizeProof],
          },
          detail: { share, lines: kLines, files, breakdown: [{ kind, share, lines: kLines }], otherLines: lines - kLines },
          detector: "change-kind",
        });
        emit("contributions", contributionRow(c, sourceKey));
      }
    }
    // Mentoring: substantive reviews of a newcomer's first pull requests.
    if (newcomer && (mergedBefore.get(author.id) ?? 0) < 5) {
      for (const a of activities) {
        const level = a.template.score.level;
        if (level !== "substantive" && level !== "deep") continue;
        const threads = a.template.comments.filter((c) => c.reply !== null).length;
        const lastAt = a.activity.reviews[a.activity.reviews.length - 1]!.submittedAt;
        const c = contribution({
          key: `mentoring:${id}:${a.engineer.id}`, kind: "mentoring", person: person(a.engineer), subject, occurredAt: lastAt,
          score: 30 + 10 * Math.min(3, threads) + (level === "deep" ? 10 : 0), confidence: 0.8, level: null, dynamics: "compounding",
          evidence: [`${author.login} had only ${plural(mergedBefore.get(author.id) ?? 0, "merged pull request")} in ${repo.fullName} before this one.`, `${a.engineer.login} gave the newcomer's pull request a ${level} review.`, ...(threads ? [`${plural(threads, "review thread")} became a conversation with the newcomer.`] : [])],
          formula: {
            friction: `${author.login}, a newcomer to ${repo.fullName}, opened PR #${number} “${title}”.`,
            change: `${a.engineer.login} helped ${author.login} with a ${level} review${threads ? `, ${plural(threads, "review thread")} talked through with them` : ""}.`,
            improvement: mergedAt !== null ? `The pull request merged ${humanDuration(mergedAt - createdAt)} after it was opened. Whether the newcomer ramps up faster is not measurable from one pull request.` : "Not merged yet: outcome not measurable yet.",
            beneficiaries: [author.login],
            proof: [{ label: `${repo.fullName}#${number}: ${title}`, url: htmlUrl }, ...a.activity.reviews.slice(0, 2).map((r) => ({ label: `Review by ${a.engineer.login}`, url: r.htmlUrl }))],
          },
          detail: { merged, commits: 0, newcomer: author.login, reviewLevel: level, explanations: a.template.score.comments.filter((x) => x.category === "knowledge-transfer").length, threadsWithNewcomer: threads },
          detector: "mentoring",
        });
        emit("contributions", contributionRow(c, sourceKey));
      }
    }
    // Co-authorship: a teammate paired on some merged pull requests.
    if (merged && rng.chance(0.04)) {
      const mate = rng.pick(byTeam[author.team]!.filter((m) => m !== author).concat(plan.engineers[0] === author ? [] : [plan.engineers[0]!]));
      const n = rng.int(1, commitCount);
      const shas = Array.from({ length: n }, () => rng.sha());
      const c = contribution({
        key: `co-authorship:${id}:${mate.id}`, kind: "co-authorship", person: person(mate), subject, occurredAt: ISO(mergedAt!),
        score: 35 + 40 * (n / commitCount) + 5 * Math.min(n, 5), confidence: 0.85, level: null, dynamics: "compounding",
        evidence: [`${mate.login} is named as co-author (Co-authored-by trailer) on ${n} of ${plural(commitCount, "commit")} of PR #${number} “${title}”, authored with ${author.login}.`],
        formula: {
          friction: "Not recorded: a Co-authored-by trailer does not say why the work was paired on.",
          change: `${mate.login} paired with ${author.login} on PR #${number}: co-author of ${n} of ${plural(commitCount, "commit")}.`,
          improvement: `The pull request merged on ${ISO(mergedAt!).slice(0, 10)}; any effect beyond that is not measurable from the trailers.`,
          beneficiaries: [author.login],
          proof: [{ label: `${repo.fullName}#${number}: ${title}`, url: htmlUrl }, ...shas.slice(0, 3).map((s) => ({ label: `Commit ${s.slice(0, 7)} (Co-authored-by ${mate.login})`, url: `${repo.htmlUrl}/commit/${s}` }))],
        },
        detail: { commits: shas, totalCommits: commitCount, filteredCoAuthors: [], unmappedCoAuthors: [] },
        detector: "co-authorship",
      });
      emit("contributions", contributionRow(c, sourceKey));
    }
    if (merged) mergedBefore.set(author.id, (mergedBefore.get(author.id) ?? 0) + 1);
  };

  const issue = (author: Engineer, monthStart: number, monthLen: number) => {
    const seq = ++issueSeq;
    const repo = rng.chance(0.85) ? teamRepos[author.team]! : rng.pick(sharedRepos);
    const number = ++repo.next;
    const id = ISSUE_BASE + seq;
    const title = rng.pick(ISSUE_TITLES);
    const createdAt = monthStart + Math.floor(rng.next() * monthLen);
    const htmlUrl = `${repo.htmlUrl}/issues/${number}`;
    const closed = rng.chance(0.7);
    const team = byTeam[repo.team >= 0 ? repo.team : author.team]!;
    const nComments = rng.int(1, 5);
    let at = createdAt;
    let first: { engineer: Engineer; at: number; body: string } | null = null;
    for (let i = 0; i < nComments; i++) {
      const by = i % 2 === 1 ? author : rng.weighted(team.map((m) => [m, m.reviewWeight] as const));
      at = clamp(at + rng.int(10, 36 * 60) * MIN);
      const body = by === author ? "Thanks — that fixed it for me." : rng.pick(ISSUE_ANSWERS);
      const icid = ISSUE_COMMENT_BASE + ++issueCommentSeq;
      emit("issue_comments", [icid, repo.id, number, false, by.id, body, `${htmlUrl}#issuecomment-${icid}`, "MEMBER", ISO(at), ISO(at), null]);
      if (!first && by !== author) first = { engineer: by, at, body };
    }
    const closedAt = closed ? clamp(at + rng.int(60, 5 * 24 * 60) * MIN) : null;
    const labels = rng.chance(0.6) ? JSON.stringify([rng.pick(["bug", "question", "enhancement"]), `area:${rng.pick(OBJECTS).split(" ").pop()}`]) : "[]";
    emit("issues", [id, repo.id, number, title, `${title}\n\nSeen on ${rng.pick(["staging", "production", "my laptop"])}.`, htmlUrl, closed ? "closed" : "open", closed ? "completed" : null, author.id, "MEMBER", labels, ISO(createdAt), closedAt === null ? null : ISO(closedAt), ISO(closedAt ?? at)]);
    if (first && rng.chance(0.3)) {
      const recurring = title.startsWith("How do I");
      const waited = first.at - createdAt;
      const actions = [`gave the first helpful answer, ${humanDuration(waited)} after the issue was opened`, ...(labels !== "[]" ? [`labelled it ${(JSON.parse(labels) as string[]).map((l) => `“${l}”`).join(", ")}`] : [])];
      const c = contribution({
        key: `triage:${id}:${first.engineer.id}`, kind: "triage", person: person(first.engineer),
        subject: { repositoryId: repo.id, repositoryFullName: repo.fullName, repositoryPrivate: repo.private, subjectType: "issue", subjectId: String(id), subjectTitle: title, subjectUrl: htmlUrl },
        occurredAt: ISO(first.at), score: recurring ? 30 : 40 + rng.int(0, 45), confidence: 0.85, level: recurring ? "light" : "substantive", dynamics: recurring ? "trap" : "neutral",
        evidence: [`On issue #${number} “${title}” by ${author.login}, ${first.engineer.login} ${actions.join(" and ")}.`, closed ? "Closed and not reopened since." : "Still open."],
        formula: {
          friction: `Issue #${number} waited ${humanDuration(waited)} for a first helpful answer.`,
          change: `${first.engineer.login} ${actions.join(" and ")}.`,
          improvement: closed ? "The issue was closed and has not been reopened." : "Not measurable yet: the issue is still open.",
          beneficiaries: [author.login],
          proof: [{ label: `${repo.fullName}#${number}: ${title}`, url: htmlUrl }],
        },
        detail: { labels: JSON.parse(labels) as string[], actions, answered: true, addedCriteria: false, reopenedCount: 0, similarAnswered: [], clarifiedBeforeWork: false, ...(recurring ? { recurrenceKey: "question:staging-credentials" } : {}) },
        detector: "triage",
      });
      emit("contributions", contributionRow(c, `issue:${repo.id}:${number}`));
    }
  };

  const annotate = (e: Engineer, monthStart: number, monthLen: number) => {
    const kind = rng.weighted([["note", 35], ["claim", 20], ["log", 25], ["endorse", 15], ["dispute", 5]] as const);
    const at = ISO(monthStart + Math.floor(rng.next() * monthLen));
    const last = lastReviewKey.get(e.id);
    const mate = rng.pick(byTeam[e.team]!);
    const subject = kind === "endorse" && mate !== e ? mate : e;
    const id = `scale-${++annotationSeq}`;
    const text =
      kind === "note"
        ? "Context: this review took two rounds because the migration plan changed mid-way."
        : kind === "claim"
          ? "I paired on this with the author for most of a day; the trailer is missing."
          : kind === "log"
            ? rng.pick(["Ran the incident retro for the payments outage.", "Weekly pairing with the new joiners.", "Interviewed 3 candidates for the platform team.", "On-call week: 4 pages, 2 fixed at the root."])
            : kind === "endorse"
              ? `@${subject.login} unblocked our release by digging into the flaky test for a day.`
              : "This was a rubber stamp on my side; I did not really review it.";
    const repo = last?.repo ?? null;
    emit("annotations", [
      id, kind, e.id, e.login, subject.id, subject.login, kind === "log" || !last ? null : last.key, kind === "log" || !last ? null : last.url, text,
      repo ? `${repo.htmlUrl}/issues/1#issuecomment-${annotationSeq}` : null, repo?.id ?? null, repo?.fullName ?? null, repo?.private ?? true, at, null,
    ]);
  };

  const [y, m] = o.start.split("-").map(Number) as [number, number];
  for (let month = 0; month < o.months; month++) {
    const monthStart = Date.UTC(y, m - 1 + month, 1);
    const monthLen = Date.UTC(y, m + month, 1) - monthStart;
    for (const e of plan.engineers) {
      if (month < e.joinedMonth) continue;
      const ramp = e.joinedMonth > 0 && month === e.joinedMonth ? 0.5 : 1;
      const mean = o.prsPerEngineerMonth * e.activity * ramp;
      const prs = Math.round(mean * (0.6 + 0.8 * rng.next()));
      for (let k = 0; k < prs; k++) pullRequest(e, monthStart, monthLen);
      const issues = Math.round(1.7 * (0.4 + 1.2 * rng.next()));
      for (let k = 0; k < issues; k++) issue(e, monthStart, monthLen);
      if (rng.chance(0.3)) annotate(e, monthStart, monthLen);
      // Let a loader flush between engineers.
      yield { month, months: o.months };
    }
    // Dependency bumps: one per team repository per month, approved by a teammate.
    for (const repo of teamRepos) pullRequest(null, monthStart, monthLen, dependabot, repo);
    yield { month, months: o.months };
  }
  return counts;
}

/** Runs the generator to the end, collecting nothing: the counts per table (for tests and dry runs). */
export function countScaleOrg(options: ScaleOrgOptions, sink: RowSink = () => {}): ScaleCounts {
  const it = generateScaleOrg(options, sink);
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
  }
}
