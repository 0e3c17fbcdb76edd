/**
 * What a diff shows about flaky tests: the fix families (a fixed sleep replaced by waiting on a
 * condition, a fake clock, isolated state, free ports, leaked resources closed, order
 * dependence removed, synchronisation) and the mitigations (skips, reruns and retries, longer
 * timeouts, retuned sleeps, fewer workers or iterations, commented-out assertions), in Go, Java,
 * Kotlin, Python, JS/TS, Ruby and C#. Each signal is named so that a tag can say what matched.
 */

export function added(source: string): RegExp {
  return new RegExp(`^\\+(?!\\+\\+ )[^\\n]*?(?:${source})`, "mi");
}
export function removed(source: string): RegExp {
  return new RegExp(`^-(?!-- )[^\\n]*?(?:${source})`, "mi");
}

const SLEEP = String.raw`\bsleep\s*\(|\btime\.sleep\(|\bThread\.sleep\(|\btime\.Sleep\(|thread::sleep|Task\.Delay\(|\bdelay\(\s*\d|\bsetTimeout\(\s*(?:resolve|res|r|done)\b|waitForTimeout\(|cy\.wait\(\s*\d|\busleep\(|\bsleep\s+\d|\bSleep\(\s*\d|\bawait\s+(?:sleep|delay|wait)\(\s*\d|asyncio\.sleep\(\s*\d|TimeUnit\.\w+\.sleep\(|SystemClock\.sleep`;
const WAIT = String.raw`\bwaitFor\w*\(|\bwait_for\w*\(|\bwaitUntil\(|\bwait_until\(|expect\.poll\(|\beventually\b|\bEventually(?:WithT)?\(|assert_eventually|Awaitility|\bawait\(\)\s*\.|\.untilAsserted\(|\bpoll(?:Until|_until|ing)?\s*\(|retry_until|\.Wait\(\)|CountDownLatch|\blatch\.await\(|\.await\(\s*\d|awaitTermination|\.toPass\(|waitForSelector|waitForResponse|waitForEvent|waitForURL|\bfindBy\w+\(|\bwait\.until|WebDriverWait|\bassertEventually|\bEvent\(\)|\.wait\(\)|asyncio\.Event|threading\.Event|\bcase\s+<-\s*\w|<-\s*(?:ctx\.Done|done|ch|\w+Ch)\b|\.Receive\(ctx\)|TaskCompletionSource|ManualResetEvent|SemaphoreSlim|\bCyclicBarrier\b|\bPhaser\b|\.get\(\s*\d+\s*,\s*(?:TimeUnit|SECONDS|MILLISECONDS)|wait_for_callable|\buntil\s*\{|\bwait_until\b|\.join\(\s*\d|vi\.waitFor|vi\.waitUntil|waitForExpect|\bretryUntil|requestAnimationFrame|\bwaitForFunction\(|closeFuture\(\)|\.syncUninterruptibly\(|\.awaitUninterruptibly\(|\w[Ll]atch\w*\.await\(|\bonce\(\s*\w+\s*,\s*["'\x60]|\.once\(\s*["'\x60]|<-\s*[\w.]+(?:\(\))?\s*$|\bselect\s*\{|\bwait_for_\w+|\bawait\s+[\w.]+\.(?:closed|ready|finished|done|whenReady)\b`;
const SEED = String.raw`\b(?:random\.)?seed\s*\(\s*\w|\bsetSeed\(|rand\.Seed\(|rand\.NewSource\(\s*\d|np\.random\.seed|torch\.manual_seed|faker\.seed|Faker\.seed|seed_from_u64|new Random\(\s*\d|--seed[= ]\d|\bSEED\s*[:=]\s*\d|\bsrand\(\s*\d`;
const CLOCK = String.raw`useFakeTimers|setSystemTime|freeze_?time|freezegun|time_machine|Timecop\.freeze|travel_to\(|Clock\.fixed|NewFakeClock|clock\.NewMock|FakeClock|fakeclock|MockClock|TestClock|clockwork\.|mockdate|MockDate|advanceTimersByTime|runAllTimers|faketime|TestScheduler|\bsynctest\.|FakeTimeProvider|TimeProvider|TestCoroutineScheduler|advanceTimeBy|StandardTestDispatcher|time\.monotonic\(|System\.nanoTime\(|Stopwatch\.|Process\.clock_gettime\(Process::CLOCK_MONOTONIC`;
const PORT = String.raw`\blisten\(\s*0\b|\bport\s*[:=]\s*0\b|:0["'\x60]|getFreePort|get_free_port|find_free_port|findFreePort|\bfreeport\b|get-port|portfinder|ServerSocket\(\s*0\s*\)|127\.0\.0\.1:0\b|localhost:0\b|ephemeral port|findAvailableTcpPort|unused_port|unused_tcp_port|unusedPort|availablePort|\bFreePort\b|InetSocketAddress\(\s*0\s*\)|InetSocketAddress\([^)\n]*,\s*0\s*\)|bind\(\(\s*["'][^"'\n]*["']\s*,\s*0\s*\)\)|\.localAddress\(\)|\.make_url\(`;
const ISOLATE = String.raw`\bt\.TempDir\(|\bmkdtemp|tmp_path|tmpdir|TemporaryDirectory|tempfile\.|Files\.createTemp|@TempDir|createTempDir|Dir\.mktmpdir|randomUUID\(|uuid4\(|uuid\.New\(|Guid\.NewGuid|SecureRandom\.hex|\bunique\w*\(|forkEvery|forkCount|reuseForks|@DirtiesContext|@Isolated\b|NonParallelizable|@ResourceLock|@Execution\(|isolate\s*:|fileParallelism|singleThread|MaxPoolSize\s*=\s*1\b|FakeFileSystem|InMemory\w*\(|monkeypatch\.|\bt\.Setenv\(|@SetEnvironmentVariable|resetModules|BeforeTest\(|\bcopy\w*Fixture|\bfreshFixture|\bnew\w*Container\(|per[-_ ]test`;
const CLEANUP = String.raw`\bafterEach\(|\bbeforeEach\(|\bafterAll\(|\btearDown\b|\bt\.Cleanup\(|@AfterEach|@BeforeEach|@After\b|\baddCleanup\(|restoreAllMocks|resetAllMocks|clearAllMocks|DatabaseCleaner|\bdefer\b[^\n]*(?:Close|Stop|Cleanup|Shutdown|Cancel)\(|\.close\(\)|\.Close\(\)|\.aclose\(\)|\.release\(\)|\.dispose\(\)|\.Dispose\(\)|\bawait using\b|\busing var\b|\busing \(|\.shutdown\w*\(|\.Shutdown\(|\.stop\(\)|\.Stop\(\)|\bensure\b|\bfinally\b|\.use\s*\{|closeAll|after\s*(?:do|\{)|\bteardown\b`;
/** A real network call (HTTP, DNS) in a test: replacing it with a fake or a direct call removes timing on the network. */
const REAL_NETWORK = String.raw`\bhttptest\.NewServer\(|\bhttp\.(?:Get|Post|Head)\(|\brequests\.(?:get|post|head)\(|\burlopen\(|\bHttpClient\.newHttpClient\(|\bfetch\(\s*["'\x60]https?:|https?:\/\/(?:www\.)?example\.(?:com|org)|\bnet\.LookupHost\(|\bgetaddrinfo\(|\bsocket\.gethostbyname\(|\bInetAddress\.getByName\(|\bDns\.GetHostAddresses`;
const NETWORK_FAKE = String.raw`\bnock\(|\bmsw\b|\bsetupServer\(|\brespx\b|\bresponses\.add\(|\bMockWebServer\b|\bWireMock\w*|\bMockEngine\b|\bhttptest\.NewRecorder\(|\bFake\w*(?:Client|Server|Resolver|Transport|Dns|DNS)\b|\bMock\w*(?:Resolver|Transport|HttpMessageHandler)\b|\bwebmock\b|\bstub_request\(|\bVCR\.|\baioresponses\b`;
const ORDER = String.raw`\bsort(?:ed|By|_by)?\(|\.sort\(|ORDER BY|arrayContaining|assertCountEqual|ElementsMatch|containsInAnyOrder|containsExactlyInAnyOrder|toIncludeSameMembers|match_array|contain_exactly|unordered|any_order\s*=\s*True|Is\.EquivalentTo|AreEquivalent|\.FirstOrDefault\(\s*\w+\s*=>|\bcmpopts\.SortSlices|\bsameElements|\bhasSameElementsAs`;
const SYNC = String.raw`\bMutex\b|\bRWMutex\b|\bsynchronized\b|\bsynchronize\b|\bWaitGroup\b|\bSemaphore\b|\bsync\.Once\b|\bAtomic(?:Integer|Boolean|Long|Reference)\b|\batomic\.\w+|asyncio\.Lock|threading\.(?:Lock|Event)|\bawait\s+Promise\.all\(|\.R?Lock\(\)|\.lock\(\)|Mutex\.new|Thread::Queue|\bQueue\.new\b|ConcurrentHashMap|ConcurrentLinkedQueue|CopyOnWriteArrayList|\bInterlocked\.|\bvolatile\b|make\(chan\b|chan struct\{\}|eventLoop\(\)\.(?:execute|submit)|\.executor\(\)\.(?:execute|submit)|\binEventLoop\(|runOnUiThread|\bMonitor\.Enter`;
const SKIP = String.raw`\b(?:it|test|describe|context|suite|specify)\.(?:skip|skipIf|todo|fixme)\b|\bx(?:it|test|describe|context|specify)\s*\(|@pytest\.mark\.(?:skip|skipif|xfail)\b|@unittest\.skip|\bpytest\.(?:skip|xfail)\(|\bt\.Skip(?:f|Now)?\(|@Disabled\w*\b|@Ignore\b|\[Ignore\b|Skip\s*=\s*"|#\[ignore\]|(?<=^\+\s*)(?:skip|pending)\s*(?:\(|["'])|\.skip\(\)|\btest\.fail\(|\bquarantine|\bAssume\.|\bassume\w*\(|\bIgnore\s*=\s*"|\[Explicit\b|\bskip_if\b|\bskip\s+(?:if|unless)\b|\btest\.slow\(|\bit\.slow\(`;
const RETRY = String.raw`\bretry:\s*\d|\bretries:\s*\d|\bretries\s*[:=]\s*\d|--retries\b|--retry\b|--reruns\b|retryTimes\(|this\.retries\(|pytest-rerunfailures|@pytest\.mark\.flaky|@flaky\b|\bflaky\s*\(|rerunFailingTestsCount|@Retry\b|@RetryingTest|retry_on_failure|nick-fields/retry|wretry|rspec-retry|\bretry\s*\(\s*\d|--rerun-fails|max_attempts\s*[:=]|maxRetries\s*[:=]\s*\d|rerun_failures|\breruns\s*[:=]\s*\d|reruns_delay|@RepeatedIfExceptionsTest|\bRetryRule\b|\[Retry\(`;
const TIMEOUT = String.raw`\btimeout\s*[:=(]\s*\d|setTimeout\(\s*\d{4,}|jest\.setTimeout|vi\.setConfig\(\{\s*testTimeout|@Timeout|mark\.timeout|-timeout[= ]\d|\b(?:test|hook)Timeout\s*[:=]\s*\d|timeout-minutes\s*:\s*\d|timeout_minutes\s*:\s*\d`;
/** Words of a line whose numbers are timing or load: retuning them is a mitigation. */
const TUNABLE = /timeout|deadline|wait|sleep|delay|duration|interval|seconds?\b|millis|\bms\b|minutes?\b|\b\d+\s*\*\s*time\.|time\.(?:Second|Millisecond|Minute)|Duration|ofSeconds|ofMillis|atMost|TimeUnit|workers?|parallel|concurren|iterations?|attempts?|repeat|threads?|clients?|count\b|times\b|\b\w+\s*<=?\s*\d/i;
/** A time bound or a comparison against a number: retuning it loosens what is checked. */
const TIME_BOUND = /[<>]=?\s*[\d(]|\bstart\b|Time\.now|time\.(?:time|monotonic|perf_counter)\(|Date\.now|System\.(?:currentTimeMillis|nanoTime)|Stopwatch|\bSince\(|\b(?:Less|Greater)\w*\(|\btoBe(?:Less|Greater)Than\w*\(|timeout|deadline|seconds?\b|millis|\bms\b|duration|elapsed|time\.(?:Second|Millisecond)|within\(|atMost|Duration\.|ofSeconds|ofMillis/i;
const EQUALITY = /[!=]=|\b(?:assert_?[Ee]qual\w*|assertEquals|Equal\w*|toBe|toEqual|isEqualTo|eq|AreEqual)\b/;
const INEQUALITY = /(?:^|[^-=<>])[<>]=?(?![-=>])|\b(?:assert_?(?:Less|Greater)\w*|(?:Less|Greater)\w*|toBe(?:Less|Greater)Than\w*|isLessThan\w*|isGreaterThan\w*|isBetween|isCloseTo|toBeCloseTo|assertAlmostEqual|InDelta|InEpsilon|be_within|assert_in_delta|be\s*[<>]=?)\b/;
const IDENTIFIER = /^[A-Za-z_][\w.]*$/;
const ADDED_LOOP = /^\+[^\n]*\b(?:while|until|loop|for\s*\(|for\s+\w+\s*(?::=|in|of)|\.times\b|repeat\s*\()/m;
const ASSERTION = /\b(?:assert\w*|expect\w*|require\.\w+|should|must|verify|check\w*|Equal\w*|toBe\w*|isEqualTo|Is\.\w+|Assert\.\w+)\b/;
const COMMENTED_ASSERT = /^\+\s*(?:\/\/|#)\s*(?:[\w.]*\.)?(?:assert\w*|Assert\w*|expect|require\.\w+|verify|XCTAssert\w*)\s*[(!]/m;

export const ADDED_WAIT = added(WAIT);
export const REMOVED_SLEEP = removed(SLEEP);
export const ADDED_SLEEP = added(SLEEP);
export const ADDED_SKIP = added(SKIP);
export const REMOVED_SKIP = removed(SKIP);
export const ADDED_RETRY = added(RETRY);
export const ADDED_TIMEOUT = added(TIMEOUT);
const ADDED_SEED = added(SEED);
const ADDED_CLOCK = added(CLOCK);
const ADDED_PORT = added(PORT);
const ADDED_ISOLATE = added(ISOLATE);
const ADDED_CLEANUP = added(CLEANUP);
const ADDED_ORDER = added(ORDER);
const ADDED_SYNC = added(SYNC);
const ADDED_REAL_NETWORK = added(REAL_NETWORK);
const REMOVED_REAL_NETWORK = removed(REAL_NETWORK);
const ADDED_NETWORK_FAKE = added(NETWORK_FAKE);
/** A declaration at the top level of a file (a shared global): Go/JS/Kotlin var, Java static, Python or Ruby module constant. */
const TOP_LEVEL_DECLARATION = /^-(?:var|let|val|const)\s+(\w+)\b[^\n]*=|^-\s{0,4}(?:private\s+|protected\s+|public\s+)?static\s+(?!final\b)(?:[\w<>,[\]]+\s+)+(\w+)\s*[=;]|^-([A-Za-z_]\w*)\s*=[^=]/gm;

/** Names of shared globals the diff removes and then declares inside a test or setup instead. */
export function globalMadePerTest(patch: string): string | null {
  for (const m of patch.matchAll(TOP_LEVEL_DECLARATION)) {
    const name = m[1] ?? m[2] ?? m[3];
    if (!name || name.length < 2) continue;
    const local = new RegExp(`^\\+[ \\t]+(?:(?:var|let|val|const|final|auto)\\s+)?(?:[\\w<>,\\[\\]]+\\s+)?${name}\\s*(?::=|=[^=])`, "m");
    if (local.test(patch)) return name;
  }
  return null;
}

export const FIX_PATTERNS: readonly { key: string; name: string; test: (patch: string) => boolean }[] = [
  { key: "sleepToWait", name: "replaces a fixed sleep with waiting/polling for a condition", test: (p) => REMOVED_SLEEP.test(p) && ADDED_WAIT.test(p) },
  { key: "wait", name: "waits/polls for a condition instead of assuming timing", test: (p) => !REMOVED_SLEEP.test(p) && ADDED_WAIT.test(p) },
  { key: "seed", name: "fixes the random seed", test: (p) => ADDED_SEED.test(p) },
  { key: "clock", name: "freezes or fakes the clock", test: (p) => ADDED_CLOCK.test(p) },
  { key: "port", name: "uses an ephemeral port instead of a fixed one", test: (p) => ADDED_PORT.test(p) },
  { key: "isolate", name: "isolates shared state (per-test directories, names, processes or pools)", test: (p) => ADDED_ISOLATE.test(p) },
  { key: "cleanup", name: "adds cleanup/isolation between tests", test: (p) => ADDED_CLEANUP.test(p) },
  { key: "order", name: "makes ordering deterministic", test: (p) => ADDED_ORDER.test(p) },
  { key: "sync", name: "adds synchronisation", test: (p) => ADDED_SYNC.test(p) },
  { key: "network", name: "replaces a real network call with a fake or a direct call", test: (p) => (REMOVED_REAL_NETWORK.test(p) && !ADDED_REAL_NETWORK.test(p)) || ADDED_NETWORK_FAKE.test(p) },
  { key: "perTestState", name: "gives each test its own copy of state that was shared between tests", test: (p) => globalMadePerTest(p) !== null },
  { key: "reenable", name: "re-enables a skipped test", test: (p) => REMOVED_SKIP.test(p) && !ADDED_SKIP.test(p) },
];

const NUMBER = /\d+(?:[._]\d+)*/g;
function numbersOf(line: string): number[] {
  return (line.match(NUMBER) ?? []).map((n) => Number(n.replace(/_/g, "")));
}

/**
 * Lines whose only change is a number on a timing or load line ("timeout 2s → 3s", "workers 4 →
 * 3", "Sleep(100) → Sleep(300)"): a retune, the shape of a mitigation. Returns the first one.
 */
export function retunedNumber(patch: string, anyLine = false): string | null {
  for (const [a, b] of replacedLines(patch)) {
    if (a === b || a.replace(NUMBER, "#") !== b.replace(NUMBER, "#")) continue;
    // In test code any number outside an assertion is a knob of the test (requests sent, rounds,
    // delays); elsewhere only numbers on timing or load lines are. Numbers inside an assertion
    // are expected values, except a time bound ("elapsed < 5").
    if (anyLine ? ASSERTION.test(b) && !TIME_BOUND.test(b) : !TUNABLE.test(b)) continue;
    const na = numbersOf(a);
    const nb = numbersOf(b);
    if (na.length !== nb.length || na.every((n, k) => n === nb[k])) continue;
    return b.length > 60 ? `${b.slice(0, 59)}…` : b;
  }
  return null;
}

/** Each removed line with each added line of the same change block (up to 8 lines on), in order. */
function replacedLines(patch: string): [string, string][] {
  const out: [string, string][] = [];
  const lines = patch.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const minus = lines[i]!;
    if (!minus.startsWith("-") || minus.startsWith("---")) continue;
    for (let j = i + 1; j < lines.length && j <= i + 8; j++) {
      const plus = lines[j]!;
      if (plus.startsWith(" ") || plus.startsWith("@@")) break;
      if (plus.startsWith("+") && !plus.startsWith("+++")) out.push([minus.slice(1).trim(), plus.slice(1).trim()]);
    }
  }
  return out;
}

/** What two lines differ in: the middle of each once their common start and end are cut off. */
function differingMiddles(a: string, b: string): [string, string] {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  // Whole tokens: back to the start of the word or number.
  while (i > 0 && /\w/.test(a[i - 1]!)) i--;
  let j = 0;
  while (j < a.length - i && j < b.length - i && a[a.length - 1 - j] === b[b.length - 1 - j]) j++;
  while (j > 0 && /\w/.test(a[a.length - j]!)) j--;
  return [a.slice(i, a.length - j).trim(), b.slice(i, b.length - j).trim()];
}

/**
 * Retunes the number patterns miss, in test code: a sleep or timeout whose fixed value becomes a
 * named constant or a conditional ("sleep 1" → "sleep(jruby ? 3 : 1)"), and an exact assertion
 * loosened into a bound ("== 5" → "<= 5"). Returns the changed line, or null.
 */
export function loosenedIn(patch: string): LooseHit | null {
  for (const [a, b] of replacedLines(patch)) {
    const hit = loosenedPair(a, b, patch);
    if (hit) return hit;
  }
  return null;
}

type LooseHit = { kind: "retune" | "sleep" | "loosen"; note: string };
const SLEEP_RE = new RegExp(SLEEP);
const TIMEOUT_RE = new RegExp(TIMEOUT, "i");
const WAIT_RE = new RegExp(WAIT);
/** A check in test code: an assertion, or a Go-style "if got != want" guard. */
const CHECK = /^if\b|^\}?\s*else if\b|^unless\b/;

/** One removed line and its replacement: see loosenedIn. `patch` is searched for a constant's declaration. */
export function loosenedPair(a: string, b: string, patch: string): LooseHit | null {
  if (a === b) return null;
  const clip = (t: string) => (t.length > 60 ? `${t.slice(0, 59)}…` : t);
  const [ma, mb] = differingMiddles(a, b);
  if (ma === "" || mb === "") return null;
  const timing = SLEEP_RE.test(a) || TIMEOUT_RE.test(a) || TUNABLE.test(a);
  // A number put under a condition or a factor on a sleep or timeout line: a retune for some runs.
  if (timing && /\d/.test(ma) && /\d/.test(mb) && (SLEEP_RE.test(b) || TIMEOUT_RE.test(b)) && /[?:]|\bif\b|\bunless\b|\*/.test(mb) && !WAIT_RE.test(b) && !/\b(?:until|while)\b/.test(b)) {
    return { kind: SLEEP_RE.test(b) ? "sleep" : "retune", note: clip(b) };
  }
  // A number moved into a named constant declared (with a number) in the same change.
  if (timing && /^\d+(?:[._]\d+)*\s*(?:\*\s*[\w.]+)?$/.test(ma) && IDENTIFIER.test(mb)) {
    const declared = new RegExp(`^\\+[^\\n]*\\b${mb.replace(/\./g, "\\.")}\\s*(?::=|=)[^\\n]*\\d`, "m");
    if (declared.test(patch)) return { kind: "retune", note: clip(b) };
  }
  // An exact check turned into a bound.
  const check = (t: string) => ASSERTION.test(t) || CHECK.test(t);
  if (check(a) && check(b) && EQUALITY.test(ma) && !INEQUALITY.test(ma) && INEQUALITY.test(mb) && !/\bnil\b|\bnull\b|\bNone\b/.test(mb)) {
    return { kind: "loosen", note: clip(b) };
  }
  return null;
}

export interface MitigationHit {
  kind: "skip" | "retry" | "timeout" | "sleep" | "retune" | "assertion" | "loosen";
  note: string;
}

function firstLine(re: RegExp, patch: string): string {
  const m = re.exec(patch);
  if (!m) return "";
  const start = patch.lastIndexOf("\n", m.index) + 1;
  const end = patch.indexOf("\n", m.index);
  const line = patch.slice(start + 1, end === -1 ? patch.length : end).trim();
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

/** Mitigation shapes in one test (or test-runner / CI) file's diff. */
export function mitigationsIn(patch: string, testFile: boolean): MitigationHit[] {
  const out: MitigationHit[] = [];
  if (testFile && ADDED_SKIP.test(patch)) out.push({ kind: "skip", note: firstLine(ADDED_SKIP, patch) });
  if (ADDED_RETRY.test(patch)) out.push({ kind: "retry", note: firstLine(ADDED_RETRY, patch) });
  const retune = retunedNumber(patch, testFile);
  if (retune) out.push({ kind: "retune", note: retune });
  else if (ADDED_TIMEOUT.test(patch)) out.push({ kind: "timeout", note: firstLine(ADDED_TIMEOUT, patch) });
  // A sleep added on its own; not the interval of a polling loop or helper it adds.
  if (testFile && ADDED_SLEEP.test(patch) && !REMOVED_SLEEP.test(patch) && !ADDED_WAIT.test(patch) && !ADDED_LOOP.test(patch) && !/^@@ -0,0 /.test(patch)) {
    out.push({ kind: "sleep", note: firstLine(ADDED_SLEEP, patch) });
  }
  if (testFile && COMMENTED_ASSERT.test(patch)) out.push({ kind: "assertion", note: firstLine(COMMENTED_ASSERT, patch) });
  if (testFile && !retune) {
    const loose = loosenedIn(patch);
    if (loose) out.push(loose);
  }
  return out;
}

/** Paths of test helpers that the test globs miss (testutils, fixtures, conftest, e2e harnesses). */
export const TEST_HELPER_PATH =
  /(?:^|\/)(?:tests?|testing|testutils?|test_?utils|testdata|testhelpers?|fixtures?|e2e|integration|spec|__tests__|t)\/|(?:^|\/)(?:conftest\.py|[^/]*(?:_test|Test|Tests|_spec|\.test|\.spec|TestBase|TestUtils?|Testing)\.\w+)$/;

/** What a title or message says the change does about flakiness. */
export const FIX_VERB =
  /\b(?:fix(?:e[sd])?|fixing|de-?flake\w*|un-?flake\w*|stabili[sz]e[sd]?|stabili[sz]ing|avoid(?:s|ed)?|prevent(?:s|ed)?|resolve[sd]?|address(?:es|ed)?|eliminate[sd]?|remove[sd]?|harden\w*|robust|reliabl[ey]|deterministic(?:ally)?|minimi[sz]e[sd]?|repair\w*|correct(?:s|ed)?|solve[sd]?|cure[sd]?|tolerat\w*\s+(?:\S+\s+){0,3}(?:re-?)?order\w*|(?:wait|poll)\w*\s+(?:for|until|on)\b)\b/i;
/** A mitigation said in words: skip, disable, retry, more time, fewer workers, relaxed checks. */
export const MITIGATION_WORDS =
  /\b(?:skip(?:s|ped|ping)?|disabl(?:e[sd]?|ing)|ignor(?:e[sd]?|ing)|quarantin\w*|xfail\w*|mark(?:s|ed)?\s+(?:\w+\s+){0,3}(?:as\s+)?flak\w*|re-?tr(?:y|ies|ied|ying)|re-?run\w*|relax\w*|loosen\w*|(?:toleran\w*|tolerat\w*|accept\w*|allow\w*|ignor\w*|catch\w*)\s+(?:\S+\s+){0,3}(?:errors?|exceptions?|failures?|timeouts?|responses?)|(?:increas|rais|bump|doubl|extend|lengthen|tweak|adjust|tun)\w*\s+(?:\S+\s+){0,4}(?:timeouts?|deadlines?|time\s*limits?|wait\w*|delays?|sleeps?|timings?)|(?:timeouts?|deadlines?|time\s*limits?)\s+(?:\w+\s+){0,2}(?:increas\w*|rais\w*|bump\w*|doubl\w*|extend\w*)|(?:longer|bigger|larger|more generous|more lenient|generous)\s+(?:\w+\s+){0,2}(?:timeouts?|deadlines?|waits?|time)|more time|(?:reduc|lower|decreas)\w*\s+(?:\w+\s+){0,3}(?:workers?|parallelism|concurrency|iterations?|frequency|clients?|threads?|load)|fewer\s+\w+|(?:don'?t|do not|not)\s+run\s+(?:\w+\s+){0,2}(?:in\s+)?parallel|run\s+(?:\w+\s+){0,3}(?:serially|sequentially))\b/i;

/** The patch without the lines of number-only retunes (their removed and added halves). */
export function withoutRetunes(patch: string): string {
  if (!retunedNumber(patch) && !loosenedIn(patch)) return patch;
  const lines = patch.split("\n");
  const drop = retuneLines(lines, patch);
  return lines.filter((_, k) => !drop.has(k)).join("\n");
}

/**
 * The indexes of the lines of number-only retunes and loosened checks in a patch split into
 * `lines`: each removed line with the first added line of its block (up to 8 lines on) that
 * differs from it only so. `anyLine` reads numbers on any line outside an assertion as knobs (test
 * code), as retunedNumber does.
 */
export function retuneLines(lines: readonly string[], patch: string, anyLine = false): Set<number> {
  const drop = new Set<number>();
  for (let i = 0; i < lines.length; i++) {
    const minus = lines[i]!;
    if (!minus.startsWith("-")) continue;
    for (let j = i + 1; j < lines.length && j <= i + 8; j++) {
      const plus = lines[j]!;
      if (plus.startsWith(" ") || plus.startsWith("@@")) break;
      if (plus.startsWith("+") && !drop.has(j) && (retunedNumber(`${minus}\n${plus}`, anyLine) || loosenedPair(minus.slice(1).trim(), plus.slice(1).trim(), patch))) {
        drop.add(i);
        drop.add(j);
        break;
      }
    }
  }
  return drop;
}
