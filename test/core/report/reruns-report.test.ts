/**
 * Manual CI re-runs in the reports: contributions made by the real detector,
 * then the person packet (a trap with the systemic fix, grouped across months,
 * "is it getting smaller?") and the team report (distribution and trap lines).
 */
import { describe, expect, it } from "vitest";
import { detectReruns } from "../../../src/core/detect/detect-reruns.js";
import type { CiRunFact, FlakyFixRef, RepositoryFact } from "../../../src/core/facts.js";
import type { Contribution } from "../../../src/core/model.js";
import { SYSTEMIC_FIXES } from "../../../src/core/report/rubric.js";
import { renderReport } from "../../../src/render/index.js";
import { alicePersonReport, BOB, CAROL, contribution, DAVE, teamReport } from "./fixtures.js";

const REPO: RepositoryFact = { id: 1, fullName: "acme/api", private: true, defaultBranch: "main", htmlUrl: "https://github.com/acme/api" };
const FIX: FlakyFixRef = { check: "ci", title: "Deflake OrderSyncTest", url: "https://github.com/acme/api/pull/950", authorLogin: DAVE.login, mergedAt: "2026-09-10T12:00:00Z" };

let nextRun = 1;

/** Runs of "ci" that failed and were re-run (and passed) by `who`, one per date. */
function reruns(who: { id: number; login: string }, dates: string[]): CiRunFact[] {
  return dates.flatMap((d) => {
    const id = nextRun++;
    const t = Date.parse(d);
    const base = { source: "workflow_run" as const, id, name: "ci", headSha: `sha${id}`, headBranch: "main", event: "push" };
    return [
      { ...base, attempt: 1, conclusion: "failure", startedAt: new Date(t - 3_600_000).toISOString(), completedAt: null, triggeringActor: { id: 999, login: "pusher", isBot: false } },
      { ...base, attempt: 2, conclusion: "success", startedAt: new Date(t).toISOString(), completedAt: null, triggeringActor: { id: who.id, login: who.login, isBot: false } },
    ];
  });
}

/** What the detector concludes for each month, as the service would store it. */
function detected(runs: CiRunFact[], months: string[], fixes: FlakyFixRef[]): Contribution[] {
  return months.flatMap((month) => detectReruns({ repository: REPO, workflow: "ci", workflowPath: ".github/workflows/ci.yml", month, runs, jobChecks: [], fixes }));
}

const RUNS = [
  // The previous quarter: Bob, three times in June.
  ...reruns(BOB, ["2026-06-03T10:00:00Z", "2026-06-10T10:00:00Z", "2026-06-17T10:00:00Z"]),
  // This quarter: Bob four times in July and five in August; Carol three times in July.
  ...reruns(BOB, ["2026-07-02T10:00:00Z", "2026-07-09T10:00:00Z", "2026-07-16T10:00:00Z", "2026-07-23T10:00:00Z"]),
  ...reruns(BOB, ["2026-08-03T10:00:00Z", "2026-08-10T10:00:00Z", "2026-08-17T10:00:00Z", "2026-08-24T10:00:00Z", "2026-08-31T10:00:00Z"]),
  ...reruns(CAROL, ["2026-07-05T10:00:00Z", "2026-07-12T10:00:00Z", "2026-07-19T10:00:00Z"]),
];

const fixedQ3 = detected(RUNS, ["2026-07", "2026-08"], [FIX]);
const fixedQ2 = detected(RUNS, ["2026-06"], [FIX]);
const daveFix = contribution({ kind: "flaky-fix", person: DAVE, repo: "acme/api", number: 950, subjectTitle: FIX.title, occurredAt: FIX.mergedAt, dynamics: "compounding", score: 80, detail: { check: "ci" } });

function bobReport(current: Contribution[], previous: Contribution[]) {
  // Records begin well before the previous quarter: it is fully recorded, so counts compare as they are.
  return alicePersonReport({ person: BOB, contributions: current, previousContributions: previous, annotations: [], recordsBegin: "2026-01-01T00:00:00Z" });
}

describe("the person packet: manual CI re-runs are a trap, grouped across months", () => {
  it("lists each month under the rubric category as a trap, and names the recurring problem with the systemic fix", () => {
    const report = bobReport(fixedQ3, fixedQ2);
    const items = report.categories.flatMap((c) => c.items).filter((i) => i.kind === "ci-rerun");
    expect(items.map((i) => [i.category, i.kindLabel, i.title, i.dynamics])).toEqual([
      ["Stewards reliability and docs", "month of manual CI re-runs", "Re-ran “ci” by hand 5 times in August 2026", "trap"],
      ["Stewards reliability and docs", "month of manual CI re-runs", "Re-ran “ci” by hand 4 times in July 2026", "trap"],
    ]);
    expect(report.dynamics.trapCount).toBe(2);
    expect(report.dynamics.findings).toHaveLength(1);
    const f = report.dynamics.findings[0]!;
    expect(f).toMatchObject({ kind: "ci-rerun", problem: "the “ci” workflow in acme/api", count: 2, previousCount: 1, reason: "trap", trend: "growing", trendBasis: "previous-period" });
    expect(f.text).toBe(
      "Re-ran the “ci” workflow in acme/api by hand 9 times across 2 months this period, marked as a trap: each re-run got one build through and left the flaky test in place. It is getting bigger: 3 re-runs in 2026 Q2. The problem was later fixed: @dave's flaky-test fix “Deflake OrderSyncTest” was merged on 2026-09-10, and no repeated re-runs by them are recorded after it.",
    );
    expect(f.headline).toBe(
      "Trap: re-ran the “ci” workflow in acme/api by hand 9 times across 2 months, after 3 re-runs in 2026 Q2: not getting smaller — until @dave's flaky-test fix (merged 2026-09-10). See “Compounding or trap” for the systemic fix.",
    );
    expect(f.suggestion).toMatch(/^Done after the fact: @dave's flaky-test fix “Deflake OrderSyncTest” \(merged 2026-09-10\) addressed the cause/);
    // The occurrences span both quarters, oldest first.
    expect(f.items.map((i) => i.title)).toEqual(["Re-ran “ci” by hand 3 times in June 2026", "Re-ran “ci” by hand 4 times in July 2026", "Re-ran “ci” by hand 5 times in August 2026"]);
    expect(report.summary.lines.map((l) => l.text)).toContain(f.headline);
    // A trap is not counted as work that made something better.
    expect(report.summary.lines.some((l) => /Wrote or improved/.test(l.text))).toBe(false);
  });

  it("without a fix, suggests the systemic one; without a previous period, compares the halves of this one in re-runs", () => {
    const report = bobReport(detected(RUNS, ["2026-07", "2026-08"], []), []);
    const f = report.dynamics.findings[0]!;
    expect(f.suggestion).toBe(SYSTEMIC_FIXES["ci-rerun"]);
    expect(f.suggestion).toContain("fix it (or quarantine it with an owner and a deadline, then fix it)");
    expect(f).toMatchObject({ trend: "growing", trendBasis: "within-period", previousCount: null });
    expect(f.text).toBe(
      "Re-ran the “ci” workflow in acme/api by hand 9 times across 2 months this period, marked as a trap: each re-run got one build through and left the flaky test in place. It came up more in the second half of the period (5 re-runs) than in the first (4 re-runs).",
    );
    expect(f.headline).toBe("Trap: re-ran the “ci” workflow in acme/api by hand 9 times across 2 months: not getting smaller. See “Compounding or trap” for the systemic fix.");
  });

  it("says so when the re-runs went on after a flaky-test fix", () => {
    const early: FlakyFixRef = { ...FIX, mergedAt: "2026-08-05T00:00:00Z" };
    const report = bobReport(detected(RUNS, ["2026-07", "2026-08"], [early]), []);
    expect(report.dynamics.findings[0]!.text).toContain("4 re-runs came after @dave's flaky-test fix “Deflake OrderSyncTest” (merged 2026-08-05): the workflow is still flaky.");
    expect(report.dynamics.findings[0]!.suggestion).toBe(SYSTEMIC_FIXES["ci-rerun"]);
  });

  it("renders the trap and its suggestion in Markdown", () => {
    const md = renderReport(bobReport(fixedQ3, fixedQ2), "md");
    expect(md).toContain("month of manual CI re-runs");
    expect(md).toContain("Re-ran the “ci” workflow in acme/api by hand 9 times across 2 months this period, marked as a trap");
    expect(md).toContain("Suggested systemic fix: Done after the fact");
    expect(md).toContain("https://github.com/acme/api/actions/runs/");
  });
});

describe("the team report: who absorbed the flaky workflow", () => {
  const report = () => teamReport({ contributions: [...fixedQ3, daveFix], previousContributions: fixedQ2 });

  it("counts the months of re-runs in the distribution, per person, as traps", () => {
    const d = report().distribution.find((x) => x.kind === "ci-rerun");
    expect(d).toMatchObject({ label: "Months of manual CI re-runs", category: "Stewards reliability and docs", total: 3, trapCount: 3, topLogin: "bob" });
    expect(d!.perPerson.filter((p) => p.count > 0).map((p) => [p.login, p.count])).toEqual([
      ["bob", 2],
      ["Carol", 1],
    ]);
  });

  it("names everyone who re-ran it by hand in its trap line, and the fix that ended it", () => {
    const line = report().summary.lines.map((l) => l.text).find((t) => t.startsWith("Recurring work that absorbs a problem"));
    expect(line).toBe(
      "Recurring work that absorbs a problem instead of removing it (a trap): @bob (9 times) and @Carol (3) re-ran the “ci” workflow in acme/api by hand 12 times, until @dave's flaky-test fix “Deflake OrderSyncTest” (merged 2026-09-10): no repeated re-runs since. Their evidence packets suggest the systemic fix.",
    );
  });

  it("keeps other traps' lines, and says when the re-runs outlasted a fix", () => {
    const early: FlakyFixRef = { ...FIX, mergedAt: "2026-07-10T00:00:00Z" };
    const quarantine = contribution({ kind: "flaky-quarantine", person: CAROL, repo: "acme/web", dynamics: "trap", score: 30 });
    const r = teamReport({ contributions: [...detected(RUNS, ["2026-07", "2026-08"], [early]), quarantine], previousContributions: [] });
    const line = r.summary.lines.map((l) => l.text).find((t) => t.startsWith("Recurring work"));
    expect(line).toBe(
      "Recurring work that absorbs a problem instead of removing it (a trap): @bob (9 times) and @Carol (3) re-ran the “ci” workflow in acme/api by hand 12 times, 9 of them after @dave's flaky-test fix (merged 2026-07-10): still flaky; @Carol quarantined a flaky test instead of fixing it. Their evidence packets suggest the systemic fix.",
    );
  });
});
