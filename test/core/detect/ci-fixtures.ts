import type { CiRunInput } from "../../../src/core/detect/ci-history.js";

export const MERGED_AT = "2024-05-15T12:00:00.000Z";
const DAY = 86_400_000;

/**
 * Runs of one check on the default branch: `runs` commits spread evenly over
 * the `days` before (negative) or after (positive) the merge; `bad` of them
 * failed on the first attempt and passed on a re-run (a flip).
 */
export function branchRuns(opts: { name?: string; branch?: string; runs: number; bad: number; fromDay: number; toDay: number; shaPrefix: string }): CiRunInput[] {
  const out: CiRunInput[] = [];
  const merged = Date.parse(MERGED_AT);
  const span = opts.toDay - opts.fromDay;
  for (let i = 0; i < opts.runs; i++) {
    const at = new Date(merged + (opts.fromDay + (span * (i + 0.5)) / opts.runs) * DAY);
    const sha = `${opts.shaPrefix}${i.toString(16).padStart(6, "0")}`;
    const base = { name: opts.name ?? "e2e", sha, branch: opts.branch ?? "main" };
    // Spread the bad ones across the window.
    const isBad = opts.bad > 0 && i % Math.max(1, Math.floor(opts.runs / opts.bad)) === 0 && Math.floor(i / Math.max(1, Math.floor(opts.runs / opts.bad))) < opts.bad;
    if (isBad) {
      out.push({ ...base, conclusion: "failure", attempt: 1, at: at.toISOString() });
      out.push({ ...base, conclusion: "success", attempt: 2, at: new Date(at.getTime() + 600_000).toISOString() });
    } else {
      out.push({ ...base, conclusion: "success", attempt: 1, at: at.toISOString() });
    }
  }
  return out;
}
