/**
 * CI on a pull request's head commit: the three check runs and the workflow
 * run, with a flaky failure and its re-run on some pull requests.
 */
import type { Repo } from "./scale-plan.js";
import type { ScaleRun } from "./scale-run.js";
import { CHECK_BASE, ISO, MIN, WORKFLOW_BASE } from "./scale-shared.js";

export const CHECKS = ["test", "lint", "build"] as const;

/** The check runs and the workflow run of pull request `seq` (#`number` in `repo`, created at `createdAt` ms). */
export function ciRuns(run: ScaleRun, pr: { repo: Repo; number: number; seq: number; headSha: string; authorId: number; authorLogin: string; createdAt: number }): void {
  const { rng, emit, clamp } = run;
  const { repo, number, seq, headSha, authorId, authorLogin, createdAt } = pr;
  const flaky = rng.chance(0.06);
  const ciAt = createdAt + rng.int(1, 10) * MIN;
  for (const name of CHECKS) {
    const attempts = flaky && name === "test" ? 2 : 1;
    for (let a = 0; a < attempts; a++) {
      const start = clamp(ciAt + a * 20 * MIN);
      const conclusion = a < attempts - 1 ? "failure" : rng.chance(0.04) ? "failure" : "success";
      emit("check_runs", [CHECK_BASE + ++run.checkSeq, repo.id, name, headSha, `${authorLogin}/${number}`, "completed", conclusion, "github-actions", ISO(start), ISO(clamp(start + rng.int(2, 14) * MIN)), ISO(clamp(start + 15 * MIN))]);
    }
  }
  const wfAttempts = flaky ? 2 : 1;
  const wfId = WORKFLOW_BASE + ++run.workflowSeq;
  for (let a = 1; a <= wfAttempts; a++) {
    const start = clamp(ciAt + (a - 1) * 20 * MIN);
    emit("workflow_runs", [wfId, a, repo.id, repo.id * 10 + 1, "ci", ".github/workflows/ci.yml", headSha, `${authorLogin}/${number}`, "pull_request", "completed", a < wfAttempts ? "failure" : "success", seq, authorId, authorId, ISO(start), ISO(start), ISO(clamp(start + 16 * MIN))]);
  }
}
