import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderUnsungJsonSchema, unsungJsonSchema } from "../../src/config/generate-schema.js";

describe("unsung.schema.json", () => {
  it("the committed file equals the schema generated from zod (regenerate: node dist/src/config/generate-schema.js)", () => {
    const committed = readFileSync(join(import.meta.dirname, "../../src/config/unsung.schema.json"), "utf8");
    expect(committed).toBe(renderUnsungJsonSchema());
  });

  it("documents every field and rejects unknown keys", () => {
    const schema = unsungJsonSchema() as { properties: Record<string, { description?: string; properties?: Record<string, { description?: string }> }>; additionalProperties: boolean };
    expect(schema.additionalProperties).toBe(false);
    for (const [key, field] of Object.entries(schema.properties)) {
      expect(field.description, key).toBeTruthy();
      for (const [sub, f] of Object.entries(field.properties ?? {})) expect(f.description, `${key}.${sub}`).toBeTruthy();
    }
    const reports = schema.properties.reports as { properties: Record<string, { default?: unknown }> };
    expect(reports.properties.ranking!.default).toBe(false);
    expect(reports.properties.previousPeriodComparison!.default).toBe(true);
    expect(Object.keys(schema.properties).sort()).toEqual(["backfill", "bots", "commentThresholds", "comments", "exclude", "flakyKeywords", "paths", "reports", "rubric", "teams", "thresholds", "windows"]);
  });
});
