import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { changesFor, classOf, FIXTURE_PATH, loadFixture, parseFixture, parseLabels, splitHalves, type LabelLine } from "../../bench/eval/commit-sets.js";
import { BASELINE_KEYWORDS, countPredictions, predict, ratio, runCommitEval, type Prediction } from "../../bench/eval/commits-eval.js";
import { classifyChange } from "../../src/core/detect/classify-change.js";
import { changeInputOfLine } from "../../src/cli/classify.js";

const label = (over: Partial<LabelLine> & { sha: string }): LabelLine => ({
  repo: "acme/app",
  flaky_fix: false,
  mitigation: false,
  kinds: [],
  unsure: false,
  why: "",
  ...over,
});
const pred = (l: LabelLine, over: Partial<Prediction>): Prediction => ({ label: l, fix: false, quarantine: false, kinds: [], baselineFix: false, ...over });

describe("commit evaluation: counting", () => {
  it("counts precision, recall, mitigations and kinds from predictions", () => {
    const fix = (n: number) => label({ sha: `a${n}`, flaky_fix: true, kinds: ["test"] });
    const mit = (n: number) => label({ sha: `b${n}`, mitigation: true, kinds: ["test"] });
    const none = (n: number, kinds: LabelLine["kinds"]) => label({ sha: `c${n}`, kinds });
    const c = countPredictions([
      pred(fix(1), { fix: true, kinds: ["test"], baselineFix: true }),
      pred(fix(2), { fix: true, kinds: ["test"] }),
      pred(fix(3), { kinds: [], baselineFix: true }), // missed; kinds disagree on test
      pred(mit(1), { quarantine: true, kinds: ["test"], baselineFix: true }),
      pred(mit(2), { fix: true, kinds: ["test"], baselineFix: true }), // a mitigation tagged a fix
      pred(mit(3), { kinds: ["test"] }), // a mitigation not recorded
      pred(none(1, ["docs"]), { quarantine: true, kinds: ["docs"] }),
      pred(none(2, ["ci", "code"]), { kinds: ["ci-config"], baselineFix: true }),
      pred(none(3, ["build"]), { kinds: ["ownership"] }), // neither side speaks of an eval kind
    ]);
    expect(c).toMatchObject({
      n: 9,
      fixes: 3,
      mitigations: 3,
      tp: 2,
      fp: 1,
      fn: 1,
      mitigationsAsMitigations: 1,
      mitigationsAsFixes: 1,
      falseQuarantines: 1,
      baselineTp: 2,
      baselineFp: 3,
      baselineMitigationsAsFixes: 2,
      kindsExact: 8,
    });
    expect(c.kindAgree).toEqual({ docs: 9, runbook: 9, "ci-config": 9, template: 9, test: 8 });
    expect(c.kindLabelled).toEqual({ docs: 1, runbook: 0, "ci-config": 1, template: 0, test: 6 });
    expect(c.kindTagged.test).toBe(5);
    expect(ratio(c.tp, c.tp + c.fp)).toBe("0.667");
    expect(ratio(0, 0)).toBe("n/a");
  });

  it("the baseline is the word-bounded keyword regex", () => {
    expect(BASELINE_KEYWORDS.test("Fix flaky TestX")).toBe(true);
    expect(BASELINE_KEYWORDS.test("deflake the watcher")).toBe(true);
    expect(BASELINE_KEYWORDS.test("fix race in the pool")).toBe(true);
    expect(BASELINE_KEYWORDS.test("embrace the new API; traceparent header")).toBe(false);
  });
});

describe("commit evaluation: the split", () => {
  const items = Array.from({ length: 60 }, (_, i) => ({
    label: label({ repo: i % 3 === 0 ? "acme/one" : "acme/two", sha: (i * 7919 + 17).toString(16).padStart(8, "0"), flaky_fix: i % 4 === 0, mitigation: i % 4 === 1 }),
  }));

  it("is deterministic and does not depend on input order", () => {
    const a = splitHalves(items);
    const b = splitHalves([...items].reverse());
    const shas = (xs: { label: LabelLine }[]) => xs.map((x) => x.label.sha).sort();
    expect(shas(b.tuning)).toEqual(shas(a.tuning));
    expect(shas(b.report)).toEqual(shas(a.report));
    expect(a.tuning.length + a.report.length).toBe(items.length);
    expect(new Set([...shas(a.tuning), ...shas(a.report)]).size).toBe(items.length);
  });

  it("is stratified: each repository's fixes, mitigations and others split within one", () => {
    const { tuning, report } = splitHalves(items);
    for (const repo of ["acme/one", "acme/two"]) {
      for (const cls of ["fix", "mitigation", "neither"] as const) {
        const n = (xs: typeof items) => xs.filter((x) => x.label.repo === repo && classOf(x.label) === cls).length;
        expect(n(items)).toBeGreaterThan(1);
        expect(Math.abs(n(tuning) - n(report))).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe("commit evaluation: labels and inputs", () => {
  const ok = JSON.stringify({ repo: "acme/app", sha: "abc1234", flaky_fix: true, mitigation: false, kinds: ["test"], unsure: false, why: "x" });
  it("rejects malformed label lines, naming the line", () => {
    expect(() => parseLabels(`${ok}\n{nope`, "l.jsonl")).toThrow(/l\.jsonl line 2: not JSON/);
    expect(() => parseLabels(JSON.stringify({ repo: "acme/app", sha: "abc1234" }), "l.jsonl")).toThrow(/line 1: flaky_fix/);
    expect(() => parseLabels(ok.replace('"mitigation":false', '"mitigation":true'), "l.jsonl")).toThrow(/never both/);
    expect(() => parseLabels(ok.replace("acme/app", "../../etc"), "l.jsonl")).toThrow(/owner\/name/);
    expect(() => parseLabels(ok.replace("abc1234", "abc1234; rm -rf /"), "l.jsonl")).toThrow(/hexadecimal/);
    expect(() => parseLabels(ok.replace('"test"', '"everything"'), "l.jsonl")).toThrow(/line 1: kinds/);
    expect(() => parseLabels(ok.replace('"why":"x"', `"why":"${"w".repeat(5000)}"`), "l.jsonl")).toThrow(/line 1: why/);
    expect(() => parseLabels(`${ok}\n\n${ok}`, "l.jsonl")).toThrow(/labelled twice/);
    expect(parseLabels(`\n${ok}\n`, "l.jsonl")).toHaveLength(1);
  });

  it("rejects a fixture line without a valid change", () => {
    expect(() => parseFixture(ok, "f.jsonl")).toThrow(/f\.jsonl line 1: change/);
    expect(() => parseFixture(ok.replace("}", ',"change":{"id":"x","title":"t","files":[{"path":""}]}}'), "f.jsonl")).toThrow(/line 1: change\.files\.0\.path/);
  });

  const dir = mkdtempSync(join(tmpdir(), "commits-eval-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("without mirrors or a cache, says which repositories are missing", () => {
    const path = join(dir, "labels.jsonl");
    writeFileSync(path, `${ok}\n`);
    const r = changesFor(path, parseLabels(ok, path), join(dir, "no-mirrors"), join(dir, "cache"));
    expect(r).toEqual({ changes: null, missing: ["acme/app"] });
  });
});

describe("commit evaluation on the fixture", () => {
  const items = loadFixture();

  it("the fixture covers fixes, mitigations and neither in seven languages", () => {
    expect(FIXTURE_PATH).toMatch(/test\/fixtures\/eval\/commits-fixture\.jsonl$/);
    const by = (c: string) => items.filter((i) => classOf(i.label) === c).length;
    expect(by("fix")).toBeGreaterThanOrEqual(10);
    expect(by("mitigation")).toBeGreaterThanOrEqual(6);
    expect(by("neither")).toBeGreaterThanOrEqual(5);
    const exts = new Set(items.flatMap((i) => i.change.files.map((f) => f.path.replace(/^.*\./, ""))));
    for (const e of ["go", "java", "kt", "py", "ts", "rb", "cs"]) expect(exts).toContain(e);
    expect(readFileSync(FIXTURE_PATH, "utf8").split("\n").filter(Boolean)).toHaveLength(items.length);
  });

  it("prints per half the figures computed from the tagger's own verdicts", async () => {
    const lines: string[] = [];
    await runCommitEval({ fixture: true, print: (l) => lines.push(l) });
    const out = lines.join("\n");
    const { tuning, report } = splitHalves(items);
    for (const [half, xs] of [["tuning", tuning], ["report", report]] as const) {
      // Recount independently, from classifyChange itself.
      let tp = 0;
      let tagged = 0;
      let fixes = 0;
      let mit = 0;
      let mitQ = 0;
      let mitFix = 0;
      let baseTp = 0;
      let baseTagged = 0;
      for (const x of xs) {
        const r = classifyChange(changeInputOfLine(x.change)).flakyFix;
        const base = BASELINE_KEYWORDS.test(`${x.change.title}\n${x.change.body ?? ""}`);
        if (x.label.flaky_fix) fixes++;
        if (r.is) tagged++;
        if (r.is && x.label.flaky_fix) tp++;
        if (base) baseTagged++;
        if (base && x.label.flaky_fix) baseTp++;
        if (x.label.mitigation) {
          mit++;
          if (r.is) mitFix++;
          else if (r.quarantine) mitQ++;
        }
      }
      const block = out.slice(out.indexOf(`fixture / ${half} half: ${xs.length} commits, ${fixes} flaky fixes, ${mit} mitigations`));
      expect(block.length).toBeLessThan(out.length + 1);
      expect(block).toContain(`tagger   precision ${ratio(tp, tagged)} (${tp}/${tagged})  recall ${ratio(tp, fixes)} (${tp}/${fixes})`);
      expect(block).toContain(`baseline precision ${ratio(baseTp, baseTagged)} (${baseTp}/${baseTagged})  recall ${ratio(baseTp, fixes)} (${baseTp}/${fixes})`);
      expect(block).toContain(`recorded as flaky-quarantine ${ratio(mitQ, mit)} (${mitQ}/${mit})  tagged a fix: tagger ${mitFix},`);
    }
    expect(out).toMatch(/fixture \/ tuning half: \d+ commits/);
    expect(out).toMatch(/fixture \/ report half: \d+ commits/);
  });

  it("the tagger never calls a fixture mitigation a fix, and each tag says which signals matched", () => {
    for (const x of items) {
      const p = predict(x);
      if (x.label.mitigation) expect(p.fix, x.change.title).toBe(false);
      const r = classifyChange(changeInputOfLine(x.change)).flakyFix;
      if (r.is || r.quarantine) expect(r.evidence.length, x.change.title).toBeGreaterThanOrEqual(2);
    }
  });
});
