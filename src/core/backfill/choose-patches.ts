/**
 * Which backfilled pull requests need their diffs. GraphQL has no patches and
 * REST costs a call per pull request, so diffs are fetched only where a
 * detector reads them: a possible flaky-test fix (its words or labels say
 * so, and it touches test code, CI or test-runner configuration, where a fix
 * pattern, a skip or a retry could show), and docs that may read like a
 * runbook (the classifier decides from the added headings). Everything else
 * the detectors need — sizes, paths, review threads' outdated state — comes
 * from GraphQL. Pure.
 */
import { classifyFiles } from "../detect/classify-change.js";
import type { CompiledConfig } from "../detect/compile-config.js";
import { flakyFixContext, patchCanShowFlakyFix } from "../detect/detect-flaky-fix.js";

export interface PatchCandidateInput {
  title: string;
  body: string;
  labels: readonly string[];
  commitMessages: readonly string[];
  linkedIssues: readonly { number: number; title: string; labels: readonly string[] }[];
  files: readonly { path: string; additions: number; deletions: number }[];
}

export type PatchDecision = { need: true; reason: string } | { need: false; reason: null };

const RUNBOOK_WORDS = /\b(?:runbooks?|playbooks?|incidents?|on-?call|post-?mortems?|roll(?:ing)?[- ]?back|mitigat\w*|escalat\w*|troubleshoot\w*|remediat\w*|outages?)\b/i;

export function choosePatches(input: PatchCandidateInput, c: CompiledConfig): PatchDecision {
  if (input.files.length === 0) return { need: false, reason: null };
  const files = classifyFiles(input.files, c);
  const context = flakyFixContext(
    { title: input.title, body: input.body, labels: input.labels, commitMessages: input.commitMessages, linkedIssues: input.linkedIssues, files: input.files },
    c,
  );
  if (context) {
    const file = files.find((f) => patchCanShowFlakyFix(f));
    if (file) return { need: true, reason: `possible flaky-test fix: ${context}, and it changes ${file.path}` };
  }
  const docs = files.find((f) => f.kind === "docs");
  if (docs && (RUNBOOK_WORDS.test(input.title) || RUNBOOK_WORDS.test(input.body.slice(0, 20_000)) || files.some((f) => f.kind === "docs" && RUNBOOK_WORDS.test(f.path)))) {
    return { need: true, reason: `docs that may read like a runbook (${docs.path})` };
  }
  return { need: false, reason: null };
}
