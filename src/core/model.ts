/**
 * Facts and contributions: the vocabulary shared by the functional core,
 * the store and the renderers. Nothing here does I/O.
 *
 * Facts are what GitHub told us (normalised). Contributions are what the
 * detectors concluded from facts, always with the evidence behind them.
 */

/** A GitHub account as the detectors see it. */
export interface PersonRef {
  /** GitHub's numeric user id; null for a deleted ("ghost") account we could not identify. */
  id: number | null;
  login: string;
  /** True for GitHub Apps, `[bot]` accounts, AI reviewers and configured bot logins. */
  isBot: boolean;
}

/** The kinds of glue work Unsung recognises. Stable identifiers: stored and configured. */
export const CONTRIBUTION_KINDS = [
  "review",
  "flaky-fix",
  "flaky-quarantine",
  "ci-rerun",
  "docs",
  "runbook",
  "ci-config",
  "template",
  "ownership",
  "test",
  "triage",
  "mentoring",
  "co-authorship",
] as const;
export type ContributionKind = (typeof CONTRIBUTION_KINDS)[number];

/** The change kinds of the change-kind detector (a subset of contribution kinds). */
export const CHANGE_KINDS = ["docs", "runbook", "ci-config", "template", "ownership", "test"] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** Review depth levels, weakest first. */
export const REVIEW_LEVELS = ["rubber-stamp", "light", "substantive", "deep"] as const;
export type ReviewLevel = (typeof REVIEW_LEVELS)[number];

/** Categories of a single review comment. */
export const COMMENT_CATEGORIES = [
  "defect",
  "security",
  "performance",
  "design",
  "test-gap",
  "question",
  "knowledge-transfer",
  "nit",
  "praise",
  "approval-only",
] as const;
export type CommentCategory = (typeof COMMENT_CATEGORIES)[number];

/**
 * The evidence formula every contribution is written in: the friction before,
 * what the person changed, what improved, who benefited, and the proof.
 */
export interface EvidenceFormula {
  friction: string;
  change: string;
  improvement: string;
  beneficiaries: string[];
  proof: ProofItem[];
}

/** A link or a figure that backs a claim. */
export interface ProofItem {
  label: string;
  url?: string;
}

/** Whether a piece of glue work makes its problem smaller (compounding) or only absorbs it (trap). */
export type GlueDynamics = "compounding" | "trap" | "neutral";

/** What a detector concluded about one person's work on one subject. */
export interface Contribution {
  /** Stable key: detector + subject + person, so re-running a detector updates in place. */
  key: string;
  kind: ContributionKind;
  personId: number;
  personLogin: string;
  repositoryId: number;
  repositoryFullName: string;
  repositoryPrivate: boolean;
  /** What the work was on, e.g. "pull_request", "review", "issue", "commit". */
  subjectType: string;
  subjectId: string;
  subjectTitle: string;
  subjectUrl: string;
  occurredAt: string;
  /** 0–100: how strong the evidence is that this was substantial glue work. */
  score: number;
  /** 0–1: how sure the detector is about the kind. */
  confidence: number;
  /** Kind-specific level, e.g. a review's depth level. */
  level: string | null;
  dynamics: GlueDynamics;
  /** Plain sentences a promotion committee can read. */
  evidence: string[];
  formula: EvidenceFormula;
  /** Kind-specific detail (e.g. per-comment categories), JSON-serialisable. */
  detail: Record<string, unknown>;
  detector: string;
  detectorVersion: number;
}

/** What an engineer or a peer said about the record, through a slash command or the CLI. */
export const ANNOTATION_KINDS = ["note", "claim", "dispute", "endorse", "log"] as const;
export type AnnotationKind = (typeof ANNOTATION_KINDS)[number];

/** An engineer's own note, claim, dispute or off-GitHub log entry, or a peer's endorsement. */
export interface Annotation {
  id: string;
  kind: AnnotationKind;
  /** Who wrote it. */
  authorId: number;
  authorLogin: string;
  /** Whose record it is about (the author for note/claim/dispute/log; the endorsed person for endorse). */
  subjectPersonId: number;
  subjectPersonLogin: string;
  /** The contribution it refers to, when it refers to one. */
  contributionKey: string | null;
  /** A link the author gave (a PR, an issue, a doc). */
  link: string | null;
  text: string;
  /** Where it was said (the comment), and in which repository. */
  sourceUrl: string | null;
  repositoryId: number | null;
  repositoryFullName: string | null;
  repositoryPrivate: boolean;
  createdAt: string;
  /**
   * The author's relationship to the repository where it was said, as GitHub put it on the
   * comment (OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, FIRST_TIME_CONTRIBUTOR, NONE, …); null when
   * unknown. An endorsement corroborates only when it is a teammate's (see endorsement.ts).
   */
  authorAssociation: string | null;
}
