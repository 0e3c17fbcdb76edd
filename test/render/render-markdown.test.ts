import { describe, expect, it } from "vitest";
import { buildPersonReport } from "../../src/core/report/build-person-report.js";
import { buildTeamReport } from "../../src/core/report/build-team-report.js";
import { renderPersonMarkdown } from "../../src/render/render-person-markdown.js";
import { renderTeamMarkdown } from "../../src/render/render-team-markdown.js";
import {
  alicePersonReport,
  annotation,
  CAROL,
  contribution,
  DAVE,
  HOSTILE,
  hostileInputs,
  personInput,
  SECRET_TITLE,
  teamInput,
  teamReport,
} from "../core/report/fixtures.js";
import { markdownHeadingLevels, markdownLinks, stripCodeSpans } from "./helpers.js";

function expectNoHtml(md: string): void {
  // Outside code spans, every "<" is escaped: Markdown renderers then show it as text.
  expect(stripCodeSpans(md)).not.toMatch(/(?<!\\)</);
}

function expectHeadingsInOrder(levels: number[]): void {
  expect(levels[0]).toBe(1);
  expect(levels.filter((l) => l === 1)).toHaveLength(1);
  for (let i = 1; i < levels.length; i++) expect(levels[i]!).toBeLessThanOrEqual(levels[i - 1]! + 1);
}

describe("renderPersonMarkdown", () => {
  const md = renderPersonMarkdown(alicePersonReport());

  it("has every section, headings in order", () => {
    const headings = md.split("\n").filter((l) => l.startsWith("#"));
    expect(headings).toEqual([
      "# Glue-work evidence: Alice Example (\\@alice)",
      "## Summary",
      "## Evidence by rubric category",
      "### Raises quality and unblocks teammates",
      "### Multiplies team capacity",
      "### Stewards reliability and docs",
      "### Grows others",
      "## In their own words, and from peers",
      "## Compounding or trap",
      "## Compared with the previous period",
      "## Repositories covered",
      "## How to read this report",
    ]);
    expectHeadingsInOrder(markdownHeadingLevels(md));
  });

  it("writes the summary as bullets, with the job name as code", () => {
    expect(md).toContain("- Fixed the flaky `test` job: failures 12% → 2% over 140 runs");
    expect(md).toContain("- 4 of 6 review comments led to changes");
  });

  it("writes each item in the evidence formula with links", () => {
    expect(md).toContain(
      "- **[Rework payment retry logic](https://github.com/acme/api/pull/412#pullrequestreview-9001)**: review (deep), score 88, 2026-08-15, acme/api",
    );
    expect(md).toContain("  - Friction before: A retry storm double-charged customers during the July outage.");
    expect(md).toContain("  - What changed: Found the missing idempotency key and an unbounded retry loop in review.");
    expect(md).toContain("  - What improved: Both defects fixed before merge; no double charges since.");
    expect(md).toContain("  - Who benefited: payments team, customers");
    expect(md).toContain("  - Proof: [review comment on retry.ts](https://github.com/acme/api/pull/412#discussion_r1)");
    expect(md).toContain("  - **Endorsement** (corroborated) by \\@bob, 2026-09-15: “This review saved us from double-charging.”");
  });

  it("shows disputes next to the item, and what was left out as a count", () => {
    const disputed = md.indexOf("[SSO login fails for new users (\\#201)]");
    const dispute = md.indexOf("**Disputed** by \\@alice, 2026-09-15: “That was the on-call rotation, not me.”");
    expect(disputed).toBeGreaterThan(0);
    expect(dispute).toBeGreaterThan(disputed);
    expect(dispute - disputed).toBeLessThan(300);
    expect(md).toContain("_Counted but not listed: 2 light reviews and 1 rubber-stamp approval._");
  });

  it("marks own words and peers' words as self-reported or corroborated", () => {
    expect(md).toContain("- **Log entry** (self-reported) by \\@alice, 2026-07-30: “Facilitated the Q3 incident retro for the payments outage.”");
    expect(md).toContain("- **Endorsement** (corroborated) by \\@Carol");
    expect(md).toMatch(/\*\*Claim\*\* \(corroborated\) by \\@alice.*Matches work Unsung detected/);
  });

  it("explains traps with the systemic fix, compares periods, and lists coverage", () => {
    expect(md).toContain("- **3 triaged issues on the same problem (SSO login for new users) this period, marked as a trap.");
    expect(md).toContain("  - Suggested systemic fix: Turn the repeated answer into an FAQ");
    expect(md).toContain("| Rubric category | 2026 Q3 | 2026 Q2 | Change | Average score | Before |");
    // Only substantive and deep reviews count as glue work, and the row says so.
    expect(md).toContain("| Substantive or deep reviews | 2 | 2 | same | 76 | 60 |");
    expect(md).toContain("- acme/api (private)");
    expect(md).not.toContain(SECRET_TITLE);
    expect(md).not.toContain("acme/secret");
  });

  it("contains no HTML", () => {
    expectNoHtml(md);
    for (const link of markdownLinks(md)) expect(link.dest).toMatch(/^https:\/\/github\.com\//);
  });

  it("says so kindly when there is nothing for the period", () => {
    const empty = renderPersonMarkdown(buildPersonReport(personInput({ contributions: [], previousContributions: [], annotations: [] })));
    expect(empty).toContain("**Unsung found no glue work for Alice Example in 2026 Q3 in the 3 repositories this report covers.**");
    expect(empty).toContain("That doesn't mean there wasn't any.");
    expect(empty).toContain("_Nothing detected in this category this period._");
    expect(empty).toContain("No data for the previous period (2026 Q2).");
    expect(empty).not.toContain("| Rubric category |");
  });
});

describe("renderTeamMarkdown", () => {
  const md = renderTeamMarkdown(teamReport());

  it("has every section, headings in order, and says it is not a ranking", () => {
    expect(md.split("\n").filter((l) => l.startsWith("#"))).toEqual([
      "# Team glue-work report: 2026 Q3",
      "## Summary",
      "## Review depth per reviewer",
      "## How glue work is spread across the team",
      "## Areas with no reviewer depth",
      "## Trends",
      "### This period against the previous one",
      "### Month by month",
      "## Repositories covered",
      "## How these numbers are computed",
    ]);
    expectHeadingsInOrder(markdownHeadingLevels(md));
    expect(md).toContain("_People are listed alphabetically. This is not a ranking._");
  });

  it("tabulates review depth per reviewer, alphabetically", () => {
    const rows = md.split("\n").filter((l) => /^\| \\@/.test(l));
    expect(rows.slice(0, 4).map((r) => r.split(" | ")[0])).toEqual(["| \\@alice", "| \\@bob", "| \\@Carol", "| \\@dave"]);
    expect(md).toContain("| \\@alice | 5 | 1 | 2 | 1 | 1 | 40% | 4 of 6 | 50% |");
    expect(md).toContain("| **Team** | 10 | 3 | 4 | 2 | 1 | 30% | 6 of 11 | 100% |");
  });

  it("shows concentration, hero bottlenecks, shallow areas, trends and explanations", () => {
    expect(md).toContain("| Flaky-test fixes | Stewards reliability and docs | 7 | \\@bob (86%) | 0.68 | **Possible hero bottleneck.** \\@bob did 86% of the flaky-test fixes (6 of 7). Very unevenly spread: Gini coefficient 0.68. 3 of the 7 absorb a recurring problem (a trap): the fix is systemic, not more of the same. |");
    expect(md).toContain("| acme/web: site | 3 | 2 | 1 |");
    expect(md).toContain("| Flaky-test fixes | 7 | 1 | up |");
    expect(md).toContain("| Month | All | Substantive or deep reviews | Flaky-test fixes | Docs changes | Runbooks | Triaged issues | Mentoring contributions |");
    // September's three reviews were rubber stamps and a light one: review load, not glue work.
    expect(md).toContain("| Sep 2026 | 5 | 0 | 3 | 0 | 0 | 1 | 1 |");
    expect(md).toContain("- **Distribution across the team:** For each kind of glue work");
    expectNoHtml(md);
  });

  it("orders by evidence only when ranking is asked for", () => {
    const contributions = [
      contribution({ kind: "docs", person: DAVE, score: 99, repo: "acme/docs" }),
      contribution({ kind: "docs", person: DAVE, score: 99, repo: "acme/docs" }),
      contribution({ kind: "docs", person: CAROL, score: 10, repo: "acme/docs" }),
    ];
    const firstColumn = (md: string): string[] =>
      md
        .split("\n")
        .filter((l) => /^\| \\@/.test(l))
        .slice(0, 4)
        .map((r) => r.split(" | ")[0]!);
    const alphabetical = renderTeamMarkdown(buildTeamReport(teamInput({ contributions })));
    expect(firstColumn(alphabetical)).toEqual(["| \\@alice", "| \\@bob", "| \\@Carol", "| \\@dave"]);
    const ranked = renderTeamMarkdown(buildTeamReport(teamInput({ contributions, ranking: true })));
    expect(firstColumn(ranked)).toEqual(["| \\@dave", "| \\@Carol", "| \\@alice", "| \\@bob"]);
    expect(ranked).toContain("ranking was asked for");
    expect(ranked).not.toContain("This is not a ranking.");
  });

  it("is clear for a team with nothing recorded", () => {
    const empty = renderTeamMarkdown(buildTeamReport(teamInput({ contributions: [], previousContributions: [] })));
    expect(empty).toContain("**Unsung found no glue work for this team (4 people) in 2026 Q3");
    expect(empty).toContain("_No reviews recorded this period._");
    expect(empty).toContain("_No glue work recorded this period._");
  });
});

describe("Markdown with hostile text", () => {
  const { person, team } = hostileInputs();
  const outputs = [renderPersonMarkdown(buildPersonReport(person)), renderTeamMarkdown(buildTeamReport(team))];

  it.each([0, 1])("injects no links, images or HTML (output %i)", (i) => {
    const md = outputs[i]!;
    expectNoHtml(md);
    for (const link of markdownLinks(md)) {
      expect(link.image).toBe(false);
      expect(link.dest).toMatch(/^https:\/\/github\.com\/acme\/web\/pull\/\d+$/);
    }
    expect(stripCodeSpans(md)).not.toMatch(/(?<!\\):\/\/evil/);
    expect(md).not.toMatch(/(?<!\\)www\.evil/);
    expect(md).not.toMatch(/\]\(javascript/i);
    expect(md).not.toMatch(/\]\(data:/i);
  });

  it.each([0, 1])("strips direction overrides, neutralises mentions and cuts very long text (output %i)", (i) => {
    const md = outputs[i]!;
    expect(md).not.toContain("\u202E");
    expect(md).not.toMatch(/(?<!\\)@everyone/);
    expect(md).not.toContain("A".repeat(2001));
  });

  it("keeps the hostile text visible as text", () => {
    const md = outputs[0]!;
    expect(md).toContain("\\<script\\>alert(1)\\</script\\>");
    expect(md).toContain("\\[click me\\](https\\://evil.example/phish)");
    expect(md).toContain("invoicegnp.exe");
    // The title's link was javascript:, so it is shown without a link.
    expect(md).toMatch(/- \*\*\\<script\\>alert\(1\)\\<\/script\\> \\\[click me\\\]/);
    // A job name that tries to close its code span stays inside a longer fence.
    expect(md).toContain("- Fixed the flaky `` `x` ](https://evil.example) <b> `` job: failures 50% → 10% over 10 runs");
    // The log entry's javascript: link is dropped entirely.
    expect(md).toContain("=HYPERLINK(\"https\\://evil.example\",\"click\")”\n");
    expect(HOSTILE.long.length).toBe(20_000);
  });
});

describe("Markdown: a partly recorded previous period", () => {
  it("says from when the previous period is recorded and that the change is per day", () => {
    const june = Array.from({ length: 12 }, (_, i) => contribution({ kind: "docs", number: 6000 + i, score: 40, occurredAt: "2026-06-20T10:00:00Z" }));
    const md = renderPersonMarkdown(buildPersonReport(personInput({ previousContributions: june, recordsBegin: "2026-06-01T00:00:00Z" })));
    expect(md).toContain("| Rubric category | 2026 Q3 | 2026 Q2 (from 2026-06-01) | Change (per day) | Average score | Before |");
    expect(md).toContain("2026 Q2 is only partly recorded (from 2026-06-01, 30 of 91 days), so counts are compared per 30 days");
  });
});

describe("Markdown: an item listed only because it was annotated", () => {
  it("does not say “why it counts” about work that does not count", () => {
    const stamp = contribution({ kind: "review", level: "rubber-stamp", score: 0, evidence: ["Approved 2,100 changed lines 90 seconds after the pull request opened."] });
    const dispute = annotation({ kind: "dispute", contributionKey: stamp.key, text: "We reviewed it on a call." });
    const md = renderPersonMarkdown(buildPersonReport(personInput({ contributions: [stamp], previousContributions: [], annotations: [dispute] })));
    expect(md).toContain("  - What Unsung saw: Approved 2,100 changed lines");
    expect(md).toContain("review (rubber-stamp), score 0, 2026-08-01, listed for the note or dispute on it, not counted");
    expect(md).not.toContain("  - Why it counts:");
    expect(md).toContain("**Disputed** by");
  });
});
