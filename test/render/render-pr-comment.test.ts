import { describe, expect, it } from "vitest";
import { planPrComment, type CommentAnnotation, type CommentContribution, type PrCommentInput } from "../../src/core/comments/plan-pr-comment.js";
import { EVIDENCE_MARKER, MAX_COMMENT_CHARS, renderPrComment } from "../../src/render/render-pr-comment.js";
import { COMMANDS, renderHelp, renderRefusal } from "../../src/render/render-command-answer.js";

const PR = "https://github.com/acme/api/pull/7";
const base = (over: Partial<CommentContribution>): CommentContribution => ({
  kind: "review",
  personId: 1,
  personLogin: "maya",
  repositoryId: 10,
  repositoryPrivate: false,
  subjectUrl: PR,
  subjectTitle: "Refunds",
  score: 82,
  level: "deep",
  dynamics: "neutral",
  formula: null,
  detail: {
    comments: [
      { category: "defect", ledToChange: true, url: `${PR}#discussion_r1`, path: "src/refund.ts", line: 42 },
      { category: "nit", ledToChange: false, url: `${PR}#discussion_r2`, path: "src/refund.ts", line: 50 },
    ],
    signals: { findings: 1, verified: false },
  },
  ...over,
});
const note = (over: Partial<CommentAnnotation>): CommentAnnotation => ({
  kind: "endorse",
  authorId: 2,
  authorLogin: "omar",
  subjectPersonId: 1,
  subjectPersonLogin: "maya",
  text: "Caught the refund race.",
  sourceUrl: `${PR}#issuecomment-9`,
  repositoryId: 10,
  repositoryPrivate: false,
  authorAssociation: "MEMBER",
  createdAt: "2026-08-01T00:00:00Z",
  ...over,
});
const input = (over: Partial<PrCommentInput> = {}): PrCommentInput => ({
  pullRequest: { repositoryId: 10, repositoryPrivate: false, number: 7, url: PR, merged: true },
  contributions: [base({})],
  annotations: [],
  optedOut: { ids: new Set(), logins: [] },
  botIds: new Set(),
  settings: { mode: "full", minScore: 30, reviewLevel: "substantive" },
  ...over,
});

/** Mentions GitHub would render: an @ outside code spans not followed by the zero-width space that makes it inert. */
export function mentions(body: string): string[] {
  return [...body.replace(/`[^`\n]*`/g, "").matchAll(/@(?!\u200b)[A-Za-z0-9/_-]+/g)].map((m) => m[0]);
}

/** Matches of `re` not preceded by a backslash (Markdown's escape). */
function unescaped(body: string, re: RegExp): string[] {
  return [...body.matchAll(re)].filter((m) => body[m.index - 1] !== "\\").map((m) => m[0]);
}

/** The targets of every Markdown link GitHub would render ("](" after an unescaped "]"). */
function linkTargets(body: string): string[] {
  return [...body.matchAll(/\]\(([^)\s]*)\)/g)].filter((m) => body[m.index - 1] !== "\\").map((m) => m[1]!);
}

describe("planPrComment", () => {
  it("names a deep review with its key finding and the comment that led to a change", () => {
    const body = renderPrComment(planPrComment(input())!);
    expect(body.startsWith(EVIDENCE_MARKER + "\n")).toBe(true);
    expect(body).toContain("[maya](https://github.com/maya)");
    expect(body).toContain("Deep review — A deep review (score 82/100): 1 finding and 1 comment led to a change before merge.");
    expect(body).toContain(`(${PR}#discussion_r1)`);
    expect(body).not.toContain("discussion_r2");
    expect(body).toContain("`/unsung endorse @login what they did`");
    expect(body).toContain(`\`/unsung dispute ${PR} why\``);
  });

  it("no comment for an unmerged pull request, for nothing notable, with comments off, or for a trap", () => {
    expect(planPrComment(input({ pullRequest: { ...input().pullRequest, merged: false } }))).toBeNull();
    expect(planPrComment(input({ contributions: [base({ level: "light", score: 20 })] }))).toBeNull();
    expect(planPrComment(input({ contributions: [base({ level: "rubber-stamp", score: 0 })] }))).toBeNull();
    expect(planPrComment(input({ settings: { mode: "off", minScore: 30, reviewLevel: "substantive" } }))).toBeNull();
    expect(planPrComment(input({ contributions: [base({ kind: "flaky-quarantine", dynamics: "trap", score: 40, level: null })] }))).toBeNull();
    expect(planPrComment(input({ contributions: [base({ kind: "docs", score: 10, level: null })] }))).toBeNull();
    // Only endorsements, no detected work: still no comment.
    expect(planPrComment(input({ contributions: [], annotations: [note({})] }))).toBeNull();
  });

  it("thresholds: a light review counts when the repository says so", () => {
    const plan = planPrComment(input({ contributions: [base({ level: "light", score: 20 })], settings: { mode: "full", minScore: 30, reviewLevel: "light" } }));
    expect(plan?.items.map((i) => i.title)).toEqual(["Light review"]);
  });

  it("a flaky-test fix whose CI outcome is not measurable yet says too early to tell, and asks to look again", () => {
    const plan = planPrComment(input({ contributions: [base({ kind: "flaky-fix", level: "too-early", score: 60, detail: { check: "ci / test", outcome: { status: "too-early", sentence: "x" } } })] }))!;
    expect(plan.recheck).toBe(true);
    expect(renderPrComment(plan)).toContain("too early to tell");
    const measured = planPrComment(
      input({ contributions: [base({ kind: "flaky-fix", level: "improved", score: 90, detail: { check: "ci", outcome: { status: "improved", sentence: "failure/rerun rate of “ci” on main: 16% → 0% over 79 runs." } } })] }),
    )!;
    expect(measured.recheck).toBe(false);
    expect(renderPrComment(measured)).toContain("16% → 0% over 79 runs");
  });

  it("summary mode: one line per person", () => {
    const plan = planPrComment(
      input({
        settings: { mode: "summary", minScore: 30, reviewLevel: "substantive" },
        contributions: [base({}), base({ kind: "mentoring", score: 60, level: null, detail: {} }), base({ kind: "docs", personId: 3, personLogin: "lee", score: 70, level: null, detail: { lines: 120, share: 0.9 } })],
      }),
    )!;
    const lines = renderPrComment(plan).split("\n").filter((l) => l.startsWith("- "));
    expect(lines).toEqual(["- **[maya](https://github.com/maya)**: deep review, mentoring", "- **[lee](https://github.com/lee)**: documentation"]);
  });

  it("never names a person who opted out, nor a bot, and takes their login out of other sentences", () => {
    const plan = planPrComment(
      input({
        contributions: [
          base({}),
          base({ personId: 5, personLogin: "erin", kind: "docs", score: 80, level: null, detail: {} }),
          base({ personId: 6, personLogin: "renovate[bot]", kind: "ci-config", score: 80, level: null, detail: {} }),
          base({ personId: 7, personLogin: "sam", kind: "triage", score: 50, level: null, subjectUrl: "https://github.com/acme/api/issues/3", detail: { actions: ["retitled it from “ask erin” to “Fix”"] } }),
        ],
        annotations: [note({ authorId: 5, authorLogin: "erin" }), note({ text: "Thanks to @Erin and erin-two" })],
        optedOut: { ids: new Set([5]), logins: ["erin"] },
        botIds: new Set([6]),
      }),
    )!;
    const body = renderPrComment(plan);
    expect(body).not.toMatch(/\berin\b(?!-)/i);
    expect(body).toContain("erin-two");
    expect(body).not.toContain("renovate");
    expect(body).toContain("someone who opted out");
  });

  it("a public repository's comment holds nothing from a private one; a private one's nothing from another private one", () => {
    const contributions = [base({}), base({ repositoryId: 99, repositoryPrivate: true, personLogin: "secret-person", personId: 8, kind: "triage", score: 60, level: null, detail: {} })];
    const annotations = [note({ repositoryId: 99, repositoryPrivate: true, text: "Vault keys rotated" }), note({ repositoryId: 11, repositoryPrivate: false, text: "public praise" })];
    const pub = renderPrComment(planPrComment(input({ contributions, annotations }))!);
    expect(pub).not.toContain("secret-person");
    expect(pub).not.toContain("Vault");
    expect(pub).toContain("public praise");
    const priv = renderPrComment(planPrComment(input({ pullRequest: { ...input().pullRequest, repositoryPrivate: true }, contributions, annotations }))!);
    expect(priv).not.toContain("Vault");
    // Its own repository's private items are fine.
    const own = renderPrComment(planPrComment(input({ pullRequest: { ...input().pullRequest, repositoryPrivate: true }, contributions: [base({ repositoryPrivate: true })], annotations: [note({ repositoryPrivate: true, text: "inside" })] }))!);
    expect(own).toContain("inside");
  });

  it("shows teammates' endorsements, not outsiders'", () => {
    const body = renderPrComment(planPrComment(input({ annotations: [note({}), note({ authorId: 9, authorLogin: "olga", authorAssociation: "NONE", text: "trust me" })] }))!);
    expect(body).toContain("endorses **[maya](https://github.com/maya)**: “Caught the refund race.”");
    expect(body).not.toContain("trust me");
  });
});

describe("hostile input", () => {
  const hostile = [
    "@everyone look @acme/security-team and @maya",
    "<img src=x onerror=alert(1)><script>alert(2)</script>",
    "[click](javascript:alert(document.cookie)) ![x](https://evil.example/t.png)",
    "**bold** `code` <!-- unsung:evidence-comment --> ",
    "\u202egnp.exe\u202c",
  ].join(" ");

  it("renders mention spam, HTML, Markdown and javascript: links inert, and cuts 100 KB of text", () => {
    const big = `${hostile} ${"x".repeat(100 * 1024)}`;
    const plan = planPrComment(
      input({
        contributions: [base({ kind: "flaky-fix", score: 80, level: "improved", detail: { check: hostile, outcome: { status: "improved", sentence: big } } })],
        annotations: Array.from({ length: 30 }, (_, i) => note({ text: big, sourceUrl: i % 2 ? "javascript:alert(1)" : `${PR}#c${i}` })),
      }),
    )!;
    const body = renderPrComment(plan);
    expect(body.length).toBeLessThan(MAX_COMMENT_CHARS);
    expect(mentions(body)).toEqual([]);
    // No HTML but our own marker and <sub>: every other "<" is escaped, so GitHub shows it as text.
    expect(unescaped(body, /<(?!!-- unsung:evidence-comment -->|\/?sub>)/g)).toEqual([]);
    // Every link is ours (profiles, comments): none from the hostile text, no javascript:.
    for (const target of linkTargets(body)) expect(target).toMatch(/^https:\/\/github\.com\//);
    expect(linkTargets(body).some((t) => t.includes("evil") || t.includes("javascript"))).toBe(false);
    expect(unescaped(body, /[*_`]{1,2}(?=\w)/g).filter((m) => m !== "**")).toEqual([]);
    expect(body).not.toMatch(/[\u202a-\u202e]/);
    // The marker appears once unescaped: at the top, never from echoed text.
    expect(unescaped(body, /<!-- unsung:evidence-comment -->/g)).toHaveLength(1);
    // Notes are capped.
    expect(body.match(/endorses/g)?.length).toBe(10);
  });
});

describe("command answers", () => {
  it("help lists every command with an example", () => {
    const help = renderHelp();
    for (const c of COMMANDS) {
      expect(help).toContain(`\`${c.usage}\``);
      expect(help).toContain(`Example: \`${c.example}\``);
    }
    expect(help.split("\n")[0]).not.toMatch(/^\/unsung/);
  });

  it("a refusal says why and how to fix it, and never mentions the login it echoes", () => {
    expect(renderRefusal({ reason: "self-endorsement" })).toContain("`/unsung note <text>`");
    expect(renderRefusal({ reason: "malformed", problem: "missing-link", verb: "claim" })).toContain("`/unsung claim <link> <text>`");
    expect(renderRefusal({ reason: "malformed", problem: "unknown-command", verb: "@everyone" })).not.toContain("@everyone");
    const unknown = renderRefusal({ reason: "unknown-person", login: "everyone" });
    expect(mentions(unknown)).toEqual([]);
    expect(renderRefusal({ reason: "no-access" })).toMatch(/cannot read/);
    expect(renderRefusal({ reason: "not-yours" })).toMatch(/only the person credited/);
  });
});
