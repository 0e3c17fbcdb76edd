import { describe, expect, it } from "vitest";
import { agreementLine, confusionLines, parseSecondLabels, type Rated } from "../../bench/eval/agreement.js";
import { cohensKappa } from "../../bench/eval/metrics.js";

const sha = "a".repeat(40);
const line = (o: Record<string, unknown>) => JSON.stringify({ repo: "o/r", sha, label: "fix", unsure: false, why: "waits on a latch", ...o });

describe("cohensKappa", () => {
  it("corrects observed agreement for chance, on a hand-worked case", () => {
    // observed 3/4; rater A: a 1/2, b 1/2; rater B: a 1/4, b 3/4 → chance 1/2·1/4 + 1/2·3/4 = 1/2 → (3/4 − 1/2)/(1/2)
    const r = cohensKappa([["a", "a"], ["a", "b"], ["b", "b"], ["b", "b"]] as const);
    expect(r.observed).toBe(0.75);
    expect(r.kappa).toBeCloseTo(0.5, 12);
  });
  it("is 1 for perfect agreement, 0 at chance, negative below it, NaN with no items", () => {
    expect(cohensKappa([["x", "x"], ["y", "y"]] as const).kappa).toBe(1);
    expect(cohensKappa([["x", "x"], ["x", "y"], ["y", "x"], ["y", "y"]] as const).kappa).toBeCloseTo(0, 12);
    expect(cohensKappa([["x", "y"], ["y", "x"]] as const).kappa).toBeLessThan(0);
    expect(cohensKappa([["x", "x"]] as const).kappa).toBe(1);
    expect(cohensKappa([]).kappa).toBeNaN();
  });
});

describe("the second annotator's file", () => {
  it("parses good lines and skips blank ones", () => {
    const got = parseSecondLabels(`${line({})}\n\n${line({ sha: "b".repeat(40), label: "neither", unsure: true })}\n`, "f");
    expect(got.map((g) => g.label)).toEqual(["fix", "neither"]);
  });
  it("names the line of malformed, hostile or oversized input and accepts none of it", () => {
    expect(() => parseSecondLabels("{not json", "f")).toThrow(/f line 1: not JSON/);
    expect(() => parseSecondLabels(line({ label: "both" }), "f")).toThrow(/line 1: label/);
    expect(() => parseSecondLabels(line({ sha: "abc" }), "f")).toThrow(/line 1: sha/);
    expect(() => parseSecondLabels(line({ repo: "../../etc/passwd" }), "f")).toThrow(/line 1: repo/);
    expect(() => parseSecondLabels(line({ why: "x".repeat(5000) }), "f")).toThrow(/line 1: why/);
    expect(() => parseSecondLabels(line({ extra: 1 }), "f")).toThrow(/line 1/);
    expect(() => parseSecondLabels(`${line({})}\n${line({})}`, "f")).toThrow(/line 2: o\/r@a+ is labelled twice/);
  });
});

describe("agreement lines", () => {
  it("prints three-class and fix-or-not agreement, and the confusion by first label", () => {
    const rated: Rated[] = [
      { first: "fix", second: "fix", tagger: "fix", unsure: false },
      { first: "fix", second: "mitigation", tagger: "neither", unsure: true },
      { first: "mitigation", second: "mitigation", tagger: "mitigation", unsure: false },
      { first: "neither", second: "neither", tagger: "neither", unsure: false },
    ];
    const l = agreementLine("a vs b", rated.map((r) => [r.first, r.second] as const));
    expect(l).toContain("fix/mitigation/neither: agree 0.750");
    // fix or not: (fix,fix) (fix,other) (other,other) (other,other): the hand-worked case above
    expect(l).toContain("fix or not: agree 0.750, kappa 0.500");
    expect(l).toContain("(4 commits)");
    const c = confusionLines(rated);
    expect(c[1]).toMatch(/^ {2}fix\s+1\s+1\s+0$/);
    expect(c[2]).toMatch(/^ {2}mitigation\s+0\s+1\s+0$/);
    expect(c[3]).toMatch(/^ {2}neither\s+0\s+0\s+1$/);
  });
});
