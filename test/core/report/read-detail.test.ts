import { describe, expect, it } from "vitest";
import {
  flakyOutcome,
  formatPercent,
  foundDefects,
  isRisky,
  mentees,
  pathAreas,
  recurrenceKey,
  reviewComments,
} from "../../../src/core/report/read-detail.js";
import { contribution } from "./fixtures.js";

/** Detail as the review-depth detector writes it. */
const reviewDepthDetail = {
  comments: [
    { category: "defect", points: 26, duplicate: false, ledToChange: true, recognised: true, url: "https://github.com/acme/api/pull/1#discussion_r1", path: "src/pay/retry.ts", line: 10 },
    { category: "nit", points: 1, duplicate: false, ledToChange: false, recognised: true, url: null, path: "src/pay/retry.ts", line: 12 },
    { category: "question", points: 5, duplicate: false, ledToChange: true, recognised: true, url: null, path: "docs/README.md", line: 1 },
    { category: "praise", points: 0, duplicate: false, ledToChange: false, recognised: true, url: null, path: null, line: null },
  ],
  body: null,
  signals: { findings: 2 },
  reviewIds: [1, 2],
};

/** Detail as the flaky-fix detector writes it. */
function flakyDetail(status: string, before = 0.12, after = 0.02) {
  return {
    patterns: ["title mentions deflake"],
    check: "ci / test",
    ciFlips: { check: "ci / test", flips: 4, failures: 6 },
    outcome: { check: "ci / test", branch: "main", before: { runs: 60, bad: 7, rate: before }, after: { runs: 80, bad: 2, rate: after }, status, sentence: "…" },
  };
}

describe("reading detail written by the detectors", () => {
  it("counts review comments and those that led to a change from the per-comment list", () => {
    expect(reviewComments(contribution({ kind: "review", detail: reviewDepthDetail }))).toEqual({ total: 4, ledToChange: 2 });
    expect(foundDefects(contribution({ kind: "review", detail: reviewDepthDetail }))).toBe(true);
    expect(pathAreas(contribution({ kind: "review", detail: reviewDepthDetail }))).toEqual(["docs", "src"]);
  });

  it("ignores the placeholder a comment-less approval gets", () => {
    const stamp = contribution({ kind: "review", detail: { comments: [{ category: "approval-only", ledToChange: false }] } });
    expect(reviewComments(stamp)).toBeNull();
    expect(foundDefects(stamp)).toBe(false);
  });

  it("prefers explicit counts, and caps 'led to change' at the total", () => {
    expect(reviewComments(contribution({ kind: "review", detail: { commentCount: 3, commentsLedToChange: 9 } }))).toEqual({ total: 3, ledToChange: 3 });
    expect(reviewComments(contribution({ kind: "review", detail: { commentCount: "3" } }))).toBeNull();
  });

  it("reads a measured CI outcome, and nothing from an unmeasurable one", () => {
    expect(flakyOutcome(contribution({ kind: "flaky-fix", detail: flakyDetail("improved") }))).toEqual({
      job: "ci / test",
      branch: "main",
      before: 0.12,
      after: 0.02,
      runs: 140,
      // The run counts on each side, so a summary can say "3 of 32 runs before".
      beforeRuns: 60,
      beforeBad: 7,
      afterRuns: 80,
      afterBad: 2,
    });
    expect(flakyOutcome(contribution({ kind: "flaky-fix", detail: flakyDetail("worse", 0.1, 0.2) }))?.after).toBe(0.2);
    expect(flakyOutcome(contribution({ kind: "flaky-fix", detail: flakyDetail("too-early") }))).toBeNull();
    expect(flakyOutcome(contribution({ kind: "flaky-fix", detail: flakyDetail("not-measurable") }))).toBeNull();
    expect(recurrenceKey(contribution({ kind: "flaky-fix", detail: flakyDetail("improved") }))).toBe("ci / test");
  });

  it("reads simple fields too, and percentages given as 0–100", () => {
    expect(flakyOutcome(contribution({ kind: "flaky-fix", detail: { job: "e2e", failureRateBefore: 30, failureRateAfter: 5, runsBefore: 10, runsAfter: 20 } }))).toEqual({
      job: "e2e",
      branch: null,
      before: 0.3,
      after: 0.05,
      runs: 30,
      beforeRuns: 10,
      beforeBad: null,
      afterRuns: 20,
      afterBad: null,
    });
    expect(flakyOutcome(contribution({ kind: "flaky-fix", detail: { failureRateBefore: 300, failureRateAfter: 5 } }))).toBeNull();
    expect(isRisky(contribution({ kind: "review", detail: { riskyFiles: 2 } }))).toBe(true);
    expect(isRisky(contribution({ kind: "review", detail: { risky: "yes" } }))).toBe(false);
    expect(mentees(contribution({ kind: "mentoring", detail: { newcomer: "newbie", mentees: ["a", 3, ""] } }))).toEqual(["newbie", "a"]);
    expect(pathAreas(contribution({ kind: "review", detail: { paths: ["README.md", "/src/x.ts", 5] } }))).toEqual(["(root)", "src"]);
  });

  it("formats percentages the way people read them", () => {
    expect(formatPercent(0.12)).toBe("12%");
    expect(formatPercent(0.02)).toBe("2%");
    expect(formatPercent(0.025)).toBe("2.5%");
    expect(formatPercent(0.0004)).toBe("<0.1%");
    expect(formatPercent(0)).toBe("0%");
    expect(formatPercent(6 / 7)).toBe("86%");
  });
});
