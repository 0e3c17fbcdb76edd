/**
 * The interpretable features the review-depth model reads from one unit of a review
 * (an inline comment, or the review's body with its verdict). Each is a plain property
 * of the text a reader can check — "gives a reason", "names a defect (not negated)",
 * "points at code" — never a word list learned from the labelled sets.
 *
 * Text is normalised first: quoted replies and HTML comments removed, link targets and
 * bare URLs removed (the link text stays), code blocks and inline code set aside (their
 * presence is a feature; their words never match a finding).
 */
import { categorizeComment, type CommentCategoryResult } from "./categorize-comment.js";
import type { UnitText } from "./text.js";
import { ALREADY, CONDITIONAL, CURIOUS, IMPERATIVE_VERB, MODAL, PREFERENCE, PROCESS, QUESTION_WORD, REASON, SOCIAL, THANKS, VERIFIED, readCues } from "./review-cues.js";

/** Feature names, in the order of the vector and of the weights file. */
export const FEATURES = [
  "words",
  "finding",
  "design",
  "negatedOnly",
  "question",
  "modal",
  "reason",
  "conditional",
  "code",
  "imperative",
  "nitPrefix",
  "nitWords",
  "praise",
  "process",
  "linkOnly",
  "curious",
  "verified",
  "approved",
  "blocking",
  "ledContent",
  "repliesContent",
  "declined",
  "technical",
  "already",
  "preference",
  "social",
  "figures",
] as const;
export type FeatureName = (typeof FEATURES)[number];
export const FEATURE_COUNT = FEATURES.length;

/** The outcome features: they only ever multiply content (see `content` below). */
export const OUTCOME_FEATURES: ReadonlySet<FeatureName> = new Set<FeatureName>(["ledContent", "repliesContent", "declined"]);

/** What each feature means, for the evidence sentence ("+1.4: gives a reason"). */
export const FEATURE_SENTENCES: Record<FeatureName, string> = {
  words: "length of the prose (log of its distinct words, half when nothing else shows content)",
  finding: "names a defect, security, performance or test problem (not negated)",
  design: "raises a design or compatibility point (not negated)",
  negatedOnly: "problem words appear only negated (“there is no race”)",
  question: "asks a question",
  modal: "says what must or should change (should, must, needs to)",
  reason: "gives a reason (because, otherwise, so that, which means)",
  conditional: "describes the case it happens in (if, when, unless)",
  code: "points at code (identifiers, inline code or a code block)",
  imperative: "asks for a concrete change (add, use, remove, move, …)",
  nitPrefix: "marked by the reviewer as a nit or minor (a hint, not a verdict)",
  nitWords: "style, naming, typo or formatting words",
  praise: "praise, thanks or LGTM",
  process: "process only (rebase, squash, CI, CLA, merge, backport)",
  linkOnly: "little more than a link",
  curious: "a curiosity or learning question",
  verified: "says what the reviewer ran or verified",
  approved: "an approval",
  blocking: "requested changes with a reasoned body",
  ledContent: "a comment with content that led to a change",
  repliesContent: "a comment with content that others replied to",
  declined: "a comment with content the author declined, or that became obsolete",
  technical: "uses programming vocabulary (log of the number of distinct terms)",
  already: "says the code already does or handles it",
  preference: "states a personal preference or that it does not matter",
  social: "social words (sorry, cheers, hope, appreciate)",
  figures: "quotes numbers or versions",
};

const SLASH_COMMAND = /^\s*\/[a-z]/i;

export interface UnitInput {
  body: string;
  ledToChange?: boolean | null;
  replies?: number | null;
  /** The review's verdict, only on the body unit. */
  state?: "APPROVED" | "CHANGES_REQUESTED" | null;
}

/**
 * The feature vector of one unit, in FEATURES order. `content` says whether the unit has
 * anything an outcome can amplify; outcome features are zero without it.
 */
export function unitFeatures(
  u: UnitInput,
  category?: CommentCategoryResult,
  out: Float64Array = new Float64Array(FEATURE_COUNT),
): { x: Float64Array; text: UnitText; content: boolean; praiseOnly: boolean; claim: boolean } {
  out.fill(0);
  const cat = category ?? categorizeComment(u.body);
  // Praise and empty bodies carry no cue worth reading: skip the scan.
  if ((cat.category === "praise" || cat.category === "approval-only") && !cat.finding) {
    if (u.state === "APPROVED") out[17] = 1;
    return { x: out, text: cat.norm, content: false, praiseOnly: cat.category === "praise", claim: false };
  }
  const t = cat.norm;
  const p = t.prose;
  const c = readCues(p);
  const has = (bit: number) => (c.bits & bit) !== 0;
  const words = c.distinct;
  const finding = cat.finding;
  const design = cat.category === "design";
  const negated = cat.negated;
  const question = words >= 2 && (p.includes("?") || p.includes("？") || has(QUESTION_WORD));
  const modal = has(MODAL);
  const reason = has(REASON);
  const code = t.codeBlocks > 0 || t.inlineCode > 0 || c.identifier;
  const imperative = has(IMPERATIVE_VERB);
  const praise = cat.category === "praise" || (words > 0 && words <= 8 && has(THANKS));
  const content = finding || design || modal || reason || question || code || imperative;

  // Length amplifies content, it never creates it: without any sign of content it counts half,
  // and beyond WORDS_CAP distinct words it counts no more.
  out[0] = Math.log1p(words) * (content ? 1 : 0.5);
  out[1] = finding ? 1 : 0;
  out[2] = design ? 1 : 0;
  out[3] = negated ? 1 : 0;
  out[4] = question ? 1 : 0;
  out[5] = modal ? 1 : 0;
  out[6] = reason ? 1 : 0;
  out[7] = has(CONDITIONAL) ? 1 : 0;
  out[8] = code ? 1 : 0;
  out[9] = imperative ? 1 : 0;
  out[10] = cat.nitPrefix ? 1 : 0;
  out[11] = cat.category === "nit" && cat.recognised && !cat.nitPrefix ? 1 : 0;
  out[12] = praise ? 1 : 0;
  out[13] = has(PROCESS) || SLASH_COMMAND.test(p) ? 1 : 0;
  out[14] = t.links > 0 && words < 6 ? 1 : 0;
  out[15] = has(CURIOUS) ? 1 : 0;
  out[16] = words >= 4 && has(VERIFIED) ? 1 : 0;
  out[17] = u.state === "APPROVED" ? 1 : 0;
  out[18] = u.state === "CHANGES_REQUESTED" && (reason || modal || finding || design) ? 1 : 0;
  out[19] = content && u.ledToChange === true ? 1 : 0;
  out[20] = content ? Math.min(Math.max(u.replies ?? 0, 0), 3) / 3 : 0;
  out[21] = content && u.ledToChange === false ? 1 : 0;
  out[22] = Math.log1p(c.technical);
  out[23] = has(ALREADY) ? 1 : 0;
  out[24] = has(PREFERENCE) ? 1 : 0;
  out[25] = has(SOCIAL) ? 1 : 0;
  out[26] = c.figures ? 1 : 0;
  // A claim about the code (not just a pointer at it), and not a remark its reviewer filed as style.
  const claim = (finding || design || modal || reason || question || imperative) && !(cat.category === "nit" && cat.recognised && !finding);
  return { x: out, text: t, content, praiseOnly: praise && !content, claim };
}
