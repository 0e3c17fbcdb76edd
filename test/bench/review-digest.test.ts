import { describe, expect, it } from "vitest";
import { digestInputs, reviewDigests } from "../../bench/eval/review-digest.js";

/**
 * The review scorer's output on fixed inputs (every labelled review set, with and without outcome
 * signals, and the detector bench's generated reviews) must not move unless its model is meant to:
 * a change for speed alone keeps this digest. A deliberate change of the model updates it (with
 * `node dist/bench/eval/review-digest.js`) in the same commit as the new figures.
 */
const GOLDEN_SCORES = "c51e2c352434509823e0ceeb8cc091a1b17de8ccfb5dcd23b68c92205839ac66";

describe("review score digest", () => {
  it("scores the labelled sets and the bench's generated reviews as before", () => {
    const inputs = digestInputs();
    expect(inputs.length).toBeGreaterThan(10_000);
    expect(reviewDigests(inputs).scores).toBe(GOLDEN_SCORES);
  });
});
