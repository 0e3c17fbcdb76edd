import { describe, expect, it } from "vitest";
import { crossValidate, examplesOf } from "../../bench/eval/train-reviews.js";
import { reviewHalves } from "../../bench/eval/reviews-eval.js";
import { loadReviewSets, REVIEW_SETS, type LabelledReview } from "../../bench/eval/review-sets.js";
import { VERIFIED_FIGURES_FLOOR } from "../../src/core/detect/review-model.js";

describe("review weights training", () => {
  const items = loadReviewSets(REVIEW_SETS);
  const halves = reviewHalves(items);
  const tuning = items.filter((it) => halves.get(it) === "tuning");

  it("reads the tuning half only, and trains on the bare logits unless asked to go through the floors", () => {
    const bare = examplesOf(tuning);
    expect(bare.every((ex) => halves.get(ex.item) === "tuning")).toBe(true);
    expect(bare.every((ex) => ex.floors.every((f) => f === -Infinity))).toBe(true);
    // Through the floors, a body reporting verified figures gets the scorer's floor; a claim that
    // led to a change gets none (outcome signals only amplify content).
    const item = (body: string, comments: { body: string; ledToChange?: boolean }[] = []): LabelledReview => ({
      id: "x",
      set: "reviews-dev",
      source: "o/r#1",
      label: "substantive",
      lang: "en",
      input: { state: "APPROVED", body, reviewer: "maya", author: "sam", comments },
    });
    const [figures, acted] = examplesOf([item("Ran it against a copy of production: 4 s, no locks taken."), item("", [{ body: "Why do we fetch the account twice here?", ledToChange: true }])], true, true);
    expect(figures!.floors).toEqual([VERIFIED_FIGURES_FLOOR]);
    expect(acted!.floors.every((f) => f === -Infinity)).toBe(true);
  });

  it("cross-validates the whole scorer beside the model's own probability", () => {
    const cv = crossValidate(examplesOf(tuning), 0.01, 3);
    for (const v of [cv.auc, cv.scorerWithOutcome, cv.scorerTextOnly]) {
      expect(v).toBeGreaterThan(0.7);
      expect(v).toBeLessThanOrEqual(1);
    }
  }, 60_000);
});
