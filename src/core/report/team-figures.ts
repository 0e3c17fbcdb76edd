/**
 * The team report's figures: who carries the review load and at what depth, how each kind of glue
 * work is spread across the team (and where one person has become a bottleneck), and which areas
 * get no reviewer depth. Computed from the tally and the merged items; the summary phrases them.
 */
import type { ReviewsSubmitted } from "./build-team-report.js";
import { gini } from "./gini.js";
import { glueKindHeading, isGlue } from "./glue.js";
import type { MergedContribution } from "./merge-contributions.js";
import { formatPercent } from "./read-detail.js";
import type { AreaDepth, DepthCounts, KindDistribution, ReviewerDepthRow, TeamReport } from "./report-model.js";
import { ALL_KINDS, categoryOf, KIND_LABELS, type Rubric } from "./rubric.js";
import type { DepthKey, ReviewTally } from "./review-tally.js";

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

/**
 * What the distribution counts for a person: glue work (of reviews, only substantive or deep ones).
 * Traps count: work that keeps absorbing a problem is load, and who carries it is the point.
 */
export function spreadable(m: MergedContribution): boolean {
  return isGlue(m);
}

function emptyDepth(): DepthCounts {
  return { "rubber-stamp": 0, light: 0, substantive: 0, deep: 0, unknown: 0 };
}

export function isDepthful(level: DepthKey): boolean {
  return level === "substantive" || level === "deep";
}

/** Substantive and deep reviews (the ones that count as glue work) per person: how many, their score sum, traps. */
export function depthfulByPerson(t: ReviewTally): Map<number, { count: number; sum: number; traps: number }> {
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

export function depthfulCount(t: ReviewTally): number {
  return t.people.reduce((n, p) => n + (isDepthful(p.level) ? p.reviews : 0), 0);
}

export function reviewTotal(t: ReviewTally): number {
  return t.people.reduce((n, p) => n + p.reviews, 0);
}

export function buildReviewDepth(
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

export function buildDistribution(
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

export function buildShallowAreas(reviews: ReviewTally): AreaDepth[] {
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
