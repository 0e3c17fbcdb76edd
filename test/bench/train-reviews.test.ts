import { describe, expect, it } from "vitest";
import { crossValidate, examplesOf } from "../../bench/eval/train-reviews.js";
import { reviewHalves } from "../../bench/eval/reviews-eval.js";
import { loadReviewSets, REVIEW_SETS } from "../../bench/eval/review-sets.js";

describe("review weights training", () => {
  const items = loadReviewSets(REVIEW_SETS);
  const halves = reviewHalves(items);
  const tuning = items.filter((it) => halves.get(it) === "tuning");

  it("reads the tuning half only, and trains on the bare logits unless asked to go through the floors", () => {
    const bare = examplesOf(tuning);
    expect(bare.every((ex) => halves.get(ex.item) === "tuning")).toBe(true);
    expect(bare.every((ex) => ex.floors.every((f) => f === -Infinity))).toBe(true);
    // Some tuning item has a claim that led to a change, or a verified body: it gets a floor.
    expect(examplesOf(tuning, true, true).some((ex) => ex.floors.some((f) => f > -Infinity))).toBe(true);
  });

  it("cross-validates the whole scorer beside the model's own probability", () => {
    const cv = crossValidate(examplesOf(tuning), 0.01, 3);
    for (const v of [cv.auc, cv.scorerWithOutcome, cv.scorerTextOnly]) {
      expect(v).toBeGreaterThan(0.7);
      expect(v).toBeLessThanOrEqual(1);
    }
  }, 60_000);
});
