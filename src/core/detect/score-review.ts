/**
 * Review depth: how much a review (or all of one reviewer's reviews on a pull
 * request) did, judged by what the comments found and what happened after
 * them — never by how many there were or how long they are.
 *
 * Research anchors: comments that led to a change near the commented code are
 * the strongest signal of a useful comment (Bosu, Greiler & Bird, MSR 2015),
 * and reviewers who have changed the files before write more useful comments.
 *
 * Hard to game, by construction:
 * - points per comment come from its category, not its length;
 * - points are sorted and decay geometrically (diminishing returns), and all
 *   nits, praise and unrecognised remarks together are capped at a few points;
 * - a repeated comment (same text after normalisation) scores nothing;
 * - self-reviews, bots, AI reviewers and opted-out people are excluded;
 * - an approval of a large change within seconds, with no comments, is a
 *   rubber stamp, whatever else is said;
 * - the score is normalised by the size of the change (and a docs-only change
 *   needs less), so the same comment on a 2,000-line change counts for less.
 */
import type { CommentCategory, ReviewLevel } from "../model.js";
import { defaultDetectorConfig, type DetectorConfig } from "./config.js";
import { compileConfig, EXCLUSION_SENTENCES, exclusionOf } from "./compile-config.js";
import { categorizeComment, verificationIn, type CommentCategoryResult } from "./categorize-comment.js";
import { duplicateKey } from "./text.js";
import { explainReview } from "./score-review-explain.js";
import { KNOWS_FILES_LOGIT, NEWCOMER_EXPLANATION_LOGIT, reviewSubstance, type CompiledWeights, type ReviewSubstance } from "./review-model.js";

export type { ReviewCommentInput, ReviewPullRequestInput, ReviewInput, ScoredComment, ReviewScore } from "./review-types.js";
import type { ReviewCommentInput, ReviewInput, ReviewScore, ScoredComment } from "./review-types.js";

const BASE_POINTS: Record<CommentCategory, number> = {
  security: 30,
  defect: 26,
  performance: 20,
  design: 14,
  "test-gap": 14,
  "knowledge-transfer": 10,
  question: 5,
  nit: 1,
  praise: 0,
  "approval-only": 0,
};
const FINDINGS: ReadonlySet<CommentCategory> = new Set<CommentCategory>([
  "security",
  "defect",
  "performance",
  "design",
  "test-gap",
  "knowledge-transfer",
]);
/** Geometric decay of sorted points: the 2nd finding counts 75 %, the 3rd 56 %, … */
const DECAY = 0.75;
/** All nits, praise and unrecognised remarks together never add more than this. */
const MINOR_CAP = 4;
const VERIFY_POINTS = 9;
const VERIFY_FIGURES_BONUS = 3;
/**
 * A remark no pattern recognises, of at least this many words, that the author then acted on
 * (the code under it changed) found something: it counts like a question that led to a change.
 * Nits are recognised as nits ("nit:", "typo"), so this never pays for padding.
 */
const UNCLASSIFIED_FINDING_WORDS = 12;
/**
 * "Deep" means several findings, or one defect or security problem that was fixed because of the
 * review in a change of at least this many lines: one good catch in a two-line change is a
 * substantive review, not a deep one.
 */
const DEEP_SINGLE_FINDING_MIN_LINES = 30;
const MAJOR: ReadonlySet<CommentCategory> = new Set<CommentCategory>(["security", "defect"]);
const APPROVAL_POINTS = 2;

/** How much depth a change of this size calls for (1 ≈ 150 lines). */
function sizeFactorOf(lines: number | null, docsOnly: boolean): number {
  let f = 1;
  if (lines !== null) f = Math.min(1.6, Math.max(0.7, 0.7 + 0.3 * Math.log10(1 + lines / 50)));
  return docsOnly ? f * 0.6 : f;
}

function pointsFor(category: CommentCategory, words: number, ledToChange: boolean, replies: number, unclassifiedFinding = false): number {
  if (unclassifiedFinding) return BASE_POINTS.question * 3 * (1 + 0.1 * Math.min(replies, 3));
  let p = BASE_POINTS[category];
  if (p === 0) return 0;
  if (FINDINGS.has(category)) {
    // "Race?" is a finding only if it led somewhere.
    if (words < 4 && !ledToChange) p *= 0.5;
    if (ledToChange) p *= 2;
    if (replies > 0) p *= 1 + 0.1 * Math.min(replies, 3);
  } else if (category === "question") {
    // A question that led to a change found something.
    if (ledToChange) p *= 3;
    if (replies > 0) p *= 1 + 0.1 * Math.min(replies, 3);
  } else if (ledToChange) {
    p *= 1.5;
  }
  return p;
}

const EMPTY: ReviewCommentInput[] = [];
const FIRST_TIMER = new Set(["FIRST_TIME_CONTRIBUTOR", "FIRST_TIMER"]);

/**
 * Scores a review's depth. Pure; the same input always gives the same output.
 * Excluded reviews (own PR, bots, AI reviewers, opted-out) score 0 with a reason.
 * `model` replaces the shipped weights (for cross-validation of the whole scorer).
 */
export function scoreReview(input: ReviewInput, config: DetectorConfig = defaultDetectorConfig, model?: CompiledWeights): ReviewScore {
  const c = compileConfig(config);
  const t = config.thresholds;
  const commentsIn = input.comments ?? EMPTY;
  const excluded = exclusionOf(c, input.reviewer, input.reviewerIsBot, input.author);
  if (excluded !== null) {
    return {
      score: 0,
      level: null,
      excluded,
      comments: commentsIn.map(() => ({ category: "approval-only", points: 0, duplicate: false, ledToChange: false, recognised: false, explains: false })),
      body: null,
      ledToChange: [],
      evidence: [excluded === "ai-reviewer" || excluded === "bot" ? `${EXCLUSION_SENTENCES[excluded].slice(0, -1)} (${input.reviewer}).` : EXCLUSION_SENTENCES[excluded]],
      signals: { rawPoints: 0, changedLines: null, sizeFactor: 1, findings: 0, minor: 0, duplicates: 0, fastApproval: false, verified: false, substance: 0, modelFindings: 0 },
    };
  }

  const state = (input.state ?? "COMMENTED").toUpperCase();
  const pr = input.pr ?? null;
  const lines = pr && (typeof pr.additions === "number" || typeof pr.deletions === "number") ? (pr.additions ?? 0) + (pr.deletions ?? 0) : null;
  const docsOnly = pr?.docsOnly === true;
  const knowsFiles = (input.reviewerPriorChangesToSamePaths ?? 0) > 0;
  const newcomerAuthor = FIRST_TIMER.has((pr?.authorAssociation ?? "").toUpperCase());

  const seen = new Set<string>();
  const scored: ScoredComment[] = new Array<ScoredComment>(commentsIn.length);
  const categories: (CommentCategoryResult | undefined)[] = new Array<CommentCategoryResult | undefined>(commentsIn.length);
  const findingPoints: number[] = [];
  const counts: Partial<Record<CommentCategory, number>> = {};
  const changedIdx: number[] = [];
  let minorPoints = 0;
  let minor = 0;
  let duplicates = 0;
  let findings = 0;
  let questionsLedToChange = 0;
  let unclassifiedLed = 0;

  const bodyText = input.body ?? "";
  const bodyPresent = bodyText.trim().length > 0;
  // A lone text (one comment and no body, or a body alone) cannot repeat anything: no key needed.
  const needKeys = commentsIn.length + (bodyPresent ? 1 : 0) > 1;
  for (let i = 0; i < commentsIn.length; i++) {
    const cm = commentsIn[i]!;
    const body = typeof cm.body === "string" ? cm.body : "";
    const cat = categorizeComment(body);
    categories[i] = cat;
    const key = needKeys ? duplicateKey(cat.text.length > 0 ? cat.text : body) : "";
    const duplicate = key.length > 0 && seen.has(key);
    if (key.length > 0) seen.add(key);
    const led = cm.ledToChange === true && !duplicate && cm.isReply !== true;
    const unclassifiedFinding = led && !cat.recognised && cat.words >= UNCLASSIFIED_FINDING_WORDS;
    let points = duplicate ? 0 : pointsFor(cat.category, cat.words, led, cm.replies ?? 0, unclassifiedFinding);
    if (knowsFiles && FINDINGS.has(cat.category)) points *= 1.1;
    if (newcomerAuthor && cat.category === "knowledge-transfer") points *= 1.3;
    if (cm.isReply === true) points *= 0.5;
    scored[i] = { category: cat.category, points: round2(points), duplicate, ledToChange: led, recognised: cat.recognised, explains: cat.explains && !duplicate };
    if (duplicate) {
      duplicates++;
      continue;
    }
    if (led && cat.category !== "praise") changedIdx.push(i);
    if (unclassifiedFinding) {
      unclassifiedLed++;
      findingPoints.push(points);
      continue;
    }
    counts[cat.category] = (counts[cat.category] ?? 0) + 1;
    if (FINDINGS.has(cat.category) || cat.category === "question") {
      if (FINDINGS.has(cat.category)) findings++;
      else if (led) questionsLedToChange++;
      findingPoints.push(points);
    } else {
      minor++;
      minorPoints += points;
    }
  }

  // The review body: a finding like any comment, or a statement of what was verified.
  let bodyResult: ReviewScore["body"] = null;
  let bodyCategory: CommentCategoryResult | null = null;
  let bodyDuplicate = false;
  let verified = false;
  let verifiedFigures = false;
  if (bodyPresent) {
    const cat = categorizeComment(bodyText);
    bodyCategory = cat;
    const key = needKeys ? duplicateKey(cat.text) : "";
    const duplicate = key.length > 0 && seen.has(key);
    bodyDuplicate = duplicate;
    const v = verificationIn(cat.text, cat.words, cat.candidates);
    let points = duplicate ? 0 : pointsFor(cat.category, cat.words, false, 0);
    if (v) {
      verified = true;
      verifiedFigures = v.figures;
      points = Math.max(points, VERIFY_POINTS + (v.figures ? VERIFY_FIGURES_BONUS : 0));
    }
    bodyResult = { category: cat.category, verified, points: round2(points) };
    if (!duplicate) {
      if (!verified || FINDINGS.has(cat.category)) counts[cat.category] = (counts[cat.category] ?? 0) + 1;
      if (verified || FINDINGS.has(cat.category) || cat.category === "question") {
        if (FINDINGS.has(cat.category)) findings++;
        findingPoints.push(points);
      } else {
        minor++;
        minorPoints += points;
      }
    }
  }

  // A fast approval of a large change with nothing to show for it.
  const secs = input.submittedSecondsAfterOpen;
  const fastApproval =
    state === "APPROVED" &&
    findingPoints.length === 0 &&
    lines !== null &&
    lines >= t.rubberStampMinLines &&
    typeof secs === "number" &&
    secs >= 0 &&
    secs < (lines / 100) * t.rubberStampSecondsPer100Lines;

  findingPoints.sort(descending);
  let raw = 0;
  let weight = 1;
  for (const p of findingPoints) {
    raw += p * weight;
    weight *= DECAY;
  }
  raw += Math.min(MINOR_CAP, minorPoints);
  if (state === "APPROVED" && !fastApproval) raw += APPROVAL_POINTS;
  const sizeFactor = sizeFactorOf(lines, docsOnly);

  // The score is the model's probability that the review is substantive (review-model.ts),
  // shifted on the logit scale for the size of the change: more is expected of a large one.
  const substance = reviewSubstance(commentsIn, bodyText, state, {
    pre: { categories, duplicates: scored.map((sc) => sc.duplicate), body: bodyCategory, bodyDuplicate },
    verified: verified ? { figures: verifiedFigures } : null,
    model,
    adjust: (u) => {
      if (u.index < 0) return 0;
      const sc = scored[u.index];
      if (!sc) return 0;
      let z = 0;
      if (knowsFiles && FINDINGS.has(sc.category)) z += KNOWS_FILES_LOGIT;
      if (newcomerAuthor && sc.explains) z += NEWCOMER_EXPLANATION_LOGIT;
      return z;
    },
  });
  let score = fastApproval ? 0 : scoreOf(substance, sizeFactor);

  let level: ReviewLevel;
  const majorFixed = scored.some((sc) => sc !== undefined && sc.ledToChange && MAJOR.has(sc.category) && sc.recognised);
  const modelFindings = substance.findings;
  // (A body reporting verified figures is already one of the model's findings: its floor puts it there.)
  const deepBasis = modelFindings >= 2 || (majorFixed && (lines === null || lines >= DEEP_SINGLE_FINDING_MIN_LINES));
  // A unit the model reads as a finding, or a statement of what the reviewer verified.
  const substantiveBasis = modelFindings > 0 || verified;
  if (fastApproval) level = "rubber-stamp";
  else if (score >= t.reviewDeepScore && modelFindings > 0 && deepBasis) level = "deep";
  else if (score >= t.reviewSubstantiveScore && substantiveBasis) level = "substantive";
  else if (findingPoints.length > 0 || minorPoints > 0 || verified) level = "light";
  else level = "rubber-stamp";
  // Each level has its band of scores, and the model's score places the review inside it:
  // a score never outranks its level, and reviews of one level keep their order.
  score = bandedScore(score, level, t.reviewSubstantiveScore, t.reviewDeepScore);

  const evidence = explainReview({
    input,
    scored,
    counts,
    changedIdx,
    commentsIn,
    duplicates,
    minor,
    lines,
    docsOnly,
    fastApproval,
    verified,
    verifiedFigures,
    bodyText,
    knowsFiles,
    newcomerAuthor,
    state,
    level,
    substance,
  });

  return {
    score,
    level,
    excluded: null,
    comments: scored,
    body: bodyResult,
    ledToChange: changedIdx,
    evidence,
    signals: {
      rawPoints: round2(raw),
      changedLines: lines,
      sizeFactor: round2(sizeFactor),
      findings,
      minor,
      duplicates,
      fastApproval,
      verified,
      substance: round3(substance.probability),
      modelFindings,
    },
  };
}

function descending(a: number, b: number): number {
  return b - a;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** Logit shift per unit of ln(size factor): a 2,000-line change needs clearly more to score the same. */
const SIZE_LOGIT = 1.5;

function scoreOf(s: ReviewSubstance, sizeFactor: number): number {
  const p = s.probability;
  if (p <= 0) return 0;
  if (p >= 1) return 100;
  const z = Math.log(p / (1 - p)) - SIZE_LOGIT * Math.log(sizeFactor);
  return Math.round(100 / (1 + Math.exp(-z)));
}

/** Maps a 0–100 score into its level's band: light and rubber-stamp [0, substantive), substantive [substantive, deep), deep [deep, 100]. */
function bandedScore(score: number, level: ReviewLevel, substantiveCut: number, deepCut: number): number {
  if (level === "deep") return Math.max(deepCut, score);
  if (level === "substantive") {
    const within = Math.max(0, Math.min(1, (score - substantiveCut) / (100 - substantiveCut)));
    return substantiveCut + Math.round(within * Math.max(0, deepCut - 1 - substantiveCut));
  }
  return Math.round((score / 100) * Math.max(0, substantiveCut - 1));
}
