/**
 * The evidence packet as Markdown, ready to paste into a promotion case:
 * headings, bullets with links, no HTML. Everything from GitHub is escaped.
 */
import type { AnnotationView, EvidenceItem, Inline, OmittedCounts, PersonReport } from "../core/report/report-model.js";
import { firstDayOf, lastDayOf } from "../core/report/period.js";
import { escapeMarkdown, markdownCode, markdownLink, MAX_TEXT, MAX_TITLE, safeUrl } from "./escape.js";
import { ANNOTATION_NAMES, averageCell, changeHeading, day, itemFacts, previousCell, previousHeading, signalsHeading, standingLabel, trendWord } from "./format.js";

/** Escaped text (ours or GitHub's) for Markdown. */
export function md(value: unknown, max = 10_000): string {
  return escapeMarkdown(value, max);
}

/** Rich text as Markdown. */
export function inlineMarkdown(parts: Inline[]): string {
  return parts
    .map((p) => {
      // Escaping trims; keep the spaces that separate this part from its neighbours.
      const before = /^\s/.test(p.text) ? " " : "";
      const after = /\s$/.test(p.text) ? " " : "";
      const body = p.type === "code" ? markdownCode(p.text) : p.type === "link" ? markdownLink(p.text, p.url) : md(p.text);
      return `${before}${body}${after}`;
    })
    .join("");
}

export function renderPersonMarkdown(report: PersonReport): string {
  const out: string[] = [];
  const who = report.person.name ? `${md(report.person.name, 200)} (${md(`@${report.person.login}`, 100)})` : md(`@${report.person.login}`, 100);
  out.push(`# Glue-work evidence: ${who}`, "");
  out.push(
    `${md(periodLine(report))} · generated ${day(report.generatedAt)} · ${report.coverage.repositories.length} ${report.coverage.repositories.length === 1 ? "repository" : "repositories"} covered`,
    "",
  );

  out.push("## Summary", "");
  out.push(`**${md(report.summary.headline)}**`, "");
  for (const line of report.summary.lines) out.push(`- ${inlineMarkdown(line.parts)}`);
  if (report.summary.lines.length > 0) out.push("");

  out.push("## Evidence by rubric category", "");
  for (const category of report.categories) {
    out.push(`### ${md(category.name, 200)}`, "");
    if (category.items.length === 0) {
      out.push(category.total === 0 ? "_Nothing detected in this category this period._" : "_Nothing here strong enough to list._", "");
    }
    for (const item of category.items) out.push(...renderItem(item));
    if (category.items.length > 0) out.push("");
    const omitted = omittedSentence(category.omitted, report.scoreThreshold);
    if (omitted) out.push(`_${md(omitted)}_`, "");
  }

  out.push("## In their own words, and from peers", "");
  const words = [...report.ownWords, ...report.endorsements];
  if (words.length === 0) {
    out.push("_No notes, claims, log entries or endorsements beyond those shown with the evidence above._", "");
  } else {
    for (const v of words) out.push(`- ${annotationLine(v)}`);
    out.push("");
  }
  if (report.otherDisputes.length > 0) {
    out.push("**Disputes about work not listed in this report:**", "");
    for (const v of report.otherDisputes) out.push(`- ${annotationLine(v)}`);
    out.push("");
  }

  out.push("## Compounding or trap", "");
  out.push(md(report.dynamics.text), "");
  if (report.dynamics.compounding.length > 0) {
    out.push("Work that compounds:", "");
    for (const c of report.dynamics.compounding) out.push(`- ${markdownLink(c.title, c.url)}`);
    out.push("");
  }
  if (report.dynamics.findings.length > 0) out.push("Work that keeps recurring:", "");
  for (const f of report.dynamics.findings) {
    out.push(`- **${md(f.text)}**`);
    out.push(`  - Suggested systemic fix: ${md(f.suggestion)}`);
    const links = f.items.slice(0, 6).map((i) => markdownLink(i.title, i.url, 80));
    if (links.length > 0) out.push(`  - Occurrences: ${links.join("; ")}${f.items.length > links.length ? `; and ${f.items.length - links.length} more` : ""}`);
  }
  if (report.dynamics.findings.length > 0) out.push("");

  out.push(`## Compared with the previous period`, "");
  out.push(md(report.comparison.message), "");
  if (report.comparison.hasPreviousData) {
    const recorded = report.comparison.previousRecorded;
    const prevLabel = md(previousHeading(report.comparison.previousPeriod?.label ?? "Previous", recorded));
    const change = changeHeading(recorded);
    out.push(`| Rubric category | ${md(report.period.label)} | ${prevLabel} | ${change} | Average score | Before |`);
    out.push("| --- | ---: | ---: | --- | ---: | ---: |");
    for (const r of report.comparison.byCategory) {
      out.push(`| ${md(r.label)} | ${r.current} | ${previousCell(r)} | ${trendWord(r.countTrend)} | ${averageCell(r.currentAverageScore)} | ${averageCell(r.previousAverageScore)} |`);
    }
    out.push("");
    out.push(`| Kind | ${md(report.period.label)} | ${prevLabel} | ${change} | Average score | Before |`);
    out.push("| --- | ---: | ---: | --- | ---: | ---: |");
    for (const r of report.comparison.byKind) {
      out.push(`| ${md(r.label)} | ${r.current} | ${previousCell(r)} | ${trendWord(r.countTrend)} | ${averageCell(r.currentAverageScore)} | ${averageCell(r.previousAverageScore)} |`);
    }
    out.push("");
  }

  out.push("## Repositories covered", "");
  out.push(md(report.coverage.description), "");
  for (const r of report.coverage.repositories) out.push(`- ${md(r.fullName, 200)}${r.private ? " (private)" : ""}`);
  if (report.coverage.repositories.length > 0) out.push("");

  out.push("## How to read this report", "");
  for (const e of report.howToRead) out.push(`- **${md(e.title)}:** ${md(e.text)}`);
  out.push("");
  return out.join("\n");
}

function periodLine(report: PersonReport): string {
  const range = `${firstDayOf(report.period)} – ${lastDayOf(report.period)}`;
  return report.period.label === range ? report.period.label : `${report.period.label} (${range})`;
}

function renderItem(item: EvidenceItem): string[] {
  const lines: string[] = [];
  lines.push(`- **${markdownLink(item.title, item.url, MAX_TITLE)}**: ${md(itemFacts(item))}, ${md(item.repository, 200)}`);
  const f = item.formula;
  if (f.friction) lines.push(`  - Friction before: ${md(f.friction, MAX_TEXT)}`);
  if (f.change) lines.push(`  - What changed: ${md(f.change, MAX_TEXT)}`);
  if (f.improvement) lines.push(`  - What improved: ${md(f.improvement, MAX_TEXT)}`);
  if (f.beneficiaries.length > 0) lines.push(`  - Who benefited: ${f.beneficiaries.map((b) => md(b, 200)).join(", ")}`);
  if (f.proof.length > 0) {
    lines.push(`  - Proof: ${f.proof.map((p) => (p.url ? markdownLink(p.label, p.url) : md(p.label, 300))).join("; ")}`);
  }
  if (item.signals.length > 0) lines.push(`  - ${signalsHeading(item)}: ${item.signals.map((s) => md(s, 500)).join("; ")}`);
  for (const v of item.annotations) lines.push(`  - ${annotationLine(v)}`);
  for (const v of item.disputes) lines.push(`  - ${annotationLine(v)}`);
  return lines;
}

function annotationLine(v: AnnotationView): string {
  const head = v.kind === "dispute" ? "**Disputed**" : `**${ANNOTATION_NAMES[v.kind]}** (${standingLabel(v)})`;
  const by = `${md(`@${v.authorLogin}`, 100)}, ${day(v.createdAt)}`;
  const text = v.text.trim() ? `: “${md(v.text, MAX_TEXT)}”` : "";
  const link = safeUrl(v.link) ? ` ${markdownLink("link", v.link)}` : "";
  // An endorsement corroborates itself; saying so again adds nothing.
  const why = v.corroboration && v.kind !== "endorse" ? ` ${md(v.corroboration, 400)}` : "";
  return `${head} by ${by}${text}${link}${why}`;
}

/** "Not listed: 4 light reviews, 2 rubber-stamp approvals and 1 other item scoring below 25." */
export function omittedSentence(o: OmittedCounts, threshold: number): string | null {
  const parts: string[] = [];
  if (o.lightReviews > 0) parts.push(`${o.lightReviews} light ${o.lightReviews === 1 ? "review" : "reviews"}`);
  if (o.rubberStampReviews > 0) parts.push(`${o.rubberStampReviews} rubber-stamp ${o.rubberStampReviews === 1 ? "approval" : "approvals"}`);
  if (o.belowThreshold > 0) parts.push(`${o.belowThreshold} other ${o.belowThreshold === 1 ? "item" : "items"} scoring below ${threshold}`);
  if (parts.length === 0) return null;
  const list = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
  return `Counted but not listed: ${list}.`;
}
