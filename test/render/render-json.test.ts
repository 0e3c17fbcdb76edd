import { describe, expect, it } from "vitest";
import { buildPersonReport } from "../../src/core/report/build-person-report.js";
import { renderJson, REPORT_SCHEMA_VERSION } from "../../src/render/render-json.js";
import { alicePersonReport, personInput, teamReport } from "../core/report/fixtures.js";

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]));
  }
  return value;
}

function expectSortedKeys(value: unknown, path = "$"): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => expectSortedKeys(v, `${path}[${i}]`));
  } else if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    expect(keys, path).toEqual([...keys].sort());
    for (const [k, v] of Object.entries(value)) expectSortedKeys(v, `${path}.${k}`);
  }
}

describe("renderJson", () => {
  it.each([
    ["person", () => alicePersonReport()],
    ["team", () => teamReport()],
  ] as const)("writes the %s model with a schema version, and parses back to it", (type, build) => {
    const model = build();
    const json = renderJson(model);
    const parsed = JSON.parse(json) as Record<string, unknown>;
    expect(Object.keys(parsed).slice(0, 2)).toEqual(["schemaVersion", "type"]);
    expect(parsed["schemaVersion"]).toBe(REPORT_SCHEMA_VERSION);
    expect(parsed["type"]).toBe(type);
    const { schemaVersion: _, ...rest } = parsed;
    expect(rest).toEqual(JSON.parse(JSON.stringify(model)));
    expect(json.endsWith("}\n")).toBe(true);
  });

  it("is stable: the same model gives the same bytes whatever order its keys were built in", () => {
    const model = alicePersonReport();
    const json = renderJson(model);
    expect(renderJson(reverseKeys(model) as typeof model)).toBe(json);
    const { schemaVersion: _s, type: _t, ...rest } = JSON.parse(json) as Record<string, unknown>;
    expectSortedKeys(rest);
  });

  it("writes an empty report as a full document", () => {
    const parsed = JSON.parse(renderJson(buildPersonReport(personInput({ contributions: [], annotations: [] })))) as {
      summary: { empty: boolean; headline: string };
      categories: unknown[];
    };
    expect(parsed.summary.empty).toBe(true);
    expect(parsed.summary.headline).toMatch(/no glue work/);
    expect(parsed.categories).toHaveLength(4);
  });
});
