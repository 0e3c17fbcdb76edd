/**
 * The review-depth model: a logistic regression over the interpretable features of
 * review-features.ts, one logit per unit (inline comment, or the body with its verdict),
 * combined into the probability that the review as a whole is substantive.
 *
 * Combination (a noisy-OR with a cap on minor remarks): units whose own probability is at
 * least ½ count as findings and each can make the review substantive; the others count only
 * when there is no finding, and then only as much as the best of them — ten nits are worth one.
 *
 * The weights are data (review-weights.json), learned from the tuning half of the labelled
 * review sets by bench/eval/train-reviews.ts; nothing in this file names a word of those sets.
 */
import { duplicateKey } from "./text.js";
import { verificationIn, type CommentCategoryResult } from "./categorize-comment.js";
import { FEATURE_COUNT, FEATURES, FEATURE_SENTENCES, unitFeatures, type FeatureName } from "./review-features.js";
import weightsFile from "./review-weights.json" with { type: "json" };

export interface ReviewWeights {
  features: readonly string[];
  bias: number;
  weights: Record<string, number>;
}

export interface ModelUnit {
  /** Index into the review's comments, or -1 for the body/verdict. */
  index: number;
  body: string;
  x: Float64Array;
  content: boolean;
  /** Makes a claim about the code (a finding, a reason, an obligation, a question, a request) and is not a style remark. */
  claim: boolean;
}

export interface ModelUnitInput {
  body: string;
  ledToChange?: boolean | null;
  replies?: number | null;
}

/** A weights file compiled for the scorer: the bias and one weight per feature, in FEATURES order. */
export interface CompiledWeights {
  bias: number;
  w: Float64Array;
}

/** Compiles a weights file into a vector in FEATURES order; throws if it does not fit. */
export function compileWeights(w: ReviewWeights): CompiledWeights {
  const v = new Float64Array(FEATURE_COUNT);
  for (let i = 0; i < FEATURE_COUNT; i++) {
    const name = FEATURES[i]!;
    const value = w.weights[name];
    if (typeof value !== "number" || !Number.isFinite(value)) throw new Error(`review weights: missing or invalid weight for ${name}`);
    v[i] = value;
  }
  if (!Number.isFinite(w.bias)) throw new Error("review weights: invalid bias");
  return { bias: w.bias, w: v };
}

const SHIPPED = compileWeights(weightsFile as ReviewWeights);

/**
 * The units of a review: each comment that is not a repeat of an earlier one, and the
 * body with the verdict (present when there is a body, or the state is an approval or a
 * request for changes).
 */
/** What the scorer already computed for each comment and the body, so nothing is read twice. */
export interface Precomputed {
  categories: readonly (CommentCategoryResult | undefined)[];
  duplicates: readonly boolean[];
  body: CommentCategoryResult | null;
  bodyDuplicate: boolean;
}

export function reviewUnits(comments: readonly ModelUnitInput[], body: string, state: string, pre?: Precomputed): ModelUnit[] {
  const units: ModelUnit[] = [];
  const seen = pre ? null : new Set<string>();
  for (let i = 0; i < comments.length; i++) {
    const c = comments[i]!;
    const text = typeof c.body === "string" ? c.body : "";
    if (seen) {
      const key = duplicateKey(text);
      if (key.length > 0 && seen.has(key)) continue;
      if (key.length > 0) seen.add(key);
    } else if (pre!.duplicates[i] === true) continue;
    const f = unitFeatures({ body: text, ledToChange: c.ledToChange, replies: c.replies }, pre?.categories[i]);
    // Praise, thanks and LGTM say nothing about depth: they are not units at all.
    if (f.praiseOnly) continue;
    units.push({ index: i, body: text, x: f.x, content: f.content, claim: f.claim });
  }
  const verdict = state === "APPROVED" || state === "CHANGES_REQUESTED" ? state : null;
  let bodyCounts = body.trim().length > 0;
  if (bodyCounts && seen) {
    const key = duplicateKey(body);
    bodyCounts = !(key.length > 0 && seen.has(key));
  } else if (bodyCounts && pre) bodyCounts = !pre.bodyDuplicate;
  if (bodyCounts || verdict !== null) {
    let f = unitFeatures({ body: bodyCounts ? body : "", state: verdict }, bodyCounts ? (pre?.body ?? undefined) : undefined);
    if (f.praiseOnly) {
      if (verdict === null) return units;
      f = unitFeatures({ body: "", state: verdict });
    }
    units.push({ index: -1, body, x: f.x, content: f.content, claim: f.claim });
  }
  return units;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

export function logitOf(x: Float64Array, m: CompiledWeights = SHIPPED): number {
  let z = m.bias;
  for (let i = 0; i < FEATURE_COUNT; i++) z += m.w[i]! * x[i]!;
  return z;
}

/**
 * Noisy-OR over findings (p ≥ ½); without a finding, the best minor remark alone. Minor remarks
 * never add to a review that has a finding, and never add up among themselves.
 */
export function combine(probabilities: readonly number[]): number {
  let none = 1;
  let findings = 0;
  let bestMinor = 0;
  for (const p of probabilities) {
    if (p >= 0.5) {
      none *= 1 - p;
      findings++;
    } else if (p > bestMinor) bestMinor = p;
  }
  return findings > 0 ? 1 - none : bestMinor;
}

export interface Contribution {
  feature: FeatureName;
  /** Weight × value: what the feature added to (or took from) the unit's logit. */
  amount: number;
}

/** The features that moved a unit's logit most, largest first (for evidence). */
export function topContributions(x: Float64Array, limit = 3, m: { bias: number; w: Float64Array } = SHIPPED): Contribution[] {
  const out: Contribution[] = [];
  for (let i = 0; i < FEATURE_COUNT; i++) {
    const amount = m.w[i]! * x[i]!;
    if (Math.abs(amount) >= 0.05) out.push({ feature: FEATURES[i]!, amount });
  }
  out.sort((a, b) => Math.abs(b.amount) - Math.abs(a.amount));
  return out.slice(0, limit);
}

/** "+1.4 gives a reason; −0.9 marked by the reviewer as a nit". */
export function describeContributions(cs: readonly Contribution[]): string {
  return cs.map((c) => `${c.amount >= 0 ? "+" : "−"}${Math.abs(c.amount).toFixed(1)} ${FEATURE_SENTENCES[c.feature]}`).join("; ");
}

export const shippedModel = SHIPPED;

export interface UnitSubstance {
  /** Index into the review's comments, or -1 for the body/verdict. */
  index: number;
  probability: number;
  /** The unit's features (FEATURES order), for its contributions: topContributions(x). */
  x: Float64Array;
}

export interface ReviewSubstance {
  /** Probability that the review is substantive (combine() of its units). */
  probability: number;
  /** Units the model reads as findings (probability ≥ ½). */
  findings: number;
  /** Every unit, strongest first. */
  units: UnitSubstance[];
}

/**
 * Logit adjustments the labelled sets cannot teach (they carry no such data), fixed by design:
 * a reply in someone else's thread is discussion, half as likely to be the reviewer's finding;
 * a reviewer who changed these files before, and an explanation to a first-time contributor,
 * weigh a little more.
 */
export const REPLY_LOGIT = -1.5;
export const KNOWS_FILES_LOGIT = 0.3;
export const NEWCOMER_EXPLANATION_LOGIT = 0.4;

/**
 * One rule the model is not left to learn (the sets hold too few such items to learn it, and the
 * label rules state it): a body that reports what the reviewer measured when verifying the change
 * (figures: timings, counts, sizes) is substantive. It sets a floor on the body's logit.
 *
 * Outcome signals only amplify content: a comment followed by a change gains through the learned
 * "a comment with content that led to a change" weight, never by a floor, so a remark with no
 * finding in it does not become one because code changed after it. A verification without figures
 * ("tested locally") is left to the model too: cross-validation inside the tuning half ranked
 * reviews better without a floor under it.
 */
export const VERIFIED_FIGURES_FLOOR = 1;

/** The floor the scorer sets under a unit's logit, or -Infinity. */
export function unitFloor(u: Pick<ModelUnit, "index">, verified: { figures: boolean } | null): number {
  return u.index < 0 && verified?.figures === true ? VERIFIED_FIGURES_FLOOR : -Infinity;
}

export function reviewSubstance(
  comments: readonly (ModelUnitInput & { isReply?: boolean | null })[],
  body: string,
  state: string,
  options: { adjust?: (unit: ModelUnit) => number; pre?: Precomputed; verified?: { figures: boolean } | null; model?: CompiledWeights } = {},
): ReviewSubstance {
  const units = reviewUnits(comments, body, state, options.pre);
  const adjust = options.adjust ?? (() => 0);
  const verified = options.verified !== undefined ? options.verified : verificationIn(options.pre?.body?.text ?? body);
  const out: UnitSubstance[] = [];
  let findings = 0;
  for (const u of units) {
    let z = logitOf(u.x, options.model);
    if (u.index >= 0 && comments[u.index]?.isReply === true) z += REPLY_LOGIT;
    z += adjust(u);
    z = Math.max(z, unitFloor(u, verified));
    const probability = sigmoid(z);
    if (probability >= 0.5) findings++;
    out.push({ index: u.index, probability, x: u.x });
  }
  out.sort((a, b) => b.probability - a.probability);
  return { probability: out.length === 0 ? 0 : combine(out.map((u) => u.probability)), findings, units: out };
}
