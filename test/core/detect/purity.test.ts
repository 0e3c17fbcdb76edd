import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const DIR = join(import.meta.dirname, "../../../src/core/detect");
const files = readdirSync(DIR).filter((f) => f.endsWith(".ts"));

describe("detectors are pure", () => {
  it("there are detector files to check", () => {
    expect(files.length).toBeGreaterThan(8);
  });

  it.each(files)("%s imports only core modules and picomatch", (f) => {
    const text = readFileSync(join(DIR, f), "utf8");
    const specifiers = [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gm)].map((m) => m[1]!);
    for (const s of specifiers) {
      const ok = s === "picomatch" || (s.startsWith("./") && !s.includes("/../")) || s === "../model.js" || s === "../facts.js";
      expect(ok, `${f} imports ${s}`).toBe(true);
    }
  });

  it.each(files)("%s reads no clock, randomness or environment", (f) => {
    const text = readFileSync(join(DIR, f), "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, "");
    expect(text).not.toMatch(/Date\.now\(|new Date\(\s*\)|Math\.random\(|process\.|performance\.now|require\(/);
  });
});
