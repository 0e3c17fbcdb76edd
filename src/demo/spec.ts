/**
 * The plan of the sample organisation before it becomes webhook deliveries:
 * pull requests, issues and direct pushes, with their timelines in minutes
 * from when they were opened. `emit-deliveries.ts` turns a plan into payloads.
 *
 * Texts may reference other subjects by key: `{{#key}}` becomes `#123` and
 * `{{url:key}}` the subject's html_url, once numbers are assigned.
 */
import type { Person, RepoKey } from "./cast.js";
import type { FileChange } from "./patches.js";

export interface ReplySpec {
  by: "author" | "reviewer" | Person;
  /** Minutes after the review was submitted. */
  afterMin: number;
  body: string;
}

export interface CommentSpec {
  path: string;
  /** A substring of the commented line in the diff at review time; a random added line when absent. */
  anchor?: string;
  body: string;
  /** "fixed": the author changed the code under the comment afterwards, so the thread is outdated. */
  outcome: "fixed" | "kept";
  replies?: ReplySpec[];
  /** Who resolves the thread and when (minutes after the review). */
  resolve?: { by: "reviewer" | "author"; afterMin: number };
}

export interface ReviewSpec {
  by: Person;
  /** Minutes after the pull request was opened. */
  atMin: number;
  state: "approved" | "changes_requested" | "commented";
  body: string | null;
  comments?: CommentSpec[];
}

export interface CoAuthor {
  name: string;
  email: string;
}

export interface CommitSpec {
  /** Minutes after opening; ≤ 0 for commits in the opening push, > 0 for later pushes (synchronize). */
  atMin: number;
  message: string;
  /** Defaults to the pull request's author. */
  author?: Person;
  coAuthors?: CoAuthor[];
}

export interface IssueCommentSpec {
  by: Person;
  atMin: number;
  body: string;
}

export interface PrSpec {
  key: string;
  repo: RepoKey;
  author: Person;
  title: string;
  body: string;
  openedAt: string;
  /** Opened as a draft, marked ready this many minutes later. */
  readyAtMin?: number;
  headRef: string;
  labels?: string[];
  /** The diff at merge time (what the files API returns). */
  files: FileChange[];
  /** The diff when reviews were written, if later commits changed it. Comments anchor here. */
  originalFiles?: FileChange[];
  commits: CommitSpec[];
  reviews: ReviewSpec[];
  comments: IssueCommentSpec[];
  /** Absent: still open when the sample ends. */
  close?: { atMin: number; merged: boolean; by: Person };
  /** Issue keys this pull request closes when merged. */
  closesIssues?: string[];
  requestedReviewers?: Person[];
  /** Story markers, for the story text and the tests. */
  tags?: string[];
}

export type IssueEventSpec =
  | { kind: "edit"; by: Person; atMin: number; body: string; title?: string }
  | { kind: "label"; by: Person; atMin: number; label: string }
  | { kind: "comment"; by: Person; atMin: number; body: string }
  | { kind: "close"; by: Person; atMin: number; reason: "completed" | "not_planned" };

export interface IssueSpec {
  key: string;
  repo: RepoKey;
  author: Person;
  title: string;
  body: string;
  openedAt: string;
  labels?: string[];
  events: IssueEventSpec[];
  tags?: string[];
}

export interface DirectPushSpec {
  key: string;
  repo: RepoKey;
  at: string;
  author: Person;
  message: string;
  coAuthors?: CoAuthor[];
  files: FileChange[];
}

export interface Plan {
  pullRequests: PrSpec[];
  issues: IssueSpec[];
  directPushes: DirectPushSpec[];
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export function ms(iso: string): number {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) throw new Error(`bad date ${iso}`);
  return t;
}

/** ISO 8601 in UTC without milliseconds, as GitHub writes timestamps. */
export function iso(t: number): string {
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function coAuthor(person: { name: string; id: number; login: string }): CoAuthor {
  return { name: person.name, email: `${person.id}+${person.login}@users.noreply.github.com` };
}

export const COPILOT_CO_AUTHOR: CoAuthor = { name: "Copilot", email: "175728472+Copilot@users.noreply.github.com" };
export const CLAUDE_CO_AUTHOR: CoAuthor = { name: "Claude", email: "noreply@anthropic.com" };
