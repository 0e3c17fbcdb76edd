/**
 * The schema of `.github/unsung.yml` (zod), with the defaults of what is not configured. Every field
 * is described here; the JSON Schema (unsung.schema.json) is generated from it.
 */
import { z } from "zod";
import {
  DEFAULT_FLAKY_KEYWORDS,
  DEFAULT_PATHS,
  DEFAULT_THRESHOLDS,
  DEFAULT_WINDOWS
} from "../core/detect/config.js";
import { CONTRIBUTION_KINDS, type ContributionKind } from "../core/model.js";

/** Files larger than this are refused unread. */
export const MAX_CONFIG_BYTES = 64 * 1024;
/** YAML aliases expanded beyond this count are treated as a resource-exhaustion attack. */
export const MAX_ALIAS_COUNT = 100;

/** The rubric category each kind of glue work is grouped under, unless configured. */
export const DEFAULT_RUBRIC: Readonly<Record<ContributionKind, string>> = Object.freeze({
  review: "Raises quality and unblocks teammates",
  triage: "Raises quality and unblocks teammates",
  "ci-config": "Multiplies team capacity",
  template: "Multiplies team capacity",
  "co-authorship": "Multiplies team capacity",
  docs: "Stewards reliability and docs",
  runbook: "Stewards reliability and docs",
  "flaky-fix": "Stewards reliability and docs",
  "flaky-quarantine": "Stewards reliability and docs",
  "ci-rerun": "Stewards reliability and docs",
  test: "Stewards reliability and docs",
  ownership: "Stewards reliability and docs",
  mentoring: "Grows others",
});

/** Report settings when not configured. */
export const DEFAULT_REPORTS = Object.freeze({ ranking: false, previousPeriodComparison: true });

// ── Schema ────────────────────────────────────────────────────────────────

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,38})(?:\[bot\])?$/;
const login = z.string().regex(LOGIN, { error: "not a GitHub login (letters, digits, hyphens; at most 39 characters; optionally ending in [bot])" });
const logins = (what: string) => z.array(login).max(5000).optional().describe(what);
const glob = z.string().min(1).max(500);
const globs = (kind: string, defaults: readonly string[]) =>
  z
    .array(glob)
    .max(500)
    .optional()
    .describe(
      `Path globs (picomatch, case-insensitive, dotfiles included) for ${kind}. Replaces the defaults for this kind when set. Defaults: ${defaults.join(", ")}.`,
    )
    .meta({ default: [...defaults] });

const PathsSchema = z
  .strictObject({
    docs: globs("docs (README, docs/, guides, ADRs, CONTRIBUTING, migration guides, other Markdown)", DEFAULT_PATHS.docs),
    runbook: globs("runbooks, playbooks, on-call and incident docs", DEFAULT_PATHS.runbook),
    "ci-config": globs("CI configuration (workflows, CircleCI, GitLab CI, Jenkins, Buildkite, Azure Pipelines, Dependabot/Renovate)", DEFAULT_PATHS["ci-config"]),
    template: globs("pull request and issue templates", DEFAULT_PATHS.template),
    ownership: globs("code ownership files (CODEOWNERS)", DEFAULT_PATHS.ownership),
    test: globs("test code, in any language", DEFAULT_PATHS.test),
    ignore: globs("files no kind counts and that are left out of every share (lockfiles, changelogs, vendored or generated code)", DEFAULT_PATHS.ignore),
  })
  .optional()
  .describe(
    "Which paths make a change docs, runbook, CI configuration, template, ownership or test work. A file belongs to the first kind that matches, in the order template, ownership, ci-config, runbook, test, docs.",
  );

const BotsSchema = z
  .strictObject({
    logins: logins("Extra logins to treat as bots (added to the built-in list). Logins ending in [bot] always are."),
    aiReviewers: logins(
      "Extra AI reviewer logins (added to the built-in list: Copilot, CodeRabbit, Sourcery, Codium/Qodo, Greptile, Ellipsis, Graphite, Sweep, Gemini, …). Their reviews are never scored.",
    ),
    aiCoAuthorEmails: z
      .array(z.string().min(3).max(200))
      .max(1000)
      .optional()
      .describe(
        "Extra e-mail address fragments (case-insensitive substrings) of AI assistants in Co-authored-by trailers (added to the built-in list: Copilot, Claude, ChatGPT/Codex, Cursor, Devin, aider, …). Such trailers earn no pairing credit.",
      ),
    aiCoAuthorNames: z
      .array(z.string().min(2).max(100))
      .max(1000)
      .optional()
      .describe("Extra co-author names of AI assistants (added to the built-in list). Names only decide for no-reply addresses."),
  })
  .optional()
  .describe("Bots and AI assistants, whose activity is filtered at collection time.");

const rubricShape = Object.fromEntries(
  CONTRIBUTION_KINDS.map((k) => [k, z.string().min(1).max(120).optional().describe(`Rubric category for "${k}" work. Default: "${DEFAULT_RUBRIC[k]}".`)]),
) as Record<ContributionKind, z.ZodOptional<z.ZodString>>;

const T = DEFAULT_THRESHOLDS;
const W = DEFAULT_WINDOWS;
const share = (what: string, def: number) => z.number().min(0).max(1).optional().describe(`${what} Default ${def}.`).meta({ default: def });
const count = (what: string, max: number, def: number, min = 0) =>
  z.number().int().min(min).max(max).optional().describe(`${what} Default ${def}.`).meta({ default: def });
const score = (what: string, def: number) => z.number().min(0).max(100).optional().describe(`${what} Default ${def}.`).meta({ default: def });

const ThresholdsSchema = z
  .strictObject({
    changeKindShare: share("A change kind is the substance of a change when it makes up at least this share of the changed lines (0–1).", T.changeKindShare),
    changeKindTrivialLines: count("Fewer changed lines than this in a kind (or in product code) count as trivial.", 100_000, T.changeKindTrivialLines),
    rubberStampSecondsPer100Lines: z
      .number()
      .min(0)
      .max(86_400)
      .optional()
      .describe(`An approval faster than this many seconds per 100 changed lines, with no comments, is a rubber stamp. Default ${T.rubberStampSecondsPer100Lines}.`)
      .meta({ default: T.rubberStampSecondsPer100Lines }),
    rubberStampMinLines: count("The speed rule only applies to changes of at least this many lines.", 1_000_000, T.rubberStampMinLines),
    reviewSubstantiveScore: score('Review scores at or above this are "substantive" (0–100).', T.reviewSubstantiveScore),
    reviewDeepScore: score('Review scores at or above this are "deep" (0–100); must be above reviewSubstantiveScore.', T.reviewDeepScore),
    flakyMinConfidence: share("A flaky-test fix is reported at or above this confidence (0–1).", T.flakyMinConfidence),
    ciMinRunsAfter: count('Fewer CI runs than this after a fix: "too early to tell".', 100_000, T.ciMinRunsAfter),
    trapRepeatCount: count("Answering this many similar questions (this one included) marks triage as a trap.", 1000, T.trapRepeatCount, 2),
    similarTitle: share("Title similarity (0–1) above which two issues count as the same question.", T.similarTitle),
    rerunTrapCount: count(
      "Re-running one workflow by hand this many times in a calendar month credits the person with absorbing a flaky build (a trap).",
      1000,
      T.rerunTrapCount,
      2,
    ),
  })
  .optional()
  .describe("Detector thresholds. Leave out what you do not need to change.");

const WindowsSchema = z
  .strictObject({
    ciDaysBefore: count("Days before a fix in which CI re-runs and failures are looked at.", 365, W.ciDaysBefore, 1),
    ciDaysAfter: count("Days after a fix's merge in which the check's failure rate is measured.", 365, W.ciDaysAfter, 1),
    newcomerMergedPullRequests: count("An author with fewer merged pull requests than this in the repository is a newcomer.", 10_000, W.newcomerMergedPullRequests),
  })
  .optional()
  .describe("Time windows and the newcomer threshold.");

/** Days of history a backfill reads when none is given (the app's installation, or `unsung backfill` without --since). */
export const DEFAULT_BACKFILL_DAYS = 365;

const BackfillSchema = z
  .strictObject({
    days: count(
      "Days of past activity read when the app is installed on the repository (and by `unsung backfill` without --since). Overrides UNSUNG_BACKFILL_DAYS.",
      3650,
      DEFAULT_BACKFILL_DAYS,
      1,
    ),
  })
  .optional()
  .describe("Reading the past: how far back pull requests, issues and CI runs are fetched from GitHub's API.");

/** Evidence comments on merged pull requests, when not configured (src/services/sync-pr-comment.ts). */
export const COMMENT_MODES = ["full", "summary", "off"] as const;
export type CommentMode = (typeof COMMENT_MODES)[number];
export const DEFAULT_COMMENTS = Object.freeze({ mode: "full" as CommentMode, minScore: 30, reviewLevel: "substantive" as "light" | "substantive" | "deep" });

const CommentThresholdsSchema = z
  .strictObject({
    minScore: score("Work other than reviews (docs, runbooks, CI, templates, flaky-test fixes, mentoring, pairing, triage) is named in the comment at or above this score (0–100).", DEFAULT_COMMENTS.minScore),
    reviewLevel: z
      .enum(["light", "substantive", "deep"])
      .optional()
      .describe(`Reviews are named in the comment at or above this depth level. Default "${DEFAULT_COMMENTS.reviewLevel}".`)
      .meta({ default: DEFAULT_COMMENTS.reviewLevel }),
  })
  .optional()
  .describe("What counts as notable enough for the evidence comment. A pull request with nothing notable gets no comment.");

/** The schema of `.github/unsung.yml`. */
export const UnsungConfigSchema = z
  .strictObject({
    paths: PathsSchema,
    bots: BotsSchema,
    exclude: logins("Logins of people who opted out: no contribution is ever recorded for them."),
    rubric: z
      .strictObject(rubricShape)
      .optional()
      .describe("The career-rubric category each kind of glue work is grouped under in reports. Kinds left out keep their default."),
    teams: z
      .record(z.string().regex(/^[a-z0-9][a-z0-9._-]{0,99}$/i, { error: "not a team slug (letters, digits, dots, hyphens, underscores)" }), z.array(login).max(5000))
      .optional()
      .describe("Teams for team reports: team slug → member logins."),
    reports: z
      .strictObject({
        ranking: z
          .boolean()
          .optional()
          .describe("Show rankings of people in team reports. Default false: Unsung is not a leaderboard.")
          .meta({ default: DEFAULT_REPORTS.ranking }),
        previousPeriodComparison: z
          .boolean()
          .optional()
          .describe("Compare each report with the previous period. Default true.")
          .meta({ default: DEFAULT_REPORTS.previousPeriodComparison }),
      })
      .optional()
      .describe("Report settings."),
    thresholds: ThresholdsSchema,
    windows: WindowsSchema,
    backfill: BackfillSchema,
    comments: z
      .enum(COMMENT_MODES)
      .optional()
      .describe(
        'The evidence comment on merged pull requests with notable glue work: "full" (each item with why it counts and its proof), "summary" (one line per person and kind of work), or "off" (no comment). Default "full".',
      )
      .meta({ default: DEFAULT_COMMENTS.mode }),
    commentThresholds: CommentThresholdsSchema,
    flakyKeywords: z
      .array(z.string().min(2).max(60))
      .max(200)
      .optional()
      .describe(`Extra words that mark a change or issue as about flaky tests (added to the built-in list: ${DEFAULT_FLAKY_KEYWORDS.slice(0, 8).join(", ")}, …).`),
  })
  .describe("Unsung configuration (.github/unsung.yml): org-wide in the organisation's .github repository, overridable per repository.");

/** A validated `.github/unsung.yml`. Every field is optional; defaults apply in toDetectorConfig. */
export type UnsungConfig = z.infer<typeof UnsungConfigSchema>;
