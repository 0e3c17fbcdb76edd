/**
 * How far two people agree on the commit labels, beside how far the tagger agrees with each:
 * the ceiling any tagger can be held to. A second annotator labelled a sample of the labelled
 * commits blind (without the first labels, the tagger's verdicts or the label files in view);
 * `flaky-second-annotator.jsonl` keeps their labels and one sentence of why per commit.
 *
 *   npm run build && node dist/bench/eval/agreement.js     (also the last section of `npm run eval`)
 *
 * The sample was drawn stratified by the first label (fixes, mitigations, and hard negatives from
 * the keyword strata), so these are figures on hard commits, not on history at large.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { COMMIT_SETS, EVAL_DIR, changesFor, classOf, parseLabels, parseLines, type EvalItem, type LabelClass } from "./commit-sets.js";
import { predict } from "./commits-eval.js";
import { cohensKappa, fmt3 } from "./metrics.js";

export const SECOND_ANNOTATOR_FILE = "flaky-second-annotator.jsonl";

const SecondLabelSchema = z
  .object({
    repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/),
    sha: z.string().regex(/^[0-9a-f]{40}$/),
    label: z.enum(["fix", "mitigation", "neither"]),
    unsure: z.boolean(),
    why: z.string().min(1).max(1000),
  })
  .strict();
export type SecondLabel = z.infer<typeof SecondLabelSchema>;

/** Parses the second annotator's file: one JSON object a line; a bad line names its number. */
export function parseSecondLabels(text: string, where: string): SecondLabel[] {
  const seen = new Set<string>();
  return parseLines(text, where, (v) => {
    const label = SecondLabelSchema.parse(v);
    const key = `${label.repo}@${label.sha}`;
    if (seen.has(key)) throw new Error(`${key} is labelled twice`);
    seen.add(key);
    return label;
  });
}

export interface Rated {
  first: LabelClass;
  second: LabelClass;
  tagger: LabelClass | null;
  unsure: boolean;
}

const CLASSES: readonly LabelClass[] = ["fix", "mitigation", "neither"];
const isFix = (c: LabelClass) => (c === "fix" ? "fix" : "other");

/** The agreement line of one pairing of raters (3 classes, and fix against the rest). */
export function agreementLine(name: string, pairs: readonly (readonly [LabelClass, LabelClass])[]): string {
  const three = cohensKappa(pairs);
  const two = cohensKappa(pairs.map(([a, b]) => [isFix(a), isFix(b)] as const));
  return `  ${name.padEnd(34)} fix/mitigation/neither: agree ${fmt3(three.observed)}, kappa ${fmt3(three.kappa)}; fix or not: agree ${fmt3(two.observed)}, kappa ${fmt3(two.kappa)}  (${pairs.length} commits)`;
}

/** The confusion of the first labels (rows) against the second (columns). */
export function confusionLines(rated: readonly Rated[]): string[] {
  const out = [`  ${"first label ↓ / second →".padEnd(26)} ${CLASSES.map((c) => c.padStart(12)).join("")}`];
  for (const a of CLASSES) out.push(`  ${a.padEnd(26)} ${CLASSES.map((b) => String(rated.filter((r) => r.first === a && r.second === b).length).padStart(12)).join("")}`);
  return out;
}

export function summarise(rated: readonly Rated[], print: (line: string) => void): void {
  const both = rated.filter((r) => r.tagger !== null) as (Rated & { tagger: LabelClass })[];
  for (const l of confusionLines(rated)) print(l);
  print(agreementLine("first annotator vs second", rated.map((r) => [r.first, r.second] as const)));
  print(agreementLine("tagger vs first annotator", both.map((r) => [r.tagger, r.first] as const)));
  print(agreementLine("tagger vs second annotator", both.map((r) => [r.tagger, r.second] as const)));
  const sure = rated.filter((r) => !r.unsure);
  print(agreementLine("annotators, second one sure", sure.map((r) => [r.first, r.second] as const)));
}

/** The section of `npm run eval`; without mirrors or a cache the tagger's lines are left out. */
export async function runAgreement(options: { fixture: boolean; print: (line: string) => void }): Promise<void> {
  const { print } = options;
  if (options.fixture) {
    print("Label agreement: measured on the real sets only (not with --fixture)");
    return;
  }
  const path = join(EVAL_DIR, SECOND_ANNOTATOR_FILE);
  const second = parseSecondLabels(readFileSync(path, "utf8"), path);
  const byKey = new Map(second.map((s) => [`${s.repo}@${s.sha}`, s]));
  const rated: Rated[] = [];
  let noInput = 0;
  for (const set of COMMIT_SETS) {
    const file = join(EVAL_DIR, set.file);
    const labels = parseLabels(readFileSync(file, "utf8"), file);
    const wanted = labels.some((l) => byKey.has(`${l.repo}@${l.sha}`));
    if (!wanted) continue;
    const src = changesFor(file, labels);
    labels.forEach((label, i) => {
      const key = `${label.repo}@${label.sha}`;
      const s = byKey.get(key);
      if (!s) return;
      byKey.delete(key);
      let tagger: LabelClass | null = null;
      if (src.changes !== null) {
        const p = predict({ set: set.name, label, change: src.changes[i]! } satisfies EvalItem);
        tagger = p.fix ? "fix" : p.quarantine ? "mitigation" : "neither";
      } else noInput++;
      rated.push({ first: classOf(label), second: s.label, tagger, unsure: s.unsure });
    });
  }
  if (byKey.size > 0) throw new Error(`${path}: ${byKey.size} commits are in no label set (${[...byKey.keys()][0]})`);
  print(`Label agreement: a second annotator relabelled ${rated.length} commits blind (sampled by first label: fixes, mitigations, hard negatives; ${second.filter((s) => s.unsure).length} marked unsure)`);
  if (noInput > 0) print(`  (${noInput} commits have no detector input here: the tagger's lines leave them out; set EVAL_MIRRORS)`);
  summarise(rated, print);
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) await runAgreement({ fixture: false, print: (line) => process.stdout.write(`${line}\n`) });
