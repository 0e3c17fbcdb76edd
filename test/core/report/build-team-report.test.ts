import { describe, expect, it } from "vitest";
import { buildTeamReport, gini, HERO_GINI } from "../../../src/core/report/build-team-report.js";
import type { Contribution } from "../../../src/core/model.js";
import { ALICE, BOB, CAROL, contribution, DAVE, Q2, SECRET_TITLE, teamInput, teamReport } from "./fixtures.js";

describe("gini", () => {
  it("is 0 when everyone does the same amount", () => {
    expect(gini([3, 3, 3, 3])).toBe(0);
    expect(gini([7])).toBe(0);
  });

  it("is (n-1)/n when one person does everything, approaching 1", () => {
    expect(gini([0, 0, 0, 10])).toBe(0.75);
    expect(gini([0, 5])).toBe(0.5);
    const hundred = Array.from({ length: 100 }, (_, i) => (i === 0 ? 42 : 0));
    expect(gini(hundred)).toBeCloseTo(0.99, 10);
  });

  it("matches the textbook value for an uneven spread, whatever the order", () => {
    expect(gini([1, 2, 3, 4, 5])).toBeCloseTo(4 / 15, 9);
    expect(gini([5, 3, 1, 4, 2])).toBeCloseTo(4 / 15, 9);
  });

  it("treats empty, all-zero, negative and non-finite input as equal shares of nothing", () => {
    expect(gini([])).toBe(0);
    expect(gini([0, 0, 0])).toBe(0);
    expect(gini([-5, 0, 5])).toBe(gini([0, 0, 5]));
    expect(gini([Number.NaN, Number.POSITIVE_INFINITY, 2, 2])).toBe(gini([0, 0, 2, 2]));
  });

  it("stays between 0 and 1", () => {
    for (const values of [[1], [1, 100], [0, 0, 1, 1000, 3]]) {
      const g = gini(values);
      expect(g).toBeGreaterThanOrEqual(0);
      expect(g).toBeLessThan(1);
    }
  });
});

describe("buildTeamReport: ordering", () => {
  it("lists people alphabetically, case-insensitively, by default — not a leaderboard", () => {
    const report = teamReport();
    expect(report.type).toBe("team");
    expect(report.ordering).toBe("alphabetical");
    expect(report.people.map((p) => p.login)).toEqual(["alice", "bob", "Carol", "dave"]);
    expect(report.reviewDepth.rows.map((r) => r.login)).toEqual(["alice", "bob", "Carol", "dave"]);
    expect(report.distribution[0]?.perPerson.map((p) => p.login)).toEqual(["alice", "bob", "Carol", "dave"]);
    expect(report.orderingNote).toBe("People are listed alphabetically. This is not a ranking.");
  });

  it("ranks by total evidence score only when asked", () => {
    const withDaveFirst = [
      contribution({ kind: "docs", person: DAVE, score: 99, repo: "acme/docs" }),
      contribution({ kind: "docs", person: DAVE, score: 99, repo: "acme/docs" }),
      contribution({ kind: "docs", person: CAROL, score: 10, repo: "acme/docs" }),
    ];
    const report = buildTeamReport(teamInput({ contributions: withDaveFirst, ranking: true }));
    expect(report.ordering).toBe("ranking");
    expect(report.people.map((p) => [p.login, p.totalScore])).toEqual([
      ["dave", 198],
      ["Carol", 10],
      ["alice", 0],
      ["bob", 0],
    ]);
    expect(report.orderingNote).toMatch(/ranking was asked for/);
  });

  it("lists someone only once even if they are passed twice", () => {
    const report = buildTeamReport(teamInput({ people: [ALICE, ALICE, BOB] }));
    expect(report.people.map((p) => p.login)).toEqual(["alice", "bob"]);
  });
});

describe("buildTeamReport: review depth and load", () => {
  it("gives each reviewer's depth distribution, counting several reviews of one PR once at the deepest level", () => {
    const report = teamReport();
    const alice = report.reviewDepth.rows.find((r) => r.login === "alice");
    expect(alice).toMatchObject({
      reviews: 5,
      depth: { "rubber-stamp": 1, light: 2, substantive: 1, deep: 1, unknown: 0 },
      depthShare: 0.4,
      commentCount: 6,
      commentsLedToChange: 4,
    });
    const carol = report.reviewDepth.rows.find((r) => r.login === "Carol");
    expect(carol).toMatchObject({ reviews: 3, depthShare: 0, commentCount: null, commentsLedToChange: null });
    const dave = report.reviewDepth.rows.find((r) => r.login === "dave");
    expect(dave).toMatchObject({ reviews: 0, depthShare: null, loadShare: 0 });
    expect(report.reviewDepth.totals).toEqual({ "rubber-stamp": 3, light: 4, substantive: 2, deep: 1, unknown: 0 });
    expect(report.reviewDepth.totalReviews).toBe(10);
  });

  it("shares the review load from review contributions by default", () => {
    const report = teamReport();
    const shares = Object.fromEntries(report.reviewDepth.rows.map((r) => [r.login, r.loadShare]));
    expect(shares).toEqual({ alice: 0.5, bob: 0.2, Carol: 0.3, dave: 0 });
    expect(report.reviewDepth.rows.every((r) => r.loadBasis === "review-contributions")).toBe(true);
  });

  it("uses the reviews submitted when the caller has them", () => {
    const report = teamReport({
      reviewsByReviewer: [
        { personId: ALICE.id, reviews: 30 },
        { personId: BOB.id, reviews: 10 },
        { personId: 999, reviews: 1000 },
      ],
    });
    const rows = Object.fromEntries(report.reviewDepth.rows.map((r) => [r.login, [r.loadReviews, r.loadShare, r.loadBasis]]));
    expect(rows).toEqual({
      alice: [30, 0.75, "reviews-submitted"],
      bob: [10, 0.25, "reviews-submitted"],
      Carol: [0, 0, "reviews-submitted"],
      dave: [0, 0, "reviews-submitted"],
    });
  });

  it("counts reviews without a recognised level as unknown, never as depth", () => {
    const report = buildTeamReport(
      teamInput({ contributions: [contribution({ kind: "review", person: BOB, level: null }), contribution({ kind: "review", person: BOB, level: "thorough" })] }),
    );
    expect(report.reviewDepth.rows.find((r) => r.login === "bob")).toMatchObject({
      reviews: 2,
      depth: { "rubber-stamp": 0, light: 0, substantive: 0, deep: 0, unknown: 2 },
      depthShare: 0,
    });
  });
});

describe("buildTeamReport: distribution across the team", () => {
  it("gives each kind's concentration and flags a hero bottleneck", () => {
    const report = teamReport();
    const flaky = report.distribution.find((d) => d.kind === "flaky-fix");
    expect(flaky).toMatchObject({
      label: "Flaky-test fixes",
      category: "Stewards reliability and docs",
      total: 7,
      topLogin: "bob",
      heroBottleneck: true,
      trapCount: 3,
    });
    expect(flaky?.topShare).toBeCloseTo(6 / 7, 10);
    expect(flaky?.gini).toBe(gini([1, 6, 0, 0]));
    expect(flaky?.perPerson.map((p) => p.count)).toEqual([1, 6, 0, 0]);
    // Bob's repeated fixes of the same job are still load he carries; the flag says they are a trap.
    expect(flaky?.flags).toEqual([
      "@bob did 86% of the flaky-test fixes (6 of 7).",
      "Very unevenly spread: Gini coefficient 0.68.",
      "3 of the 7 absorb a recurring problem (a trap): the fix is systemic, not more of the same.",
    ]);
    expect(report.summary.lines.map((l) => l.text)).toContain(
      "Possible hero bottleneck in flaky-test fixes: @bob did 86% of the flaky-test fixes (6 of 7). Very unevenly spread: Gini coefficient 0.68. 3 of the 7 absorb a recurring problem (a trap): the fix is systemic, not more of the same.",
    );
  });

  it("does not flag kinds with too few items to mean anything", () => {
    const report = teamReport();
    const runbook = report.distribution.find((d) => d.kind === "runbook");
    expect(runbook).toMatchObject({ total: 1, topLogin: "alice", topShare: 1, heroBottleneck: false, flags: [] });
    expect(runbook?.gini).toBe(0.75);
  });

  it("flags a very uneven spread by Gini even when nobody has half", () => {
    const people = Array.from({ length: 10 }, (_, i) => ({ id: 1000 + i, login: `p${i}` }));
    const contributions: Contribution[] = [];
    for (const who of [people[0]!, people[1]!, people[2]!]) {
      for (let i = 0; i < 3; i++) contributions.push(contribution({ kind: "docs", person: who, repo: "acme/docs", score: 50 }));
    }
    const report = buildTeamReport(teamInput({ people, contributions, previousContributions: [] }));
    const docs = report.distribution.find((d) => d.kind === "docs")!;
    expect(docs.topShare).toBeCloseTo(1 / 3, 10);
    expect(docs.gini).toBeCloseTo(0.7, 9);
    expect(docs.gini).toBeGreaterThanOrEqual(HERO_GINI);
    expect(docs.heroBottleneck).toBe(true);
    // Nobody has half, so the flag names who carries the most.
    expect(docs.flags).toEqual(["Very unevenly spread: Gini coefficient 0.70. Most by @p0 (33%, 3 of 9)."]);
  });

  it("never flags a team of one", () => {
    const contributions = Array.from({ length: 8 }, () => contribution({ kind: "docs", person: BOB, repo: "acme/docs" }));
    const report = buildTeamReport(teamInput({ people: [BOB], contributions }));
    expect(report.distribution[0]).toMatchObject({ total: 8, topShare: 1, heroBottleneck: false, gini: 0 });
  });

  it("gives the top spot on a tie to the first alphabetically, not the first in the input", () => {
    const contributions = [contribution({ kind: "docs", person: DAVE }), contribution({ kind: "docs", person: BOB })];
    const report = buildTeamReport(teamInput({ people: [DAVE, BOB], contributions }));
    expect(report.distribution[0]?.topLogin).toBe("bob");
  });
});

describe("buildTeamReport: areas without reviewer depth", () => {
  it("finds repositories and top-level folders with only rubber-stamp or light reviews", () => {
    const report = teamReport();
    expect(report.shallowAreas.map((a) => [a.area, a.reviews, a.depth["rubber-stamp"], a.depth.light])).toEqual([["acme/web: site", 3, 2, 1]]);
    expect(report.shallowAreas.every((a) => a.noDepth)).toBe(true);
    expect(report.summary.lines.map((l) => l.text)).toContain("1 area had only rubber-stamp or light reviews: acme/web: site.");
  });

  it("flags a whole repository when nobody reviewed it in depth", () => {
    const contributions = [
      contribution({ kind: "review", person: BOB, repo: "acme/docs", level: "light" }),
      contribution({ kind: "review", person: CAROL, repo: "acme/docs", level: "rubber-stamp" }),
      contribution({ kind: "review", person: CAROL, repo: "acme/api", level: "deep" }),
    ];
    const report = buildTeamReport(teamInput({ contributions }));
    expect(report.shallowAreas.map((a) => [a.area, a.path])).toEqual([["acme/docs", null]]);
  });
});

describe("buildTeamReport: trends", () => {
  it("compares each kind with the previous period", () => {
    const report = teamReport();
    expect(report.trends.hasPreviousData).toBe(true);
    // Rubber-stamp and light reviews are review load, not glue work: they are not in the totals.
    expect(report.trends.message).toBe("Compared with 2026 Q2: 17 pieces of glue work, up from 4.");
    expect(report.trends.byKind.find((r) => r.key === "flaky-fix")).toMatchObject({ current: 7, previous: 1, countTrend: "up" });
    expect(report.trends.byKind.find((r) => r.key === "runbook")).toMatchObject({ current: 1, previous: 0, countTrend: "new" });
  });

  it("counts glue work per month within the period", () => {
    const report = teamReport();
    // Glue work only: rubber-stamp and light reviews are review load.
    expect(report.trends.months.map((m) => [m.key, m.total])).toEqual([
      ["2026-07", 6],
      ["2026-08", 6],
      ["2026-09", 5],
    ]);
    expect(report.trends.months.reduce((n, m) => n + m.total, 0)).toBe(report.people.reduce((n, p) => n + p.items, 0));
    expect(report.trends.months[2]?.byKind["flaky-fix"]).toBe(3);
  });

  it("says when there is no data for the previous period", () => {
    const report = teamReport({ previousContributions: [] });
    expect(report.trends.hasPreviousData).toBe(false);
    expect(report.trends.message).toBe("No data for the previous period (2026 Q2).");
    expect(report.previousPeriod).toEqual(Q2);
  });
});

describe("buildTeamReport: explanation, privacy, empty", () => {
  it("explains every number in words", () => {
    const report = teamReport();
    const titles = report.howComputed.map((e) => e.title);
    expect(titles).toEqual([
      "Review depth",
      "Comments that led to changes",
      "Review load share",
      "Distribution across the team",
      "Areas with no reviewer depth",
      "Trends",
      "Who and what is counted",
      "Order",
    ]);
    const distribution = report.howComputed.find((e) => e.title === "Distribution across the team")!.text;
    expect(distribution).toMatch(/Gini coefficient, a number from 0 \(everyone did the same amount\)/);
    expect(distribution).toMatch(/at least 5 items/);
  });

  it("never includes work from a repository it does not cover, or by someone outside the team", () => {
    const outsider = contribution({ kind: "docs", person: { id: 5000, login: "outsider" }, repo: "acme/docs", subjectTitle: "outsider work" });
    const report = buildTeamReport(teamInput({ contributions: [...teamInput().contributions, outsider] }));
    const json = JSON.stringify(report);
    expect(json).not.toContain(SECRET_TITLE);
    expect(json).not.toContain("acme/secret");
    expect(json).not.toContain("outsider");
    // 12 covered items, of which one rubber stamp and two light reviews are review load, not glue work.
    expect(report.people.find((p) => p.login === "alice")?.items).toBe(9);
  });

  it("is clear, not broken, for a team with no glue work", () => {
    const report = buildTeamReport(teamInput({ contributions: [], previousContributions: [] }));
    expect(report.summary.empty).toBe(true);
    expect(report.summary.headline).toBe("Unsung found no glue work for this team (4 people) in 2026 Q3 in the 3 repositories this report covers.");
    expect(report.distribution).toEqual([]);
    expect(report.shallowAreas).toEqual([]);
    expect(report.reviewDepth.totalReviews).toBe(0);
    expect(report.trends.months.map((m) => m.total)).toEqual([0, 0, 0]);
  });

  it("is the same whatever order the rows come in", () => {
    const input = teamInput();
    const a = buildTeamReport(input);
    const b = buildTeamReport({ ...input, people: [...input.people].reverse(), contributions: [...input.contributions].reverse() });
    expect(b).toEqual(a);
  });
});

describe("buildTeamReport: review load is not glue work, traps are named, noise is not a bottleneck", () => {
  it("counts only substantive and deep reviews as glue work, and says how many approvals showed no review", () => {
    const contributions = [
      ...[1, 2, 3, 4].map((n) => contribution({ kind: "review", person: CAROL, repo: "acme/web", number: 400 + n, level: "rubber-stamp", score: 0 })),
      ...[1, 2].map((n) => contribution({ kind: "review", person: BOB, repo: "acme/web", number: 410 + n, level: "light", score: 23 })),
      contribution({ kind: "review", person: ALICE, repo: "acme/web", number: 420, level: "deep", score: 90 }),
    ];
    const report = buildTeamReport(teamInput({ contributions, previousContributions: [] }));
    expect(report.summary.headline).toBe("4 people, 1 piece of glue work in 2026 Q3 across 1 repository.");
    expect(report.summary.lines[0]!.text).toBe(
      "1 of 7 reviews (14%) was substantive or deep; 4 (57%) were approvals with no visible review. Only substantive and deep reviews count as glue work.",
    );
    expect(report.distribution.map((d) => [d.label, d.total])).toEqual([["Substantive or deep reviews", 1]]);
    expect(report.people.find((p) => p.login === "Carol")?.items).toBe(0);
    // The review table still shows everyone's load.
    expect(report.reviewDepth.rows.find((r) => r.login === "Carol")?.depth["rubber-stamp"]).toBe(4);
  });

  it("names work that keeps absorbing the same problem, with the question it keeps answering", () => {
    const q = (n: number, similar: number[], trap: boolean) =>
      contribution({ kind: "triage", person: BOB, repo: "acme/web", number: n, subjectTitle: `How do I get VPN access? (#${n})`, dynamics: trap ? "trap" : "neutral", detail: { similarAnswered: similar } });
    const contributions = [
      q(31, [], false),
      q(32, [31], false),
      q(33, [31, 32], true),
      contribution({ kind: "flaky-quarantine", person: CAROL, repo: "acme/web", dynamics: "trap", score: 30 }),
    ];
    const report = buildTeamReport(teamInput({ contributions, previousContributions: [] }));
    expect(report.summary.lines.map((l) => l.text)).toContain(
      "Recurring work that absorbs a problem instead of removing it (a trap): @bob answered the same question (“How do I get VPN access? (#31)”) 3 times; @Carol quarantined a flaky test instead of fixing it. Their evidence packets suggest the systemic fix.",
    );
  });

  it("a high Gini coefficient alone is not a bottleneck when nobody carries even a third", () => {
    const people = Array.from({ length: 15 }, (_, i) => ({ id: 2000 + i, login: `q${String(i).padStart(2, "0")}` }));
    // 13 items over 8 of 15 people, at most 4 by one: most people do none, nobody carries it.
    const counts = [4, 2, 2, 1, 1, 1, 1, 1];
    const contributions = counts.flatMap((n, i) => Array.from({ length: n }, () => contribution({ kind: "test", person: people[i]!, repo: "acme/api", score: 32 })));
    const report = buildTeamReport(teamInput({ people, contributions, previousContributions: [] }));
    const tests = report.distribution.find((d) => d.kind === "test")!;
    expect(tests.gini).toBeGreaterThanOrEqual(HERO_GINI);
    expect(tests.topShare).toBeLessThan(1 / 3);
    expect(tests.heroBottleneck).toBe(false);
  });

  it("a repository without depth is listed once, not again for each of its folders", () => {
    const contributions = [
      contribution({ kind: "review", person: BOB, repo: "acme/docs", level: "light", detail: { paths: ["docs/a.md", "guides/b.md"] } }),
      contribution({ kind: "review", person: CAROL, repo: "acme/docs", level: "rubber-stamp", detail: { paths: ["docs/c.md"] } }),
      contribution({ kind: "review", person: CAROL, repo: "acme/api", level: "deep", detail: { paths: ["src/x.ts"] } }),
      contribution({ kind: "review", person: BOB, repo: "acme/api", level: "light", detail: { paths: ["migrations/1.sql"] } }),
    ];
    const report = buildTeamReport(teamInput({ contributions }));
    expect(report.shallowAreas.map((a) => a.area)).toEqual(["acme/docs", "acme/api: migrations"]);
  });

  it("compares per 30 days with a previous period recorded only from late in it", () => {
    const june = Array.from({ length: 20 }, (_, i) => contribution({ kind: "docs", person: BOB, repo: "acme/docs", number: 3000 + i, score: 40, occurredAt: "2026-06-15T10:00:00Z" }));
    const current = Array.from({ length: 30 }, (_, i) => contribution({ kind: "docs", person: BOB, repo: "acme/docs", number: 3100 + i, score: 40, occurredAt: "2026-08-15T10:00:00Z" }));
    const report = buildTeamReport(teamInput({ contributions: current, previousContributions: june, recordsBegin: "2026-06-01T00:00:00Z" }));
    expect(report.trends.previousRecorded).toMatchObject({ recordedDays: 30, periodDays: 91, basis: "organisation", comparable: true });
    expect(report.trends.message).toBe(
      "2026 Q2 is only partly recorded (from 2026-06-01, 30 of 91 days), so counts are compared per 30 days: about 10 pieces of glue work per 30 days now, against 20 in the recorded part of 2026 Q2 (down).",
    );
    // Raw counts would say "up from 20 to 30"; per day it went down.
    expect(report.trends.byKind.find((r) => r.key === "docs")).toMatchObject({ current: 30, previous: 20, countTrend: "down" });
  });
});
