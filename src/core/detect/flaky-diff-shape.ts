/**
 * The shape of a test file's diff, read line by line, whatever the language: how much of what
 * changed is a knob (a timeout, a sleep, a retry, a skip, a retuned number) and how much is new
 * logic, and whether a fix family replaces code that was there (a block of changed lines that removes lines and adds
 * the family) rather than arriving with brand-new test code. A mitigation turns knobs; a fix
 * rewrites what the test does. Nothing here names a labelled commit.
 */
import { ADDED_RETRY, ADDED_SKIP, ADDED_SLEEP, ADDED_TIMEOUT, FIX_PATTERNS, retuneLines } from "./flaky-signals.js";

export interface DiffShape {
  /** Changed lines (added and removed, not blank, not comments). */
  changed: number;
  /** Of those, lines that set a timeout, a sleep, a retry or a skip, or retune a number. */
  knob: number;
  /** Added lines that are neither knobs nor comments nor imports: new logic. */
  logicAdded: number;
  /** Fix families found in change blocks that also remove lines (they replace what was there). */
  replacingFamilies: Set<string>;
}

/**
 * A comment line: `//`, `/*`, `<!--`, a docstring quote, a `# ` or a `* ` continuation. A `#` or
 * `*` glued to a word is code (`#[ignore]`, `#include`, `#region`, `*rest, last = …`).
 */
const COMMENT = /^[+-]\s*(?:\/\/|\/\*|<!--|"""|\'\'\'|#(?:\s|$)|\*(?:\s|\/|$))/;
const IMPORT = /^\+\s*(?:import\b|from\s+\S+\s+import\b|using\s+[\w.]+;|require\s*\(|require\s+['"]|#include\b|package\s+\w)/;
/** Lines longer than this are not tested against the knob patterns (generated data, minified code). */
const LINE_READ = 400;
/**
 * How much of a test file's patch its shape is read from. Reading retunes pairs lines within a
 * block and can look a constant up across the patch, so its cost grows faster than the patch: the
 * shape of the first 20,000 characters stands for the rest.
 */
export const SHAPE_READ = 20_000;

function isKnob(line: string): boolean {
  if (line.length > LINE_READ) return false;
  if (line.startsWith("+")) return ADDED_TIMEOUT.test(line) || ADDED_SLEEP.test(line) || ADDED_RETRY.test(line) || ADDED_SKIP.test(line);
  // A removed knob ("-  @Disabled", "-  Thread.sleep(100)") is read as its added twin.
  const twin = `+${line.slice(1)}`;
  return ADDED_TIMEOUT.test(twin) || ADDED_SLEEP.test(twin) || ADDED_RETRY.test(twin) || ADDED_SKIP.test(twin);
}

/** Reads one test file's patch; `into` accumulates over the files of a change. */
export function addDiffShape(patch: string, into: DiffShape): DiffShape {
  const read = patch.length > SHAPE_READ ? patch.slice(0, patch.lastIndexOf("\n", SHAPE_READ) + 1 || SHAPE_READ) : patch;
  const lines = read.split("\n");
  // Removed lines and the added lines of their block that differ from them only in a number or a
  // bound: the halves of a retune. They are knobs, and (as for the fix families of flaky-facts.ts,
  // read without retunes) they never make a family: "await(5, SECONDS)" → "await(30, SECONDS)"
  // waits no more on a condition than before.
  const retuned = retuneLines(lines, read, true);
  // A block: consecutive added and removed lines, between context lines or hunk headers.
  let block: string[] = [];
  let blockRemoves = false;
  const closeBlock = () => {
    if (blockRemoves && block.length > 0) {
      const text = block.join("\n");
      for (const p of FIX_PATTERNS) if (p.key !== "reenable" && p.test(text)) into.replacingFamilies.add(p.name);
    }
    block = [];
    blockRemoves = false;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const plus = line.startsWith("+") && !line.startsWith("+++");
    const minus = line.startsWith("-") && !line.startsWith("---");
    if (!plus && !minus) {
      closeBlock();
      continue;
    }
    if (line.slice(1).trim() === "" || COMMENT.test(line)) continue;
    into.changed++;
    if (retuned.has(i)) {
      into.knob++;
      continue;
    }
    block.push(line);
    if (minus) blockRemoves = true;
    if (isKnob(line)) into.knob++;
    else if (plus && !IMPORT.test(line)) into.logicAdded++;
  }
  closeBlock();
  return into;
}

export function emptyDiffShape(): DiffShape {
  return { changed: 0, knob: 0, logicAdded: 0, replacingFamilies: new Set() };
}
