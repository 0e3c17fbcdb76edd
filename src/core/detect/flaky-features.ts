/**
 * The features of the flaky-test model: generic, named facts about a change (its words, the fix
 * families and mitigations its diff shows, its shape), each in [0, 1], each with a sentence that
 * an explanation can quote. They are read off the facts the tagger gathers (flaky-facts.ts);
 * nothing here names a labelled commit.
 */
import type { FlakyFacts } from "./flaky-facts.js";
import { FIX_PATTERNS, type MitigationHit } from "./flaky-signals.js";

const FAMILY_FEATURES = FIX_PATTERNS.map((p) => `family_${p.key}`);
const MITIGATION_KINDS: readonly MitigationHit["kind"][] = ["skip", "retry", "timeout", "retune", "sleep", "assertion", "loosen"];

export const FLAKY_FEATURES: readonly string[] = [
  "titleFlaky",
  "titleRace",
  "elsewhereFlaky",
  "elsewhereWeak",
  "flakyLabel",
  "wordsAboutTests",
  "titleFixVerb",
  "titleWorkaround",
  "bodyWorkaround",
  "temporary",
  ...FAMILY_FEATURES,
  "familyCount",
  "productFamily",
  ...MITIGATION_KINDS.map((k) => `mitigation_${k}`),
  "mitigationCount",
  "testOnly",
  "productMostly",
  "noTestCode",
  "editsTests",
  "narrowsTest",
  "size",
  "asideInLargeChange",
  "fixSaidOnTests",
  "fixSaidInProduct",
  "incidentalTiming",
  "titleFixesFlaky",
  "familyWithWords",
  "knobShare",
  "logicAdded",
  "familyReplaces",
  "familyReplacesWithWords",
];
export const FLAKY_FEATURE_COUNT = FLAKY_FEATURES.length;

const MITIGATION_SENTENCES: Record<MitigationHit["kind"], string> = {
  skip: "the diff skips or quarantines a test",
  retry: "the diff adds retries or reruns",
  timeout: "the diff sets a timeout",
  retune: "the diff retunes a timing or load number",
  sleep: "the diff adds a fixed sleep",
  assertion: "the diff comments out an assertion",
  loosen: "the diff loosens an exact check into a bound",
};

/** What each feature says, for explanations ("+1.2 a flaky word in the title"). */
export const FLAKY_FEATURE_SENTENCES: Record<string, string> = {
  titleFlaky: "a flaky word in the title",
  titleRace: "a race, hang or timing word in the title",
  elsewhereFlaky: "a flaky word in the description, a commit or a linked issue",
  elsewhereWeak: "a race or timing word about tests in the description",
  flakyLabel: "a flaky label on the change or a linked issue",
  wordsAboutTests: "the flaky words are about tests",
  titleFixVerb: "the title says it fixes something",
  titleWorkaround: "the title names a workaround (skip, retry, more time)",
  bodyWorkaround: "the description names a workaround",
  temporary: "the title says it is temporary",
  ...Object.fromEntries(FIX_PATTERNS.map((p) => [`family_${p.key}`, `in test code it ${p.name}`])),
  familyCount: "several fix families in test code",
  productFamily: "a fix family in product code",
  ...Object.fromEntries(MITIGATION_KINDS.map((k) => [`mitigation_${k}`, MITIGATION_SENTENCES[k]])),
  mitigationCount: "several kinds of mitigation in the diff",
  testOnly: "the change is (almost) only test code",
  productMostly: "the change is mostly product code",
  noTestCode: "the change touches no test code",
  editsTests: "the change edits existing tests",
  narrowsTest: "lines of a test are dropped with little in their place",
  size: "the size of the change",
  asideInLargeChange: "the flaky word is only in the description of a large change",
  fixSaidOnTests: "the title says it fixes the flaky test and the change edits tests without working around",
  fixSaidInProduct: "the title says it fixes a flaky test at its cause in product code",
  incidentalTiming: "a timeout or retuned number beside a fix family",
  titleFixesFlaky: "the title says it fixes a flaky, racy or timing-dependent test",
  familyWithWords: "a fix family in test code of a change that speaks of flakiness",
  knobShare: "the share of the changed test lines that only turn a knob (timeout, sleep, retry, skip, a number)",
  logicAdded: "new logic in existing tests (lines added that are not knobs)",
  familyReplaces: "a fix family replaces lines of an existing test",
  familyReplacesWithWords: "a fix family replaces lines of an existing test, in a change that speaks of flakiness",
};

/** The feature vector of a change, in FLAKY_FEATURES order; every value in [0, 1]. */
export function flakyFeatures(f: FlakyFacts): Float64Array {
  const x = new Float64Array(FLAKY_FEATURE_COUNT);
  let i = 0;
  const put = (v: boolean | number) => {
    x[i++] = typeof v === "boolean" ? (v ? 1 : 0) : Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0));
  };
  const k = f.keyword;
  put(k !== null && k.where === "title" && k.strong);
  put(k !== null && k.where === "title" && !k.strong);
  put(k !== null && k.where !== "title" && k.strong);
  put(k !== null && k.where !== "title" && !k.strong);
  put(f.label !== null);
  put(k !== null && (k.aboutTests || f.messageTiesTests));
  put(f.fixVerb !== null);
  put(f.mitigationSaid);
  put(f.bodyWorkaround);
  put(f.temporary);
  for (const p of FIX_PATTERNS) put(f.patterns.includes(p.name));
  put(Math.min(f.patterns.length, 3) / 3);
  put(f.productPatterns.length > 0);
  const kinds = new Set(f.hits.map((h) => h.kind));
  for (const m of MITIGATION_KINDS) put(kinds.has(m));
  put(Math.min(kinds.size, 3) / 3);
  put(f.testOnly);
  put(f.productMostly);
  put(f.testFiles === 0);
  put(f.editedTestFiles > 0);
  put(f.narrowsTest);
  // log10 of the lines counted, over 4: 10 lines → 0.25, 10,000 lines → 1.
  put(Math.log10(1 + Math.max(0, f.counted)) / 4);
  put(f.bodyOnlyAside);
  put(f.fixSaid);
  put(f.fixSaidInProduct);
  put(f.incidentalTiming);
  put(f.fixVerb !== null && k !== null && k.where === "title");
  put(f.patterns.length > 0 && f.context);
  put(f.shape.changed > 0 ? f.shape.knob / f.shape.changed : 0);
  // log10 of the new lines, over 3: 10 lines → 0.35, 1,000 lines → 1.
  put(Math.log10(1 + f.shape.logicAdded) / 3);
  put(f.shape.replacingFamilies.size > 0);
  put(f.shape.replacingFamilies.size > 0 && f.context);
  if (i !== FLAKY_FEATURE_COUNT) throw new Error(`flaky features: ${i} values for ${FLAKY_FEATURE_COUNT} names`);
  return x;
}
