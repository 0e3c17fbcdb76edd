/**
 * The review-depth section of `npm run eval`: on each half of the labelled review sets,
 * the ROC AUC of the scorer with the outcome signals (ledToChange, replies) and from the
 * text alone, the count baseline on the same items, and the levels the substantive items get.
 */
import type { ReviewLevel } from "../../src/core/model.js";
import { scoreReview, type ReviewInput } from "../../src/core/detect/score-review.js";
import { fmt3, rocAuc, splitHalves, type Half } from "./metrics.js";
import { countBaseline, hasOutcome, loadReviewSets, REVIEW_FIXTURE_SETS, REVIEW_SETS, textOnly, type LabelledReview } from "./review-sets.js";

export interface HalfFigures {
  items: number;
  substantive: number;
  shallow: number;
  /** Items carrying an outcome signal (a known ledToChange, or replies). */
  withOutcome: number;
  aucWithOutcome: number;
  aucTextOnly: number;
  aucBaseline: number;
  /** Levels given to the substantive items (and, for contrast, to the shallow ones). */
  levels: Record<"substantive" | "shallow", Record<ReviewLevel | "excluded", number>>;
}

export interface ReviewEvalResult {
  sets: string[];
  tuning: HalfFigures;
  report: HalfFigures;
}

export type ReviewScorer = (input: ReviewInput) => number;

const LEVELS: readonly (ReviewLevel | "excluded")[] = ["rubber-stamp", "light", "substantive", "deep", "excluded"];

const emptyLevels = (): Record<ReviewLevel | "excluded", number> => ({ "rubber-stamp": 0, light: 0, substantive: 0, deep: 0, excluded: 0 });

/** The split every section of the review evaluation uses: stratified by set and label, grouped by pull request. */
export function reviewHalves(items: readonly LabelledReview[]): Map<LabelledReview, Half> {
  return splitHalves(items, { stratum: (r) => `${r.set}|${r.label}`, group: (r) => r.source, id: (r) => r.id });
}

/** The figures of one half. `score` defaults to the shipped scorer's 0–100 score. */
export function halfFigures(items: readonly LabelledReview[], score: ReviewScorer = (i) => scoreReview(i).score): HalfFigures {
  const pos = { outcome: [] as number[], text: [] as number[], base: [] as number[] };
  const neg = { outcome: [] as number[], text: [] as number[], base: [] as number[] };
  const levels = { substantive: emptyLevels(), shallow: emptyLevels() };
  let withOutcome = 0;
  for (const it of items) {
    const side = it.label === "substantive" ? pos : neg;
    side.outcome.push(score(it.input));
    side.text.push(score(textOnly(it.input)));
    side.base.push(countBaseline(it.input));
    if (hasOutcome(it.input)) withOutcome++;
    const level = scoreReview(it.input).level ?? "excluded";
    levels[it.label][level]++;
  }
  return {
    items: items.length,
    substantive: pos.base.length,
    shallow: neg.base.length,
    withOutcome,
    aucWithOutcome: rocAuc(pos.outcome, neg.outcome),
    aucTextOnly: rocAuc(pos.text, neg.text),
    aucBaseline: rocAuc(pos.base, neg.base),
    levels,
  };
}

export function evaluateReviews(items: readonly LabelledReview[], score?: ReviewScorer): { tuning: HalfFigures; report: HalfFigures } {
  const halves = reviewHalves(items);
  const tuning = items.filter((it) => halves.get(it) === "tuning");
  const report = items.filter((it) => halves.get(it) === "report");
  return { tuning: halfFigures(tuning, score), report: halfFigures(report, score) };
}

function levelLine(l: Record<ReviewLevel | "excluded", number>): string {
  return LEVELS.filter((k) => k !== "excluded" || l[k] > 0)
    .map((k) => `${k} ${l[k]}`)
    .join(", ");
}

/** Prints the review section and returns its figures. */
export async function runReviewEval(options: { fixture: boolean; print: (line: string) => void }): Promise<ReviewEvalResult> {
  const files = options.fixture ? [...REVIEW_FIXTURE_SETS] : [...REVIEW_SETS];
  const items = loadReviewSets(files);
  const { tuning, report } = evaluateReviews(items);
  const p = options.print;
  p(`Review depth — ${items.length} labelled reviews from ${files.join(", ")}`);
  p("  split: stratified by set × label, ordered by a SHA-256 hash of the pull request; tuning half / report half");
  for (const [name, f] of [
    ["tuning", tuning],
    ["report", report],
  ] as const) {
    p(`  ${name} half: ${f.items} items (${f.substantive} substantive, ${f.shallow} shallow; ${f.withOutcome} carry an outcome signal)`);
    p(`    ROC AUC with outcome signals: ${fmt3(f.aucWithOutcome)}`);
    p(`    ROC AUC text only:            ${fmt3(f.aucTextOnly)}`);
    p(`    baseline (comments + chars/100): ${fmt3(f.aucBaseline)}   margin with outcome ${signed(f.aucWithOutcome - f.aucBaseline)}, text only ${signed(f.aucTextOnly - f.aucBaseline)}`);
    p(`    levels of substantive items: ${levelLine(f.levels.substantive)}`);
    p(`    levels of shallow items:     ${levelLine(f.levels.shallow)}`);
  }
  p(`  tuning − report gap: with outcome ${signed(tuning.aucWithOutcome - report.aucWithOutcome)}, text only ${signed(tuning.aucTextOnly - report.aucTextOnly)}`);
  return { sets: files, tuning, report };
}

function signed(x: number): string {
  if (Number.isNaN(x)) return "n/a";
  return `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(3)}`;
}
