import { describe, expect, it } from "vitest";
import { defaultDetectorConfig, type DetectorConfig } from "../../../src/core/detect/config.js";
import { attemptTime, detectReruns, monthLabel, monthOf, monthRange } from "../../../src/core/detect/detect-reruns.js";
import type { CiRunFact, FlakyFixRef, WorkflowRerunBundle } from "../../../src/core/facts.js";
import type { PersonRef } from "../../../src/core/model.js";
import { people, repository } from "./bundle-fixtures.js";

const renovate: PersonRef = { id: 9100, login: "renovate[bot]", isBot: true };
const devin: PersonRef = { id: 9101, login: "devin-ai-integration", isBot: false };
const MONTH = "2024-05";

let nextRun = 70_000;

/**
 * One workflow run of "ci": attempt 1 fails (or passes), then each re-runner in turn re-runs it.
 * `day` is the day of May 2024; each attempt is an hour after the one before.
 */
function run(opts: {
  day: number;
  rerunBy: (PersonRef | null)[];
  first?: string;
  rerunConclusions?: string[];
  sha?: string;
  branch?: string;
  name?: string;
  id?: number;
}): CiRunFact[] {
  const id = opts.id ?? nextRun++;
  const start = Date.parse(`2024-05-${String(opts.day).padStart(2, "0")}T08:00:00Z`);
  const base = { source: "workflow_run" as const, id, name: opts.name ?? "ci", headSha: opts.sha ?? `sha${id}`, headBranch: opts.branch ?? "main", event: "push" };
  const out: CiRunFact[] = [
    { ...base, attempt: 1, conclusion: opts.first ?? "failure", startedAt: new Date(start).toISOString(), completedAt: new Date(start + 600_000).toISOString(), triggeringActor: people.kim },
  ];
  opts.rerunBy.forEach((p, i) => {
    const t = start + (i + 1) * 3_600_000;
    out.push({
      ...base,
      attempt: i + 2,
      conclusion: opts.rerunConclusions?.[i] ?? "success",
      startedAt: new Date(t).toISOString(),
      completedAt: new Date(t + 600_000).toISOString(),
      triggeringActor: p,
    });
  });
  return out;
}

function bundle(runs: CiRunFact[], fixes: FlakyFixRef[] = [], month = MONTH): WorkflowRerunBundle {
  return { repository, workflow: "ci", workflowPath: ".github/workflows/ci.yml", month, runs, jobChecks: [], fixes };
}

const fix = (mergedAt: string, author = "maya"): FlakyFixRef => ({
  check: "ci",
  title: "Deflake OrderSyncTest",
  url: "https://github.com/acme/shop/pull/88",
  authorLogin: author,
  mergedAt,
});

describe("detectReruns: who keeps re-running a flaky workflow by hand", () => {
  it("three manual re-runs in a month make a trap, with the evidence formula filled", () => {
    const runs = [...run({ day: 3, rerunBy: [people.sam] }), ...run({ day: 9, rerunBy: [people.sam] }), ...run({ day: 20, rerunBy: [people.sam], branch: "fix/login" })];
    const out = detectReruns(bundle(runs));
    expect(out).toHaveLength(1);
    const c = out[0]!;
    expect(c).toMatchObject({
      key: `ci-rerun:${repository.id}:ci:${people.sam.id}:${MONTH}`,
      kind: "ci-rerun",
      personLogin: "sam",
      dynamics: "trap",
      subjectType: "workflow",
      detector: "reruns",
      detectorVersion: 1,
      level: null,
    });
    expect(c.score).toBeGreaterThanOrEqual(20);
    expect(c.score).toBeLessThanOrEqual(35);
    expect(c.subjectTitle).toBe("Re-ran “ci” by hand 3 times in May 2024");
    expect(c.subjectUrl).toMatch(/^https:\/\/github\.com\/acme\/shop\/actions\/runs\/\d+\/attempts\/2$/);
    expect(c.occurredAt).toBe("2024-05-20T09:00:00.000Z");
    expect(c.detail).toMatchObject({ workflow: "ci", reruns: 3, commits: 3, onDefaultBranch: 2, afterFailure: 3, passedAfterFailure: 3, rerunsAfterFix: 0, laterFix: null, priorFix: null });
    expect(c.evidence[0]).toBe("Re-ran the “ci” workflow by hand 3 times on 3 commits in May 2024 (2 on main, 1 on other branches).");
    expect(c.evidence[1]).toBe("All 3 re-runs passed on the same commit right after a failed attempt, with no code change: the mark of a flaky test.");
    expect(c.evidence.join(" ")).toContain("Suggested systemic fix: fix the flaky test behind the failures");
    expect(c.formula.friction).toBe("“ci” in acme/shop kept needing manual re-runs in May 2024: all 3 of @sam's re-runs passed on the same commit right after a failed attempt.");
    expect(c.formula.change).toBe("@sam re-ran “ci” by hand 3 times on 3 commits (2 on main, 1 on other branches) so that builds could go green.");
    expect(c.formula.improvement).toMatch(/^None lasting/);
    expect(c.formula.beneficiaries).toEqual(["everyone waiting on a green “ci” on main in acme/shop", "authors waiting on 1 re-run pull-request or branch build"]);
    const links = c.formula.proof.filter((p) => p.url?.includes("/attempts/"));
    expect(links).toHaveLength(3);
    expect(links[0]!.label).toMatch(/^Run \d+, attempt 2, 2024-05-03, main @ sha\d+: failure → success$/);
    expect(c.formula.proof.at(-1)).toEqual({ label: "All runs of “ci”", url: "https://github.com/acme/shop/actions/workflows/ci.yml" });
  });

  it("two re-runs are nothing; the threshold is configurable", () => {
    const runs = [...run({ day: 3, rerunBy: [people.sam] }), ...run({ day: 9, rerunBy: [people.sam] })];
    expect(detectReruns(bundle(runs))).toEqual([]);
    const two: DetectorConfig = { ...defaultDetectorConfig, thresholds: { ...defaultDetectorConfig.thresholds, rerunTrapCount: 2 } };
    expect(detectReruns(bundle(runs), two).map((c) => c.personLogin)).toEqual(["sam"]);
  });

  it.each([
    ["a bot", renovate],
    ["an AI agent", devin],
    ["a ghost account", people.ghost],
    ["nobody recorded", null],
  ])("%s re-running is nothing", (_what, who) => {
    const runs = [...run({ day: 3, rerunBy: [who, who] }), ...run({ day: 9, rerunBy: [who] }), ...run({ day: 12, rerunBy: [who] })];
    expect(detectReruns(bundle(runs))).toEqual([]);
  });

  it("an opted-out person gets nothing, and is left out of the team figures", () => {
    const runs = [...run({ day: 3, rerunBy: [people.lee, people.sam] }), ...run({ day: 9, rerunBy: [people.lee, people.sam] }), ...run({ day: 12, rerunBy: [people.lee, people.sam] })];
    const both = detectReruns(bundle(runs));
    expect(both.map((c) => c.personLogin).sort()).toEqual(["lee", "sam"]);
    expect(both[0]!.detail["team"]).toEqual({ reruns: 6, people: 2 });
    const out = detectReruns(bundle(runs), { ...defaultDetectorConfig, exclude: ["LEE"] });
    expect(out.map((c) => c.personLogin)).toEqual(["sam"]);
    expect(out[0]!.detail["team"]).toEqual({ reruns: 3, people: 1 });
  });

  it("only attempts run in the month count, by when they ran, not when the run was created", () => {
    // Created on 30 April, re-run on 1 May: May's. Re-runs on 31 May and earlier in May: May's; one in June is not.
    const april = run({ day: 3, rerunBy: [people.sam] }).map((r) =>
      r.attempt === 1 ? { ...r, startedAt: "2024-04-30T22:00:00Z", completedAt: "2024-04-30T22:10:00Z" } : { ...r, startedAt: "2024-05-01T06:00:00Z" },
    );
    const june = run({ day: 31, rerunBy: [people.sam, people.sam] }).map((r) => (r.attempt === 3 ? { ...r, startedAt: "2024-06-01T00:00:00Z" } : r));
    const out = detectReruns(bundle([...april, ...june, ...run({ day: 15, rerunBy: [people.sam] })]));
    expect(out).toHaveLength(1);
    expect(out[0]!.detail["reruns"]).toBe(3);
    expect(out[0]!.detail["firstRerunAt"]).toBe("2024-05-01T06:00:00.000Z");
    expect(detectReruns(bundle([...april, ...june], [], "2024-06"))).toEqual([]);
  });

  it("counts commits, re-runs that failed again, and re-runs with no failure before them", () => {
    const runs = [
      ...run({ day: 3, sha: "same", rerunBy: [people.sam, people.sam], rerunConclusions: ["failure", "success"] }),
      ...run({ day: 4, sha: "same", first: "cancelled", rerunBy: [people.sam] }),
    ];
    const [c] = detectReruns(bundle(runs));
    expect(c!.detail).toMatchObject({ reruns: 3, commits: 1, afterFailure: 2, passedAfterFailure: 1, failedAgain: 1 });
    expect(c!.evidence[1]).toBe("1 of the 2 re-runs that followed a failed attempt passed on the same commit, with no code change: the mark of a flaky test (1 failed again).");
    // Only half the re-runs passed after a failure: no bonus for a clear flaky signal.
    const [clear] = detectReruns(bundle([...run({ day: 3, rerunBy: [people.sam] }), ...run({ day: 4, rerunBy: [people.sam] }), ...run({ day: 5, rerunBy: [people.sam] })]));
    expect(clear!.score).toBeGreaterThan(c!.score);
  });

  it("other workflows and check runs do not count", () => {
    const runs = [...run({ day: 3, rerunBy: [people.sam] }), ...run({ day: 4, rerunBy: [people.sam], name: "deploy" }), ...run({ day: 5, rerunBy: [people.sam] })];
    const checkRuns = run({ day: 6, rerunBy: [people.sam] }).map((r) => ({ ...r, source: "check_run" as const }));
    expect(detectReruns(bundle([...runs, ...checkRuns]))).toEqual([]);
  });

  it("says the problem was later fixed when a flaky-test fix of the workflow was merged after the re-runs", () => {
    const runs = [...run({ day: 3, rerunBy: [people.sam] }), ...run({ day: 9, rerunBy: [people.sam] }), ...run({ day: 20, rerunBy: [people.sam] })];
    const [c] = detectReruns(bundle(runs, [fix("2024-06-02T10:00:00Z")]));
    expect(c!.detail["laterFix"]).toEqual({ title: "Deflake OrderSyncTest", url: "https://github.com/acme/shop/pull/88", author: "maya", mergedAt: "2024-06-02T10:00:00Z", check: "ci" });
    expect(c!.evidence.join(" ")).toContain(
      "The problem was later fixed: @maya's flaky-test fix “Deflake OrderSyncTest” was merged on 2024-06-02, 13 days after the last of these re-runs; re-runs like these stop once the cause is fixed.",
    );
    expect(c!.evidence.join(" ")).not.toContain("Suggested systemic fix");
    expect(c!.formula.improvement).toMatch(/^The re-runs themselves improved nothing lasting\. The problem was later fixed/);
    expect(c!.formula.proof.at(-1)).toEqual({ label: "Flaky-test fix by @maya: Deflake OrderSyncTest (merged 2024-06-02)", url: "https://github.com/acme/shop/pull/88" });
    // Their own fix reads as such.
    const [own] = detectReruns(bundle(runs, [fix("2024-06-02T10:00:00Z", "sam")]));
    expect(own!.evidence.join(" ")).toContain("The problem was later fixed: their own flaky-test fix");
  });

  it("connects a fix of one of the workflow's jobs, and ignores fixes of unrelated checks", () => {
    const runs = [...run({ day: 3, rerunBy: [people.sam] }), ...run({ day: 9, rerunBy: [people.sam] }), ...run({ day: 20, rerunBy: [people.sam] })];
    const ofJob = { ...fix("2024-06-02T10:00:00Z"), check: "Test" };
    const [c] = detectReruns({ ...bundle(runs, [ofJob]), jobChecks: ["test"] });
    expect(c!.evidence.join(" ")).toContain("The problem was later fixed: @maya's flaky-test fix “Deflake OrderSyncTest” (of its “Test” job) was merged on 2024-06-02");
    const [unrelated] = detectReruns(bundle(runs, [{ ...fix("2024-06-02T10:00:00Z"), check: "lint" }]));
    expect(unrelated!.detail["laterFix"]).toBeNull();
  });

  it("says so when re-runs went on after a flaky-test fix was merged", () => {
    const runs = [...run({ day: 3, rerunBy: [people.sam] }), ...run({ day: 9, rerunBy: [people.sam] }), ...run({ day: 20, rerunBy: [people.sam] })];
    const [c] = detectReruns(bundle(runs, [fix("2024-05-05T00:00:00Z")]));
    expect(c!.detail).toMatchObject({ laterFix: null, rerunsAfterFix: 2, priorFix: { author: "maya", mergedAt: "2024-05-05T00:00:00Z" } });
    expect(c!.evidence.join(" ")).toContain(
      "2 of the 3 re-runs came after @maya's flaky-test fix “Deflake OrderSyncTest” was merged on 2024-05-05: the workflow is still flaky (the fix did not remove every cause, or another test is flaky).",
    );
    expect(c!.evidence.join(" ")).toContain("Suggested systemic fix");
  });

  it("names the other people who re-ran it that month", () => {
    const runs = [
      ...run({ day: 3, rerunBy: [people.sam, people.maya] }),
      ...run({ day: 9, rerunBy: [people.sam] }),
      ...run({ day: 20, rerunBy: [people.sam, people.lee] }),
    ];
    const out = detectReruns(bundle(runs));
    expect(out.map((c) => c.personLogin)).toEqual(["sam"]);
    expect(out[0]!.evidence).toContain("2 other people also re-ran “ci” by hand twice in May 2024: the whole team pays for the flakiness.");
  });

  it("an invalid month or no runs gives nothing", () => {
    expect(detectReruns(bundle(run({ day: 3, rerunBy: [people.sam, people.sam, people.sam] }), [], "2024-13"))).toEqual([]);
    expect(detectReruns(bundle([]))).toEqual([]);
  });
});

describe("month helpers", () => {
  it("monthRange, monthOf, monthLabel, attemptTime", () => {
    expect(monthRange("2024-12")).toEqual({ from: "2024-12-01T00:00:00.000Z", until: "2025-01-01T00:00:00.000Z" });
    expect(monthRange("2024-5")).toBeNull();
    expect(monthOf("2024-05-31T23:59:59Z")).toBe("2024-05");
    expect(monthOf("nope")).toBeNull();
    expect(monthLabel("2024-05")).toBe("May 2024");
    expect(attemptTime({ startedAt: null, completedAt: "2024-05-01T00:00:00Z" })).toBe(Date.parse("2024-05-01T00:00:00Z"));
    expect(attemptTime({ startedAt: null, completedAt: null })).toBeNull();
  });
});
