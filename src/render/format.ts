/**
 * Wording shared by the renderers: dates, levels, trends. Our own words only;
 * anything from GitHub is escaped by the caller for its format.
 */
import type { AnnotationView, ComparisonRow, EvidenceItem, PreviousRecorded, Trend } from "../core/report/report-model.js";

/** "2026-08-14" from an ISO timestamp; "" when unparseable. */
export function day(iso: string | null | undefined): string {
  if (!iso) return "";
  const t = Date.parse(iso);
  return Number.isNaN(t) ? "" : new Date(t).toISOString().slice(0, 10);
}

/** "0.42" → "42%". */
export function percent(fraction: number | null): string {
  if (fraction === null || !Number.isFinite(fraction)) return "";
  return `${Math.round(fraction * 100)}%`;
}

export function trendWord(trend: Trend): string {
  switch (trend) {
    case "up":
      return "up";
    case "down":
      return "down";
    case "same":
      return "same";
    case "new":
      return "new";
    case "gone":
      return "none now";
    default:
      return "";
  }
}

/** "review (deep), score 82, 2026-08-14". Our words; the caller adds the repository. */
export function itemFacts(item: EvidenceItem): string {
  const kind = item.level ? `${item.kindLabel} (${item.level})` : item.kindLabel;
  const facts = [kind, `score ${item.score}`, day(item.occurredAt)].filter((s) => s !== "");
  if (item.dynamics === "trap") facts.push("a trap: absorbs a recurring problem");
  if (item.dynamics === "compounding") facts.push("compounds");
  if (item.listedBecauseAnnotated) facts.push("listed for the note or dispute on it, not counted");
  return facts.join(", ");
}

export const ANNOTATION_NAMES: Readonly<Record<AnnotationView["kind"], string>> = {
  note: "Note",
  claim: "Claim",
  dispute: "Dispute",
  endorse: "Endorsement",
  log: "Log entry",
};

export function standingLabel(v: AnnotationView): string {
  return v.standing === "corroborated" ? "corroborated" : "self-reported";
}

/** A comparison cell: "4 → 9 (up)" style parts. */
export function previousCell(row: ComparisonRow): string {
  return row.previous === null ? "no data" : String(row.previous);
}

export function averageCell(value: number | null): string {
  return value === null ? "" : String(value);
}

/** The previous period's column heading: "2026 Q2", or "2026 Q2 (from 2026-06-01)" when only partly recorded. */
export function previousHeading(label: string, recorded: PreviousRecorded | null): string {
  return recorded ? `${label} (from ${day(recorded.recordedFrom)})` : label;
}

/** The change column heading: per day when the previous period is only partly recorded. */
export function changeHeading(recorded: PreviousRecorded | null): string {
  return recorded && recorded.comparable ? "Change (per day)" : "Change";
}

/** "Why it counts", or, for an item listed only because someone annotated it, "What Unsung saw" (it does not count). */
export function signalsHeading(item: EvidenceItem): string {
  return item.listedBecauseAnnotated ? "What Unsung saw" : "Why it counts";
}
