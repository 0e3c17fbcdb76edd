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
import { describeCoverage } from "./describe-coverage.js";
import { isGlue, previousRecorded, trappedItems } from "./glue.js";
import { mergeContributions, type MergedContribution } from "./merge-contributions.js";
import { isInPeriod, previousPeriod as previousPeriodOf, type Period } from "./period.js";
import type { Explanation, TeamPersonRow, TeamReport } from "./report-model.js";
import { ALL_KINDS, type Rubric } from "./rubric.js";
import { countPeriod, depthKey, emptyTally, tallyReviews, type PeriodCounts, type ReviewTally } from "./review-tally.js";
import { coverageOf, selectCoveredContributions, type Coverage, type CoveredRepository } from "./select-covered.js";
import { buildDistribution, buildReviewDepth, buildShallowAreas, depthfulByPerson, HERO_GINI, HERO_MIN_ITEMS, HERO_SHARE, spreadable } from "./team-figures.js";
import { buildTeamSummary } from "./team-summary.js";
import { buildTrends } from "./team-trends.js";

export { gini } from "./gini.js";
export { HERO_GINI, HERO_GINI_MIN_SHARE, HERO_MIN_ITEMS, HERO_SHARE } from "./team-figures.js";

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
