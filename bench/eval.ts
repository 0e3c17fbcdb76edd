/**
 * `npm run eval`: the detectors measured on labelled real material, each beside its
 * baseline, on the half of each set that was not used for tuning.
 *
 *   npm run eval                 # the labelled sets in bench/eval/
 *   npm run eval -- --fixture    # the small fixture subset in test/fixtures/eval/ (CI)
 *
 * Each section is an async function taking { fixture, print }; they run in order in one
 * process, and a section that throws is reported and makes the exit code 1.
 */
import { pathToFileURL } from "node:url";
import { runAgreement } from "./eval/agreement.js";
import { runCommitEval } from "./eval/commits-eval.js";
import { runReviewEval } from "./eval/reviews-eval.js";

export interface EvalOptions {
  fixture: boolean;
  print: (line: string) => void;
}
export type EvalSection = (options: EvalOptions) => Promise<unknown>;

/** The sections, in the order they print. A new section is one import and one entry here. */
export const SECTIONS: readonly [string, EvalSection][] = [
  ["reviews", runReviewEval],
  ["commits", runCommitEval],
  ["agreement", runAgreement],
];

export async function runEval(argv: readonly string[], print: (line: string) => void): Promise<number> {
  const unknown = argv.filter((a) => a !== "--fixture");
  if (unknown.length > 0) {
    print(`eval: unknown argument ${unknown[0]} (usage: eval [--fixture])`);
    return 2;
  }
  const fixture = argv.includes("--fixture");
  let failed = 0;
  for (const [name, section] of SECTIONS) {
    try {
      await section({ fixture, print });
    } catch (err) {
      failed++;
      print(`${name}: failed: ${(err as Error).message}`);
    }
    print("");
  }
  return failed > 0 ? 1 : 0;
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) process.exitCode = await runEval(process.argv.slice(2), (line) => process.stdout.write(`${line}\n`));
