import { describe, expect, it } from "vitest";
import { findFlips, measureOutcome, type CiRunInput } from "../../../src/core/detect/ci-history.js";
import { branchRuns, MERGED_AT } from "./ci-fixtures.js";

describe("findFlips", () => {
  it("finds the check that failed then passed on the same commit most often", () => {
    const runs = [...branchRuns({ name: "e2e", runs: 40, bad: 5, fromDay: -30, toDay: 0, shaPrefix: "a" }), ...branchRuns({ name: "lint", runs: 40, bad: 1, fromDay: -30, toDay: 0, shaPrefix: "b" })];
    expect(findFlips(runs, MERGED_AT, 30)).toEqual({ check: "e2e", flips: 5, failures: 5 });
  });

  it("a re-run that carries its run's original time still counts (attempt decides)", () => {
    const runs: CiRunInput[] = [
      { name: "ci", sha: "aaa", conclusion: "failure", attempt: 1, at: "2024-05-10T10:00:00Z" },
      { name: "ci", sha: "aaa", conclusion: "success", attempt: 2, at: "2024-05-10T10:00:00Z" },
    ];
    expect(findFlips(runs, MERGED_AT, 30).flips).toBe(1);
  });

  it("a failure fixed by a new commit is not a flip", () => {
    const runs: CiRunInput[] = [
      { name: "ci", sha: "aaa", conclusion: "failure", attempt: 1, at: "2024-05-10T10:00:00Z" },
      { name: "ci", sha: "bbb", conclusion: "success", attempt: 1, at: "2024-05-10T11:00:00Z" },
    ];
    expect(findFlips(runs, MERGED_AT, 30).flips).toBe(0);
  });

  it("a pass followed by a failure on the same commit is not a flip", () => {
    const runs: CiRunInput[] = [
      { name: "ci", sha: "aaa", conclusion: "success", attempt: 1, at: "2024-05-10T10:00:00Z" },
      { name: "ci", sha: "aaa", conclusion: "failure", attempt: 2, at: "2024-05-10T11:00:00Z" },
    ];
    expect(findFlips(runs, MERGED_AT, 30).flips).toBe(0);
  });

  it("ignores flips outside the window and after the merge, and cancelled runs", () => {
    const old = branchRuns({ runs: 10, bad: 5, fromDay: -90, toDay: -60, shaPrefix: "o" });
    const after = branchRuns({ runs: 10, bad: 5, fromDay: 1, toDay: 20, shaPrefix: "n" });
    const cancelled: CiRunInput[] = [
      { name: "e2e", sha: "c1", conclusion: "cancelled", attempt: 1, at: "2024-05-10T10:00:00Z" },
      { name: "e2e", sha: "c1", conclusion: "success", attempt: 2, at: "2024-05-10T11:00:00Z" },
    ];
    expect(findFlips([...old, ...after, ...cancelled], MERGED_AT, 30).flips).toBe(0);
  });

  it("without a merge time every run counts", () => {
    expect(findFlips(branchRuns({ runs: 10, bad: 3, fromDay: -5, toDay: 5, shaPrefix: "x" }), null, 30).flips).toBe(3);
  });
});

describe("measureOutcome", () => {
  const before = branchRuns({ runs: 50, bad: 6, fromDay: -30, toDay: 0, shaPrefix: "b" });

  it("states the before/after rate with run counts", () => {
    const after = branchRuns({ runs: 50, bad: 1, fromDay: 0, toDay: 30, shaPrefix: "f" });
    const o = measureOutcome([...before, ...after], "e2e", MERGED_AT, "main", 30, 30, 10);
    expect(o.status).toBe("improved");
    expect(o.before).toEqual({ runs: 50, bad: 6, rate: 0.12 });
    expect(o.after).toEqual({ runs: 50, bad: 1, rate: 0.02 });
    expect(o.sentence).toContain("12% → 2% over 100 runs");
    expect(o.sentence).toContain("(6 of 50 before, 1 of 50 after)");
  });

  it("says when it got worse or did not change", () => {
    const worse = measureOutcome([...before, ...branchRuns({ runs: 50, bad: 10, fromDay: 0, toDay: 30, shaPrefix: "f" })], "e2e", MERGED_AT, "main", 30, 30, 10);
    expect(worse.status).toBe("worse");
    const same = measureOutcome([...before, ...branchRuns({ runs: 50, bad: 6, fromDay: 0, toDay: 30, shaPrefix: "f" })], "e2e", MERGED_AT, "main", 30, 30, 10);
    expect(same.status).toBe("unchanged");
  });

  it("is too early to tell with few runs after", () => {
    const o = measureOutcome([...before, ...branchRuns({ runs: 3, bad: 0, fromDay: 0, toDay: 2, shaPrefix: "f" })], "e2e", MERGED_AT, "main", 30, 30, 10);
    expect(o.status).toBe("too-early");
    expect(o.sentence).toMatch(/^Too early to tell/);
    expect(o.sentence).toContain("only 3 runs since");
  });

  it("only counts the default branch", () => {
    const featureAfter = branchRuns({ runs: 50, bad: 0, fromDay: 0, toDay: 30, shaPrefix: "f", branch: "feature/x" });
    const o = measureOutcome([...before, ...featureAfter], "e2e", MERGED_AT, "main", 30, 30, 10);
    expect(o.after.runs).toBe(0);
    expect(o.status).toBe("too-early");
  });

  it("is not measurable without runs before or without a merge time", () => {
    expect(measureOutcome(branchRuns({ runs: 20, bad: 0, fromDay: 0, toDay: 30, shaPrefix: "f" }), "e2e", MERGED_AT, "main", 30, 30, 10).status).toBe("not-measurable");
    expect(measureOutcome(before, "e2e", null, "main", 30, 30, 10).status).toBe("not-measurable");
  });
});
