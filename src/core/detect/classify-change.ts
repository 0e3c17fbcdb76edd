/**
 * What a change is made of (docs, runbook, CI config, templates, ownership,
 * tests — by path globs and content, with each kind's share of the changed
 * lines) and whether it fixes — or merely hides — a flaky test.
 */
import { CHANGE_KINDS, type ChangeKind } from "../model.js";
import { defaultDetectorConfig, type DetectorConfig } from "./config.js";
import { compileConfig, type CompiledConfig } from "./compile-config.js";
import { detectFlakyFix, type FlakyFixResult } from "./detect-flaky-fix.js";
import type { CiRunInput } from "./ci-history.js";
import { percent, plural } from "./text.js";

export interface ChangeFileInput {
  path: string;
  additions?: number | null;
  deletions?: number | null;
  /** The unified diff of the file, when known. */
  patch?: string | null;
}

/** A change (a pull request, or a commit) to classify. */
export interface ChangeInput {
  title: string;
  body?: string | null;
  /** Commit messages, when known: "deflake" is often only said there. */
  commitMessages?: readonly string[] | null;
  /** The change's own labels. */
  labels?: readonly string[] | null;
  /** Issues the change links to (closes), with their labels. */
  linkedIssues?: readonly { number?: number; title?: string; labels: readonly string[] }[] | null;
  files: readonly ChangeFileInput[];
  /** CI history around the change, for flaky-test evidence and outcome. */
  ci?: {
    runs: readonly CiRunInput[];
    /** When the change merged (ISO 8601); without it there is no before/after. */
    mergedAt?: string | null;
    /** The default branch; outcome is measured on it. */
    defaultBranch?: string | null;
  } | null;
}

export interface ChangeKindShare {
  kind: ChangeKind;
  /** Share of the change's counted lines (0–1). */
  share: number;
  lines: number;
  files: number;
  evidence: string[];
}

export interface ChangeClassification {
  /** The kinds that are the substance of the change (not asides), largest first. */
  kinds: ChangeKindShare[];
  /** Every kind that appears in the change, substance or not, largest first. */
  breakdown: ChangeKindShare[];
  /** Lines in files of no glue kind (product code). */
  otherLines: number;
  /** Lines counted (ignored files excluded). */
  totalLines: number;
  /** Lines in ignored files (lockfiles, changelogs, vendored code). */
  ignoredLines: number;
  /** True when every counted line is docs, runbook or template (reviews of it need less depth). */
  docsOnly: boolean;
  flakyFix: FlakyFixResult;
}

/** A file after kind assignment. */
export interface ClassifiedFile {
  path: string;
  kind: ChangeKind | "other" | "ignored";
  lines: number;
  patch: string | null;
  /** Why the kind was chosen when content (not the path) decided it. */
  contentReason: string | null;
}

const RUNBOOK_HEADINGS =
  /^\+\s{0,3}#{1,6}\s*(?:symptoms?|impact|mitigation|mitigate|remediation|escalat\w*|rollback|roll back|diagnos\w*|triage|on-?call|alerts?|pager\w*|recovery|runbook|playbook|incident)\b/gim;
const MIGRATION_GUIDE = /migrat|upgrad/i;
const ADR = /(?:^|\/)(?:adrs?|decisions)\//i;

function linesOf(f: ChangeFileInput): number {
  const a = typeof f.additions === "number" && f.additions > 0 ? f.additions : 0;
  const d = typeof f.deletions === "number" && f.deletions > 0 ? f.deletions : 0;
  if (typeof f.additions === "number" || typeof f.deletions === "number") return a + d;
  if (typeof f.patch === "string" && f.patch.length > 0) return countPatchLines(f.patch);
  return 1;
}

/** Added plus removed lines of a unified diff. */
export function countPatchLines(patch: string): number {
  let n = 0;
  let start = 0;
  const len = patch.length;
  while (start < len) {
    let end = patch.indexOf("\n", start);
    if (end === -1) end = len;
    const ch = patch.charCodeAt(start);
    if (ch === 43 /* + */ || ch === 45 /* - */) {
      const isHeader = end - start >= 3 && patch.startsWith(ch === 43 ? "+++" : "---", start);
      if (!isHeader) n++;
    }
    start = end + 1;
  }
  return n;
}

function runbookHeadings(patch: string | null | undefined): string[] {
  if (!patch) return [];
  const found = new Set<string>();
  RUNBOOK_HEADINGS.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = RUNBOOK_HEADINGS.exec(patch)) !== null) {
    const word = /#{1,6}\s*([^\n]+)/.exec(m[0])?.[1]?.trim();
    if (word) found.add(word.length > 40 ? `${word.slice(0, 39)}…` : word);
    if (found.size >= 4) break;
  }
  return [...found];
}

/** Source lines that are comments: line comments (//, #, --, ;), block comment lines and docstring quotes. */
const COMMENT_LINE = /^[+-]\s*(?:\/\/|#(?![!\[{]|include|define|if|endif|else|pragma|region|endregion)|\/\*|\*|--\s|;|"""|\'\'\'|<!--)/;
const CODE_FILE = /\.(?:go|java|kt|kts|scala|groovy|py|rb|js|jsx|ts|tsx|mjs|cjs|cs|fs|c|cc|cpp|h|hpp|rs|swift|m|mm|php|lua|sh|ex|exs|erl|clj|dart|sql)$/i;

/**
 * True when every changed line of a source file's diff is a comment or blank: the change
 * documents the code (a corrected doc comment, a clarified default) rather than changing it.
 */
function onlyComments(patch: string): boolean {
  let changed = 0;
  for (const line of patch.split("\n")) {
    if (!(line.startsWith("+") || line.startsWith("-")) || line.startsWith("+++") || line.startsWith("---")) continue;
    if (line.slice(1).trim() === "") continue;
    if (!COMMENT_LINE.test(line)) return false;
    changed++;
  }
  return changed > 0;
}

/** Assigns each file to one kind (path globs, then content for docs that read like runbooks). */
export function classifyFiles(files: readonly ChangeFileInput[], c: CompiledConfig): ClassifiedFile[] {
  const out: ClassifiedFile[] = new Array<ClassifiedFile>(files.length);
  for (let i = 0; i < files.length; i++) {
    const f = files[i]!;
    const path = typeof f.path === "string" ? f.path : "";
    const lines = linesOf(f);
    const patch = typeof f.patch === "string" ? f.patch : null;
    if (c.ignore(path)) {
      out[i] = { path, kind: "ignored", lines, patch, contentReason: null };
      continue;
    }
    let kind: ChangeKind | "other" = "other";
    for (const m of c.kindMatchers) {
      if (m.match(path)) {
        kind = m.kind;
        break;
      }
    }
    let contentReason: string | null = null;
    if (kind === "other" && patch !== null && CODE_FILE.test(path) && onlyComments(patch)) {
      kind = "docs";
      contentReason = `${path} changes only comments (documentation in the code)`;
    }
    if (kind === "docs") {
      const headings = runbookHeadings(patch);
      if (headings.length >= 2) {
        kind = "runbook";
        contentReason = `${path} reads like a runbook (sections: ${headings.join(", ")})`;
      }
    }
    out[i] = { path, kind, lines, patch, contentReason };
  }
  return out;
}

const KIND_NAMES: Record<ChangeKind, string> = {
  docs: "Docs",
  runbook: "Runbook",
  "ci-config": "CI configuration",
  template: "PR/issue templates",
  ownership: "Code ownership (CODEOWNERS)",
  test: "Test code",
};

/** Computes kind shares from already classified files. */
export function shareKinds(classified: readonly ClassifiedFile[], config: DetectorConfig): Omit<ChangeClassification, "flakyFix"> {
  const t = config.thresholds;
  const lines: Record<string, number> = {};
  const files: Record<string, string[]> = {};
  const reasons: Record<string, string[]> = {};
  let total = 0;
  let ignored = 0;
  let other = 0;
  let countedFiles = 0;
  for (const f of classified) {
    if (f.kind === "ignored") {
      ignored += f.lines;
      continue;
    }
    countedFiles++;
    total += f.lines;
    if (f.kind === "other") {
      other += f.lines;
      continue;
    }
    lines[f.kind] = (lines[f.kind] ?? 0) + f.lines;
    (files[f.kind] ??= []).push(f.path);
    if (f.contentReason) (reasons[f.kind] ??= []).push(f.contentReason);
  }
  // A change of renames only (0 lines) is weighed by files instead.
  const byFiles = total === 0 && countedFiles > 0;
  const denominator = byFiles ? countedFiles : total;
  const breakdown: ChangeKindShare[] = [];
  for (const kind of CHANGE_KINDS) {
    const paths = files[kind];
    if (!paths) continue;
    const n = byFiles ? paths.length : (lines[kind] ?? 0);
    const share = denominator === 0 ? 0 : n / denominator;
    const evidence = [
      `${KIND_NAMES[kind]}: ${plural(paths.length, "file")}, ${byFiles ? "renamed or moved" : `${(lines[kind] ?? 0).toLocaleString("en-US")} of ${plural(total, "changed line")}`} (${percent(share)} of the change): ${paths.slice(0, 4).join(", ")}${paths.length > 4 ? `, and ${paths.length - 4} more` : ""}.`,
    ];
    for (const r of (reasons[kind] ?? []).slice(0, 2)) evidence.push(`${r}.`);
    if (kind === "docs") {
      const guide = paths.find((p) => MIGRATION_GUIDE.test(p));
      if (guide) evidence.push(`Includes a migration/upgrade guide (${guide}).`);
      const adr = paths.find((p) => ADR.test(p));
      if (adr) evidence.push(`Includes an architecture decision record (${adr}).`);
    }
    breakdown.push({ kind, share: Math.round(share * 1000) / 1000, lines: lines[kind] ?? 0, files: paths.length, evidence });
  }
  breakdown.sort((a, b) => b.share - a.share);
  const otherTrivial = other < t.changeKindTrivialLines;
  const kinds = breakdown.filter((k) => {
    if (k.share >= t.changeKindShare) return true;
    // All glue, no product code: every non-trivial kind is substance.
    return otherTrivial && k.lines >= t.changeKindTrivialLines;
  });
  for (const k of kinds) {
    if (k.share < t.changeKindShare) k.evidence.push(`The change has no product code to speak of, so ${percent(k.share)} is substance, not an aside.`);
  }
  const docsLike = (lines.docs ?? 0) + (lines.runbook ?? 0) + (lines.template ?? 0);
  const docsLikeFiles = (files.docs?.length ?? 0) + (files.runbook?.length ?? 0) + (files.template?.length ?? 0);
  const docsOnly = countedFiles > 0 && (byFiles ? docsLikeFiles === countedFiles : docsLike > 0 && docsLike === total);
  return { kinds, breakdown, otherLines: other, totalLines: total, ignoredLines: ignored, docsOnly };
}

/**
 * Classifies a change. Pure. `kinds` holds only kinds that are the substance
 * of the change: at least `thresholds.changeKindShare` of its lines, or a
 * non-trivial kind in a change with (almost) no product code.
 */
export function classifyChange(input: ChangeInput, config: DetectorConfig = defaultDetectorConfig): ChangeClassification {
  const c = compileConfig(config);
  const classified = classifyFiles(input.files ?? [], c);
  const shares = shareKinds(classified, config);
  const flakyFix = detectFlakyFix(input, classified, shares, c);
  return { ...shares, kinds: testsAsSubstance(shares.kinds, shares.otherLines, input), flakyFix };
}

const TEST_INTENT = /\b(?:tests?|testing|tested|specs?|coverage|e2e|end-to-end|fixtures?|test suite|regression suite|deflake\w*|flaky)\b/i;
const TEST_LABEL = /^(?:tests?|testing|test[- ]?coverage|area[:/ -]tests?|kind[:/ -]tests?|type[:/ -]tests?|e2e|ci[:/ -]tests?)$/i;

/**
 * Tests are glue work when they are the point of the change: a change that only touches tests,
 * or one that says it is about tests (title or label). A feature or a bug fix that comes with
 * its own tests is good engineering, not test work, however many of its lines are tests.
 */
function testsAsSubstance(kinds: ChangeKindShare[], otherLines: number, input: ChangeInput): ChangeKindShare[] {
  const test = kinds.find((k) => k.kind === "test");
  if (!test) return kinds;
  if (otherLines === 0) {
    test.evidence.push("The change touches tests only.");
    return kinds;
  }
  const label = (input.labels ?? []).find((l) => typeof l === "string" && TEST_LABEL.test(l.trim()));
  if (label) {
    test.evidence.push(`The change is labelled “${label}”: the tests are its point, not an aside.`);
    return kinds;
  }
  const m = TEST_INTENT.exec(input.title ?? "");
  if (m) {
    test.evidence.push(`The title says it is about tests (“${m[0]}”), and most of its lines are tests.`);
    return kinds;
  }
  return kinds.filter((k) => k !== test);
}
