/**
 * The shape of a test file's diff, read line by line, whatever the language: how much of what
 * changed is a knob (a timeout, a sleep, a retry, a skip, a retuned number) and how much is new
 * logic, and whether a fix family replaces code that was there (a hunk that removes lines and adds
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
  /** Fix families found in hunks that also remove lines (they replace what was there). */
  replacingFamilies: Set<string>;
}

const COMMENT = /^[+-]\s*(?:\/\/|#|\*|\/\*|<!--|"""|''')/;
const IMPORT = /^\+\s*(?:import\b|from\s+\S+\s+import\b|using\s+[\w.]+;|require\s*\(|require\s+['"]|#include\b|package\s+\w)/;
/** Lines longer than this are not tested against the knob patterns (generated data, minified code). */
const LINE_READ = 400;

function isKnob(line: string): boolean {
  if (line.length > LINE_READ) return false;
  if (line.startsWith("+")) return ADDED_TIMEOUT.test(line) || ADDED_SLEEP.test(line) || ADDED_RETRY.test(line) || ADDED_SKIP.test(line);
  // A removed knob ("-  @Disabled", "-  Thread.sleep(100)") is read as its added twin.
  const twin = `+${line.slice(1)}`;
  return ADDED_TIMEOUT.test(twin) || ADDED_SLEEP.test(twin) || ADDED_RETRY.test(twin) || ADDED_SKIP.test(twin);
}

/** Reads one test file's patch; `into` accumulates over the files of a change. */
export function addDiffShape(patch: string, into: DiffShape): DiffShape {
  const lines = patch.split("\n");
  // Removed lines and the added lines of their block that differ from them only in a number or a
  // bound: the halves of a retune.
  const retuned = retuneLines(lines, patch, true);
  let hunk: string[] = [];
  let hunkRemoves = false;
  const closeHunk = () => {
    if (hunkRemoves && hunk.length > 0) {
      const text = hunk.join("\n");
      for (const p of FIX_PATTERNS) if (p.key !== "reenable" && p.test(text)) into.replacingFamilies.add(p.name);
    }
    hunk = [];
    hunkRemoves = false;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith("@@")) {
      closeHunk();
      continue;
    }
    const plus = line.startsWith("+") && !line.startsWith("+++");
    const minus = line.startsWith("-") && !line.startsWith("---");
    if (!plus && !minus) continue;
    if (line.slice(1).trim() === "" || COMMENT.test(line)) continue;
    hunk.push(line);
    if (minus) hunkRemoves = true;
    into.changed++;
    const knob = retuned.has(i) || isKnob(line);
    if (knob) into.knob++;
    else if (plus && !IMPORT.test(line)) into.logicAdded++;
  }
  closeHunk();
  return into;
}

export function emptyDiffShape(): DiffShape {
  return { changed: 0, knob: 0, logicAdded: 0, replacingFamilies: new Set() };
}
