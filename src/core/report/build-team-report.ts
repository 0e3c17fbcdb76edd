/**
 * The team report: how deep the team's reviews go, who carries the review
 * load, how each kind of glue work is spread across the team (and where one
 * person has become a bottleneck), which areas get no reviewer depth, and how
 * things moved. It is not a leaderboard: people are listed alphabetically
 * unless ranking is asked for explicitly.
 *
 * Pure: rows in, model out.
 */
import type { Contribution, ContributionKind } from "../model.js";
import { comparisonRowsOf, partialChange, scoreStats, totalChange, type ScoreStats } from "./build-comparison.js";
import { describeCoverage } from "./describe-coverage.js";
import { gini } from "./gini.js";
import { fixAuthor, glueKindHeading, isGlue, previousRecorded, rerunOutcome, sameQuestionGroups, trappedItems } from "./glue.js";
import { mergeContributions, type MergedContribution } from "./merge-contributions.js";
import { isInPeriod, monthsOf, previousPeriod as previousPeriodOf, type Period } from "./period.js";
import { formatPercent, recurrenceKey, rerunCount } from "./read-detail.js";
import type {
  AreaDepth,
  DepthCounts,
  Explanation,
  KindDistribution,
  MonthBucket,
  PreviousRecorded,
  ReviewerDepthRow,
  SummaryLine,
  TeamPersonRow,
  TeamReport,
  TeamTrends,
} from "./report-model.js";
import { ALL_KINDS, categoryOf, KIND_LABELS, type Rubric } from "./rubric.js";
import { countPeriod, depthKey, emptyTally, monthOf, tallyReviews, type DepthKey, type PeriodCounts, type ReviewTally } from "./review-tally.js";
import { coverageOf, selectCoveredContributions, type Coverage, type CoveredRepository } from "./select-covered.js";
import { plural } from "./phrasing.js";

export { gini } from "./gini.js";

/** A kind of glue work is flagged when one person does at least this share of it… */
export const HERO_SHARE = 0.5;
/** …or when its Gini coefficient is at least this… */
export const HERO_GINI = 0.6;
/**
 * …and, for the Gini rule, one person did at least this share: in a large team most people do
 * none of a specialised kind, which makes the Gini coefficient high without anyone carrying it.
 */
export const HERO_GINI_MIN_SHARE = 1 / 3;
/** …provided the kind has at least this many items (fewer is noise). */
export const HERO_MIN_ITEMS = 5;

/** The kinds whose `detail` the team report reads (same-question groups, manual re-run traps); of the others it needs none. */
export const TEAM_DETAIL_KINDS: readonly ContributionKind[] = ["triage", "ci-rerun"];

/** A member of the team. */
export interface TeamMember {
  /** GitHub numeric user id (Contribution.personId). */
  id: number;
  login: string;
  name?: string | null;
}

/** How many reviews a person submitted in the period (all reviews, including ones no detector credited). */
export interface ReviewsSubmitted {
  personId: number;
  reviews: number;
}

/** Everything the team report is built from. */
export interface TeamReportInput {
  people: readonly TeamMember[];
  period: Period;
  /** Defaults to previousPeriod(period). */
  previousPeriod?: Period | null;
  /** These people's contributions with occurredAt in `period`. Anyone else's are dropped. */
  contributions: readonly Contribution[];
  /** These people's contributions in the previous period. */
  previousContributions: readonly Contribution[];
  /** Kind → rubric category (for grouping kinds). Kinds left out use DEFAULT_RUBRIC. */
  rubric?: Rubric;
  /** Order people by total evidence instead of alphabetically. Default false: this is not a leaderboard. */
  ranking?: boolean;
  /** The repositories the reader may see. Anything from other repositories is dropped. */
  coveredRepositories: readonly CoveredRepository[];
  /** A sentence about coverage the report must add (e.g. access GitHub could not confirm). */
  coverageNote?: string | null;
  /**
   * Reviews submitted per reviewer in the period, in covered repositories only, bots excluded.
   * When given, review load share uses these counts; otherwise it uses review contributions.
   */
  reviewsByReviewer?: readonly ReviewsSubmitted[];
  /** When the report was generated (for its header); omitted → no date shown. */
  now?: Date | null;
  /**
   * The earliest activity Unsung has recorded for the organisation (ISO), when the caller knows
   * it. A previous period that begins before it is only partly recorded, and is compared per day.
   * Without it, the earliest of the team's contributions in the previous period is used.
   */
  recordsBegin?: string | null;
  /**
   * The team's reviews in `period`, already tallied (by the database, see src/store/review-tallies.ts)
   * for these people in the covered repositories. When given, review contributions in
   * `contributions` are ignored; otherwise they are tallied here. Either way the report counts the same.
   */
  reviewTally?: ReviewTally | null;
  /**
   * The previous period's work of every kind but TEAM_DETAIL_KINDS (reviews too), already counted
   * (by the database) for these people in the covered repositories. When given, those kinds in
   * `previousContributions` are ignored; otherwise they are counted here.
   */
  previousCounts?: PeriodCounts | null;
}

/**
 * What the distribution counts for a person: glue work (of reviews, only substantive or deep ones).
 * Traps count: work that keeps absorbing a problem is load, and who carries it is the point.
 */
function spreadable(m: MergedContribution): boolean {
  return isGlue(m);
}

/** Builds the team report. Never throws on empty input. */
export function buildTeamReport(input: TeamReportInput): TeamReport {
  const { period } = input;
  const prevPeriod = input.previousPeriod ?? previousPeriodOf(period);
  const coverage = coverageOf(input.coveredRepositories);
  const coverageModel = describeCoverage(input.coveredRepositories, input.coverageNote ?? null);
  const ranking = input.ranking === true;

  const members = uniqueMembers(input.people);
  const ids = new Set(members.map((m) => m.id));
  const current = selectCoveredContributions(input.contributions, coverage).filter(
    (c) => ids.has(c.personId) && isInPeriod(c.occurredAt, period),
  );
  const previous = selectCoveredContributions(input.previousContributions, coverage).filter(
    (c) => ids.has(c.personId) && isInPeriod(c.occurredAt, prevPeriod),
  );
  // Reviews are counted, never listed: tallied (here or by the database); every other kind is merged and kept.
  const reviews = input.reviewTally ? restrictTally(input.reviewTally, ids, coverage) : tallyReviews(current);
  const others = current.filter((c) => c.kind !== "review");
  // Of the previous period, only same-question groups and re-run traps need items; the rest is counted.
  const prevOthers = previous.filter((c) => TEAM_DETAIL_KINDS.includes(c.kind));
  const prevCounted = input.previousCounts ? restrictCounts(input.previousCounts) : countPeriod(previous.filter((c) => !TEAM_DETAIL_KINDS.includes(c.kind)));
  const merged = mergeContributions(others);
  const prevMerged = mergeContributions(prevOthers);

  const trapped = trappedItems(merged, prevMerged);
  const byPerson = new Map<number, MergedContribution[]>();
  for (const m of merged) {
    const list = byPerson.get(m.personId);
    if (list) list.push(m);
    else byPerson.set(m.personId, [m]);
  }
  const depthfulReviews = depthfulByPerson(reviews);

  let people: TeamPersonRow[] = members.map((member) => {
    const items = (byPerson.get(member.id) ?? []).filter(spreadable);
    const byKind: Partial<Record<ContributionKind, number>> = {};
    for (const m of items) byKind[m.kind] = (byKind[m.kind] ?? 0) + 1;
    const r = depthfulReviews.get(member.id);
    if (r) byKind.review = r.count;
    return {
      personId: member.id,
      login: member.login,
      name: member.name?.trim() ? member.name.trim() : null,
      items: items.length + (r?.count ?? 0),
      totalScore: Math.round(items.reduce((n, m) => n + m.score, 0) + (r?.sum ?? 0)),
      byKind,
    };
  });
  people = [...people].sort(alphabetical);
  if (ranking) people.sort((a, b) => b.totalScore - a.totalScore || b.items - a.items || alphabetical(a, b));
  const order = people.map((p) => p.personId);
  const loginOf = new Map(people.map((p) => [p.personId, p.login]));

  const reviewDepth = buildReviewDepth(order, loginOf, reviews, input.reviewsByReviewer);
  const distribution = buildDistribution(order, loginOf, merged, depthfulReviews, input.rubric, trapped);
  const shallowAreas = buildShallowAreas(reviews);
  const prevGlue = prevMerged.filter(isGlue).length + prevCounted.kinds.reduce((n, k) => n + k.items, 0);
  const previousTimes: Array<Pick<Contribution, "occurredAt">> = prevCounted.earliest === null ? prevOthers : [...prevOthers, { occurredAt: prevCounted.earliest }];
  const recorded = previousRecorded(previousTimes, prevPeriod, period, input.recordsBegin, input.now, "team", prevGlue);
  const trends = buildTrends(period, prevPeriod, { merged, reviews }, { merged: prevMerged, reviews: emptyTally(), counted: prevCounted }, recorded);

  const summary = buildTeamSummary({
    period,
    people,
    merged,
    reviews,
    previous: prevMerged,
    loginOf,
    reviewDepth,
    distribution,
    shallowAreas,
    trends,
    coveredCount: coverageModel.repositories.length,
  });

  return {
    type: "team",
    generatedAt: input.now ? input.now.toISOString() : null,
    period,
    previousPeriod: prevPeriod,
    ordering: ranking ? "ranking" : "alphabetical",
    orderingNote: ranking
      ? "People are ordered by the total score of their evidence, because ranking was asked for. Scores measure evidence of glue work, not people."
      : "People are listed alphabetically. This is not a ranking.",
    coverage: coverageModel,
    summary,
    people,
    reviewDepth,
    distribution,
    shallowAreas,
    trends,
    howComputed: howComputed(),
  };
}

function emptyDepth(): DepthCounts {
  return { "rubber-stamp": 0, light: 0, substantive: 0, deep: 0, unknown: 0 };
}

function isDepthful(level: DepthKey): boolean {
  return level === "substantive" || level === "deep";
}

/** Substantive and deep reviews (the ones that count as glue work) per person: how many, their score sum, traps. */
function depthfulByPerson(t: ReviewTally): Map<number, { count: number; sum: number; traps: number }> {
  const out = new Map<number, { count: number; sum: number; traps: number }>();
  for (const p of t.people) {
    if (!isDepthful(p.level) || p.reviews <= 0) continue;
    const e = out.get(p.personId) ?? { count: 0, sum: 0, traps: 0 };
    e.count += p.reviews;
    e.sum += p.scoreSum;
    e.traps += p.traps;
    out.set(p.personId, e);
  }
  return out;
}

function depthfulCount(t: ReviewTally): number {
  return t.people.reduce((n, p) => n + (isDepthful(p.level) ? p.reviews : 0), 0);
}

function reviewTotal(t: ReviewTally): number {
  return t.people.reduce((n, p) => n + p.reviews, 0);
}

/**
 * A tally restricted to the team and the covered repositories (a second check: the database
 * already selected them), with levels read defensively and entries in a fixed order, so two
 * producers of the same tally build the same report.
 */
function restrictTally(t: ReviewTally, ids: ReadonlySet<number>, coverage: Coverage): ReviewTally {
  const count = (n: unknown): number => (typeof n === "number" && Number.isFinite(n) && n > 0 ? n : 0);
  const byName = (a: { repositoryFullName: string }, b: { repositoryFullName: string }) =>
    a.repositoryFullName < b.repositoryFullName ? -1 : a.repositoryFullName > b.repositoryFullName ? 1 : 0;
  return {
    people: t.people
      .filter((p) => ids.has(p.personId) && count(p.reviews) > 0)
      .map((p) => ({ personId: p.personId, level: depthKey(p.level), reviews: count(p.reviews), scoreSum: count(p.scoreSum), traps: count(p.traps) })),
    months: t.months.filter((m) => count(m.reviews) > 0).map((m) => ({ month: m.month, level: depthKey(m.level), reviews: count(m.reviews) })),
    repositories: t.repositories
      .filter((r) => count(r.reviews) > 0 && coverage.has(r.repositoryFullName, r.repositoryPrivate === true))
      .map((r) => ({ ...r, level: depthKey(r.level), reviews: count(r.reviews) }))
      .sort(byName),
    areas: t.areas
      .filter((a) => count(a.reviews) > 0 && coverage.has(a.repositoryFullName, a.repositoryPrivate === true))
      .map((a) => ({ ...a, level: depthKey(a.level), reviews: count(a.reviews) }))
      .sort((a, b) => byName(a, b) || (a.area < b.area ? -1 : a.area > b.area ? 1 : 0)),
    comments: t.comments
      .filter((c) => ids.has(c.personId))
      .map((c) => ({ personId: c.personId, total: count(c.total), ledToChange: Math.min(count(c.ledToChange), count(c.total)) })),
    earliest: t.earliest,
  };
}

/** Counts from outside, read defensively: known kinds other than TEAM_DETAIL_KINDS, positive counts. */
function restrictCounts(t: PeriodCounts): PeriodCounts {
  const ok = (n: unknown): n is number => typeof n === "number" && Number.isFinite(n) && n > 0;
  const kinds = t.kinds.filter((k) => (ALL_KINDS as readonly string[]).includes(k.kind) && !TEAM_DETAIL_KINDS.includes(k.kind) && ok(k.items));
  return {
    kinds: kinds.map((k) => ({ kind: k.kind, items: k.items, scoreSum: ok(k.scoreSum) ? k.scoreSum : 0 })),
    reviews: ok(t.reviews) ? t.reviews : 0,
    earliest: t.earliest,
  };
}

function buildReviewDepth(
  order: number[],
  loginOf: Map<number, string>,
  reviews: ReviewTally,
  submitted: readonly ReviewsSubmitted[] | undefined,
): TeamReport["reviewDepth"] {
  const totals = emptyDepth();
  const useSubmitted = Array.isArray(submitted);
  const submittedBy = new Map<number, number>();
  for (const s of submitted ?? []) {
    if (Number.isFinite(s.reviews) && s.reviews > 0) submittedBy.set(s.personId, (submittedBy.get(s.personId) ?? 0) + s.reviews);
  }
  const depthBy = new Map<number, DepthCounts>();
  for (const p of reviews.people) {
    let depth = depthBy.get(p.personId);
    if (!depth) depthBy.set(p.personId, (depth = emptyDepth()));
    depth[p.level] += p.reviews;
    totals[p.level] += p.reviews;
  }
  const commentsBy = new Map(reviews.comments.map((c) => [c.personId, c]));
  const rows = order.map((personId) => {
    const depth = depthBy.get(personId) ?? emptyDepth();
    const count = depth["rubber-stamp"] + depth.light + depth.substantive + depth.deep + depth.unknown;
    const comments = commentsBy.get(personId);
    return {
      personId,
      login: loginOf.get(personId) ?? "",
      reviews: count,
      depth,
      depthShare: count === 0 ? null : (depth.substantive + depth.deep) / count,
      commentCount: comments ? comments.total : null,
      commentsLedToChange: comments ? comments.ledToChange : null,
      loadShare: 0,
      loadBasis: useSubmitted ? "reviews-submitted" : "review-contributions",
      loadReviews: useSubmitted ? (submittedBy.get(personId) ?? 0) : count,
    } satisfies ReviewerDepthRow;
  });
  const load = rows.reduce((n, r) => n + r.loadReviews, 0);
  for (const r of rows) r.loadShare = load === 0 ? 0 : r.loadReviews / load;
  const totalReviews = rows.reduce((n, r) => n + r.reviews, 0);
  return { rows, totals, totalReviews };
}

function buildDistribution(
  order: number[],
  loginOf: Map<number, string>,
  merged: MergedContribution[],
  depthfulReviews: Map<number, { count: number; traps: number }>,
  rubric: Rubric | undefined,
  trapped: ReadonlySet<MergedContribution>,
): KindDistribution[] {
  const out: KindDistribution[] = [];
  const byKind = groupBy(merged, (m) => m.kind);
  for (const kind of ALL_KINDS) {
    const counts = new Map<number, number>();
    let total = 0;
    let traps = 0;
    if (kind === "review") {
      for (const [personId, r] of depthfulReviews) {
        counts.set(personId, r.count);
        total += r.count;
        traps += r.traps;
      }
    } else {
      const items = (byKind.get(kind) ?? []).filter(spreadable);
      for (const m of items) counts.set(m.personId, (counts.get(m.personId) ?? 0) + 1);
      total = items.length;
      traps = items.filter((m) => trapped.has(m)).length;
    }
    if (total === 0) continue;
    const perPerson = order.map((personId) => {
      const count = counts.get(personId) ?? 0;
      return { personId, login: loginOf.get(personId) ?? "", count, share: count / total };
    });
    // Ties for the top go to the first in alphabetical order, never to input order.
    let top: (typeof perPerson)[number] | null = null;
    for (const p of [...perPerson].sort((a, b) => a.login.toLowerCase().localeCompare(b.login.toLowerCase(), "en"))) {
      if (top === null || p.count > top.count) top = p;
    }
    const g = gini(perPerson.map((p) => p.count));
    const flags: string[] = [];
    const teamLargeEnough = order.length >= 2 && total >= HERO_MIN_ITEMS;
    const label = KIND_LABELS[kind]?.many ?? kind;
    if (teamLargeEnough && top && top.share >= HERO_SHARE) {
      flags.push(`@${top.login} did ${formatPercent(top.share)} of the ${label} (${top.count} of ${total}).`);
    }
    if (teamLargeEnough && g >= HERO_GINI && top !== null && top.share >= HERO_GINI_MIN_SHARE) {
      const who = top.share < HERO_SHARE ? ` Most by @${top.login} (${formatPercent(top.share)}, ${top.count} of ${total}).` : "";
      flags.push(`Very unevenly spread: Gini coefficient ${g.toFixed(2)}.${who}`);
    }
    if (flags.length > 0 && traps > 0) {
      flags.push(`${traps} of the ${total} absorb a recurring problem (a trap): the fix is systemic, not more of the same.`);
    }
    out.push({
      kind,
      label: glueKindHeading(kind),
      category: categoryOf(kind, rubric),
      total,
      perPerson,
      topLogin: top && top.count > 0 ? top.login : null,
      topShare: top ? top.share : 0,
      gini: g,
      trapCount: traps,
      heroBottleneck: flags.length > 0,
      flags,
    });
  }
  return out;
}

function buildShallowAreas(reviews: ReviewTally): AreaDepth[] {
  const areas = new Map<string, AreaDepth>();
  const add = (repository: string, path: string | null, level: DepthKey, n: number): void => {
    const id = `${repository.toLowerCase()}\u0000${path ?? ""}`;
    let area = areas.get(id);
    if (!area) {
      area = { area: path === null ? repository : `${repository}: ${path}`, repository, path, reviews: 0, depth: emptyDepth(), noDepth: false };
      areas.set(id, area);
    }
    area.reviews += n;
    area.depth[level] += n;
  };
  for (const r of reviews.repositories) add(r.repositoryFullName, null, r.level, r.reviews);
  for (const a of reviews.areas) add(a.repositoryFullName, a.area, a.level, a.reviews);
  const shallow: AreaDepth[] = [];
  for (const area of areas.values()) {
    area.noDepth = area.depth.substantive + area.depth.deep === 0 && area.depth["rubber-stamp"] + area.depth.light > 0;
  }
  const shallowRepos = new Set([...areas.values()].filter((a) => a.path === null && a.noDepth).map((a) => a.repository.toLowerCase()));
  for (const area of areas.values()) {
    // A whole repository without depth says it already; its folders would only repeat it.
    if (area.noDepth && (area.path === null || !shallowRepos.has(area.repository.toLowerCase()))) shallow.push(area);
  }
  return shallow.sort((a, b) => b.reviews - a.reviews || a.area.toLowerCase().localeCompare(b.area.toLowerCase(), "en"));
}

/** One period's work as the team report counts it: every kind but reviews merged, reviews tallied. */
interface PeriodWork {
  merged: MergedContribution[];
  reviews: ReviewTally;
  /** Kinds counted rather than merged here (the previous period's, see previousCounts). */
  counted?: PeriodCounts;
}

/** Glue work per kind: how many and the sum of their scores. */
function glueStats(w: PeriodWork): ScoreStats {
  const stats = scoreStats(w.merged.filter(isGlue), (m) => m.kind);
  let count = 0;
  let sum = 0;
  for (const p of w.reviews.people) {
    if (!isDepthful(p.level)) continue;
    count += p.reviews;
    sum += p.scoreSum;
  }
  if (count > 0) stats.set("review", { count, sum });
  for (const k of w.counted?.kinds ?? []) {
    const s = stats.get(k.kind) ?? { count: 0, sum: 0 };
    s.count += k.items;
    s.sum += k.scoreSum;
    stats.set(k.kind, s);
  }
  return stats;
}

function buildTrends(period: Period, prevPeriod: Period, now: PeriodWork, before: PeriodWork, recorded: PreviousRecorded | null): TeamTrends {
  // Rubber stamps and light reviews are not glue work, in either period.
  const cur = glueStats(now);
  const prev = glueStats(before);
  const count = (s: ScoreStats) => [...s.values()].reduce((n, x) => n + x.count, 0);
  // Any recorded activity (a light review too) means there is data: no glue work then is a fact, not a gap.
  const hasPreviousData =
    before.merged.length > 0 || reviewTotal(before.reviews) > 0 || (before.counted !== undefined && (before.counted.reviews > 0 || before.counted.kinds.some((k) => k.items > 0)));
  const partial = hasPreviousData ? recorded : null;
  const kinds = ALL_KINDS.filter((k) => cur.has(k) || prev.has(k));
  const byKind = comparisonRowsOf(
    kinds.map((k) => ({ key: k, label: glueKindHeading(k) })),
    cur,
    hasPreviousData ? prev : null,
    partial && partial.comparable && partial.recordedDays > 0 ? partial.currentDays / partial.recordedDays : null,
  );
  // Too little recorded to extrapolate: counts are shown, trends are not claimed.
  if (partial && !partial.comparable) for (const r of byKind) r.countTrend = "n/a";
  const perMonth = new Map<string, Partial<Record<ContributionKind, number>>>();
  const bumpMonth = (month: string | null, kind: ContributionKind, n: number): void => {
    if (month === null) return;
    let m = perMonth.get(month);
    if (!m) perMonth.set(month, (m = {}));
    m[kind] = (m[kind] ?? 0) + n;
  };
  for (const m of now.merged) if (isGlue(m) && isInPeriod(m.occurredAt, period)) bumpMonth(monthOf(m.occurredAt), m.kind, 1);
  for (const m of now.reviews.months) if (isDepthful(m.level)) bumpMonth(m.month, "review", m.reviews);
  const months: MonthBucket[] = monthsOf(period).map((month) => {
    const byKindCounts = perMonth.get(month.key) ?? {};
    const total = Object.values(byKindCounts).reduce((n, k) => n + (k ?? 0), 0);
    return { key: month.key, label: month.label, total, byKind: { ...byKindCounts } };
  });
  const message = !hasPreviousData
    ? `No data for the previous period (${prevPeriod.label}).`
    : partial
      ? partialChange(count(cur), count(prev), partial, prevPeriod.label)
      : `Compared with ${prevPeriod.label}: ${totalChange(count(cur), count(prev))}.`;
  return { hasPreviousData, previousRecorded: partial, message, byKind, months };
}

interface TeamSummaryInput {
  period: Period;
  people: TeamPersonRow[];
  /** Every kind but reviews, merged. */
  merged: MergedContribution[];
  reviews: ReviewTally;
  previous: MergedContribution[];
  loginOf: Map<number, string>;
  reviewDepth: TeamReport["reviewDepth"];
  distribution: KindDistribution[];
  shallowAreas: AreaDepth[];
  trends: TeamTrends;
  coveredCount: number;
}

function buildTeamSummary(s: TeamSummaryInput): TeamReport["summary"] {
  const lines: SummaryLine[] = [];
  const line = (t: string): void => {
    lines.push({ text: t, parts: [{ type: "text", text: t }] });
  };
  const glue = s.merged.filter(isGlue);
  const depthful = depthfulCount(s.reviews);
  const rd = s.reviewDepth;
  if (glue.length + depthful === 0) {
    const headline = `Unsung found no glue work for this team (${plural(s.people.length, "person", "people")}) in ${s.period.label} in the ${plural(s.coveredCount, "repository", "repositories")} this report covers.`;
    if (rd.totals["rubber-stamp"] > 0) line(`${plural(rd.totals["rubber-stamp"], "approval", "approvals")} with no visible review (rubber stamps): counted, but not glue work.`);
    line("Work off GitHub only shows up when people log it, and missed work can be claimed. If this looks wrong, check which repositories the app is installed on.");
    if (s.trends.hasPreviousData) line(s.trends.message);
    return { headline, lines, empty: true };
  }
  const repoNames = new Set(glue.map((m) => m.repositoryFullName.toLowerCase()));
  for (const r of s.reviews.repositories) if (isDepthful(r.level)) repoNames.add(r.repositoryFullName.toLowerCase());
  const repos = repoNames.size;
  const headline = `${plural(s.people.length, "person", "people")}, ${plural(glue.length + depthful, "piece", "pieces")} of glue work in ${s.period.label} across ${plural(repos, "repository", "repositories")}.`;
  if (rd.totalReviews > 0) {
    const depthful = rd.totals.substantive + rd.totals.deep;
    const stamps = rd.totals["rubber-stamp"];
    line(
      `${depthful} of ${plural(rd.totalReviews, "review", "reviews")} (${formatPercent(depthful / rd.totalReviews)}) ${depthful === 1 ? "was" : "were"} substantive or deep` +
        (stamps > 0 ? `; ${stamps} (${formatPercent(stamps / rd.totalReviews)}) ${stamps === 1 ? "was an approval" : "were approvals"} with no visible review. Only substantive and deep reviews count as glue work.` : ". Only substantive and deep reviews count as glue work."),
    );
    const total = rd.rows.reduce((n, r) => n + (r.commentCount ?? 0), 0);
    const led = rd.rows.reduce((n, r) => n + (r.commentsLedToChange ?? 0), 0);
    if (total > 0) line(`${led} of ${plural(total, "review comment", "review comments")} led to changes.`);
  }
  for (const d of s.distribution) {
    if (d.heroBottleneck) line(`Possible hero bottleneck in ${d.label.toLowerCase()}: ${d.flags.join(" ")}`);
  }
  const traps = trapLines(s.merged, s.reviews, s.previous, s.loginOf);
  if (traps.length > 0) {
    line(`Recurring work that absorbs a problem instead of removing it (a trap): ${traps.join("; ")}. Their evidence packets suggest the systemic fix.`);
  }
  if (s.shallowAreas.length > 0) {
    const names = s.shallowAreas.slice(0, 5).map((a) => a.area);
    line(
      `${plural(s.shallowAreas.length, "area", "areas")} had only rubber-stamp or light reviews: ${names.join(", ")}${s.shallowAreas.length > names.length ? ", …" : ""}.`,
    );
  }
  const without = s.people.filter((p) => p.items === 0).length;
  if (without > 0 && s.people.length > 1) {
    line(`${plural(without, "person has", "people have")} no glue work recorded; their work may be off GitHub (and unlogged) or in repositories this report does not cover.`);
  }
  line(s.trends.message);
  return { headline, lines, empty: false };
}

/** "@jonah answered the same question (“How do I …?”) 5 times", "@oliver quarantined a flaky test instead of fixing it". */
function trapLines(merged: MergedContribution[], reviews: ReviewTally, previous: MergedContribution[], loginOf: Map<number, string>): string[] {
  // Grouped with the previous period too, so a question is named after its first occurrence.
  const questions = sameQuestionGroups([...merged, ...previous]);
  const current = new Set(merged);
  const groups = new Map<string, { personId: number; kind: ContributionKind; title: string | null; members: Set<MergedContribution> }>();
  for (const m of merged) {
    // Manual re-runs are named per workflow, with everyone who absorbed it (rerunTrapLines).
    if (m.dynamics !== "trap" || m.kind === "ci-rerun") continue;
    const q = questions.get(m);
    const id = `${m.personId}\u0000${m.kind}\u0000${q?.id ?? ""}`;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { personId: m.personId, kind: m.kind, title: q?.title ?? null, members: new Set() }));
    g.members.add(m);
    // The whole question group counts, including occurrences before it was marked a trap.
    if (q) for (const [other, oq] of questions) if (oq.id === q.id && other.personId === m.personId && current.has(other)) g.members.add(other);
  }
  const counted = [...groups.values()].map((g) => ({ ...g, n: g.members.size }));
  // Reviews that absorb a recurring problem, at any depth: one group per reviewer.
  const reviewTraps = new Map<number, number>();
  for (const p of reviews.people) if (p.traps > 0) reviewTraps.set(p.personId, (reviewTraps.get(p.personId) ?? 0) + p.traps);
  for (const [personId, n] of reviewTraps) counted.push({ personId, kind: "review", title: null, members: new Set(), n });
  const out: string[] = rerunTrapLines(merged);
  for (const g of counted.sort((a, b) => b.n - a.n || (loginOf.get(a.personId) ?? "").localeCompare(loginOf.get(b.personId) ?? "", "en"))) {
    const who = `@${loginOf.get(g.personId) ?? ""}`;
    const n = g.n;
    const times = n === 1 ? "once" : n === 2 ? "twice" : `${n} times`;
    if (g.kind === "triage" && g.title) out.push(`${who} answered the same question (“${g.title}”) ${times}`);
    else if (g.kind === "flaky-quarantine") out.push(`${who} quarantined ${n === 1 ? "a flaky test" : `${n} flaky tests`} instead of fixing ${n === 1 ? "it" : "them"}`);
    else out.push(`${who}: ${n} ${n === 1 ? KIND_LABELS[g.kind].one : KIND_LABELS[g.kind].many} absorbing a recurring problem`);
  }
  return out;
}

/**
 * One line per workflow that people kept re-running by hand: who absorbed it and how often, and
 * whether a flaky-test fix later ended it. "@oliver (9 times) and @lena (4) re-ran the “ci” workflow
 * in acme/api by hand 13 times, until @devraj's flaky-test fix “…” (merged 2026-06-02): no repeated re-runs since".
 */
function rerunTrapLines(merged: MergedContribution[]): string[] {
  const byWorkflow = new Map<string, { problem: string; items: MergedContribution[] }>();
  for (const m of merged) {
    if (m.kind !== "ci-rerun" || m.dynamics !== "trap") continue;
    const problem = m.parts.map(recurrenceKey).find((k) => k !== null) ?? `a CI workflow in ${m.repositoryFullName}`;
    const id = problem.toLowerCase();
    const entry = byWorkflow.get(id);
    if (entry) entry.items.push(m);
    else byWorkflow.set(id, { problem, items: [m] });
  }
  const lines: { total: number; text: string }[] = [];
  for (const { problem, items } of byWorkflow.values()) {
    const people = new Map<string, number>();
    for (const m of items) people.set(m.personLogin, (people.get(m.personLogin) ?? 0) + rerunCount(m.parts));
    const ranked = [...people].sort((a, b) => b[1] - a[1] || a[0].toLowerCase().localeCompare(b[0].toLowerCase(), "en"));
    const total = ranked.reduce((n, [, k]) => n + k, 0);
    const names = ranked.map(([login, k], i) => `@${login} (${i === 0 ? `${k} ${k === 1 ? "time" : "times"}` : k})`);
    const who = names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
    const outcome = rerunOutcome(items);
    let text = `${who} re-ran ${problem} by hand ${total} ${total === 1 ? "time" : "times"}`;
    if (outcome.despite) {
      const f = outcome.despite.fix;
      text += `, ${outcome.despite.reruns} of them after ${fixAuthor(f, null)} flaky-test fix (merged ${f.mergedAt.slice(0, 10)}): still flaky`;
    }
    if (outcome.endedBy) {
      const f = outcome.endedBy;
      text += `, until ${fixAuthor(f, null)} flaky-test fix “${f.title}” (merged ${f.mergedAt.slice(0, 10)}): no repeated re-runs since`;
    }
    lines.push({ total, text });
  }
  return lines.sort((a, b) => b.total - a.total || a.text.localeCompare(b.text, "en")).map((l) => l.text);
}

function howComputed(): Explanation[] {
  return [
    {
      title: "Review depth",
      text: "Each review is classified by what its comments did: rubber-stamp (an approval with nothing else), light (a few minor comments or nits), substantive (a finding about defects, tests, design or security, or a report of what the reviewer measured when verifying the change; a finding the author acted on counts for more, but a code change after a remark does not make the remark a finding), deep (two or more findings, or a defect or security problem fixed because of the review in a change of 30 lines or more, with a high score). Several reviews by one person of one pull request count once, at their deepest level. The depth share is the substantive and deep reviews divided by all of that person's reviews.",
    },
    {
      title: "Comments that led to changes",
      text: "For reviews where the detector checked what happened after each comment, the number of review comments followed by a code change that addressed them, out of all review comments. Blank when no review said.",
    },
    {
      title: "Review load share",
      text: "Each reviewer's reviews divided by the whole team's reviews in the period. It counts all reviews submitted when that count is available, otherwise the reviews Unsung credited as glue work. It shows who carries the load, not who reviews well.",
    },
    {
      title: "Distribution across the team",
      text: `For each kind of glue work: how many items each person has, the share done by the person who did the most, and the Gini coefficient, a number from 0 (everyone did the same amount) to close to 1 (one person did nearly all of it). Of reviews, only substantive and deep ones count here (review load is in the table above); work that only absorbs a recurring problem (a trap) counts too, as load, and the summary names it. A kind is flagged as a possible hero bottleneck when it has at least ${HERO_MIN_ITEMS} items in a team of two or more and one person did at least ${Math.round(HERO_SHARE * 100)}% of it, or its Gini coefficient is at least ${HERO_GINI} with one person doing at least a third of it.`,
    },
    {
      title: "Areas with no reviewer depth",
      text: "Repositories, and top-level folders within them where the detector recorded file paths, in which every review in the period was rubber-stamp or light. Nobody looked closely there.",
    },
    {
      title: "Trends",
      text: "Counts per kind this period against the previous period of the same length (the previous quarter, for a quarter), and counts per calendar month (UTC) within the period. Items are counted once per subject: several contributions of one kind on one pull request or issue are one item. Only substantive and deep reviews count as glue work: rubber-stamp and light reviews are review load, shown in the review depth table. When the records of the previous period begin well into it (the app was installed, or history backfilled, only that far back), counts are compared per 30 days instead of in total.",
    },
    {
      title: "Who and what is counted",
      text: "Only the people listed, only in the repositories this report covers, with bots (including AI reviewers) filtered out when activity is collected. Scores measure the evidence that a piece of work was substantial glue work, from 0 to 100; they do not measure people.",
    },
    {
      title: "Order",
      text: "People are listed alphabetically by login unless the report was asked to rank them; then they are ordered by the total score of their evidence. Counting invites gaming; use these numbers to spread glue work fairly and to spot bottlenecks, not to rank people.",
    },
  ];
}

function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = map.get(key);
    if (list) list.push(item);
    else map.set(key, [item]);
  }
  return map;
}

function uniqueMembers(people: readonly TeamMember[]): TeamMember[] {
  const seen = new Set<number>();
  const out: TeamMember[] = [];
  for (const p of people) {
    if (!p || typeof p.id !== "number" || seen.has(p.id)) continue;
    seen.add(p.id);
    out.push(p);
  }
  return out;
}

function alphabetical(a: { login: string; personId: number }, b: { login: string; personId: number }): number {
  const la = a.login.toLowerCase();
  const lb = b.login.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  if (a.login !== b.login) return a.login < b.login ? -1 : 1;
  return a.personId - b.personId;
}

