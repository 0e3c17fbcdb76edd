/**
 * Reading kind-specific `Contribution.detail` fields. Detail is free-form JSON,
 * so every read checks the type and falls back to "unknown" instead of trusting
 * the shape. The fields reports understand (all optional):
 *
 * - review: `comments` (the review-depth detector's per-comment list: `category`,
 *   `ledToChange`, `path`), or `commentCount` + `commentsLedToChange` (numbers);
 *   `risky` (boolean) or `riskyPaths` (string[]); `paths` (string[]).
 * - flaky-fix / flaky-quarantine: `outcome` (the flaky-fix detector's CI outcome:
 *   `check`, `status`, `before`/`after` `{ rate, runs }`), or `job`/`workflow`/`check` with
 *   `failureRateBefore`, `failureRateAfter` (0–1, or 0–100 as percentages) and `runs`
 *   (or `runsBefore` + `runsAfter`).
 * - mentoring: `newcomer` or `mentee` (login), or `mentees` (logins).
 * - ci-rerun: `workflow`, `reruns` (count), `passedAfterFailure`, `lastRerunAt` (ISO),
 *   `laterFix` / `priorFix` (`{ title, url, author, mergedAt, check }`: the flaky-test fix merged after
 *   the last re-run, or before some of them), `rerunsAfterFix` (re-runs after `priorFix`).
 * - any kind: `recurrenceKey` (string): what makes two pieces of work "the same problem"
 *   (a CI job, a test, a question topic). Falls back to `problemKey`, `check`, `job`,
 *   `workflow`, `test`, `topic`, `question`.
 */
import type { Contribution } from "../model.js";
import { normalizeUrl } from "./merge-contributions.js";

export function detailNumber(c: Pick<Contribution, "detail">, ...names: string[]): number | null {
  for (const name of names) {
    const v = c.detail?.[name];
    if (typeof v === "number" && Number.isFinite(v)) return v;
  }
  return null;
}

export function detailString(c: Pick<Contribution, "detail">, ...names: string[]): string | null {
  for (const name of names) {
    const v = c.detail?.[name];
    if (typeof v === "string" && v.trim() !== "") return v.trim();
  }
  return null;
}

export function detailStrings(c: Pick<Contribution, "detail">, name: string): string[] {
  const v = c.detail?.[name];
  if (!Array.isArray(v)) return [];
  return v.filter((x): x is string => typeof x === "string" && x.trim() !== "").map((x) => x.trim());
}

/** The review-depth detector's per-comment records (placeholders for comment-less approvals left out). */
function commentRecords(c: Contribution): Array<Record<string, unknown>> {
  const list = c.detail?.["comments"];
  if (!Array.isArray(list)) return [];
  return list.filter(
    (x): x is Record<string, unknown> => x !== null && typeof x === "object" && (x as Record<string, unknown>)["category"] !== "approval-only",
  );
}

/** Review comments and how many of them led to a change; null when the detector didn't say. */
export function reviewComments(c: Contribution): { total: number; ledToChange: number } | null {
  const total = detailNumber(c, "commentCount");
  const led = detailNumber(c, "commentsLedToChange");
  if (total !== null && led !== null && total >= 0 && led >= 0) return { total, ledToChange: Math.min(led, total) };
  const records = commentRecords(c);
  if (records.length === 0) return null;
  return { total: records.length, ledToChange: records.filter((r) => r["ledToChange"] === true).length };
}

/** Did a review comment find a defect or a security problem? */
export function foundDefects(c: Contribution): boolean {
  return commentRecords(c).some((r) => r["category"] === "defect" || r["category"] === "security");
}

/** Did the review cover a risky part of the change? */
export function isRisky(c: Contribution): boolean {
  if (c.detail?.["risky"] === true) return true;
  if (detailStrings(c, "riskyPaths").length > 0) return true;
  const files = detailNumber(c, "riskyFiles");
  return files !== null && files > 0;
}

/** A flaky-test fix's measured outcome, when the detector measured one. */
export interface FlakyOutcome {
  job: string | null;
  /** Where it was measured (the default branch), when known. */
  branch: string | null;
  /** Fractions 0–1. */
  before: number;
  after: number;
  runs: number | null;
  /** Runs and bad runs (failed or re-run) on each side, when known. */
  beforeRuns: number | null;
  beforeBad: number | null;
  afterRuns: number | null;
  afterBad: number | null;
}

export function flakyOutcome(c: Contribution): FlakyOutcome | null {
  const o = c.detail?.["outcome"];
  if (o !== null && typeof o === "object" && !Array.isArray(o)) {
    const outcome = o as Record<string, unknown>;
    const status = outcome["status"];
    // "too-early" and "not-measurable" outcomes have no after-rate worth quoting.
    if (status === "improved" || status === "unchanged" || status === "worse") {
      const before = windowOf(outcome["before"]);
      const after = windowOf(outcome["after"]);
      if (before && after) {
        const check = outcome["check"];
        const branch = outcome["branch"];
        return {
          job: typeof check === "string" && check.trim() !== "" ? check.trim() : detailString(c, "check", "job", "workflow"),
          branch: typeof branch === "string" && branch.trim() !== "" ? branch.trim() : null,
          before: before.rate,
          after: after.rate,
          runs: before.runs !== null && after.runs !== null ? before.runs + after.runs : null,
          beforeRuns: before.runs,
          beforeBad: before.bad,
          afterRuns: after.runs,
          afterBad: after.bad,
        };
      }
    }
  }
  const before = toFraction(detailNumber(c, "failureRateBefore"));
  const after = toFraction(detailNumber(c, "failureRateAfter"));
  if (before === null || after === null) return null;
  const runs = detailNumber(c, "runs", "totalRuns");
  const runsBefore = detailNumber(c, "runsBefore");
  const runsAfter = detailNumber(c, "runsAfter");
  const total = runs ?? (runsBefore !== null && runsAfter !== null ? runsBefore + runsAfter : null);
  return {
    job: detailString(c, "job", "workflow", "check", "test"),
    branch: detailString(c, "branch"),
    before,
    after,
    runs: total,
    beforeRuns: runsBefore,
    beforeBad: null,
    afterRuns: runsAfter,
    afterBad: null,
  };
}

function windowOf(v: unknown): { rate: number; runs: number | null; bad: number | null } | null {
  if (v === null || typeof v !== "object") return null;
  const w = v as Record<string, unknown>;
  const rate = toFraction(typeof w["rate"] === "number" && Number.isFinite(w["rate"]) ? w["rate"] : null);
  if (rate === null) return null;
  const runs = typeof w["runs"] === "number" && Number.isFinite(w["runs"]) && w["runs"] >= 0 ? w["runs"] : null;
  const bad = typeof w["bad"] === "number" && Number.isFinite(w["bad"]) && w["bad"] >= 0 ? w["bad"] : null;
  return { rate, runs, bad: runs !== null && bad !== null && bad <= runs ? bad : null };
}

/** What makes two pieces of glue work "the same recurring problem"; null when unknown. */
export function recurrenceKey(c: Contribution): string | null {
  return detailString(c, "recurrenceKey", "problemKey", "check", "job", "workflow", "test", "topic", "question");
}

/** The people a co-authorship contribution paired with (`pairedWith`), when the detector named them. */
export function pairedWith(c: Contribution): string[] {
  return detailStrings(c, "pairedWith");
}

/** The people a mentoring contribution helped, when the detector named them. */
export function mentees(c: Contribution): string[] {
  const one = detailString(c, "mentee", "newcomer");
  return [...(one ? [one] : []), ...detailStrings(c, "mentees")];
}

/** Top-level areas (first path segment) the contribution touched; "(root)" for files at the top. */
export function pathAreas(c: Contribution): string[] {
  const areas = new Set<string>();
  const commentPaths = commentRecords(c)
    .map((r) => r["path"])
    .filter((p): p is string => typeof p === "string" && p.trim() !== "");
  for (const p of [...detailStrings(c, "paths"), ...commentPaths]) {
    const clean = p.replace(/^\/+/, "");
    const slash = clean.indexOf("/");
    areas.add(slash === -1 ? "(root)" : clean.slice(0, slash));
  }
  return [...areas].sort();
}

/** "12%", "2.5%", "<0.1%". */
export function formatPercent(fraction: number): string {
  const pct = fraction * 100;
  if (pct > 0 && pct < 0.1) return "<0.1%";
  const oneDecimal = Math.round(pct * 10) / 10;
  if (pct >= 10 || Number.isInteger(oneDecimal)) return `${Math.round(pct)}%`;
  return `${oneDecimal.toFixed(1)}%`;
}

function toFraction(v: number | null): number | null {
  if (v === null || v < 0) return null;
  if (v > 1) return v <= 100 ? v / 100 : null;
  return v;
}

/** Issue numbers a triage contribution names as the same question answered before (`similarAnswered`). */
export function similarIssues(c: Pick<Contribution, "detail">): number[] {
  const v = c.detail?.["similarAnswered"];
  if (!Array.isArray(v)) return [];
  return v.filter((n): n is number => typeof n === "number" && Number.isInteger(n) && n > 0);
}

/** The URL (as normalizeUrl compares it) of issue `n` in the repository of an issue or pull request URL. */
export function issueNumberUrl(subjectUrl: string, n: number): string | null {
  const m = /^(https?:\/\/[^/]+\/[^/]+\/[^/]+)\/(?:issues|pull)\/\d+/i.exec(subjectUrl.trim());
  if (!m) return null;
  return normalizeUrl(`${m[1]}/issues/${n}`);
}

/** A flaky-test fix as a manual re-run contribution names it. */
export interface RerunFix {
  title: string;
  url: string;
  author: string;
  mergedAt: string;
}

/** What a manual CI re-run contribution (one person, one workflow, one month) recorded. */
export interface RerunSummary {
  workflow: string | null;
  reruns: number;
  passedAfterFailure: number;
  lastRerunAt: string | null;
  laterFix: RerunFix | null;
  priorFix: RerunFix | null;
  rerunsAfterFix: number;
}

function fixOf(v: unknown): RerunFix | null {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return null;
  const f = v as Record<string, unknown>;
  const str = (x: unknown): string | null => (typeof x === "string" && x.trim() !== "" ? x.trim() : null);
  const title = str(f["title"]);
  const url = str(f["url"]);
  const author = str(f["author"]);
  const mergedAt = str(f["mergedAt"]);
  if (!title || !url || !author || !mergedAt || Number.isNaN(Date.parse(mergedAt))) return null;
  return { title, url, author, mergedAt };
}

/** A manual CI re-run contribution's figures; null for other kinds or when it recorded no count. */
export function rerunSummary(c: Contribution): RerunSummary | null {
  if (c.kind !== "ci-rerun") return null;
  const reruns = detailNumber(c, "reruns");
  if (reruns === null || reruns < 0) return null;
  const last = detailString(c, "lastRerunAt");
  return {
    workflow: detailString(c, "workflow", "check"),
    reruns,
    passedAfterFailure: Math.max(0, detailNumber(c, "passedAfterFailure") ?? 0),
    lastRerunAt: last !== null && !Number.isNaN(Date.parse(last)) ? last : null,
    laterFix: fixOf(c.detail?.["laterFix"]),
    priorFix: fixOf(c.detail?.["priorFix"]),
    rerunsAfterFix: Math.max(0, detailNumber(c, "rerunsAfterFix") ?? 0),
  };
}

/** Re-runs recorded by a set of manual CI re-run contributions (each counted once). */
export function rerunCount(parts: readonly Contribution[]): number {
  const seen = new Set<string>();
  let n = 0;
  for (const p of parts) {
    if (seen.has(p.key)) continue;
    seen.add(p.key);
    n += rerunSummary(p)?.reruns ?? 0;
  }
  return n;
}
