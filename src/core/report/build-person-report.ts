/**
 * The per-engineer evidence packet: a summary a manager reads in a minute,
 * then evidence grouped the way the career rubric speaks, in the evidence
 * formula, with the engineer's own words and peers' endorsements next to it.
 *
 * Pure: rows in, model out. The caller reads the rows; `now` is passed in.
 */
import type { Annotation, Contribution, ContributionKind } from "../model.js";
import { buildComparisonRows, partialChange, totalChange } from "./build-comparison.js";
import { describeCoverage } from "./describe-coverage.js";
import { isShownAnnotation } from "./endorsement.js";
import { glueKindHeading, isGlue, previousRecorded, trappedItems } from "./glue.js";
import { compareStrength, mergeContributions, normalizeUrl, type MergedContribution } from "./merge-contributions.js";
import { isInPeriod, previousPeriod as previousPeriodOf, type Period } from "./period.js";
import { buildDynamics, RECURRENCE_THRESHOLD } from "./person-dynamics.js";

export { RECURRENCE_THRESHOLD };
import { buildSummary } from "./person-summary.js";
import type {
  AnnotationView,
  Comparison,
  EvidenceItem,
  Explanation,
  OmittedCounts,
  PersonCategory,
  PersonReport,
  PreviousRecorded,
} from "./report-model.js";
import { ALL_KINDS, categoryOf, KIND_LABELS, orderCategories, type Rubric } from "./rubric.js";
import { coverageOf, selectCoveredAnnotations, selectCoveredContributions, type CoveredRepository } from "./select-covered.js";

/** Items scoring below this are summarised as a count instead of listed. */
export const DEFAULT_SCORE_THRESHOLD = 25;

/** The person a packet is about. */
export interface ReportPerson {
  /** GitHub numeric user id (Contribution.personId, Annotation.subjectPersonId). */
  id: number;
  login: string;
  /** Display name, if known. */
  name?: string | null;
}

/** Everything the per-engineer packet is built from. */
export interface PersonReportInput {
  person: ReportPerson;
  period: Period;
  /** Defaults to previousPeriod(period). */
  previousPeriod?: Period | null;
  /** This person's contributions with occurredAt in `period`. Others are dropped. */
  contributions: readonly Contribution[];
  /** This person's contributions with occurredAt in the previous period. */
  previousContributions: readonly Contribution[];
  /**
   * Annotations whose subjectPersonId is this person: their notes, claims,
   * disputes and log entries, and peers' endorsements of them. Not filtered by
   * date here (a dispute is often written after the period it disputes).
   */
  annotations: readonly Annotation[];
  /** Kind → rubric category. Kinds left out use DEFAULT_RUBRIC. */
  rubric: Rubric;
  /** Category order; empty → DEFAULT_RUBRIC_ORDER. */
  rubricOrder: readonly string[];
  /** The repositories the reader may see. Anything from other repositories is dropped. */
  coveredRepositories: readonly CoveredRepository[];
  /** A sentence about coverage the report must add (e.g. access GitHub could not confirm). */
  coverageNote?: string | null;
  /** Hosts whose links name repositories (select-covered.ts repositoryHosts); default github.com. */
  repositoryHosts?: readonly string[];
  now: Date;
  /** Default DEFAULT_SCORE_THRESHOLD. */
  scoreThreshold?: number;
  /**
   * The earliest activity Unsung has recorded for the organisation (ISO), when the caller knows
   * it. A previous period that begins before it is only partly recorded, and is compared per day.
   * Without it, the person's own earliest record in the previous period is used.
   */
  recordsBegin?: string | null;
}

/** Builds the evidence packet for one engineer. Never throws on empty input. */
export function buildPersonReport(input: PersonReportInput): PersonReport {
  const { person, period } = input;
  const threshold = input.scoreThreshold ?? DEFAULT_SCORE_THRESHOLD;
  const prevPeriod = input.previousPeriod ?? previousPeriodOf(period);
  const coverage = coverageOf(input.coveredRepositories, input.repositoryHosts);
  const coverageModel = describeCoverage(input.coveredRepositories, input.coverageNote ?? null);

  const current = selectCoveredContributions(input.contributions, coverage).filter(
    (c) => c.personId === person.id && isInPeriod(c.occurredAt, period),
  );
  const previous = selectCoveredContributions(input.previousContributions, coverage).filter(
    (c) => c.personId === person.id && isInPeriod(c.occurredAt, prevPeriod),
  );
  const annotations = uniqueById(
    // Endorsements from outside the repository never count as a teammate's corroboration (endorsement.ts).
    selectCoveredAnnotations(input.annotations, coverage).filter((a) => a.subjectPersonId === person.id && isShownAnnotation(a)),
  ).sort(byCreatedAt);

  const merged = mergeContributions(current);
  const prevMerged = mergeContributions(previous);
  const category = (kind: ContributionKind): string => categoryOf(kind, input.rubric);
  // Work that absorbs a recurring problem, including earlier answers to a question that became a trap.
  const trapped = trappedItems(merged, prevMerged);

  // Attach annotations to the item they are about: by contribution key, else by link.
  const byKey = new Map<string, MergedContribution>();
  const byUrl = new Map<string, MergedContribution>();
  for (const m of merged) {
    for (const k of m.keys) byKey.set(k, m);
    if (m.matchUrl !== "" && !byUrl.has(m.matchUrl)) byUrl.set(m.matchUrl, m);
  }
  const itemOf = (a: Annotation): MergedContribution | null =>
    (a.contributionKey !== null ? byKey.get(a.contributionKey) : undefined) ??
    (a.link ? byUrl.get(normalizeUrl(a.link)) : undefined) ??
    null;

  const attached = new Map<string, Annotation[]>();
  const loose: Annotation[] = [];
  for (const a of annotations) {
    const m = itemOf(a);
    if (m) {
      const list = attached.get(m.key);
      if (list) list.push(a);
      else attached.set(m.key, [a]);
    } else {
      loose.push(a);
    }
  }

  // What peers vouched for: items, keys and links endorsed by someone other than the person.
  const peerEndorsements = annotations.filter((a) => a.kind === "endorse" && a.authorId !== person.id);
  const endorsedItems = new Map<string, string[]>();
  const endorsedRefs = new Map<string, string[]>();
  for (const e of peerEndorsements) {
    const m = itemOf(e);
    if (m) pushUnique(endorsedItems, m.key, e.authorLogin);
    if (e.contributionKey) pushUnique(endorsedRefs, `key:${e.contributionKey}`, e.authorLogin);
    if (e.link) pushUnique(endorsedRefs, `url:${normalizeUrl(e.link)}`, e.authorLogin);
  }

  const view = (a: Annotation): AnnotationView => {
    const byPerson = a.authorId === person.id;
    let corroboration: string | null = null;
    if (a.kind === "endorse") {
      if (!byPerson) corroboration = `Endorsed by @${a.authorLogin}, a teammate.`;
    } else if (a.kind !== "dispute") {
      const m = itemOf(a);
      const endorsers = [
        ...(m ? (endorsedItems.get(m.key) ?? []) : []),
        ...(a.contributionKey ? (endorsedRefs.get(`key:${a.contributionKey}`) ?? []) : []),
        ...(a.link ? (endorsedRefs.get(`url:${normalizeUrl(a.link)}`) ?? []) : []),
      ];
      if (a.kind === "claim" && m && a.link && normalizeUrl(a.link) === m.matchUrl) {
        corroboration = `Matches work Unsung detected: “${m.subjectTitle}”.`;
      } else if (endorsers.length > 0) {
        corroboration = `Endorsed by ${[...new Set(endorsers)].map((l) => `@${l}`).join(", ")}.`;
      }
    }
    return {
      id: a.id,
      kind: a.kind,
      authorId: a.authorId,
      authorLogin: a.authorLogin,
      byPerson,
      text: a.text ?? "",
      link: a.link,
      sourceUrl: a.sourceUrl,
      repository: a.repositoryFullName,
      contributionKey: a.contributionKey,
      createdAt: a.createdAt,
      standing: corroboration === null ? "self-reported" : "corroborated",
      corroboration,
    };
  };

  // Evidence items: listed if strong enough, or if someone said something about them.
  const isShallowReview = (m: MergedContribution): boolean => m.kind === "review" && (m.level === "rubber-stamp" || m.level === "light");
  const categoryItems = new Map<string, { items: EvidenceItem[]; omitted: OmittedCounts; total: number }>();
  const omittedAll: OmittedCounts = { rubberStampReviews: 0, lightReviews: 0, belowThreshold: 0 };
  for (const m of merged) {
    const name = category(m.kind);
    let bucket = categoryItems.get(name);
    if (!bucket) {
      bucket = { items: [], omitted: { rubberStampReviews: 0, lightReviews: 0, belowThreshold: 0 }, total: 0 };
      categoryItems.set(name, bucket);
    }
    bucket.total += 1;
    const notes = attached.get(m.key) ?? [];
    const trivial = isShallowReview(m) || m.score < threshold;
    if (trivial && notes.length === 0) {
      const field: keyof OmittedCounts = isShallowReview(m)
        ? m.level === "rubber-stamp"
          ? "rubberStampReviews"
          : "lightReviews"
        : "belowThreshold";
      bucket.omitted[field] += 1;
      omittedAll[field] += 1;
      continue;
    }
    const views = notes.map(view);
    const endorsedBy = endorsedItems.get(m.key) ?? [];
    bucket.items.push({
      key: m.key,
      mergedKeys: m.keys,
      kind: m.kind,
      kindLabel: KIND_LABELS[m.kind]?.one ?? m.kind,
      category: name,
      title: m.subjectTitle,
      url: m.subjectUrl,
      repository: m.repositoryFullName,
      repositoryPrivate: m.repositoryPrivate,
      occurredAt: m.occurredAt,
      score: Math.round(m.score),
      confidence: m.confidence,
      level: m.level,
      dynamics: trapped.has(m) ? "trap" : m.dynamics,
      formula: m.formula,
      signals: m.evidence,
      corroborated: endorsedBy.length > 0,
      endorsedBy,
      annotations: views.filter((v) => v.kind !== "dispute"),
      disputes: views.filter((v) => v.kind === "dispute"),
      listedBecauseAnnotated: trivial,
    });
  }

  const categoryNames = orderCategories(input.rubricOrder, categoryItems.keys());
  const categories: PersonCategory[] = categoryNames.map((name) => {
    const bucket = categoryItems.get(name);
    return {
      name,
      items: bucket ? [...bucket.items].sort(compareStrength) : [],
      omitted: bucket?.omitted ?? { rubberStampReviews: 0, lightReviews: 0, belowThreshold: 0 },
      total: bucket?.total ?? 0,
    };
  });

  const looseViews = loose.map(view);
  const ownWords = looseViews.filter((v) => v.kind === "note" || v.kind === "claim" || v.kind === "log");
  const endorsements = looseViews.filter((v) => v.kind === "endorse");
  const otherDisputes = looseViews.filter((v) => v.kind === "dispute");

  const hasPreviousData = prevMerged.length > 0;
  const recorded = previousRecorded(previous, prevPeriod, period, input.recordsBegin, input.now, "person", prevMerged.filter(isGlue).length);
  const dynamics = buildDynamics(merged, hasPreviousData ? prevMerged : null, period, prevPeriod, recorded, trapped);
  const comparison = buildPersonComparison(merged, prevMerged, prevPeriod, categoryNames, category, recorded, `@${person.login}`);

  // Items listed on their merit (not only because someone annotated a trivial one).
  const listedCount = categories.reduce((n, c) => n + c.items.filter((i) => !i.listedBecauseAnnotated).length, 0);
  const allViews = annotations.map(view);
  const summary = buildSummary({
    person,
    period,
    merged,
    substantial: merged.filter((m) => m.score >= threshold && !trapped.has(m)),
    current,
    listedCount,
    repositoryCount: new Set(merged.filter(isGlue).map((m) => m.repositoryFullName.toLowerCase())).size,
    coveredCount: coverageModel.repositories.length,
    views: allViews,
    looseDisputes: otherDisputes.length,
    dynamics,
    comparison,
  });

  return {
    type: "person",
    generatedAt: input.now.toISOString(),
    period,
    previousPeriod: prevPeriod,
    person: { id: person.id, login: person.login, name: person.name?.trim() ? person.name.trim() : null },
    coverage: coverageModel,
    summary,
    scoreThreshold: threshold,
    categories,
    omitted: omittedAll,
    ownWords,
    endorsements,
    otherDisputes,
    dynamics,
    comparison,
    howToRead: howToRead(threshold),
  };
}


function buildPersonComparison(
  merged: MergedContribution[],
  prevMerged: MergedContribution[],
  prevPeriod: Period,
  categoryNames: string[],
  category: (kind: ContributionKind) => string,
  recorded: PreviousRecorded | null,
  who: string,
): Comparison {
  // Rubber-stamp and light reviews are not glue work: they are left out of both periods.
  const cur = merged.filter(isGlue);
  const prev = prevMerged.filter(isGlue);
  // Any recorded activity (a light review too) means there is data: no glue work then is a fact, not a gap.
  const hasPreviousData = prevMerged.length > 0;
  const previous = hasPreviousData ? prev : null;
  const partial = hasPreviousData ? recorded : null;
  const scale = partial && partial.comparable && partial.recordedDays > 0 ? partial.currentDays / partial.recordedDays : null;
  const kinds = ALL_KINDS.filter((k) => cur.some((m) => m.kind === k) || prev.some((m) => m.kind === k));
  const byCategory = buildComparisonRows(
    categoryNames.map((c) => ({ key: c, label: c })),
    cur,
    previous,
    (m) => category(m.kind),
    scale,
  );
  const byKind = buildComparisonRows(
    kinds.map((k) => ({ key: k, label: glueKindHeading(k) })),
    cur,
    previous,
    (m) => m.kind,
    scale,
  );
  const message = !hasPreviousData
    ? `No data for the previous period (${prevPeriod.label}).`
    : partial
      ? partialChange(cur.length, prev.length, partial, prevPeriod.label, who)
      : `Compared with ${prevPeriod.label}: ${totalChange(cur.length, prev.length)}.`;
  // Too little recorded to extrapolate: counts are shown, trends are not claimed.
  if (partial && !partial.comparable) {
    for (const r of [...byCategory, ...byKind]) r.countTrend = "n/a";
  }
  return { previousPeriod: prevPeriod, hasPreviousData, previousRecorded: partial, message, byCategory, byKind };
}

function howToRead(threshold: number): Explanation[] {
  return [
    {
      title: "Score",
      text: "Each item has a score from 0 to 100 for how strong the evidence is that it was substantial glue work, with the signals that produced it listed under “Why it counts”. It is not a measure of the person.",
    },
    {
      title: "What is listed",
      text: `Items are listed strongest first (score, then most recent). Several contributions of the same kind on the same pull request or issue are merged into one item. Rubber-stamp and light reviews, and items scoring below ${threshold}, are counted but not listed, so padding never adds up. Only substantive and deep reviews count as glue work: rubber-stamp and light reviews are counted as review load, never as glue work.`,
    },
    {
      title: "Self-reported and corroborated",
      text: "Notes, claims and log entries are the person's own words: self-reported. They are corroborated when a teammate endorsed the same work, or when a claim links to work Unsung also detected. Endorsements by teammates are corroborated; an endorsement from someone with no relationship to the repository (not an owner, member, collaborator or earlier contributor) is left out.",
    },
    {
      title: "Disputes",
      text: "Where the person disputed what Unsung detected, the dispute is shown next to the item.",
    },
    {
      title: "Compared with the previous period",
      text: "Counts of glue work this period against the previous period of the same length. When the records of the previous period begin well into it (the app was installed, or history backfilled, only that far back, or the person only started then), counts are compared per 30 days, and not at all when too little was recorded to extrapolate from.",
    },
    {
      title: "Compounding or trap",
      text: `Glue work that makes a problem smaller for good compounds. Work that keeps absorbing the same problem (marked as a trap by a detector, or ${RECURRENCE_THRESHOLD} or more items of one kind on the same problem) is a trap, and the report suggests the systemic fix.`,
    },
  ];
}


function pushUnique(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}

function uniqueById(items: Annotation[]): Annotation[] {
  const seen = new Set<string>();
  return items.filter((a) => (seen.has(a.id) ? false : (seen.add(a.id), true)));
}

function byCreatedAt(a: Annotation, b: Annotation): number {
  const d = (Date.parse(a.createdAt) || 0) - (Date.parse(b.createdAt) || 0);
  return d !== 0 ? d : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
