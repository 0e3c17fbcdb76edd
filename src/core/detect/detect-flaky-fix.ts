/**
 * Flaky-test fixes, precision first. Keyword search alone is right about 43 %
 * of the time (Luo et al., FSE 2014), so a change is a fix only when it says
 * so (a keyword in the title, body, commits, or a linked issue labelled flaky)
 * AND shows it: a fix pattern in test code (sleep → wait/poll, fixed seed,
 * frozen clock, ephemeral port, cleanup, deterministic order, synchronisation)
 * or CI history (the same check failing then passing on the same commit
 * before the change).
 *
 * Skipping or quarantining a test, or adding retries, is not a fix: it is
 * reported separately as a quarantine (a trap — the flakiness remains).
 */
import type { ChangeClassification, ChangeInput, ClassifiedFile } from "./classify-change.js";
import { findFlips, measureOutcome, type CiOutcome } from "./ci-history.js";
import type { CompiledConfig } from "./compile-config.js";
import { plural, quote } from "./text.js";

export interface FlakyFixResult {
  /** True when the change fixes a flaky test (not just hides it). */
  is: boolean;
  /** How sure the detector is that the change is a flaky-test fix (0–1). */
  confidence: number;
  /** Plain sentences: what was found, and why it does or does not count. */
  evidence: string[];
  /** True when the change skips/quarantines a flaky test or adds retries. */
  quarantine: boolean;
  /** How sure the detector is that the change is a flaky-test quarantine (0–1). */
  quarantineConfidence: number;
  /** Fix patterns found in test code. */
  patterns: string[];
  /** The CI check that flipped most before the change, if any. */
  check: string | null;
  /** Commits on which that check failed then passed, in the window before the change. */
  ciFlips: number;
  /** Failure/rerun rate of the check before vs after the merge; null when no check is known. */
  outcome: CiOutcome | null;
}

function added(source: string): RegExp {
  return new RegExp(`^\\+(?!\\+\\+ )[^\\n]*?(?:${source})`, "mi");
}
function removed(source: string): RegExp {
  return new RegExp(`^-(?!-- )[^\\n]*?(?:${source})`, "mi");
}

const SLEEP = String.raw`\bsleep\s*\(|\btime\.sleep\(|\bThread\.sleep\(|\btime\.Sleep\(|thread::sleep|Task\.Delay\(|\bdelay\(\s*\d|\bsetTimeout\(\s*(?:resolve|res|r|done)\b|waitForTimeout\(|cy\.wait\(\s*\d|\busleep\(|\bsleep\s+\d|\bSleep\(\s*\d|\bawait\s+(?:sleep|delay|wait)\(\s*\d`;
const WAIT = String.raw`\bwaitFor\w*\(|\bwait_for\w*\(|\bwaitUntil\(|\bwait_until\(|expect\.poll\(|\beventually\b|\bEventually\(|assert_eventually|Awaitility|\bawait\(\)\.until|\bpoll(?:Until|_until|ing)?\s*\(|retry_until|\.Wait\(\)|CountDownLatch|awaitTermination|\.toPass\(|waitForSelector|waitForResponse|waitForEvent|waitForURL|\bfindBy\w+\(|\bwait\.until|WebDriverWait|\bassertEventually`;
const SEED = String.raw`\b(?:random\.)?seed\s*\(\s*\w|\bsetSeed\(|rand\.Seed\(|rand\.NewSource\(\s*\d|np\.random\.seed|torch\.manual_seed|faker\.seed|Faker\.seed|seed_from_u64|new Random\(\s*\d|--seed[= ]\d|\bSEED\s*[:=]\s*\d|\bsrand\(\s*\d`;
const CLOCK = String.raw`useFakeTimers|setSystemTime|freeze_?time|freezegun|time_machine|Timecop\.freeze|travel_to\(|Clock\.fixed|NewFakeClock|clock\.NewMock|FakeClock|MockClock|mockdate|MockDate|advanceTimersByTime|runAllTimers|faketime|TestScheduler`;
const PORT = String.raw`\blisten\(\s*0\b|\bport\s*[:=]\s*0\b|:0["'\x60]|getFreePort|get_free_port|find_free_port|findFreePort|\bfreeport\b|get-port|portfinder|ServerSocket\(\s*0\s*\)|127\.0\.0\.1:0\b|localhost:0\b|ephemeral port|findAvailableTcpPort`;
const CLEANUP = String.raw`\bafterEach\(|\bbeforeEach\(|\bafterAll\(|\btearDown\b|\bt\.Cleanup\(|@AfterEach|@BeforeEach|@After\b|\baddCleanup\(|restoreAllMocks|resetAllMocks|clearAllMocks|resetModules|DatabaseCleaner|\bt\.TempDir\(|\bmkdtemp|tmp_path|randomUUID\(|uuid4\(|uuid\.New\(|\bdefer\b[^\n]*(?:Close|Stop|Cleanup|Shutdown)\(`;
const ORDER = String.raw`\bsort(?:ed|By|_by)?\(|\.sort\(|ORDER BY|arrayContaining|assertCountEqual|ElementsMatch|containsInAnyOrder|toIncludeSameMembers|match_array|contain_exactly|unordered`;
const SYNC = String.raw`\bMutex\b|\bRWMutex\b|\bsynchronized\b|\bWaitGroup\b|\bSemaphore\b|\bCyclicBarrier\b|\bsync\.Once\b|\bAtomic(?:Integer|Boolean|Long|Reference)\b|asyncio\.Lock|threading\.(?:Lock|Event)|\bawait\s+Promise\.all\(`;
const SKIP = String.raw`\b(?:it|test|describe|context|suite|specify)\.(?:skip|skipIf|todo|fixme)\b|\bx(?:it|test|describe|context|specify)\s*\(|@pytest\.mark\.(?:skip|skipif|xfail)\b|@unittest\.skip|\bpytest\.skip\(|\bt\.Skip(?:f|Now)?\(|@Disabled\b|@Ignore\b|\[Ignore\b|Skip\s*=\s*"|#\[ignore\]|(?<=^\+\s*)(?:skip|pending)\s*(?:\(|["'])|\.skip\(\)|\btest\.fail\(|\bquarantine`;
const RETRY = String.raw`\bretry:\s*\d|\bretries:\s*\d|\bretries\s*[:=]\s*\d|--retries\b|--retry\b|--reruns\b|retryTimes\(|this\.retries\(|pytest-rerunfailures|@pytest\.mark\.flaky|@flaky\b|\bflaky\s*\(|rerunFailingTestsCount|@Retry\b|@RetryingTest|retry_on_failure|nick-fields/retry|wretry|rspec-retry|\bretry\s*\(\s*\d|--rerun-fails|max_attempts\s*[:=]|maxRetries\s*[:=]\s*\d|rerun_failures`;
const TIMEOUT = String.raw`\btimeout\s*[:=(]\s*\d|setTimeout\(\s*\d{4,}|jest\.setTimeout|vi\.setConfig\(\{\s*testTimeout|@Timeout|mark\.timeout|-timeout[= ]\d`;

const FIX_PATTERNS: readonly { name: string; test: (patch: string) => boolean }[] = [
  {
    name: "replaces a fixed sleep with waiting/polling for a condition",
    test: (p) => REMOVED_SLEEP.test(p) && ADDED_WAIT.test(p),
  },
  { name: "waits/polls for a condition instead of assuming timing", test: (p) => !REMOVED_SLEEP.test(p) && ADDED_WAIT.test(p) },
  { name: "fixes the random seed", test: (p) => ADDED_SEED.test(p) },
  { name: "freezes or fakes the clock", test: (p) => ADDED_CLOCK.test(p) },
  { name: "uses an ephemeral port instead of a fixed one", test: (p) => ADDED_PORT.test(p) },
  { name: "adds cleanup/isolation between tests", test: (p) => ADDED_CLEANUP.test(p) },
  { name: "makes ordering deterministic", test: (p) => ADDED_ORDER.test(p) },
  { name: "adds synchronisation", test: (p) => ADDED_SYNC.test(p) },
  { name: "re-enables a skipped test", test: (p) => REMOVED_SKIP.test(p) && !ADDED_SKIP.test(p) },
];

const REMOVED_SLEEP = removed(SLEEP);
const ADDED_WAIT = added(WAIT);
const ADDED_SEED = added(SEED);
const ADDED_CLOCK = added(CLOCK);
const ADDED_PORT = added(PORT);
const ADDED_CLEANUP = added(CLEANUP);
const ADDED_ORDER = added(ORDER);
const ADDED_SYNC = added(SYNC);
const ADDED_SKIP = added(SKIP);
const REMOVED_SKIP = removed(SKIP);
const ADDED_RETRY = added(RETRY);
const ADDED_TIMEOUT = added(TIMEOUT);
const ANY_ADDED = /^\+(?!\+\+ )\s*\S/m;

const WEAK_KEYWORD =
  /\b(?:race condition|racy|data race|timing[- ](?:issue|dependent|sensitive|related)|order[- ]dependent|test pollution|leaks? between tests|unstable (?:test|spec|build)|occasionally fail\w*|sometimes fail\w*|fails? sometimes|random(?:ly)? fail\w*|times? out (?:sometimes|occasionally|on ci))\b/i;
const TEST_CONTEXT = /\b(?:tests?|specs?|ci|e2e|suite|pipeline|build|check)\b/i;
const FLAKY_LABEL = /flak|intermittent|nondetermin|non-determin|unstable[- ]test/i;
const QUARANTINE_FILE = /(?:quarantin|flaky[-_.]?(?:tests?|specs?|list)|known[-_]?flak)/i;
const TEST_RUNNER_CONFIG =
  /(?:^|\/)(?:(?:jest|vitest|playwright|cypress|karma|mocha|wdio|ava|nightwatch)\.config\.\w+|\.mocharc(?:\.\w+)?|pytest\.ini|tox\.ini|setup\.cfg|pyproject\.toml|conftest\.py|package\.json|\.rspec|build\.gradle(?:\.kts)?|pom\.xml|Makefile|\.bazelrc|Taskfile\.ya?ml|justfile)$/i;
const NEW_FILE_HUNK = /^@@ -0,0 /;

function isNewFile(patch: string): boolean {
  return NEW_FILE_HUNK.test(patch);
}

function snippet(re: RegExp, patch: string): string {
  const m = re.exec(patch);
  if (!m) return "";
  const end = patch.indexOf("\n", m.index);
  const line = patch.slice(m.index + 1, end === -1 ? patch.length : end).trim();
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

interface KeywordHit {
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

function findKeyword(input: ChangeInput, c: CompiledConfig): KeywordHit | null {
  const sources: [string, string][] = [["title", input.title ?? ""]];
  if (input.body) sources.push(["description", input.body]);
  for (const m of input.commitMessages ?? []) sources.push(["a commit message", m]);
  for (const i of input.linkedIssues ?? []) if (i.title) sources.push([`linked issue${i.number ? ` #${i.number}` : ""}`, i.title]);
  for (const [where, text] of sources) {
    if (typeof text !== "string" || text.length === 0) continue;
    const m = c.flakyKeyword.exec(text);
    if (m) return { word: m[0], where, strong: true, aboutTests: /deflak/i.test(m[0]) || testsNear(text, m.index, m[0].length) };
  }
  for (const [where, text] of sources) {
    if (typeof text !== "string" || text.length === 0) continue;
    const m = WEAK_KEYWORD.exec(text);
    if (m && TEST_CONTEXT.test(text)) return { word: m[0], where, strong: false, aboutTests: true };
  }
  return null;
}

function findFlakyLabel(input: ChangeInput): string | null {
  for (const l of input.labels ?? []) if (typeof l === "string" && FLAKY_LABEL.test(l)) return `The change is labelled “${l}”.`;
  for (const i of input.linkedIssues ?? []) {
    for (const l of i.labels ?? []) {
      if (typeof l === "string" && FLAKY_LABEL.test(l)) return `Linked issue${i.number ? ` #${i.number}` : ""} is labelled “${l}”.`;
    }
  }
  return null;
}

export function detectFlakyFix(
  input: ChangeInput,
  files: readonly ClassifiedFile[],
  shares: Omit<ChangeClassification, "flakyFix">,
  c: CompiledConfig,
): FlakyFixResult {
  const cfg = c.config;
  const evidence: string[] = [];
  const keyword = findKeyword(input, c);
  const label = findFlakyLabel(input);
  const context = keyword !== null || label !== null;

  const patterns: string[] = [];
  const patternFiles: string[] = [];
  const quarantineNotes: string[] = [];
  let quarantineHits = 0;
  let timeoutOnly = false;
  let testLines = 0;
  let testFiles = 0;
  for (const f of files) {
    if (f.kind === "test") {
      testLines += f.lines;
      testFiles++;
    }
    const patch = f.patch;
    if (!patch) continue;
    if (f.kind === "test") {
      if (!isNewFile(patch)) {
        for (const p of FIX_PATTERNS) {
          if (p.test(patch)) {
            if (!patterns.includes(p.name)) patterns.push(p.name);
            if (!patternFiles.includes(f.path)) patternFiles.push(f.path);
          }
        }
        if (ADDED_TIMEOUT.test(patch)) timeoutOnly = true;
      }
      if (ADDED_SKIP.test(patch)) {
        quarantineHits++;
        quarantineNotes.push(`${snippet(ADDED_SKIP, patch)} in ${f.path}`);
      }
    }
    const retryScope = f.kind === "test" || f.kind === "ci-config" || TEST_RUNNER_CONFIG.test(f.path);
    if (retryScope && ADDED_RETRY.test(patch)) {
      quarantineHits++;
      quarantineNotes.push(`${snippet(ADDED_RETRY, patch)} in ${f.path}`);
    }
    if (QUARANTINE_FILE.test(f.path) && ANY_ADDED.test(patch)) {
      quarantineHits++;
      quarantineNotes.push(`adds entries to the quarantine list ${f.path}`);
    }
  }
  if (patterns.length > 0) timeoutOnly = false;

  const ci = input.ci ?? null;
  const flips = ci && Array.isArray(ci.runs) ? findFlips(ci.runs, ci.mergedAt ?? null, cfg.windows.ciDaysBefore) : { check: null, flips: 0, failures: 0 };

  const counted = shares.totalLines;
  const testOnly = testFiles > 0 && counted > 0 && testLines / counted >= 0.8;
  const productMostly = counted > 0 && shares.otherLines / counted > 0.5;

  let conf = 0;
  if (keyword) conf += keyword.strong ? 0.35 : 0.2;
  if (label) conf += keyword ? 0.15 : 0.35;
  if (patterns.length > 0) conf += 0.25 + 0.05 * Math.min(patterns.length - 1, 2);
  if (testOnly) conf += 0.1;
  if (flips.flips >= 3) conf += 0.3;
  else if (flips.flips === 2) conf += 0.25;
  else if (flips.flips === 1) conf += 0.15;
  if (patterns.length === 0 && productMostly && flips.flips === 0) conf -= 0.2;
  // Re-runs in the window only say *some* test was flaky. Credit them to a product-code change
  // only when its words are specific ("flaky test", "deflake") or a linked issue is labelled flaky.
  const ciCanBackProductChange = !productMostly || keyword?.aboutTests === true || label !== null;
  if (quarantineHits > 0) conf -= 0.15;
  const confidence = clamp(context ? conf : Math.min(conf, 0.3));
  // CI history can back up a fix in product code, but never turns a skip or a retry into a fix.
  const is =
    context && (patterns.length > 0 || (flips.flips > 0 && quarantineHits === 0 && ciCanBackProductChange)) && confidence >= cfg.thresholds.flakyMinConfidence;

  const quarantine = context && quarantineHits > 0 && !is;
  const quarantineConfidence = quarantine
    ? clamp(0.55 + (keyword?.strong || label ? 0.2 : 0.05) + (flips.flips > 0 ? 0.1 : 0) + (quarantineHits > 1 ? 0.05 : 0))
    : 0;

  // Evidence, in the order a reader needs it.
  if (keyword) evidence.push(`The ${keyword.where} mentions “${keyword.word}”.`);
  if (label) evidence.push(label);
  if (testFiles > 0) {
    evidence.push(testOnly ? `Touches only test code (${plural(testFiles, "file")}, ${plural(testLines, "line")}).` : `Touches test code (${plural(testFiles, "file")}, ${plural(testLines, "line")}).`);
  }
  for (const p of patterns) evidence.push(`In test code it ${p} (${patternFiles.slice(0, 3).join(", ")}).`);
  if (flips.check) {
    evidence.push(
      `“${flips.check}” failed and then passed on the same commit ${flips.flips === 1 ? "once" : `${flips.flips} times`} in the ${cfg.windows.ciDaysBefore} days before the change, counting pull-request branches (re-runs hiding a flaky failure).`,
    );
  }
  if (quarantineHits > 0) {
    const first = quarantineNotes.slice(0, 3).map((n) => quote(n, 90)).join("; ");
    if (context) {
      evidence.push(
        is
          ? `Also skips or retries something (${first}): that part hides flakiness rather than fixing it.`
          : `Skips, quarantines or retries instead of fixing (${first}): the flakiness is hidden, not removed — a trap until someone fixes the test.`,
      );
    } else {
      evidence.push(`Skips or retries a test (${first}) with no sign it was flaky: not counted as flaky-test work.`);
    }
  }
  if (timeoutOnly && !is) evidence.push("Only raises a timeout: a mitigation, not a fix.");
  if (context && !is && !quarantine) {
    if (patterns.length === 0 && flips.flips === 0) {
      const productFiles = files.filter((f) => f.kind === "other").map((f) => f.path);
      evidence.push(
        productFiles.length > 0 && testFiles === 0
          ? `Not a flaky-test fix: the word appears, but the change touches product code only (${productFiles.slice(0, 3).join(", ")}), with no test fix pattern and no CI re-runs.`
          : "Not a flaky-test fix: no fix pattern in test code and no CI re-runs before the change back up the words.",
      );
    } else {
      evidence.push(`Not enough evidence for a flaky-test fix (confidence ${Math.round(confidence * 100)}% < ${Math.round(cfg.thresholds.flakyMinConfidence * 100)}%).`);
    }
  }

  let outcome: CiOutcome | null = null;
  if (is) {
    if (flips.check && ci) {
      outcome = measureOutcome(ci.runs, flips.check, ci.mergedAt ?? null, ci.defaultBranch ?? null, cfg.windows.ciDaysBefore, cfg.windows.ciDaysAfter, cfg.thresholds.ciMinRunsAfter);
      evidence.push(outcome.sentence);
    } else {
      evidence.push("Outcome not measurable yet: no CI check is known to have flipped before the fix, so there is no failure rate to follow.");
    }
  }

  return {
    is,
    confidence: Math.round(confidence * 100) / 100,
    evidence,
    quarantine,
    quarantineConfidence: Math.round(quarantineConfidence * 100) / 100,
    patterns,
    check: flips.check,
    ciFlips: flips.flips,
    outcome,
  };
}

function clamp(n: number): number {
  return Math.min(0.98, Math.max(0, n));
}

/**
 * Why a change could be a flaky-test fix at all (a keyword or a label), or null. Without it no
 * diff can make it one, so collectors that pay for each diff (the backfill) ask this first.
 */
export function flakyFixContext(input: ChangeInput, c: CompiledConfig): string | null {
  const keyword = findKeyword(input, c);
  if (keyword) return `the ${keyword.where} mentions “${keyword.word}”`;
  return findFlakyLabel(input);
}

/** True when this file's diff could show a fix pattern, a skip, a retry or a quarantine entry. */
export function patchCanShowFlakyFix(file: Pick<ClassifiedFile, "path" | "kind">): boolean {
  return file.kind === "test" || file.kind === "ci-config" || TEST_RUNNER_CONFIG.test(file.path) || QUARANTINE_FILE.test(file.path);
}
