/**
 * `unsung score-reviews`: offline review-depth scoring. Reads JSON Lines on
 * stdin (one review per line), writes one JSON line per review on stdout.
 * A bad line is reported on stderr with its line number; the others are still
 * scored, and the exit code is 1 if any line failed.
 *
 * Also home of the JSON Lines plumbing shared with `unsung classify`.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { z } from "zod";
import { formatConfigIssues, parseRepoConfig, toDetectorConfig, formatPath } from "../config/repo-config.js";
import { classifyChange } from "../core/detect/classify-change.js";
import { defaultDetectorConfig, type DetectorConfig } from "../core/detect/config.js";
import { scoreReview, type ReviewInput } from "../core/detect/score-review.js";
import { parse } from "./args.js";
import { UsageError, type CliIo, type CommandRunner } from "./io.js";

/** Lines longer than this are rejected unread (the rest of the line is skipped). */
export const MAX_LINE_BYTES = 1024 * 1024;

export type JsonLine = { line: number; text: string; error?: undefined } | { line: number; error: string; text?: undefined };

/**
 * Splits a byte stream into lines without ever holding more than
 * `maxBytes` of one line: an oversized line is dropped as it streams and
 * reported as an error. Invalid UTF-8 is an error too. CRLF is accepted.
 */
export async function* readLines(input: NodeJS.ReadableStream, maxBytes = MAX_LINE_BYTES): AsyncGenerator<JsonLine> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let parts: Buffer[] = [];
  let size = 0;
  let lineNo = 0;
  const finish = (): JsonLine => {
    lineNo++;
    if (size > maxBytes) {
      const line: JsonLine = { line: lineNo, error: `line is ${(size / 1024 / 1024).toFixed(1)} MiB; the limit is ${maxBytes / 1024 / 1024} MiB` };
      parts = [];
      size = 0;
      return line;
    }
    let buf = parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
    parts = [];
    size = 0;
    if (buf.length > 0 && buf[buf.length - 1] === 13) buf = buf.subarray(0, buf.length - 1);
    try {
      let text = decoder.decode(buf);
      if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      return { line: lineNo, text };
    } catch {
      return { line: lineNo, error: "not valid UTF-8" };
    }
  };
  for await (const chunk of input) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : (chunk as Buffer);
    let start = 0;
    while (start < buf.length) {
      const nl = buf.indexOf(10, start);
      const end = nl === -1 ? buf.length : nl;
      const piece = buf.subarray(start, end);
      if (size + piece.length > maxBytes) {
        // Keep counting, stop keeping: the line is reported, never held.
        parts = [];
      } else if (piece.length > 0) {
        parts.push(piece);
      }
      size += piece.length;
      if (nl === -1) break;
      yield finish();
      start = nl + 1;
    }
  }
  if (size > 0 || parts.length > 0) yield finish();
}

function describeJson(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return "a string";
  if (typeof v === "number") return "a number";
  if (typeof v === "boolean") return "a boolean";
  return typeof v;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = value;
  for (const seg of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = Object.prototype.hasOwnProperty.call(v, seg) ? (v as Record<PropertyKey, unknown>)[seg] : undefined;
  }
  return v;
}

/** One readable sentence for a zod issue on a JSON line. */
export function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  const where = issue.path.length > 0 ? `${formatPath(issue.path as (string | number)[])}: ` : "";
  const got = valueAt(value, issue.path);
  switch (issue.code) {
    case "invalid_type":
      return got === undefined ? `${where}missing (expected ${issue.expected})` : `${where}expected ${issue.expected}, got ${describeJson(got)}`;
    case "invalid_union":
      return `${where}expected a string or a number, got ${describeJson(got)}`;
    case "too_big":
      return `${where}too ${issue.origin === "array" ? "many items" : issue.origin === "string" ? "long" : "big"} (at most ${String(issue.maximum)})`;
    case "too_small":
      return `${where}too ${issue.origin === "array" ? "few items" : issue.origin === "string" ? "short" : "small"} (at least ${String(issue.minimum)})`;
    default:
      return `${where}${issue.message}`;
  }
}

export interface JsonLinesCommand<T> {
  name: string;
  help: string;
  schema: z.ZodType<T>;
  handle: (value: T, config: DetectorConfig) => unknown;
}

/**
 * The shared body of the JSON Lines commands: flags (--help, --config FILE),
 * streaming input, one output line per good input line, errors per bad line.
 */
export async function runJsonLines<T>(command: JsonLinesCommand<T>, args: string[], io: CliIo): Promise<number> {
  let config: DetectorConfig = defaultDetectorConfig;
  try {
    const { values } = parse(args, { config: { type: "string" } });
    if (values.help) {
      io.stdout.write(command.help);
      return 0;
    }
    if (typeof values.config === "string") {
      let text: string;
      try {
        text = await readFile(resolve(io.cwd, values.config), "utf8");
      } catch (err) {
        io.stderr.write(`unsung ${command.name}: cannot read --config ${values.config}: ${(err as Error).message}\n`);
        return 2;
      }
      const parsed = parseRepoConfig(text);
      if (parsed.warnings.length > 0) io.stderr.write(formatConfigIssues(parsed.warnings, values.config));
      if (!parsed.config) {
        io.stderr.write(formatConfigIssues(parsed.errors, values.config));
        return 2;
      }
      config = toDetectorConfig(parsed.config);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`unsung ${command.name}: ${err.message}\n(see: unsung ${command.name} --help)\n`);
      return 2;
    }
    throw err;
  }

  let failed = 0;
  for await (const l of readLines(io.stdin)) {
    if (l.error !== undefined) {
      failed++;
      io.stderr.write(`line ${l.line}: ${l.error}\n`);
      continue;
    }
    if (l.text.trim().length === 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(l.text);
    } catch (err) {
      failed++;
      io.stderr.write(`line ${l.line}: not valid JSON (${(err as Error).message.replace(/\s+/g, " ").slice(0, 120)})\n`);
      continue;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      failed++;
      io.stderr.write(`line ${l.line}: expected a JSON object, got ${describeJson(value)}\n`);
      continue;
    }
    const parsed = command.schema.safeParse(value);
    if (!parsed.success) {
      failed++;
      const issues = parsed.error.issues.slice(0, 3).map((i) => describeIssue(i, value));
      const more = parsed.error.issues.length > 3 ? ` (and ${parsed.error.issues.length - 3} more)` : "";
      io.stderr.write(`line ${l.line}: ${issues.join("; ")}${more}\n`);
      continue;
    }
    let out: unknown;
    try {
      out = command.handle(parsed.data, config);
    } catch (err) {
      failed++;
      io.stderr.write(`line ${l.line}: could not be processed: ${(err as Error).message}\n`);
      continue;
    }
    io.stdout.write(`${JSON.stringify(out)}\n`);
  }
  return failed > 0 ? 1 : 0;
}

// ── score-reviews ─────────────────────────────────────────────────────────

const count = z.number().int().min(0).max(1e9);
const opt = <S extends z.ZodType>(s: S) => s.optional().nullable();

export const ReviewLineSchema = z.object({
  id: z.union([z.string().max(1000), z.number()]),
  state: opt(z.string().max(40)),
  body: opt(z.string()),
  reviewer: z.string().min(1).max(200),
  author: z.string().min(1).max(200),
  reviewerIsBot: opt(z.boolean()),
  reviewerPriorChangesToSamePaths: opt(count),
  submittedSecondsAfterOpen: opt(z.number().min(0)),
  pr: opt(
    z.object({
      title: opt(z.string()),
      additions: opt(count),
      deletions: opt(count),
      changedFiles: opt(count),
      authorAssociation: opt(z.string().max(40)),
      docsOnly: opt(z.boolean()),
      files: opt(z.array(z.object({ path: z.string().min(1).max(4096), additions: opt(count), deletions: opt(count) })).max(100_000)),
    }),
  ),
  comments: opt(
    z
      .array(
        z.object({
          path: opt(z.string().max(4096)),
          line: opt(z.number().int()),
          body: z.string(),
          ledToChange: opt(z.boolean()),
          replies: opt(count),
          url: opt(z.string().max(4096)),
        }),
      )
      .max(100_000),
  ),
});
export type ReviewLine = z.infer<typeof ReviewLineSchema>;

/** The scorer's input for one JSON line. */
export function reviewInputOf(line: ReviewLine, config: DetectorConfig): ReviewInput {
  const pr = line.pr ?? null;
  let docsOnly = pr?.docsOnly ?? undefined;
  if (docsOnly === undefined && pr?.files && pr.files.length > 0) {
    docsOnly = classifyChange({ title: pr.title ?? "", files: pr.files }, config).docsOnly;
  }
  return {
    state: line.state ?? null,
    body: line.body ?? "",
    reviewer: line.reviewer,
    author: line.author,
    reviewerIsBot: line.reviewerIsBot ?? undefined,
    reviewerPriorChangesToSamePaths: line.reviewerPriorChangesToSamePaths ?? null,
    submittedSecondsAfterOpen: line.submittedSecondsAfterOpen ?? null,
    pr: pr
      ? {
          title: pr.title ?? undefined,
          additions: pr.additions ?? undefined,
          deletions: pr.deletions ?? undefined,
          changedFiles: pr.changedFiles ?? undefined,
          authorAssociation: pr.authorAssociation ?? undefined,
          docsOnly: docsOnly ?? false,
        }
      : null,
    comments: (line.comments ?? []).map((c) => ({ path: c.path ?? null, line: c.line ?? null, body: c.body, ledToChange: c.ledToChange ?? null, replies: c.replies ?? 0, url: c.url ?? null })),
  };
}

const HELP = `Usage: unsung score-reviews [--config FILE] < reviews.jsonl > scores.jsonl

Scores the depth of code reviews given as JSON Lines on stdin, one review per line:

  {"id": "r1", "state": "APPROVED", "body": "…", "reviewer": "alice", "author": "bob",
   "submittedSecondsAfterOpen": 5400,
   "pr": {"title": "…", "additions": 120, "deletions": 30, "changedFiles": 4, "authorAssociation": "MEMBER"},
   "comments": [{"path": "src/a.ts", "line": 12, "body": "This can be null when …", "ledToChange": true, "replies": 1}]}

Required: id (string or number), reviewer, author (logins). Everything else is optional:
state (default COMMENTED), body, submittedSecondsAfterOpen, reviewerIsBot,
reviewerPriorChangesToSamePaths, pr.{title,additions,deletions,changedFiles,authorAssociation,docsOnly,files},
comments[].{path,line,ledToChange,replies,url}.

Writes one line per review:

  {"id": "r1", "score": 0-100, "level": "rubber-stamp|light|substantive|deep|null",
   "excluded": null|"self-review"|"bot"|"ai-reviewer"|"opted-out",
   "comments": [{"category": "defect", "points": 52, "duplicate": false, "ledToChange": true}],
   "ledToChange": [0], "evidence": ["…"]}

A malformed line is reported on stderr as "line N: …" and skipped; the exit code is 1
if any line failed, else 0.

Options:
  --config FILE   a .github/unsung.yml to use (bots, AI reviewers, opt-outs, thresholds)
  -h, --help      show this help
`;

export const run: CommandRunner = (args, io) =>
  runJsonLines(
    {
      name: "score-reviews",
      help: HELP,
      schema: ReviewLineSchema,
      handle: (line, config) => {
        const s = scoreReview(reviewInputOf(line, config), config);
        return {
          id: line.id,
          score: s.score,
          level: s.level,
          excluded: s.excluded,
          comments: s.comments.map((c) => ({ category: c.category, points: c.points, duplicate: c.duplicate, ledToChange: c.ledToChange })),
          ledToChange: s.ledToChange,
          evidence: s.evidence,
        };
      },
    },
    args,
    io,
  );
