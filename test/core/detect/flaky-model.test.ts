import { describe, expect, it } from "vitest";
import { classifyChange, classifyFiles, shareKinds, type ChangeInput } from "../../../src/core/detect/classify-change.js";
import { compileConfig } from "../../../src/core/detect/compile-config.js";
import { defaultDetectorConfig } from "../../../src/core/detect/config.js";
import { flakyFacts } from "../../../src/core/detect/flaky-facts.js";
import { FLAKY_FEATURE_COUNT, FLAKY_FEATURE_SENTENCES, FLAKY_FEATURES, flakyFeatures } from "../../../src/core/detect/flaky-features.js";
import {
  compileFlakyModel,
  describeContributions,
  fixAllowed,
  modelVerdict,
  shippedFlakyModel,
  topContributions,
  type FlakyModel,
  type FlakyWeightsFile,
} from "../../../src/core/detect/flaky-model.js";
import weightsFile from "../../../src/core/detect/flaky-weights.json" with { type: "json" };
import { chooseCombination, fitLogistic, logLoss, type Tally } from "../../../bench/eval/train-flaky.js";

const c = compileConfig(defaultDetectorConfig);
function factsOf(input: ChangeInput) {
  const files = classifyFiles(input.files ?? [], c);
  return flakyFacts(input, files, shareKinds(files, defaultDetectorConfig), c);
}

/** A model that always says "flaky work" and "fix" (or "workaround"), whatever it reads. */
function forced(fix: boolean, combine: FlakyModel["combine"] = { fix: "model", quarantine: "model" }): FlakyModel {
  const zero = new Float64Array(FLAKY_FEATURE_COUNT);
  return { work: { bias: 20, w: zero }, fix: { bias: fix ? 20 : -20, w: zero }, combine, fixThreshold: 0.5 };
}

const PRODUCT_CLOCK = `@@ -10,4 +10,8 @@
-  const now = Date.now();
+  const now = this.clock.now();
+  if (now >= this.expiresAt) {
+    this.expire();
+  }`;
const TEST_CLOCK = `@@ -5,3 +5,5 @@
-  const s = new Session();
+  const clock = { now: () => 1000 };
+  const s = new Session(clock);`;
/** Fixed by the author in product code, with its test: the hand rules alone leave it open. */
const PRODUCT_FIX: ChangeInput = {
  title: "Fix flaky session expiry test",
  files: [
    { path: "src/session.ts", additions: 6, deletions: 2, patch: PRODUCT_CLOCK },
    { path: "test/session.test.ts", additions: 3, deletions: 1, patch: TEST_CLOCK },
  ],
};
const ONLY_TIMEOUT = `@@ -3,3 +3,3 @@
-  await waitForJob({ timeout: 2000 });
+  await waitForJob({ timeout: 8000 });`;
const ONLY_TIMEOUT_CHANGE: ChangeInput = { title: "Fix flaky job test", files: [{ path: "test/job.test.ts", additions: 1, deletions: 1, patch: ONLY_TIMEOUT }] };
const CLEANUP = `@@ -1,3 +1,6 @@
+afterEach(() => {
+  db.close();
+});
 test("saves", () => {`;

describe("flaky model weights", () => {
  it("ship one weight per feature for both decisions, in the features' order", () => {
    const file = weightsFile as FlakyWeightsFile;
    expect(file.features).toEqual([...FLAKY_FEATURES]);
    expect(Object.keys(file.work.weights).sort()).toEqual([...FLAKY_FEATURES].sort());
    expect(Object.keys(file.fix.weights).sort()).toEqual([...FLAKY_FEATURES].sort());
    expect(shippedFlakyModel.work.w).toHaveLength(FLAKY_FEATURE_COUNT);
    // The weights were learned: not all zero, and a flaky word in the title speaks for flaky work.
    expect(shippedFlakyModel.work.w[FLAKY_FEATURES.indexOf("titleFlaky")]!).toBeGreaterThan(0);
    expect(shippedFlakyModel.fix.w[FLAKY_FEATURES.indexOf("titleWorkaround")]!).toBeLessThan(0);
  });

  it("every feature has a sentence for explanations", () => {
    for (const f of FLAKY_FEATURES) expect(FLAKY_FEATURE_SENTENCES[f], f).toMatch(/\w/);
  });

  it("reject a weights file that does not fit", () => {
    const file = structuredClone(weightsFile) as FlakyWeightsFile;
    const missing = structuredClone(file);
    delete (missing.work.weights as Record<string, number>).titleFlaky;
    expect(() => compileFlakyModel(missing)).toThrow(/titleFlaky/);
    const nan = structuredClone(file);
    (nan.fix.weights as Record<string, number>).size = Number.NaN;
    expect(() => compileFlakyModel(nan)).toThrow(/size/);
    expect(() => compileFlakyModel({ ...file, combine: { ...file.combine, fix: "always" as never } })).toThrow(/combination/);
    expect(() => compileFlakyModel({ ...file, fixThreshold: 1.5 })).toThrow(/threshold/);
    expect(compileFlakyModel(file).fixThreshold).toBe(file.fixThreshold);
  });
});

describe("flaky model features", () => {
  it("are one value per feature, each in [0, 1]", () => {
    for (const input of [PRODUCT_FIX, ONLY_TIMEOUT_CHANGE, { title: "", files: [] }]) {
      const x = flakyFeatures(factsOf(input));
      expect(x).toHaveLength(FLAKY_FEATURE_COUNT);
      for (const v of x) expect(v >= 0 && v <= 1).toBe(true);
    }
  });

  it("name the fix family by family", () => {
    const x = flakyFeatures(factsOf({ title: "Deflake the save test", files: [{ path: "test/save.test.ts", additions: 3, deletions: 0, patch: CLEANUP }] }));
    expect(x[FLAKY_FEATURES.indexOf("family_cleanup")]).toBe(1);
    expect(x[FLAKY_FEATURES.indexOf("family_clock")]).toBe(0);
  });
});

describe("flaky model decisions", () => {
  it("tags a fix the hand rules leave open, and says why in words", () => {
    const facts = factsOf(PRODUCT_FIX);
    expect(facts.rulesFix).toBe(false);
    const r = classifyChange(PRODUCT_FIX).flakyFix;
    expect(r.is).toBe(true);
    expect(r.quarantine).toBe(false);
    const text = r.evidence.join("\n");
    expect(text).toContain("the learned model does");
    expect(text).toMatch(/Model: flaky-test work \d+% \(\+\d\.\d a flaky word in the title/);
    expect(text).toMatch(/removes the cause rather than hiding it \d+%/);
  });

  it("never makes a fix of a change without flaky words, label or fix family", () => {
    const input: ChangeInput = { title: "Add the export button", files: [{ path: "src/export.ts", additions: 2, deletions: 0, patch: "@@ -1,1 +1,3 @@\n+export const a = 1;\n+export const b = 2;" }] };
    const facts = factsOf(input);
    expect(fixAllowed(facts)).toBe(false);
    const v = modelVerdict(facts, flakyFeatures(facts), forced(true));
    expect(v.is).toBe(false);
    expect(v.decidedBy).toBe("hard rule");
  });

  it("never makes a fix of a fix family without flaky words or label", () => {
    const input: ChangeInput = { title: "Tidy the save test", files: [{ path: "test/save.test.ts", additions: 3, deletions: 0, patch: CLEANUP }] };
    const facts = factsOf(input);
    expect(facts.patterns.length).toBeGreaterThan(0);
    const v = modelVerdict(facts, flakyFeatures(facts), forced(true));
    expect(v.is).toBe(false);
    expect(v.decidedBy).toBe("hard rule");
  });

  it("never makes a fix of a diff that only works around", () => {
    const facts = factsOf(ONLY_TIMEOUT_CHANGE);
    expect(facts.onlyMitigates).toBe(true);
    for (const combine of [{ fix: "model", quarantine: "model" }, { fix: "rules-or-model", quarantine: "rules-or-model" }] as const) {
      const v = modelVerdict(facts, flakyFeatures(facts), forced(true, combine));
      expect(v.is).toBe(false);
    }
    const r = classifyChange(ONLY_TIMEOUT_CHANGE).flakyFix;
    expect(r.is).toBe(false);
    expect(r.quarantine).toBe(true);
  });

  it("never makes a fix of a title that names a workaround", () => {
    const input: ChangeInput = { title: "Skip the flaky save test for now", files: [{ path: "test/save.test.ts", additions: 3, deletions: 0, patch: CLEANUP }] };
    const facts = factsOf(input);
    const v = modelVerdict(facts, flakyFeatures(facts), forced(true));
    expect(v.is).toBe(false);
  });

  it("does not call flaky words alone a mitigation, whatever the model says", () => {
    const input: ChangeInput = { title: "Add a test for the flaky cart bug", files: [{ path: "test/cart.test.ts", additions: 2, deletions: 0, patch: "@@ -0,0 +1,2 @@\n+test('adds', () => {\n+});" }] };
    const facts = factsOf(input);
    const v = modelVerdict(facts, flakyFeatures(facts), forced(false));
    expect(v.quarantine).toBe(false);
    expect(v.is).toBe(false);
  });

  it("lists the strongest contributions first, in words", () => {
    const facts = factsOf(PRODUCT_FIX);
    const cs = topContributions(flakyFeatures(facts), shippedFlakyModel.work);
    expect(cs.length).toBeGreaterThan(0);
    for (let i = 1; i < cs.length; i++) expect(Math.abs(cs[i - 1]!.amount)).toBeGreaterThanOrEqual(Math.abs(cs[i]!.amount));
    expect(describeContributions(cs)).toMatch(/^[+−]\d\.\d /);
    expect(describeContributions([])).toBe("no feature weighs much");
  });
});

describe("flaky model on hostile input", () => {
  it("handles an empty change", () => {
    const r = classifyChange({ title: "", files: [] }).flakyFix;
    expect(r.is).toBe(false);
    expect(r.quarantine).toBe(false);
    expect(Number.isFinite(r.confidence)).toBe(true);
  });

  it("handles unicode and control characters", () => {
    const r = classifyChange({
      title: "修复 flaky テスト 🧪\u0000\u202e",
      body: "Ünïcödé \u{1F600} flaky\u0007",
      files: [{ path: "tests/テスト_spec.rb", additions: 3, deletions: 0, patch: "@@ -1,1 +1,4 @@\n+# ✓ 🧪\n+after do\n+  conn.close()\n+end" }],
    }).flakyFix;
    expect(typeof r.is).toBe("boolean");
    expect(r.evidence.every((e) => typeof e === "string")).toBe(true);
  });

  it("handles huge patches in test and product code in reasonable time", () => {
    const big = `@@ -1,1 +1,40000 @@\n${"+  const value = compute(1, 2, 3); // 0123456789 abcdefghij\n".repeat(40_000)}`;
    const start = Date.now();
    const r = classifyChange({
      title: "Fix flaky import test",
      files: [
        { path: "src/import.ts", additions: 40_000, deletions: 0, patch: big },
        { path: "test/import.test.ts", additions: 40_000, deletions: 0, patch: big.replace("@@ -1,1 ", "@@ -2,1 ") },
      ],
    }).flakyFix;
    expect(Date.now() - start).toBeLessThan(10_000);
    expect(typeof r.is).toBe("boolean");
  });
});

describe("flaky model training", () => {
  it("fits a logistic regression that separates a learnable signal, and L2 shrinks it", () => {
    const rows = Array.from({ length: 200 }, (_, i) => {
      const x = new Float64Array(FLAKY_FEATURE_COUNT);
      x[0] = i % 2;
      x[1] = (i * 7) % 3 === 0 ? 1 : 0; // noise
      // The label follows feature 0, with one in ten flipped.
      return { x, y: i % 10 === 0 ? 1 - (i % 2) : i % 2 };
    });
    const weak = fitLogistic(rows, 0.001);
    const strong = fitLogistic(rows, 1);
    expect(weak.w[0]!).toBeGreaterThan(1.5);
    expect(Math.abs(weak.w[1]!)).toBeLessThan(0.5);
    expect(strong.w[0]!).toBeLessThan(weak.w[0]!);
    expect(strong.w[0]!).toBeGreaterThan(0);
    expect(logLoss(weak, rows)).toBeLessThan(Math.log(2));
  });
});

describe("choosing the combination", () => {
  const t = (tp: number, fp: number, recorded = 10, falseQ = 0): Tally => ({
    tp,
    fp,
    fn: 100 - tp,
    mitigationsAsFixes: 0,
    mitigationsRecorded: recorded,
    falseQuarantines: falseQ,
    fixes: 100,
    mitigations: 20,
  });

  it("takes the best F1 among the ways precise enough, then the best mitigation record", () => {
    const tallies = new Map([
      ["rules / rules / 0.5", t(60, 5)],
      // Better F1, but precision 0.80 < 0.85: not eligible while a precise way exists.
      ["model / rules / 0.5", t(80, 20)],
      ["rules-or-model / rules / 0.6", t(70, 6, 10)],
      ["rules-or-model / rules-or-model / 0.6", t(70, 6, 16, 1)],
    ]);
    expect(chooseCombination(tallies)).toEqual({ fix: "rules-or-model", quarantine: "rules-or-model", threshold: 0.6 });
  });

  it("falls back to the most precise way when none reaches 0.85", () => {
    const tallies = new Map([
      ["rules / rules / 0.5", t(40, 20)],
      ["model / model / 0.4", t(50, 12)],
    ]);
    expect(chooseCombination(tallies)).toEqual({ fix: "model", quarantine: "model", threshold: 0.4 });
  });
});
