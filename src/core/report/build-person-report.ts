/**
 * The per-engineer evidence packet: a summary a manager reads in a minute,
 * then evidence grouped the way the career rubric speaks, in the evidence
 * formula, with the engineer's own words and peers' endorsements next to it.
 *
 * Pure: rows in, model out. The caller reads the rows; `now` is passed in.
 */
import type { Annotation, Contribution, ContributionKind } from "../model.js";
import { buildComparisonRows, totalChange } from "./build-comparison.js";
import { describeCoverage } from "./describe-coverage.js";
import { compareStrength, mergeContributions, normalizeUrl, type MergedContribution } from "./merge-contributions.js";
import { isInPeriod, previousPeriod as previousPeriodOf, type Period } from "./period.js";
import { flakyOutcome, formatPercent, foundDefects, isRisky, mentees, recurrenceKey, reviewComments } from "./read-detail.js";
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
  RecurrenceFinding,
  SummaryLine,
} from "./report-model.js";
import { ALL_KINDS, categoryOf, countKind, KIND_LABELS, kindHeading, orderCategories, SYSTEMIC_FIXES, type Rubric } from "./rubric.js";
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
  now: Date;
  /** Default DEFAULT_SCORE_THRESHOLD. */
  scoreThreshold?: number;
}

/** Builds the evidence packet for one engineer. Never throws on empty input. */
export function buildPersonReport(input: PersonReportInput): PersonReport {
  const { person, period } = input;
  const threshold = input.scoreThreshold ?? DEFAULT_SCORE_THRESHOLD;
  const prevPeriod = input.previousPeriod ?? previousPeriodOf(period);
  const coverage = coverageOf(input.coveredRepositories);
  const coverageModel = describeCoverage(input.coveredRepositories);

  const current = selectCoveredContributions(input.contributions, coverage).filter(
    (c) => c.personId === person.id && isInPeriod(c.occurredAt, period),
  );
  const previous = selectCoveredContributions(input.previousContributions, coverage).filter(
    (c) => c.personId === person.id && isInPeriod(c.occurredAt, prevPeriod),
  );
  const annotations = uniqueById(
    selectCoveredAnnotations(input.annotations, coverage).filter((a) => a.subjectPersonId === person.id),
  ).sort(byCreatedAt);

  const merged = mergeContributions(current);
  const prevMerged = mergeContributions(previous);
  const category = (kind: ContributionKind): string => categoryOf(kind, input.rubric);

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
      dynamics: m.dynamics,
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
  const dynamics = buildDynamics(merged, hasPreviousData ? prevMerged : null, period);
  const comparison = buildPersonComparison(merged, prevMerged, prevPeriod, categoryNames, category);

  const listedCount = categories.reduce((n, c) => n + c.items.length, 0);
  const allViews = annotations.map(view);
  const summary = buildSummary({
    person,
    period,
    merged,
    substantial: merged.filter((m) => m.score >= threshold),
    current,
    listedCount,
    repositoryCount: new Set(merged.map((m) => m.repositoryFullName.toLowerCase())).size,
    coveredCount: coverageModel.repositories.length,
    views: allViews,
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
  dynamics: DynamicsSection;
  comparison: Comparison;
}

function buildSummary(s: SummaryInput): PersonReport["summary"] {
  const who = s.person.name?.trim() ? s.person.name.trim() : `@${s.person.login}`;
  const lines: SummaryLine[] = [];
  const ownEntries = s.views.filter((v) => v.byPerson && (v.kind === "note" || v.kind === "claim" || v.kind === "log"));
  const peerEndorsements = s.views.filter((v) => v.kind === "endorse" && !v.byPerson);

  if (s.merged.length === 0) {
    const headline = `Unsung found no glue work for ${who} in ${s.period.label} in the ${plural(s.coveredCount, "repository", "repositories")} this report covers.`;
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

  const headline =
    `${who}: ${plural(s.merged.length, "piece", "pieces")} of glue work in ${s.period.label} across ${plural(s.repositoryCount, "repository", "repositories")}` +
    (s.listedCount === s.merged.length
      ? `, all listed below.`
      : `; the ${s.listedCount} that carry the most evidence are listed below.`);

  // Reviews: depth, not volume.
  const reviews = s.merged.filter((m) => m.kind === "review");
  const deep = reviews.filter((m) => m.level === "deep");
  const substantive = reviews.filter((m) => m.level === "substantive");
  const depthful = [...deep, ...substantive];
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
    const figures = `failures ${formatPercent(outcome.before)} → ${formatPercent(outcome.after)}${outcome.runs !== null ? ` over ${outcome.runs} runs` : ""}`;
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

  const stewardKinds: ContributionKind[] = ["runbook", "docs", "ci-config", "template", "ownership", "test", "flaky-quarantine"];
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
  const pairing = s.substantial.filter((m) => m.kind === "co-authorship").length;
  if (pairing > 0) lines.push(plainLine(`Paired on ${plural(pairing, "change", "changes")} (co-authored commits)`));

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
  if (disputes > 0) lines.push(plainLine(`${plural(disputes, "dispute", "disputes")} of what Unsung detected, shown next to the item disputed`));
  if (s.dynamics.findings.length > 0) {
    lines.push(
      plainLine(
        `${plural(s.dynamics.findings.length, "kind of glue work keeps", "kinds of glue work keep")} recurring on the same problem: see “Compounding or trap” for the systemic fix`,
      ),
    );
  }
  lines.push(plainLine(s.comparison.message));
  return { headline, lines, empty: false };
}

function buildDynamics(merged: MergedContribution[], previous: MergedContribution[] | null, period: Period): DynamicsSection {
  const compoundingItems = merged.filter((m) => m.dynamics === "compounding");
  const trapItems = merged.filter((m) => m.dynamics === "trap");
  const keyOf = (m: MergedContribution): string | null => {
    for (const p of m.parts) {
      const k = recurrenceKey(p);
      if (k !== null) return k;
    }
    return null;
  };
  const groups = new Map<string, { kind: ContributionKind; problem: string | null; items: MergedContribution[] }>();
  for (const m of merged) {
    const problem = keyOf(m);
    // Without a named problem, only what a detector marked as a trap is grouped (by kind).
    if (problem === null && m.dynamics !== "trap") continue;
    const id = `${m.kind}\u0000${problem?.toLowerCase() ?? ""}`;
    const g = groups.get(id);
    if (g) g.items.push(m);
    else groups.set(id, { kind: m.kind, problem, items: [m] });
  }
  const mid = (Date.parse(period.from) + Date.parse(period.to)) / 2;
  const findings: RecurrenceFinding[] = [];
  for (const g of groups.values()) {
    const hasTrap = g.items.some((m) => m.dynamics === "trap");
    if (!hasTrap && g.items.length < RECURRENCE_THRESHOLD) continue;
    const count = g.items.length;
    const previousCount =
      previous === null
        ? null
        : previous.filter(
            (p) =>
              p.kind === g.kind &&
              (g.problem === null ? p.dynamics === "trap" && keyOf(p) === null : keyOf(p)?.toLowerCase() === g.problem.toLowerCase()),
          ).length;
    let trend: RecurrenceFinding["trend"] = "unknown";
    let trendBasis: RecurrenceFinding["trendBasis"] = "none";
    let trendText = "";
    if (previousCount !== null) {
      trendBasis = "previous-period";
      trend = previousCount === 0 ? "new" : count > previousCount ? "growing" : count < previousCount ? "shrinking" : "steady";
      trendText =
        trend === "new"
          ? " It did not come up in the previous period."
          : trend === "growing"
            ? ` It is getting bigger: ${previousCount} in the previous period.`
            : trend === "shrinking"
              ? ` It is getting smaller: ${previousCount} in the previous period.`
              : ` It is not getting smaller: also ${previousCount} in the previous period.`;
    } else if (count >= 2) {
      trendBasis = "within-period";
      const firstHalf = g.items.filter((m) => Date.parse(m.occurredAt) < mid).length;
      const secondHalf = count - firstHalf;
      trend = secondHalf > firstHalf ? "growing" : secondHalf < firstHalf ? "shrinking" : "steady";
      trendText =
        trend === "growing"
          ? ` It came up more in the second half of the period (${secondHalf}) than in the first (${firstHalf}).`
          : trend === "shrinking"
            ? ` It came up less in the second half of the period (${secondHalf}) than in the first (${firstHalf}).`
            : ` It came up as often in the second half of the period as in the first (${firstHalf} each).`;
    }
    const what = countKind(g.kind, count);
    const text =
      (g.problem !== null
        ? `${capitalise(what)} on the same problem (${g.problem}) this period`
        : `${capitalise(what)} marked as absorbing a recurring problem rather than removing it`) +
      (hasTrap && g.problem !== null ? ", marked as a trap." : ".") +
      trendText;
    findings.push({
      kind: g.kind,
      problem: g.problem,
      count,
      reason: hasTrap ? "trap" : "recurring",
      previousCount,
      trend,
      trendBasis,
      text,
      suggestion: SYSTEMIC_FIXES[g.kind] ?? "Look for the systemic fix that makes this work unnecessary.",
      items: [...g.items]
        .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt))
        .map((m) => ({ title: m.subjectTitle, url: m.subjectUrl, occurredAt: m.occurredAt })),
    });
  }
  findings.sort((a, b) => b.count - a.count || ALL_KINDS.indexOf(a.kind) - ALL_KINDS.indexOf(b.kind) || (a.problem ?? "").localeCompare(b.problem ?? "", "en"));

  const text =
    merged.length === 0
      ? "Nothing to assess this period."
      : `${plural(compoundingItems.length, "piece", "pieces")} of work compound (they make a problem smaller for good); ` +
        `${plural(trapItems.length, "piece", "pieces")} ${trapItems.length === 1 ? "looks" : "look"} like a trap (absorbing a recurring problem).` +
        (findings.length === 0 ? " No glue work recurred on the same problem." : "");
  return {
    compoundingCount: compoundingItems.length,
    trapCount: trapItems.length,
    compounding: compoundingItems.slice(0, 5).map((m) => ({ title: m.subjectTitle, url: m.subjectUrl, kind: m.kind })),
    findings,
    text,
  };
}

function buildPersonComparison(
  merged: MergedContribution[],
  prevMerged: MergedContribution[],
  prevPeriod: Period,
  categoryNames: string[],
  category: (kind: ContributionKind) => string,
): Comparison {
  const hasPreviousData = prevMerged.length > 0;
  const previous = hasPreviousData ? prevMerged : null;
  const kinds = ALL_KINDS.filter((k) => merged.some((m) => m.kind === k) || prevMerged.some((m) => m.kind === k));
  const byCategory = buildComparisonRows(
    categoryNames.map((c) => ({ key: c, label: c })),
    merged,
    previous,
    (m) => category(m.kind),
  );
  const byKind = buildComparisonRows(
    kinds.map((k) => ({ key: k, label: kindHeading(k) })),
    merged,
    previous,
    (m) => m.kind,
  );
  const message = !hasPreviousData
    ? `No data for the previous period (${prevPeriod.label}).`
    : `Compared with ${prevPeriod.label}: ${totalChange(merged.length, prevMerged.length)}.`;
  return { previousPeriod: prevPeriod, hasPreviousData, message, byCategory, byKind };
}

function howToRead(threshold: number): Explanation[] {
  return [
    {
      title: "Score",
      text: "Each item has a score from 0 to 100 for how strong the evidence is that it was substantial glue work, with the signals that produced it listed under “Why it counts”. It is not a measure of the person.",
    },
    {
      title: "What is listed",
      text: `Items are listed strongest first (score, then most recent). Several contributions of the same kind on the same pull request or issue are merged into one item. Rubber-stamp and light reviews, and items scoring below ${threshold}, are counted but not listed, so padding never adds up.`,
    },
    {
      title: "Self-reported and corroborated",
      text: "Notes, claims and log entries are the person's own words: self-reported. They are corroborated when a teammate endorsed the same work, or when a claim links to work Unsung also detected. Endorsements by teammates are corroborated.",
    },
    {
      title: "Disputes",
      text: "Where the person disputed what Unsung detected, the dispute is shown next to the item.",
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
