import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildPersonReport } from "../../src/core/report/build-person-report.js";
import { buildTeamReport } from "../../src/core/report/build-team-report.js";
import { REPORT_FORMATS, renderReport, type ReportFormat } from "../../src/render/index.js";
import { renderPersonCsv, renderTeamCsv } from "../../src/render/render-csv.js";
import { renderPersonHtml } from "../../src/render/render-person-html.js";
import { renderPersonMarkdown } from "../../src/render/render-person-markdown.js";
import { renderJson } from "../../src/render/render-json.js";
import { renderTeamHtml } from "../../src/render/render-team-html.js";
import { renderTeamMarkdown } from "../../src/render/render-team-markdown.js";
import { alicePersonReport, personInput, SECRET_TITLE, teamInput, teamReport } from "../core/report/fixtures.js";

describe("renderReport", () => {
  const person = alicePersonReport();
  const team = teamReport();

  it("dispatches on the model's type for every format", () => {
    expect(renderReport(person, "md")).toBe(renderPersonMarkdown(person));
    expect(renderReport(team, "md")).toBe(renderTeamMarkdown(team));
    expect(renderReport(person, "html")).toBe(renderPersonHtml(person));
    expect(renderReport(team, "html")).toBe(renderTeamHtml(team));
    expect(renderReport(person, "csv")).toBe(renderPersonCsv(person));
    expect(renderReport(team, "csv")).toBe(renderTeamCsv(team));
    expect(renderReport(person, "json")).toBe(renderJson(person));
    expect(renderReport(team, "json")).toBe(renderJson(team));
  });

  it("rejects an unknown format", () => {
    expect(() => renderReport(person, "pdf" as ReportFormat)).toThrow(/Unknown report format "pdf"/);
  });

  it.each(REPORT_FORMATS)("never shows a private repository the reader may not see (%s)", (format) => {
    for (const model of [person, team]) {
      const out = renderReport(model, format);
      expect(out).not.toContain(SECRET_TITLE);
      expect(out).not.toContain("acme/secret");
      expect(out).not.toContain("Falcon");
    }
  });

  it.each(REPORT_FORMATS)("renders empty periods as a real document (%s)", (format) => {
    const emptyPerson = buildPersonReport(personInput({ contributions: [], previousContributions: [], annotations: [] }));
    const emptyTeam = buildTeamReport(teamInput({ contributions: [], previousContributions: [] }));
    for (const model of [emptyPerson, emptyTeam]) {
      const out = renderReport(model, format);
      expect(out.trim().length).toBeGreaterThan(0);
      if (format !== "csv") expect(out).toMatch(/found no glue work/);
    }
  });
});

describe("report code stays pure", () => {
  const roots = ["src/core/report", "src/render"];
  const files = roots.flatMap((root) => readdirSync(root).filter((f) => f.endsWith(".ts")).map((f) => join(root, f)));

  it("finds the files it checks", () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
  });

  const PURE_PACKAGES = ["csv-stringify/sync"];
  it.each(files)("%s imports only the core and itself, and reads no clock, env or files", (file) => {
    const source = readFileSync(file, "utf8");
    const imports = [...source.matchAll(/(?:import|export)[^"';]*?from\s+["']([^"']+)["']/g)].map((m) => m[1] ?? "");
    for (const spec of imports) {
      // Packages: only named pure ones (no I/O, no clock), e.g. CSV quoting for render-csv.
      if (PURE_PACKAGES.includes(spec)) continue;
      expect(spec, `${file} imports ${spec}`).toMatch(/^\.\.?\//);
      expect(spec, `${file} imports ${spec}`).not.toMatch(/\/(store|github|services|ingest|cli|config)\//);
      if (file.startsWith("src/core/")) expect(spec, `${file} imports ${spec}`).not.toMatch(/render/);
    }
    expect(source).not.toMatch(/\bprocess\./);
    expect(source).not.toMatch(/Date\.now\(|new Date\(\)/);
    expect(source).not.toMatch(/Math\.random\(/);
    expect(source).not.toMatch(/\bimport\(/);
  });
});
