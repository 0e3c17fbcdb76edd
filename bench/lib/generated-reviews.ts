/**
 * The detector bench's generated reviews and changes (seeded PRNG, deterministic), shared by
 * bench/detect.ts and the review-score digest (bench/eval/review-digest.ts), so both read the
 * very same inputs.
 */
import type { ChangeInput } from "../../src/core/detect/classify-change.js";
import type { ReviewInput } from "../../src/core/detect/score-review.js";

/** The bench's seed. */
export const BENCH_SEED = 20240515;

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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

export type CommentKind = "finding" | "question" | "nit" | "praise";

/** A generator over one PRNG stream: the order of calls decides what each returns. */
export function benchGenerator(seed = BENCH_SEED) {
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));

  function comment(kind: CommentKind, ledToChange: boolean) {
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

  function randomChange(): ChangeInput {
    const n = int(1, 8);
    const files = [];
    for (let i = 0; i < n; i++) files.push({ path: pick(CHANGE_FILES), additions: int(0, 300), deletions: int(0, 100), patch: rand() < 0.5 ? pick(PATCHES) : null });
    return { title: pick(TITLES), body: "Generated change for the benchmark.", files };
  }

  return { rand, pick, int, comment, randomReview, randomChange };
}

/** The bench's pool of distinct generated reviews (the first draws of the bench's stream). */
export const REVIEW_POOL_SIZE = 10_000;
export function benchReviewPool(): ReviewInput[] {
  const g = benchGenerator();
  return Array.from({ length: REVIEW_POOL_SIZE }, g.randomReview);
}
