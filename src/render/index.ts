/**
 * Renderers: report models → strings. Pure; no I/O.
 */
import type { ReportModel } from "../core/report/report-model.js";
import { renderPersonCsv, renderTeamCsv } from "./render-csv.js";
import { renderPersonHtml } from "./render-person-html.js";
import { renderPersonMarkdown } from "./render-person-markdown.js";
import { renderJson } from "./render-json.js";
import { renderTeamHtml } from "./render-team-html.js";
import { renderTeamMarkdown } from "./render-team-markdown.js";

export const REPORT_FORMATS = ["md", "html", "csv", "json"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Renders a person or team report in one of the formats. Throws on an unknown format. */
export function renderReport(model: ReportModel, format: ReportFormat): string {
  switch (format) {
    case "md":
      return model.type === "person" ? renderPersonMarkdown(model) : renderTeamMarkdown(model);
    case "html":
      return model.type === "person" ? renderPersonHtml(model) : renderTeamHtml(model);
    case "csv":
      return model.type === "person" ? renderPersonCsv(model) : renderTeamCsv(model);
    case "json":
      return renderJson(model);
    default: {
      const never: never = format;
      throw new Error(`Unknown report format "${String(never)}": use md, html, csv or json.`);
    }
  }
}

export { renderPersonCsv, renderTeamCsv, PERSON_CSV_COLUMNS } from "./render-csv.js";
export { renderPersonHtml } from "./render-person-html.js";
export { renderPersonMarkdown } from "./render-person-markdown.js";
export { renderJson, REPORT_SCHEMA_VERSION } from "./render-json.js";
export { renderTeamHtml } from "./render-team-html.js";
export { renderTeamMarkdown } from "./render-team-markdown.js";
export { csvCell, escapeHtml, escapeMarkdown, safeUrl } from "./escape.js";
