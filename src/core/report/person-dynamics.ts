/**
 * The packet's "Compounding or trap" section: glue work grouped by the recurring problem it keeps
 * absorbing, in this period and the previous one, with hand re-runs of flaky builds and the
 * systemic fix each trap suggests.
 */
import type { ContributionKind } from "../model.js";
import { countTrend, rateTrend } from "./build-comparison.js";
import { fixAuthor, isGlue, rerunOutcome, sameQuestionGroups } from "./glue.js";
import { sortByStrength, type MergedContribution } from "./merge-contributions.js";
import type { Period } from "./period.js";
import { recurrenceKey, rerunCount } from "./read-detail.js";
import type { DynamicsSection, PreviousRecorded, RecurrenceFinding } from "./report-model.js";
import { capitalise, plural, times } from "./phrasing.js";
import { ALL_KINDS, countKind, SYSTEMIC_FIXES } from "./rubric.js";

/** Same kind on the same recurring problem this many times (or more) is flagged. */
export const RECURRENCE_THRESHOLD = 3;

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

export function buildDynamics(
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
