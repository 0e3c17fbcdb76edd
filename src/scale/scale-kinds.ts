/**
 * The kinds of pull request the generator draws (feature work, the change
 * kinds, flaky-test fixes and quarantines) and, per change kind, its titles
 * and the texts of its contribution as the change-kind detector words them.
 */
import type { ChangeKind, Contribution } from "../core/model.js";
import { CI_PATHS, DOC_PATHS, OWNERSHIP_PATHS, RUNBOOK_PATHS, TEMPLATE_PATHS, TEST_PATHS } from "./texts.js";

export type PrKind = "feature" | ChangeKind | "flaky-fix" | "flaky-quarantine";
export const PR_KINDS: readonly (readonly [PrKind, number])[] = [
  ["feature", 746],
  ["test", 120],
  ["docs", 60],
  ["ci-config", 20],
  ["runbook", 10],
  ["template", 5],
  ["ownership", 5],
  ["flaky-fix", 20],
  ["flaky-quarantine", 14],
];

export const KIND_TEXT: Record<ChangeKind, { what: string; label: string; improvement: string; beneficiaries: (repo: string) => string[]; dynamics: Contribution["dynamics"]; paths: readonly string[]; title: readonly string[] }> = {
  docs: {
    what: "documentation",
    label: "Docs",
    improvement: "Not measurable yet: whether it answers questions before they are asked shows over time (fewer repeated questions and issues on the topic).",
    beneficiaries: (repo) => [`readers and newcomers of ${repo}`],
    dynamics: "compounding",
    paths: DOC_PATHS,
    title: ["Docs: explain", "Document", "README: describe", "ADR: record the decision on"],
  },
  runbook: {
    what: "a runbook / on-call guide",
    label: "Runbooks",
    improvement: "Not measurable yet: incidents handled with the runbook are not linked to it.",
    beneficiaries: (repo) => [`on-call engineers for ${repo}`],
    dynamics: "compounding",
    paths: RUNBOOK_PATHS,
    title: ["Runbook for", "On-call guide:"],
  },
  "ci-config": {
    what: "CI configuration",
    label: "CI configuration",
    improvement: "Not measurable yet from this change alone (CI failure rates before/after are measured for flaky-test fixes).",
    beneficiaries: (repo) => [`everyone who pushes to ${repo}`],
    dynamics: "compounding",
    paths: CI_PATHS,
    title: ["CI: cache and split the jobs for", "CI: run the integration tests for"],
  },
  template: {
    what: "pull request / issue templates",
    label: "Templates",
    improvement: "Not measurable yet: later pull requests and issues follow the template.",
    beneficiaries: (repo) => [`authors and reviewers of future pull requests and issues in ${repo}`],
    dynamics: "compounding",
    paths: TEMPLATE_PATHS,
    title: ["Add a template for"],
  },
  ownership: {
    what: "code ownership (CODEOWNERS)",
    label: "Code ownership",
    improvement: "Not measurable yet: reviews are routed to the right owners from now on.",
    beneficiaries: (repo) => [`authors and reviewers in ${repo}`],
    dynamics: "compounding",
    paths: OWNERSHIP_PATHS,
    title: ["CODEOWNERS: add owners for"],
  },
  test: {
    what: "tests",
    label: "Test code",
    improvement: "Not measurable yet: defects the tests catch later are not linked to them.",
    beneficiaries: (repo) => [`maintainers of ${repo}`],
    dynamics: "neutral",
    paths: TEST_PATHS,
    title: ["Add tests for", "Cover", "Test"],
  },
};
