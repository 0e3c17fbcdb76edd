/**
 * CSV (RFC 4180, CRLF line ends) for spreadsheets and scripts. Text cells a
 * spreadsheet would evaluate as a formula are neutralised (see csvText);
 * quoting is csv-stringify's.
 *
 * Person: one row per piece of evidence (detected items, then the person's own
 * entries and peers' endorsements not attached to an item).
 * Team: one row per person, login first.
 * URLs that are not http(s) are left out, so a spreadsheet never offers a `javascript:` link.
 */
import { ALL_KINDS } from "../core/report/rubric.js";
import type { AnnotationView, PersonReport, TeamReport } from "../core/report/report-model.js";
import { csvDocument, safeUrl, type CsvValue } from "./escape.js";

export const PERSON_CSV_COLUMNS = [
  "source",
  "category",
  "kind",
  "title",
  "url",
  "repository",
  "occurred_at",
  "score",
  "level",
  "dynamics",
  "friction",
  "change",
  "improvement",
  "beneficiaries",
  "proof",
  "signals",
  "standing",
  "endorsed_by",
  "notes",
  "disputes",
  "merged_count",
] as const;

export function renderPersonCsv(report: PersonReport): string {
  const rows: CsvValue[][] = [[...PERSON_CSV_COLUMNS]];
  for (const category of report.categories) {
    for (const item of category.items) {
      rows.push([
        "detected",
        category.name,
        item.kind,
        item.title,
        safeUrl(item.url) ?? "",
        item.repository,
        item.occurredAt,
        item.score,
        item.level ?? "",
        item.dynamics,
        item.formula.friction,
        item.formula.change,
        item.formula.improvement,
        item.formula.beneficiaries.join("; "),
        item.formula.proof.map((p) => (p.url && safeUrl(p.url) ? `${p.label} <${safeUrl(p.url)}>` : p.label)).join("; "),
        item.signals.join("; "),
        item.corroborated ? "corroborated" : "detected",
        item.endorsedBy.join("; "),
        item.annotations.map(annotationText).join(" | "),
        item.disputes.map(annotationText).join(" | "),
        item.mergedKeys.length,
      ]);
    }
  }
  for (const v of [...report.ownWords, ...report.endorsements, ...report.otherDisputes]) {
    rows.push([
      v.byPerson ? "self" : "peer",
      "",
      v.kind,
      v.text,
      safeUrl(v.link) ?? "",
      v.repository ?? "",
      v.createdAt,
      null,
      "",
      "",
      "",
      "",
      "",
      "",
      "",
      "",
      v.standing,
      v.kind === "endorse" && !v.byPerson ? v.authorLogin : "",
      "",
      "",
      null,
    ]);
  }
  return csvDocument(rows);
}

function annotationText(v: AnnotationView): string {
  return `${v.kind} by @${v.authorLogin} (${v.standing}): ${v.text}`;
}

export function renderTeamCsv(report: TeamReport): string {
  const header = [
    "login",
    "name",
    "items",
    "total_score",
    ...ALL_KINDS.map((k) => `kind_${k.replace(/-/g, "_")}`),
    "reviews",
    "review_rubber_stamp",
    "review_light",
    "review_substantive",
    "review_deep",
    "review_unknown_depth",
    "review_depth_share",
    "review_comments",
    "review_comments_led_to_change",
    "review_load_reviews",
    "review_load_share",
  ];
  const rows: CsvValue[][] = [header];
  const depthOf = new Map(report.reviewDepth.rows.map((r) => [r.personId, r]));
  for (const p of report.people) {
    const r = depthOf.get(p.personId);
    rows.push([
      p.login,
      p.name ?? "",
      p.items,
      p.totalScore,
      ...ALL_KINDS.map((k) => p.byKind[k] ?? 0),
      r?.reviews ?? 0,
      r?.depth["rubber-stamp"] ?? 0,
      r?.depth.light ?? 0,
      r?.depth.substantive ?? 0,
      r?.depth.deep ?? 0,
      r?.depth.unknown ?? 0,
      r?.depthShare === null || r?.depthShare === undefined ? null : round(r.depthShare),
      r?.commentCount ?? null,
      r?.commentsLedToChange ?? null,
      r?.loadReviews ?? 0,
      r ? round(r.loadShare) : 0,
    ]);
  }
  return csvDocument(rows);
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
