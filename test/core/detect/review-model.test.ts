import { describe, expect, it } from "vitest";
import { categorizeComment } from "../../../src/core/detect/categorize-comment.js";
import { FEATURES, unitFeatures, type FeatureName } from "../../../src/core/detect/review-features.js";
import { combine, compileWeights, reviewSubstance, topContributions, VERIFIED_FIGURES_FLOOR } from "../../../src/core/detect/review-model.js";
import { scoreReview, type ReviewInput } from "../../../src/core/detect/score-review.js";
import weights from "../../../src/core/detect/review-weights.json" with { type: "json" };

const f = (body: string, extra: { ledToChange?: boolean; replies?: number; state?: "APPROVED" | "CHANGES_REQUESTED" } = {}) => {
  const { x } = unitFeatures({ body, ...extra });
  return (name: FeatureName) => x[FEATURES.indexOf(name)]!;
};
const review = (over: Partial<ReviewInput>): ReviewInput => ({ state: "COMMENTED", body: "", reviewer: "maya", author: "sam", comments: [], ...over });

describe("review features", () => {
  it("a negated problem is not a finding, an unnegated one is", () => {
    expect(f("There is no race condition here, the map is only written at start-up.")("finding")).toBe(0);
    expect(f("There is no race condition here, the map is only written at start-up.")("negatedOnly")).toBe(1);
    expect(f("This is a race condition: two writers can interleave.")("finding")).toBe(1);
    // The negation belongs to another clause: the finding stands.
    expect(f("It doesn't lock, so this will crash under load.")("finding")).toBe(1);
  });

  it("a nit prefix is a hint: the finding behind it still counts", () => {
    const g = f("nit: the file handle is never closed when parse() raises, so each failed import leaks it");
    expect(g("nitPrefix")).toBe(1);
    expect(g("finding")).toBe(1);
    expect(categorizeComment("nit: the file handle is never closed when parse() raises").category).toBe("nit");
  });

  it("words in URLs and link targets are not read; the link text is", () => {
    expect(f("See https://example.invalid/security/xss-injection-guide")("finding")).toBe(0);
    expect(f("See https://example.invalid/security/xss-injection-guide")("linkOnly")).toBe(1);
    expect(f("[this leaks the session token](https://example.invalid/a)")("finding")).toBe(1);
    expect(categorizeComment("https://example.invalid/docs/why-we-never-cache").category).not.toBe("knowledge-transfer");
  });

  it("code blocks are set aside but counted, and the finding next to them is kept", () => {
    const g = f("The guard can overflow too; compare against a quotient:\n```c\nif (n > SIZE_MAX / size) return NULL;\n```");
    expect(g("code")).toBe(1);
    expect(g("finding")).toBe(1);
    expect(f("```suggestion\nconst x = null;\n```")("finding")).toBe(0);
  });

  it("outcome features amplify content and never create it", () => {
    expect(f("Please move the lock before the read, otherwise a put can resize the map", { ledToChange: true })("ledContent")).toBe(1);
    expect(f("ok", { ledToChange: true, replies: 3 })("ledContent")).toBe(0);
    expect(f("ok", { ledToChange: true, replies: 3 })("repliesContent")).toBe(0);
  });

  it("a reasoned request for changes counts for its state, a bare one does not", () => {
    expect(f("Removing the default breaks existing clients, so this should wait for the next major.", { state: "CHANGES_REQUESTED" })("blocking")).toBe(1);
    expect(f("", { state: "CHANGES_REQUESTED" })("blocking")).toBe(0);
  });

  it("repeating words adds no length, and a hostile 1 MB body is read in bounded time", () => {
    expect(f("each row ".repeat(50))("words")).toBe(f("each row")("words"));
    const big = "a_b(x) because if should ".repeat(40_000);
    const g = f(big);
    expect(g("words")).toBeLessThanOrEqual(Math.log1p(120));
    expect(g("technical")).toBeLessThanOrEqual(Math.log1p(12));
  });

  it("reads non-Latin text (CJK counts a word per two characters) without failing", () => {
    expect(f("这里的锁只保护了写入，读取也需要加锁，否则并发写入时会读到损坏的数据。")("words")).toBeGreaterThan(Math.log1p(10) / 2);
  });
});

describe("the model", () => {
  it("rejects a weights file that does not fit the features", () => {
    expect(() => compileWeights({ features: [], bias: 0, weights: {} })).toThrow(/missing or invalid weight for words/);
    expect(() => compileWeights({ ...weights, bias: Number.NaN })).toThrow(/invalid bias/);
  });

  it("combines findings by noisy-OR and counts minor remarks once", () => {
    expect(combine([0.6, 0.6])).toBeCloseTo(1 - 0.4 * 0.4, 12);
    expect(combine([0.3, 0.6])).toBeCloseTo(0.6, 12);
    expect(combine([0.3, 0.3, 0.3, 0.3])).toBeCloseTo(0.3, 12);
    // A minor remark adds nothing to a review that has a finding.
    expect(combine([0.6, 0.45])).toBeCloseTo(0.6, 12);
    expect(combine([])).toBe(0);
  });

  it("praise is not a unit: LGTM spam leaves the review where a bare approval is", () => {
    const spam = reviewSubstance(["LGTM", "nice!", "👍"].map((body) => ({ body })), "Looks good", "APPROVED");
    const bare = reviewSubstance([], "", "APPROVED");
    expect(spam.probability).toBe(bare.probability);
  });

  it("floors: measured figures of a verification make the body a finding; a change after a comment never does", () => {
    // Weights that read nothing as a finding, so only a floor can lift a unit to ½.
    const nothing = { bias: -10, w: new Float64Array(compileWeights(weights).w.length) };
    const body = "Ran it against a copy of production: 4 s, no locks taken.";
    const withFigures = reviewSubstance([], body, "APPROVED", { verified: { figures: true }, model: nothing });
    expect(withFigures.findings).toBe(1);
    expect(withFigures.probability).toBeCloseTo(1 / (1 + Math.exp(-VERIFIED_FIGURES_FLOOR)), 12);
    // Without figures the statement is left to the learned weights: no floor.
    expect(reviewSubstance([], body, "APPROVED", { verified: { figures: false }, model: nothing }).findings).toBe(0);
    // A claim the author acted on is not floored into a finding either: the outcome only amplifies.
    const acted = reviewSubstance([{ body: "Why do we fetch the account twice here?", ledToChange: true }], "", "COMMENTED", { verified: null, model: nothing });
    expect(acted.findings).toBe(0);
    expect(acted.probability).toBeLessThan(0.01);
  });

  it("shows each unit's strongest contributions as evidence", () => {
    const r = scoreReview(review({ comments: [{ path: "src/a.go", body: "Reads must take the mutex too, because a concurrent Put can resize the map while Get walks it." }] }));
    const line = r.evidence.find((e) => e.startsWith("Substance "));
    expect(line).toMatch(/^Substance \d+% by the review-depth model; the comment at src\/a\.go \d+% \([+−]\d\.\d /);
    const { x } = unitFeatures({ body: "Reads must take the mutex too, because a concurrent Put can resize the map while Get walks it." });
    const top = topContributions(x);
    expect(top.length).toBeGreaterThan(0);
    for (let i = 1; i < top.length; i++) expect(Math.abs(top[i - 1]!.amount)).toBeGreaterThanOrEqual(Math.abs(top[i]!.amount));
  });

  it("a real defect behind 'nit:' outranks a real nit", () => {
    const hidden = scoreReview(review({ comments: [{ body: "nit: this stream is never closed on the error path, so every failed upload leaks a file descriptor" }] }));
    const nit = scoreReview(review({ comments: [{ body: "nit: trailing whitespace" }] }));
    expect(hidden.score).toBeGreaterThan(nit.score);
    expect(hidden.level).toBe("substantive");
    expect(nit.level).toBe("light");
  });

  it("scores with weights given in place of the shipped ones (cross-validation of the whole scorer)", () => {
    const input = review({ comments: [{ body: "This will crash when the list is empty, because the loop reads items[0]." }] });
    const shipped = compileWeights(weights);
    expect(scoreReview(input, undefined, shipped)).toEqual(scoreReview(input));
    // Weights that read nothing as a finding: the same comment is no longer substantive.
    const nothing = { bias: -10, w: new Float64Array(shipped.w.length) };
    const scored = scoreReview(input, undefined, nothing);
    expect(scored.signals.modelFindings).toBe(0);
    expect(scored.score).toBeLessThan(scoreReview(input).score);
  });
});
