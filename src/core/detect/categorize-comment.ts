/**
 * Categorises one review comment by what it says (not by how long it is).
 * Regexes run on the comment's prose: code blocks, suggestions and quoted
 * replies are removed first, so identifiers like `null` in code never count.
 */
import type { CommentCategory } from "../model.js";
import { matchState, NO_MATCH, normaliseText, prose, UNNEGATED, wordCount, type UnitText } from "./text.js";
import {
  ALL_CANDIDATES,
  candidateRegexes,
  DEFECT_BIT,
  DESIGN_BIT,
  KNOWLEDGE_BIT,
  NIT_WORDS_BIT,
  PERFORMANCE_BIT,
  SECURITY_BIT,
  TEST_GAP_BIT,
  VERIFICATION_BIT,
} from "./finding-prefilter.js";

/** The reviewer labelled it themselves: "nit:", "minor:", "style:", "optional:", "(nit)". */
export const NIT_PREFIX = /^\s*(?:\*\*|_)?\(?(?:nit(?:pick)?s?|minor|style|optional|cosmetic|non-?blocking|tiny|super nit)\b\)?/i;

export const SECURITY = new RegExp(
  [
    "\\b(?:sql|command|shell|ldap|header|log|template) injection\\b",
    "\\binjection\\b",
    "\\b(?:xss|csrf|ssrf|xxe|rce|idor)\\b",
    "\\bcross[- ]site\\b",
    "\\bremote code execution\\b",
    "\\b(?:path|directory) traversal\\b",
    "\\bopen redirect\\b",
    "\\b(?:secrets?|credentials?|passwords?|api[ _-]?keys?|private keys?|access tokens?|auth tokens?|bearer tokens?|session tokens?)\\b",
    "\\b(?:unauthori[sz]ed|authori[sz]ation|authenticat\\w*|privilege\\w*|permission checks?|access control)\\b",
    "\\b(?:saniti[sz]\\w*|unescaped|unsanitized|unvalidated|untrusted)\\b",
    "\\b(?:vulnerab\\w*|exploit\\w*|cve-\\d+|attacker\\w*|malicious)\\b",
    "\\b(?:pii|personal data|gdpr|plain ?text (?:password|secret|token)s?)\\b",
    "\\b(?:timing attack|constant[- ]time compar\\w*|insecure|deseriali[sz]\\w* of untrusted)\\b",
    "\\bleak\\w* (?:the |a |an |our )?(?:token|secret|key|password|credential|pii|email|user data)",
  ].join("|"),
  "i",
);

export const DEFECT = new RegExp(
  [
    "\\b(?:bug|buggy|broken|crash\\w*|panic\\w*|segfault\\w*|regression(?! tests?)|deadlock\\w*|livelock|data race|race condition|racy|races? with)\\b",
    "\\b(?:will|would|could|might|may|can) (?:break|crash|fail|throw|panic|hang|loop forever|double[- ]\\w+|lose|corrupt|overflow|deadlock)\\b",
    "\\b(?:breaks|throws|fails) (?:when|if|for|on|because|with)\\b",
    "\\b(?:can|could|may|might|will|would) (?:be|return|end up) (?:null|nil|undefined|none|empty|negative|zero|nan|stale)\\b",
    "\\b(?:null|nil) (?:pointer|dereference|deref|check)\\b",
    "\\b(?:npe|nullpointerexception|typeerror|keyerror|indexerror|attributeerror|unhandled rejection|unhandled exception|uncaught)\\b",
    "\\boff[- ]by[- ]one\\b",
    "\\binfinite (?:loop|recursion)\\b",
    "\\b(?:memory|connection|file handle|resource|goroutine) leak\\w*\\b",
    "\\bnever (?:be )?(?:called|reached|returns?|resolves?|closed|released|freed|cleaned up|runs?)\\b",
    "\\balways (?:true|false|null|undefined|empty|zero|returns? (?:true|false|null|early))\\b",
    "\\b(?:wrong|incorrect\\w*|inverted|backwards) (?:condition|comparison|check|result|value|order|sign|operator|type|unit|timezone|offset|index|key)\\b",
    "\\b(?:this|that|it) is (?:wrong|incorrect|not correct|inverted)\\b",
    "\\b(?:does ?n[o']?t|does not|doesn't|isn't|is not|aren't|are not) (?:handled?|handle|handling|escaped|awaited|closed|released|checked|thread[- ]safe|idempotent|atomic)\\b",
    "\\b(?:unhandled|not handled|missing await|not awaited|forgot (?:to|the)|missing (?:return|break|null check|error handling|rollback|lock))\\b",
    "\\b(?:edge|corner) case\\b",
    "\\b(?:double[- ](?:charge|count\\w*|free|submit\\w*|send\\w*|spend)|data loss|lose data|loses data|silently (?:drops?|ignores?|fails?|swallows?)|swallows? (?:the )?(?:error|exception))\\b",
    "\\b(?:overflows?|underflows?|truncat\\w*|precision loss|rounding error)\\b",
    "\\b(?:won'?t|doesn'?t|does not|will not) work\\b",
    "\\b(?:not |non-)(?:thread[- ]safe|idempotent|atomic|reentrant)\\b",
    // Concurrency, named the way reviewers name it: "a read-modify-write race", "There's also a race:".
    "\\b(?:read[- ]modify[- ]write|check[- ]then[- ]act|toctou|time[- ]of[- ]check|lost[- ]update|last[- ]write[- ]wins)\\b",
    "\\b(?:a|the|this|that|classic|another|also a|subtle) races?\\b|\\brace\\s*[:—–-]",
    "\\b(?:needs?|have|has) to be atomic\\b|\\bneeds? (?:a |an )?(?:lock|mutex)\\b",
    // Transactions and integrity: "These writes aren't in a transaction", "needs a unique index".
    "\\b(?:not|aren'?t|isn'?t|outside (?:of )?)\\s*(?:in|inside|within|wrapped in|part of)?\\s*(?:a|the|one|any) transaction\\b|\\bno transaction\\b",
    "\\b(?:in|into|inside) (?:one|a single|the same) transaction\\b|\\balready committed\\b",
    "\\b(?:needs?|requires?|missing|without|no) (?:a |an )?unique (?:index|constraint|key)\\b",
    "\\b(?:throws|fails|crashes|dies) (?:halfway|midway|part[- ]?way|in the middle)\\b",
    // Behaviour that is wrong for a case the change forgot.
    "\\bmiss(?:es|ing)? the (?:\\w+ )?case\\b|\\b(?:can'?t|cannot|doesn'?t|does not) (?:tell|distinguish)\\b",
    "\\b(?:value|field|column|result|response|row|it) (?:is|can be|could be|may be|might be) (?:null|nil|undefined|none|missing)\\b",
    "\\b(?:shows?|returns?|gets?|produces?|creates?) (?:\\w+ ){0,2}duplicates?\\b|\\b(?:pay|paid|charge|charged|refund\\w*|send|sent|bill\\w*|process\\w*|fire|fires|deliver\\w*|apply|applies|execut\\w*) (?:\\w+ ){0,2}twice\\b",
    "\\bsilently (?:disagrees?|diverges?|drifts?|breaks?|loses?|skips?|overwrites?|corrupts?|returns?)\\b",
    "\\b(?:caught and swallowed|swallow(?:s|ed|ing) (?:it|errors?|exceptions?|failures?))\\b|\\b(?:works|holds) (?:only )?until\\b|\\berrors? out\\b",
  ].join("|"),
  "i",
);

export const PERFORMANCE = new RegExp(
  [
    "\\b(?:performance|perf|slow\\w*|latency|throughput|quadratic|exponential|bottleneck|expensive|hot (?:path|loop)|tight loop|unbounded)\\b",
    "\\bo\\(n\\s*(?:\\^\\s*2|²|\\*\\s*[nm]|log n)\\)",
    "\\bn\\s?\\+\\s?1\\b",
    "\\b(?:full|seq(?:uential)?) (?:table )?scan\\b|\\btable scan\\b",
    "\\b(?:missing|add an?|needs? an?|without an?) index\\b",
    "\\b(?:allocat\\w*|memory (?:usage|footprint|pressure)|gc pressure|heap)\\b",
    // A suggestion to cache, not any mention of a cache ("the cache would disagree" is about correctness).
    "\\b(?:cache|memoi[sz]e) (?:this|that|it|these|them|the (?:result|response|lookup|query|value)s?)\\b|\\b(?:add|use|needs?|could use|without) (?:a |an )?(?:cache|caching)\\b|\\buncached\\b|\\bmemoi[sz]\\w*|\\bbatch(?:ing|ed)? (?:the|these|them|calls|queries|requests)\\b",
    "\\b\\d+(?:[.,]\\d+)?\\s?(?:req(?:uest)?s?|queries|calls|round ?trips|writes|reads)\\s?(?:/|per )\\s?(?:s|sec|second|min|minute)\\b|\\bround ?trips?\\b|\\badds up\\b",
    "\\bpoll(?:s|ed|ing)?\\b[^.\\n]{0,60}?\\bevery\\b|\\bselect only the columns\\b|\\bonly the columns you need\\b",
    "\\block(?:s|ing)? the (?:whole |entire )?(?:table|row|database|db)\\b|\\btable lock\\b",
    "\\bblock(?:s|ing)? the (?:event loop|main thread|ui thread)\\b",
    // Bounded gap (same clause), so a hostile body cannot make this quadratic.
    "\\b(?:every|each) (?:request|call|iteration|row|render)\\b[^.\\n]{0,80}?\\b(?:query|queries|fetch\\w*|call\\w*|allocat\\w*|re-?comput\\w*)\\b",
  ].join("|"),
  "i",
);

export const TEST_GAP = new RegExp(
  [
    "\\b(?:add|write|need|needs|missing|want) (?:a |an |some |another |more )?(?:unit |integration |regression |e2e |end-to-end |property[- ]based )?tests?\\b",
    "\\b(?:untested|test coverage|regression test|test case for|no tests?)\\b",
    "\\btests? (?:for|covering) (?:this|that|the)\\b",
    "\\b(?:can|could|should) we (?:add a |also )?test\\b",
    "\\b(?:isn'?t|not|is not|aren'?t) (?:covered|tested|exercised)\\b",
    "\\bcover (?:this|that|the) (?:case|path|branch|scenario)\\b",
  ].join("|"),
  "i",
);

/** Style, spelling and formatting remarks: nits unless a finding above also matched. */
export const NIT_WORDS = new RegExp(
  [
    "\\b(?:typos?|spelling|misspel\\w*|whitespace|indent\\w*|trailing (?:space|spaces|comma|newline|whitespace)|blank lines?|newline at end|semicolons?|formatting|prettier|gofmt|rustfmt|black|lint\\w*|eslint|rubocop)\\b",
    "\\b(?:camel ?case|snake_case|pascal ?case|capitali[sz]\\w*|punctuation|grammar|wording|phrasing)\\b",
    "\\b(?:rename|renaming|naming)\\b",
    "\\b(?:const instead of let|let instead of const|unused (?:import|variable)s?|import order|sort (?:the )?imports|extra (?:space|line|parens?|parentheses)|double quotes|single quotes)\\b",
  ].join("|"),
  "i",
);

export const DESIGN = new RegExp(
  [
    "\\b(?:abstraction|coupl\\w*|cohesion|separation of concerns|single responsibility|architecture|invariants?|state machine|source of truth|circular (?:dependency|import))\\b",
    "\\b(?:breaking change|backwards?[- ]compat\\w*|public api|api (?:design|surface|shape|contract)|contract|schema change|migration path)\\b",
    "\\bshould (?:live|belong|go|be) in (?:the |a )?\\w+",
    "\\b(?:move|extract|split|pull) (?:this|it|that|these) (?:out |up )?(?:to|into|in) (?:a |an |the )?(?:separate|shared|its own|helper|module|service|function|class|layer)\\b",
    "\\b(?:duplicat\\w* (?:logic|code|of)|reuse|re-use|existing (?:helper|util\\w*|function|module|service|method|abstraction))\\b",
    "\\b(?:over-?engineer\\w*|leaky abstraction|trade-?offs?|alternative approach|feature flag|one place|single place)\\b",
    "\\b(?:consider (?:using|moving|splitting|extracting|injecting)|would be cleaner|simpler (?:to|approach|way))\\b",
    "\\b(?:misleading|confusing) (?:name|api|interface|behaviou?r)\\b",
  ].join("|"),
  "i",
);

export const KNOWLEDGE = new RegExp(
  [
    "\\b(?:fyi|for context|some context|background:|historically|for (?:future|more) reference|heads up|gotcha|til|pro tip)\\b",
    "\\bthe reason (?:is|we|this|that|for)\\b",
    "\\bwe (?:used to|had|tried|decided|chose|learned|moved away|usually|always|use|prefer|validate|solve|handle|changed|switched|hit)\\b",
    "\\b(?:here'?s why|that'?s why|this is why|because of how|the way (?:we|this|it) works|under the hood|works by|is why we)\\b",
    "\\bsee (?:the |our )?(?:docs?|adr|runbook|rfc|guide|wiki|design doc|discussion|postmortem|incident)\\b",
    "\\b(?:convention|pattern we use|in this codebase|in this repo|idiomatic|keep in mind|note that|worth knowing)\\b",
  ].join("|"),
  "i",
);

/** An explanation needs a few words: "see the docs" alone explains nothing. */
const EXPLANATION_MIN_WORDS = 12;

export const QUESTION_START = /^\s*(?:why|how|what|should|could|can|is|does|do|are|would|will|when|where|which|shall|have|has|did|won't|isn't|doesn't)\b/i;

export const PRAISE = new RegExp(
  [
    "^\\W*(?:lgtm|ltgm|looks good|looks great|looks fine|look good|nice|great|awesome|amazing|ship ?it|love (?:it|this|that)|thanks|thank you|thx|ty|well done|good job|great job|good stuff|neat|cool|perfect|excellent|beautiful|clean|approved?|\\+1|yes|yep|agreed?|same)\\b",
    "^[\\s\\p{Extended_Pictographic}:+1!.👍🎉🚀❤️✅]*$",
  ].join("|"),
  "iu",
);

export interface CommentCategoryResult {
  category: CommentCategory;
  /** False when no pattern matched and the comment was filed as a minor remark by default. */
  recognised: boolean;
  words: number;
  /** The prose the category was read from (code removed). */
  text: string;
  /**
   * The comment explains something (context, the reason behind a convention, a pointer to
   * docs), whatever its category: a defect can be pointed out in a way that teaches.
   */
  explains: boolean;
  /** A security, defect, performance or test-gap finding not negated in its clause, whatever the category (a "nit:" prefix is a hint, not a verdict). */
  finding: boolean;
  /** Problem words that appear only negated ("there is no race here"). */
  negated: boolean;
  /** The reviewer marked it "nit:", "minor:", "optional:" … */
  nitPrefix: boolean;
  /** The normalised text (links, code and quotes set aside) the model reads. */
  norm: UnitText;
  /** Which category regexes could match `text` at all (finding-prefilter.ts bits). */
  candidates: number;
}

/** Below this many words a "nit:" remark is not read for a finding behind it. */
const NIT_FINDING_MIN_WORDS = 6;

const FINDING_PATTERNS: readonly [CommentCategory, RegExp, number][] = [
  ["security", SECURITY, SECURITY_BIT],
  ["defect", DEFECT, DEFECT_BIT],
  ["performance", PERFORMANCE, PERFORMANCE_BIT],
  ["test-gap", TEST_GAP, TEST_GAP_BIT],
];

/**
 * The category of a comment. Order matters: the reviewer's own "nit:" wins;
 * then security, defect, performance and test-gap findings; then style words
 * (nits); then design, knowledge transfer, questions, praise.
 */
export function categorizeComment(body: string): CommentCategoryResult {
  const norm = normaliseText(body);
  const text = norm.prose;
  const words = wordCount(text);
  // Regexes none of whose anchor words occur in the text cannot match: they are not run.
  const candidates = candidateRegexes(text);
  let finding: CommentCategory | null = null;
  let negated = false;
  let nitPrefix = false;
  const findingOf = (): CommentCategory | null => {
    for (const [cat, re, bit] of FINDING_PATTERNS) {
      if ((candidates & bit) === 0) continue;
      const state = matchState(re, text);
      if (state === NO_MATCH) continue;
      if (state === UNNEGATED) return cat;
      negated = true;
    }
    return null;
  };
  // KNOWLEDGE is read at most once: by the category, and again by `explains`.
  let knowledge: boolean | undefined;
  const explainsKnowledge = (): boolean => (knowledge ??= words >= EXPLANATION_MIN_WORDS && (candidates & KNOWLEDGE_BIT) !== 0 && KNOWLEDGE.test(text));
  const result = (category: CommentCategory, recognised = true): CommentCategoryResult => ({
    category,
    recognised,
    words,
    text,
    explains: category === "knowledge-transfer" || explainsKnowledge(),
    finding: finding !== null,
    negated: negated && finding === null,
    nitPrefix,
    norm,
    candidates,
  });
  if (words === 0) {
    const trimmed = text.trim();
    if (trimmed.length > 0 && PRAISE.test(trimmed)) return result("praise");
    // Only code (e.g. a bare ```suggestion block): a change we cannot read the reason of.
    if (body.trim().length > 0) return result("nit", false);
    return result("approval-only");
  }
  // The reviewer's own "nit:" names the category; a finding behind it (a sentence of some
  // length: "nit: typo" holds none) still counts as one for the model.
  nitPrefix = NIT_PREFIX.test(text);
  if (nitPrefix) {
    if (words >= NIT_FINDING_MIN_WORDS) finding = findingOf();
    return result("nit");
  }
  finding = findingOf();
  if (finding !== null) return result(finding);
  if ((candidates & NIT_WORDS_BIT) !== 0 && NIT_WORDS.test(text)) return result("nit");
  const design = (candidates & DESIGN_BIT) === 0 ? NO_MATCH : matchState(DESIGN, text);
  if (design === UNNEGATED) return result("design");
  if (design !== NO_MATCH) negated = true;
  if (explainsKnowledge()) return result("knowledge-transfer");
  if (words >= 3 && (text.includes("?") || QUESTION_START.test(text))) return result("question");
  if (words <= 12 && PRAISE.test(text)) return result("praise");
  return result("nit", false);
}

export const VERIFICATION = new RegExp(
  [
    "\\b(?:ran|run|re-?ran|tested|tried|verified|reproduced|repro'?d|benchmarked|profiled|measured|smoke[- ]tested|load[- ]tested|exercised|confirmed|validated|dry[- ]ran)\\b",
    "\\b(?:deployed|rolled (?:it |this )?out|applied (?:it|this|the migration)) (?:it |this |the branch )?(?:to|on|against) (?:staging|dev|a (?:test|staging|sandbox)|preview|canary|a (?:copy|replica|snapshot))\\b",
    "\\b(?:checked|pulled) (?:it |this |the branch )?(?:out|locally|down)\\b",
    "\\bbuilt (?:it |this )?locally\\b",
    "\\bstepped through\\b",
  ].join("|"),
  "i",
);
const FIGURE = /\b\d+(?:[.,]\d+)?\s?(?:ms|s|sec|secs|seconds?|min|mins|minutes?|%|x|rows?|mb|gb|kb|qps|rps|req\/s|requests?|records?|users?|locks?)\b/i;
const VERIFICATION_OBJECT_WORDS = 4;

/**
 * What an approval body says was verified, or null. `candidates` is the prefilter's answer for
 * `text` when the caller has it (categorizeComment's result).
 */
export function verificationIn(text: string, words?: number, candidates: number = ALL_CANDIDATES): { figures: boolean } | null {
  if ((candidates & VERIFICATION_BIT) === 0 || !VERIFICATION.test(text)) return null;
  if ((words ?? wordCount(text)) < VERIFICATION_OBJECT_WORDS) return null;
  return { figures: FIGURE.test(text) };
}

/** Replies that acknowledge a change was made: "done", "fixed in abc123", "good catch, updated". */
const ACK = /^\W*(?:done|fixed|good catch|nice catch|great catch|updated|addressed|changed|resolved|applied|pushed|agreed,? (?:fixed|updated|done|changed)|you'?re right|thanks?,? (?:fixed|updated|done|changed))\b|\b(?:fixed|addressed|updated|changed|done) in [0-9a-f]{7,40}\b|\bgood catch\b/i;
const DISAGREE = /\b(?:won'?t fix|wontfix|intentional|by design|on purpose|disagree|not going to|leave it as is|keep it as is|out of scope|follow[- ]?up (?:pr|issue))\b/i;

/** True when a reply by the pull request's author says the comment was acted on. */
export function acknowledgesChange(replyBody: string): boolean {
  const text = prose(replyBody);
  return ACK.test(text) && !DISAGREE.test(text);
}
