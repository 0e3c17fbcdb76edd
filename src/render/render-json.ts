/**
 * Report models as JSON for scripts: stable (object keys sorted, so the same
 * report always gives the same bytes) and versioned.
 */
import type { ReportModel } from "../core/report/report-model.js";

/**
 * Bumped on any change a consumer could notice (a field renamed, removed or re-typed, or a count
 * that now means something else). 2: counts of glue work leave out rubber-stamp and light reviews;
 * comparisons carry `previousRecorded`; recurrence findings carry `headline`.
 */
export const REPORT_SCHEMA_VERSION = 2;

export function renderJson(model: ReportModel): string {
  const { type, ...rest } = model;
  const sorted = sortKeys(rest) as Record<string, unknown>;
  return `${JSON.stringify({ schemaVersion: REPORT_SCHEMA_VERSION, type, ...sorted }, null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}
