/**
 * What the scale generator's files share: the row sink, the id bases of
 * each table, the time units, ISO timestamps and capitalisation.
 */
import type { ScaleTable } from "./tables.js";

export type RowSink = (table: ScaleTable, row: unknown[]) => void;

export const ORG_ID = 90_000_001;
export const PERSON_BASE = 10_000_000;
export const REPO_BASE = 600_000_000;
export const PR_BASE = 1_500_000_000;
export const REVIEW_BASE = 3_000_000_000;
export const COMMENT_BASE = 4_000_000_000;
export const CHECK_BASE = 5_000_000_000;
export const WORKFLOW_BASE = 6_000_000_000;
export const ISSUE_BASE = 7_000_000_000;
export const ISSUE_COMMENT_BASE = 8_000_000_000;
export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

const dayPrefix = new Map<number, string>();
const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
/** ISO 8601 with milliseconds, like Date#toISOString, for whole seconds (several times faster: the day part is cached). */
export function ISO(ms: number): string {
  const s = Math.floor(ms / 1000);
  const day = Math.floor(s / 86_400);
  let prefix = dayPrefix.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY).toISOString().slice(0, 11);
    dayPrefix.set(day, prefix);
  }
  const sec = s - day * 86_400;
  return `${prefix}${pad2(Math.floor(sec / 3600))}:${pad2(Math.floor((sec % 3600) / 60))}:${pad2(sec % 60)}.000Z`;
}

export function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
