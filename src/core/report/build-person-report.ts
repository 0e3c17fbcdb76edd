/**
 * The per-engineer evidence packet: a summary a manager reads in a minute,
 * then evidence grouped the way the career rubric speaks, in the evidence
 * formula, with the engineer's own words and peers' endorsements next to it.
 *
 * Pure: rows in, model out. The caller reads the rows; `now` is passed in.
 */
import type { Annotation, Contribution, ContributionKind } from "../model.js";
import { buildComparisonRows, countTrend, partialChange, rateTrend, totalChange } from "./build-comparison.js";
import { describeCoverage } from "./describe-coverage.js";
import { isShownAnnotation } from "./endorsement.js";
import { fixAuthor, glueKindHeading, isDepthfulReview, isGlue, previousRecorded, rerunOutcome, sameQuestionGroups, trappedItems } from "./glue.js";
import { compareStrength, mergeContributions, normalizeUrl, sortByStrength, type MergedContribution } from "./merge-contributions.js";
import { isInPeriod, previousPeriod as previousPeriodOf, type Period } from "./period.js";
import { flakyOutcome, formatPercent, foundDefects, isRisky, mentees, pairedWith, recurrenceKey, rerunCount, reviewComments } from "./read-detail.js";
import type {
  AnnotationView,
  Comparison,
  DynamicsSection,
  EvidenceItem,
  Explanation,
  Inline,
  OmittedCounts,
  PersonCategory,
  PersonReport,
  PreviousRecorded,
  RecurrenceFinding,
  SummaryLine,
} from "./report-model.js";
import { ALL_KINDS, categoryOf, countKind, KIND_LABELS, orderCategories, SYSTEMIC_FIXES, type Rubric } from "./rubric.js";
import { coverageOf, selectCoveredAnnotations, selectCoveredContributions, type CoveredRepository } from "./select-covered.js";

/** Items scoring below this are summarised as a count instead of listed. */
export const DEFAULT_SCORE_THRESHOLD = 25;

/** Same kind on the same recurring problem this many times (or more) is flagged. */
export const RECURRENCE_THRESHOLD = 3;

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

interface SummaryInput {
  person: ReportPerson;
  period: Period;
  merged: MergedContribution[];
  /** Items at or above the score threshold: what summary counts are made of, so trivia never adds up. */
  substantial: MergedContribution[];
  current: Contribution[];
  listedCount: number;
  repositoryCount: number;
  coveredCount: number;
  views: AnnotationView[];
  /** Disputes that match no item in this report (e.g. of credit Unsung never gave). */
  looseDisputes: number;
  dynamics: DynamicsSection;
  comparison: Comparison;
}

function buildSummary(s: SummaryInput): PersonReport["summary"] {
  const who = s.person.name?.trim() ? s.person.name.trim() : `@${s.person.login}`;
  const lines: SummaryLine[] = [];
  const ownEntries = s.views.filter((v) => v.byPerson && (v.kind === "note" || v.kind === "claim" || v.kind === "log"));
  const peerEndorsements = s.views.filter((v) => v.kind === "endorse" && !v.byPerson);
  const glue = s.merged.filter(isGlue);
  const reviews = s.merged.filter((m) => m.kind === "review");
  const stamps = reviews.filter((m) => m.level === "rubber-stamp").length;

  if (glue.length === 0) {
    const headline = `Unsung found no glue work for ${who} in ${s.period.label} in the ${plural(s.coveredCount, "repository", "repositories")} this report covers.`;
    if (reviews.length > 0) {
      const light = reviews.length - stamps;
      const parts = [light > 0 ? `${light} light` : "", stamps > 0 ? `${plural(stamps, "approval", "approvals")} with no visible review` : ""].filter((p) => p !== "");
      lines.push(plainLine(`${plural(reviews.length, "review", "reviews")}, none substantive or deep (${parts.join(", ")}): review load, not glue work.`));
    }
    lines.push(
      plainLine(
        "That doesn't mean there wasn't any. Mentoring, facilitation and other work off GitHub only shows up when it is logged, and missed work can be claimed; both are listed below when present.",
      ),
    );
    if (ownEntries.length > 0) {
      lines.push(
        plainLine(
          `${plural(ownEntries.length, "entry", "entries")} in their own words (notes, claims, log entries) ${ownEntries.length === 1 ? "is" : "are"} listed below.`,
        ),
      );
    }
    if (peerEndorsements.length > 0) {
      lines.push(plainLine(`${plural(peerEndorsements.length, "endorsement", "endorsements")} from teammates.`));
    }
    if (s.comparison.hasPreviousData) lines.push(plainLine(s.comparison.message));
    return { headline, lines, empty: true };
  }

  const listed =
    s.listedCount === glue.length
      ? ", all listed below."
      : s.listedCount === 0
        ? "; none carries enough evidence on its own to be listed (see the counts below)."
        : s.listedCount === 1
          ? "; the one that carries the most evidence is listed below."
          : `; the ${s.listedCount} that carry the most evidence are listed below.`;
  const headline = `${who}: ${plural(glue.length, "piece", "pieces")} of glue work in ${s.period.label} across ${plural(s.repositoryCount, "repository", "repositories")}${listed}`;

  // Reviews: depth, not volume.
  const deep = reviews.filter((m) => m.level === "deep");
  const substantive = reviews.filter((m) => m.level === "substantive");
  const depthful = reviews.filter(isDepthfulReview);
  if (depthful.length > 0) {
    const risky = depthful.filter((m) => m.parts.some(isRisky)).length;
    let text =
      deep.length > 0 && substantive.length > 0
        ? `${deep.length} deep and ${substantive.length} substantive reviews`
        : deep.length > 0
          ? plural(deep.length, "deep review", "deep reviews")
          : plural(substantive.length, "substantive review", "substantive reviews");
    const defects = depthful.filter((m) => m.parts.some(foundDefects)).length;
    if (risky > 0) text += risky === depthful.length ? " on risky changes" : `, ${risky} of them on risky changes`;
    else if (defects > 0) {
      const which = defects < depthful.length ? `, ${defects} of them` : depthful.length === 1 ? "," : ", all of them";
      text += `${which} catching defects or security problems`;
    }
    lines.push(plainLine(text));
  } else if (reviews.length > 0 && stamps === reviews.length) {
    lines.push(plainLine(`${plural(stamps, "approval", "approvals")} with no visible review (rubber ${stamps === 1 ? "stamp" : "stamps"}): not counted as glue work`));
  } else if (reviews.length > 0) {
    const light = reviews.length - stamps;
    const parts = [`${light} light`, stamps > 0 ? `${plural(stamps, "approval", "approvals")} with no visible review` : ""].filter((p) => p !== "");
    lines.push(plainLine(`${plural(reviews.length, "review", "reviews")}, none substantive or deep (${parts.join(", ")}): review load, not glue work`));
  }
  let commentTotal = 0;
  let commentLed = 0;
  for (const c of s.current) {
    if (c.kind !== "review") continue;
    const rc = reviewComments(c);
    if (rc) {
      commentTotal += rc.total;
      commentLed += rc.ledToChange;
    }
  }
  if (commentTotal > 0) {
    lines.push(plainLine(`${commentLed} of ${plural(commentTotal, "review comment", "review comments")} led to changes`));
  }

  // Flaky tests: measured outcomes first.
  const flaky = s.merged.filter((m) => m.kind === "flaky-fix");
  let shownFlaky = 0;
  for (const m of flaky) {
    if (shownFlaky >= 2) break;
    const outcome = m.parts.map(flakyOutcome).find((o) => o !== null);
    if (!outcome) continue;
    shownFlaky += 1;
    const counts =
      outcome.beforeBad !== null && outcome.beforeRuns !== null && outcome.afterBad !== null && outcome.afterRuns !== null
        ? ` (${outcome.beforeBad} of ${outcome.beforeRuns} runs before, ${outcome.afterBad} of ${outcome.afterRuns} after)`
        : outcome.runs !== null
          ? ` over ${outcome.runs} runs`
          : "";
    const figures = outcome.branch
      ? `failures and re-runs on ${outcome.branch} ${formatPercent(outcome.before)} → ${formatPercent(outcome.after)}${counts}`
      : `failures ${formatPercent(outcome.before)} → ${formatPercent(outcome.after)}${counts}`;
    // Only a falling failure rate is a fix; otherwise say what was measured.
    const verb = outcome.after < outcome.before ? "Fixed" : "Worked on";
    const tail = outcome.after < outcome.before ? "" : " (not better yet)";
    const parts: Inline[] = outcome.job
      ? [text(`${verb} the flaky `), { type: "code", text: outcome.job }, text(` job: ${figures}${tail}`)]
      : [text(`${verb} a flaky test (`), { type: "link", text: m.subjectTitle, url: m.subjectUrl }, text(`): ${figures}${tail}`)];
    lines.push(richLine(parts));
  }
  if (flaky.length > shownFlaky) {
    lines.push(
      plainLine(
        shownFlaky > 0
          ? `${plural(flaky.length - shownFlaky, "more flaky-test fix", "more flaky-test fixes")}`
          : `Fixed ${plural(flaky.length, "flaky test", "flaky tests")}`,
      ),
    );
  }

  // Quarantines are traps, not stewardship: they are named in the trap lines below.
  const stewardKinds: ContributionKind[] = ["runbook", "docs", "ci-config", "template", "ownership", "test"];
  const stewardship = stewardKinds
    .map((k) => ({ k, n: s.substantial.filter((m) => m.kind === k).length }))
    .filter((x) => x.n > 0)
    .map((x) => countKind(x.k, x.n));
  if (stewardship.length > 0) lines.push(plainLine(`Wrote or improved ${joinWords(stewardship)}`));

  const triage = s.substantial.filter((m) => m.kind === "triage").length;
  if (triage > 0) lines.push(plainLine(`Clarified or triaged ${plural(triage, "issue", "issues")}`));

  const mentoring = s.substantial.filter((m) => m.kind === "mentoring");
  if (mentoring.length > 0) {
    const people = new Set(mentoring.flatMap((m) => m.parts.flatMap(mentees)).map((l) => l.toLowerCase()));
    lines.push(
      plainLine(
        people.size > 0
          ? `Mentored ${plural(people.size, "person", "people")} (${plural(mentoring.length, "mentoring contribution", "mentoring contributions")})`
          : `${plural(mentoring.length, "mentoring contribution", "mentoring contributions")}`,
      ),
    );
  }
  const pairing = s.substantial.filter((m) => m.kind === "co-authorship");
  if (pairing.length > 0) {
    const partners = new Set(pairing.flatMap((m) => m.parts.flatMap(pairedWith)).map((l) => l.toLowerCase()));
    lines.push(
      plainLine(
        `Paired on ${plural(pairing.length, "change", "changes")} (co-authored commits)` +
          (partners.size > 0 ? ` with ${plural(partners.size, "person", "people")}` : ""),
      ),
    );
  }

  if (peerEndorsements.length > 0) {
    const endorsers = new Set(peerEndorsements.map((v) => v.authorId)).size;
    lines.push(
      plainLine(`${plural(peerEndorsements.length, "endorsement", "endorsements")} from ${plural(endorsers, "teammate", "teammates")}`),
    );
  }
  if (ownEntries.length > 0) {
    const corroborated = ownEntries.filter((v) => v.standing === "corroborated").length;
    lines.push(
      plainLine(
        `${plural(ownEntries.length, "entry", "entries")} in their own words (notes, claims, log entries)` +
          (corroborated > 0 ? `, ${corroborated} of them corroborated` : ", self-reported"),
      ),
    );
  }
  const disputes = s.views.filter((v) => v.kind === "dispute").length;
  const attached = disputes - s.looseDisputes;
  if (attached > 0) lines.push(plainLine(`${plural(attached, "dispute", "disputes")} of what Unsung detected, shown next to the item disputed`));
  if (s.looseDisputes > 0) {
    lines.push(
      plainLine(`${plural(s.looseDisputes, "dispute", "disputes")} about work this report does not credit, shown under “In their own words, and from peers”`),
    );
  }
  for (const f of s.dynamics.findings.slice(0, 3)) lines.push(plainLine(f.headline));
  if (s.dynamics.findings.length > 3) {
    lines.push(plainLine(`${plural(s.dynamics.findings.length - 3, "more kind", "more kinds")} of glue work keep recurring: see “Compounding or trap”`));
  }
  lines.push(plainLine(s.comparison.message));
  return { headline, lines, empty: false };
}

interface Grouped {
  kind: ContributionKind;
  /** What makes two items the same problem (lower case), or "" for unnamed traps. */
  id: string;
  /** The problem in words, or null when no detector named it. */
  problem: string | null;
  /** True when the items answer the same question (triage linked as similar). */
  question: boolean;
}

/** Groups items that work on the same recurring problem, in this period and the previous one. */
function recurrenceGroups(all: readonly MergedContribution[]): (m: MergedContribution) => Grouped | null {
  const questions = sameQuestionGroups(all);
  const cache = new Map<MergedContribution, Grouped | null>();
  return (m) => {
    if (cache.has(m)) return cache.get(m)!;
    let g: Grouped | null = null;
    const q = questions.get(m);
    if (q) g = { kind: m.kind, id: `question:${q.id}`, problem: `the question “${q.title}”`, question: true };
    else {
      for (const p of m.parts) {
        const k = recurrenceKey(p);
        if (k !== null) {
          g = { kind: m.kind, id: k.toLowerCase(), problem: k, question: false };
          break;
        }
      }
    }
    // Without a named problem, only what a detector marked as a trap is grouped (by kind).
    if (g === null && m.dynamics === "trap") g = { kind: m.kind, id: "", problem: null, question: false };
    cache.set(m, g);
    return g;
  };
}

function buildDynamics(
  merged: MergedContribution[],
  previous: MergedContribution[] | null,
  period: Period,
  prevPeriod: Period,
  recorded: PreviousRecorded | null,
  trapped: ReadonlySet<MergedContribution>,
): DynamicsSection {
  // One line per piece of work: a review and a mentoring item on the same pull request are one piece.
  const compoundingItems: MergedContribution[] = [];
  const seenUrls = new Set<string>();
  for (const m of sortByStrength(merged.filter((x) => x.dynamics === "compounding" && isGlue(x)))) {
    const id = m.matchUrl || m.key;
    if (seenUrls.has(id)) continue;
    seenUrls.add(id);
    compoundingItems.push(m);
  }
  const trapItems = merged.filter((m) => trapped.has(m));
  const groupOf = recurrenceGroups([...merged, ...(previous ?? [])]);
  const groups = new Map<string, { g: Grouped; items: MergedContribution[] }>();
  for (const m of merged) {
    const g = groupOf(m);
    if (g === null) continue;
    const id = `${m.kind}\u0000${g.id}`;
    const entry = groups.get(id);
    if (entry) entry.items.push(m);
    else groups.set(id, { g, items: [m] });
  }
  const mid = (Date.parse(period.from) + Date.parse(period.to)) / 2;
  const scale = recorded && recorded.recordedDays > 0 ? recorded.currentDays / recorded.recordedDays : null;
  const prevLabel = prevPeriod.label;
  const prevWhere = recorded ? `the recorded part of ${prevLabel} (from ${recorded.recordedFrom.slice(0, 10)})` : prevLabel;
  const findings: RecurrenceFinding[] = [];
  for (const { g, items } of groups.values()) {
    const hasTrap = items.some((m) => trapped.has(m));
    if (!hasTrap && items.length < RECURRENCE_THRESHOLD) continue;
    const count = items.length;
    const before = previous === null ? null : previous.filter((p) => p.kind === g.kind && groupOf(p)?.id === g.id);
    const previousCount = before === null ? null : before.length;
    // Manual re-runs are measured in re-runs, not in months with re-runs: a month of 20 is not a month of 3.
    const reruns = g.kind === "ci-rerun";
    const weight = (list: readonly MergedContribution[]): number => (reruns ? rerunCount(list.flatMap((m) => m.parts)) : list.length);
    const amount = (n: number): string => (reruns ? plural(n, "re-run", "re-runs") : String(n));
    const now = weight(items);
    const then = before === null ? null : weight(before);
    let trend: RecurrenceFinding["trend"] = "unknown";
    let trendBasis: RecurrenceFinding["trendBasis"] = "none";
    let trendText = "";
    let trendShort = "";
    if (then !== null) {
      trendBasis = "previous-period";
      // A partly recorded earlier period holds too few occurrences for a rate: it only shows the
      // problem is not getting smaller when it comes up at least as often now as then.
      const t = scale === null ? countTrend(now, then) : then === 0 ? "new" : now >= then ? "same" : rateTrend(now, then, scale);
      trend = t === "new" ? "new" : t === "up" ? "growing" : t === "down" || t === "gone" ? "shrinking" : "steady";
      const per = scale === null || now >= then ? "" : " (per day, as the earlier period is only partly recorded)";
      trendText =
        trend === "new"
          ? ` It did not come up in ${prevWhere}.`
          : trend === "growing"
            ? ` It is getting bigger${per}: ${amount(then)} in ${prevWhere}.`
            : trend === "shrinking"
              ? ` It is getting smaller${per}: ${amount(then)} in ${prevWhere}.`
              : ` It is not getting smaller${per}: ${amount(then)} in ${prevWhere}.`;
      trendShort =
        trend === "new"
          ? ""
          : trend === "shrinking"
            ? `, down from ${amount(then)} in ${prevWhere}: getting smaller`
            : `, after ${amount(then)} in ${prevWhere}: not getting smaller`;
    } else if (count >= 2) {
      trendBasis = "within-period";
      const firstHalf = weight(items.filter((m) => Date.parse(m.occurredAt) < mid));
      const secondHalf = now - firstHalf;
      trend = secondHalf > firstHalf ? "growing" : secondHalf < firstHalf ? "shrinking" : "steady";
      trendText =
        trend === "growing"
          ? ` It came up more in the second half of the period (${amount(secondHalf)}) than in the first (${amount(firstHalf)}).`
          : trend === "shrinking"
            ? ` It came up less in the second half of the period (${amount(secondHalf)}) than in the first (${amount(firstHalf)}).`
            : ` It came up as often in the second half of the period as in the first (${amount(firstHalf)} each).`;
      trendShort = trend === "shrinking" ? ": less often lately" : ": not getting smaller";
    }
    const what = countKind(g.kind, count);
    const rerun = reruns ? rerunFinding(items, g.problem, now, count, hasTrap) : null;
    const text = rerun
      ? rerun.text(trendText)
      : (g.kind === "flaky-quarantine" && g.problem === null
        ? `${capitalise(what)}: the test is skipped or retried, not fixed, so the flakiness stays hidden and the fix is still owed.`
        : (g.problem !== null
            ? `${capitalise(what)} on the same problem (${g.problem}) this period`
            : `${capitalise(what)} marked as absorbing a recurring problem rather than removing it`) + (hasTrap && g.problem !== null ? ", marked as a trap." : ".")) + trendText;
    const lead = hasTrap ? "Trap" : "Recurring";
    const body =
      g.question && g.problem !== null
        ? `answered the same question (${g.problem.replace(/^the question /, "")}) ${times(count)} this period`
        : g.kind === "flaky-quarantine"
          ? `quarantined ${count === 1 ? "a flaky test" : `${count} flaky tests`} instead of fixing ${count === 1 ? "it" : "them"}`
          : g.problem !== null
            ? `${what} on the same problem (${g.problem})`
            : `${what} absorbing a recurring problem`;
    const headline = `${lead}: ${rerun ? rerun.body : body}${trendShort}${rerun?.tail ?? ""}. See “Compounding or trap” for the systemic fix.`;
    const occurrences = [...items, ...(before ?? [])].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
    findings.push({
      kind: g.kind,
      problem: g.problem,
      count,
      reason: hasTrap ? "trap" : "recurring",
      previousCount,
      trend,
      trendBasis,
      text,
      headline,
      suggestion: rerun?.suggestion ?? SYSTEMIC_FIXES[g.kind] ?? "Look for the systemic fix that makes this work unnecessary.",
      items: occurrences.map((m) => ({ title: m.subjectTitle, url: m.subjectUrl, occurredAt: m.occurredAt })),
    });
  }
  findings.sort((a, b) => b.count - a.count || ALL_KINDS.indexOf(a.kind) - ALL_KINDS.indexOf(b.kind) || (a.problem ?? "").localeCompare(b.problem ?? "", "en"));

  const n = compoundingItems.length;
  const t = trapItems.length;
  const text =
    merged.length === 0
      ? "Nothing to assess this period."
      : `${n} ${n === 1 ? "piece of work compounds" : "pieces of work compound"} (they make a problem smaller for good); ` +
        `${t} ${t === 1 ? "piece looks" : "pieces look"} like a trap (absorbing a recurring problem).` +
        (findings.length === 0 ? " No glue work recurred on the same problem." : "");
  return {
    compoundingCount: n,
    trapCount: t,
    compounding: compoundingItems.slice(0, 8).map((m) => ({ title: m.subjectTitle, url: m.subjectUrl, kind: m.kind })),
    findings,
    text,
  };
}

/**
 * The words of a manual CI re-run finding: how many re-runs over how many months, and whether a
 * flaky-test fix later ended them (or some came even after a fix).
 */
function rerunFinding(
  items: readonly MergedContribution[],
  problem: string | null,
  reruns: number,
  months: number,
  trap: boolean,
): { text: (trendText: string) => string; body: string; tail: string; suggestion: string } {
  const login = items[0]?.personLogin ?? null;
  const what = problem ?? "a CI workflow";
  const outcome = rerunOutcome(items);
  const over = months > 1 ? ` across ${plural(months, "month", "months")}` : "";
  let after = "";
  let tail = "";
  let suggestion = SYSTEMIC_FIXES["ci-rerun"];
  if (outcome.despite) {
    const f = outcome.despite.fix;
    after += ` ${plural(outcome.despite.reruns, "re-run", "re-runs")} came after ${fixAuthor(f, login)} flaky-test fix “${f.title}” (merged ${f.mergedAt.slice(0, 10)}): the workflow is still flaky.`;
  }
  if (outcome.endedBy) {
    const f = outcome.endedBy;
    after += ` The problem was later fixed: ${fixAuthor(f, login)} flaky-test fix “${f.title}” was merged on ${f.mergedAt.slice(0, 10)}, and no repeated re-runs by them are recorded after it.`;
    tail = ` — until ${fixAuthor(f, login)} flaky-test fix (merged ${f.mergedAt.slice(0, 10)})`;
    suggestion = `Done after the fact: ${fixAuthor(f, login)} flaky-test fix “${f.title}” (merged ${f.mergedAt.slice(0, 10)}) addressed the cause these re-runs were absorbing. Next time, fix or quarantine-and-fix the flaky test first, and keep tracking the workflow's re-run rate.`;
  }
  return {
    text: (trendText) =>
      `Re-ran ${what} by hand ${times(reruns)}${over} this period${trap ? ", marked as a trap" : ""}: each re-run got one build through and left the flaky test in place.${trendText}${after}`,
    body: `re-ran ${what} by hand ${times(reruns)}${over}`,
    tail,
    suggestion,
  };
}

function times(n: number): string {
  return n === 1 ? "once" : n === 2 ? "twice" : `${n} times`;
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

function text(t: string): Inline {
  return { type: "text", text: t };
}

function plainLine(t: string): SummaryLine {
  return { text: t, parts: [text(t)] };
}

function richLine(parts: Inline[]): SummaryLine {
  return { text: parts.map((p) => p.text).join(""), parts };
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function joinWords(words: string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
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
