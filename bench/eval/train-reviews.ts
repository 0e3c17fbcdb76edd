/**
 * Re-derives the review-depth weights (src/core/detect/review-weights.json) from the
 * **tuning half** of the labelled review sets — the report half is never read here.
 *
 *   npm run build && node dist/bench/eval/train-reviews.js [--write] [--through-floors]
 *
 * Logistic regression over the features of review-features.ts, trained through the same
 * combination of units the scorer uses (review-model.ts `combine`), with an L2 penalty whose
 * strength is chosen by 5-fold cross-validation inside the tuning half (folds by pull request).
 * Without --write it prints the weights and figures only. Each λ's line also gives the
 * cross-validated AUC of the whole scorer (sizes, floors, levels and bands included) with the
 * fold's weights, with outcome signals and from the text alone: the figure the report half reads.
 * --through-floors trains through the floor review-model.ts sets under some logits (a body
 * reporting measured figures of a verification) rather than on the bare logits.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { FEATURE_COUNT, FEATURES, OUTCOME_FEATURES } from "../../src/core/detect/review-features.js";
import { verificationIn } from "../../src/core/detect/categorize-comment.js";
import {
  REPLY_LOGIT,
  reviewUnits,
  sigmoid,
  unitFloor,
  type ModelUnit,
} from "../../src/core/detect/review-model.js";
import { scoreReview } from "../../src/core/detect/score-review.js";
import { defaultDetectorConfig } from "../../src/core/detect/config.js";
import { fmt3, rocAuc, unitHash } from "./metrics.js";
import { loadReviewSets, repoRoot, REVIEW_SETS, textOnly, type LabelledReview } from "./review-sets.js";
import { reviewHalves } from "./reviews-eval.js";

export interface Example {
  units: Float64Array[];
  /** Per unit, what the scorer adds to the learned logit whatever the weights (a reply in someone else's thread). */
  offsets: number[];
  /** Per unit, the floor the scorer sets under its logit (a body reporting verified figures), or -Infinity. */
  floors: number[];
  y: number;
  source: string;
  item: LabelledReview;
}

export interface Model {
  bias: number;
  w: Float64Array;
}

/**
 * The units of an item as the scorer reads them, with the fixed offsets review-model.ts
 * `reviewSubstance` applies and, when `throughFloors`, its floors.
 */
function exampleOf(it: LabelledReview, outcome: boolean, throughFloors: boolean): Example {
  const input = outcome ? it.input : textOnly(it.input);
  const comments = input.comments ?? [];
  const units: ModelUnit[] = reviewUnits(comments, input.body ?? "", (input.state ?? "COMMENTED").toUpperCase());
  const verified = verificationIn(input.body ?? "");
  const offsets: number[] = [];
  const floors: number[] = [];
  for (const u of units) {
    const c = u.index >= 0 ? comments[u.index] : undefined;
    offsets.push(c?.isReply === true ? REPLY_LOGIT : 0);
    floors.push(throughFloors ? unitFloor(u, verified) : -Infinity);
  }
  return { units: units.map((u) => u.x), offsets, floors, y: it.label === "substantive" ? 1 : 0, source: it.source, item: it };
}

export function examplesOf(items: readonly LabelledReview[], outcome = true, throughFloors = false): Example[] {
  return items.map((it) => exampleOf(it, outcome, throughFloors));
}

function logit(m: Model, x: Float64Array): number {
  let z = m.bias;
  for (let i = 0; i < FEATURE_COUNT; i++) z += m.w[i]! * x[i]!;
  return z;
}

/** The review's probability and, per unit, dp/dz (the scorer's combine(), differentiated; 0 where a floor holds). */
function forward(m: Model, ex: Example): { p: number; dpdz: number[] } {
  const floored: boolean[] = [];
  const s = ex.units.map((x, u) => {
    const z = logit(m, x) + ex.offsets[u]!;
    floored.push(z < ex.floors[u]!);
    return sigmoid(Math.max(z, ex.floors[u]!));
  });
  let none = 1;
  let best = -1;
  for (let i = 0; i < s.length; i++) {
    if (s[i]! >= 0.5) none *= 1 - s[i]!;
    else if (best < 0 || s[i]! > s[best]!) best = i;
  }
  const anyFinding = s.some((si) => si >= 0.5);
  if (anyFinding) return { p: 1 - none, dpdz: s.map((si, i) => (si >= 0.5 && !floored[i] ? none * si : 0)) };
  const b = best >= 0 ? s[best]! : 0;
  return { p: b, dpdz: s.map((si, i) => (i === best && !floored[i] ? si * (1 - si) : 0)) };
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

export interface CrossValidation {
  /** Mean AUC of the model's combined probability on the held-out folds. */
  auc: number;
  /** Mean AUC of the whole scorer's 0–100 score (size, floors, levels and bands included), with outcome signals and from the text alone. */
  scorerWithOutcome: number;
  scorerTextOnly: number;
}

/** Mean AUCs over k folds (by pull request) of the given examples, for one λ. */
export function crossValidate(examples: readonly Example[], lambda: number, k = 5): CrossValidation {
  const sum = { auc: 0, scorerWithOutcome: 0, scorerTextOnly: 0 };
  for (let f = 0; f < k; f++) {
    const inFold = (ex: Example) => Math.floor(unitHash(`fold|${ex.source}`) * k) === f;
    const train = examples.filter((ex) => !inFold(ex));
    const test = examples.filter(inFold);
    const m = fit(train, lambda, 800);
    sum.auc += aucOf(m, test);
    const scores = (outcome: boolean) => {
      const pos: number[] = [];
      const neg: number[] = [];
      for (const ex of test) (ex.y === 1 ? pos : neg).push(scoreReview(outcome ? ex.item.input : textOnly(ex.item.input), defaultDetectorConfig, m).score);
      return rocAuc(pos, neg);
    };
    sum.scorerWithOutcome += scores(true);
    sum.scorerTextOnly += scores(false);
  }
  return { auc: sum.auc / k, scorerWithOutcome: sum.scorerWithOutcome / k, scorerTextOnly: sum.scorerTextOnly / k };
}

function main(): void {
  const write = process.argv.includes("--write");
  const items = loadReviewSets(REVIEW_SETS);
  const halves = reviewHalves(items);
  const tuning = items.filter((it) => halves.get(it) === "tuning");
  const examples = examplesOf(tuning, true, process.argv.includes("--through-floors"));
  let best = { lambda: LAMBDAS[0]!, auc: -1 };
  for (const lambda of LAMBDAS) {
    const cv = crossValidate(examples, lambda);
    process.stdout.write(
      `λ=${lambda}: 5-fold AUC inside the tuning half ${fmt3(cv.auc)} (whole scorer: with outcome ${fmt3(cv.scorerWithOutcome)}, text only ${fmt3(cv.scorerTextOnly)})\n`,
    );
    if (cv.auc > best.auc + 1e-9) best = { lambda, auc: cv.auc };
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
