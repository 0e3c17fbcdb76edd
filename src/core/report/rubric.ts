/**
 * How contribution kinds map onto the categories career rubrics speak in,
 * and how each kind is named in prose. The mapping is configurable; these are
 * the defaults a report falls back to for any kind the configuration leaves out.
 */
import { CONTRIBUTION_KINDS, type ContributionKind } from "../model.js";

export const RUBRIC_QUALITY = "Raises quality and unblocks teammates";
export const RUBRIC_CAPACITY = "Multiplies team capacity";
export const RUBRIC_RELIABILITY = "Stewards reliability and docs";
export const RUBRIC_GROWS = "Grows others";

/** The default rubric categories, in the order a report lists them. */
export const DEFAULT_RUBRIC_ORDER: readonly string[] = [RUBRIC_QUALITY, RUBRIC_CAPACITY, RUBRIC_RELIABILITY, RUBRIC_GROWS];

/** Kind → rubric category, by default. */
export const DEFAULT_RUBRIC: Readonly<Record<ContributionKind, string>> = {
  review: RUBRIC_QUALITY,
  triage: RUBRIC_QUALITY,
  test: RUBRIC_QUALITY,
  template: RUBRIC_CAPACITY,
  ownership: RUBRIC_CAPACITY,
  "ci-config": RUBRIC_CAPACITY,
  "flaky-fix": RUBRIC_RELIABILITY,
  "flaky-quarantine": RUBRIC_RELIABILITY,
  "ci-rerun": RUBRIC_RELIABILITY,
  docs: RUBRIC_RELIABILITY,
  runbook: RUBRIC_RELIABILITY,
  mentoring: RUBRIC_GROWS,
  "co-authorship": RUBRIC_GROWS,
};

/** A kind → category mapping; kinds it leaves out fall back to DEFAULT_RUBRIC. */
export type Rubric = Readonly<Partial<Record<ContributionKind, string>>>;

/** The rubric category of a kind. */
export function categoryOf(kind: ContributionKind, rubric: Rubric | undefined): string {
  const configured = rubric?.[kind];
  if (typeof configured === "string" && configured.trim() !== "") return configured.trim();
  return DEFAULT_RUBRIC[kind] ?? "Other glue work";
}

/**
 * The categories to show, in order: the configured order first (always shown,
 * even when empty, so a reader sees what was looked for), then any other
 * category that has something in it, alphabetically.
 */
export function orderCategories(rubricOrder: readonly string[] | undefined, used: Iterable<string>): string[] {
  const order = (rubricOrder && rubricOrder.length > 0 ? rubricOrder : DEFAULT_RUBRIC_ORDER).map((c) => c.trim()).filter((c) => c !== "");
  const seen = new Set<string>();
  const out: string[] = [];
  for (const c of order) {
    if (!seen.has(c)) {
      seen.add(c);
      out.push(c);
    }
  }
  const extra = [...new Set(used)].filter((c) => !seen.has(c)).sort((a, b) => a.localeCompare(b, "en"));
  return [...out, ...extra];
}

/** How each kind reads in a sentence. */
export const KIND_LABELS: Readonly<Record<ContributionKind, { one: string; many: string }>> = {
  review: { one: "review", many: "reviews" },
  "flaky-fix": { one: "flaky-test fix", many: "flaky-test fixes" },
  "flaky-quarantine": { one: "flaky-test quarantine", many: "flaky-test quarantines" },
  // One item is one person's manual re-runs of one workflow in one calendar month.
  "ci-rerun": { one: "month of manual CI re-runs", many: "months of manual CI re-runs" },
  docs: { one: "docs change", many: "docs changes" },
  runbook: { one: "runbook", many: "runbooks" },
  "ci-config": { one: "CI configuration change", many: "CI configuration changes" },
  template: { one: "template change", many: "template changes" },
  ownership: { one: "code-ownership change", many: "code-ownership changes" },
  test: { one: "test improvement", many: "test improvements" },
  triage: { one: "triaged issue", many: "triaged issues" },
  mentoring: { one: "mentoring contribution", many: "mentoring contributions" },
  "co-authorship": { one: "co-authored change", many: "co-authored changes" },
};

/** "1 runbook", "3 runbooks". */
export function countKind(kind: ContributionKind, n: number): string {
  const label = KIND_LABELS[kind] ?? { one: kind, many: kind };
  return `${n} ${n === 1 ? label.one : label.many}`;
}

/** The name of a kind as a table heading. */
export function kindHeading(kind: ContributionKind): string {
  const label = KIND_LABELS[kind]?.many ?? kind;
  return label.charAt(0).toUpperCase() + label.slice(1);
}

/** Every known kind, in the canonical order. */
export const ALL_KINDS: readonly ContributionKind[] = CONTRIBUTION_KINDS;

/**
 * The systemic fix to suggest when a kind of glue work keeps recurring: work that
 * only absorbs a problem should turn into work that removes it.
 */
export const SYSTEMIC_FIXES: Readonly<Record<ContributionKind, string>> = {
  review:
    "Share the load: a CODEOWNERS rotation, a review checklist, and automated checks for what reviews keep catching.",
  "flaky-fix":
    "Fix the root cause once, give the test an owner, and track its failure rate, instead of fixing the same job again.",
  "flaky-quarantine":
    "Quarantine is a holding pattern: give each quarantined test an owner and a deadline, and fix the root cause.",
  "ci-rerun":
    "Stop absorbing it: find the flaky test behind the failures and fix it (or quarantine it with an owner and a deadline, then fix it), and track the workflow's re-run rate. Once a flaky-test fix is merged, the re-runs stop.",
  docs: "Make the docs part of the change (a PR template checkbox, docs owners) so fixing them after the fact stops.",
  runbook: "Automate the steps the runbook keeps being used for, or fix the alert behind them.",
  "ci-config": "Stabilise the pipeline: pin versions, cache dependencies, and give CI an owner, instead of patching it repeatedly.",
  template: "Agree the template once with the team and check it automatically.",
  ownership: "Agree code ownership with the teams involved so it stops needing repeated changes.",
  test: "Invest in test infrastructure (fixtures, helpers) so the same gaps stop needing manual fixes.",
  triage: "Turn the repeated answer into an FAQ, an issue template or a doc, so the question stops coming.",
  mentoring: "Write an onboarding guide and share newcomer support in a rotation, so it doesn't fall on one person.",
  "co-authorship": "Spread pairing across the team and write down what keeps needing a pair.",
};
