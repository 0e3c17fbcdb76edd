import { describe, expect, it } from "vitest";
import {
  commentSettingsOf,
  DEFAULT_RUBRIC,
  formatConfigIssues,
  mergeConfigs,
  parseRepoConfig,
  reportSettingsOf,
  rubricOf,
  toDetectorConfig,
  type ConfigIssue,
} from "../../src/config/repo-config.js";
import { defaultDetectorConfig } from "../../src/core/detect/config.js";
import { scoreReview } from "../../src/core/detect/score-review.js";

const VALID = `# Acme's Unsung settings
paths:
  docs: ["handbook/**", "**/*.md"]
  runbook: ["ops/playbooks/**"]
bots:
  logins: [acme-deployer]
  aiReviewers: [acme-review-ai]
  aiCoAuthorEmails: ["@ai.acme.dev"]
exclude: [maya]
rubric:
  review: "Raises the bar"
  mentoring: "Develops people"
teams:
  payments: [sam, maya, lee]
  platform: [kim]
reports:
  ranking: false
  previousPeriodComparison: true
thresholds:
  changeKindShare: 0.6
  reviewDeepScore: 75
windows:
  ciDaysBefore: 14
  newcomerMergedPullRequests: 5
flakyKeywords: [wobbly]
`;

describe("parseRepoConfig: valid files", () => {
  it("parses every documented field", () => {
    const r = parseRepoConfig(VALID);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.config).toMatchObject({
      paths: { docs: ["handbook/**", "**/*.md"] },
      exclude: ["maya"],
      teams: { payments: ["sam", "maya", "lee"] },
      thresholds: { changeKindShare: 0.6, reviewDeepScore: 75 },
    });
  });

  it.each(["", "   \n", "# only a comment\n"])("an empty file is an empty config: %j", (text) => {
    expect(parseRepoConfig(text)).toEqual({ config: {}, errors: [], warnings: [] });
  });

  it("applies to the detectors: defaults kept, lists added to, globs replaced per kind", () => {
    const d = toDetectorConfig(parseRepoConfig(VALID).config);
    expect(d.paths.docs).toEqual(["handbook/**", "**/*.md"]);
    expect(d.paths.test).toEqual(defaultDetectorConfig.paths.test);
    expect(d.bots.aiReviewers).toContain("copilot-pull-request-reviewer");
    expect(d.bots.aiReviewers).toContain("acme-review-ai");
    expect(d.bots.logins).toContain("acme-deployer");
    expect(d.exclude).toEqual(["maya"]);
    expect(d.thresholds.changeKindShare).toBe(0.6);
    expect(d.thresholds.reviewSubstantiveScore).toBe(defaultDetectorConfig.thresholds.reviewSubstantiveScore);
    expect(d.windows).toEqual({ ...defaultDetectorConfig.windows, ciDaysBefore: 14, newcomerMergedPullRequests: 5 });
    expect(d.flakyKeywords).toContain("flaky");
    expect(d.flakyKeywords).toContain("wobbly");
    expect(scoreReview({ reviewer: "acme-review-ai[bot]", author: "sam" }, d).excluded).toBe("ai-reviewer");
    expect(scoreReview({ reviewer: "maya", author: "sam" }, d).excluded).toBe("opted-out");
  });

  it("no config means the defaults", () => {
    expect(toDetectorConfig(null)).toBe(defaultDetectorConfig);
  });

  it("rubric and report settings fill in defaults", () => {
    const c = parseRepoConfig(VALID).config;
    expect(rubricOf(c)).toEqual({ ...DEFAULT_RUBRIC, review: "Raises the bar", mentoring: "Develops people" });
    expect(rubricOf(null)["flaky-fix"]).toBe("Stewards reliability and docs");
    expect(rubricOf(null).triage).toBe("Raises quality and unblocks teammates");
    expect(rubricOf(null)["co-authorship"]).toBe("Multiplies team capacity");
    expect(reportSettingsOf(null)).toEqual({ ranking: false, previousPeriodComparison: true });
    expect(reportSettingsOf({ reports: { ranking: true } })).toEqual({ ranking: true, previousPeriodComparison: true });
  });
});

describe("parseRepoConfig: errors as data", () => {
  function only(r: ReturnType<typeof parseRepoConfig>, severity: "errors" | "warnings"): ConfigIssue {
    expect(r[severity]).toHaveLength(1);
    return r[severity][0]!;
  }

  it("a wrong type names the path, the line and what is expected", () => {
    const r = parseRepoConfig("bots:\n  logins:\n    - sam-bot\n    - 42\n");
    expect(r.config).toBeNull();
    const e = only(r, "errors");
    expect(e).toMatchObject({ severity: "error", path: "bots.logins[1]", line: 4, message: "Expected text, got a number." });
    expect(e.expected).toMatch(/Extra logins to treat as bots/);
  });

  it("an out-of-range number", () => {
    const e = only(parseRepoConfig("thresholds:\n  changeKindShare: 1.5\n"), "errors");
    expect(e).toMatchObject({ path: "thresholds.changeKindShare", line: 2, message: "Too big: must be at most 1." });
  });

  it("an invalid login and an invalid team slug", () => {
    const r = parseRepoConfig('exclude: ["not a login!"]\nteams:\n  "Team Payments": [sam]\n');
    expect(r.errors.map((e) => e.path)).toEqual(["exclude[0]", 'teams["Team Payments"]']);
    expect(r.errors[0]!.line).toBe(1);
    expect(r.errors[1]!.line).toBe(3);
  });

  it("deep score must be above substantive", () => {
    const e = only(parseRepoConfig("thresholds:\n  reviewSubstantiveScore: 60\n  reviewDeepScore: 50\n"), "errors");
    expect(e).toMatchObject({ path: "thresholds.reviewDeepScore", line: 3 });
  });

  it("a YAML syntax error gives the line and column", () => {
    const r = parseRepoConfig("bots:\n  logins: [sam-bot, lee\nexclude: [x]\n");
    expect(r.config).toBeNull();
    expect(r.errors[0]).toMatchObject({ severity: "error", path: "" });
    expect(r.errors[0]!.message).toMatch(/^YAML syntax error: /);
    expect(r.errors[0]!.line).toBeGreaterThan(1);
  });

  it("duplicate keys are an error", () => {
    const r = parseRepoConfig("exclude: [a]\nexclude: [b]\n");
    expect(r.config).toBeNull();
    expect(r.errors[0]!.message).toMatch(/unique/i);
  });

  it.each([
    ["a list", "- paths\n- bots\n", "a list"],
    ["a string", "just some words\n", "text"],
    ["a number", "42\n", "a number"],
  ])("non-object YAML (%s) is an error", (_name, text, what) => {
    const e = only(parseRepoConfig(text), "errors");
    expect(e.message).toBe(`The top level is ${what}, not a mapping of settings.`);
    expect(e.line).toBe(1);
  });

  it("an alias bomb is refused, quickly", () => {
    const bomb = [
      "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]",
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
      "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]",
      "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]",
      "g: [*f, *f, *f, *f, *f, *f, *f, *f, *f]",
    ].join("\n");
    const r = parseRepoConfig(bomb);
    expect(r.config).toBeNull();
    expect(r.errors[0]!.message).toMatch(/too many YAML aliases/);
  });

  it("a few ordinary anchors are fine", () => {
    const r = parseRepoConfig("teams:\n  payments: &core [sam, maya]\n  billing: *core\n");
    expect(r.errors).toEqual([]);
    expect(r.config?.teams).toEqual({ payments: ["sam", "maya"], billing: ["sam", "maya"] });
  });

  it("an oversized file is refused unread", () => {
    const big = `exclude: [${Array.from({ length: 12_000 }, (_, i) => `user${i}`).join(", ")}]\n`;
    expect(big.length).toBeGreaterThan(64 * 1024);
    const e = only(parseRepoConfig(big), "errors");
    expect(e.message).toMatch(/^The file is \d+ KiB; the limit is 64 KiB\.$/);
  });

  it("multi-byte text is measured in bytes", () => {
    const text = `# ${"é".repeat(33_000)}\n`;
    expect(text.length).toBeLessThan(64 * 1024);
    expect(parseRepoConfig(text).errors[0]!.message).toMatch(/limit is 64 KiB/);
  });

  it.each([
    ["binary data", "exclude: !!binary AAAA\n", "exclude"],
    ["a top-level binary", "!!binary AAAA", ""],
    ["an unclosed flow", "[".repeat(5000), ""],
    ["control characters", "\u0000\u0001", ""],
    ["two documents", "exclude: [a]\n---\nexclude: [b]\n", ""],
  ])("hostile input (%s) is an error, not an exception", (_name, text, path) => {
    const r = parseRepoConfig(text);
    expect(r.config).toBeNull();
    expect(r.errors.length).toBeGreaterThan(0);
    if (path !== null) expect(r.errors[0]!.path).toBe(path);
  });

  it("an unsupported YAML version and a complex key are warnings, the rest is used", () => {
    const v = parseRepoConfig("%YAML 9.9\n---\nexclude: [a]\n");
    expect(v.config).toEqual({ exclude: ["a"] });
    expect(v.warnings[0]!.message).toMatch(/^YAML: /);
    const k = parseRepoConfig("? [a, b]\n: c\nexclude: [a]\n");
    expect(k.config).toEqual({ exclude: ["a"] });
    expect(k.warnings).toHaveLength(1);
  });

  it("__proto__ in the file pollutes nothing", () => {
    parseRepoConfig("__proto__: {polluted: true}\nteams:\n  __proto__: [x]\n");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  });

  it("rejects a non-string", () => {
    expect(parseRepoConfig(undefined as unknown as string).errors[0]!.message).toBe("The configuration is not text.");
  });
});

describe("parseRepoConfig: unknown keys are warnings", () => {
  it("warns with the path and line, suggests the right key, and keeps the rest", () => {
    const r = parseRepoConfig("exclude: [maya]\nreportz:\n  ranking: true\nbots:\n  logins: [x-bot]\n  aiReviewer: [acme-ai]\n");
    expect(r.errors).toEqual([]);
    expect(r.config).toEqual({ exclude: ["maya"], bots: { logins: ["x-bot"] } });
    expect(r.warnings.map((w) => [w.path, w.line])).toEqual([
      ["bots.aiReviewer", 6],
      ["reportz", 2],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))) as [string, number][]);
    const rep = r.warnings.find((w) => w.path === "reportz")!;
    expect(rep.message).toBe("Unknown setting, ignored. Did you mean `reports`?");
    expect(rep.expected).toMatch(/^One of: paths, bots, exclude, rubric, teams, reports/);
    expect(r.warnings.find((w) => w.path === "bots.aiReviewer")!.message).toContain("Did you mean `aiReviewers`?");
  });

  it("an unknown rubric kind is a warning", () => {
    const r = parseRepoConfig('rubric:\n  reviews: "Raises quality"\n');
    expect(r.config).toEqual({ rubric: {} });
    expect(r.warnings[0]).toMatchObject({ path: "rubric.reviews", line: 2 });
  });

  it("__proto__ is just an unknown key", () => {
    const r = parseRepoConfig("__proto__:\n  polluted: true\n");
    expect(r.warnings[0]!.path).toBe("__proto__");
    expect(r.config).toEqual({});
  });

  it("unknown keys and errors together: config is null, both reported", () => {
    const r = parseRepoConfig("colour: blue\nexclude: 5\n");
    expect(r.config).toBeNull();
    expect(r.errors.map((e) => e.path)).toEqual(["exclude"]);
    expect(r.warnings.map((w) => w.path)).toEqual(["colour"]);
  });
});

describe("mergeConfigs", () => {
  const org = parseRepoConfig(VALID).config!;
  it("repo overrides org; arrays replace; mappings merge by key", () => {
    const repo = parseRepoConfig("exclude: [lee]\nteams:\n  platform: [kim, ana]\nthresholds:\n  changeKindShare: 0.4\nrubric:\n  docs: Writes it down\n").config!;
    const m = mergeConfigs(org, repo);
    expect(m.exclude).toEqual(["lee"]);
    expect(m.teams).toEqual({ payments: ["sam", "maya", "lee"], platform: ["kim", "ana"] });
    expect(m.thresholds).toEqual({ changeKindShare: 0.4, reviewDeepScore: 75 });
    expect(m.rubric).toEqual({ review: "Raises the bar", mentoring: "Develops people", docs: "Writes it down" });
    expect(m.paths).toEqual(org.paths);
  });

  it("works with either side missing, and does not mutate its inputs", () => {
    const before = JSON.stringify(org);
    expect(mergeConfigs(null, null)).toEqual({});
    expect(mergeConfigs(org, null)).toEqual(org);
    expect(mergeConfigs(null, org)).toEqual(org);
    const m = mergeConfigs(org, { exclude: ["x"] });
    m.teams!.payments!.push("intruder");
    expect(JSON.stringify(org)).toBe(before);
  });
});

describe("formatConfigIssues", () => {
  it("writes Markdown with path, line, problem and expectation", () => {
    const r = parseRepoConfig("bots:\n  logins: [42]\nreportz: {}\n");
    const md = formatConfigIssues([...r.errors, ...r.warnings]);
    expect(md).toContain("### Unsung: `.github/unsung.yml` has 1 error and 1 warning");
    expect(md).toContain("- **`bots.logins[0]`** (line 2, column 12): Expected text, got a number.");
    expect(md).toContain("Expected: Extra logins to treat as bots");
    expect(md).toContain("**Warnings** — the rest of the file is used:");
    expect(md).toContain("- **`reportz`** (line 3, column 1): Unknown setting, ignored. Did you mean `reports`?");
  });

  it("neutralises mentions, HTML and backticks from the file", () => {
    const r = parseRepoConfig('"@everyone <img src=x onerror=alert(1)> `rm -rf`": 1\n');
    const md = formatConfigIssues(r.warnings);
    // The key is shown only inside a code span (where GitHub renders no HTML and pings nobody) …
    expect(md).toContain("`[\"@everyone <img src=x onerror=alert(1)> 'rm -rf'\"]`");
    // … and nowhere else.
    const outsideCode = md.replace(/`[^`\n]*`/g, "");
    expect(outsideCode).not.toContain("<img");
    expect(outsideCode).not.toContain("@everyone");
  });

  it("escapes user text outside code spans", () => {
    const md = formatConfigIssues([{ severity: "error", path: "", line: null, column: null, message: "Hi @team, see <b>[here](https://evil.example)</b>", expected: null }]);
    expect(md).toContain("@\u200bteam");
    expect(md).not.toContain("<b>");
    expect(md).not.toContain("[here](");
  });

  it("says when the file is valid", () => {
    expect(formatConfigIssues([])).toBe("**Unsung:** `.github/unsung.yml` is valid.");
  });
});

describe("comments and commentThresholds", () => {
  it("defaults to full comments, substantive reviews and score 30; a file can change each", () => {
    expect(commentSettingsOf(null)).toEqual({ mode: "full", minScore: 30, reviewLevel: "substantive" });
    const parsed = parseRepoConfig("comments: summary\ncommentThresholds:\n  minScore: 50\n  reviewLevel: deep\n");
    expect(parsed.errors).toEqual([]);
    expect(commentSettingsOf(parsed.config)).toEqual({ mode: "summary", minScore: 50, reviewLevel: "deep" });
    expect(commentSettingsOf(parseRepoConfig("comments: off\n").config).mode).toBe("off");
  });

  it("refuses unknown modes, levels and out-of-range scores, with their path and line", () => {
    const parsed = parseRepoConfig("comments: loud\ncommentThresholds:\n  minScore: 150\n  reviewLevel: epic\n");
    expect(parsed.config).toBeNull();
    const byPath = Object.fromEntries(parsed.errors.map((e) => [e.path, e.line]));
    expect(byPath).toEqual({ comments: 1, "commentThresholds.minScore": 3, "commentThresholds.reviewLevel": 4 });
  });

  it("a repository's file overrides the organisation's", () => {
    const org = parseRepoConfig("comments: off\n").config;
    const repo = parseRepoConfig("comments: full\n").config;
    expect(commentSettingsOf(mergeConfigs(org, repo)).mode).toBe("full");
    expect(commentSettingsOf(mergeConfigs(org, null)).mode).toBe("off");
  });
});
