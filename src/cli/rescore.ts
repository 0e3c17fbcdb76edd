import { rescore } from "../services/run-detectors.js";
import { dateFlag, parse } from "./args.js";
import type { CommandRunner } from "./io.js";
import { offlineClients, openRuntime } from "./runtime.js";

export const help = `Usage: unsung rescore [--since YYYY-MM-DD]

Re-runs the detectors over stored facts (after upgrading Unsung or changing
.github/unsung.yml). Idempotent: each subject's contributions are replaced.
Evidence comments on merged pull requests whose text changed are queued for the
worker to rewrite in place (a recent pull request without one may get one).
  --since D   only subjects updated on or after D (pull requests, issues, and
              workflows re-run by hand since D, by calendar month)`;

export const run: CommandRunner = async (args, io) => {
  const { values } = parse(args, { since: { type: "string" } });
  if (values.help) return io.stdout.write(help + "\n"), 0;
  const since = dateFlag(values.since, "since");
  const rt = await openRuntime(io);
  try {
    const r = await rescore({ db: rt.database.db, clients: await offlineClients(rt.env, io.cwd), now: () => new Date() }, since);
    const what =
      r.rerunMonths > 0
        ? `${r.pullRequests} pull requests, ${r.issues} issues and ${r.rerunMonths} workflow-months of manual re-runs`
        : `${r.pullRequests} pull requests and ${r.issues} issues`;
    const comments = r.comments > 0 ? `; ${r.comments} evidence comments queued to be rewritten` : "";
    io.stdout.write(`rescored ${what}: ${r.contributions} contributions${comments}\n`);
    return 0;
  } finally {
    await rt.close();
  }
};
