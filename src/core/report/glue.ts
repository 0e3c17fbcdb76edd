/**
 * What counts as glue work in a report, and how much of a period the records
 * cover. Shared by the person and team reports so both count the same way.
 */
import type { Contribution, ContributionKind } from "../model.js";
import { kindHeading } from "./rubric.js";
import type { MergedContribution } from "./merge-contributions.js";
import type { Period } from "./period.js";
import type { PreviousRecorded } from "./report-model.js";
import { issueNumberUrl, rerunSummary, similarIssues, type RerunFix } from "./read-detail.js";

const DAY_MS = 86_400_000;

/**
 * What counts as a piece of glue work. Reviews count only when they are substantive or deep: a
 * rubber stamp shows no review at all, and a light review (a few nits, an LGTM with a question)
 * is review load, shown in the review tables, but not glue work, so padding never adds up.
 */
export function isGlue(m: Pick<MergedContribution, "kind" | "level">): boolean {
  return m.kind !== "review" || isDepthfulReview(m);
}

/** A kind's name as a heading where only glue work is counted ("Substantive or deep reviews"). */
export function glueKindHeading(kind: ContributionKind): string {
  return kind === "review" ? "Substantive or deep reviews" : kindHeading(kind);
}

/** A substantive or deep review: a review that found something, or measured something when verifying the change. */
export function isDepthfulReview(m: Pick<MergedContribution, "kind" | "level">): boolean {
  return m.kind === "review" && (m.level === "substantive" || m.level === "deep");
}

/** A previous period counts as only partly recorded when its records cover less than this share of it. */
export const PARTIAL_RECORDS_SHARE = 0.5;

/**
 * How much of the previous period the records cover, when they cover only part of it: the
 * earliest recorded activity is far into the period (the app was installed, or history was
 * backfilled, only that far back; or, for one person, they only started then). Then raw counts
 * against this period mislead, and comparisons are made per day. Null when the previous period
 * looks fully recorded, or has no data.
 *
 * `recordsBegin`, when the caller knows it (the earliest activity recorded in the organisation),
 * wins over what the contributions suggest.
 */
export function previousRecorded(
  previous: readonly Pick<Contribution, "occurredAt">[],
  prevPeriod: Period,
  period: Period,
  recordsBegin: string | null | undefined,
  now: Date | null | undefined,
  inferredBasis: "team" | "person",
  previousGlue: number,
): PreviousRecorded | null {
  const from = Date.parse(prevPeriod.from);
  const to = Date.parse(prevPeriod.to);
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) return null;
  let earliest = Infinity;
  const begin = recordsBegin ? Date.parse(recordsBegin) : NaN;
  const basis: PreviousRecorded["basis"] = Number.isFinite(begin) ? "organisation" : inferredBasis;
  if (Number.isFinite(begin)) {
    earliest = begin;
  } else {
    if (previous.length === 0) return null;
    for (const c of previous) {
      const t = Date.parse(c.occurredAt);
      if (Number.isFinite(t) && t >= from && t < to && t < earliest) earliest = t;
    }
  }
  if (!Number.isFinite(earliest) || earliest <= from) return null;
  const periodDays = Math.round((to - from) / DAY_MS);
  const days = currentDays(period, now);
  if (earliest >= to) return { recordedFrom: new Date(earliest).toISOString(), recordedDays: 0, periodDays, currentDays: days, basis, comparable: false };
  // Whole days, counting the day records begin.
  const recordedDays = Math.ceil((to - startOfDay(earliest)) / DAY_MS);
  if (recordedDays >= periodDays * PARTIAL_RECORDS_SHARE) return null;
  return {
    recordedFrom: new Date(startOfDay(earliest)).toISOString(),
    recordedDays,
    periodDays,
    currentDays: days,
    basis,
    comparable: previousGlue >= MIN_ITEMS_PER_DAY_COMPARISON,
  };
}

/** Fewer items than this in a partly recorded period are too few to extrapolate a rate from. */
export const MIN_ITEMS_PER_DAY_COMPARISON = 10;

/** Days of the current period that have happened (all of it once it is over). */
function currentDays(period: Period, now: Date | null | undefined): number {
  const from = Date.parse(period.from);
  const to = Date.parse(period.to);
  const end = now instanceof Date && Number.isFinite(now.getTime()) ? Math.min(to, Math.max(from + DAY_MS, now.getTime())) : to;
  return Math.max(1, Math.round((end - from) / DAY_MS));
}

function startOfDay(t: number): number {
  return Math.floor(t / DAY_MS) * DAY_MS;
}

/** "about 130" per 30 days, from a count over some days. */
export function per30Days(count: number, days: number): number {
  if (days <= 0) return 0;
  return Math.round((count * 30) / days);
}

/**
 * Groups triage items that answer the same question: two issues are the same question when the
 * detector linked them as similar (each triage contribution lists the similar issues the same
 * person answered before). Grouping is transitive and spans both periods, so a question that
 * keeps coming back is one group however far apart its first and last occurrence are.
 * Returns, per item, the title of the group's earliest issue (null when the item is alone).
 */
export function sameQuestionGroups(items: readonly MergedContribution[]): Map<MergedContribution, { id: string; title: string }> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root && parent.has(root)) root = parent.get(root)!;
    let cur = x;
    while (cur !== root) {
      const next = parent.get(cur)!;
      parent.set(cur, root);
      cur = next;
    }
    return root;
  };
  const union = (a: string, b: string): void => {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  };
  const triage = items.filter((m) => m.kind === "triage");
  const linked = new Set<string>();
  for (const m of triage) {
    const self = `${m.personId}\u0000${m.matchUrl}`;
    if (!parent.has(self)) parent.set(self, self);
    for (const p of m.parts) {
      for (const n of similarIssues(p)) {
        const other = issueNumberUrl(m.subjectUrl, n);
        if (other === null) continue;
        union(self, `${m.personId}\u0000${other}`);
        linked.add(self);
      }
    }
  }
  const members = new Map<string, MergedContribution[]>();
  for (const m of triage) {
    const root = find(`${m.personId}\u0000${m.matchUrl}`);
    const list = members.get(root);
    if (list) list.push(m);
    else members.set(root, [m]);
  }
  const out = new Map<MergedContribution, { id: string; title: string }>();
  for (const [root, list] of members) {
    // Alone, with no link to an issue outside the report: not a group.
    if (list.length < 2 && !list.some((m) => linked.has(`${m.personId}\u0000${m.matchUrl}`))) continue;
    const first = [...list].sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt))[0]!;
    for (const m of list) out.set(m, { id: root, title: first.subjectTitle });
  }
  return out;
}

/**
 * The items of this period that absorb a recurring problem: those a detector marked as a trap,
 * and the other answers to a question that became a trap (the first answers were not marked yet).
 */
export function trappedItems(current: readonly MergedContribution[], previous: readonly MergedContribution[]): Set<MergedContribution> {
  const out = new Set<MergedContribution>(current.filter((m) => m.dynamics === "trap"));
  const groups = sameQuestionGroups([...current, ...previous]);
  const trapGroups = new Set<string>();
  for (const m of out) {
    const g = groups.get(m);
    if (g) trapGroups.add(g.id);
  }
  for (const m of current) {
    const g = groups.get(m);
    if (g && trapGroups.has(g.id)) out.add(m);
  }
  return out;
}

/** How a run of manual CI re-runs ended, as far as the records show. */
export interface RerunOutcome {
  /** A flaky-test fix of the workflow merged after the last of the re-runs. */
  endedBy: RerunFix | null;
  /** A flaky-test fix that some of the re-runs came after, and how many did. */
  despite: { fix: RerunFix; reruns: number } | null;
  /** The last re-run (ISO), when recorded. */
  lastRerunAt: string | null;
}

/** Whether manual re-runs of one workflow (one or more people, months) were later ended by a flaky-test fix. */
export function rerunOutcome(items: readonly MergedContribution[]): RerunOutcome {
  const seen = new Set<string>();
  let last: { at: number; iso: string; laterFix: RerunFix | null } | null = null;
  const afterFix = new Map<string, { fix: RerunFix; reruns: number }>();
  for (const m of items) {
    for (const p of m.parts) {
      if (seen.has(p.key)) continue;
      seen.add(p.key);
      const r = rerunSummary(p);
      if (!r) continue;
      const at = r.lastRerunAt ? Date.parse(r.lastRerunAt) : Date.parse(p.occurredAt);
      if (Number.isFinite(at) && (last === null || at > last.at)) last = { at, iso: new Date(at).toISOString(), laterFix: r.laterFix };
      if (r.priorFix && r.rerunsAfterFix > 0) {
        const entry = afterFix.get(r.priorFix.url) ?? { fix: r.priorFix, reruns: 0 };
        entry.reruns += r.rerunsAfterFix;
        afterFix.set(r.priorFix.url, entry);
      }
    }
  }
  // The latest fix that re-runs came after: re-runs after an earlier fix are not after this one.
  let despite: { fix: RerunFix; reruns: number } | null = null;
  for (const e of afterFix.values()) if (despite === null || Date.parse(e.fix.mergedAt) > Date.parse(despite.fix.mergedAt)) despite = e;
  return { endedBy: last?.laterFix ?? null, despite, lastRerunAt: last?.iso ?? null };
}

/** "@devraj-patel's", or "their own" when the fix is by the person in question. */
export function fixAuthor(fix: RerunFix, personLogin: string | null): string {
  return personLogin !== null && fix.author.toLowerCase() === personLogin.toLowerCase() ? "their own" : `@${fix.author}'s`;
}
