/**
 * Re-derives the review-depth weights (src/core/detect/review-weights.json) from the
 * **tuning half** of the labelled review sets — the report half is never read here.
 *
 *   npm run build && node dist/bench/eval/train-reviews.js [--write]
 *
 * Logistic regression over the features of review-features.ts, trained through the same
 * combination of units the scorer uses (review-model.ts `combine`), with an L2 penalty whose
 * strength is chosen by 5-fold cross-validation inside the tuning half (folds by pull request).
 * Without --write it prints the weights and figures only.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { FEATURE_COUNT, FEATURES, OUTCOME_FEATURES } from "../../src/core/detect/review-features.js";
import { reviewUnits, sigmoid, type ModelUnit } from "../../src/core/detect/review-model.js";
import { fmt3, rocAuc, unitHash } from "./metrics.js";
import { loadReviewSets, repoRoot, REVIEW_SETS, textOnly, type LabelledReview } from "./review-sets.js";
import { reviewHalves } from "./reviews-eval.js";

export interface Example {
  units: Float64Array[];
  y: number;
  source: string;
}

export interface Model {
  bias: number;
  w: Float64Array;
}

function unitsOfItem(it: LabelledReview, outcome: boolean): ModelUnit[] {
  const input = outcome ? it.input : textOnly(it.input);
  return reviewUnits(input.comments ?? [], input.body ?? "", (input.state ?? "COMMENTED").toUpperCase());
}

export function examplesOf(items: readonly LabelledReview[], outcome = true): Example[] {
  return items.map((it) => ({ units: unitsOfItem(it, outcome).map((u) => u.x), y: it.label === "substantive" ? 1 : 0, source: it.source }));
}

function logit(m: Model, x: Float64Array): number {
  let z = m.bias;
  for (let i = 0; i < FEATURE_COUNT; i++) z += m.w[i]! * x[i]!;
  return z;
}

/** The review's probability and, per unit, dp/dz (the scorer's combine(), differentiated). */
function forward(m: Model, ex: Example): { p: number; dpdz: number[] } {
  const s = ex.units.map((x) => sigmoid(logit(m, x)));
  let none = 1;
  let best = -1;
  for (let i = 0; i < s.length; i++) {
    if (s[i]! >= 0.5) none *= 1 - s[i]!;
    else if (best < 0 || s[i]! > s[best]!) best = i;
  }
  const anyFinding = s.some((si) => si >= 0.5);
  if (anyFinding) return { p: 1 - none, dpdz: s.map((si) => (si >= 0.5 ? none * si : 0)) };
  const b = best >= 0 ? s[best]! : 0;
  return { p: b, dpdz: s.map((si, i) => (i === best ? si * (1 - si) : 0)) };
}

/** Full-batch Adam on the mean log loss + λ/2·‖w‖² (the bias is not penalised). */
export function fit(examples: readonly Example[], lambda: number, iterations = 1500): Model {
  const m: Model = { bias: 0, w: new Float64Array(FEATURE_COUNT) };
  const n = FEATURE_COUNT + 1;
  const mom = new Float64Array(n);
  const vel = new Float64Array(n);
  const lr = 0.05;
  for (let t = 1; t <= iterations; t++) {
    const g = new Float64Array(n);
    for (const ex of examples) {
      if (ex.units.length === 0) continue;
      const { p, dpdz } = forward(m, ex);
      const pc = Math.min(1 - 1e-9, Math.max(1e-9, p));
      const dLdp = -ex.y / pc + (1 - ex.y) / (1 - pc);
      for (let u = 0; u < ex.units.length; u++) {
        const d = dLdp * dpdz[u]!;
        if (d === 0) continue;
        const x = ex.units[u]!;
        g[0]! += d;
        for (let i = 0; i < FEATURE_COUNT; i++) g[i + 1]! += d * x[i]!;
      }
    }
    for (let i = 0; i < n; i++) g[i] = g[i]! / examples.length + (i > 0 ? lambda * m.w[i - 1]! : 0);
    for (let i = 0; i < n; i++) {
      mom[i] = 0.9 * mom[i]! + 0.1 * g[i]!;
      vel[i] = 0.999 * vel[i]! + 0.001 * g[i]! * g[i]!;
      const step = (lr * (mom[i]! / (1 - 0.9 ** t))) / (Math.sqrt(vel[i]! / (1 - 0.999 ** t)) + 1e-8);
      if (i === 0) m.bias -= step;
      else m.w[i - 1] = m.w[i - 1]! - step;
    }
  }
  // Outcome features only amplify content: a negative weight on "led to a change" would be noise.
  for (let i = 0; i < FEATURE_COUNT; i++) if (OUTCOME_FEATURES.has(FEATURES[i]!) && FEATURES[i] !== "declined" && m.w[i]! < 0) m.w[i] = 0;
  return m;
}

export function aucOf(m: Model, examples: readonly Example[]): number {
  const pos: number[] = [];
  const neg: number[] = [];
  for (const ex of examples) (ex.y === 1 ? pos : neg).push(ex.units.length === 0 ? 0 : forward(m, ex).p);
  return rocAuc(pos, neg);
}

export const LAMBDAS = [0.003, 0.01, 0.03, 0.1, 0.3];

/** Mean AUC over k folds (by pull request) of the given examples, for one λ. */
export function crossValidate(examples: readonly Example[], lambda: number, k = 5): number {
  let sum = 0;
  for (let f = 0; f < k; f++) {
    const inFold = (ex: Example) => Math.floor(unitHash(`fold|${ex.source}`) * k) === f;
    const train = examples.filter((ex) => !inFold(ex));
    const test = examples.filter(inFold);
    sum += aucOf(fit(train, lambda, 800), test);
  }
  return sum / k;
}

function main(): void {
  const write = process.argv.includes("--write");
  const items = loadReviewSets(REVIEW_SETS);
  const halves = reviewHalves(items);
  const tuning = items.filter((it) => halves.get(it) === "tuning");
  const examples = examplesOf(tuning);
  let best = { lambda: LAMBDAS[0]!, auc: -1 };
  for (const lambda of LAMBDAS) {
    const auc = crossValidate(examples, lambda);
    process.stdout.write(`λ=${lambda}: 5-fold AUC inside the tuning half ${fmt3(auc)}\n`);
    if (auc > best.auc + 1e-9) best = { lambda, auc };
  }
  const m = fit(examples, best.lambda);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const weights: Record<string, number> = {};
  FEATURES.forEach((name, i) => (weights[name] = round(m.w[i]!)));
  process.stdout.write(`chosen λ=${best.lambda}; tuning-half AUC of the fit ${fmt3(aucOf(m, examples))} (text only ${fmt3(aucOf(m, examplesOf(tuning, false)))})\n`);
  for (const name of FEATURES) process.stdout.write(`  ${name.padEnd(16)} ${weights[name]!.toFixed(3)}\n`);
  process.stdout.write(`  ${"bias".padEnd(16)} ${round(m.bias).toFixed(3)}\n`);
  if (write) {
    const file = path.join(repoRoot(), "src/core/detect/review-weights.json");
    const data = {
      about: "Logistic-regression weights of the review-depth model (src/core/detect/review-model.ts). Re-derive with: npm run build && node dist/bench/eval/train-reviews.js --write",
      trainedOn: { half: "tuning", items: tuning.length, substantive: examples.filter((e) => e.y === 1).length, sets: [...REVIEW_SETS] },
      lambda: best.lambda,
      crossValidatedAuc: round(best.auc),
      features: [...FEATURES],
      bias: round(m.bias),
      weights,
    };
    writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
    process.stdout.write(`wrote ${path.relative(repoRoot(), file)}\n`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
