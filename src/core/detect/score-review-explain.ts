/**
 * The evidence sentences of a review's score (see score-review.ts).
 */
import type { CommentCategory, ReviewLevel } from "../model.js";
import { describeContributions, topContributions, type ReviewSubstance } from "./review-model.js";
import type { ReviewCommentInput, ReviewInput, ScoredComment } from "./score-review.js";
import { plural, quote } from "./text.js";

const CATEGORY_LABEL: Record<CommentCategory, [string, string]> = {
  security: ["security issue", "security issues"],
  defect: ["defect", "defects"],
  performance: ["performance issue", "performance issues"],
  design: ["design point", "design points"],
  "test-gap": ["test gap", "test gaps"],
  question: ["question", "questions"],
  "knowledge-transfer": ["explanation", "explanations"],
  nit: ["nit", "nits"],
  praise: ["praise", "praise"],
  "approval-only": ["approval", "approvals"],
};
const FINDING_ORDER: readonly CommentCategory[] = ["security", "defect", "performance", "design", "test-gap", "knowledge-transfer", "question"];


function where(cm: ReviewCommentInput): string {
  if (!cm.path) return "in the conversation";
  return `at ${typeof cm.line === "number" ? `${cm.path}:${cm.line}` : cm.path}`;
}

export interface ExplainInput {
  input: ReviewInput;
  scored: ScoredComment[];
  counts: Partial<Record<CommentCategory, number>>;
  changedIdx: number[];
  commentsIn: ReviewCommentInput[];
  duplicates: number;
  minor: number;
  lines: number | null;
  docsOnly: boolean;
  fastApproval: boolean;
  verified: boolean;
  verifiedFigures: boolean;
  bodyText: string;
  knowsFiles: boolean;
  newcomerAuthor: boolean;
  state: string;
  level: ReviewLevel;
  substance: ReviewSubstance;
}

export function explainReview(x: ExplainInput): string[] {
  const out: string[] = [];
  const sizeText = x.lines !== null ? `${plural(x.lines, "changed line")}` : "a change of unknown size";
  if (x.fastApproval) {
    const secs = x.input.submittedSecondsAfterOpen ?? 0;
    out.push(`Approved ${sizeText} ${plural(Math.round(secs), "second")} after the pull request opened, with no comments: too fast to have read it (rubber stamp).`);
  }
  const parts: string[] = [];
  let findingTotal = 0;
  for (const cat of FINDING_ORDER) {
    const n = x.counts[cat] ?? 0;
    if (n > 0) {
      const [one, many] = CATEGORY_LABEL[cat];
      parts.push(`${n} ${n === 1 ? one : many}`);
      findingTotal += n;
    }
  }
  if (findingTotal > 0) out.push(`Raised ${parts.join(", ")}.`);
  const units = x.substance.units;
  if (units.length > 0) {
    const shown = units.filter((u, i) => i === 0 || u.probability >= 0.5).slice(0, 3);
    const what = shown.map((u) => {
      const at = u.index < 0 ? "the review body" : `the comment ${where(x.commentsIn[u.index]!)}`;
      const contributions = topContributions(u.x);
      const why = contributions.length > 0 ? ` (${describeContributions(contributions)})` : "";
      return `${at} ${Math.round(u.probability * 100)}%${why}`;
    });
    out.push(`Substance ${Math.round(x.substance.probability * 100)}% by the review-depth model; ${what.join("; ")}.`);
  }
  for (const i of x.changedIdx.slice(0, 5)) {
    const cm = x.commentsIn[i]!;
    const sc = x.scored[i]!;
    const how = cm.changeEvidence ? ` (${cm.changeEvidence})` : "";
    const label = sc.recognised ? CATEGORY_LABEL[sc.category][0] : "a remark the detector could not classify";
    out.push(`Comment ${where(cm)} (${label}) led to a change${how}: ${quote(cm.body, 100)}`);
  }
  if (x.changedIdx.length > 5) out.push(`${plural(x.changedIdx.length - 5, "more comment")} led to changes.`);
  if (x.changedIdx.length === 0 && findingTotal > 0) out.push("No comment is known to have led to a change (not measurable from the data given, or none did).");
  const nits = x.counts.nit ?? 0;
  if (nits > 0) out.push(`${plural(nits, "minor remark")} (style, typos, wording, or nothing recognisable): counted as minor, a few points at most in total.`);
  const praise = x.counts.praise ?? 0;
  if (praise > 0) out.push(`${plural(praise, "comment")} of praise or “LGTM”: adds nothing to the score.`);
  if (x.duplicates > 0) out.push(`${plural(x.duplicates, "repeated comment")} ignored (same text as an earlier comment).`);
  if (x.verified) {
    out.push(`The review states what was verified${x.verifiedFigures ? ", with figures" : ""}: ${quote(x.bodyText, 140)}`);
  }
  if (x.state === "APPROVED" && x.commentsIn.length === 0 && !x.verified && !x.fastApproval && x.bodyText.trim().length === 0) {
    out.push("Approved without comments; nothing in the review shows what was checked.");
  }
  if (x.state === "CHANGES_REQUESTED") out.push("Requested changes before merge.");
  if (x.newcomerAuthor && (x.counts["knowledge-transfer"] ?? 0) > 0) {
    out.push("The author is a first-time contributor: explanations count for more.");
  }
  if (x.knowsFiles) {
    const n = x.input.reviewerPriorChangesToSamePaths ?? 0;
    out.push(`The reviewer had changed these files before (${plural(n, "earlier pull request")}).`);
  }
  if (x.docsOnly) out.push("Docs-only change: less depth is expected, and the score is scaled for it.");
  else if (x.lines !== null && x.lines >= 500) out.push(`Scaled for the size of the change (${sizeText}): more depth is expected of a large change.`);
  if (x.lines === null) out.push("Size of the change unknown: not normalised.");
  return out;
}
