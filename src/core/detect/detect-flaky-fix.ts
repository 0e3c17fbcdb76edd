/**
 * Flaky-test fixes, precision first. Keyword search alone is right about 43 %
 * of the time (Luo et al., FSE 2014), so a change is a fix only when it says
 * so (a keyword in the title, body, commits, or a linked issue labelled flaky)
 * AND shows it: a fix pattern in test code (sleep → wait/poll, fixed seed,
 * frozen clock, ephemeral port, cleanup, deterministic order, synchronisation)
 * or CI history (the same check failing then passing on the same commit
 * before the change).
 *
 * Skipping or quarantining a test, or adding retries, is not a fix: it is
 * reported separately as a quarantine (a trap — the flakiness remains).
 *
 * The signals and the hand rules' verdicts are gathered in flaky-facts.ts; a learned model
 * (flaky-model.ts) decides the cases the rules leave open, under the same hard rules, and the
 * evidence says what moved it.
 */
import type { ChangeClassification, ChangeInput, ClassifiedFile } from "./classify-change.js";
import { measureOutcome, type CiOutcome } from "./ci-history.js";
import type { CompiledConfig } from "./compile-config.js";
import { plural, quote } from "./text.js";
import type { MitigationHit } from "./flaky-signals.js";
import { QUARANTINE_FILE, TEST_RUNNER_CONFIG, clamp, findFlakyLabel, findKeyword, flakyFacts } from "./flaky-facts.js";
import { flakyFeatures } from "./flaky-features.js";
import { modelEvidence, modelVerdict, shippedFlakyModel } from "./flaky-model.js";

export interface FlakyFixResult {
  /** True when the change fixes a flaky test (not just hides it). */
  is: boolean;
  /** How sure the detector is that the change is a flaky-test fix (0–1). */
  confidence: number;
  /** Plain sentences: what was found, and why it does or does not count. */
  evidence: string[];
  /** True when the change skips/quarantines a flaky test or adds retries. */
  quarantine: boolean;
  /** How sure the detector is that the change is a flaky-test quarantine (0–1). */
  quarantineConfidence: number;
  /** Fix patterns found in test code. */
  patterns: string[];
  /** The CI check that flipped most before the change, if any. */
  check: string | null;
  /** Commits on which that check failed then passed, in the window before the change. */
  ciFlips: number;
  /** Failure/rerun rate of the check before vs after the merge; null when no check is known. */
  outcome: CiOutcome | null;
}

export function detectFlakyFix(
  input: ChangeInput,
  files: readonly ClassifiedFile[],
  shares: Omit<ChangeClassification, "flakyFix">,
  c: CompiledConfig,
): FlakyFixResult {
  const cfg = c.config;
  const evidence: string[] = [];
  const facts = flakyFacts(input, files, shares, c);
  const { keyword, label, messageTiesTests, testFiles, testOnly, testLines, patterns, patternFiles, fixSaid, fixSaidInProduct, fixVerb, saysMitigation, mitigationSaid, flips, hits, context } = facts;
  // The hand rules and the learned model (flaky-model.ts), combined as the shipped weights say.
  const verdict = modelVerdict(facts, flakyFeatures(facts));
  const { is, quarantine } = verdict;
  const pModelFix = verdict.pWork * verdict.pFix;
  const confidence = clamp(is && !facts.rulesFix ? Math.max(facts.confidence, pModelFix) : !is && facts.rulesFix ? Math.min(facts.confidence, pModelFix) : facts.confidence);
  const quarantineConfidence = quarantine ? Math.max(facts.quarantineScore, facts.rulesQuarantine ? 0 : verdict.pWork * (1 - verdict.pFix)) : 0;
  const ci = input.ci ?? null;

  // Evidence, in the order a reader needs it.
  if (keyword) evidence.push(`The ${keyword.where} mentions “${keyword.word}”.`);
  if (label) evidence.push(label);
  if (messageTiesTests) evidence.push("The description or a commit message names a flaky test: the race in the title is its cause.");
  if (testFiles > 0) {
    evidence.push(testOnly ? `Touches only test code (${plural(testFiles, "file")}, ${plural(testLines, "line")}).` : `Touches test code (${plural(testFiles, "file")}, ${plural(testLines, "line")}).`);
  }
  for (const p of patterns) evidence.push(`In test code it ${p} (${patternFiles.slice(0, 3).join(", ")}).`);
  if (fixSaid) evidence.push(`The title says it fixes the flakiness (“${fixVerb![0]}”), and the change edits test code without skipping, retrying or retuning anything.`);
  if (fixSaidInProduct) evidence.push(`The title says it fixes a flaky test (“${fixVerb![0]}”) at its cause in product code, without skipping, retrying or retuning anything.`);
  if (saysMitigation && mitigationSaid) evidence.push(`The title describes a workaround (“${saysMitigation[0]}”).`);
  if (flips.check) {
    evidence.push(
      `“${flips.check}” failed and then passed on the same commit ${flips.flips === 1 ? "once" : `${flips.flips} times`} in the ${cfg.windows.ciDaysBefore} days before the change, counting pull-request branches (re-runs hiding a flaky failure).`,
    );
  }
  if (hits.length > 0) {
    const first = hits.slice(0, 3).map((h) => quote(`${h.note} in ${h.path}`, 90)).join("; ");
    const what = [...new Set(hits.map((h) => MITIGATION_NAMES[h.kind]))].join(", ");
    if (is) evidence.push(`Also ${what} (${first}): that part hides flakiness rather than fixing it.`);
    else if (quarantine) evidence.push(`It ${what} instead of fixing (${first}): the flakiness is hidden, not removed — a trap until someone fixes the test.`);
    else evidence.push(`It ${what} (${first}) with no sign it was flaky: not counted as flaky-test work.`);
  } else if (quarantine) {
    evidence.push("The flakiness is worked around, not removed — a trap until someone fixes the test.");
  }
  if (context && !is && !quarantine) {
    if (patterns.length === 0 && flips.flips === 0) {
      const productFiles = files.filter((f) => f.kind === "other").map((f) => f.path);
      evidence.push(
        productFiles.length > 0 && testFiles === 0
          ? `Not a flaky-test fix: the word appears, but the change touches product code only (${productFiles.slice(0, 3).join(", ")}), with no test fix pattern and no CI re-runs.`
          : "Not a flaky-test fix: no fix pattern in test code and no CI re-runs before the change back up the words.",
      );
    } else {
      evidence.push(
        `Not enough evidence for a flaky-test fix (rules ${Math.round(facts.confidence * 100)}% < ${Math.round(cfg.thresholds.flakyMinConfidence * 100)}%, model ${Math.round(pModelFix * 100)}% < ${Math.round(shippedFlakyModel.fixThreshold * 100)}%).`,
      );
    }
  }
  if (is && !facts.rulesFix && verdict.decidedBy === "model") evidence.push(`The hand rules alone would not call it a fix; the learned model does (${Math.round(pModelFix * 100)}%).`);
  if (!is && facts.rulesFix && verdict.decidedBy === "model") evidence.push(`The hand rules would call it a fix; the learned model does not (${Math.round(pModelFix * 100)}%).`);
  if (quarantine && !facts.rulesQuarantine) evidence.push("The learned model reads it as flaky-test work that hides the failure rather than removing its cause.");
  // The model's reasons, whenever the change shows any sign of flaky-test work.
  if (context || patterns.length > 0 || hits.length > 0 || mitigationSaid) evidence.push(modelEvidence(verdict));

  let outcome: CiOutcome | null = null;
  if (is) {
    if (flips.check && ci) {
      outcome = measureOutcome(ci.runs, flips.check, ci.mergedAt ?? null, ci.defaultBranch ?? null, cfg.windows.ciDaysBefore, cfg.windows.ciDaysAfter, cfg.thresholds.ciMinRunsAfter);
      evidence.push(outcome.sentence);
    } else {
      evidence.push("Outcome not measurable yet: no CI check is known to have flipped before the fix, so there is no failure rate to follow.");
    }
  }

  return {
    is,
    confidence: Math.round(confidence * 100) / 100,
    evidence,
    quarantine,
    quarantineConfidence: Math.round(quarantineConfidence * 100) / 100,
    patterns,
    check: flips.check,
    ciFlips: flips.flips,
    outcome,
  };
}

const MITIGATION_NAMES: Record<MitigationHit["kind"], string> = {
  skip: "skips or quarantines a test",
  retry: "retries or reruns",
  timeout: "sets a longer timeout",
  retune: "retunes a timing or load number",
  sleep: "adds a fixed sleep",
  assertion: "comments out an assertion",
  loosen: "loosens an exact check into a bound",
};

/**
 * Why a change could be a flaky-test fix at all (a keyword or a label), or null. Without it no
 * diff can make it one, so collectors that pay for each diff (the backfill) ask this first.
 */
export function flakyFixContext(input: ChangeInput, c: CompiledConfig): string | null {
  const keyword = findKeyword(input, c);
  if (keyword) return `the ${keyword.where} mentions “${keyword.word}”`;
  return findFlakyLabel(input);
}

/** True when this file's diff could show a fix pattern, a skip, a retry or a quarantine entry. */
export function patchCanShowFlakyFix(file: Pick<ClassifiedFile, "path" | "kind">): boolean {
  return file.kind === "test" || file.kind === "ci-config" || TEST_RUNNER_CONFIG.test(file.path) || QUARANTINE_FILE.test(file.path);
}
