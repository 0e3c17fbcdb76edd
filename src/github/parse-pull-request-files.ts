/**
 * REST's list of a pull request's files (`GET /repos/{o}/{r}/pulls/{n}/files`)
 * → file rows. The API is input from outside: entries without a file name are
 * skipped, sizes that are not sane counts become 0, NULs are dropped, and
 * each patch is capped so a generated file cannot bloat the store.
 */

export interface PullRequestFileRow {
  path: string;
  status: string;
  additions: number;
  deletions: number;
  patch: string | null;
}

export const MAX_PATCH_CHARS = 200_000;
const MAX_PATH_CHARS = 4096;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
// eslint-disable-next-line no-control-regex
const noNul = (s: string) => s.replace(/\u0000/g, "");

/** A line count for an int4 column: anything that is not a sane non-negative integer is 0. */
export function lineCount(v: unknown): number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 2_147_483_647 ? v : 0;
}

export function parsePullRequestFiles(rows: readonly unknown[]): PullRequestFileRow[] {
  const out: PullRequestFileRow[] = [];
  for (const f of rows) {
    if (!isRecord(f) || typeof f.filename !== "string" || !f.filename) continue;
    out.push({
      path: noNul(f.filename).slice(0, MAX_PATH_CHARS),
      status: typeof f.status === "string" ? noNul(f.status).slice(0, 40) : "modified",
      additions: lineCount(f.additions),
      deletions: lineCount(f.deletions),
      patch: typeof f.patch === "string" ? noNul(f.patch).slice(0, MAX_PATCH_CHARS) : null,
    });
  }
  return out;
}
