import { describe, expect, it } from "vitest";
import { defaultDetectorConfig, DETECTOR_VERSIONS } from "../../../src/core/detect/config.js";
import { detectIssue } from "../../../src/core/detect/detect-issue.js";
import type { Contribution } from "../../../src/core/model.js";
import { activity, at, issueBundle, issueComment, people } from "./bundle-fixtures.js";

const VAGUE = "When I export it doesn't work.";
const WITH_CRITERIA = `When I export it doesn't work.

## Acceptance criteria
- [ ] Exporting 50k orders produces one CSV with a header row
- [ ] Amounts use the account's currency, two decimals
- [ ] The export finishes in under 60 s or is emailed`;
const WITH_REPRO = `When I export it doesn't work.

### Steps to reproduce
1. Open Orders, filter by "Last 90 days"
2. Click Export → CSV
3. The download is a 0-byte file

### Expected behaviour
A CSV with one row per order.`;

function wellFormed(out: Contribution[]): void {
  for (const c of out) {
    expect(c.kind).toBe("triage");
    expect(c.key).toBe(`triage:888:${c.personId}`);
    expect(c.subjectType).toBe("issue");
    expect(c.detectorVersion).toBe(DETECTOR_VERSIONS.triage);
    expect(c.formula.friction.length).toBeGreaterThan(10);
    expect(c.formula.improvement.length).toBeGreaterThan(10);
    expect(c.formula.beneficiaries).toContain("lee");
    expect(c.formula.proof[0]!.url).toBe("https://github.com/acme/shop/issues/9");
  }
}

describe("detectIssue: triage", () => {
  it("credits someone who adds acceptance criteria to another person's issue", () => {
    const out = detectIssue(issueBundle({ activity: [activity(people.maya, "edited", { bodyBefore: VAGUE, bodyAfter: WITH_CRITERIA })] }), defaultDetectorConfig);
    expect(out).toHaveLength(1);
    const t = out[0]!;
    expect(t).toMatchObject({ personLogin: "maya", level: "substantive", dynamics: "neutral", detector: "triage" });
    expect(t.evidence[0]).toBe("On issue #9 “Export to CSV is broken” by lee, maya added “acceptance criteria” (3 checklist items) to the description.");
    expect(t.formula.friction).toBe("Issue #9 had no testable acceptance criteria.");
    expect(t.formula.improvement).toBe("The issue was closed and has not been reopened.");
    wellFormed(out);
  });

  it("the author editing their own issue is not triage", () => {
    expect(detectIssue(issueBundle({ activity: [activity(people.lee, "edited", { bodyBefore: VAGUE, bodyAfter: WITH_CRITERIA })] }), defaultDetectorConfig)).toEqual([]);
  });

  it("a bot labelling or editing is not triage", () => {
    const bot = { id: 41898282, login: "github-actions[bot]", isBot: true };
    const out = detectIssue(
      issueBundle({ activity: [activity(bot, "labeled", { label: "needs-triage" }), activity(bot, "edited", { bodyBefore: VAGUE, bodyAfter: WITH_CRITERIA })] }),
      defaultDetectorConfig,
    );
    expect(out).toEqual([]);
  });

  it("credits repro steps", () => {
    const out = detectIssue(issueBundle({ activity: [activity(people.kim, "edited", { bodyBefore: VAGUE, bodyAfter: WITH_REPRO })] }), defaultDetectorConfig);
    expect(out[0]!.evidence[0]).toContain("added “steps to reproduce”, “expected behaviour” (3 numbered steps)");
    expect(out[0]!.formula.friction).toBe("Issue #9 had no steps to reproduce.");
  });

  it("an edit that only fixes a typo is not triage", () => {
    const out = detectIssue(
      issueBundle({ activity: [activity(people.kim, "edited", { bodyBefore: VAGUE, bodyAfter: "When I export it does not work." })] }),
      defaultDetectorConfig,
    );
    expect(out).toEqual([]);
  });

  it("labelling is light triage", () => {
    const out = detectIssue(
      issueBundle({ activity: [activity(people.maya, "labeled", { label: "bug" }), activity(people.maya, "labeled", { label: "area/exports" })] }),
      defaultDetectorConfig,
    );
    expect(out[0]).toMatchObject({ level: "light", score: 8 });
    expect(out[0]!.evidence[0]).toContain("labelled it “bug”, “area/exports”");
  });

  it("links a duplicate", () => {
    const out = detectIssue(issueBundle({ comments: [issueComment(people.kim, "Duplicate of #4 — same root cause (the export worker times out).", at(45))] }), defaultDetectorConfig);
    expect(out[0]!.evidence[0]).toContain("linked the duplicate #4");
    expect(out[0]!.formula.proof.map((p) => p.url)).toContain("https://github.com/acme/shop/issues/4");
    wellFormed(out);
  });

  it("credits the first helpful answer, not +1s or 'any update?'", () => {
    const out = detectIssue(
      issueBundle({
        comments: [
          issueComment(people.sam, "+1, same here", at(20)),
          issueComment(people.maya, "Any update?", at(100)),
          issueComment(people.kim, "The export worker has a 30 s timeout; for more than ~20k orders use the async export under Settings → Data, which emails the file.", at(180)),
          issueComment(people.maya, "I can confirm the async export works fine for 80k orders on our side.", at(240)),
        ],
      }),
      defaultDetectorConfig,
    );
    expect(out.map((c) => c.personLogin)).toEqual(["kim"]);
    expect(out[0]!.evidence[0]).toContain("gave the first helpful answer, 3 hours after the issue was opened");
    expect(out[0]!.formula.friction).toBe("Issue #9 waited 3 hours for a first helpful answer.");
  });

  it("credits the clarifying question asked before work started", () => {
    const out = detectIssue(
      issueBundle({
        comments: [issueComment(people.maya, "Could you share which version you are on and roughly how many orders the export has?", at(30))],
        linkedPullRequests: [{ number: 51, author: people.sam, createdAt: at(600), mergedAt: at(60 * 30) }],
      }),
      defaultDetectorConfig,
    );
    const text = out[0]!.evidence.join(" ");
    expect(text).toContain("asked the clarifying question before work started");
    expect(text).toContain("A linked pull request (#51 by sam) merged 30 hours after maya stepped in.");
    expect(out[0]!.formula.beneficiaries).toEqual(["lee", "sam"]);
  });

  it("says when the issue was reopened", () => {
    const out = detectIssue(
      issueBundle({ issue: { reopenedCount: 2 }, activity: [activity(people.maya, "edited", { bodyBefore: VAGUE, bodyAfter: WITH_CRITERIA })] }),
      defaultDetectorConfig,
    );
    expect(out[0]!.formula.improvement).toBe("The issue was closed but reopened 2 times: the clarification did not settle it.");
  });
});

describe("detectIssue: compounding vs trap", () => {
  const answer = issueComment(people.kim, "Exports over ~20k orders time out; use the async export under Settings → Data, it emails the file.", at(60));

  it("answering the same question again and again is a trap, with a systemic fix suggested", () => {
    const out = detectIssue(
      issueBundle({
        comments: [answer],
        recentSimilar: [
          { number: 3, title: "CSV export is broken for big accounts", createdAt: at(-60 * 24 * 20), answeredBy: [people.kim] },
          { number: 5, title: "Export to CSV broken again", createdAt: at(-60 * 24 * 9), answeredBy: [people.kim, people.maya] },
          { number: 7, title: "Dark mode for the dashboard", createdAt: at(-60 * 24 * 3), answeredBy: [people.kim] },
        ],
      }),
      defaultDetectorConfig,
    );
    const t = out[0]!;
    expect(t.dynamics).toBe("trap");
    const text = t.evidence.join(" ");
    expect(text).toContain("kim has answered 3 similar questions (this one and #3 “CSV export is broken for big accounts”, #5 “Export to CSV broken again”)");
    expect(text).toContain("A FAQ entry, doc or runbook would answer it once");
    expect(t.detail.similarAnswered).toEqual([3, 5]);
  });

  it("similar questions answered by someone else, or dissimilar ones, are not a trap", () => {
    const out = detectIssue(
      issueBundle({
        comments: [answer],
        recentSimilar: [
          { number: 3, title: "CSV export is broken for big accounts", createdAt: at(-60 * 24 * 20), answeredBy: [people.maya] },
          { number: 7, title: "Dark mode for the dashboard", createdAt: at(-60 * 24 * 3), answeredBy: [people.kim] },
          { number: 8, title: "SSO login loops on Safari", createdAt: at(-60 * 24 * 2), answeredBy: [people.kim] },
        ],
      }),
      defaultDetectorConfig,
    );
    expect(out[0]!.dynamics).toBe("neutral");
  });
});
