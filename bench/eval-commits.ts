/**
 * The commit evaluation on its own (`npm run eval` runs it beside the review evaluation):
 *
 *   npm run build && node dist/bench/eval-commits.js [--fixture] [--errors]
 *
 * `--errors` also lists the tuning half's disagreements (never the report half's), to tune on.
 * The flaky model's weights are re-derived from the tuning data by bench/eval/train-flaky.ts.
 */
import { runCommitEval } from "./eval/commits-eval.js";

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== "--fixture" && a !== "--errors");
if (unknown.length > 0) {
  process.stderr.write(`eval-commits: unknown argument ${unknown[0]}\nusage: node dist/bench/eval-commits.js [--fixture] [--errors]\n`);
  process.exit(2);
}
const errors: string[] = [];
await runCommitEval({
  fixture: args.includes("--fixture"),
  print: (line) => process.stdout.write(`${line}\n`),
  onItem: args.includes("--errors")
    ? (half, item, p) => {
        if (half !== "tuning") return;
        const cls = item.label.flaky_fix ? "fix" : item.label.mitigation ? "mitigation" : "neither";
        const got = p.fix ? "fix" : p.quarantine ? "mitigation" : "neither";
        if (cls !== got) errors.push(`${item.set} ${item.label.repo}@${item.label.sha.slice(0, 12)} label=${cls} tagged=${got} :: ${item.change.title}`);
      }
    : undefined,
});
for (const e of errors) process.stdout.write(`${e}\n`);
