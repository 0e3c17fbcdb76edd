import { describe, expect, it } from "vitest";
import { buildPersonReport } from "../../src/core/report/build-person-report.js";
import { buildTeamReport } from "../../src/core/report/build-team-report.js";
import { PERSON_CSV_COLUMNS, renderPersonCsv, renderTeamCsv } from "../../src/render/render-csv.js";
import { alicePersonReport, hostileInputs, personInput, SECRET_TITLE, teamInput, teamReport } from "../core/report/fixtures.js";
import { parseCsv } from "./helpers.js";

function records(csv: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(csv);
  return rows.map((row) => {
    expect(row).toHaveLength(header!.length);
    return Object.fromEntries(header!.map((h, i) => [h, row[i] ?? ""]));
  });
}

describe("renderPersonCsv", () => {
  const report = alicePersonReport();
  const csv = renderPersonCsv(report);
  const rows = records(csv);

  it("is RFC 4180: a header and one CRLF-terminated record per evidence item", () => {
    expect(csv.endsWith("\r\n")).toBe(true);
    expect(parseCsv(csv)[0]).toEqual([...PERSON_CSV_COLUMNS]);
    const listed = report.categories.reduce((n, c) => n + c.items.length, 0);
    const loose = report.ownWords.length + report.endorsements.length + report.otherDisputes.length;
    expect(rows).toHaveLength(listed + loose);
    expect(rows.filter((r) => r["source"] === "detected")).toHaveLength(listed);
  });

  it("writes the evidence formula and annotations of each item", () => {
    const review = rows.find((r) => r["title"] === "Rework payment retry logic")!;
    expect(review).toMatchObject({
      source: "detected",
      category: "Raises quality and unblocks teammates",
      kind: "review",
      url: "https://github.com/acme/api/pull/412#pullrequestreview-9001",
      repository: "acme/api",
      score: "88",
      level: "deep",
      beneficiaries: "payments team; customers",
      proof: "review comment on retry.ts <https://github.com/acme/api/pull/412#discussion_r1>",
      standing: "corroborated",
      endorsed_by: "bob",
      merged_count: "2",
    });
    const disputed = rows.find((r) => r["title"] === "SSO login fails for new users (#201)")!;
    expect(disputed["disputes"]).toBe("dispute by @alice (self-reported): That was the on-call rotation, not me.");
    const log = rows.find((r) => r["kind"] === "log")!;
    expect(log).toMatchObject({ source: "self", standing: "self-reported", title: "Facilitated the Q3 incident retro for the payments outage." });
    const endorsement = rows.find((r) => r["kind"] === "endorse")!;
    expect(endorsement).toMatchObject({ source: "peer", standing: "corroborated", endorsed_by: "Carol" });
    expect(csv).not.toContain(SECRET_TITLE);
  });

  it("is a header row, not an empty file, when there is nothing", () => {
    const empty = renderPersonCsv(buildPersonReport(personInput({ contributions: [], annotations: [] })));
    expect(parseCsv(empty)).toEqual([[...PERSON_CSV_COLUMNS]]);
  });
});

describe("renderTeamCsv", () => {
  it("has one row per person, login first, in the report's order", () => {
    const rows = parseCsv(renderTeamCsv(teamReport()));
    expect(rows[0]?.[0]).toBe("login");
    expect(rows.slice(1).map((r) => r[0])).toEqual(["alice", "bob", "Carol", "dave"]);
    const ranked = parseCsv(renderTeamCsv(buildTeamReport(teamInput({ ranking: true, contributions: teamInput().contributions.filter((c) => c.personLogin !== "alice") }))));
    expect(ranked.slice(1).map((r) => r[0])).toEqual(["bob", "Carol", "alice", "dave"]);
  });

  it("has counts per kind and the review depth distribution", () => {
    const rows = records(renderTeamCsv(teamReport()));
    expect(rows[0]).toMatchObject({
      login: "alice",
      name: "Alice Example",
      // Glue work only: of Alice's five reviews, two are substantive or deep.
      items: "9",
      kind_review: "2",
      kind_flaky_fix: "1",
      kind_triage: "3",
      kind_co_authorship: "0",
      reviews: "5",
      review_rubber_stamp: "1",
      review_light: "2",
      review_substantive: "1",
      review_deep: "1",
      review_depth_share: "0.4",
      review_comments: "6",
      review_comments_led_to_change: "4",
      review_load_share: "0.5",
    });
    expect(rows[2]).toMatchObject({ login: "Carol", review_comments: "", review_depth_share: "0" });
    expect(rows[3]).toMatchObject({ login: "dave", items: "0", review_depth_share: "" });
  });
});

describe("CSV cells a spreadsheet would evaluate", () => {
  const HOSTILE_CELLS = [
    "=HYPERLINK(\"https://evil.example\",\"x\")",
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1",
    "\r=1",
    "   =1",
    "\u00A0=1",
    "\u00A0\u00A0@x",
    "\u3000=1",
    "\uFEFF=1",
    "＝1+1",
    "＋1",
    "－1",
    "＠x",
    "﹢1",
    "\u2212 1",
    "\u202E=1",
    "\u0000=1",
    "x\",\"=1",
    "line\n=1",
  ];

  it("neutralises every one of them in every text column and keeps the file's shape", () => {
    const base = alicePersonReport();
    const report = {
      ...base,
      categories: base.categories.map((c) => ({
        ...c,
        items: c.items.map((item, i) => ({ ...item, title: HOSTILE_CELLS[i % HOSTILE_CELLS.length]!, repository: HOSTILE_CELLS[(i + 1) % HOSTILE_CELLS.length]!, signals: [HOSTILE_CELLS[(i + 2) % HOSTILE_CELLS.length]!] })),
      })),
      ownWords: HOSTILE_CELLS.map((text, i) => ({ ...base.ownWords[0]!, text, repository: HOSTILE_CELLS[(i + 3) % HOSTILE_CELLS.length]! })),
    };
    const csv = renderPersonCsv(report);
    const rows = records(csv);
    expect(rows.length).toBeGreaterThanOrEqual(HOSTILE_CELLS.length);
    const blanks = /^[\s\u00A0\u2000-\u200B\u3000\uFEFF]*/;
    for (const row of rows) {
      for (const [column, cell] of Object.entries(row)) {
        if (/^-?\d+(\.\d+)?$/.test(cell)) continue; // numbers are numbers
        const first = cell.replace(blanks, "")[0] ?? "";
        expect(first !== "" && "=+-@＝＋－＠﹢\u2212".includes(first) && !cell.startsWith("'"), `${column}: ${JSON.stringify(cell)}`).toBe(false);
        expect(cell, column).not.toMatch(/^[\t\r\n]/);
      }
    }
    // The text itself is kept after the apostrophe.
    for (const text of ["'＝1+1", "'\u00A0=1", "'   =1", "'\u3000=1", "'\uFEFF=1", "'\t=1"]) expect(rows.some((r) => r["title"] === text)).toBe(true);
    expect(rows.some((r) => r["title"] === 'x","=1')).toBe(true);
    expect(rows.some((r) => r["title"] === "line\n=1")).toBe(true);
    expect(csv).not.toContain("\u0000");
  });
});

describe("CSV with hostile text", () => {
  const { person, team } = hostileInputs();
  const files = [renderPersonCsv(buildPersonReport(person)), renderTeamCsv(buildTeamReport(team))];

  it.each([0, 1])("parses strictly and no cell can run as a formula (file %i)", (i) => {
    const rows = parseCsv(files[i]!);
    for (const row of rows) {
      for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r\n]/);
    }
    expect(files[i]).not.toContain("\u202E");
  });

  it("keeps the hostile text, neutralised, and drops unsafe URLs", () => {
    const rows = records(files[0]!);
    const flaky = rows.find((r) => r["kind"] === "flaky-fix")!;
    expect(flaky["title"]).toBe(`'=HYPERLINK("https://evil.example","click")`);
    const review = rows.find((r) => r["kind"] === "review")!;
    expect(review["url"]).toBe("");
    expect(review["proof"]).toBe("<script>alert(1)</script>; data; ok <https://github.com/acme/web/pull/1>");
    expect(review["beneficiaries"]).toBe("'@everyone ping");
    // The log entry links to the same (javascript:) URL as the review, so it sits with the review.
    expect(review["notes"]).toContain("log by @evil\"><img src=x onerror=alert(1)> (self-reported): <script>alert(1)</script>\n![tracker]");
    expect(files[0]).not.toMatch(/(^|,)"?javascript:/m);
    const teamRows = records(files[1]!);
    expect(teamRows.map((r) => r["login"])).toEqual(["alice", 'evil"><img src=x onerror=alert(1)>']);
  });
});
