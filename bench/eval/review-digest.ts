/**
 * A digest of the review scorer's output on fixed inputs: every labelled review set (with and
 * without its outcome signals) and the detector bench's 10,000 generated reviews. A change meant
 * to make the scorer faster must leave both digests as they were.
 *
 *   npm run build && node dist/bench/eval/review-digest.js
 *
 * `scores` covers each review's score, level, substance and model findings (the golden value in
 * test/bench/review-digest.test.ts); `full` covers the whole result, evidence sentences included.
 */
import { createHash } from "node:crypto";
import { pathToFileURL } from "node:url";
import { scoreReview, type ReviewInput } from "../../src/core/detect/score-review.js";
import { benchReviewPool } from "../lib/generated-reviews.js";
import { loadReviewSets, REVIEW_SETS, textOnly } from "./review-sets.js";

/** The inputs the digest covers, in a fixed order. */
export function digestInputs(): ReviewInput[] {
  const out: ReviewInput[] = [];
  for (const it of loadReviewSets(REVIEW_SETS)) out.push(it.input, textOnly(it.input));
  out.push(...benchReviewPool());
  return out;
}

export function reviewDigests(inputs: readonly ReviewInput[] = digestInputs()): { inputs: number; scores: string; full: string } {
  const scores = createHash("sha256");
  const full = createHash("sha256");
  for (const input of inputs) {
    const r = scoreReview(input);
    scores.update(`${r.score}|${r.level ?? "excluded"}|${r.signals.substance}|${r.signals.modelFindings}\n`);
    full.update(`${JSON.stringify(r)}\n`);
  }
  return { inputs: inputs.length, scores: scores.digest("hex"), full: full.digest("hex") };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const d = reviewDigests();
  process.stdout.write(`${d.inputs} reviews scored\nscores ${d.scores}\nfull   ${d.full}\n`);
}
