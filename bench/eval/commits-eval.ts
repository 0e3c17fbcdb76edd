/**
 * The commit evaluation: the flaky-fix tagger and the change kinds on labelled real commits,
 * each set split into a tuning half and a report half, with the keyword baseline beside them.
 *
 *   runCommitEval({ fixture: false, print })  — the real sets (inputs rebuilt from git mirrors)
 *   runCommitEval({ fixture: true, print })   — the small fixture in test/fixtures/eval
 */
import { join } from "node:path";
import { classifyChange } from "../../src/core/detect/classify-change.js";
import { changeInputOfLine } from "../../src/cli/classify.js";
import { COMMIT_SETS, EVAL_DIR, changesFor, classOf, loadFixture, mirrorRoot, parseLabels, splitHalves, type EvalItem, type LabelLine } from "./commit-sets.js";
import { readFileSync } from "node:fs";

/** The kinds both the labels and the detector speak of (labels say "ci" for ci-config). */
export const EVAL_KINDS = ["docs", "runbook", "ci-config", "template", "test"] as const;
type EvalKind = (typeof EVAL_KINDS)[number];

/**
 * The baseline: a word-bounded keyword regex over the commit message, as a flaky-fix tagger.
 */
export const BASELINE_KEYWORDS =
  /\b(?:flaky|flakey|flakiness|flakes?|flaked|flaking|de-?flake[sd]?|de-?flaking|intermittent(?:ly)?|races?|racy|nondeterministic|non-deterministic|sporadic(?:ally)?|unstable|timing)\b/i;

export interface Prediction {
  label: LabelLine;
  /** The tagger's verdicts. */
  fix: boolean;
  quarantine: boolean;
  kinds: readonly string[];
  /** The baseline's verdict. */
  baselineFix: boolean;
}

export interface Counts {
  n: number;
  fixes: number;
  mitigations: number;
  tp: number;
  fp: number;
  fn: number;
  /** Mitigations tagged flaky-quarantine (and not as fixes). */
  mitigationsAsMitigations: number;
  /** Mitigations tagged as fixes. */
  mitigationsAsFixes: number;
  /** Commits that are neither but were tagged flaky-quarantine. */
  falseQuarantines: number;
  baselineTp: number;
  baselineFp: number;
  baselineMitigationsAsFixes: number;
  /** Commits whose five kinds agree exactly with the labels. */
  kindsExact: number;
  /** Per kind: commits where the detector and the labels agree on its presence. */
  kindAgree: Record<EvalKind, number>;
  /** Per kind: commits labelled with it / tagged with it. */
  kindLabelled: Record<EvalKind, number>;
  kindTagged: Record<EvalKind, number>;
}

function labelKinds(l: LabelLine): Set<EvalKind> {
  const out = new Set<EvalKind>();
  for (const k of l.kinds) {
    const m = k === "ci" ? "ci-config" : k;
    if ((EVAL_KINDS as readonly string[]).includes(m)) out.add(m as EvalKind);
  }
  return out;
}

const zeroKinds = (): Record<EvalKind, number> => ({ docs: 0, runbook: 0, "ci-config": 0, template: 0, test: 0 });

export function countPredictions(preds: readonly Prediction[]): Counts {
  const c: Counts = {
    n: preds.length,
    fixes: 0,
    mitigations: 0,
    tp: 0,
    fp: 0,
    fn: 0,
    mitigationsAsMitigations: 0,
    mitigationsAsFixes: 0,
    falseQuarantines: 0,
    baselineTp: 0,
    baselineFp: 0,
    baselineMitigationsAsFixes: 0,
    kindsExact: 0,
    kindAgree: zeroKinds(),
    kindLabelled: zeroKinds(),
    kindTagged: zeroKinds(),
  };
  for (const p of preds) {
    const cls = classOf(p.label);
    if (cls === "fix") c.fixes++;
    if (cls === "mitigation") c.mitigations++;
    if (p.fix && cls === "fix") c.tp++;
    if (p.fix && cls !== "fix") c.fp++;
    if (!p.fix && cls === "fix") c.fn++;
    if (cls === "mitigation" && p.fix) c.mitigationsAsFixes++;
    if (cls === "mitigation" && p.quarantine && !p.fix) c.mitigationsAsMitigations++;
    if (cls === "neither" && p.quarantine) c.falseQuarantines++;
    if (p.baselineFix && cls === "fix") c.baselineTp++;
    if (p.baselineFix && cls !== "fix") c.baselineFp++;
    if (p.baselineFix && cls === "mitigation") c.baselineMitigationsAsFixes++;
    const want = labelKinds(p.label);
    const got = new Set(p.kinds.filter((k): k is EvalKind => (EVAL_KINDS as readonly string[]).includes(k)));
    let exact = true;
    for (const k of EVAL_KINDS) {
      if (want.has(k)) c.kindLabelled[k]++;
      if (got.has(k)) c.kindTagged[k]++;
      if (want.has(k) === got.has(k)) c.kindAgree[k]++;
      else exact = false;
    }
    if (exact) c.kindsExact++;
  }
  return c;
}

/** A ratio as printed: three decimals, or "n/a" when there is nothing to divide by. */
export function ratio(num: number, den: number): string {
  return den === 0 ? "n/a" : (num / den).toFixed(3);
}

export function formatCounts(name: string, c: Counts): string[] {
  const kindMean = c.n === 0 ? 0 : EVAL_KINDS.reduce((s, k) => s + c.kindAgree[k], 0) / (EVAL_KINDS.length * c.n);
  return [
    `${name}: ${c.n} commits, ${c.fixes} flaky fixes, ${c.mitigations} mitigations`,
    `  flaky fix  tagger   precision ${ratio(c.tp, c.tp + c.fp)} (${c.tp}/${c.tp + c.fp})  recall ${ratio(c.tp, c.fixes)} (${c.tp}/${c.fixes})`,
    `  flaky fix  baseline precision ${ratio(c.baselineTp, c.baselineTp + c.baselineFp)} (${c.baselineTp}/${c.baselineTp + c.baselineFp})  recall ${ratio(c.baselineTp, c.fixes)} (${c.baselineTp}/${c.fixes})  [keyword regex on the message]`,
    `  mitigations  recorded as flaky-quarantine ${ratio(c.mitigationsAsMitigations, c.mitigations)} (${c.mitigationsAsMitigations}/${c.mitigations})  tagged a fix: tagger ${c.mitigationsAsFixes}, baseline ${c.baselineMitigationsAsFixes}  quarantine on neither: ${c.falseQuarantines}`,
    `  kinds  exact agreement ${ratio(c.kindsExact, c.n)} (${c.kindsExact}/${c.n})  per-kind agreement ${c.n === 0 ? "n/a" : kindMean.toFixed(3)}  ` +
      EVAL_KINDS.map((k) => `${k} ${ratio(c.kindAgree[k], c.n)} (labelled ${c.kindLabelled[k]}, tagged ${c.kindTagged[k]})`).join(", "),
  ];
}

export function predict(item: EvalItem): Prediction {
  const input = changeInputOfLine(item.change);
  const r = classifyChange(input);
  const message = [item.change.title, item.change.body ?? ""].join("\n");
  return {
    label: item.label,
    fix: r.flakyFix.is,
    quarantine: r.flakyFix.quarantine,
    kinds: r.kinds.map((k) => k.kind),
    baselineFix: BASELINE_KEYWORDS.test(message),
  };
}

export interface HalfCounts {
  tuning: Counts;
  report: Counts;
}

/** Scores items split into halves; `onItem` sees every prediction (for error listings). */
export function evaluateItems(
  items: readonly EvalItem[],
  onItem?: (half: "tuning" | "report", item: EvalItem, p: Prediction) => void,
  tuningOnly = false,
): HalfCounts {
  const { tuning, report } = tuningOnly ? { tuning: [...items], report: [] } : splitHalves(items);
  const run = (half: "tuning" | "report", xs: EvalItem[]) =>
    countPredictions(
      xs.map((x) => {
        const p = predict(x);
        onItem?.(half, x, p);
        return p;
      }),
    );
  return { tuning: run("tuning", tuning), report: run("report", report) };
}

export function sumCounts(cs: readonly Counts[]): Counts {
  const out = countPredictions([]);
  for (const c of cs) {
    for (const k of Object.keys(out) as (keyof Counts)[]) {
      const v = c[k];
      if (typeof v === "number") (out[k] as number) += v;
      else for (const kk of EVAL_KINDS) (out[k] as Record<EvalKind, number>)[kk] += (v as Record<EvalKind, number>)[kk];
    }
  }
  return out;
}

export interface CommitEvalOptions {
  fixture: boolean;
  print: (line: string) => void;
  /** Called for each prediction, e.g. to list the errors while tuning. */
  onItem?: (half: "tuning" | "report", item: EvalItem, p: Prediction) => void;
}

/** Loads the sets (or the fixture), scores both halves of each and prints the figures. */
export async function runCommitEval(options: CommitEvalOptions): Promise<void> {
  const { print } = options;
  const sets: { name: string; items: EvalItem[]; tuningOnly?: boolean }[] = [];
  if (options.fixture) {
    sets.push({ name: "fixture", items: loadFixture() });
  } else {
    for (const s of COMMIT_SETS) {
      const path = join(EVAL_DIR, s.file);
      const labels = parseLabels(readFileSync(path, "utf8"), path);
      const src = changesFor(path, labels);
      if (src.changes === null) {
        print(`${s.name}: ${labels.length} labelled commits, inputs not available (no mirror of ${src.missing.join(", ")} under ${mirrorRoot()}; set EVAL_MIRRORS)`);
        continue;
      }
      print(`${s.name}: ${labels.length} labelled commits, inputs from ${src.from === "cache" ? ".eval-cache" : `the mirrors in ${mirrorRoot()}`}`);
      sets.push({ name: s.name, tuningOnly: s.tuningOnly, items: labels.map((label, i) => ({ set: s.name, label, change: src.changes[i]! })) });
    }
  }
  print("Commits: flaky-test fixes, mitigations and change kinds (labels made blind; each set split by a hash of repo+sha, stratified by repository and label)");
  const all: HalfCounts[] = [];
  for (const s of sets) {
    const h = evaluateItems(s.items, options.onItem, s.tuningOnly === true);
    all.push(h);
    if (s.tuningOnly) {
      for (const line of formatCounts(`${s.name} / all tuning (never reported)`, h.tuning)) print(line);
      continue;
    }
    for (const line of formatCounts(`${s.name} / tuning half`, h.tuning)) print(line);
    for (const line of formatCounts(`${s.name} / report half`, h.report)) print(line);
  }
  if (sets.length > 1) {
    const split = all.filter((_, i) => sets[i]!.tuningOnly !== true);
    for (const line of formatCounts("all sets / tuning half", sumCounts(split.map((h) => h.tuning)))) print(line);
    if (split.length < all.length) {
      for (const line of formatCounts("all tuning data (tuning halves and tuning-only sets)", sumCounts(all.map((h) => h.tuning)))) print(line);
    }
    for (const line of formatCounts("all sets / report half", sumCounts(all.map((h) => h.report)))) print(line);
  }
}
