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
import { classifyChange, type ChangeInput } from "../src/core/detect/classify-change.js";
import { defaultDetectorConfig } from "../src/core/detect/config.js";
import { scoreReview, type ReviewInput } from "../src/core/detect/score-review.js";

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = mulberry32(20240515);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));

const FINDINGS = [
  "If the charge times out we retry, but the first attempt may already have succeeded — this will double-charge the customer.",
  "This can be null when the account has no saved card, and the next line throws.",
  "This does an N+1 query: one select per order inside the loop.",
  "We log the whole request here, which leaks the bearer token into our logs.",
  "Can we add a regression test for the empty-cart case? Nothing covers it.",
  "There's an existing helper for this in lib/retry.ts — reuse it instead of a second backoff loop.",
  "For context: we never call the provider from the request thread because it can take 30 s; see the ADR in docs/adr/0007.",
  "Off-by-one: the loop skips the last page of results.",
  "Adding the column with a default rewrites and locks the table for minutes on prod.",
];
const QUESTIONS = ["Why do we fetch the account twice here?", "What is the difference between these two endpoints?", "Is this still needed after the migration?"];
const NITS = [
  "nit: trailing whitespace",
  "nit: prefer const",
  "Typo: 'recieve' → 'receive'",
  "style: import order",
  "nit: rename `tmp` to `pending`",
  "minor: capitalise the log message",
  "nit: extra blank line",
];
const PRAISE = ["LGTM", "Nice!", "looks good to me", "👍", "Love this 🎉", "great work"];
const PATHS = ["src/billing/renew.ts", "src/api/orders.ts", "app/models/order.rb", "internal/worker/worker.go", "docs/guide.md"];
const LOGINS = ["maya", "sam", "lee", "kim", "ana", "raj", "copilot-pull-request-reviewer[bot]", "coderabbitai[bot]"];

function comment(kind: "finding" | "question" | "nit" | "praise", ledToChange: boolean) {
  const body = kind === "finding" ? pick(FINDINGS) : kind === "question" ? pick(QUESTIONS) : kind === "nit" ? pick(NITS) : pick(PRAISE);
  return { path: pick(PATHS), line: int(1, 400), body, ledToChange, replies: int(0, 2) };
}

function randomReview(): ReviewInput {
  const n = int(0, 6);
  const comments = [];
  for (let i = 0; i < n; i++) {
    const r = rand();
    comments.push(comment(r < 0.3 ? "finding" : r < 0.45 ? "question" : r < 0.85 ? "nit" : "praise", rand() < 0.3));
  }
  const state = pick(["APPROVED", "COMMENTED", "CHANGES_REQUESTED"]);
  return {
    state,
    body: state === "APPROVED" ? pick(["", "LGTM", "Ran the migration against a prod copy: 4 s, no locks", ""]) : "",
    reviewer: pick(LOGINS),
    author: pick(LOGINS),
    submittedSecondsAfterOpen: int(1, 20_000),
    pr: { title: "Change", additions: int(1, 1500), deletions: int(0, 400), changedFiles: int(1, 30), authorAssociation: "MEMBER" },
    comments,
  };
}

const PATCHES = [
  "@@ -21,3 +21,3 @@\n-  await page.waitForTimeout(2000);\n+  await page.waitForSelector(\"iframe[name=payment]\");",
  '@@ -30,3 +30,3 @@\n-  it("charges the card", async () => {\n+  it.skip("charges the card", async () => {',
  "@@ -1,3 +1,6 @@\n+## Symptoms\n+Latency above 2 s.\n+## Mitigation\n+Promote the replica.",
  "@@ -10,4 +10,6 @@\n   const total = items.reduce((a, b) => a + b.price, 0);\n+  if (items.length === 0) return 0;\n+  return total;",
];
const CHANGE_FILES = [
  "src/billing/renew.ts",
  "src/api/orders.test.ts",
  "docs/guides/upgrade.md",
  "ops/runbooks/db.md",
  ".github/workflows/ci.yml",
  ".github/CODEOWNERS",
  "package-lock.json",
  "README.md",
  "e2e/checkout.spec.ts",
  "tests/test_sync.py",
  "internal/worker/worker_test.go",
];
const TITLES = ["Deflake checkout e2e", "Add annual billing", "Write the upgrade guide", "Skip flaky sync test", "Cache node_modules in CI", "Fix flaky Wi-Fi handling"];

function randomChange(): ChangeInput {
  const n = int(1, 8);
  const files = [];
  for (let i = 0; i < n; i++) files.push({ path: pick(CHANGE_FILES), additions: int(0, 300), deletions: int(0, 100), patch: rand() < 0.5 ? pick(PATCHES) : null });
  return { title: pick(TITLES), body: "Generated change for the benchmark.", files };
}

/** The naive baseline: more comments, higher score. */
function countComments(input: ReviewInput): number {
  return Math.min(100, (input.comments?.length ?? 0) * 10 + (input.state === "APPROVED" ? 5 : 0));
}

function time(label: string, iterations: number, fn: () => void): number {
  fn(); // warm-up pass
  const start = performance.now();
  fn();
  const ms = performance.now() - start;
  const perSecond = Math.round((iterations / ms) * 1000);
  process.stdout.write(`${label}: ${perSecond.toLocaleString("en-US")}/s (${iterations.toLocaleString("en-US")} in ${ms.toFixed(0)} ms)\n`);
  return perSecond;
}

const REVIEWS = Number(process.argv[2] ?? 200_000);
const CHANGES = Number(process.argv[3] ?? 50_000);
const reviewPool = Array.from({ length: 10_000 }, randomReview);
const changePool = Array.from({ length: 5_000 }, randomChange);

let sink = 0;
process.stdout.write(`node ${process.version}, one core, ${reviewPool.length.toLocaleString("en-US")} distinct generated reviews, ${changePool.length.toLocaleString("en-US")} distinct changes\n`);
time("scoreReview (unsung)", REVIEWS, () => {
  for (let i = 0; i < REVIEWS; i++) sink += scoreReview(reviewPool[i % reviewPool.length]!, defaultDetectorConfig).score;
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
