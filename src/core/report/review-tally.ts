/**
 * Reviews counted rather than listed. A team report never prints a review: it
 * needs how many merged reviews (one person, one pull request, at its deepest
 * level) each person did at each depth, per month, per repository and area,
 * with their scores, traps and review comments. That is a tally, and a tally
 * can be computed where the reviews are — the database sums an organisation's
 * quarter of reviews (tens of thousands) faster than it can ship them.
 *
 * Two producers, one meaning: tallyReviews (here, from contributions) and the
 * store's SQL (src/store/review-tallies.ts, from `review_merges`). A test
 * builds the same team report both ways and compares them.
 */
import { REVIEW_LEVELS, type Contribution, type ContributionKind, type ReviewLevel } from "../model.js";
import { clampScore, matchKeyOf, mergeContributions, type MergedContribution } from "./merge-contributions.js";
import { pathAreas, reviewComments } from "./read-detail.js";

export type DepthKey = ReviewLevel | "unknown";

/** Merged reviews of one person at one depth. */
export interface PersonDepthTally {
  personId: number;
  level: DepthKey;
  reviews: number;
  /** Sum of the merged reviews' scores (each 0–100). */
  scoreSum: number;
  /** How many absorb a recurring problem (dynamics "trap"). */
  traps: number;
}

export interface ReviewTally {
  people: PersonDepthTally[];
  /** Per calendar month (UTC, "2026-07") of each merged review's latest occurrence. */
  months: Array<{ month: string; level: DepthKey; reviews: number }>;
  repositories: Array<{ repositoryFullName: string; repositoryPrivate: boolean; level: DepthKey; reviews: number }>;
  /** Per top-level folder (see pathAreas) of a repository. */
  areas: Array<{ repositoryFullName: string; repositoryPrivate: boolean; area: string; level: DepthKey; reviews: number }>;
  /** Review comments, and how many led to a change, over the reviews whose detector said (people absent: none said). */
  comments: Array<{ personId: number; total: number; ledToChange: number }>;
  /** The earliest review counted (ISO), or null when there are none. */
  earliest: string | null;
}

export function emptyTally(): ReviewTally {
  return { people: [], months: [], repositories: [], areas: [], comments: [], earliest: null };
}

export function depthKey(level: string | null): DepthKey {
  return level !== null && (REVIEW_LEVELS as readonly string[]).includes(level) ? (level as ReviewLevel) : "unknown";
}

/** Tallies review contributions (other kinds are ignored): merged per person and subject first, as reports count them. */
export function tallyReviews(contributions: readonly Contribution[]): ReviewTally {
  const raw = contributions.filter((c) => c.kind === "review");
  return tallyMerged(mergeContributions(raw), raw);
}

/** Tallies merged reviews; `raw` are the contributions they were merged from (review comments are counted per contribution). */
export function tallyMerged(merged: readonly MergedContribution[], raw: readonly Contribution[]): ReviewTally {
  const people = new Map<string, PersonDepthTally>();
  const months = new Map<string, ReviewTally["months"][number]>();
  const repositories = new Map<string, ReviewTally["repositories"][number]>();
  const areas = new Map<string, ReviewTally["areas"][number]>();
  for (const m of merged) {
    if (m.kind !== "review") continue;
    const level = depthKey(m.level);
    const p = bump(people, `${m.personId}\u0000${level}`, () => ({ personId: m.personId, level, reviews: 0, scoreSum: 0, traps: 0 }));
    p.reviews += 1;
    p.scoreSum += clampScore(m.score);
    if (m.dynamics === "trap") p.traps += 1;
    const month = monthOf(m.occurredAt);
    if (month !== null) bump(months, `${month}\u0000${level}`, () => ({ month, level, reviews: 0 })).reviews += 1;
    const repo = { repositoryFullName: m.repositoryFullName, repositoryPrivate: m.repositoryPrivate };
    bump(repositories, `${repo.repositoryFullName}\u0000${repo.repositoryPrivate}\u0000${level}`, () => ({ ...repo, level, reviews: 0 })).reviews += 1;
    for (const area of new Set(m.parts.flatMap(pathAreas))) {
      bump(areas, `${repo.repositoryFullName}\u0000${repo.repositoryPrivate}\u0000${area}\u0000${level}`, () => ({ ...repo, area, level, reviews: 0 })).reviews += 1;
    }
  }
  const comments = new Map<number, ReviewTally["comments"][number]>();
  let earliest: string | null = null;
  let earliestAt = Infinity;
  for (const c of raw) {
    if (c.kind !== "review") continue;
    const t = Date.parse(c.occurredAt);
    if (t < earliestAt) {
      earliestAt = t;
      earliest = new Date(t).toISOString();
    }
    const rc = reviewComments(c);
    if (!rc) continue;
    const entry = bump(comments, c.personId, () => ({ personId: c.personId, total: 0, ledToChange: 0 }));
    entry.total += rc.total;
    entry.ledToChange += rc.ledToChange;
  }
  return { people: [...people.values()], months: [...months.values()], repositories: [...repositories.values()], areas: [...areas.values()], comments: [...comments.values()], earliest };
}

/** The sum of two tallies of disjoint sets of reviews. */
export function addTallies(a: ReviewTally, b: ReviewTally): ReviewTally {
  const merge = <T extends object>(xs: T[], ys: T[], keyOf: (x: T) => string, add: (into: T, from: T) => void): T[] => {
    const map = new Map<string, T>();
    for (const x of [...xs, ...ys]) {
      const k = keyOf(x);
      const have = map.get(k);
      if (have) add(have, x);
      else map.set(k, { ...x });
    }
    return [...map.values()];
  };
  const earliest =
    a.earliest === null ? b.earliest : b.earliest === null ? a.earliest : Date.parse(a.earliest) <= Date.parse(b.earliest) ? a.earliest : b.earliest;
  return {
    people: merge(a.people, b.people, (x) => `${x.personId}\u0000${x.level}`, (i, f) => {
      i.reviews += f.reviews;
      i.scoreSum += f.scoreSum;
      i.traps += f.traps;
    }),
    months: merge(a.months, b.months, (x) => `${x.month}\u0000${x.level}`, (i, f) => void (i.reviews += f.reviews)),
    repositories: merge(a.repositories, b.repositories, (x) => `${x.repositoryFullName}\u0000${x.repositoryPrivate}\u0000${x.level}`, (i, f) => void (i.reviews += f.reviews)),
    areas: merge(a.areas, b.areas, (x) => `${x.repositoryFullName}\u0000${x.repositoryPrivate}\u0000${x.area}\u0000${x.level}`, (i, f) => void (i.reviews += f.reviews)),
    comments: merge(a.comments, b.comments, (x) => String(x.personId), (i, f) => {
      i.total += f.total;
      i.ledToChange += f.ledToChange;
    }),
    earliest,
  };
}

/** "2026-07" for an ISO timestamp (UTC); null when it does not parse. */
export function monthOf(iso: string): string | null {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return null;
  const d = new Date(t);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
}

function bump<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = create()));
  return v;
}

/** What the database keeps beside each contribution so it can merge and tally reviews the way reports do. */
export interface StoredSummary {
  /** See matchKeyOf. */
  matchUrl: string;
  /** See pathAreas. */
  areas: string[];
  /** See reviewComments: null when the detector didn't say. */
  commentCount: number | null;
  commentsLedToChange: number | null;
}

export function storedSummary(c: Contribution): StoredSummary {
  const rc = reviewComments(c);
  return { matchUrl: matchKeyOf(c), areas: pathAreas(c), commentCount: rc?.total ?? null, commentsLedToChange: rc?.ledToChange ?? null };
}

/**
 * A period's glue work counted per kind, and nothing more: all a comparison with the previous
 * period needs of every kind whose items it never shows.
 */
export interface PeriodCounts {
  /** Merged items per kind (of reviews, the substantive and deep ones only: glue work), with their score sums. */
  kinds: Array<{ kind: ContributionKind; items: number; scoreSum: number }>;
  /** Merged reviews at any depth (a light review still shows the period has data). */
  reviews: number;
  /** The earliest contribution counted (ISO), or null when there are none. */
  earliest: string | null;
}

export function emptyCounts(): PeriodCounts {
  return { kinds: [], reviews: 0, earliest: null };
}

/** Counts contributions (merged per person, kind and subject first, as reports count them). */
export function countPeriod(contributions: readonly Contribution[]): PeriodCounts {
  const kinds = new Map<ContributionKind, PeriodCounts["kinds"][number]>();
  let reviews = 0;
  for (const m of mergeContributions(contributions)) {
    if (m.kind === "review") {
      reviews += 1;
      if (m.level !== "substantive" && m.level !== "deep") continue;
    }
    const k = bump(kinds, m.kind, () => ({ kind: m.kind, items: 0, scoreSum: 0 }));
    k.items += 1;
    k.scoreSum += clampScore(m.score);
  }
  let earliest = Infinity;
  for (const c of contributions) earliest = Math.min(earliest, Date.parse(c.occurredAt));
  return { kinds: [...kinds.values()], reviews, earliest: Number.isFinite(earliest) ? new Date(earliest).toISOString() : null };
}

/** The sum of the counts of two disjoint sets of contributions. */
export function addCounts(a: PeriodCounts, b: PeriodCounts): PeriodCounts {
  const kinds = new Map<ContributionKind, PeriodCounts["kinds"][number]>();
  for (const k of [...a.kinds, ...b.kinds]) {
    const have = bump(kinds, k.kind, () => ({ kind: k.kind, items: 0, scoreSum: 0 }));
    have.items += k.items;
    have.scoreSum += k.scoreSum;
  }
  const earliest =
    a.earliest === null ? b.earliest : b.earliest === null ? a.earliest : Date.parse(a.earliest) <= Date.parse(b.earliest) ? a.earliest : b.earliest;
  return { kinds: [...kinds.values()], reviews: a.reviews + b.reviews, earliest };
}
