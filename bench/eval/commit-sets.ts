/**
 * The labelled commit sets of the commit evaluation: loading and checking the labels, the
 * deterministic tuning/report split, and the detector inputs rebuilt from git mirrors (cached
 * under `.eval-cache/`, never in the repository: only labels and SHAs are kept here).
 */
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { ChangeLineSchema, type ChangeLine } from "../../src/cli/classify.js";

const HERE = dirname(fileURLToPath(import.meta.url));
/** The repository root, from `bench/eval` in the sources or `dist/bench/eval` once built. */
export const REPO_ROOT = existsSync(join(HERE, "..", "..", "package.json")) ? resolve(HERE, "..", "..") : resolve(HERE, "..", "..", "..");
export const EVAL_DIR = join(REPO_ROOT, "bench", "eval");
export const CACHE_DIR = join(REPO_ROOT, ".eval-cache");
export const FIXTURE_PATH = join(REPO_ROOT, "test", "fixtures", "eval", "commits-fixture.jsonl");

/**
 * The commit sets, in the order they are printed. A `tuningOnly` set is never split: all of it is
 * tuning data (it was drawn to give the tagger more to learn from), so the report halves stay
 * those of the split sets.
 */
export const COMMIT_SETS: readonly { name: string; file: string; tuningOnly?: boolean }[] = [
  { name: "flaky-dev", file: "flaky-dev.jsonl" },
  { name: "flaky-commits-1", file: "flaky-commits-1.jsonl" },
  { name: "flaky-commits-2", file: "flaky-commits-2.jsonl" },
  { name: "flaky-commits-3", file: "flaky-commits-3.jsonl", tuningOnly: true },
  { name: "flaky-commits-4", file: "flaky-commits-4.jsonl" },
  { name: "flaky-commits-5", file: "flaky-commits-5.jsonl" },
];

export const LABEL_KINDS = ["test", "docs", "runbook", "ci", "template", "build", "code"] as const;

export const LabelLineSchema = z
  .object({
    repo: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, "repo must be owner/name"),
    sha: z.string().regex(/^[0-9a-f]{7,40}$/, "sha must be hexadecimal"),
    stratum: z.string().max(100).optional(),
    flaky_fix: z.boolean(),
    mitigation: z.boolean(),
    kinds: z.array(z.enum(LABEL_KINDS)).max(LABEL_KINDS.length),
    unsure: z.boolean(),
    why: z.string().max(2000),
  })
  .refine((l) => !(l.flaky_fix && l.mitigation), "flaky_fix and mitigation are never both true");
export type LabelLine = z.infer<typeof LabelLineSchema>;

/** A fixture line: a label plus the change itself (written for the fixture, not rebuilt). */
const FixtureLineSchema = z.object({ change: ChangeLineSchema }).passthrough();

export interface EvalItem {
  set: string;
  label: LabelLine;
  change: ChangeLine;
}

export type LabelClass = "fix" | "mitigation" | "neither";
export const classOf = (l: LabelLine): LabelClass => (l.flaky_fix ? "fix" : l.mitigation ? "mitigation" : "neither");

/** Parses JSON Lines, naming the file and line of the first bad one. */
/** One JSON value a line (blank lines skipped), each through `parse`; an error names its line. */
export function parseLines<T>(text: string, where: string, parse: (v: unknown) => T): T[] {
  const out: T[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw new Error(`${where} line ${i + 1}: not JSON (${(e as Error).message})`);
    }
    try {
      out.push(parse(value));
    } catch (e) {
      const msg = e instanceof z.ZodError ? e.issues.map((x) => `${x.path.join(".") || "line"}: ${x.message}`).join("; ") : (e as Error).message;
      throw new Error(`${where} line ${i + 1}: ${msg}`);
    }
  }
  return out;
}

export function parseLabels(text: string, where: string): LabelLine[] {
  const labels = parseLines(text, where, (v) => LabelLineSchema.parse(v));
  const seen = new Set<string>();
  for (const l of labels) {
    const key = `${l.repo}@${l.sha}`;
    if (seen.has(key)) throw new Error(`${where}: ${key} is labelled twice`);
    seen.add(key);
  }
  return labels;
}

export function parseFixture(text: string, where: string): EvalItem[] {
  return parseLines(text, where, (v) => {
    const label = LabelLineSchema.parse(v);
    const { change } = FixtureLineSchema.parse(v);
    return { set: "fixture", label, change };
  });
}

/** Fixture commits, written in our own words in the shape of the real fix and mitigation families. */
export function loadFixture(path = FIXTURE_PATH): EvalItem[] {
  return parseFixture(readFileSync(path, "utf8"), path);
}

function hashOf(...parts: string[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex");
}

/**
 * Splits items into a tuning half and a report half, deterministically: within each
 * (repository, label class) group, items are ordered by a hash of repository and SHA and dealt
 * alternately, so both halves hold about half of each repository's fixes and mitigations.
 */
export function splitHalves<T extends { label: LabelLine }>(items: readonly T[]): { tuning: T[]; report: T[] } {
  const groups = new Map<string, { item: T; h: string }[]>();
  for (const item of items) {
    const key = `${item.label.repo}\0${classOf(item.label)}`;
    const g = groups.get(key) ?? [];
    g.push({ item, h: hashOf(item.label.repo, item.label.sha) });
    groups.set(key, g);
  }
  const tuning: T[] = [];
  const report: T[] = [];
  for (const key of [...groups.keys()].sort()) {
    // A group of odd size gives its extra item to the half that got fewer so far.
    const g = groups.get(key)!.sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : 0));
    const reportFirst = hashOf(key).charCodeAt(0) % 2 === 1;
    g.forEach(({ item }, i) => ((i % 2 === 0) === reportFirst ? report : tuning).push(item));
  }
  return { tuning, report };
}

/** Where git mirrors are looked for: folders named `owner+name` holding a bare repository. */
export function mirrorRoot(): string {
  return process.env.EVAL_MIRRORS ?? "/work/.mirror";
}

function hasMirror(root: string, repo: string): boolean {
  const key = repo.replace("/", "+").toLowerCase();
  try {
    return readdirSync(root).some((d) => d.toLowerCase().includes(key));
  } catch {
    return false;
  }
}

export type ChangesSource = { changes: ChangeLine[]; from: "cache" | "mirrors" } | { changes: null; missing: string[] };

/**
 * The detector inputs for a label file: from the cache when it was built from exactly these
 * labels, else rebuilt from the mirrors (and cached), else null with the repositories missing.
 */
export function changesFor(labelsPath: string, labels: readonly LabelLine[], root = mirrorRoot(), cacheDir = CACHE_DIR): ChangesSource {
  const script = join(EVAL_DIR, "real-changes.sh");
  const key = hashOf(readFileSync(labelsPath, "utf8"), readFileSync(script, "utf8")).slice(0, 16);
  const cached = join(cacheDir, `${labelsPath.replace(/^.*\//, "").replace(/\.jsonl$/, "")}.${key}.changes.jsonl`);
  let text: string;
  let from: "cache" | "mirrors";
  if (existsSync(cached)) {
    text = readFileSync(cached, "utf8");
    from = "cache";
  } else {
    const missing = [...new Set(labels.map((l) => l.repo))].filter((r) => !hasMirror(root, r));
    if (missing.length > 0) return { changes: null, missing };
    text = execFileSync(script, [root, labelsPath], { encoding: "utf8", maxBuffer: 1 << 30, stdio: ["ignore", "pipe", "pipe"] });
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(cached, text);
    from = "mirrors";
  }
  const changes = parseLines(text, cached, (v) => ChangeLineSchema.parse(v));
  if (changes.length !== labels.length) throw new Error(`${cached}: ${changes.length} changes for ${labels.length} labels`);
  changes.forEach((c, i) => {
    const l = labels[i]!;
    if (String(c.id) !== `${l.repo}@${l.sha.slice(0, 12)}`) throw new Error(`${cached} line ${i + 1}: ${String(c.id)} is not ${l.repo}@${l.sha.slice(0, 12)}`);
  });
  return { changes, from };
}
