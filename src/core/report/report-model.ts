/**
 * Report models: what the builders produce and the renderers turn into
 * Markdown, HTML, CSV and JSON. Plain data, JSON-serialisable; text from
 * GitHub is kept raw here and escaped by each renderer for its format.
 */
import type { AnnotationKind, ContributionKind, EvidenceFormula, GlueDynamics, ReviewLevel } from "../model.js";
import type { Period } from "./period.js";
import type { CoveredRepository } from "./select-covered.js";

/** A piece of rich text: renderers escape `text` and only link http(s) URLs. */
export type Inline = { type: "text"; text: string } | { type: "code"; text: string } | { type: "link"; text: string; url: string };

/** One line of a summary: the same words as plain text and as rich text. */
export interface SummaryLine {
  text: string;
  parts: Inline[];
}

/** What a report covers. */
export interface ReportCoverage {
  repositories: CoveredRepository[];
  publicCount: number;
  privateCount: number;
  /** A sentence: "3 repositories (1 private): acme/api, …". */
  description: string;
  /** What the description adds about coverage (e.g. access GitHub could not confirm), else null. */
  note: string | null;
}

/** "self-reported": only the person says so. "corroborated": a peer endorsed it, or detected work matches it. */
export type Standing = "self-reported" | "corroborated";

/** An annotation as a report shows it. */
export interface AnnotationView {
  id: string;
  kind: AnnotationKind;
  authorId: number;
  authorLogin: string;
  /** True when the author is the person the report is about. */
  byPerson: boolean;
  text: string;
  link: string | null;
  sourceUrl: string | null;
  repository: string | null;
  contributionKey: string | null;
  createdAt: string;
  standing: Standing;
  /** Why it counts as corroborated, in words; null when self-reported. */
  corroboration: string | null;
}

/** One piece of evidence in the evidence formula. */
export interface EvidenceItem {
  /** Key of the strongest contribution merged into it. */
  key: string;
  /** All contribution keys merged into it (same subject and kind). */
  mergedKeys: string[];
  kind: ContributionKind;
  /** "review", "flaky-test fix", … */
  kindLabel: string;
  category: string;
  title: string;
  url: string;
  repository: string;
  repositoryPrivate: boolean;
  occurredAt: string;
  /** 0–100. */
  score: number;
  confidence: number;
  level: string | null;
  dynamics: GlueDynamics;
  formula: EvidenceFormula;
  /** The signals the detector saw, in words. */
  signals: string[];
  /** Whether a peer endorsed it. */
  corroborated: boolean;
  endorsedBy: string[];
  /** Notes, claims and endorsements about this item. */
  annotations: AnnotationView[];
  /** Disputes of this item, shown next to it. */
  disputes: AnnotationView[];
  /** Listed only because someone annotated it (it would otherwise be summarised as a count). */
  listedBecauseAnnotated: boolean;
}

/** What a category leaves out of the list, summarised as counts. */
export interface OmittedCounts {
  rubberStampReviews: number;
  lightReviews: number;
  /** Other items scoring below the threshold. */
  belowThreshold: number;
}

export interface PersonCategory {
  name: string;
  items: EvidenceItem[];
  omitted: OmittedCounts;
  /** All items in the category, listed or not. */
  total: number;
}

/** A kind of glue work that keeps recurring on the same problem. */
export interface RecurrenceFinding {
  kind: ContributionKind;
  /** What recurs: a CI job, a test, a question topic; null when the detector didn't name it. */
  problem: string | null;
  count: number;
  /** "trap": a detector marked it as absorbing a problem; "recurring": ≥ 3 items on the same problem. */
  reason: "trap" | "recurring";
  /** How often the same problem came up in the previous period; null without previous data. */
  previousCount: number | null;
  /** Is the problem getting smaller? */
  trend: "growing" | "shrinking" | "steady" | "new" | "unknown";
  /** What the trend was measured against. */
  trendBasis: "previous-period" | "within-period" | "none";
  /** A sentence about it. */
  text: string;
  /** One line for a summary: who did what, how often, and whether it is shrinking. */
  headline: string;
  suggestion: string;
  items: Array<{ title: string; url: string; occurredAt: string }>;
}

export interface DynamicsSection {
  compoundingCount: number;
  trapCount: number;
  /** The strongest compounding items. */
  compounding: Array<{ title: string; url: string; kind: ContributionKind }>;
  findings: RecurrenceFinding[];
  text: string;
}

export type Trend = "up" | "down" | "same" | "new" | "gone" | "n/a";

export interface ComparisonRow {
  /** A rubric category or a kind. */
  key: string;
  label: string;
  current: number;
  /** null when there is no data for the previous period. */
  previous: number | null;
  currentAverageScore: number | null;
  previousAverageScore: number | null;
  countTrend: Trend;
  scoreTrend: Trend;
}

/**
 * The previous period is only partly recorded: its records begin well into it (the app was
 * installed, or history backfilled, only that far back). Counts are then compared per day.
 */
export interface PreviousRecorded {
  /** The first day with records in the previous period (ISO timestamp at 00:00Z). */
  recordedFrom: string;
  /** Days of the previous period with records, and its length in days. */
  recordedDays: number;
  periodDays: number;
  /** Days of the current period the comparison counts (all of it once it is over). */
  currentDays: number;
  /**
   * How the start of the records is known: given by the caller for the whole organisation, or
   * inferred from the earliest recorded work of the team, or of the person the report is about.
   */
  basis: "organisation" | "team" | "person";
  /** False when too little was recorded to compare per day (see partialChange). */
  comparable: boolean;
}

export interface Comparison {
  previousPeriod: Period | null;
  hasPreviousData: boolean;
  /** Set when the previous period is only partly recorded; trends are then per day, not raw counts. */
  previousRecorded: PreviousRecorded | null;
  /** "No data for the previous period (2026 Q2)." or a one-line overview. */
  message: string;
  byCategory: ComparisonRow[];
  byKind: ComparisonRow[];
}

/** A sentence a report explains itself with. */
export interface Explanation {
  title: string;
  text: string;
}

/** The per-engineer evidence packet. */
export interface PersonReport {
  type: "person";
  generatedAt: string;
  period: Period;
  previousPeriod: Period | null;
  person: { id: number; login: string; name: string | null };
  coverage: ReportCoverage;
  summary: { headline: string; lines: SummaryLine[]; empty: boolean };
  /** Items below this score are summarised as a count. */
  scoreThreshold: number;
  categories: PersonCategory[];
  omitted: OmittedCounts;
  /** The person's own notes, claims and log entries not attached to a listed item. */
  ownWords: AnnotationView[];
  /** Peers' endorsements not attached to a listed item. */
  endorsements: AnnotationView[];
  /** Disputes about work not in this report. */
  otherDisputes: AnnotationView[];
  dynamics: DynamicsSection;
  comparison: Comparison;
  howToRead: Explanation[];
}

/** Review depth counts. "unknown" holds reviews without a recognised level. */
export type DepthCounts = Record<ReviewLevel | "unknown", number>;

export interface ReviewerDepthRow {
  personId: number;
  login: string;
  /** Distinct pull requests reviewed (several reviews of one PR count once). */
  reviews: number;
  depth: DepthCounts;
  /** Share of reviews that were substantive or deep, 0–1; null without reviews. */
  depthShare: number | null;
  commentCount: number | null;
  commentsLedToChange: number | null;
  /** Share of the team's reviews, 0–1. */
  loadShare: number;
  /** Where the review count for load share came from. */
  loadBasis: "reviews-submitted" | "review-contributions";
  loadReviews: number;
}

export interface KindDistribution {
  kind: ContributionKind;
  label: string;
  /** Its rubric category. */
  category: string;
  total: number;
  /** Count per person, in the report's people order. */
  perPerson: Array<{ personId: number; login: string; count: number; share: number }>;
  topLogin: string | null;
  topShare: number;
  gini: number;
  /** Items that absorb a recurring problem (traps): not counted in `total`, listed apart. */
  trapCount: number;
  heroBottleneck: boolean;
  /** Why it is flagged, in words. */
  flags: string[];
}

export interface AreaDepth {
  /** "acme/api" or "acme/api: src". */
  area: string;
  repository: string;
  /** Top-level path, or null for a whole repository. */
  path: string | null;
  reviews: number;
  depth: DepthCounts;
  /** True when every review there was rubber-stamp or light. */
  noDepth: boolean;
}

export interface MonthBucket {
  key: string;
  label: string;
  total: number;
  byKind: Partial<Record<ContributionKind, number>>;
}

export interface TeamTrends {
  hasPreviousData: boolean;
  /** Set when the previous period is only partly recorded; trends are then per day, not raw counts. */
  previousRecorded: PreviousRecorded | null;
  message: string;
  byKind: ComparisonRow[];
  months: MonthBucket[];
}

export interface TeamPersonRow {
  personId: number;
  login: string;
  name: string | null;
  items: number;
  totalScore: number;
  byKind: Partial<Record<ContributionKind, number>>;
}

/** The team report: review depth and how glue work is spread. Not a leaderboard. */
export interface TeamReport {
  type: "team";
  generatedAt: string | null;
  period: Period;
  previousPeriod: Period | null;
  /** "alphabetical" unless ranking was asked for. */
  ordering: "alphabetical" | "ranking";
  orderingNote: string;
  coverage: ReportCoverage;
  summary: { headline: string; lines: SummaryLine[]; empty: boolean };
  people: TeamPersonRow[];
  reviewDepth: { rows: ReviewerDepthRow[]; totals: DepthCounts; totalReviews: number };
  distribution: KindDistribution[];
  shallowAreas: AreaDepth[];
  trends: TeamTrends;
  howComputed: Explanation[];
}

export type ReportModel = PersonReport | TeamReport;
