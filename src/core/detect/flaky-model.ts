/**
 * The flaky-test model: two logistic regressions over the features of flaky-features.ts.
 *
 *   (a) work — is this flaky-test work at all (a fix or a mitigation)?
 *   (b) fix  — given flaky-test work, does it remove the cause (rather than hide it)?
 *
 * The model calls a change a fix when p(work) · p(fix | work) reaches the shipped threshold, and a
 * mitigation when (a) says flaky work (p ≥ ½) and (b) says workaround (p < ½). Hard rules stay above the model: without a flaky word or label a
 * change is never a fix; a title naming a workaround or a diff that only works around is never a
 * fix; CI re-runs (which the labelled sets do not carry) are weighed by the hand rules.
 *
 * How the model's verdicts combine with the hand rules' (the `combine` entries of the weights) was
 * chosen by cross-validation on the tuning data, as were the weights and their L2 strength
 * (bench/eval/train-flaky.ts). The weights are data (flaky-weights.json).
 */
import type { FlakyFacts } from "./flaky-facts.js";
import { FLAKY_FEATURE_COUNT, FLAKY_FEATURE_SENTENCES, FLAKY_FEATURES } from "./flaky-features.js";
import weightsFile from "./flaky-weights.json" with { type: "json" };

export interface LogisticWeights {
  bias: number;
  weights: Record<string, number>;
}

/** How the model and the hand rules combine, for fixes and for mitigations. */
export type FixCombine = "rules" | "model" | "rules-or-model" | "rules-and-model";
export type QuarantineCombine = "rules" | "model" | "rules-or-model";

export interface FlakyWeightsFile {
  features: readonly string[];
  work: LogisticWeights;
  fix: LogisticWeights;
  combine: { fix: FixCombine; quarantine: QuarantineCombine };
  /** The model calls a change a fix when p(work) · p(fix | work) is at least this. */
  fixThreshold: number;
}

export interface CompiledLogistic {
  bias: number;
  w: Float64Array;
}

export interface FlakyModel {
  work: CompiledLogistic;
  fix: CompiledLogistic;
  combine: { fix: FixCombine; quarantine: QuarantineCombine };
  fixThreshold: number;
}

const FIX_MODES: readonly FixCombine[] = ["rules", "model", "rules-or-model", "rules-and-model"];
const QUARANTINE_MODES: readonly QuarantineCombine[] = ["rules", "model", "rules-or-model"];

function compileLogistic(name: string, l: LogisticWeights): CompiledLogistic {
  const w = new Float64Array(FLAKY_FEATURE_COUNT);
  for (let i = 0; i < FLAKY_FEATURE_COUNT; i++) {
    const v = l.weights?.[FLAKY_FEATURES[i]!];
    if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`flaky weights (${name}): missing or invalid weight for ${FLAKY_FEATURES[i]}`);
    w[i] = v;
  }
  if (typeof l.bias !== "number" || !Number.isFinite(l.bias)) throw new Error(`flaky weights (${name}): invalid bias`);
  return { bias: l.bias, w };
}

/** Compiles a weights file; throws when it does not fit the features or names an unknown mode. */
export function compileFlakyModel(file: FlakyWeightsFile): FlakyModel {
  if (!FIX_MODES.includes(file.combine?.fix)) throw new Error(`flaky weights: unknown fix combination ${String(file.combine?.fix)}`);
  if (!QUARANTINE_MODES.includes(file.combine?.quarantine)) throw new Error(`flaky weights: unknown quarantine combination ${String(file.combine?.quarantine)}`);
  const t = file.fixThreshold;
  if (typeof t !== "number" || !(t > 0 && t < 1)) throw new Error(`flaky weights: fix threshold ${String(t)} is not in (0, 1)`);
  return { work: compileLogistic("work", file.work), fix: compileLogistic("fix", file.fix), combine: { ...file.combine }, fixThreshold: t };
}

export const shippedFlakyModel: FlakyModel = compileFlakyModel(weightsFile as FlakyWeightsFile);

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

export function logitOf(x: Float64Array, m: CompiledLogistic): number {
  let z = m.bias;
  for (let i = 0; i < FLAKY_FEATURE_COUNT; i++) z += m.w[i]! * x[i]!;
  return z;
}

export interface FlakyContribution {
  feature: string;
  /** Weight × value: what the feature added to (or took from) the logit. */
  amount: number;
}

/** The features that moved a logit most, largest first. */
export function topContributions(x: Float64Array, m: CompiledLogistic, limit = 3): FlakyContribution[] {
  const out: FlakyContribution[] = [];
  for (let i = 0; i < FLAKY_FEATURE_COUNT; i++) {
    const amount = m.w[i]! * x[i]!;
    if (Math.abs(amount) >= 0.05) out.push({ feature: FLAKY_FEATURES[i]!, amount });
  }
  out.sort((a, b) => Math.abs(b.amount) - Math.abs(a.amount));
  return out.slice(0, limit);
}

/** "+1.4 a flaky word in the title; −0.9 the diff adds retries or reruns". */
export function describeContributions(cs: readonly FlakyContribution[]): string {
  if (cs.length === 0) return "no feature weighs much";
  return cs.map((c) => `${c.amount >= 0 ? "+" : "−"}${Math.abs(c.amount).toFixed(1)} ${FLAKY_FEATURE_SENTENCES[c.feature] ?? c.feature}`).join("; ");
}

export interface ModelVerdict {
  /** Probability that the change is flaky-test work (a fix or a mitigation). */
  pWork: number;
  /** Probability that flaky-test work removes the cause rather than hiding it. */
  pFix: number;
  /** The final verdicts, rules and model combined. */
  is: boolean;
  quarantine: boolean;
  /** What decided the fix verdict. */
  decidedBy: "rules" | "model" | "hard rule" | "ci";
  work: FlakyContribution[];
  fixContributions: FlakyContribution[];
}

/**
 * The hard rules: when they say no, no model can make the change a fix. Without words about
 * flakiness (or a flaky label) a fix family alone is ordinary test work — cross-validation found
 * no fix that needs it, and the backfill fetches diffs only for changes with such words.
 */
export function fixAllowed(f: FlakyFacts): boolean {
  return (f.context || f.label !== null) && !f.onlyMitigates;
}

/** The two decisions and their combination with the hand rules' verdicts. */
export function modelVerdict(f: FlakyFacts, x: Float64Array, m: FlakyModel = shippedFlakyModel): ModelVerdict {
  const pWork = sigmoid(logitOf(x, m.work));
  const pFix = sigmoid(logitOf(x, m.fix));
  const modelFix = pWork * pFix >= m.fixThreshold;
  const allowed = fixAllowed(f);
  let is: boolean;
  let decidedBy: ModelVerdict["decidedBy"];
  if (!allowed) {
    is = false;
    decidedBy = "hard rule";
  } else if (f.flips.flips > 0) {
    // CI re-runs are evidence the labelled commits do not carry: the hand rules weigh them.
    is = f.rulesFix;
    decidedBy = "ci";
  } else {
    const mode = m.combine.fix;
    is = mode === "rules" ? f.rulesFix : mode === "model" ? modelFix : mode === "rules-or-model" ? f.rulesFix || modelFix : f.rulesFix && modelFix;
    decidedBy = mode === "rules" || (mode === "rules-or-model" && f.rulesFix) ? "rules" : "model";
  }
  // A mitigation needs a workaround the diff shows or the words say, on flaky tests (or on tests or
  // CI, said in the title); the model weighs the rest. Flaky words alone never make one.
  const workaround = f.hits.length > 0 || f.mitigationSaid || f.bodyWorkaround || f.narrowsTest;
  const signs = workaround && (f.context || f.label !== null || f.titleAboutTestsOrCi);
  const modelQuarantine = signs && pWork >= 0.5 && pFix < 0.5;
  const qm = m.combine.quarantine;
  const quarantine = !is && (qm === "rules" ? f.rulesQuarantine : qm === "model" ? modelQuarantine : f.rulesQuarantine || modelQuarantine);
  return { pWork, pFix, is, quarantine, decidedBy, work: topContributions(x, m.work), fixContributions: topContributions(x, m.fix) };
}

/** The model's part of the evidence: both probabilities and what moved them, in words. */
export function modelEvidence(v: ModelVerdict): string {
  const pct = (p: number) => `${Math.round(p * 100)}%`;
  return (
    `Model: flaky-test work ${pct(v.pWork)} (${describeContributions(v.work)}); ` +
    `removes the cause rather than hiding it ${pct(v.pFix)} (${describeContributions(v.fixContributions)}).`
  );
}
