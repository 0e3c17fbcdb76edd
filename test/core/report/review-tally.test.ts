/**
 * Review tallies: what a team report needs of reviews, counted. The builder
 * gives the same report from tallies as from the review contributions, tallies
 * of disjoint reviews add up, and a tally from outside (the database) is
 * checked again for the team and the covered repositories.
 */
import { describe, expect, it } from "vitest";
import { TEAM_DETAIL_KINDS } from "../../../src/core/report/build-team-report.js";
import { addCounts, addTallies, countPeriod, emptyCounts, emptyTally, storedSummary, tallyReviews, type ReviewTally } from "../../../src/core/report/review-tally.js";
import { isInPeriod, type Period } from "../../../src/core/report/period.js";
import { coverageOf, selectCoveredContributions } from "../../../src/core/report/select-covered.js";
import type { Contribution } from "../../../src/core/model.js";
import { ALICE, BOB, CAROL, contribution, COVERED, Q2, Q3, teamInput, teamQ2, teamQ3, teamReport } from "./fixtures.js";

/** What a producer of tallies (the database) selects: the period's reviews in covered repositories. */
function visible(cs: Contribution[], period: Period): Contribution[] {
  return selectCoveredContributions(cs, coverageOf(COVERED)).filter((c) => isInPeriod(c.occurredAt, period));
}

function tallyOf(cs: Contribution[], period: Period): ReviewTally {
  return tallyReviews(visible(cs, period));
}

describe("tallyReviews", () => {
  it("merges several reviews of one pull request by one person into one, at the deepest level, comments from each", () => {
    const t = tallyReviews([
      contribution({ kind: "review", person: BOB, number: 1, level: "light", score: 20, occurredAt: "2026-07-02T10:00:00Z", detail: { commentCount: 2, commentsLedToChange: 0, paths: ["src/a.ts"] } }),
      contribution({ kind: "review", person: BOB, number: 1, level: "deep", score: 90, occurredAt: "2026-08-03T10:00:00Z", detail: { commentCount: 3, commentsLedToChange: 2, paths: ["lib/b.ts"] } }),
      contribution({ kind: "review", person: BOB, number: 2, level: "rubber-stamp", score: 5, dynamics: "trap", occurredAt: "2026-07-09T10:00:00Z" }),
      contribution({ kind: "docs", person: BOB, number: 3 }),
    ]);
    expect(t.people.sort((a, b) => a.level.localeCompare(b.level))).toEqual([
      { personId: BOB.id, level: "deep", reviews: 1, scoreSum: 90, traps: 0 },
      { personId: BOB.id, level: "rubber-stamp", reviews: 1, scoreSum: 5, traps: 1 },
    ]);
    // The merged review happened when its last part did.
    expect(t.months.sort((a, b) => a.month.localeCompare(b.month))).toEqual([
      { month: "2026-07", level: "rubber-stamp", reviews: 1 },
      { month: "2026-08", level: "deep", reviews: 1 },
    ]);
    expect(t.areas.map((a) => a.area).sort()).toEqual(["lib", "src"]);
    expect(t.comments).toEqual([{ personId: BOB.id, total: 5, ledToChange: 2 }]);
    expect(t.earliest).toBe("2026-07-02T10:00:00.000Z");
  });

  it("of nothing is empty", () => {
    expect(tallyReviews([])).toEqual(emptyTally());
  });

  it("of two disjoint sets of reviews adds up to the tally of both", () => {
    const all = teamQ3().filter((c) => c.kind === "review");
    const byPerson = (t: ReviewTally) => JSON.stringify([...t.people].sort((a, b) => a.personId - b.personId || a.level.localeCompare(b.level)));
    const a = all.filter((c) => c.personId === ALICE.id);
    const b = all.filter((c) => c.personId !== ALICE.id);
    const sum = addTallies(tallyReviews(a), tallyReviews(b));
    expect(byPerson(sum)).toBe(byPerson(tallyReviews(all)));
    expect(sum.earliest).toBe(tallyReviews(all).earliest);
    expect(addTallies(emptyTally(), tallyReviews(all)).comments).toEqual(tallyReviews(all).comments);
  });
});

describe("countPeriod", () => {
  it("counts merged items per kind, of reviews only the substantive and deep ones, and every review in the total", () => {
    const c = countPeriod([
      contribution({ kind: "review", person: BOB, number: 1, level: "light", score: 20, occurredAt: "2026-05-02T10:00:00Z" }),
      contribution({ kind: "review", person: BOB, number: 1, level: "deep", score: 140, occurredAt: "2026-05-03T10:00:00Z" }),
      contribution({ kind: "review", person: BOB, number: 2, level: "light", score: 20, occurredAt: "2026-05-04T10:00:00Z" }),
      contribution({ kind: "docs", person: BOB, number: 3, score: 40, occurredAt: "2026-05-01T10:00:00Z" }),
      contribution({ kind: "docs", person: BOB, number: 3, score: 60, occurredAt: "2026-05-05T10:00:00Z" }),
    ]);
    expect(c).toEqual({
      kinds: expect.arrayContaining([
        { kind: "review", items: 1, scoreSum: 100 },
        { kind: "docs", items: 1, scoreSum: 60 },
      ]),
      reviews: 2,
      earliest: "2026-05-01T10:00:00.000Z",
    });
    expect(addCounts(c, c)).toMatchObject({ reviews: 4, earliest: c.earliest, kinds: expect.arrayContaining([{ kind: "docs", items: 2, scoreSum: 120 }]) });
    expect(addCounts(emptyCounts(), c)).toEqual(c);
  });
});

describe("the team report from tallies", () => {
  it("is the report from review contributions, and the previous period's counts the report from its contributions", () => {
    const reviewTally = tallyOf(teamQ3(), Q3);
    const previousCounts = countPeriod(visible(teamQ2(), Q2).filter((c) => !TEAM_DETAIL_KINDS.includes(c.kind)));
    // Given a tally, review contributions are ignored: leave them out, and leave them in twice.
    const others = (cs: ReturnType<typeof teamQ3>) => cs.filter((c) => c.kind !== "review");
    expect(teamReport({ contributions: others(teamQ3()), reviewTally })).toEqual(teamReport());
    expect(teamReport({ contributions: [...teamQ3(), ...teamQ3()], reviewTally })).toEqual(teamReport());
    // Given counts, the previous period's contributions matter only for the kinds whose items are read.
    const detailOnly = teamQ2().filter((c) => TEAM_DETAIL_KINDS.includes(c.kind));
    expect(teamReport({ previousContributions: detailOnly, previousCounts })).toEqual(teamReport());
    expect(teamReport({ previousContributions: [...teamQ2(), ...teamQ2()], previousCounts })).toEqual(teamReport());
    expect(previousCounts.kinds.length).toBeGreaterThan(0);
  });

  it("says the previous period has data when it had only light reviews, and has none when it had nothing", () => {
    const light = { kinds: [], reviews: 3, earliest: "2026-05-02T10:00:00.000Z" };
    expect(teamReport({ previousContributions: [], previousCounts: light }).trends.hasPreviousData).toBe(true);
    expect(teamReport({ previousContributions: [], previousCounts: emptyCounts() }).trends.hasPreviousData).toBe(false);
  });

  it("drops tally entries of people outside the team and of repositories the reader may not see", () => {
    const current = tallyOf(teamQ3(), Q3);
    const stranger = 999_999;
    const leaky: ReviewTally = {
      ...current,
      people: [...current.people, { personId: stranger, level: "deep", reviews: 40, scoreSum: 4000, traps: 0 }],
      repositories: [...current.repositories, { repositoryFullName: "acme/secret", repositoryPrivate: true, level: "light", reviews: 9 }],
      areas: [...current.areas, { repositoryFullName: "acme/secret", repositoryPrivate: true, area: "falcon", level: "light", reviews: 9 }],
      comments: [...current.comments, { personId: stranger, total: 50, ledToChange: 50 }],
    };
    const report = teamReport({ reviewTally: leaky });
    expect(report).toEqual(teamReport());
    expect(JSON.stringify(report)).not.toContain("acme/secret");
    expect(JSON.stringify(report)).not.toContain("falcon");
  });

  it("reads malformed tally entries defensively: an unknown level counts as unknown, negative counts as none", () => {
    const current: ReviewTally = {
      ...emptyTally(),
      people: [
        { personId: CAROL.id, level: "cursory" as never, reviews: 2, scoreSum: 10, traps: 0 },
        { personId: BOB.id, level: "deep", reviews: -3, scoreSum: -100, traps: 0 },
      ],
    };
    const report = teamReport({ reviewTally: current });
    const carol = report.reviewDepth.rows.find((r) => r.personId === CAROL.id)!;
    expect(carol.depth.unknown).toBe(2);
    expect(report.reviewDepth.rows.find((r) => r.personId === BOB.id)!.reviews).toBe(0);
    expect(teamInput().people.length).toBe(report.people.length);
  });
});

describe("storedSummary", () => {
  it("keeps what the database needs to merge and tally a review", () => {
    const c = contribution({
      kind: "review",
      person: BOB,
      subjectUrl: "HTTPS://GitHub.com/acme/api/pull/7/files#r1",
      detail: { comments: [{ category: "defect", ledToChange: true, path: "src/x.ts" }, { category: "nit", ledToChange: false, path: "README.md" }] },
    });
    expect(storedSummary(c)).toEqual({ matchUrl: "https://github.com/acme/api/pull/7", areas: ["(root)", "src"], commentCount: 2, commentsLedToChange: 1 });
    expect(storedSummary(contribution({ kind: "docs", subjectUrl: "" }))).toMatchObject({ matchUrl: expect.stringMatching(/^key:docs:/), areas: [], commentCount: null });
  });
});
