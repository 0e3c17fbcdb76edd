import { describe, expect, it } from "vitest";
import { runEval } from "../../bench/eval.js";
import { rocAuc, splitHalves, unitHash } from "../../bench/eval/metrics.js";
import { countBaseline, hasOutcome, loadReviewSets, parseReviewSet, REVIEW_FIXTURE_SETS, textOnly } from "../../bench/eval/review-sets.js";
import { evaluateReviews, reviewHalves, runReviewEval } from "../../bench/eval/reviews-eval.js";
import { scoreReview } from "../../src/core/detect/score-review.js";

/** AUC by its definition: every positive/negative pair, ties half. Independent of rocAuc's ranks. */
function pairwiseAuc(pos: number[], neg: number[]): number {
  let s = 0;
  for (const p of pos) for (const n of neg) s += p > n ? 1 : p === n ? 0.5 : 0;
  return s / (pos.length * neg.length);
}

describe("rocAuc", () => {
  it("is 1 for a perfect ranking, 0 for a reversed one and 0.5 for all ties", () => {
    expect(rocAuc([3, 4], [1, 2])).toBe(1);
    expect(rocAuc([1, 2], [3, 4])).toBe(0);
    expect(rocAuc([5, 5], [5, 5, 5])).toBe(0.5);
  });
  it("counts ties half on hand-made cases", () => {
    // pairs: (2,1) win, (2,2) tie, (2,3) loss, (4,*) three wins → (1+0.5+0+3)/6
    expect(rocAuc([2, 4], [1, 2, 3])).toBeCloseTo(4.5 / 6, 12);
  });
  it("agrees with the pairwise definition on random scores with many ties", () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let k = 0; k < 20; k++) {
      const pos = Array.from({ length: 1 + Math.floor(rnd() * 30) }, () => Math.floor(rnd() * 8));
      const neg = Array.from({ length: 1 + Math.floor(rnd() * 30) }, () => Math.floor(rnd() * 8));
      expect(rocAuc(pos, neg)).toBeCloseTo(pairwiseAuc(pos, neg), 12);
    }
  });
  it("is NaN for an empty class and refuses non-finite scores", () => {
    expect(rocAuc([], [1])).toBeNaN();
    expect(() => rocAuc([Number.NaN], [1])).toThrow(/not a finite number/);
  });
});

describe("the tuning/report split", () => {
  const items = Array.from({ length: 41 }, (_, i) => ({ id: `x${i}`, label: i % 3 === 0 ? "a" : "b", group: `pr${i % 17}` }));
  const split = (xs: typeof items) => splitHalves(xs, { stratum: (x) => x.label, group: (x) => x.group, id: (x) => x.id });

  it("is deterministic and does not depend on input order", () => {
    const a = split(items);
    const b = split([...items].reverse());
    for (const it of items) expect(b.get(it)).toBe(a.get(it));
  });
  it("is stratified: each stratum splits ⌈n/2⌉ / ⌊n/2⌋", () => {
    const s = split(items);
    for (const label of ["a", "b"]) {
      const of = items.filter((x) => x.label === label);
      const tuning = of.filter((x) => s.get(x) === "tuning").length;
      expect(tuning).toBe(Math.ceil(of.length / 2));
    }
  });
  it("orders by the hash of the group, so a stratum's items of one group sit together", () => {
    const s = split(items);
    const b = items.filter((x) => x.label === "b").sort((x, y) => unitHash(x.group) - unitHash(y.group) || (x.id < y.id ? -1 : 1));
    const firstReport = b.findIndex((x) => s.get(x) === "report");
    expect(b.slice(0, firstReport).every((x) => s.get(x) === "tuning")).toBe(true);
    expect(b.slice(firstReport).every((x) => s.get(x) === "report")).toBe(true);
  });
  it("unitHash is the first 32 bits of SHA-256, in [0, 1)", () => {
    // sha256("abc") = ba7816bf… → 0xba7816bf / 2^32
    expect(unitHash("abc")).toBe(0xba7816bf / 2 ** 32);
    const h = unitHash("https://github.com/o/r/pull/1");
    expect(h).toBeGreaterThanOrEqual(0);
    expect(h).toBeLessThan(1);
    expect(unitHash("https://github.com/o/r/pull/1")).toBe(h);
    expect(unitHash("https://github.com/o/r/pull/2")).not.toBe(h);
  });
});

describe("review sets", () => {
  it("rejects malformed lines with the file and line", () => {
    expect(() => parseReviewSet('{"id":1,"reviewer":"r","author":"a","expect":{"label":"substantive"}}\n{oops', "s")).toThrow(/^s:2: not valid JSON/);
    expect(() => parseReviewSet('{"id":1,"reviewer":"r","author":"a","expect":{"label":"great"}}', "s")).toThrow(/s:1: expect.label/);
    expect(() => parseReviewSet('{"id":1,"author":"a","expect":{"label":"shallow"}}', "s")).toThrow(/s:1: not score-reviews input/);
    expect(() => parseReviewSet("[1,2]", "s")).toThrow(/s:1: expected a JSON object/);
    const dup = '{"id":"x","reviewer":"r","author":"a","expect":{"label":"shallow"}}\n';
    expect(() => parseReviewSet(dup + dup, "s")).toThrow(/duplicate id x/);
  });
  it("text only removes exactly the outcome signals", () => {
    const [it0] = parseReviewSet('{"id":1,"reviewer":"r","author":"a","body":"b","comments":[{"body":"c","ledToChange":true,"replies":2}],"expect":{"label":"shallow"}}', "s");
    expect(hasOutcome(it0!.input)).toBe(true);
    const t = textOnly(it0!.input);
    expect(hasOutcome(t)).toBe(false);
    expect(t.comments?.[0]?.body).toBe("c");
    expect(t.body).toBe("b");
    expect(countBaseline(t)).toBeCloseTo(1 + 2 / 100, 12);
  });
});

describe("npm run eval -- --fixture", () => {
  const items = loadReviewSets(REVIEW_FIXTURE_SETS);

  it("prints figures that are the AUCs of the scorer and the baseline on each half", async () => {
    const lines: string[] = [];
    const result = await runReviewEval({ fixture: true, print: (l) => lines.push(l) });
    const halves = reviewHalves(items);
    for (const half of ["tuning", "report"] as const) {
      const of = items.filter((x) => halves.get(x) === half);
      const pos = of.filter((x) => x.label === "substantive");
      const neg = of.filter((x) => x.label === "shallow");
      const f = result[half];
      expect(f.items).toBe(of.length);
      expect(f.aucWithOutcome).toBeCloseTo(pairwiseAuc(pos.map((x) => scoreReview(x.input).score), neg.map((x) => scoreReview(x.input).score)), 12);
      expect(f.aucTextOnly).toBeCloseTo(pairwiseAuc(pos.map((x) => scoreReview(textOnly(x.input)).score), neg.map((x) => scoreReview(textOnly(x.input)).score)), 12);
      expect(f.aucBaseline).toBeCloseTo(pairwiseAuc(pos.map((x) => countBaseline(x.input)), neg.map((x) => countBaseline(x.input))), 12);
      const levels = pos.map((x) => scoreReview(x.input).level);
      expect(f.levels.substantive.substantive).toBe(levels.filter((l) => l === "substantive").length);
      expect(f.levels.substantive.deep).toBe(levels.filter((l) => l === "deep").length);
      expect(lines).toContain(`    ROC AUC with outcome signals: ${f.aucWithOutcome.toFixed(3)}`);
      expect(lines).toContain(`    ROC AUC text only:            ${f.aucTextOnly.toFixed(3)}`);
    }
    expect(result.tuning.items + result.report.items).toBe(items.length);
  });

  it("takes the scorer as a parameter: a scorer that reads the label gets 1, its negation 0", () => {
    const byInput = new Map(items.map((x) => [x.input, x.label]));
    const cheat = evaluateReviews(items, (input) => (byInput.get(input) === "substantive" ? 1 : 0));
    expect(cheat.tuning.aucWithOutcome).toBe(1);
    const inverse = evaluateReviews(items, (input) => (byInput.get(input) === "substantive" ? 0 : 1));
    expect(inverse.report.aucWithOutcome).toBe(0);
  });

  it("runs every section and refuses unknown arguments", async () => {
    const lines: string[] = [];
    expect(await runEval(["--fixture"], (l) => lines.push(l))).toBe(0);
    expect(lines.some((l) => l.startsWith("Review depth — 16 labelled reviews"))).toBe(true);
    expect(await runEval(["--report-half-labels"], () => {})).toBe(2);
  });
});
