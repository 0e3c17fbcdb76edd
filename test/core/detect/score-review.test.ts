import { describe, expect, it } from "vitest";
import { defaultDetectorConfig, type DetectorConfig } from "../../../src/core/detect/config.js";
import { scoreReview, type ReviewCommentInput, type ReviewInput } from "../../../src/core/detect/score-review.js";

const pr = { title: "Charge customers on renewal", additions: 180, deletions: 40, changedFiles: 6, authorAssociation: "MEMBER" };

function review(over: Partial<ReviewInput> = {}): ReviewInput {
  return { state: "COMMENTED", body: "", reviewer: "maya", author: "sam", submittedSecondsAfterOpen: 3600, pr, comments: [], ...over };
}

const DEFECT_THAT_LED_TO_CHANGE: ReviewCommentInput = {
  path: "src/billing/renew.ts",
  line: 88,
  body: "If the card charge times out we retry, but the first attempt may already have succeeded — this will double-charge the customer. Can we pass an idempotency key to the provider?",
  ledToChange: true,
  replies: 1,
};

const TWELVE_NITS: ReviewCommentInput[] = [
  "nit: trailing whitespace",
  "nit: prefer const here",
  "Typo: 'recieve' → 'receive'",
  "nit: blank line",
  "style: import order",
  "nit: rename `tmp` to `result`",
  "Typo in the comment: 'teh'",
  "nit: missing semicolon",
  "nit: extra parentheses",
  "nit: could use single quotes for consistency",
  "minor: capitalise the log message",
  "nit: indentation is off by two spaces",
].map((body, i) => ({ path: "src/billing/renew.ts", line: 10 + i, body }));

describe("scoreReview: what a review found beats how much it said", () => {
  it("one defect that led to a change outscores twelve nits", () => {
    const oneDefect = scoreReview(review({ comments: [DEFECT_THAT_LED_TO_CHANGE] }));
    const nits = scoreReview(review({ comments: TWELVE_NITS }));
    expect(oneDefect.score).toBeGreaterThan(nits.score * 3);
    expect(oneDefect.level).toBe("deep");
    expect(oneDefect.comments[0]).toMatchObject({ category: "defect", ledToChange: true });
    expect(oneDefect.ledToChange).toEqual([0]);
    expect(oneDefect.evidence.join(" ")).toContain("Comment at src/billing/renew.ts:88 (defect) led to a change");
    expect(nits.level).toBe("light");
    expect(nits.comments.every((c) => c.category === "nit")).toBe(true);
    expect(nits.evidence.join(" ")).toMatch(/12 minor remarks/);
  });

  it("a defect that did not lead to a change still counts, less than one that did", () => {
    const led = scoreReview(review({ comments: [DEFECT_THAT_LED_TO_CHANGE] }));
    const notLed = scoreReview(review({ comments: [{ ...DEFECT_THAT_LED_TO_CHANGE, ledToChange: false }] }));
    expect(notLed.score).toBeLessThan(led.score);
    expect(notLed.level).toBe("substantive");
  });

  it("padding with duplicate comments adds nothing", () => {
    const once = scoreReview(review({ comments: [DEFECT_THAT_LED_TO_CHANGE] }));
    const padded = scoreReview(
      review({ comments: [DEFECT_THAT_LED_TO_CHANGE, ...Array.from({ length: 8 }, (_, i) => ({ ...DEFECT_THAT_LED_TO_CHANGE, line: 90 + i }))] }),
    );
    expect(padded.score).toBe(once.score);
    expect(padded.signals.duplicates).toBe(8);
    expect(padded.comments.slice(1).every((c) => c.duplicate && c.points === 0)).toBe(true);
    expect(padded.evidence.join(" ")).toContain("8 repeated comments ignored");
  });

  it("near-identical nits (punctuation, case, numbers) are duplicates too", () => {
    const r = scoreReview(review({ comments: [{ body: "nit: typo here" }, { body: "Nit - typo here!" }, { body: "nit: typo here (2)" }] }));
    expect(r.signals.duplicates).toBe(2);
  });

  it("length alone adds nothing: a long comment with no finding is minor", () => {
    const waffle =
      "I have been looking at this change for a while and thinking about the overall direction of the module and how it fits with everything else that we have been doing this quarter, and in general I feel that it is broadly in line with what I would have expected to see from a change of this kind, so overall my feeling is fairly positive about it all things considered.";
    const r = scoreReview(review({ comments: [{ path: "src/a.ts", body: waffle }] }));
    expect(r.comments[0]).toMatchObject({ category: "nit", recognised: false });
    expect(r.level).toBe("light");
    const short = scoreReview(review({ comments: [{ path: "src/a.ts", body: "This can be null when the account has no card on file." }] }));
    expect(short.score).toBeGreaterThan(r.score * 4);
  });

  it("LGTM and praise spam adds nothing", () => {
    const spam = scoreReview(
      review({ state: "APPROVED", body: "LGTM!", comments: ["Nice!", "Love this 🎉", "looks good to me", "👍", "great work", "ship it"].map((body) => ({ body })) }),
    );
    const bare = scoreReview(review({ state: "APPROVED" }));
    expect(spam.comments.every((c) => c.category === "praise")).toBe(true);
    expect(spam.score).toBe(bare.score);
    expect(spam.level).toBe("rubber-stamp");
  });

  it("diminishing returns: ten real findings are not worth ten times one", () => {
    const findings = [
      "This query runs once per row — an N+1 against orders on every request.",
      "The token is logged in plain text here; that leaks the API key into our logs.",
      "This will throw when `items` is empty; the reducer has no initial value.",
      "Add a regression test for the retry path; nothing covers it.",
      "This logic duplicates the existing helper in billing/money.ts — reuse it so there is one place for rounding.",
    ];
    const one = scoreReview(review({ comments: [{ body: findings[0]! }] }));
    const five = scoreReview(review({ comments: findings.map((body) => ({ body })) }));
    expect(five.score).toBeGreaterThan(one.score);
    expect(five.score).toBeLessThan(one.score * 5);
    expect(five.score).toBeLessThanOrEqual(100);
    expect(five.comments.map((c) => c.category)).toEqual(["performance", "security", "defect", "test-gap", "design"]);
  });
});

describe("scoreReview: exclusions", () => {
  const cases: [string, Partial<ReviewInput>, string][] = [
    ["self-review", { reviewer: "sam", author: "sam" }, "self-review"],
    ["self-review, different case", { reviewer: "Sam", author: "sam" }, "self-review"],
    ["Copilot reviewer", { reviewer: "copilot-pull-request-reviewer[bot]" }, "ai-reviewer"],
    ["CodeRabbit", { reviewer: "coderabbitai[bot]" }, "ai-reviewer"],
    ["CodeRabbit without the suffix", { reviewer: "coderabbitai" }, "ai-reviewer"],
    ["any [bot]", { reviewer: "some-internal-tool[bot]" }, "bot"],
    ["flagged bot", { reviewer: "deploy-helper", reviewerIsBot: true }, "bot"],
    ["dependabot", { reviewer: "dependabot" }, "bot"],
  ];
  it.each(cases)("%s is excluded with a reason and scores 0", (_name, over, reason) => {
    const r = scoreReview(review({ ...over, comments: [DEFECT_THAT_LED_TO_CHANGE] }));
    expect(r.score).toBe(0);
    expect(r.level).toBeNull();
    expect(r.excluded).toBe(reason);
    expect(r.evidence[0]).toMatch(/^Not scored/);
  });

  it("a human reviewer with the same comment is not excluded", () => {
    const r = scoreReview(review({ comments: [DEFECT_THAT_LED_TO_CHANGE] }));
    expect(r.excluded).toBeNull();
    expect(r.score).toBeGreaterThan(50);
  });

  it("configured AI reviewers and opt-outs are excluded", () => {
    const config: DetectorConfig = {
      ...defaultDetectorConfig,
      bots: { ...defaultDetectorConfig.bots, aiReviewers: [...defaultDetectorConfig.bots.aiReviewers, "acme-review-ai"] },
      exclude: ["maya"],
    };
    expect(scoreReview(review({ reviewer: "acme-review-ai[bot]" }), config).excluded).toBe("ai-reviewer");
    expect(scoreReview(review({ reviewer: "maya" }), config).excluded).toBe("opted-out");
    expect(scoreReview(review({ reviewer: "acme-review-ai" })).excluded).toBeNull();
  });
});

describe("scoreReview: approvals", () => {
  const big = { title: "Rewrite the importer", additions: 1200, deletions: 300, changedFiles: 41, authorAssociation: "MEMBER" };

  it("a 2-second approval of a 1,500-line PR is a rubber stamp", () => {
    const r = scoreReview(review({ state: "APPROVED", pr: big, submittedSecondsAfterOpen: 2 }));
    expect(r.level).toBe("rubber-stamp");
    expect(r.score).toBe(0);
    expect(r.signals.fastApproval).toBe(true);
    expect(r.evidence[0]).toMatch(/Approved 1,500 changed lines 2 seconds after the pull request opened/);
  });

  it("a 2-second approval with LGTM is still a rubber stamp", () => {
    const r = scoreReview(review({ state: "APPROVED", body: "LGTM 🚀", pr: big, submittedSecondsAfterOpen: 2 }));
    expect(r.level).toBe("rubber-stamp");
    expect(r.score).toBe(0);
  });

  it("a quick approval of a 6-line PR is not called too fast", () => {
    const r = scoreReview(review({ state: "APPROVED", pr: { additions: 4, deletions: 2 }, submittedSecondsAfterOpen: 20 }));
    expect(r.signals.fastApproval).toBe(false);
    expect(r.evidence.join(" ")).toContain("nothing in the review shows what was checked");
  });

  it("an approval that shows real verification counts for something", () => {
    const r = scoreReview(
      review({ state: "APPROVED", body: "Ran the migration against a prod copy: 4 s, no locks, 2.1M rows backfilled. Approving.", pr: big, submittedSecondsAfterOpen: 5400 }),
    );
    expect(r.body?.verified).toBe(true);
    expect(["light", "substantive"]).toContain(r.level);
    expect(r.score).toBeGreaterThan(scoreReview(review({ state: "APPROVED", pr: big, submittedSecondsAfterOpen: 5400 })).score);
    expect(r.evidence.join(" ")).toMatch(/states what was verified, with figures/);
  });

  it("'Approved, tested' without saying what is not verification", () => {
    const r = scoreReview(review({ state: "APPROVED", body: "tested" }));
    expect(r.body?.verified).toBe(false);
  });
});

describe("scoreReview: normalisation", () => {
  it("the same single finding counts for less on a very large change", () => {
    const comment = [{ body: "This will throw when the list is empty." }];
    const small = scoreReview(review({ pr: { additions: 30, deletions: 10 }, comments: comment }));
    const huge = scoreReview(review({ pr: { additions: 5000, deletions: 2000 }, comments: comment }));
    expect(small.score).toBeGreaterThan(huge.score);
  });

  it("a docs-only change needs less depth", () => {
    const comment = [{ path: "docs/deploy.md", body: "This step is wrong: the command rolls back the wrong environment." }];
    const code = scoreReview(review({ pr: { additions: 120, deletions: 10 }, comments: comment }));
    const docs = scoreReview(review({ pr: { additions: 120, deletions: 10, docsOnly: true }, comments: comment }));
    expect(docs.score).toBeGreaterThan(code.score);
    expect(docs.evidence.join(" ")).toContain("Docs-only change");
  });

  it("missing optional fields work and say the size is unknown", () => {
    const r = scoreReview({ reviewer: "maya", author: "sam", comments: [{ body: "Could this race with the nightly job?" }] });
    expect(r.excluded).toBeNull();
    expect(r.comments[0]!.category).toBe("defect");
    expect(r.evidence.join(" ")).toContain("Size of the change unknown");
  });

  it("knowing the files adds a little and is said", () => {
    const base = review({ comments: [{ body: "This will throw when the list is empty." }] });
    const expert = scoreReview({ ...base, reviewerPriorChangesToSamePaths: 7 });
    expect(expert.score).toBeGreaterThan(scoreReview(base).score);
    expect(expert.evidence.join(" ")).toContain("7 earlier pull requests");
  });

  it("questions alone are light, and a question that led to a change can be substantive", () => {
    const q = { body: "Why do we need to fetch the account twice here?" };
    expect(scoreReview(review({ comments: [q] })).level).toBe("light");
    expect(scoreReview(review({ comments: [{ ...q, ledToChange: true }] })).level).toBe("substantive");
  });

  it("without any finding the score stays below the substantive cut-off", () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ body: `What does step ${"abcdefghijklmnopqrstuvwxyz0123"[i]} do in this loop?` }));
    const r = scoreReview(review({ comments: many }));
    expect(r.score).toBeLessThan(defaultDetectorConfig.thresholds.reviewSubstantiveScore);
  });

  it("a reply in someone else's thread counts half and cannot claim the change", () => {
    const own = scoreReview(review({ comments: [{ body: "This will throw when the list is empty.", ledToChange: true }] }));
    const reply = scoreReview(review({ comments: [{ body: "This will throw when the list is empty.", ledToChange: true, isReply: true }] }));
    expect(reply.ledToChange).toEqual([]);
    expect(reply.score).toBeLessThan(own.score / 2);
  });

  it("explanations to a first-time contributor count for more, and say so", () => {
    const explanation = {
      body: "For context: we never call the provider from the request thread because it can take 30 s; see the ADR in docs/adr/0007 for the history.",
    };
    const member = scoreReview(review({ comments: [explanation] }));
    const firstTimer = scoreReview(review({ pr: { ...pr, authorAssociation: "FIRST_TIME_CONTRIBUTOR" }, comments: [explanation] }));
    expect(firstTimer.comments[0]!.category).toBe("knowledge-transfer");
    expect(firstTimer.score).toBeGreaterThan(member.score);
    expect(firstTimer.evidence).toContain("The author is a first-time contributor: explanations count for more.");
  });

  it("a hostile 1 MB comment is scored (no catastrophic backtracking) and earns nothing for its length", () => {
    const body = "each row ".repeat(110_000);
    const r = scoreReview(review({ comments: [{ body }] }));
    expect(r.comments[0]).toMatchObject({ category: "nit", recognised: false });
    expect(r.level).toBe("light");
  });

  it("is deterministic", () => {
    const input = review({ comments: [DEFECT_THAT_LED_TO_CHANGE, ...TWELVE_NITS] });
    expect(scoreReview(input)).toEqual(scoreReview(input));
  });
});

describe("scoreReview: what counts as deep, and remarks the patterns miss", () => {
  const small = { additions: 2, deletions: 0 };
  const medium = { additions: 50, deletions: 10 };

  it("one fixed defect in a two-line change is a substantive review, not a deep one", () => {
    const r = scoreReview(
      review({ pr: small, comments: [{ body: "This misses the case where the value is null, and we'd throw here.", ledToChange: true, path: "src/a.ts" }] }),
    );
    expect(r.level).toBe("substantive");
    // …and its score stays below the deep cut-off, so it never outranks a deep review in a list.
    expect(r.score).toBeLessThan(defaultDetectorConfig.thresholds.reviewDeepScore);
  });

  it("one fixed defect in a change of some size, or two findings, is deep", () => {
    const one = scoreReview(review({ pr: medium, comments: [{ body: DEFECT_THAT_LED_TO_CHANGE.body, ledToChange: true, path: "src/a.ts" }] }));
    expect(one.level).toBe("deep");
    const two = scoreReview(
      review({
        pr: small,
        comments: [
          { body: DEFECT_THAT_LED_TO_CHANGE.body, ledToChange: true, path: "src/a.ts" },
          { body: "Can we add a regression test for the empty-cart case?", ledToChange: true, path: "test/a.test.ts" },
        ],
      }),
    );
    expect(two.level).toBe("deep");
  });

  it("a remark with no finding in it does not become one because code changed after it, and says it was acted on", () => {
    const body = "Hmm, the ordering of these two steps feels off to me given how the retry path reads the state afterwards.";
    const acted = scoreReview(review({ pr: medium, comments: [{ body, ledToChange: true, path: "src/a.ts" }] }));
    const ignored = scoreReview(review({ pr: medium, comments: [{ body, ledToChange: false, path: "src/a.ts" }] }));
    expect(acted.comments[0]).toMatchObject({ category: "nit", recognised: false, ledToChange: true });
    // The change after it amplifies nothing: there is no content to amplify, so it stays minor.
    expect(acted.level).toBe("light");
    expect(acted.signals.modelFindings).toBe(0);
    expect(acted.score).toBeLessThan(defaultDetectorConfig.thresholds.reviewSubstantiveScore);
    expect(ignored.level).toBe("light");
    expect(acted.evidence.join(" ")).toContain("(a remark the detector could not classify) led to a change");
    expect(acted.evidence.join(" ")).not.toContain("(nit) led to a change");
    expect(scoreReview(review({ pr: medium, comments: [{ body: "hmm, not sure", ledToChange: true, path: "src/a.ts" }] })).level).toBe("light");
  });

  it("a finding the author acted on scores higher than the same finding left unaddressed", () => {
    const body = "This will throw when the list is empty, because first() returns undefined and we dereference it.";
    const acted = scoreReview(review({ pr: medium, comments: [{ body, ledToChange: true, path: "src/a.ts" }] }));
    const ignored = scoreReview(review({ pr: medium, comments: [{ body, ledToChange: false, path: "src/a.ts" }] }));
    expect(ignored.signals.modelFindings).toBe(1);
    expect(acted.signals.substance).toBeGreaterThan(ignored.signals.substance);
    expect(acted.score).toBeGreaterThan(ignored.score);
  });

  it("an approval that says what was verified, with figures, is substantive, and scores less on a huge change", () => {
    const body = "Ran the migration against a prod snapshot: 4 s, no locks taken.";
    const small = scoreReview(review({ state: "APPROVED", body, pr: { additions: 8, deletions: 1 }, submittedSecondsAfterOpen: 4000 }));
    const huge = scoreReview(review({ state: "APPROVED", body, pr: { additions: 1200, deletions: 300 }, submittedSecondsAfterOpen: 4000 }));
    expect(small.level).toBe("substantive");
    expect(huge.level).toBe("substantive");
    expect(huge.score).toBeLessThan(small.score);
  });
});
