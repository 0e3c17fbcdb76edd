/**
 * Re-derives the flaky-test model (src/core/detect/flaky-weights.json) from the **tuning data**
 * of the commit sets — the tuning halves and the tuning-only sets; the report halves are never read.
 *
 *   npm run build && EVAL_MIRRORS=/work/.mirror node dist/bench/eval/train-flaky.js [--write]
 *
 * Two L2-penalised logistic regressions over the features of flaky-features.ts (fitted by Newton's
 * method): (a) flaky-test work or not, on every tuning commit; (b) fix or mitigation, on the
 * flaky-test work only. Each L2 strength is chosen by repeated 5-fold cross-validation (log loss)
 * inside the tuning data, folds by commit. With those strengths, the out-of-fold probabilities
 * score each way of combining the model with the hand rules, and the best by cross-validated F1
 * (precision at least 0.85 when any way reaches it) is shipped. Without --write it only prints.
 *
 * The hand rules were written while reading the tuning data, so their figures here are not
 * out-of-fold: they flatter the rules against the model.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { changeInputOfLine } from "../../src/cli/classify.js";
import { classifyFiles, shareKinds } from "../../src/core/detect/classify-change.js";
import { compileConfig } from "../../src/core/detect/compile-config.js";
import { defaultDetectorConfig } from "../../src/core/detect/config.js";
import { flakyFacts, type FlakyFacts } from "../../src/core/detect/flaky-facts.js";
import { FLAKY_FEATURE_COUNT, FLAKY_FEATURES, flakyFeatures } from "../../src/core/detect/flaky-features.js";
import { modelVerdict, type CompiledLogistic, type FixCombine, type FlakyModel, type QuarantineCombine } from "../../src/core/detect/flaky-model.js";
import { COMMIT_SETS, EVAL_DIR, REPO_ROOT, changesFor, classOf, parseLabels, splitHalves, type EvalItem, type LabelClass } from "./commit-sets.js";
import { unitHash } from "./metrics.js";

export interface TrainingItem {
  id: string;
  cls: LabelClass;
  facts: FlakyFacts;
  x: Float64Array;
}

/** Every tuning commit (tuning halves of the split sets, all of the tuning-only sets), with its facts. */
export function tuningItems(): TrainingItem[] {
  const c = compileConfig(defaultDetectorConfig);
  const out: TrainingItem[] = [];
  for (const s of COMMIT_SETS) {
    const path = join(EVAL_DIR, s.file);
    const labels = parseLabels(readFileSync(path, "utf8"), path);
    const src = changesFor(path, labels);
    if (src.changes === null) throw new Error(`${s.name}: no mirror of ${src.missing.join(", ")} (set EVAL_MIRRORS)`);
    const items: EvalItem[] = labels.map((label, i) => ({ set: s.name, label, change: src.changes[i]! }));
    const tuning = s.tuningOnly ? items : splitHalves(items).tuning;
    for (const it of tuning) {
      const input = changeInputOfLine(it.change);
      const files = classifyFiles(input.files ?? [], c);
      const facts = flakyFacts(input, files, shareKinds(files, defaultDetectorConfig), c);
      out.push({ id: `${it.label.repo}@${it.label.sha}`, cls: classOf(it.label), facts, x: flakyFeatures(facts) });
    }
  }
  return out;
}

export interface Row {
  x: Float64Array;
  y: number;
}

/**
 * L2-penalised logistic regression by Newton's method: minimises the mean log loss plus
 * λ/2·‖w‖² (the bias is not penalised). Deterministic; converges in a few steps.
 */
export function fitLogistic(rows: readonly Row[], lambda: number, iterations = 30): CompiledLogistic {
  const d = FLAKY_FEATURE_COUNT + 1; // index 0 is the bias
  const beta = new Float64Array(d);
  const n = Math.max(1, rows.length);
  for (let it = 0; it < iterations; it++) {
    const g = new Float64Array(d);
    const h = Array.from({ length: d }, () => new Float64Array(d));
    for (const r of rows) {
      let z = beta[0]!;
      for (let i = 0; i < FLAKY_FEATURE_COUNT; i++) z += beta[i + 1]! * r.x[i]!;
      const p = 1 / (1 + Math.exp(-z));
      const wgt = p * (1 - p);
      const err = p - r.y;
      for (let i = 0; i < d; i++) {
        const xi = i === 0 ? 1 : r.x[i - 1]!;
        if (xi === 0) continue;
        g[i]! += err * xi;
        for (let j = 0; j < d; j++) {
          const xj = j === 0 ? 1 : r.x[j - 1]!;
          if (xj !== 0) h[i]![j]! += wgt * xi * xj;
        }
      }
    }
    for (let i = 0; i < d; i++) {
      g[i] = g[i]! / n + (i > 0 ? lambda * beta[i]! : 0);
      for (let j = 0; j < d; j++) h[i]![j] = h[i]![j]! / n + (i === j ? (i > 0 ? lambda : 1e-6) : 0);
    }
    const step = solve(h, g);
    let size = 0;
    for (let i = 0; i < d; i++) {
      beta[i] = beta[i]! - step[i]!;
      size = Math.max(size, Math.abs(step[i]!));
    }
    if (size < 1e-7) break;
  }
  return { bias: beta[0]!, w: beta.slice(1) };
}

/** Solves A·x = b by Gaussian elimination with partial pivoting (A is small and positive definite). */
function solve(a: Float64Array[], b: Float64Array): Float64Array {
  const n = b.length;
  const m = a.map((row, i) => {
    const r = new Float64Array(n + 1);
    r.set(row);
    r[n] = b[i]!;
    return r;
  });
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[piv]![col]!)) piv = r;
    [m[col], m[piv]] = [m[piv]!, m[col]!];
    const p = m[col]![col]!;
    if (Math.abs(p) < 1e-12) continue;
    for (let r = col + 1; r < n; r++) {
      const f = m[r]![col]! / p;
      if (f === 0) continue;
      for (let k = col; k <= n; k++) m[r]![k] = m[r]![k]! - f * m[col]![k]!;
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= m[r]![k]! * x[k]!;
    const p = m[r]![r]!;
    x[r] = Math.abs(p) < 1e-12 ? 0 : s / p;
  }
  return x;
}

/** Mean log loss of a fitted model on rows. */
export function logLoss(m: CompiledLogistic, rows: readonly Row[]): number {
  let sum = 0;
  for (const r of rows) {
    let z = m.bias;
    for (let i = 0; i < FLAKY_FEATURE_COUNT; i++) z += m.w[i]! * r.x[i]!;
    const p = Math.min(1 - 1e-9, Math.max(1e-9, 1 / (1 + Math.exp(-z))));
    sum -= r.y * Math.log(p) + (1 - r.y) * Math.log(1 - p);
  }
  return sum / Math.max(1, rows.length);
}

export const LAMBDAS = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1];
const FOLDS = 5;
const REPEATS = 4;

const workRows = (xs: readonly TrainingItem[]): Row[] => xs.map((t) => ({ x: t.x, y: t.cls === "neither" ? 0 : 1 }));
const fixRows = (xs: readonly TrainingItem[]): Row[] => xs.filter((t) => t.cls !== "neither").map((t) => ({ x: t.x, y: t.cls === "fix" ? 1 : 0 }));

function foldOf(t: TrainingItem, repeat: number): number {
  return Math.floor(unitHash(`flaky-fold|${repeat}|${t.id}`) * FOLDS);
}

/** Mean out-of-fold log loss of one decision for one λ, over the repeats. */
function cvLoss(items: readonly TrainingItem[], rows: (xs: readonly TrainingItem[]) => Row[], lambda: number): number {
  let sum = 0;
  let n = 0;
  for (let r = 0; r < REPEATS; r++) {
    for (let f = 0; f < FOLDS; f++) {
      const test = rows(items.filter((t) => foldOf(t, r) === f));
      if (test.length === 0) continue;
      const m = fitLogistic(rows(items.filter((t) => foldOf(t, r) !== f)), lambda);
      sum += logLoss(m, test) * test.length;
      n += test.length;
    }
  }
  return sum / n;
}

export interface Tally {
  tp: number;
  fp: number;
  fn: number;
  mitigationsAsFixes: number;
  mitigationsRecorded: number;
  falseQuarantines: number;
  fixes: number;
  mitigations: number;
}

function tally(items: readonly TrainingItem[], verdict: (t: TrainingItem) => { is: boolean; quarantine: boolean }): Tally {
  const c: Tally = { tp: 0, fp: 0, fn: 0, mitigationsAsFixes: 0, mitigationsRecorded: 0, falseQuarantines: 0, fixes: 0, mitigations: 0 };
  for (const t of items) {
    const v = verdict(t);
    if (t.cls === "fix") c.fixes++;
    if (t.cls === "mitigation") c.mitigations++;
    if (v.is && t.cls === "fix") c.tp++;
    if (v.is && t.cls !== "fix") c.fp++;
    if (!v.is && t.cls === "fix") c.fn++;
    if (v.is && t.cls === "mitigation") c.mitigationsAsFixes++;
    if (!v.is && v.quarantine && t.cls === "mitigation") c.mitigationsRecorded++;
    if (v.quarantine && t.cls === "neither") c.falseQuarantines++;
  }
  return c;
}

const precision = (c: Tally) => (c.tp + c.fp === 0 ? 0 : c.tp / (c.tp + c.fp));
const recall = (c: Tally) => (c.fixes === 0 ? 0 : c.tp / c.fixes);
const f1 = (c: Tally) => (c.tp === 0 ? 0 : (2 * precision(c) * recall(c)) / (precision(c) + recall(c)));
/** F1 of "recorded as a mitigation" against the mitigation labels. */
function quarantineF1(c: Tally): number {
  const tagged = c.mitigationsRecorded + c.falseQuarantines; // quarantines on fixes are not counted: a fix wins there
  if (c.mitigationsRecorded === 0) return 0;
  const p = c.mitigationsRecorded / tagged;
  const r = c.mitigationsRecorded / c.mitigations;
  return (2 * p * r) / (p + r);
}

export function formatTally(name: string, c: Tally): string {
  return (
    `${name.padEnd(34)} precision ${precision(c).toFixed(3)} (${c.tp}/${c.tp + c.fp})  recall ${recall(c).toFixed(3)} (${c.tp}/${c.fixes})  F1 ${f1(c).toFixed(3)}  ` +
    `mitigations tagged a fix ${c.mitigationsAsFixes}  recorded ${(c.mitigationsRecorded / Math.max(1, c.mitigations)).toFixed(3)} (${c.mitigationsRecorded}/${c.mitigations})  quarantine on neither ${c.falseQuarantines}`
  );
}

function sumTallies(ts: readonly Tally[]): Tally {
  const out: Tally = { tp: 0, fp: 0, fn: 0, mitigationsAsFixes: 0, mitigationsRecorded: 0, falseQuarantines: 0, fixes: 0, mitigations: 0 };
  for (const t of ts) for (const k of Object.keys(out) as (keyof Tally)[]) out[k] += t[k];
  return out;
}

const FIX_MODES: readonly FixCombine[] = ["rules", "model", "rules-or-model", "rules-and-model"];
const QUARANTINE_MODES: readonly QuarantineCombine[] = ["rules", "model", "rules-or-model"];

/** Out-of-fold tallies of every combination, summed over the repeats. */
export const THRESHOLDS = [0.3, 0.4, 0.5, 0.6, 0.7];

export function crossValidateCombinations(items: readonly TrainingItem[], lambdaWork: number, lambdaFix: number): Map<string, Tally> {
  const parts = new Map<string, Tally[]>();
  for (let r = 0; r < REPEATS; r++) {
    const models = new Map<TrainingItem, { work: CompiledLogistic; fix: CompiledLogistic }>();
    for (let f = 0; f < FOLDS; f++) {
      const train = items.filter((t) => foldOf(t, r) !== f);
      const m = { work: fitLogistic(workRows(train), lambdaWork), fix: fitLogistic(fixRows(train), lambdaFix) };
      for (const t of items) if (foldOf(t, r) === f) models.set(t, m);
    }
    for (const fm of FIX_MODES) {
      for (const th of fm === "rules" ? [0.5] : THRESHOLDS) {
        for (const qm of QUARANTINE_MODES) {
          const key = `${fm} / ${qm} / ${th}`;
          const model = (t: TrainingItem): FlakyModel => ({ ...models.get(t)!, combine: { fix: fm, quarantine: qm }, fixThreshold: th });
          const list = parts.get(key) ?? [];
          list.push(tally(items, (t) => modelVerdict(t.facts, t.x, model(t))));
          parts.set(key, list);
        }
      }
    }
  }
  return new Map([...parts].map(([k, v]) => [k, sumTallies(v)]));
}

const F1_TIE = 0.002;

/**
 * The combination to ship: best F1 among those with precision ≥ 0.85 (else best precision), the
 * more precise of near-ties; then, for that fix rule, the best mitigation F1.
 */
export function chooseCombination(tallies: Map<string, Tally>): { fix: FixCombine; quarantine: QuarantineCombine; threshold: number } {
  const entries = [...tallies].map(([k, t]) => {
    const [fix, quarantine, threshold] = k.split(" / ");
    return { fix: fix as FixCombine, quarantine: quarantine as QuarantineCombine, threshold: Number(threshold), t };
  });
  const precise = entries.filter((e) => precision(e.t) >= 0.85);
  const pool = precise.length > 0 ? precise : entries;
  const byFix = (e: (typeof entries)[number]) => (precise.length > 0 ? f1(e.t) : precision(e.t));
  const best = Math.max(...pool.map(byFix));
  // Ways within F1_TIE of the best are as good as the folds can tell: precision first among them.
  const top = pool.filter((e) => byFix(e) >= best - F1_TIE);
  const fixKey = (e: (typeof entries)[number]) => `${e.fix}|${e.threshold}`;
  top.sort((a, b) => precision(b.t) - precision(a.t) || a.t.mitigationsAsFixes - b.t.mitigationsAsFixes || (fixKey(a) === fixKey(b) ? quarantineF1(b.t) - quarantineF1(a.t) : 0));
  return { fix: top[0]!.fix, quarantine: top[0]!.quarantine, threshold: top[0]!.threshold };
}

function main(): void {
  const write = process.argv.includes("--write");
  const print = (s: string) => process.stdout.write(`${s}\n`);
  const items = tuningItems();
  const n = (cls: LabelClass) => items.filter((t) => t.cls === cls).length;
  print(`tuning data: ${items.length} commits, ${n("fix")} fixes, ${n("mitigation")} mitigations (report halves not read)`);
  const pick = (name: string, rows: (xs: readonly TrainingItem[]) => Row[]) => {
    let best = { lambda: LAMBDAS[0]!, loss: Infinity };
    for (const lambda of LAMBDAS) {
      const loss = cvLoss(items, rows, lambda);
      print(`  ${name} λ=${lambda}: ${REPEATS}×${FOLDS}-fold log loss ${loss.toFixed(4)}`);
      if (loss < best.loss - 1e-9) best = { lambda, loss };
    }
    return best;
  };
  const work = pick("work", workRows);
  const fix = pick("fix ", fixRows);
  print(`chosen λ: work ${work.lambda}, fix ${fix.lambda}`);
  const tallies = crossValidateCombinations(items, work.lambda, fix.lambda);
  print(`cross-validated (${REPEATS}×${FOLDS}-fold, summed over repeats; the rules' figures are in-sample):`);
  for (const [k, t] of tallies) print(`  ${formatTally(k, t)}`);
  const chosen = chooseCombination(tallies);
  const combine = { fix: chosen.fix, quarantine: chosen.quarantine };
  print(`chosen combination: fix ${combine.fix}, quarantine ${combine.quarantine}, model threshold ${chosen.threshold}`);
  const mWork = fitLogistic(workRows(items), work.lambda);
  const mFix = fitLogistic(fixRows(items), fix.lambda);
  const round = (v: number) => Math.round(v * 1000) / 1000;
  const named = (m: CompiledLogistic) => Object.fromEntries(FLAKY_FEATURES.map((name, i) => [name, round(m.w[i]!)]));
  print(`  ${"feature".padEnd(26)} work    fix`);
  for (let i = 0; i < FLAKY_FEATURE_COUNT; i++) print(`  ${FLAKY_FEATURES[i]!.padEnd(26)} ${mWork.w[i]!.toFixed(2).padStart(6)} ${mFix.w[i]!.toFixed(2).padStart(6)}`);
  print(`  ${"bias".padEnd(26)} ${mWork.bias.toFixed(2).padStart(6)} ${mFix.bias.toFixed(2).padStart(6)}`);
  const shipped = tallies.get(`${combine.fix} / ${combine.quarantine} / ${chosen.threshold}`)!;
  if (write) {
    const file = join(REPO_ROOT, "src/core/detect/flaky-weights.json");
    const data = {
      about:
        "Logistic-regression weights of the flaky-test model (src/core/detect/flaky-model.ts): work = flaky-test work at all, fix = removes the cause rather than hiding it. Re-derive with: npm run build && node dist/bench/eval/train-flaky.js --write",
      trainedOn: { data: "tuning halves of the split commit sets and all of the tuning-only sets", commits: items.length, fixes: n("fix"), mitigations: n("mitigation") },
      lambda: { work: work.lambda, fix: fix.lambda },
      crossValidated: { folds: FOLDS, repeats: REPEATS, precision: round(precision(shipped)), recall: round(recall(shipped)), mitigationsAsFixesPerRepeat: round(shipped.mitigationsAsFixes / REPEATS) },
      features: [...FLAKY_FEATURES],
      work: { bias: round(mWork.bias), weights: named(mWork) },
      fix: { bias: round(mFix.bias), weights: named(mFix) },
      combine,
      fixThreshold: chosen.threshold,
    };
    writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
    print("wrote src/core/detect/flaky-weights.json");
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
