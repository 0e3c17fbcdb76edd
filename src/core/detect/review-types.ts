/**
 * What the review scorer reads (a review, its comments, its pull request) and what it returns
 * (the score, the level, each comment's reading, the evidence and the signals behind them).
 */
import type { CommentCategory, ReviewLevel } from "../model.js";
import type { ExclusionReason } from "./compile-config.js";

/** One comment of a review, as the scorer sees it. */
export interface ReviewCommentInput {
  /** File the comment is on; absent for a general comment. */
  path?: string | null;
  line?: number | null;
  body: string;
  /** The code under the comment changed after it (or the author said it was acted on). null/absent: unknown. */
  ledToChange?: boolean | null;
  /** How the change was established, for the evidence sentence (e.g. "the author replied “fixed”"). */
  changeEvidence?: string | null;
  /** Replies by other people in the comment's thread. */
  replies?: number | null;
  /** A reply in a thread someone else started: half the points, and it cannot claim the change. */
  isReply?: boolean | null;
  url?: string | null;
}

/** The pull request under review, as far as it is known. */
export interface ReviewPullRequestInput {
  title?: string;
  additions?: number;
  deletions?: number;
  changedFiles?: number;
  authorAssociation?: string;
  /** The change only touches docs (docs, runbooks, templates): less depth is expected. */
  docsOnly?: boolean;
}

/** A review (or one reviewer's reviews on a pull request, aggregated). */
export interface ReviewInput {
  /** APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED (case-insensitive). Default COMMENTED. */
  state?: string | null;
  /** The review's summary body. */
  body?: string | null;
  reviewer: string;
  /** The pull request's author, for the self-review rule. */
  author: string;
  reviewerIsBot?: boolean;
  /** Earlier pull requests by the reviewer that touched the reviewed paths. */
  reviewerPriorChangesToSamePaths?: number | null;
  /** Seconds between the pull request opening (or becoming ready) and the review. */
  submittedSecondsAfterOpen?: number | null;
  pr?: ReviewPullRequestInput | null;
  comments?: ReviewCommentInput[] | null;
}

export interface ScoredComment {
  category: CommentCategory;
  /** Points before diminishing returns; 0 for duplicates. */
  points: number;
  duplicate: boolean;
  ledToChange: boolean;
  /** False when no pattern matched (filed as a minor remark). */
  recognised: boolean;
  /** The comment explains something (context, conventions, a pointer to docs), whatever its category. */
  explains: boolean;
}

export interface ReviewScore {
  /** 0–100. */
  score: number;
  /** null when the review is excluded. */
  level: ReviewLevel | null;
  excluded: ExclusionReason | null;
  /** Per input comment, in input order. */
  comments: ScoredComment[];
  /** The review body's category, when it has one, and whether it shows verification. */
  body: { category: CommentCategory; verified: boolean; points: number } | null;
  /** Indexes (into `comments`) of the comments that led to a change. */
  ledToChange: number[];
  evidence: string[];
  signals: {
    rawPoints: number;
    changedLines: number | null;
    sizeFactor: number;
    findings: number;
    minor: number;
    duplicates: number;
    fastApproval: boolean;
    verified: boolean;
    /** The model's probability (0–1) that the review is substantive, before the size adjustment. */
    substance: number;
    /** Units (comments, body) the model reads as findings. */
    modelFindings: number;
  };
}
