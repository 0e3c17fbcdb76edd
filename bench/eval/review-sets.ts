/**
 * The labelled review sets: `unsung score-reviews` input lines plus `expect.label`
 * (substantive | shallow), `source` (the pull request, a pointer only) and `lang`.
 * Loaded with the CLI's own schema, so an item the CLI would reject is rejected here too,
 * with its file and line.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { reviewInputOf, ReviewLineSchema } from "../../src/cli/score-reviews.js";
import { defaultDetectorConfig } from "../../src/core/detect/config.js";
import type { ReviewInput } from "../../src/core/detect/score-review.js";

export type ReviewLabel = "substantive" | "shallow";

export interface LabelledReview {
  id: string;
  /** The file it came from, without directory or extension ("reviews-1"). */
  set: string;
  /** The pull request it was taken from (a pointer; items of one pull request share it). */
  source: string;
  label: ReviewLabel;
  lang: string;
  input: ReviewInput;
}

/** Repository root (this file is bench/eval/*.ts, compiled to dist/bench/eval/*.js). */
export function repoRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const up = here.split(path.sep).includes("dist") ? "../../.." : "../..";
  return path.resolve(here, up);
}

/** The review sets `npm run eval` reads, relative to the repository root. */
export const REVIEW_SETS = ["bench/eval/reviews-dev.jsonl", "bench/eval/reviews-1.jsonl", "bench/eval/reviews-2.jsonl", "bench/eval/reviews-3.jsonl"] as const;
/** The small set in the repository's own words that CI runs (`--fixture`). */
export const REVIEW_FIXTURE_SETS = ["test/fixtures/eval/reviews.jsonl"] as const;

/** Parses one set's text; throws on the first malformed line, naming it. */
export function parseReviewSet(text: string, name: string): LabelledReview[] {
  const out: LabelledReview[] = [];
  const ids = new Set<string>();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (raw.length === 0) continue;
    const where = `${name}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new Error(`${where}: not valid JSON (${(err as Error).message})`);
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error(`${where}: expected a JSON object`);
    const parsed = ReviewLineSchema.safeParse(value);
    if (!parsed.success) throw new Error(`${where}: not score-reviews input (${parsed.error.issues[0]?.message ?? "invalid"})`);
    const v = value as { expect?: { label?: unknown }; source?: unknown; lang?: unknown };
    const label = v.expect?.label;
    if (label !== "substantive" && label !== "shallow") throw new Error(`${where}: expect.label must be "substantive" or "shallow"`);
    const id = String(parsed.data.id);
    if (ids.has(id)) throw new Error(`${where}: duplicate id ${id}`);
    ids.add(id);
    out.push({
      id,
      set: name,
      source: typeof v.source === "string" && v.source.length > 0 ? v.source : id,
      label,
      lang: typeof v.lang === "string" ? v.lang : "unknown",
      input: reviewInputOf(parsed.data, defaultDetectorConfig),
    });
  }
  return out;
}

export function loadReviewSets(files: readonly string[], root = repoRoot()): LabelledReview[] {
  const out: LabelledReview[] = [];
  for (const f of files) out.push(...parseReviewSet(readFileSync(path.resolve(root, f), "utf8"), path.basename(f, ".jsonl")));
  return out;
}

/** The same review with the outcome signals removed: what a scorer can read from the text alone. */
export function textOnly(input: ReviewInput): ReviewInput {
  return { ...input, comments: (input.comments ?? []).map((c) => ({ ...c, ledToChange: null, replies: null, changeEvidence: null })) };
}

/** True when the item carries an outcome signal (a known ledToChange, or replies). */
export function hasOutcome(input: ReviewInput): boolean {
  return (input.comments ?? []).some((c) => typeof c.ledToChange === "boolean" || (c.replies ?? 0) > 0);
}

/** The naive baseline: number of comments + characters / 100 (body and comments). */
export function countBaseline(input: ReviewInput): number {
  const comments = input.comments ?? [];
  let chars = (input.body ?? "").length;
  for (const c of comments) chars += c.body.length;
  return comments.length + chars / 100;
}
