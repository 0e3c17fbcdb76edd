import { describe, expect, it } from "vitest";
import { buildPersonReport } from "../../../src/core/report/build-person-report.js";
import type { EvidenceItem, PersonReport } from "../../../src/core/report/report-model.js";
import { DEFAULT_RUBRIC_ORDER, SYSTEMIC_FIXES } from "../../../src/core/report/rubric.js";
import {
  ALICE,
  aliceQ2,
  aliceQ3,
  annotation,
  BOB,
  CAROL,
  contribution,
  COVERED,
  NOW,
  personInput,
  Q2,
  Q3,
  SECRET_TITLE,
} from "./fixtures.js";

function allItems(report: PersonReport): EvidenceItem[] {
  return report.categories.flatMap((c) => c.items);
}

function build(): { report: PersonReport; keys: ReturnType<typeof aliceQ3>["keys"] } {
  const q3 = aliceQ3();
  const report = buildPersonReport(personInput({ contributions: q3.contributions, annotations: q3.annotations }));
  return { report, keys: q3.keys };
}

describe("buildPersonReport: summary", () => {
  it("says what matters in a few lines", () => {
    const { report } = build();
    expect(report.type).toBe("person");
    expect(report.summary.empty).toBe(false);
    // The rubber-stamp approval and the two light reviews are review load, not glue work.
    expect(report.summary.headline).toBe(
      "Alice Example: 9 pieces of glue work in 2026 Q3 across 3 repositories; the 8 that carry the most evidence are listed below.",
    );
    const lines = report.summary.lines.map((l) => l.text);
    expect(lines).toContain("1 deep and 1 substantive reviews on risky changes");
    expect(lines).toContain("4 of 6 review comments led to changes");
    expect(lines).toContain("Fixed the flaky test job: failures 12% → 2% over 140 runs");
    // The trivial docs change (score 10) is counted in the headline but never in a summary count.
    expect(lines).toContain("Wrote or improved 1 runbook");
    // The three triaged issues are one trap (the same question again and again): named as such, not as triage.
    expect(lines.some((l) => l.startsWith("Clarified or triaged"))).toBe(false);
    expect(lines).toContain(
      "Trap: 3 triaged issues on the same problem (SSO login for new users), after 1 in 2026 Q2: not getting smaller. See “Compounding or trap” for the systemic fix.",
    );
    expect(lines).toContain("Mentored 1 person (1 mentoring contribution)");
    expect(lines).toContain("2 endorsements from 2 teammates");
    expect(lines).toContain("Compared with 2026 Q2: 9 pieces of glue work, up from 3.");
  });

  it("marks the job name as code so renderers can format it safely", () => {
    const { report } = build();
    const flaky = report.summary.lines.find((l) => l.text.startsWith("Fixed the flaky"));
    expect(flaky?.parts).toEqual([
      { type: "text", text: "Fixed the flaky " },
      { type: "code", text: "test" },
      { type: "text", text: " job: failures 12% → 2% over 140 runs" },
    ]);
  });

  it("says how many deep reviews were on risky changes when only some were", () => {
    const report = buildPersonReport(
      personInput({
        contributions: [
          contribution({ kind: "review", level: "deep", score: 80, detail: { risky: true } }),
          contribution({ kind: "review", level: "deep", score: 80 }),
          contribution({ kind: "review", level: "deep", score: 80, detail: { riskyPaths: ["db/migrate.sql"] } }),
        ],
        annotations: [],
      }),
    );
    expect(report.summary.lines.map((l) => l.text)).toContain("3 deep reviews, 2 of them on risky changes");
  });
});

describe("buildPersonReport: evidence", () => {
  it("groups evidence by rubric category in the configured order", () => {
    const { report } = build();
    expect(report.categories.map((c) => c.name)).toEqual([...DEFAULT_RUBRIC_ORDER]);
    const [quality, capacity, reliability, grows] = report.categories;
    expect(quality?.items.map((i) => i.kind)).toEqual(["review", "review", "triage", "triage", "triage"]);
    expect(capacity?.items).toEqual([]);
    expect(reliability?.items.map((i) => i.title)).toEqual(["Deflake payments integration tests", "Runbook: rotating the payments API keys"]);
    expect(grows?.items.map((i) => i.kind)).toEqual(["mentoring"]);
  });

  it("lists the strongest first: by score, then most recent", () => {
    const older = contribution({ kind: "docs", score: 60, occurredAt: "2026-07-01T10:00:00Z", subjectTitle: "older" });
    const newer = contribution({ kind: "docs", score: 60, occurredAt: "2026-09-01T10:00:00Z", subjectTitle: "newer" });
    const best = contribution({ kind: "docs", score: 90, occurredAt: "2026-07-02T10:00:00Z", subjectTitle: "best" });
    const report = buildPersonReport(personInput({ contributions: [older, newer, best], annotations: [] }));
    expect(allItems(report).map((i) => i.title)).toEqual(["best", "newer", "older"]);
  });

  it("keeps the evidence formula of each item", () => {
    const { report } = build();
    const flaky = allItems(report).find((i) => i.kind === "flaky-fix");
    expect(flaky?.formula.friction).toMatch(/failed 12% of runs/);
    expect(flaky?.formula.improvement).toMatch(/12% to 2%/);
    expect(flaky?.formula.beneficiaries).toEqual(["everyone merging to acme/api"]);
    expect(flaky?.formula.proof).toEqual([
      { label: "CI failure rate before/after", url: "https://github.com/acme/api/actions/workflows/ci.yml" },
      { label: "12% → 2%" },
    ]);
    expect(flaky?.signals[0]).toBe('title mentions "deflake"');
    expect(flaky?.dynamics).toBe("compounding");
  });

  it("merges contributions of the same kind on the same subject into one item", () => {
    const { report, keys } = build();
    const reviews412 = allItems(report).filter((i) => i.url.includes("/pull/412"));
    expect(reviews412).toHaveLength(1);
    const item = reviews412[0]!;
    expect(item.mergedKeys.sort()).toEqual([keys.deepReview, keys.second].sort());
    expect(item.score).toBe(88);
    expect(item.level).toBe("deep");
    expect(item.occurredAt).toBe("2026-08-15T09:00:00Z");
    expect(item.signals).toContain("follow-up review checked the fix");
  });

  it("does not merge different kinds on the same subject", () => {
    const url = "https://github.com/acme/api/pull/5";
    const report = buildPersonReport(
      personInput({
        contributions: [
          contribution({ kind: "docs", subjectUrl: url, score: 60 }),
          contribution({ kind: "ci-config", subjectUrl: url, score: 60 }),
        ],
        annotations: [],
      }),
    );
    expect(allItems(report).map((i) => i.kind).sort()).toEqual(["ci-config", "docs"]);
  });

  it("summarises rubber-stamp and light reviews and low scores as counts instead of listing them", () => {
    const { report } = build();
    const titles = allItems(report).map((i) => i.title);
    expect(titles).not.toContain("Bump eslint");
    expect(titles).not.toContain("Fix typo in footer");
    expect(titles).not.toContain("Update README badge");
    expect(titles).not.toContain("Fix a link");
    expect(report.categories[0]?.omitted).toEqual({ rubberStampReviews: 1, lightReviews: 2, belowThreshold: 0 });
    expect(report.categories[2]?.omitted).toEqual({ rubberStampReviews: 0, lightReviews: 0, belowThreshold: 1 });
    expect(report.omitted).toEqual({ rubberStampReviews: 1, lightReviews: 2, belowThreshold: 1 });
    expect(report.categories[0]?.total).toBe(8);
  });

  it("respects a custom score threshold", () => {
    const report = buildPersonReport(personInput({ scoreThreshold: 60 }));
    expect(allItems(report).every((i) => i.score >= 60 || i.listedBecauseAnnotated)).toBe(true);
    expect(report.scoreThreshold).toBe(60);
  });

  it("lists a trivial item when someone annotated it, so a dispute is never hidden", () => {
    const light = contribution({ kind: "review", level: "light", score: 20, subjectTitle: "Light one" });
    const report = buildPersonReport(
      personInput({
        contributions: [light],
        annotations: [annotation({ kind: "dispute", contributionKey: light.key, text: "I did not review this" })],
      }),
    );
    const item = allItems(report)[0];
    expect(item?.title).toBe("Light one");
    expect(item?.listedBecauseAnnotated).toBe(true);
    expect(item?.disputes.map((d) => d.text)).toEqual(["I did not review this"]);
  });
});

describe("buildPersonReport: own words, peers, disputes", () => {
  it("attaches a peer's endorsement to the item and marks it corroborated", () => {
    const { report, keys } = build();
    const review = allItems(report).find((i) => i.key === keys.deepReview);
    expect(review?.corroborated).toBe(true);
    expect(review?.endorsedBy).toEqual(["bob"]);
    expect(review?.annotations).toHaveLength(1);
    expect(review?.annotations[0]).toMatchObject({ kind: "endorse", authorLogin: "bob", standing: "corroborated", byPerson: false });
  });

  it("corroborates a claim whose link matches detected work (ignoring /files and anchors)", () => {
    const { report, keys } = build();
    const web = allItems(report).find((i) => i.key === keys.webReview);
    expect(web?.annotations[0]).toMatchObject({ kind: "claim", standing: "corroborated" });
    expect(web?.annotations[0]?.corroboration).toMatch(/Matches work Unsung detected: “Add SSO login button”/);
    expect(web?.corroborated).toBe(false);
  });

  it("keeps claims and logs that match nothing as self-reported, in their own words", () => {
    const { report } = build();
    expect(report.ownWords.map((v) => [v.kind, v.standing, v.text])).toEqual([
      ["log", "self-reported", "Facilitated the Q3 incident retro for the payments outage."],
      ["claim", "self-reported", "Reviewed the cache invalidation PR over a call."],
    ]);
  });

  it("lists a peer endorsement of no particular item as corroborated", () => {
    const { report } = build();
    expect(report.endorsements).toHaveLength(1);
    expect(report.endorsements[0]).toMatchObject({ authorLogin: "Carol", standing: "corroborated", byPerson: false });
  });

  it.each(["NONE", "FIRST_TIMER", "FIRST_TIME_CONTRIBUTOR", "MANNEQUIN", null, "member-ish"])(
    "never counts an endorsement from outside the repository (author_association %j) as corroboration, nor shows it",
    (association) => {
      const q3 = aliceQ3();
      const outside = q3.annotations.map((a) => (a.kind === "endorse" ? { ...a, authorAssociation: association } : a));
      const report = buildPersonReport(personInput({ contributions: q3.contributions, annotations: outside }));
      expect(report.endorsements).toEqual([]);
      expect(allItems(report).every((i) => !i.corroborated && i.endorsedBy.length === 0)).toBe(true);
      expect(JSON.stringify(report)).not.toContain("Endorsed by");
    },
  );

  it.each(["OWNER", "MEMBER", "COLLABORATOR", "CONTRIBUTOR", "member"])("counts an endorsement from a %s of the repository", (association) => {
    const q3 = aliceQ3();
    const report = buildPersonReport(personInput({ contributions: q3.contributions, annotations: q3.annotations.map((a) => ({ ...a, authorAssociation: association })) }));
    expect(report.endorsements).toHaveLength(1);
    expect(report.endorsements[0]).toMatchObject({ standing: "corroborated" });
  });

  it("shows a dispute next to the item it disputes", () => {
    const { report, keys } = build();
    const disputed = allItems(report).find((i) => i.key === keys.triage0);
    expect(disputed?.disputes.map((d) => d.text)).toEqual(["That was the on-call rotation, not me."]);
    expect(report.otherDisputes).toEqual([]);
  });

  it("matches a dispute by link when it has no contribution key, and keeps unmatched disputes apart", () => {
    const c = contribution({ kind: "docs", score: 70, subjectUrl: "https://github.com/acme/docs/pull/44" });
    const report = buildPersonReport(
      personInput({
        contributions: [c],
        annotations: [
          annotation({ kind: "dispute", link: "https://github.com/acme/docs/pull/44/", text: "by link" }),
          annotation({ kind: "dispute", contributionKey: "gone", text: "about nothing here" }),
        ],
      }),
    );
    expect(allItems(report)[0]?.disputes.map((d) => d.text)).toEqual(["by link"]);
    expect(report.otherDisputes.map((d) => d.text)).toEqual(["about nothing here"]);
    // The summary says where each is, instead of claiming both sit next to an item.
    const lines = report.summary.lines.map((l) => l.text);
    expect(lines).toContain("1 dispute of what Unsung detected, shown next to the item disputed");
    expect(lines).toContain("1 dispute about work this report does not credit, shown under “In their own words, and from peers”");
  });

  it("corroborates a log entry a teammate endorsed by the same link", () => {
    const link = "https://github.com/acme/docs/issues/3";
    const report = buildPersonReport(
      personInput({
        contributions: [],
        annotations: [
          annotation({ kind: "log", link, text: "Ran onboarding week" }),
          annotation({ kind: "endorse", authorId: BOB.id, authorLogin: BOB.login, link, text: "Great onboarding" }),
        ],
      }),
    );
    expect(report.ownWords[0]).toMatchObject({ kind: "log", standing: "corroborated", corroboration: "Endorsed by @bob." });
  });

  it("does not let a person corroborate themselves", () => {
    const c = contribution({ kind: "docs", score: 70 });
    const report = buildPersonReport(
      personInput({
        contributions: [c],
        annotations: [annotation({ kind: "endorse", contributionKey: c.key, text: "I endorse myself" })],
      }),
    );
    const item = allItems(report)[0];
    expect(item?.corroborated).toBe(false);
    expect(item?.annotations[0]).toMatchObject({ standing: "self-reported", byPerson: true });
    expect(report.summary.lines.some((l) => l.text.includes("endorsement"))).toBe(false);
  });

  it("ignores annotations about someone else", () => {
    const report = buildPersonReport(
      personInput({
        contributions: [],
        annotations: [annotation({ kind: "log", subjectPersonId: CAROL.id, subjectPersonLogin: CAROL.login, authorId: CAROL.id, text: "Carol's" })],
      }),
    );
    expect(report.ownWords).toEqual([]);
  });
});

describe("buildPersonReport: compounding or trap", () => {
  it("flags recurring trap work on the same problem, says whether it is shrinking, and suggests the systemic fix", () => {
    const { report } = build();
    expect(report.dynamics.compoundingCount).toBe(2);
    expect(report.dynamics.trapCount).toBe(3);
    expect(report.dynamics.findings).toHaveLength(1);
    const f = report.dynamics.findings[0]!;
    expect(f).toMatchObject({
      kind: "triage",
      problem: "SSO login for new users",
      count: 3,
      reason: "trap",
      previousCount: 1,
      trend: "growing",
      trendBasis: "previous-period",
      suggestion: SYSTEMIC_FIXES.triage,
    });
    expect(f.text).toBe("3 triaged issues on the same problem (SSO login for new users) this period, marked as a trap. It is getting bigger: 1 in 2026 Q2.");
    expect(f.headline).toBe(
      "Trap: 3 triaged issues on the same problem (SSO login for new users), after 1 in 2026 Q2: not getting smaller. See “Compounding or trap” for the systemic fix.",
    );
    // Occurrences include the previous period's, so the reader sees how long it has been coming back.
    expect(f.items.map((i) => i.url)).toEqual([
      "https://github.com/acme/web/issues/302",
      "https://github.com/acme/web/issues/201",
      "https://github.com/acme/web/issues/202",
      "https://github.com/acme/web/issues/203",
    ]);
  });

  it("flags three or more items on the same problem even when no detector called it a trap", () => {
    const fixes = ["2026-07-05", "2026-08-20", "2026-09-05", "2026-09-20"].map((d) =>
      contribution({ kind: "flaky-fix", score: 50, occurredAt: `${d}T10:00:00Z`, detail: { job: "e2e" } }),
    );
    const report = buildPersonReport(personInput({ contributions: fixes, previousContributions: [], annotations: [] }));
    expect(report.dynamics.findings).toHaveLength(1);
    expect(report.dynamics.findings[0]).toMatchObject({
      kind: "flaky-fix",
      problem: "e2e",
      count: 4,
      reason: "recurring",
      previousCount: null,
      trend: "growing",
      trendBasis: "within-period",
    });
    expect(report.dynamics.findings[0]?.suggestion).toBe(SYSTEMIC_FIXES["flaky-fix"]);
  });

  it("does not flag two items on the same problem, or three on different problems", () => {
    const two = [1, 2].map(() => contribution({ kind: "flaky-fix", score: 50, detail: { job: "e2e" } }));
    const different = ["a", "b", "c"].map((job) => contribution({ kind: "flaky-fix", score: 50, detail: { job } }));
    const report = buildPersonReport(personInput({ contributions: [...two, ...different], annotations: [] }));
    expect(report.dynamics.findings).toEqual([]);
    expect(report.dynamics.text).toMatch(/No glue work recurred on the same problem/);
  });

  it("says when recurring work is shrinking compared with the previous period", () => {
    const cur = [1, 2, 3].map(() => contribution({ kind: "triage", score: 40, detail: { topic: "vpn" } }));
    const prev = [1, 2, 3, 4, 5].map(() => contribution({ kind: "triage", score: 40, occurredAt: "2026-05-01T00:00:00Z", detail: { topic: "VPN" } }));
    const report = buildPersonReport(personInput({ contributions: cur, previousContributions: prev, annotations: [] }));
    expect(report.dynamics.findings[0]).toMatchObject({ trend: "shrinking", previousCount: 5 });
  });
});

describe("buildPersonReport: comparison with the previous period", () => {
  it("compares counts and average scores per category and per kind", () => {
    const { report } = build();
    expect(report.comparison.hasPreviousData).toBe(true);
    expect(report.comparison.previousPeriod).toEqual(Q2);
    const quality = report.comparison.byCategory.find((r) => r.key === DEFAULT_RUBRIC_ORDER[0]);
    // Rubber-stamp and light reviews are not glue work: they are left out of the comparison.
    expect(quality).toMatchObject({ current: 5, previous: 3, countTrend: "up", previousAverageScore: 50 });
    const review = report.comparison.byKind.find((r) => r.key === "review");
    expect(review).toMatchObject({ label: "Substantive or deep reviews", current: 2, previous: 2, countTrend: "same", currentAverageScore: 76, previousAverageScore: 60, scoreTrend: "up" });
    const flaky = report.comparison.byKind.find((r) => r.key === "flaky-fix");
    expect(flaky).toMatchObject({ current: 1, previous: 0, countTrend: "new" });
  });

  it("says there is no data for the previous period instead of showing drops to zero", () => {
    const report = buildPersonReport(personInput({ previousContributions: [] }));
    expect(report.comparison.hasPreviousData).toBe(false);
    expect(report.comparison.message).toBe("No data for the previous period (2026 Q2).");
    expect(report.comparison.byKind.every((r) => r.previous === null && r.countTrend === "n/a")).toBe(true);
    expect(report.summary.lines.map((l) => l.text)).toContain("No data for the previous period (2026 Q2).");
  });

  it("computes the previous period when none is given", () => {
    const report = buildPersonReport(personInput({ previousPeriod: undefined }));
    expect(report.previousPeriod).toEqual(Q2);
    expect(report.comparison.hasPreviousData).toBe(true);
  });

  it("ignores previous-period rows that fall outside the previous period", () => {
    const stray = contribution({ kind: "docs", score: 50, occurredAt: "2025-01-01T00:00:00Z" });
    const report = buildPersonReport(personInput({ previousContributions: [stray] }));
    expect(report.comparison.hasPreviousData).toBe(false);
  });
});

describe("buildPersonReport: privacy and coverage", () => {
  it("drops everything from a repository the report does not cover, private or not", () => {
    const { report } = build();
    const json = JSON.stringify(report);
    expect(json).not.toContain(SECRET_TITLE);
    expect(json).not.toContain("acme/secret");
    expect(json).not.toContain("Falcon");
  });

  it("drops a private item whose repository the caller listed as public", () => {
    const c = contribution({ kind: "docs", repo: "acme/web", score: 80, subjectTitle: "was private", repositoryPrivate: true });
    const report = buildPersonReport(personInput({ contributions: [c], annotations: [] }));
    expect(JSON.stringify(report)).not.toContain("was private");
  });

  it("matches repository names case-insensitively", () => {
    const c = contribution({ kind: "docs", repo: "acme/web", score: 80, subjectTitle: "case", repositoryFullName: "ACME/Web" });
    const report = buildPersonReport(personInput({ contributions: [c], annotations: [] }));
    expect(allItems(report).map((i) => i.title)).toEqual(["case"]);
  });

  it("drops everything when no repositories are covered, and says so", () => {
    const report = buildPersonReport(personInput({ coveredRepositories: [] }));
    expect(allItems(report)).toEqual([]);
    expect(report.summary.empty).toBe(true);
    expect(report.coverage.description).toMatch(/covers no repositories/);
    // An off-GitHub log entry is nobody's repository: it stays.
    expect(report.ownWords.map((v) => v.kind)).toEqual(["log"]);
  });

  it("drops contributions of other people and outside the period", () => {
    const other = contribution({ kind: "docs", person: BOB, score: 90, subjectTitle: "Bob's" });
    const late = contribution({ kind: "docs", score: 90, subjectTitle: "late", occurredAt: "2026-10-01T00:00:00Z" });
    const report = buildPersonReport(personInput({ contributions: [other, late], annotations: [] }));
    expect(allItems(report)).toEqual([]);
  });

  it("says which repositories it covers", () => {
    const { report } = build();
    expect(report.coverage.repositories.map((r) => r.fullName)).toEqual(["acme/api", "acme/docs", "acme/web"]);
    expect(report.coverage.privateCount).toBe(1);
    expect(report.coverage.publicCount).toBe(2);
    expect(report.coverage.description).toBe("This report covers 3 repositories (1 private). Work in any other repository is left out.");
  });
});

describe("buildPersonReport: empty period", () => {
  it("gives a clear, kind report for someone with no contributions", () => {
    const report = buildPersonReport(personInput({ contributions: [], previousContributions: [], annotations: [] }));
    expect(report.summary.empty).toBe(true);
    expect(report.summary.headline).toBe("Unsung found no glue work for Alice Example in 2026 Q3 in the 3 repositories this report covers.");
    expect(report.summary.lines[0]?.text).toMatch(/doesn't mean there wasn't any/);
    expect(report.categories.map((c) => c.items.length)).toEqual([0, 0, 0, 0]);
    expect(report.comparison.message).toBe("No data for the previous period (2026 Q2).");
    expect(report.dynamics.findings).toEqual([]);
  });

  it("still shows their own log entries when nothing was detected", () => {
    const report = buildPersonReport(
      personInput({ contributions: [], annotations: [annotation({ kind: "log", text: "Mentored two interns" })] }),
    );
    expect(report.summary.empty).toBe(true);
    expect(report.ownWords.map((v) => v.text)).toEqual(["Mentored two interns"]);
    expect(report.summary.lines.map((l) => l.text)).toContain("1 entry in their own words (notes, claims, log entries) is listed below.");
  });

  it("uses the login when there is no name", () => {
    const report = buildPersonReport(personInput({ person: { id: ALICE.id, login: "alice" }, contributions: [] }));
    expect(report.summary.headline).toContain("for @alice in 2026 Q3");
    expect(report.person.name).toBeNull();
  });
});

describe("buildPersonReport: rubric and stability", () => {
  it("uses a configured rubric and order, appending unlisted categories", () => {
    const report = buildPersonReport(personInput({ rubric: { review: "Craft", triage: "Craft" }, rubricOrder: ["Craft"] }));
    expect(report.categories.map((c) => c.name)).toEqual(["Craft", "Grows others", "Stewards reliability and docs"]);
    expect(report.categories[0]?.items.map((i) => i.kind)).toEqual(["review", "review", "triage", "triage", "triage"]);
  });

  it("gives the same model whatever order the rows come in", () => {
    const q3 = aliceQ3();
    const prev = aliceQ2();
    const a = buildPersonReport(personInput({ contributions: q3.contributions, annotations: q3.annotations, previousContributions: prev }));
    const b = buildPersonReport(
      personInput({ contributions: [...q3.contributions].reverse(), annotations: [...q3.annotations].reverse(), previousContributions: [...prev].reverse() }),
    );
    expect(b).toEqual(a);
  });

  it("records when it was generated and for which period", () => {
    const { report } = build();
    expect(report.generatedAt).toBe(NOW.toISOString());
    expect(report.period).toEqual(Q3);
    expect(report.howToRead.map((e) => e.title)).toEqual([
      "Score",
      "What is listed",
      "Self-reported and corroborated",
      "Disputes",
      "Compared with the previous period",
      "Compounding or trap",
    ]);
    expect(COVERED).toHaveLength(3);
  });
});

describe("buildPersonReport: detail as the detectors write it", () => {
  it("summarises review comments, defects and measured CI outcomes from detector detail", () => {
    const review = contribution({
      kind: "review",
      level: "deep",
      score: 80,
      detail: {
        comments: [
          { category: "defect", ledToChange: true, path: "src/a.ts" },
          { category: "security", ledToChange: true, path: "src/b.ts" },
          { category: "nit", ledToChange: false, path: "src/b.ts" },
        ],
      },
    });
    const flaky = contribution({
      kind: "flaky-fix",
      score: 75,
      detail: { check: "ci / e2e", outcome: { check: "ci / e2e", status: "improved", before: { runs: 50, bad: 9, rate: 0.18 }, after: { runs: 40, bad: 1, rate: 0.025 } } },
    });
    const stubborn = contribution({
      kind: "flaky-fix",
      score: 60,
      detail: { check: "lint", outcome: { check: "lint", status: "unchanged", before: { runs: 10, bad: 1, rate: 0.1 }, after: { runs: 10, bad: 1, rate: 0.1 } } },
    });
    const report = buildPersonReport(personInput({ contributions: [review, flaky, stubborn], annotations: [] }));
    const lines = report.summary.lines.map((l) => l.text);
    expect(lines).toContain("1 deep review, catching defects or security problems");
    expect(lines).toContain("2 of 3 review comments led to changes");
    // With the run counts on each side, the summary states them, so a reader can check the rate.
    expect(lines).toContain("Fixed the flaky ci / e2e job: failures 18% → 2.5% (9 of 50 runs before, 1 of 40 after)");
    expect(lines).toContain("Worked on the flaky lint job: failures 10% → 10% (1 of 10 runs before, 1 of 10 after) (not better yet)");
  });
});

describe("buildPersonReport: what counts as glue work", () => {
  it("rubber stamps and nit-padded reviews are review load, not glue work, and the summary says so", () => {
    const stamps = [1, 2, 3].map((n) => contribution({ kind: "review", number: 900 + n, level: "rubber-stamp", score: 0 }));
    const nits = [1, 2].map((n) => contribution({ kind: "review", number: 910 + n, level: "light", score: 23, detail: { commentCount: 12, commentsLedToChange: 0 } }));
    const tests = contribution({ kind: "test", number: 920, score: 32 });
    const report = buildPersonReport(personInput({ contributions: [...stamps, ...nits, tests], previousContributions: [], annotations: [] }));
    expect(report.summary.headline).toBe("Alice Example: 1 piece of glue work in 2026 Q3 across 1 repository, all listed below.");
    const lines = report.summary.lines.map((l) => l.text);
    expect(lines).toContain("5 reviews, none substantive or deep (2 light, 3 approvals with no visible review): review load, not glue work");
    expect(lines).toContain("0 of 24 review comments led to changes");
  });

  it("only approvals with no visible review: said plainly", () => {
    const stamps = [1, 2].map((n) => contribution({ kind: "review", number: 930 + n, level: "rubber-stamp", score: 0 }));
    const report = buildPersonReport(personInput({ contributions: stamps, previousContributions: [], annotations: [] }));
    expect(report.summary.headline).toMatch(/^Unsung found no glue work for Alice Example/);
    expect(report.summary.lines[0]!.text).toBe("2 reviews, none substantive or deep (2 approvals with no visible review): review load, not glue work.");
  });

  it("says “the one that carries” and “none carries” instead of “the 1 that carry” or “the 0”", () => {
    const one = buildPersonReport(
      personInput({ contributions: [contribution({ kind: "runbook", score: 60 }), contribution({ kind: "docs", score: 10 })], previousContributions: [], annotations: [] }),
    );
    expect(one.summary.headline).toContain("; the one that carries the most evidence is listed below.");
    const none = buildPersonReport(personInput({ contributions: [contribution({ kind: "docs", score: 10 })], previousContributions: [], annotations: [] }));
    expect(none.summary.headline).toContain("; none carries enough evidence on its own to be listed");
  });

  it("light reviews in the previous period are data: no glue work then is a fact, not a gap", () => {
    const prev = [contribution({ kind: "review", level: "light", score: 20, occurredAt: "2026-04-10T10:00:00Z" })];
    const report = buildPersonReport(personInput({ contributions: [contribution({ kind: "runbook", score: 60 })], previousContributions: prev, annotations: [] }));
    expect(report.comparison.hasPreviousData).toBe(true);
    expect(report.comparison.message).toBe("Compared with 2026 Q2: 1 piece of glue work, up from 0.");
  });
});

describe("buildPersonReport: a previous period recorded only in part", () => {
  const june = (n: number) =>
    Array.from({ length: n }, (_, i) => contribution({ kind: "docs", number: 1000 + i, score: 40, occurredAt: `2026-06-${String(10 + (i % 19)).padStart(2, "0")}T10:00:00Z` }));
  const current = Array.from({ length: 30 }, (_, i) => contribution({ kind: "docs", number: 1100 + i, score: 40, occurredAt: `2026-0${7 + (i % 3)}-15T10:00:00Z` }));

  it("compares per 30 days, says from when the records run, and labels the change as per day", () => {
    const report = buildPersonReport(personInput({ contributions: current, previousContributions: june(12), annotations: [] }));
    expect(report.comparison.previousRecorded).toMatchObject({ recordedFrom: "2026-06-10T00:00:00.000Z", recordedDays: 21, periodDays: 91, basis: "person", comparable: true });
    // 30 in 92 days is about 10 per 30 days; 12 in 21 days about 17: down, not "up from 12".
    expect(report.comparison.message).toBe(
      "Unsung's records of @alice's work in 2026 Q2 begin on 2026-06-10 (21 of 91 days), so counts are compared per 30 days: about 10 pieces of glue work per 30 days now, against 17 in the recorded part of 2026 Q2 (down).",
    );
    expect(report.comparison.byKind.find((r) => r.key === "docs")).toMatchObject({ current: 30, previous: 12, countTrend: "down" });
  });

  it("does not claim a trend from a handful of items", () => {
    const report = buildPersonReport(personInput({ contributions: current, previousContributions: june(2), annotations: [] }));
    expect(report.comparison.message).toBe(
      "Unsung's records of @alice's work in 2026 Q2 begin on 2026-06-10 (21 of 91 days): too little to compare with (2 pieces of glue work then, 30 in this period).",
    );
    expect(report.comparison.byKind.every((r) => r.countTrend === "n/a")).toBe(true);
  });

  it("uses the organisation's start of records when the caller gives it", () => {
    const report = buildPersonReport(personInput({ contributions: current, previousContributions: june(12), annotations: [], recordsBegin: "2026-06-01T09:12:40Z" }));
    expect(report.comparison.previousRecorded).toMatchObject({ recordedFrom: "2026-06-01T00:00:00.000Z", recordedDays: 30, basis: "organisation" });
    expect(report.comparison.message).toMatch(/^2026 Q2 is only partly recorded \(from 2026-06-01, 30 of 91 days\)/);
  });

  it("a previous period recorded from its start is compared in plain counts", () => {
    const early = [contribution({ kind: "docs", score: 40, occurredAt: "2026-04-03T10:00:00Z" }), ...june(3)];
    const report = buildPersonReport(personInput({ contributions: current, previousContributions: early, annotations: [] }));
    expect(report.comparison.previousRecorded).toBeNull();
    expect(report.comparison.message).toBe("Compared with 2026 Q2: 30 pieces of glue work, up from 4.");
  });
});

describe("buildPersonReport: the same question, again and again", () => {
  // Issue numbers in acme/web; each answer lists the similar questions the same person answered before.
  const answer = (n: number, at: string, similar: number[], trap: boolean) =>
    contribution({
      kind: "triage",
      repo: "acme/web",
      number: n,
      subjectTitle: n === 10 ? "How do I get staging credentials?" : `staging credentials again (#${n})`,
      occurredAt: at,
      score: 29,
      level: "light",
      dynamics: trap ? "trap" : "neutral",
      detail: { similarAnswered: similar, answered: true },
    });
  const previous = [answer(10, "2026-06-20T10:00:00Z", [], false)];
  const current = [answer(11, "2026-07-09T10:00:00Z", [10], false), answer(12, "2026-08-06T10:00:00Z", [10, 11], true), answer(13, "2026-09-10T10:00:00Z", [11, 12], true)];

  it("is one trap across both periods, named after the first question, including answers the detector had not marked yet", () => {
    // (The earlier period holds only one record of this person, from late June: it is compared as partly recorded.)
    const report = buildPersonReport(personInput({ contributions: current, previousContributions: previous, annotations: [] }));
    expect(report.dynamics.findings).toHaveLength(1);
    const f = report.dynamics.findings[0]!;
    expect(f).toMatchObject({ kind: "triage", problem: "the question “How do I get staging credentials?”", count: 3, reason: "trap", previousCount: 1, trend: "steady" });
    expect(f.items.map((i) => i.url)).toEqual([10, 11, 12, 13].map((n) => `https://github.com/acme/web/issues/${n}`));
    expect(report.dynamics.trapCount).toBe(3);
    const lines = report.summary.lines.map((l) => l.text);
    expect(lines).toContain(
      "Trap: answered the same question (“How do I get staging credentials?”) 3 times this period, after 1 in the recorded part of 2026 Q2 (from 2026-06-20): not getting smaller. See “Compounding or trap” for the systemic fix.",
    );
    // None of the three is counted as triage that made something better, and each is tagged as part of the trap.
    expect(lines.some((l) => l.startsWith("Clarified or triaged"))).toBe(false);
    expect(report.categories.flatMap((c) => c.items).filter((i) => i.kind === "triage").every((i) => i.dynamics === "trap")).toBe(true);
  });

  it("never says a recurring question is getting smaller on the strength of a partly recorded earlier period", () => {
    const report = buildPersonReport(personInput({ contributions: current, previousContributions: previous, annotations: [], recordsBegin: "2026-06-15T00:00:00Z" }));
    const f = report.dynamics.findings[0]!;
    expect(f.trend).toBe("steady");
    expect(f.text).toContain("It is not getting smaller: 1 in the recorded part of 2026 Q2 (from 2026-06-15).");
  });
});

describe("buildPersonReport: compounding", () => {
  it("lists each piece of compounding work once, and reads well in the singular", () => {
    const url = "https://github.com/acme/web/pull/50";
    const report = buildPersonReport(
      personInput({
        contributions: [
          contribution({ kind: "review", level: "deep", score: 90, subjectUrl: url, dynamics: "compounding" }),
          contribution({ kind: "mentoring", score: 70, subjectUrl: url, dynamics: "compounding" }),
        ],
        previousContributions: [],
        annotations: [],
      }),
    );
    expect(report.dynamics.compounding.map((c) => c.url)).toEqual([url]);
    expect(report.dynamics.text).toMatch(/^1 piece of work compounds \(they make a problem smaller for good\)/);
  });
});
