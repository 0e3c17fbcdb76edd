/**
 * The words of `unsung backfill`: progress lines, the status table, the
 * summary. Pure strings from the progress and stored state.
 */
import type { BackfillProgress, BudgetView } from "../core/backfill/progress.js";
import { callBudget, callsPer100 } from "../core/backfill/call-budget.js";

const n = (x: number) => x.toLocaleString("en-US");
const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16) + " UTC";

const PHASES: Record<BackfillProgress["phase"], string> = {
  repository: "reading the repository",
  workflow_runs: "CI runs",
  activity: "pull requests and issues",
  detect: "queueing the detectors",
  done: "done",
};

export function describeBudget(b: BudgetView | null): string {
  return b ? `budget ${n(b.remaining)} left, resets ${hhmm(b.resetAtMs)}` : "budget not reported yet";
}

/** Seconds left at the pace so far, from pull requests and issues done of their totals; null when unknown. */
export function estimateSecondsLeft(p: BackfillProgress, elapsedMs: number): number | null {
  const total = (p.pullRequestsTotal ?? 0) + (p.issuesTotal ?? 0);
  const done = p.pullRequestsDone + p.issuesDone;
  if (total <= 0 || done <= 0 || elapsedMs <= 0) return null;
  return Math.max(0, Math.round(((total - Math.min(done, total)) * elapsedMs) / done / 1000));
}

function duration(s: number): string {
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

const of = (done: number, total: number | null) => (total === null ? n(done) : `${n(done)}/${n(total)}`);

/** One line of plain progress (no terminal). */
export function renderProgressLine(p: BackfillProgress, budget: BudgetView | null, elapsedMs: number): string {
  const eta = p.phase === "done" ? null : estimateSecondsLeft(p, elapsedMs);
  return [
    `${p.fullName}: ${PHASES[p.phase]}`,
    `pull requests ${of(p.pullRequestsDone, p.pullRequestsTotal)}`,
    `issues ${of(p.issuesDone, p.issuesTotal)}`,
    `CI runs ${n(p.ciRuns)}`,
    `diffs ${n(p.patches)}`,
    `${n(p.calls)} API calls`,
    describeBudget(budget),
    ...(eta !== null ? [`ETA ${duration(eta)}`] : []),
  ].join(" · ");
}

/** The values a terminal progress bar shows. */
export function progressBarFields(p: BackfillProgress, budget: BudgetView | null): Record<string, string> {
  return {
    repo: p.fullName,
    phase: PHASES[p.phase],
    prs: of(p.pullRequestsDone, p.pullRequestsTotal),
    issues: of(p.issuesDone, p.issuesTotal),
    ci: n(p.ciRuns),
    calls: n(p.calls),
    budget: describeBudget(budget),
  };
}

export function renderWaiting(reason: string, untilMs: number, nowMs: number): string {
  return `waiting for GitHub: ${reason}; resuming at ${hhmm(untilMs)} (in ${duration(Math.max(0, Math.round((untilMs - nowMs) / 1000)))})`;
}

/** The closing line of a finished repository, with its calls against the promise. */
export function renderDone(r: { fullName: string; pullRequests: number; calls: number; alreadyDone: boolean }): string {
  if (r.alreadyDone) return `${r.fullName}: already backfilled for this period (nothing to read; --force reads it again)`;
  const per = callsPer100(r.calls, r.pullRequests);
  return `${r.fullName}: done — ${n(r.pullRequests)} pull requests in ${n(r.calls)} API calls${per !== null ? ` (${per} per 100 pull requests)` : ""}; at most ${n(callBudget(r.pullRequests, 1))} allowed`;
}

export interface StatusRow {
  full_name: string;
  state: string;
  since: string;
  until: string;
  pull_requests_done: number;
  pull_requests_total: number | null;
  issues_done: number;
  issues_total: number | null;
  ci_runs_done: number;
  patches_done: number;
  api_calls: number;
  wait_until: string | null;
  last_error: string | null;
  updated_at: string;
  checkpoints: { resource: string; done: boolean; items: number; updated_at: string }[];
}

export function renderStatus(rows: readonly StatusRow[]): string {
  if (rows.length === 0) return "No backfills yet. Start one: unsung backfill --repo owner/name\n";
  const out: string[] = [];
  for (const r of rows) {
    out.push(
      `${r.full_name}  ${r.state}  ${r.since.slice(0, 10)} → ${r.until.slice(0, 10)}  pull requests ${of(r.pull_requests_done, r.pull_requests_total)} · issues ${of(r.issues_done, r.issues_total)} · CI runs ${n(r.ci_runs_done)} · diffs ${n(r.patches_done)} · ${n(r.api_calls)} API calls`,
    );
    const cps = r.checkpoints.map((c) => `${c.resource} ${c.done ? "done" : "in progress"} (${n(c.items)}, ${c.updated_at.slice(0, 16).replace("T", " ")})`);
    out.push(`  checkpoints: ${cps.length ? cps.join("; ") : "none yet"}`);
    if (r.wait_until) out.push(`  waiting until ${r.wait_until.slice(0, 16).replace("T", " ")} UTC`);
    if (r.last_error) out.push(`  last error: ${r.last_error}`);
  }
  return out.join("\n") + "\n";
}
