/**
 * What a change says and shows about flaky tests, gathered once: the words (a flaky keyword, a
 * label, what the title says is done), the diff (fix families in test code and in product code,
 * mitigation shapes), the shape of the change (test-only, product-mostly, size) and CI re-runs —
 * plus the verdicts of the hand-written rules over them. The tagger (detect-flaky-fix.ts) and the
 * learned model (flaky-model.ts) both read these facts; nothing here names a labelled commit.
 */
import type { ChangeClassification, ChangeInput, ClassifiedFile } from "./classify-change.js";
import { findFlips } from "./ci-history.js";
import type { CompiledConfig } from "./compile-config.js";
import {
  FIX_PATTERNS,
  FIX_VERB,
  MITIGATION_WORDS,
  TEST_HELPER_PATH,
  mitigationsIn,
  withoutRetunes,
  type MitigationHit,
} from "./flaky-signals.js";
import { addDiffShape, emptyDiffShape, type DiffShape } from "./flaky-diff-shape.js";

const QUARANTINE_HIT = "adds entries to the quarantine list";
const ANY_ADDED = /^\+(?!\+\+ )\s*\S/m;

const WEAK_KEYWORD =
  /\b(?:race condition|racy|data race|timing[- ](?:issue|dependent|sensitive|related)|order[- ]dependent|test pollution|leaks? between tests|unstable (?:test|spec|build)|occasionally fail\w*|sometimes fail\w*|fails? sometimes|random(?:ly)? fail\w*|times? out (?:sometimes|occasionally|on ci))\b/i;
const TITLE_RACE = /\b(?:races?|racy|racing|data races?|deadlock\w*|hangs?|hanging|timing|flapp\w+|unstable|order[- ]dependen\w*|interference|nondeterminis\w*|stabili[sz]\w*)\b/i;
/** Titles that undo a mitigation: re-enabling a test is not a new skip. */
const UNDOES_MITIGATION = /\b(?:re-?enabl\w*|unskip\w*|un-?ignor\w*|un-?quarantin\w*|un-?disabl\w*|revert\w*|restor\w*)\b/i;
/** A leading area or conventional-commit prefix: "store:", "fix(coverage):", "[CI]", "xds/kokoro:". */
const AREA_PREFIX = /^\s*(?:\[[^\]]{1,40}\]\s*)*(?:[\w./-]{1,60}(?:\([^)]{0,40}\))?!?:\s+)?/;
/** How much of the description is read for a workaround (its first paragraph or two). */
const BODY_LEAD = 400;
const TEMPORARY = /\b(?:for now|temporar\w*|until|for the time being|pending)\b/i;
const FEATURE_TITLE = /^(?:feat|feature|deps|build\(deps\))\b|\b(?:upgrade|bump)\s+(?:to\s+)?[A-Z][\w.-]*\s+(?:[A-Z]\w*\s+)?v?\d|\bintroduce\b|\bsupport for\b/i;
/** Lines above which a flaky word said only in the description does not make the change a fix. */
const MAX_ASIDE_LINES = 400;
const TEST_CONTEXT = /\b(?:tests?|specs?|ci|e2e|suite|pipeline|build|check)\b/i;
const FLAKY_LABEL = /flak|intermittent|nondetermin|non-determin|unstable[- ]test/i;
export const QUARANTINE_FILE = /(?:quarantin|flaky[-_.]?(?:tests?|specs?|list)|known[-_]?flak)/i;
export const TEST_RUNNER_CONFIG =
  /(?:^|\/)(?:(?:jest|vitest|playwright|cypress|karma|mocha|wdio|ava|nightwatch)\.config\.\w+|\.mocharc(?:\.\w+)?|pytest\.ini|tox\.ini|setup\.cfg|pyproject\.toml|conftest\.py|package\.json|\.rspec|build\.gradle(?:\.kts)?|pom\.xml|Makefile|\.bazelrc|Taskfile\.ya?ml|justfile)$/i;
const NEW_FILE_HUNK = /^@@ -0,0 /;

function isNewFile(patch: string): boolean {
  return NEW_FILE_HUNK.test(patch);
}

export interface KeywordHit {
  word: string;
  where: string;
  strong: boolean;
  /** The text around the word is about tests ("flaky test", "deflake"), not e.g. "flaky Wi-Fi". */
  aboutTests: boolean;
}

/** Words that say a text is about tests, also inside names ("OrderSyncTest", "checkout.spec"). */
const TEST_WORD = /\b(?:tests?|specs?|ci|e2e|suite|pipeline|builds?|checks?|jobs?)\b|\w(?:test|spec)s?\b|\btest\w/i;
/** How far from the keyword (in characters, each way) the words must be: the same phrase or clause. */
const TEST_WORD_REACH = 40;

/** True when words about tests appear next to the keyword: "flaky test", "test is flaky", not "flaky Wi-Fi". */
function testsNear(text: string, index: number, length: number): boolean {
  let from = Math.max(0, index - TEST_WORD_REACH);
  let to = Math.min(text.length, index + length + TEST_WORD_REACH);
  // Same sentence only: a "## Testing" section below says nothing about this phrase.
  const before = text.slice(from, index);
  const stop = Math.max(before.lastIndexOf("\n"), before.search(/[.!?]\s[^.!?]*$/));
  if (stop >= 0) from += stop + 1;
  const after = text.slice(index + length, to);
  const end = after.search(/\n|[.!?](?:\s|$)/);
  if (end >= 0) to = index + length + end;
  return TEST_WORD.test(text.slice(from, to));
}

export function findKeyword(input: ChangeInput, c: CompiledConfig): KeywordHit | null {
  // The title first: what it names is what the change is about.
  const title = input.title ?? "";
  const t = c.flakyKeyword.exec(title);
  if (t) return { word: t[0], where: "title", strong: true, aboutTests: /deflak|unflak/i.test(t[0]) || testsNear(title, t.index, t[0].length) };
  // A race, hang or timing problem named in the title: about tests when a test is named beside it
  // ("Fix race in FlowControlHandlerTest"); otherwise only the diff can say so (test code mostly).
  const r = WEAK_KEYWORD.exec(title) ?? TITLE_RACE.exec(title);
  if (r) return { word: r[0], where: "title", strong: false, aboutTests: testsNear(title, r.index, r[0].length) || TEST_WORD.test(title) };
  const sources: [string, string][] = [];
  if (input.body) sources.push(["description", input.body]);
  for (const m of input.commitMessages ?? []) sources.push(["a commit message", m]);
  for (const i of input.linkedIssues ?? []) if (i.title) sources.push([`linked issue${i.number ? ` #${i.number}` : ""}`, i.title]);
  for (const [where, text] of sources) {
    if (typeof text !== "string" || text.length === 0) continue;
    const m = c.flakyKeyword.exec(text);
    if (m) return { word: m[0], where, strong: true, aboutTests: /deflak|unflak/i.test(m[0]) || testsNear(text, m.index, m[0].length) };
  }
  for (const [where, text] of sources) {
    if (typeof text !== "string" || text.length === 0) continue;
    const m = WEAK_KEYWORD.exec(text);
    if (m && TEST_CONTEXT.test(text)) return { word: m[0], where, strong: false, aboutTests: true };
  }
  return null;
}

/** True when the description or a commit message names a flaky test ("the flaky FooTest", "tests were flaky"). */
function flakyTestsNamed(input: ChangeInput, c: CompiledConfig): boolean {
  for (const text of [input.body, ...(input.commitMessages ?? [])]) {
    if (typeof text !== "string" || text.length === 0) continue;
    const m = c.flakyKeyword.exec(text.slice(0, 4000));
    if (m && testsNear(text, m.index, m[0].length)) return true;
  }
  return false;
}

export function findFlakyLabel(input: ChangeInput): string | null {
  for (const l of input.labels ?? []) if (typeof l === "string" && FLAKY_LABEL.test(l)) return `The change is labelled “${l}”.`;
  for (const i of input.linkedIssues ?? []) {
    for (const l of i.labels ?? []) {
      if (typeof l === "string" && FLAKY_LABEL.test(l)) return `Linked issue${i.number ? ` #${i.number}` : ""} is labelled “${l}”.`;
    }
  }
  return null;
}


export interface FlakyFacts {
  keyword: KeywordHit | null;
  /** The sentence naming a flaky label on the change or a linked issue, or null. */
  label: string | null;
  /** Names of the fix families found in edited test code. */
  patterns: string[];
  /** Test files in which a fix family was found. */
  patternFiles: string[];
  /** Names of the fix families found in product code (files that are neither tests nor helpers). */
  productPatterns: string[];
  hits: (MitigationHit & { path: string })[];
  /** The mitigations that hide a failure (skip, retry, commented-out or loosened assertion). */
  hides: (MitigationHit & { path: string })[];
  flips: { check: string | null; flips: number; failures: number };
  testFiles: number;
  testLines: number;
  editedTestFiles: number;
  testAdded: number;
  testDeleted: number;
  /** The line-by-line shape of the edited test files' diffs: knobs turned versus logic rewritten. */
  shape: DiffShape;
  /** Lines counted for the change's kinds. */
  counted: number;
  fileCount: number;
  testOnly: boolean;
  testMostly: boolean;
  productMostly: boolean;
  messageTiesTests: boolean;
  aboutTests: boolean;
  /** A flaky keyword (or a race word about tests) or a flaky label: the change speaks of flakiness. */
  context: boolean;
  saysMitigation: RegExpExecArray | null;
  mitigationSaid: boolean;
  fixVerb: RegExpExecArray | null;
  bodyMitigation: RegExpExecArray | null;
  /** The lead of the description names a workaround, whatever the diff shows. */
  bodyWorkaround: boolean;
  narrowsTest: boolean;
  incidentalTiming: boolean;
  fixSaid: boolean;
  fixSaidInProduct: boolean;
  titleAboutTestsOrCi: boolean;
  temporary: boolean;
  bodyOnlyAside: boolean;
  ciCanBackProductChange: boolean;
  /** The hand rules' confidence that the change is a fix (0–1). */
  confidence: number;
  /** A mitigation in the title or a diff that only works around: never a fix. */
  onlyMitigates: boolean;
  /** The hand rules' verdicts. */
  rulesFix: boolean;
  rulesQuarantine: boolean;
  /** How sure the rules would be that the change is a quarantine, were it one (0–1). */
  quarantineScore: number;
}

/** Product patches longer than this are read only up to it for fix families. */
const PRODUCT_PATCH_READ = 100_000;

export function flakyFacts(
  input: ChangeInput,
  files: readonly ClassifiedFile[],
  shares: Omit<ChangeClassification, "flakyFix">,
  c: CompiledConfig,
): FlakyFacts {
  const cfg = c.config;
  const keyword = findKeyword(input, c);
  const label = findFlakyLabel(input);
  const title = input.title ?? "";
  // "retry: make TestX deterministic" names a package, not a retry: what is done follows the prefix.
  const said = title.replace(AREA_PREFIX, "");

  const patterns: string[] = [];
  const patternFiles: string[] = [];
  const productPatterns: string[] = [];
  const hits: (MitigationHit & { path: string })[] = [];
  let testLines = 0;
  let helperLines = 0;
  let testFiles = 0;
  let editedTestFiles = 0;
  let testAdded = 0;
  let testDeleted = 0;
  const shape = emptyDiffShape();
  for (const f of files) {
    const testLike = f.kind === "test" || (f.kind !== "ignored" && TEST_HELPER_PATH.test(f.path) && !/\.(?:md|rst|txt|adoc)$/i.test(f.path));
    if (testLike) {
      testLines += f.lines;
      testFiles++;
      // Test helpers outside the test globs (testutil/, fixtures/) are counted as product code.
      if (f.kind === "other") helperLines += f.lines;
    }
    const patch = f.patch;
    if (!patch) continue;
    if (testLike && !isNewFile(patch)) {
      editedTestFiles++;
      testAdded += fileLines(patch, "+");
      testDeleted += fileLines(patch, "-");
      addDiffShape(patch, shape);
      // A number retuned on a timing line ("await(5, SECONDS)" → "await(10, SECONDS)") is a
      // mitigation, not a wait: the fix families are looked for in the other lines only.
      const fixLines = withoutRetunes(patch);
      for (const p of FIX_PATTERNS) {
        if (p.test(fixLines)) {
          if (!patterns.includes(p.name)) patterns.push(p.name);
          if (!patternFiles.includes(f.path)) patternFiles.push(f.path);
        }
      }
    }
    if (!testLike && f.kind === "other") {
      const read = withoutRetunes(patch.length > PRODUCT_PATCH_READ ? patch.slice(0, PRODUCT_PATCH_READ) : patch);
      for (const p of FIX_PATTERNS) if (!productPatterns.includes(p.name) && p.test(read)) productPatterns.push(p.name);
    }
    const scope = testLike || f.kind === "ci-config" || TEST_RUNNER_CONFIG.test(f.path);
    if (scope) for (const h of mitigationsIn(patch, testLike)) hits.push({ ...h, path: f.path });
    if (QUARANTINE_FILE.test(f.path) && ANY_ADDED.test(patch)) hits.push({ kind: "skip", note: QUARANTINE_HIT, path: f.path });
  }
  const hides = hits.filter((h) => h.kind === "skip" || h.kind === "retry" || h.kind === "assertion" || h.kind === "loosen");

  const ci = input.ci ?? null;
  const flips = ci && Array.isArray(ci.runs) ? findFlips(ci.runs, ci.mergedAt ?? null, cfg.windows.ciDaysBefore) : { check: null, flips: 0, failures: 0 };

  const counted = shares.totalLines;
  const testOnly = testFiles > 0 && counted > 0 && testLines / counted >= 0.8;
  const testMostly = testFiles > 0 && counted > 0 && testLines / counted >= 0.5;
  const productMostly = counted > 0 && Math.max(0, shares.otherLines - helperLines) / counted > 0.5;

  // Words: a flaky keyword (or a race/hang/timing word about tests), a flaky label; what the
  // title says is done about it: fixed, or worked around.
  // A flaky word in the title of a change that edits tests is about those tests ("fix flaky c8
  // coverage" with its test); elsewhere the words beside it, or a change mostly of tests, decide.
  // A race named in the title of a product change, and a flaky test named in its description or
  // commits: the product race is the cause of that flaky test.
  const messageTiesTests = keyword !== null && keyword.where === "title" && !keyword.strong && flakyTestsNamed(input, c);
  const aboutTests = keyword !== null && (keyword.aboutTests || messageTiesTests || testMostly || (keyword.strong && keyword.where === "title" && editedTestFiles > 0));
  const context = (keyword !== null && (keyword.strong || aboutTests)) || label !== null;
  const saysMitigation = MITIGATION_WORDS.exec(said);
  const mitigationSaid = saysMitigation !== null && !UNDOES_MITIGATION.test(said);
  const fixVerb = FIX_VERB.exec(said);
  const titleKeyword = keyword?.where === "title";
  // "Fix flaky X" / "deflake X" with a change to test code that hides nothing: the fix is what the
  // author says it is, whichever of the many shapes it takes.
  // What the description says was done, when the diff shows no fix family: "by increasing the
  // timeout", "retry the step" — the author's own account of a workaround.
  const bodyMitigation = patterns.length === 0 ? MITIGATION_WORDS.exec((input.body ?? "").slice(0, BODY_LEAD)) : null;
  // Dropping lines of a test (a racy assertion, a second request) with nothing added in their
  // place narrows what it checks: a workaround, not a fix.
  const narrowsTest = patterns.length === 0 && testDeleted > 2 * testAdded;
  // A fix family beside a timeout or a retuned number: the fix is what the change does, the
  // timing edit is incidental.
  const incidentalTiming = patterns.length > 0 && hits.length > 0 && hits.every((h) => h.kind === "timeout" || h.kind === "retune");
  const fixSaid =
    bodyMitigation === null &&
    !narrowsTest &&
    fixVerb !== null &&
    (titleKeyword || label !== null || (keyword?.aboutTests === true && keyword.strong && testOnly && counted <= MAX_ASIDE_LINES)) &&
    aboutTests &&
    !mitigationSaid &&
    editedTestFiles > 0 &&
    (hits.length === 0 || incidentalTiming);
  const fixSaidInProduct =
    !fixSaid && fixVerb !== null && titleKeyword && ((keyword!.strong && keyword!.aboutTests) || messageTiesTests) && !mitigationSaid && hits.length === 0 && editedTestFiles === 0;
  // Without a flaky word, a workaround counts only when the title speaks of tests or CI and is not
  // a feature ("feat: retry option for tests") or a dependency ("Upgrade to Spring Retry").
  const touchesTestsOrCi = files.some((f) => f.kind === "test" || f.kind === "ci-config" || TEST_RUNNER_CONFIG.test(f.path) || TEST_HELPER_PATH.test(f.path));
  const titleAboutTestsOrCi =
    touchesTestsOrCi && !FEATURE_TITLE.test(title) && (TEST_WORD.test(title) || (files.length > 0 && files.every((f) => f.kind === "test" || f.kind === "ci-config" || f.kind === "ignored")));
  // Skipping or disabling without a flaky word is flakiness work only when it says it is for now.
  const skipWords = saysMitigation !== null && /skip|disabl|ignor|quarantin|xfail/i.test(saysMitigation[0]) && !/errors?|exceptions?|failures?|timeouts?|responses?/i.test(saysMitigation[0]);
  const temporary = TEMPORARY.test(title);
  // A flaky word only in the description of a large change is an aside, not what it does.
  const bodyOnlyAside = keyword !== null && keyword.where !== "title" && label === null && counted > MAX_ASIDE_LINES;

  let conf = 0;
  if (keyword) conf += keyword.strong || messageTiesTests ? 0.35 : 0.2;
  if (label) conf += keyword ? 0.15 : 0.35;
  if (patterns.length > 0) conf += 0.25 + 0.05 * Math.min(patterns.length - 1, 2);
  if (fixSaid) conf += patterns.length > 0 ? 0.1 : 0.3;
  if (fixSaidInProduct) conf += 0.25;
  if (testOnly) conf += 0.1;
  if (flips.flips >= 3) conf += 0.3;
  else if (flips.flips === 2) conf += 0.25;
  else if (flips.flips === 1) conf += 0.15;
  if (patterns.length === 0 && productMostly && flips.flips === 0 && !fixSaidInProduct) conf -= 0.2;
  if (hides.length > 0) conf -= 0.1;
  if (mitigationSaid) conf -= 0.3;
  // Re-runs in the window only say *some* test was flaky. Credit them to a product-code change
  // only when its words are specific ("flaky test", "deflake") or a linked issue is labelled flaky.
  const ciCanBackProductChange = !productMostly || keyword?.aboutTests === true || label !== null;
  const confidence = clamp(context ? conf : Math.min(conf, 0.3));
  // A mitigation in the title ("increase the timeout", "skip", "retry") or a diff that only
  // retunes, skips or retries is never a fix; CI history never turns one into a fix either.
  const onlyMitigates = mitigationSaid || (patterns.length === 0 && hits.length > 0) || (hides.length > 0 && patterns.length === 0);
  const is =
    context &&
    !onlyMitigates &&
    !bodyOnlyAside &&
    (patterns.length > 0 || fixSaid || fixSaidInProduct || (flips.flips > 0 && hides.length === 0 && ciCanBackProductChange)) &&
    confidence >= cfg.thresholds.flakyMinConfidence;

  // A mitigation: flakiness is named (or the title says what is worked around on tests or CI)
  // and the words or the diff show a workaround.
  const quarantine =
    !is &&
    ((context && !bodyOnlyAside && (hides.length > 0 || mitigationSaid || (bodyMitigation !== null && !fixSaidInProduct) || (narrowsTest && fixVerb !== null) || (hits.length > 0 && patterns.length === 0))) ||
      (mitigationSaid && titleAboutTestsOrCi && (skipWords ? (keyword !== null || temporary) && hits.length > 0 : true)));
  const quarantineScore = clamp(0.55 + (keyword?.strong || label ? 0.2 : 0.05) + (flips.flips > 0 ? 0.1 : 0) + (hits.length > 1 ? 0.05 : 0) + (mitigationSaid ? 0.05 : 0));


  return {
    keyword,
    label,
    patterns,
    patternFiles,
    productPatterns,
    hits,
    hides,
    flips,
    testFiles,
    testLines,
    editedTestFiles,
    testAdded,
    testDeleted,
    shape,
    counted,
    fileCount: files.length,
    testOnly,
    testMostly,
    productMostly,
    messageTiesTests,
    aboutTests,
    context,
    saysMitigation,
    mitigationSaid,
    fixVerb,
    bodyMitigation,
    bodyWorkaround: MITIGATION_WORDS.test((input.body ?? "").slice(0, BODY_LEAD)),
    narrowsTest,
    incidentalTiming,
    fixSaid,
    fixSaidInProduct,
    titleAboutTestsOrCi,
    temporary,
    bodyOnlyAside,
    ciCanBackProductChange,
    confidence,
    onlyMitigates,
    rulesFix: is,
    rulesQuarantine: quarantine,
    quarantineScore,
  };
}

/** Changed lines of one sign ("+" added, "-" removed) in a patch. */
function fileLines(patch: string, sign: "+" | "-"): number {
  let n = 0;
  for (const line of patch.split("\n")) if (line.startsWith(sign) && !line.startsWith(sign.repeat(3)) && line.slice(1).trim() !== "") n++;
  return n;
}

export function clamp(n: number): number {
  return Math.min(0.98, Math.max(0, n));
}
