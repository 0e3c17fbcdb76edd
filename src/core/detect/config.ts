/**
 * Detector configuration: everything a detector may be told by an
 * organisation (bots, opt-outs, path globs, thresholds, windows). Pure data;
 * `src/config/repo-config.ts` turns `.github/unsung.yml` into this shape.
 */
import type { ChangeKind } from "../model.js";

/**
 * The version of each detector. Bump a detector's version whenever its output
 * for the same facts changes, so stored contributions can be re-scored.
 */
export const DETECTOR_VERSIONS = {
  "review-depth": 2,
  "change-kind": 2,
  "flaky-fix": 2,
  mentoring: 2,
  "co-authorship": 2,
  triage: 1,
  reruns: 1,
} as const;
export type DetectorName = keyof typeof DETECTOR_VERSIONS;

/** Path globs (picomatch, case-insensitive, dotfiles included) per change kind, plus paths no kind counts. */
export type ChangeKindPaths = Record<ChangeKind, string[]> & {
  /** Generated or bookkeeping files (lockfiles, changelogs, vendored code) left out of every share. */
  ignore: string[];
};

export interface DetectorThresholds {
  /** A change kind is the substance of a change when it makes up at least this share of the changed lines (0–1). */
  changeKindShare: number;
  /** Fewer changed lines than this in a kind (or in product code) count as trivial: an aside. */
  changeKindTrivialLines: number;
  /** An approval of a change faster than this many seconds per 100 changed lines, with no comments, is a rubber stamp. */
  rubberStampSecondsPer100Lines: number;
  /** The speed rule above only applies to changes of at least this many lines. */
  rubberStampMinLines: number;
  /** Review scores at or above this are "substantive" (0–100). */
  reviewSubstantiveScore: number;
  /** Review scores at or above this are "deep" (0–100). */
  reviewDeepScore: number;
  /** A flaky-test fix is reported at or above this confidence (0–1). */
  flakyMinConfidence: number;
  /** Fewer CI runs than this after a fix: "too early to tell". */
  ciMinRunsAfter: number;
  /** Answering this many similar questions (including the current one) marks triage as a trap. */
  trapRepeatCount: number;
  /** Title similarity (token Jaccard, 0–1) above which two issues count as the same question. */
  similarTitle: number;
  /** Re-running one workflow by hand this many times in a calendar month credits the person with absorbing it (a trap). */
  rerunTrapCount: number;
}

export interface DetectorWindows {
  /** Days before a fix in which CI reruns and failures are looked at. */
  ciDaysBefore: number;
  /** Days after a fix's merge in which the check's failure rate is measured. */
  ciDaysAfter: number;
  /** An author with fewer merged pull requests than this in the repository is a newcomer. */
  newcomerMergedPullRequests: number;
}

export interface DetectorConfig {
  bots: {
    /** Logins treated as bots (case-insensitive). Logins ending in "[bot]" always are. */
    logins: string[];
    /** AI reviewers (case-insensitive, "[bot]" suffix optional): their reviews are never scored. */
    aiReviewers: string[];
    /** Substrings (case-insensitive) of Co-authored-by e-mail addresses that belong to AI assistants. */
    aiCoAuthorEmails: string[];
    /** Co-author names (case-insensitive, whole name or first word) that belong to AI assistants. */
    aiCoAuthorNames: string[];
  };
  /** Logins who opted out: no contribution is ever recorded for them. */
  exclude: string[];
  paths: ChangeKindPaths;
  thresholds: DetectorThresholds;
  windows: DetectorWindows;
  /** Words (case-insensitive, whole words) that mark a change or issue as being about flaky tests. */
  flakyKeywords: string[];
}

/** AI reviewers known at the time of writing; logins are compared without a "[bot]" suffix. */
export const DEFAULT_AI_REVIEWERS: readonly string[] = [
  "copilot",
  "copilot-pull-request-reviewer",
  "copilot-swe-agent",
  "coderabbitai",
  "sourcery-ai",
  "sourcery-ai-experiments",
  "codium-pr-agent",
  "codiumai-pr-agent-pro",
  "qodo-merge",
  "qodo-merge-pro",
  "qodo-merge-pro-for-open-source",
  "greptile-apps",
  "ellipsis-dev",
  "graphite-app",
  "sweep-ai",
  "korbit-ai",
  "gemini-code-assist",
  "cursor",
  "devin-ai-integration",
  "amazon-q-developer",
  "codeant-ai",
  "bito-code-review",
  "chatgpt-codex-connector",
  "claude",
];

export const DEFAULT_BOT_LOGINS: readonly string[] = [
  "dependabot",
  "renovate",
  "github-actions",
  "mergify",
  "codecov",
  "sonarcloud",
  "snyk-bot",
  "netlify",
  "vercel",
  "changeset-bot",
  "allcontributors",
  "stale",
  "imgbot",
  "pre-commit-ci",
];

export const DEFAULT_AI_CO_AUTHOR_EMAILS: readonly string[] = [
  "+copilot@users.noreply.github.com",
  "copilot@github.com",
  "noreply@anthropic.com",
  "claude@anthropic.com",
  "noreply@openai.com",
  "codex@openai.com",
  "chatgpt",
  "cursoragent@cursor.com",
  "@cursor.sh",
  "devin-ai-integration",
  "noreply@aider.chat",
  "[bot]@users.noreply.github.com",
  "gemini-code-assist",
];

export const DEFAULT_AI_CO_AUTHOR_NAMES: readonly string[] = [
  "copilot",
  "github copilot",
  "claude",
  "claude code",
  "chatgpt",
  "codex",
  "openai codex",
  "cursor",
  "cursor agent",
  "devin",
  "devin ai",
  "aider",
  "gemini",
  "amazon q",
];

export const DEFAULT_PATHS: ChangeKindPaths = {
  template: [
    "**/PULL_REQUEST_TEMPLATE*",
    "**/PULL_REQUEST_TEMPLATE/**",
    "**/ISSUE_TEMPLATE*",
    "**/ISSUE_TEMPLATE/**",
    ".github/DISCUSSION_TEMPLATE/**",
    ".gitlab/merge_request_templates/**",
    ".gitlab/issue_templates/**",
  ],
  ownership: ["**/CODEOWNERS", "**/OWNERS", "**/OWNERS_ALIASES"],
  "ci-config": [
    ".github/workflows/**",
    ".github/actions/**",
    ".github/dependabot.yml",
    ".github/dependabot.yaml",
    ".github/renovate.json",
    ".github/renovate.json5",
    "renovate.json",
    "renovate.json5",
    ".renovaterc",
    ".renovaterc.json",
    ".circleci/**",
    ".gitlab-ci.yml",
    ".gitlab-ci/**",
    "**/Jenkinsfile",
    "**/Jenkinsfile.*",
    ".buildkite/**",
    "azure-pipelines.yml",
    "azure-pipelines.yaml",
    ".azure-pipelines/**",
    ".travis.yml",
    "bitbucket-pipelines.yml",
    ".drone.yml",
    "appveyor.yml",
    ".woodpecker.yml",
    ".woodpecker/**",
    "cloudbuild.yaml",
    "cloudbuild.yml",
  ],
  runbook: [
    "**/runbook/**",
    "**/runbooks/**",
    "**/*runbook*.{md,mdx,rst,adoc,txt}",
    "**/playbooks/**/*.{md,mdx,rst,adoc,txt}",
    "**/*playbook*.{md,mdx,rst,adoc,txt}",
    "**/on-call/**",
    "**/oncall/**",
    "**/*on-call*.{md,mdx,rst,adoc}",
    "**/*oncall*.{md,mdx,rst,adoc}",
    "**/incident*/**/*.{md,mdx,rst,adoc}",
    "**/incident-response*.{md,mdx,rst,adoc}",
    "**/postmortems/**",
    "**/post-mortems/**",
  ],
  test: [
    "**/test/**",
    "**/tests/**",
    "**/__tests__/**",
    "**/__mocks__/**",
    "**/spec/**",
    "**/e2e/**",
    "**/testdata/**",
    "**/*.test.*",
    "**/*.spec.*",
    "**/*_test.go",
    "**/test_*.py",
    "**/*_test.py",
    "**/conftest.py",
    "**/src/test/**",
    "**/*Test.java",
    "**/*Tests.java",
    "**/*IT.java",
    "**/*Test.kt",
    "**/*_spec.rb",
    "**/*_test.rb",
    "**/*Tests.cs",
    "**/*Test.cs",
    "**/*.Tests/**",
    "**/*_test.rs",
    "**/*Tests.swift",
    "**/*_test.exs",
    "**/*_test.dart",
    "**/*_test.cpp",
    "**/*_test.cc",
  ],
  docs: [
    "**/*.md",
    "**/*.mdx",
    "**/*.rst",
    "**/*.adoc",
    "docs/**",
    "doc/**",
    "**/README*",
    "**/CONTRIBUTING*",
    "**/adr/**",
    "**/adrs/**",
    "**/decisions/**",
    "**/guides/**",
  ],
  ignore: [
    "**/package-lock.json",
    "**/npm-shrinkwrap.json",
    "**/yarn.lock",
    "**/pnpm-lock.yaml",
    "**/bun.lockb",
    "**/Cargo.lock",
    "**/go.sum",
    "**/poetry.lock",
    "**/Pipfile.lock",
    "**/uv.lock",
    "**/Gemfile.lock",
    "**/composer.lock",
    "**/CHANGELOG*",
    "**/vendor/**",
    "**/node_modules/**",
    "**/dist/**",
    "**/*.min.js",
    "**/*.snap",
  ],
};

export const DEFAULT_THRESHOLDS: DetectorThresholds = {
  changeKindShare: 0.5,
  changeKindTrivialLines: 10,
  rubberStampSecondsPer100Lines: 30,
  rubberStampMinLines: 100,
  reviewSubstantiveScore: 35,
  reviewDeepScore: 70,
  flakyMinConfidence: 0.6,
  ciMinRunsAfter: 10,
  trapRepeatCount: 3,
  similarTitle: 0.4,
  rerunTrapCount: 3,
};

export const DEFAULT_WINDOWS: DetectorWindows = {
  ciDaysBefore: 30,
  ciDaysAfter: 30,
  newcomerMergedPullRequests: 3,
};

export const DEFAULT_FLAKY_KEYWORDS: readonly string[] = [
  "flaky",
  "flakey",
  "flakiness",
  "flake",
  "flakes",
  "flaking",
  "deflake",
  "deflaked",
  "de-flake",
  "unflake",
  "unflakes",
  "unflaked",
  "unflaking",
  "intermittent",
  "intermittently",
  "nondeterministic",
  "non-deterministic",
  "nondeterminism",
  "sporadic",
  "sporadically",
  "heisenbug",
  "fails randomly",
  "randomly fails",
  "randomly failing",
];

/** The defaults every organisation starts with. Frozen: derive a new object to change it. */
export const defaultDetectorConfig: DetectorConfig = deepFreeze({
  bots: {
    logins: [...DEFAULT_BOT_LOGINS],
    aiReviewers: [...DEFAULT_AI_REVIEWERS],
    aiCoAuthorEmails: [...DEFAULT_AI_CO_AUTHOR_EMAILS],
    aiCoAuthorNames: [...DEFAULT_AI_CO_AUTHOR_NAMES],
  },
  exclude: [],
  paths: clonePaths(DEFAULT_PATHS),
  thresholds: { ...DEFAULT_THRESHOLDS },
  windows: { ...DEFAULT_WINDOWS },
  flakyKeywords: [...DEFAULT_FLAKY_KEYWORDS],
});

function clonePaths(p: ChangeKindPaths): ChangeKindPaths {
  return {
    docs: [...p.docs],
    runbook: [...p.runbook],
    "ci-config": [...p["ci-config"]],
    template: [...p.template],
    ownership: [...p.ownership],
    test: [...p.test],
    ignore: [...p.ignore],
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
