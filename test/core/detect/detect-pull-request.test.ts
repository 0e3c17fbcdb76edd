import { describe, expect, it } from "vitest";
import { defaultDetectorConfig, DETECTOR_VERSIONS, type DetectorConfig } from "../../../src/core/detect/config.js";
import { detectPullRequest } from "../../../src/core/detect/detect-pull-request.js";
import type { CiRunFact, PullRequestBundle } from "../../../src/core/facts.js";
import { CONTRIBUTION_KINDS, type Contribution } from "../../../src/core/model.js";
import { branchRuns, MERGED_AT } from "./ci-fixtures.js";
import { at, commentFact, commit, file, history, people, prBundle, reviewFact } from "./bundle-fixtures.js";

const DEFECT = "If the charge times out we retry, but the first attempt may already have succeeded — this will double-charge the customer. Pass an idempotency key.";

function byKind(out: Contribution[], kind: string): Contribution[] {
  return out.filter((c) => c.kind === kind);
}

function expectWellFormed(out: Contribution[]): void {
  const keys = new Set<string>();
  for (const c of out) {
    expect(CONTRIBUTION_KINDS).toContain(c.kind);
    expect(keys.has(c.key)).toBe(false);
    keys.add(c.key);
    expect(c.key.startsWith(`${c.kind}:`)).toBe(true);
    expect(c.detectorVersion).toBe(DETECTOR_VERSIONS[c.detector as keyof typeof DETECTOR_VERSIONS]);
    expect(c.score).toBeGreaterThanOrEqual(0);
    expect(c.score).toBeLessThanOrEqual(100);
    expect(c.confidence).toBeGreaterThanOrEqual(0);
    expect(c.confidence).toBeLessThanOrEqual(1);
    expect(c.evidence.length).toBeGreaterThan(0);
    expect(c.formula.friction.length).toBeGreaterThan(10);
    expect(c.formula.change.length).toBeGreaterThan(10);
    expect(c.formula.improvement.length).toBeGreaterThan(10);
    expect(c.formula.beneficiaries.length).toBeGreaterThan(0);
    expect(c.formula.proof.some((p) => p.url?.startsWith("https://github.com/acme/shop"))).toBe(true);
    expect(c.repositoryFullName).toBe("acme/shop");
    expect(() => JSON.stringify(c.detail)).not.toThrow();
  }
}

describe("detectPullRequest: review depth", () => {
  it("credits a reviewer whose defect comment led to a change", () => {
    const root = commentFact(people.maya, DEFECT, { outdated: true });
    const bundle = prBundle({
      reviews: [reviewFact(people.maya, { state: "CHANGES_REQUESTED", submittedAt: at(85) })],
      reviewComments: [root, commentFact(people.sam, "Good catch, fixed in 9f8e7d6.", { inReplyToId: root.id, createdAt: at(200) })],
    });
    const out = detectPullRequest(bundle, defaultDetectorConfig);
    const reviews = byKind(out, "review");
    expect(reviews).toHaveLength(1);
    const r = reviews[0]!;
    expect(r.key).toBe("review:777:102");
    expect(r.personLogin).toBe("maya");
    expect(r.level).toBe("deep");
    expect(r.detector).toBe("review-depth");
    expect(r.evidence.join(" ")).toContain("the code under it changed afterwards, and the author replied “Good catch, fixed in 9f8e7d6.”");
    expect(r.formula.improvement).toBe("1 review comment led to a change before merge.");
    expect(r.formula.proof.map((p) => p.url)).toContain(root.htmlUrl);
    expectWellFormed(out);
  });

  it("an author's acknowledgement alone marks a change; a disagreement does not", () => {
    const root = commentFact(people.maya, DEFECT);
    const acked = prBundle({ reviews: [reviewFact(people.maya)], reviewComments: [root, commentFact(people.sam, "Done", { inReplyToId: root.id })] });
    const disputed = prBundle({ reviews: [reviewFact(people.maya)], reviewComments: [root, commentFact(people.sam, "This is intentional — the provider dedupes.", { inReplyToId: root.id })] });
    const a = byKind(detectPullRequest(acked, defaultDetectorConfig), "review")[0]!;
    const d = byKind(detectPullRequest(disputed, defaultDetectorConfig), "review")[0]!;
    expect(a.score).toBeGreaterThan(d.score);
    expect((a.detail.comments as { ledToChange: boolean }[])[0]!.ledToChange).toBe(true);
    expect((d.detail.comments as { ledToChange: boolean }[])[0]!.ledToChange).toBe(false);
  });

  it("aggregates one reviewer's reviews and comments into one contribution", () => {
    const bundle = prBundle({
      reviews: [
        reviewFact(people.maya, { state: "COMMENTED", body: "The renewal job has no test for the expired-card path; can we add one?", submittedAt: at(60) }),
        reviewFact(people.maya, { state: "APPROVED", body: "LGTM now", submittedAt: at(300) }),
      ],
      reviewComments: [commentFact(people.maya, DEFECT, { outdated: true }), commentFact(people.maya, "nit: trailing whitespace", { line: 12 })],
    });
    const reviews = byKind(detectPullRequest(bundle, defaultDetectorConfig), "review");
    expect(reviews).toHaveLength(1);
    const cats = (reviews[0]!.detail.comments as { category: string }[]).map((c) => c.category);
    expect(cats).toEqual(["defect", "nit", "test-gap"]);
    expect(reviews[0]!.occurredAt).toBe(at(300));
  });

  it("echoing someone else's finding in their thread earns half, and not the change", () => {
    const root = commentFact(people.maya, DEFECT, { outdated: true });
    const bundle = prBundle({
      reviews: [reviewFact(people.maya), reviewFact(people.lee)],
      reviewComments: [root, commentFact(people.lee, "+1, this will double-charge the customer on retry.", { inReplyToId: root.id, createdAt: at(100) })],
    });
    const [maya, lee] = byKind(detectPullRequest(bundle, defaultDetectorConfig), "review");
    expect(maya!.personLogin).toBe("maya");
    expect(lee!.personLogin).toBe("lee");
    expect(lee!.score).toBeLessThan(maya!.score / 2);
    expect((lee!.detail.comments as { ledToChange: boolean }[])[0]!.ledToChange).toBe(false);
  });

  it("no review contribution for self-review, bots, AI reviewers or ghosts", () => {
    const bundle = prBundle({
      reviews: [
        reviewFact(people.sam, { state: "COMMENTED", body: DEFECT }),
        reviewFact(people.copilot, { state: "COMMENTED", body: DEFECT }),
        reviewFact(people.coderabbit, { state: "COMMENTED", body: "**Actionable comments posted: 3**" }),
        reviewFact(people.ghost, { state: "APPROVED" }),
      ],
      reviewComments: [commentFact(people.copilot, DEFECT, { outdated: true }), commentFact(people.coderabbit, DEFECT, { outdated: true })],
    });
    expect(detectPullRequest(bundle, defaultDetectorConfig)).toEqual([]);
  });

  it("records a 2-second approval of a 1,500-line PR as a rubber stamp", () => {
    const bundle = prBundle({
      files: [file("src/importer/index.ts", 1200, 300)],
      reviews: [reviewFact(people.lee, { state: "APPROVED", submittedAt: new Date(Date.parse(at(0)) + 2000).toISOString() })],
    });
    const r = byKind(detectPullRequest(bundle, defaultDetectorConfig), "review")[0]!;
    expect(r.level).toBe("rubber-stamp");
    expect(r.score).toBe(0);
    expect(r.formula.improvement).toBe("None visible: the review shows no sign of what was checked.");
  });

  it("an opted-out reviewer gets nothing", () => {
    const config: DetectorConfig = { ...defaultDetectorConfig, exclude: ["maya"] };
    const bundle = prBundle({ reviews: [reviewFact(people.maya, { state: "CHANGES_REQUESTED" })], reviewComments: [commentFact(people.maya, DEFECT, { outdated: true })] });
    expect(detectPullRequest(bundle, config)).toEqual([]);
  });

  it("is deterministic", () => {
    const bundle = prBundle({ reviews: [reviewFact(people.maya), reviewFact(people.lee)], reviewComments: [commentFact(people.maya, DEFECT)] });
    expect(detectPullRequest(bundle, defaultDetectorConfig)).toEqual(detectPullRequest(bundle, defaultDetectorConfig));
  });
});

describe("detectPullRequest: change kinds and flaky tests (author, merged only)", () => {
  it("credits a merged docs PR to its author", () => {
    const bundle = prBundle({
      pr: { title: "Write the v3 migration guide" },
      files: [file("docs/guides/migrating-to-v3.md", 140, 0), file("README.md", 6, 2)],
      linkedIssues: [{ number: 31, title: "Nobody knows how to upgrade to v3", labels: ["docs"] }],
    });
    const out = detectPullRequest(bundle, defaultDetectorConfig);
    const docs = byKind(out, "docs");
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ key: "docs:777:101", personLogin: "sam", dynamics: "compounding", detector: "change-kind" });
    expect(docs[0]!.formula.friction).toBe("Linked issue #31 “Nobody knows how to upgrade to v3” describes the problem.");
    expect(docs[0]!.formula.improvement).toMatch(/^Not measurable yet/);
    expectWellFormed(out);
  });

  it("no docs credit for a docs aside in a feature PR, nor for an unmerged docs PR", () => {
    const aside = prBundle({ files: [file("src/billing/renew.ts", 300, 20), file("README.md", 3, 0)] });
    expect(byKind(detectPullRequest(aside, defaultDetectorConfig), "docs")).toEqual([]);
    const unmerged = prBundle({ pr: { merged: false, mergedAt: null, state: "open" }, files: [file("docs/guide.md", 140, 0)] });
    expect(detectPullRequest(unmerged, defaultDetectorConfig)).toEqual([]);
  });

  it.each([
    ["runbook", [file("ops/runbooks/payments-outage.md", 70, 4)]],
    ["ownership", [file(".github/CODEOWNERS", 3, 1)]],
    ["ci-config", [file(".github/workflows/ci.yml", 18, 6)]],
    ["template", [file(".github/PULL_REQUEST_TEMPLATE.md", 14, 2)]],
  ] as const)("credits %s work", (kind, files) => {
    const out = detectPullRequest(prBundle({ files: [...files] }), defaultDetectorConfig);
    expect(out.map((c) => c.kind)).toEqual([kind]);
    expectWellFormed(out);
  });

  it("a few lines of configuration that steer everyone (CODEOWNERS, CI, templates) score like real glue work, not like a typo fix", () => {
    for (const f of [file(".github/CODEOWNERS", 9, 0), file(".github/dependabot.yml", 10, 1), file(".github/ISSUE_TEMPLATE/bug.yml", 8, 0)]) {
      const [c] = detectPullRequest(prBundle({ files: [f] }), defaultDetectorConfig);
      expect(c!.score).toBeGreaterThanOrEqual(30);
    }
    // Docs of the same size are scored by size.
    const [docs] = detectPullRequest(prBundle({ files: [file("docs/guide.md", 9, 0)] }), defaultDetectorConfig);
    expect(docs!.score).toBeLessThan(30);
  });

  it("bots' PRs earn nothing (renovate updating the workflow)", () => {
    const bundle = prBundle({ pr: { author: { id: 29139614, login: "renovate[bot]", isBot: true } }, files: [file(".github/workflows/ci.yml", 2, 2)] });
    expect(detectPullRequest(bundle, defaultDetectorConfig)).toEqual([]);
  });

  const DEFLAKE = `@@ -21,6 +21,6 @@
   await page.getByRole("button", { name: "Pay" }).click();
-  await page.waitForTimeout(2000);
+  await page.waitForSelector("iframe[name=payment]");`;

  function ciFacts(): CiRunFact[] {
    const runs = [...branchRuns({ runs: 50, bad: 6, fromDay: -30, toDay: 0, shaPrefix: "b" }), ...branchRuns({ runs: 50, bad: 1, fromDay: 0, toDay: 30, shaPrefix: "f" })];
    return runs.map((r, i) => ({
      source: "workflow_run",
      id: i + 1,
      name: r.name,
      headSha: r.sha,
      headBranch: r.branch ?? null,
      conclusion: r.conclusion,
      attempt: r.attempt ?? 1,
      startedAt: r.at ?? null,
      completedAt: r.at ?? null,
      event: "push",
    }));
  }

  it("credits a real deflake with its before/after CI outcome, and no separate test credit", () => {
    const bundle = prBundle({
      pr: { title: "Deflake checkout e2e: wait for the payment iframe", mergedAt: MERGED_AT, closedAt: MERGED_AT },
      files: [file("e2e/checkout.spec.ts", 1, 1, DEFLAKE)],
      ciRuns: ciFacts(),
    });
    const out = detectPullRequest(bundle, defaultDetectorConfig);
    expect(out.map((c) => c.kind)).toEqual(["flaky-fix"]);
    const f = out[0]!;
    expect(f).toMatchObject({ key: "flaky-fix:777:101", dynamics: "compounding", level: "improved", detector: "flaky-fix" });
    expect(f.formula.improvement).toContain("12% → 2% over 100 runs");
    expect(f.formula.friction).toContain("“e2e” failed and then passed on a re-run of the same commit 6 times");
    // The flips count pull-request branches too; the default branch figure is stated next to it, so the numbers never look inconsistent.
    expect(f.formula.friction).toContain("on main it failed or needed a re-run on 6 of 50 commits");
    expect(f.score).toBeGreaterThan(80);
    expectWellFormed(out);
  });

  it("a skip is a flaky-quarantine trap, not a fix", () => {
    const skip = `@@ -30,7 +30,7 @@\n-  it("charges the saved card", async () => {\n+  it.skip("charges the saved card", async () => {`;
    const out = detectPullRequest(prBundle({ pr: { title: "Skip flaky checkout test" }, files: [file("test/checkout.spec.ts", 1, 1, skip)] }), defaultDetectorConfig);
    expect(out.map((c) => c.kind)).toEqual(["flaky-quarantine"]);
    expect(out[0]!.dynamics).toBe("trap");
    expect(out[0]!.evidence.join(" ")).toContain("a systemic fix (fix the cause, then remove the skip or retry) is still owed");
    expectWellFormed(out);
  });
});

describe("detectPullRequest: mentoring", () => {
  const EXPLANATION =
    "For context: we never call the payment provider from the request thread because it can take 30 s; the reason is the provider's rate limit per IP. See the ADR in docs/adr/0007 — the renewal job should enqueue instead.";

  function newcomerBundle(over: Partial<PullRequestBundle> = {}): PullRequestBundle {
    const root = commentFact(people.maya, EXPLANATION, { outdated: true });
    return prBundle({
      pr: { author: people.newbie, authorAssociation: "CONTRIBUTOR", title: "Add card expiry reminder" },
      histories: { [String(people.newbie.id)]: history(people.newbie, 0) },
      reviews: [reviewFact(people.maya, { state: "CHANGES_REQUESTED" }), reviewFact(people.lee, { state: "APPROVED", body: "LGTM 👍" })],
      reviewComments: [
        root,
        commentFact(people.maya, DEFECT, { line: 120 }),
        commentFact(people.newbie, "Thanks! I moved it to the renewal job, does this look right?", { inReplyToId: root.id, createdAt: at(150) }),
      ],
      commits: [commit(people.newbie, "Add reminder"), commit(people.maya, "Fix flaky import order in reminder spec")],
      ...over,
    });
  }

  it("credits the reviewer who reviewed a newcomer's PR in depth and explained", () => {
    const out = detectPullRequest(newcomerBundle(), defaultDetectorConfig);
    const m = byKind(out, "mentoring");
    expect(m.map((c) => c.personLogin)).toEqual(["maya"]);
    expect(m[0]!.key).toBe("mentoring:777:102");
    const text = m[0]!.evidence.join(" ");
    expect(text).toContain("priya-new had no merged pull request in acme/shop before this one.");
    expect(text).toContain("1 explanatory comment");
    expect(text).toContain("1 review thread became a conversation with the newcomer");
    expect(text).toContain("pushed 1 commit to the newcomer's branch");
    expect(text).toContain("maya merged it.");
    expect(m[0]!.formula.improvement).toMatch(/^The pull request merged 26 hours after it was opened/);
    expectWellFormed(out);
  });

  it("an LGTM approval of a newcomer's PR is not mentoring", () => {
    const out = detectPullRequest(newcomerBundle(), defaultDetectorConfig);
    expect(byKind(out, "mentoring").some((c) => c.personLogin === "lee")).toBe(false);
  });

  it("the same review of a veteran's PR is not mentoring", () => {
    const bundle = newcomerBundle({ histories: { [String(people.newbie.id)]: history(people.newbie, 25) } });
    expect(byKind(detectPullRequest(bundle, defaultDetectorConfig), "mentoring")).toEqual([]);
  });

  it("a member whose short history only reflects how recently records begin is not a newcomer", () => {
    // Records of this repository begin in early June (the reviewer's first activity); the author
    // was active a few days later, so "1 merged pull request before" says nothing about them.
    const reviewerSince = { ...history(people.maya, 30), firstSeenAt: "2026-06-02T09:00:00Z" };
    const established = newcomerBundle({
      histories: { [String(people.newbie.id)]: { ...history(people.newbie, 1), firstSeenAt: "2026-06-08T10:00:00Z" }, [String(people.maya.id)]: reviewerSince },
    });
    established.pullRequest.authorAssociation = "MEMBER";
    expect(byKind(detectPullRequest(established, defaultDetectorConfig), "mentoring")).toEqual([]);
    // Someone whose first activity came two months after the records begin is new, member or not.
    const joined = newcomerBundle({
      histories: { [String(people.newbie.id)]: { ...history(people.newbie, 1), firstSeenAt: "2026-08-04T10:00:00Z" }, [String(people.maya.id)]: reviewerSince },
    });
    joined.pullRequest.authorAssociation = "MEMBER";
    expect(byKind(detectPullRequest(joined, defaultDetectorConfig), "mentoring")).toHaveLength(1);
    // GitHub's own first-time marker always counts.
    const first = newcomerBundle({
      histories: { [String(people.newbie.id)]: { ...history(people.newbie, 0), firstSeenAt: "2026-06-03T10:00:00Z" }, [String(people.maya.id)]: reviewerSince },
    });
    first.pullRequest.authorAssociation = "FIRST_TIME_CONTRIBUTOR";
    expect(byKind(detectPullRequest(first, defaultDetectorConfig), "mentoring")).toHaveLength(1);
  });

  it("an explanation counts for mentoring even when the comment is also a finding", () => {
    const teach =
      "If the process dies between the commit and the publish, the event is lost. We solve it with the transactional outbox: https://microservices.io/patterns/data/transactional-outbox.html";
    const bundle = newcomerBundle({ reviewComments: [commentFact(people.maya, teach, { outdated: true })] });
    const m = byKind(detectPullRequest(bundle, defaultDetectorConfig), "mentoring");
    expect(m[0]!.evidence.join(" ")).toContain("1 explanatory comment");
  });

  it("a review is not itself compounding work: what compounds (teaching a newcomer) is the mentoring item", () => {
    const out = detectPullRequest(newcomerBundle(), defaultDetectorConfig);
    expect(byKind(out, "review").every((r) => r.dynamics === "neutral")).toBe(true);
    expect(byKind(out, "mentoring")[0]!.dynamics).toBe("compounding");
  });

  it("GitHub's FIRST_TIME_CONTRIBUTOR counts when no history is known", () => {
    const bundle = newcomerBundle({ histories: {} });
    bundle.pullRequest.authorAssociation = "FIRST_TIME_CONTRIBUTOR";
    expect(byKind(detectPullRequest(bundle, defaultDetectorConfig), "mentoring")).toHaveLength(1);
  });
});

describe("detectPullRequest: co-authorship", () => {
  const trailers = [
    { name: "Kim Lee", email: "kim@acme.dev", person: people.kim },
    { name: "Copilot", email: "175728472+Copilot@users.noreply.github.com", person: { id: 175728472, login: "Copilot", isBot: false } },
    { name: "Claude", email: "noreply@anthropic.com", person: null },
    { name: "aider (gpt-4o)", email: "noreply@aider.chat", person: null },
    { name: "Cursor Agent", email: "cursoragent@cursor.com", person: null },
    { name: "Jo Contractor", email: "jo@example.org", person: null },
  ];

  it("credits mapped human co-authors and filters AI trailers", () => {
    const bundle = prBundle({
      commits: [
        commit(people.sam, "Charge on renewal\n\nCo-authored-by: Kim Lee <kim@acme.dev>", { coAuthors: trailers }),
        commit(people.sam, "Handle expired cards", { coAuthors: [trailers[0]!] }),
        commit(people.sam, "Tidy"),
      ],
    });
    const out = byKind(detectPullRequest(bundle, defaultDetectorConfig), "co-authorship");
    // Pairing takes two: the co-author, and the author who paired with them.
    expect(out.map((c) => c.personLogin)).toEqual(["kim", "sam"]);
    expect(out[1]!.evidence[0]).toContain("sam authored PR #");
    expect(out[1]!.evidence[0]).toContain("with kim, named as co-author (Co-authored-by trailer) on 2 of 3 commits");
    expect(out[1]!.detail.role).toBe("author");
    expect(out[0]!.key).toBe("co-authorship:777:105");
    expect(out[0]!.evidence[0]).toContain("on 2 of 3 commits");
    expect(out[0]!.detail.filteredCoAuthors).toEqual([
      "Copilot <175728472+Copilot@users.noreply.github.com>",
      "Claude <noreply@anthropic.com>",
      "aider (gpt-4o) <noreply@aider.chat>",
      "Cursor Agent <cursoragent@cursor.com>",
    ]);
    expect(out[0]!.detail.unmappedCoAuthors).toEqual(["Jo Contractor <jo@example.org>"]);
    expectWellFormed(out);
  });

  it("a person called Claude with a real address is not filtered", () => {
    const claude = { id: 106, login: "claude-dupont", isBot: false };
    const bundle = prBundle({ commits: [commit(people.sam, "Pairing", { coAuthors: [{ name: "Claude Dupont", email: "claude@acme.dev", person: claude }] })] });
    expect(byKind(detectPullRequest(bundle, defaultDetectorConfig), "co-authorship").map((c) => c.personLogin)).toEqual(["claude-dupont", "sam"]);
  });

  it("no credit on an unmerged PR, for the author naming themselves, or for only-AI trailers", () => {
    const unmerged = prBundle({ pr: { merged: false, mergedAt: null }, commits: [commit(people.sam, "x", { coAuthors: [trailers[0]!] })] });
    expect(byKind(detectPullRequest(unmerged, defaultDetectorConfig), "co-authorship")).toEqual([]);
    const self = prBundle({ commits: [commit(people.sam, "x", { coAuthors: [{ name: "Sam", email: "sam@acme.dev", person: people.sam }] })] });
    expect(byKind(detectPullRequest(self, defaultDetectorConfig), "co-authorship")).toEqual([]);
    // AI co-author trailers credit nobody: not the assistant, and not the author as a pair.
    const ai = prBundle({ commits: [commit(people.sam, "x", { coAuthors: trailers.slice(1, 5) })] });
    expect(byKind(detectPullRequest(ai, defaultDetectorConfig), "co-authorship")).toEqual([]);
  });
});
