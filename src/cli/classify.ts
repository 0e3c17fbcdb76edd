/**
 * `unsung classify`: offline change classification. Reads JSON Lines of
 * changes on stdin, writes one JSON line per change: its glue kinds (docs,
 * runbook, ci-config, template, ownership, test) and whether it fixes — or
 * only quarantines — a flaky test, with the evidence.
 */
import { z } from "zod";
import { classifyChange, type ChangeInput } from "../core/detect/classify-change.js";
import type { CommandRunner } from "./io.js";
import { runJsonLines } from "./score-reviews.js";

const count = z.number().int().min(0).max(1e9);
const opt = <S extends z.ZodType>(s: S) => s.optional().nullable();

/**
 * One CI run attempt. `ci` on a change line is
 * `{"runs": [CiRun…], "mergedAt"?: ISO-8601, "defaultBranch"?: "main"}`:
 * runs of the checks/workflows around the change (before and after the merge),
 * each `{"name", "sha", "conclusion", "attempt"?, "at"?, "branch"?}`.
 */
export const CiRunLineSchema = z.object({
  name: z.string().min(1).max(500),
  sha: z.string().min(1).max(100),
  conclusion: z.string().max(40).nullable(),
  attempt: opt(z.number().int().min(1).max(1000)),
  at: opt(z.string().max(64)),
  branch: opt(z.string().max(500)),
});

export const ChangeLineSchema = z.object({
  id: z.union([z.string().max(1000), z.number()]),
  title: z.string().max(100_000),
  body: opt(z.string()),
  labels: opt(z.array(z.string().max(500)).max(1000)),
  commits: opt(z.array(z.string()).max(10_000)),
  linkedIssues: opt(
    z
      .array(z.object({ number: opt(z.number().int().min(1)), title: opt(z.string().max(10_000)), labels: opt(z.array(z.string().max(500)).max(1000)) }))
      .max(1000),
  ),
  files: z
    .array(
      z.object({
        path: z.string().min(1).max(4096),
        additions: opt(count),
        deletions: opt(count),
        patch: opt(z.string()),
      }),
    )
    .max(100_000),
  ci: opt(
    z.object({
      runs: z.array(CiRunLineSchema).max(1_000_000),
      mergedAt: opt(z.string().max(64)),
      defaultBranch: opt(z.string().max(500)),
    }),
  ),
});
export type ChangeLine = z.infer<typeof ChangeLineSchema>;

export function changeInputOfLine(line: ChangeLine): ChangeInput {
  return {
    title: line.title,
    body: line.body ?? null,
    labels: line.labels ?? null,
    commitMessages: line.commits ?? null,
    linkedIssues: (line.linkedIssues ?? []).map((i) => ({ number: i.number ?? undefined, title: i.title ?? undefined, labels: i.labels ?? [] })),
    files: line.files,
    ci: line.ci ? { runs: line.ci.runs, mergedAt: line.ci.mergedAt ?? null, defaultBranch: line.ci.defaultBranch ?? null } : null,
  };
}

const HELP = `Usage: unsung classify [--config FILE] < changes.jsonl > kinds.jsonl

Classifies changes given as JSON Lines on stdin, one change per line:

  {"id": "pr-42", "title": "Deflake checkout test", "body": "…",
   "files": [{"path": "test/checkout.spec.ts", "additions": 12, "deletions": 4, "patch": "@@ … @@\\n-  await sleep(500)\\n+  await waitFor(…)"}],
   "labels"?: ["flaky-test"], "commits"?: ["commit message", …],
   "linkedIssues"?: [{"number": 7, "title": "…", "labels": ["flaky"]}],
   "ci"?: {"runs": [{"name": "ci", "sha": "abc123", "conclusion": "failure", "attempt": 1,
                     "at": "2024-05-01T10:00:00Z", "branch": "main"}, …],
           "mergedAt": "2024-05-10T12:00:00Z", "defaultBranch": "main"}}

Required: id (string or number), title, files[].path. additions/deletions/patch are
optional (lines are counted from the patch, else each file counts as one line).
ci.runs are attempts of CI checks or workflows around the change: a check that failed
and then passed on the same sha is evidence of flakiness; runs on the default branch
in the days before vs after mergedAt give the outcome.

Writes one line per change:

  {"id": "pr-42", "kinds": ["test"], "shares": {"test": 1}, "docsOnly": false,
   "kindEvidence": {"test": ["…"]},
   "flakyFix": {"is": true, "confidence": 0.85, "evidence": ["…"], "quarantine": false,
                "quarantineConfidence": 0, "patterns": ["…"], "check": "ci", "ciFlips": 4,
                "outcome": {"status": "improved", "before": {…}, "after": {…}, "sentence": "…"} | null}}

"kinds" lists only the kinds that are the substance of the change (not a 3-line aside).
A malformed line is reported on stderr as "line N: …" and skipped; the exit code is 1
if any line failed, else 0.

Options:
  --config FILE   a .github/unsung.yml to use (path globs, thresholds, flaky keywords)
  -h, --help      show this help
`;

export const run: CommandRunner = (args, io) =>
  runJsonLines(
    {
      name: "classify",
      help: HELP,
      schema: ChangeLineSchema,
      handle: (line, config) => {
        const r = classifyChange(changeInputOfLine(line), config);
        return {
          id: line.id,
          kinds: r.kinds.map((k) => k.kind),
          shares: Object.fromEntries(r.breakdown.map((k) => [k.kind, k.share])),
          docsOnly: r.docsOnly,
          kindEvidence: Object.fromEntries(r.kinds.map((k) => [k.kind, k.evidence])),
          flakyFix: r.flakyFix,
        };
      },
    },
    args,
    io,
  );
