/**
 * Detector throughput on one core, with a baseline measured in the same run.
 *
 *   npm run build && node dist/bench/detect.js [reviews] [changes]
 *
 * Generates realistic reviews and changes deterministically (seeded PRNG),
 * then prints plain lines: reviews scored per second, changes classified per
 * second, the same for a naive "count the comments" scorer, and how often each
 * scorer ranks a review that found a defect (and led to a change) above one
 * padded with nits and praise — on generated, labelled pairs.
 */
import { classifyChange } from "../src/core/detect/classify-change.js";
import { defaultDetectorConfig } from "../src/core/detect/config.js";
import { scoreReview, type ReviewInput } from "../src/core/detect/score-review.js";
import { loadReviewSets, REVIEW_SETS, textOnly } from "./eval/review-sets.js";
import { benchGenerator, REVIEW_POOL_SIZE } from "./lib/generated-reviews.js";

const { rand, int, comment, randomReview, randomChange } = benchGenerator();

/** The naive baseline: more comments, higher score. */
function countComments(input: ReviewInput): number {
  return Math.min(100, (input.comments?.length ?? 0) * 10 + (input.state === "APPROVED" ? 5 : 0));
}

function time(label: string, iterations: number, fn: () => void): number {
  fn(); // warm-up pass
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  fn();
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const perSecond = Math.round((iterations / ms) * 1000);
  // Per second of this process's CPU time too: on a shared machine the wall clock also counts the time other processes held the core.
  const perCpuSecond = cpuMs > 0 ? Math.round((iterations / cpuMs) * 1000) : 0;
  process.stdout.write(
    `${label}: ${perSecond.toLocaleString("en-US")}/s (${iterations.toLocaleString("en-US")} in ${ms.toFixed(0)} ms; ${perCpuSecond.toLocaleString("en-US")}/s of CPU time)\n`,
  );
  return perSecond;
}

const REVIEWS = Number(process.argv[2] ?? 200_000);
const CHANGES = Number(process.argv[3] ?? 50_000);
const reviewPool = Array.from({ length: REVIEW_POOL_SIZE }, randomReview);
const changePool = Array.from({ length: 5_000 }, randomChange);

let sink = 0;
process.stdout.write(`node ${process.version}, one core, ${reviewPool.length.toLocaleString("en-US")} distinct generated reviews, ${changePool.length.toLocaleString("en-US")} distinct changes\n`);
time("scoreReview (unsung)", REVIEWS, () => {
  for (let i = 0; i < REVIEWS; i++) sink += scoreReview(reviewPool[i % reviewPool.length]!, defaultDetectorConfig).score;
});
// Real text: the labelled review sets (paraphrased public reviews, every body distinct), with and without outcome signals.
const realPool = loadReviewSets(REVIEW_SETS).flatMap((it) => [it.input, textOnly(it.input)]);
const REAL = Math.min(REVIEWS, 100_000);
time(`scoreReview on the ${realPool.length.toLocaleString("en-US")} labelled real reviews`, REAL, () => {
  for (let i = 0; i < REAL; i++) sink += scoreReview(realPool[i % realPool.length]!, defaultDetectorConfig).score;
});
time("count-comments baseline", REVIEWS, () => {
  for (let i = 0; i < REVIEWS; i++) sink += countComments(reviewPool[i % reviewPool.length]!);
});
time("classifyChange (unsung)", CHANGES, () => {
  for (let i = 0; i < CHANGES; i++) sink += classifyChange(changePool[i % changePool.length]!, defaultDetectorConfig).kinds.length;
});

// Ranking quality on labelled pairs: one review found a defect that led to a change;
// the other pads with 4–12 nits, praise and a question. Which does each scorer rank higher?
const PAIRS = 2_000;
let unsungRight = 0;
let baselineRight = 0;
for (let i = 0; i < PAIRS; i++) {
  const pr = { additions: int(20, 1500), deletions: int(0, 300) };
  const good: ReviewInput = { state: "CHANGES_REQUESTED", reviewer: "maya", author: "sam", pr, comments: [comment("finding", true)] };
  const padded: ReviewInput = {
    state: "APPROVED",
    reviewer: "lee",
    author: "sam",
    pr,
    comments: [...Array.from({ length: int(4, 12) }, () => comment(rand() < 0.7 ? "nit" : "praise", rand() < 0.2)), comment("question", false)],
  };
  if (scoreReview(good).score > scoreReview(padded).score) unsungRight++;
  if (countComments(good) > countComments(padded)) baselineRight++;
}
process.stdout.write(
  `ranking a defect-that-led-to-a-change above a nit-padded review (${PAIRS.toLocaleString("en-US")} generated pairs): unsung ${((unsungRight / PAIRS) * 100).toFixed(1)}%, count-comments ${((baselineRight / PAIRS) * 100).toFixed(1)}%\n`,
);
process.stdout.write(`(checksum ${sink})\n`);
