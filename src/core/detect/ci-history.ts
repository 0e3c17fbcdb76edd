/**
 * CI history as evidence: which check flipped (failed, then passed on the
 * same commit) before a fix, and how its failure/rerun rate on the default
 * branch moved from before the merge to after it.
 */
import { percent, plural } from "./text.js";

/** One attempt of a CI check or workflow run, as the detectors need it. */
export interface CiRunInput {
  /** The check's or workflow's name: runs with the same name are the same job over time. */
  name: string;
  /** The commit the run was for. */
  sha: string;
  /** success, failure, timed_out, cancelled, skipped, neutral, … (null while running). */
  conclusion: string | null;
  /** 1 for the first attempt, 2+ for re-runs. Default 1. */
  attempt?: number | null;
  /** When the run started (ISO 8601). Runs without a time count as "before" and never as "after". */
  at?: string | null;
  /** The branch the run was for. Unknown branches are treated as the default branch for the outcome. */
  branch?: string | null;
}

export interface CiWindowStats {
  /** Distinct commits the check ran on in the window. */
  runs: number;
  /** Of those, commits where the check failed at least once or had to be re-run. */
  bad: number;
  rate: number;
}

export type CiOutcomeStatus = "improved" | "unchanged" | "worse" | "too-early" | "not-measurable";

export interface CiOutcome {
  check: string;
  branch: string | null;
  before: CiWindowStats;
  after: CiWindowStats;
  status: CiOutcomeStatus;
  /** One sentence for a promotion committee, e.g. “failure/rerun rate of "ci" on main: 12% → 2% over 140 runs …”. */
  sentence: string;
}

export interface CiFlips {
  /** The check with the most flips, or null when none flipped. */
  check: string | null;
  /** Commits on which that check failed and then passed. */
  flips: number;
  /** Failed attempts of that check in the window. */
  failures: number;
}

const FAILED = new Set(["failure", "timed_out", "startup_failure"]);
const COUNTED = new Set(["success", "failure", "timed_out", "startup_failure"]);

function time(at: string | null | undefined): number | null {
  if (!at) return null;
  const t = Date.parse(at);
  return Number.isNaN(t) ? null : t;
}

interface Group {
  failed: boolean;
  passed: boolean;
  /** Time of the first failure and of the last success, to check the order. */
  firstFail: number;
  lastPass: number;
  maxAttempt: number;
  failures: number;
}

function groupBySha(runs: readonly CiRunInput[], keep: (r: CiRunInput, t: number | null) => boolean): Map<string, Map<string, Group>> {
  const byName = new Map<string, Map<string, Group>>();
  for (const r of runs) {
    if (!r || typeof r.name !== "string" || typeof r.sha !== "string") continue;
    const conclusion = (r.conclusion ?? "").toLowerCase();
    if (!COUNTED.has(conclusion)) continue;
    const t = time(r.at);
    if (!keep(r, t)) continue;
    let bySha = byName.get(r.name);
    if (!bySha) byName.set(r.name, (bySha = new Map()));
    let g = bySha.get(r.sha);
    if (!g) bySha.set(r.sha, (g = { failed: false, passed: false, firstFail: Infinity, lastPass: -Infinity, maxAttempt: 1, failures: 0 }));
    const attempt = typeof r.attempt === "number" && r.attempt > 0 ? r.attempt : 1;
    if (attempt > g.maxAttempt) g.maxAttempt = attempt;
    // Time first, attempt second: a re-run can carry its run's original creation time.
    const order = t !== null ? t * 1000 + Math.min(attempt, 999) : attempt;
    if (FAILED.has(conclusion)) {
      g.failed = true;
      g.failures++;
      if (order < g.firstFail) g.firstFail = order;
    } else {
      g.passed = true;
      if (order > g.lastPass) g.lastPass = order;
    }
  }
  return byName;
}

/**
 * Finds the check that flipped most often (failed, then passed on the same
 * commit, usually by a re-run) in the window before `until`.
 */
export function findFlips(runs: readonly CiRunInput[], until: string | null | undefined, daysBefore: number): CiFlips {
  const end = time(until);
  const start = end === null ? null : end - daysBefore * 86_400_000;
  const groups = groupBySha(runs, (_r, t) => {
    if (end === null || t === null) return true;
    return t < end && (start === null || t >= start);
  });
  let best: CiFlips = { check: null, flips: 0, failures: 0 };
  for (const [name, bySha] of groups) {
    let flips = 0;
    let failures = 0;
    for (const g of bySha.values()) {
      failures += g.failures;
      if (g.failed && g.passed && g.lastPass > g.firstFail) flips++;
    }
    if (flips > best.flips || (flips === best.flips && flips > 0 && failures > best.failures)) best = { check: name, flips, failures };
  }
  return best;
}

function stats(bySha: Map<string, Group> | undefined): CiWindowStats {
  if (!bySha) return { runs: 0, bad: 0, rate: 0 };
  let bad = 0;
  for (const g of bySha.values()) if (g.failed || g.maxAttempt > 1) bad++;
  const runs = bySha.size;
  return { runs, bad, rate: runs === 0 ? 0 : bad / runs };
}

/**
 * The failure/rerun rate of `check` on the default branch in the N days
 * before the merge and the N days after it, stated with run counts.
 */
export function measureOutcome(
  runs: readonly CiRunInput[],
  check: string,
  mergedAt: string | null | undefined,
  defaultBranch: string | null | undefined,
  daysBefore: number,
  daysAfter: number,
  minRunsAfter: number,
): CiOutcome {
  const merged = time(mergedAt);
  const branch = defaultBranch ?? null;
  const onBranch = (r: CiRunInput): boolean => r.name === check && (branch === null || !r.branch || r.branch === branch);
  const where = branch ? ` on ${branch}` : "";
  if (merged === null) {
    const empty = { runs: 0, bad: 0, rate: 0 };
    return { check, branch, before: empty, after: empty, status: "not-measurable", sentence: `Outcome not measurable yet: no merge time, so no before/after for "${check}".` };
  }
  const beforeStart = merged - daysBefore * 86_400_000;
  const afterEnd = merged + daysAfter * 86_400_000;
  const before = stats(groupBySha(runs, (r, t) => onBranch(r) && t !== null && t >= beforeStart && t < merged).get(check));
  const after = stats(groupBySha(runs, (r, t) => onBranch(r) && t !== null && t >= merged && t <= afterEnd).get(check));
  const total = before.runs + after.runs;
  let status: CiOutcomeStatus;
  let sentence: string;
  const counts = `(${before.bad} of ${before.runs} before, ${after.bad} of ${after.runs} after)`;
  if (before.runs === 0) {
    status = "not-measurable";
    sentence = `Outcome not measurable: "${check}" has no recorded runs${where} in the ${daysBefore} days before the merge.`;
  } else if (after.runs < minRunsAfter) {
    status = "too-early";
    sentence = `Too early to tell: "${check}" failed or needed a re-run on ${percent(before.rate)} of ${plural(before.runs, "run")}${where} in the ${daysBefore} days before the merge, and has only ${plural(after.runs, "run")} since.`;
  } else {
    const arrow = `${percent(before.rate)} → ${percent(after.rate)} over ${plural(total, "run")}`;
    if (after.rate < before.rate) status = "improved";
    else if (after.rate > before.rate) status = "worse";
    else status = "unchanged";
    const verdict = status === "improved" ? "fell" : status === "worse" ? "rose" : "did not change";
    sentence = `The failure/rerun rate of "${check}"${where} ${verdict}: ${arrow} ${counts}, ${daysBefore} days before vs ${daysAfter} days after the merge.`;
  }
  return { check, branch, before: round(before), after: round(after), status, sentence };
}

function round(s: CiWindowStats): CiWindowStats {
  return { runs: s.runs, bad: s.bad, rate: Math.round(s.rate * 10_000) / 10_000 };
}
