/**
 * How `unsung backfill` shows its progress: on a terminal, a live bar per
 * repository (cli-progress) with pull requests, issues, CI runs, API calls,
 * the budget left and when it resets, and an ETA; otherwise plain lines, at
 * most one per page. Waits for a rate-limit reset are said out loud either way.
 */
import cliProgress from "cli-progress";
import type { BackfillProgress, BudgetView } from "../core/backfill/progress.js";
import { progressBarFields, renderProgressLine, renderWaiting } from "../render/render-backfill.js";
import type { CliIo } from "./io.js";

export interface ProgressView {
  update(p: BackfillProgress, budget: BudgetView | null): void;
  waiting(reason: string, untilMs: number): void;
  /** A line that stays (a repository finished, a warning). */
  say(line: string): void;
  stop(): void;
}

const FORMAT = "{repo} [{bar}] {percentage}% | {phase} | PRs {prs} | issues {issues} | CI {ci} | {calls} calls | {budget} | ETA {eta_formatted}";

export function createProgressView(io: CliIo, now: () => number): ProgressView {
  const stream = io.stderr as NodeJS.WriteStream;
  if (stream.isTTY === true && typeof stream.cursorTo === "function") return terminalView(stream, now);
  return plainView(io, now);
}

function terminalView(stream: NodeJS.WriteStream, now: () => number): ProgressView {
  const multi = new cliProgress.MultiBar(
    { format: FORMAT, stream, hideCursor: true, clearOnComplete: false, stopOnComplete: false, etaBuffer: 50, fps: 5, autopadding: true },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  let note: cliProgress.SingleBar | null = null;
  return {
    update(p, budget) {
      const total = Math.max(1, (p.pullRequestsTotal ?? 0) + (p.issuesTotal ?? 0));
      const value = Math.min(total, p.phase === "done" ? total : p.pullRequestsDone + p.issuesDone);
      const fields = progressBarFields(p, budget);
      let bar = bars.get(p.fullName);
      if (!bar) bars.set(p.fullName, (bar = multi.create(total, value, fields)));
      bar.setTotal(total);
      bar.update(value, fields);
    },
    waiting(reason, untilMs) {
      const text = renderWaiting(reason, untilMs, now());
      if (!note) note = multi.create(1, 0, {}, { format: "{text}" });
      note.update(0, { text });
    },
    say(line) {
      multi.log(`${line}\n`);
    },
    stop() {
      multi.stop();
    },
  };
}

function plainView(io: CliIo, now: () => number): ProgressView {
  const started = now();
  let last = "";
  return {
    update(p, budget) {
      // One line per change of counts, not per call.
      const key = `${p.fullName}|${p.phase}|${p.pullRequestsDone}|${p.issuesDone}|${p.ciRuns}`;
      if (key === last) return;
      last = key;
      io.stderr.write(`${renderProgressLine(p, budget, now() - started)}\n`);
    },
    waiting(reason, untilMs) {
      io.stderr.write(`${renderWaiting(reason, untilMs, now())}\n`);
    },
    say(line) {
      io.stdout.write(`${line}\n`);
    },
    stop() {},
  };
}
