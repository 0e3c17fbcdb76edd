/**
 * A library of scored reviews: each template is one reviewer's activity on a
 * pull request (review states, inline comments with author replies, the
 * summary body), scored once by the real scorer (scoreReview). The generator
 * gives every (pull request, reviewer) pair a template, so the comments stored
 * in review_comments and the per-comment categories in the review
 * contribution's detail agree, at no scoring cost per row.
 */
import { scoreReview, type ReviewCommentInput, type ReviewInput, type ReviewScore } from "../core/detect/score-review.js";
import type { Random } from "../demo/prng.js";
import { ACKS, APPROVAL_BODIES, CHANGES_REQUESTED_BODIES, CODE_PATHS, DOC_PATHS, FINDINGS_BY_CATEGORY, LIGHT_QUESTIONS, NITS, PRAISE, SUBSTANTIVE_FINDINGS, TEST_PATHS } from "./texts.js";

/** How a reviewer reviews, weakest first. */
export const REVIEW_STYLES = ["stamp", "light", "substantive", "deep"] as const;
export type ReviewStyle = (typeof REVIEW_STYLES)[number];

/** Pull request size buckets: lines changed. */
export const SIZE_BUCKETS = [
  { min: 2, max: 80 },
  { min: 80, max: 600 },
  { min: 600, max: 3000 },
] as const;

export interface TemplateComment {
  path: string;
  line: number;
  body: string;
  /** The code under the comment changed afterwards (the thread is outdated). */
  outdated: boolean;
  /** The author's reply in the thread, if any. */
  reply: string | null;
  /** Minutes before the review is submitted. */
  minutesBefore: number;
}

export interface ReviewTemplate {
  style: ReviewStyle;
  bucket: number;
  /** Review states in order (a COMMENTED round, then the verdict, sometimes). */
  states: string[];
  /** Summary body of the last review. */
  body: string;
  /** Seconds from the pull request opening to the first review. */
  secondsAfterOpen: number;
  /** Seconds between the first and the last review. */
  secondsBetween: number;
  comments: TemplateComment[];
  /** Lines changed in the pull request the template was scored against. */
  lines: number;
  changedFiles: number;
  input: ReviewInput;
  score: ReviewScore;
}

function shortQuote(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  return `“${t.length > 60 ? `${t.slice(0, 59)}…` : t}”`;
}

function finding(rng: Random): { body: string; reply: string } {
  if (rng.chance(0.35)) {
    const [body, reply] = rng.pick(SUBSTANTIVE_FINDINGS);
    return { body, reply };
  }
  const category = rng.weighted([
    ["defect", 40],
    ["test-gap", 18],
    ["design", 14],
    ["performance", 12],
    ["security", 6],
    ["knowledge-transfer", 10],
  ] as const);
  return { body: rng.pick(FINDINGS_BY_CATEGORY[category]!), reply: rng.pick(ACKS) };
}

function pathFor(rng: Random): string {
  const r = rng.next();
  return r < 0.72 ? rng.pick(CODE_PATHS) : r < 0.92 ? rng.pick(TEST_PATHS) : rng.pick(DOC_PATHS);
}

function makeTemplate(rng: Random, style: ReviewStyle, bucket: number): ReviewTemplate {
  const size = SIZE_BUCKETS[bucket]!;
  const lines = rng.int(size.min, size.max);
  const changedFiles = Math.max(1, Math.round(lines / rng.int(15, 60)));
  const comments: TemplateComment[] = [];
  const add = (body: string, led: boolean, reply: string | null) =>
    comments.push({ path: pathFor(rng), line: rng.int(1, 400), body, outdated: led, reply, minutesBefore: rng.int(1, 40) });

  let states: string[];
  let body: string;
  let secondsAfterOpen: number;
  switch (style) {
    case "stamp": {
      states = ["APPROVED"];
      body = rng.chance(0.7) ? "" : rng.pick(PRAISE);
      secondsAfterOpen = bucket === 2 ? rng.int(30, 240) : rng.int(60, 1800);
      break;
    }
    case "light": {
      const nits = rng.weighted([
        [0, 10],
        [1, 15],
        [2, 20],
        [3, 20],
        [5, 15],
        [10, 12],
        [20, 8],
      ] as const);
      for (let i = 0; i < nits; i++) add(rng.pick(NITS), rng.chance(0.25), rng.chance(0.2) ? "done" : null);
      if (rng.chance(0.35)) {
        const [q, a] = rng.pick(LIGHT_QUESTIONS);
        add(q, false, a);
      }
      if (rng.chance(0.2)) add(rng.pick(PRAISE), false, null);
      states = rng.chance(0.3) ? ["COMMENTED", "APPROVED"] : ["APPROVED"];
      body = rng.pick(APPROVAL_BODIES);
      secondsAfterOpen = rng.int(600, 6 * 3600);
      break;
    }
    case "substantive":
    case "deep": {
      const findings = style === "deep" ? rng.int(3, 7) : rng.int(1, 3);
      for (let i = 0; i < findings; i++) {
        const f = finding(rng);
        const led = rng.chance(style === "deep" ? 0.75 : 0.55);
        add(f.body, led, led && rng.chance(0.7) ? f.reply : rng.chance(0.15) ? "I think it's fine as is, the caller checks it." : null);
      }
      const nits = rng.int(0, style === "deep" ? 14 : 8);
      for (let i = 0; i < nits; i++) add(rng.pick(NITS), rng.chance(0.3), null);
      if (rng.chance(0.4)) {
        const [q, a] = rng.pick(LIGHT_QUESTIONS);
        add(q, rng.chance(0.2), a);
      }
      states = rng.chance(0.45) ? ["CHANGES_REQUESTED", "APPROVED"] : rng.chance(0.5) ? ["COMMENTED", "APPROVED"] : ["APPROVED"];
      body = states[0] === "CHANGES_REQUESTED" ? rng.pick(CHANGES_REQUESTED_BODIES) : rng.pick(APPROVAL_BODIES);
      secondsAfterOpen = rng.int(1800, 30 * 3600);
      break;
    }
  }
  // Shuffle comment order a little so paths interleave, then order by time.
  comments.sort((a, b) => b.minutesBefore - a.minutesBefore);
  const inputComments: ReviewCommentInput[] = comments.map((c) => {
    const ack = c.reply !== null && ACKS.includes(c.reply);
    const led = c.outdated || ack;
    return {
      path: c.path,
      line: c.line,
      body: c.body,
      ledToChange: led,
      changeEvidence:
        c.outdated && ack
          ? `the code under it changed afterwards, and the author replied ${shortQuote(c.reply!)}`
          : c.outdated
            ? "the code under it changed afterwards"
            : ack
              ? `the author replied ${shortQuote(c.reply!)}`
              : null,
      replies: c.reply === null ? 0 : 1,
      url: null,
      isReply: false,
    };
  });
  const rank: Record<string, number> = { CHANGES_REQUESTED: 4, APPROVED: 3, COMMENTED: 2 };
  const strongest = [...states].sort((a, b) => (rank[b] ?? 0) - (rank[a] ?? 0))[0]!;
  const input: ReviewInput = {
    state: strongest,
    body,
    reviewer: "reviewer",
    author: "author",
    reviewerIsBot: false,
    reviewerPriorChangesToSamePaths: rng.chance(0.4) ? rng.int(1, 12) : 0,
    submittedSecondsAfterOpen: secondsAfterOpen,
    pr: { title: "Change", additions: Math.round(lines * 0.7), deletions: lines - Math.round(lines * 0.7), changedFiles, authorAssociation: "MEMBER", docsOnly: false },
    comments: inputComments,
  };
  return {
    style,
    bucket,
    states,
    body,
    secondsAfterOpen,
    secondsBetween: states.length > 1 ? rng.int(3600, 30 * 3600) : 0,
    comments,
    lines,
    changedFiles,
    input,
    score: scoreReview(input),
  };
}

/** `perCell` templates for every (style, size bucket), scored. Index: style * 3 + bucket. */
export function buildReviewTemplates(rng: Random, perCell: number): ReviewTemplate[][] {
  const cells: ReviewTemplate[][] = [];
  for (const style of REVIEW_STYLES) {
    for (let bucket = 0; bucket < SIZE_BUCKETS.length; bucket++) {
      const list: ReviewTemplate[] = [];
      for (let i = 0; i < perCell; i++) list.push(makeTemplate(rng, style, bucket));
      cells.push(list);
    }
  }
  return cells;
}
