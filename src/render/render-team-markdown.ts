/**
 * The team report as Markdown: review depth, load, how glue work is spread,
 * areas without reviewer depth, trends, and how each number is computed.
 */
import { firstDayOf, lastDayOf } from "../core/report/period.js";
import { glueKindHeading } from "../core/report/glue.js";
import type { TeamReport } from "../core/report/report-model.js";
import { CONTRIBUTION_KINDS, type ContributionKind } from "../core/model.js";
import { changeHeading, day, percent, previousCell, previousHeading, trendWord } from "./format.js";
import { inlineMarkdown, md } from "./render-person-markdown.js";

export function renderTeamMarkdown(report: TeamReport): string {
  const out: string[] = [];
  out.push(`# Team glue-work report: ${md(report.period.label)}`, "");
  const range = `${firstDayOf(report.period)} – ${lastDayOf(report.period)}`;
  const meta = [
    report.period.label === range ? report.period.label : `${report.period.label} (${range})`,
    report.generatedAt ? `generated ${day(report.generatedAt)}` : "",
    `${report.people.length} ${report.people.length === 1 ? "person" : "people"}`,
    `${report.coverage.repositories.length} ${report.coverage.repositories.length === 1 ? "repository" : "repositories"} covered`,
  ].filter((s) => s !== "");
  out.push(md(meta.join(" · ")), "");
  out.push(`_${md(report.orderingNote)}_`, "");

  out.push("## Summary", "");
  out.push(`**${md(report.summary.headline)}**`, "");
  for (const line of report.summary.lines) out.push(`- ${inlineMarkdown(line.parts)}`);
  if (report.summary.lines.length > 0) out.push("");

  out.push("## Review depth per reviewer", "");
  const rd = report.reviewDepth;
  if (rd.totalReviews === 0 && rd.rows.every((r) => r.loadReviews === 0)) {
    out.push("_No reviews recorded this period._", "");
  } else {
    out.push("| Reviewer | Reviews | Rubber-stamp | Light | Substantive | Deep | Substantive or deep | Comments that led to changes | Share of review load |");
    out.push("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const r of rd.rows) {
      const comments = r.commentCount === null ? "" : `${r.commentsLedToChange ?? 0} of ${r.commentCount}`;
      out.push(
        `| ${md(`@${r.login}`, 100)} | ${r.reviews} | ${r.depth["rubber-stamp"]} | ${r.depth.light} | ${r.depth.substantive} | ${r.depth.deep} | ${percent(r.depthShare)} | ${comments} | ${percent(r.loadShare)} |`,
      );
    }
    out.push(
      `| **Team** | ${rd.totalReviews} | ${rd.totals["rubber-stamp"]} | ${rd.totals.light} | ${rd.totals.substantive} | ${rd.totals.deep} | ${rd.totalReviews === 0 ? "" : percent((rd.totals.substantive + rd.totals.deep) / rd.totalReviews)} | ${teamComments(rd.rows)} | 100% |`,
    );
    out.push("");
    if (rd.totals.unknown > 0) out.push(`_${rd.totals.unknown} reviews had no depth level recorded._`, "");
  }

  out.push("## How glue work is spread across the team", "");
  if (report.distribution.length === 0) {
    out.push("_No glue work recorded this period._", "");
  } else {
    out.push("| Kind of glue work | Rubric category | Items | Most by one person | Gini coefficient | Flag |");
    out.push("| --- | --- | ---: | --- | ---: | --- |");
    for (const d of report.distribution) {
      const top = d.topLogin ? `${md(`@${d.topLogin}`, 100)} (${percent(d.topShare)})` : "";
      out.push(
        `| ${md(d.label)} | ${md(d.category, 200)} | ${d.total} | ${top} | ${d.gini.toFixed(2)} | ${d.heroBottleneck ? `**Possible hero bottleneck.** ${md(d.flags.join(" "))}` : ""} |`,
      );
    }
    out.push("");
    const kinds = report.distribution.map((d) => d.kind);
    out.push(`| Person | ${report.distribution.map((d) => md(d.label)).join(" | ")} | All |`);
    out.push(`| --- | ${kinds.map(() => "---:").join(" | ")} | ---: |`);
    for (const p of report.people) {
      out.push(`| ${md(`@${p.login}`, 100)} | ${kinds.map((k) => String(p.byKind[k] ?? 0)).join(" | ")} | ${p.items} |`);
    }
    out.push("");
  }

  out.push("## Areas with no reviewer depth", "");
  if (report.shallowAreas.length === 0) {
    out.push(rd.totalReviews === 0 ? "_No reviews recorded this period._" : "_Every reviewed area had at least one substantive or deep review._", "");
  } else {
    out.push("| Area | Reviews | Rubber-stamp | Light |");
    out.push("| --- | ---: | ---: | ---: |");
    for (const a of report.shallowAreas) {
      out.push(`| ${md(a.area, 200)} | ${a.reviews} | ${a.depth["rubber-stamp"]} | ${a.depth.light} |`);
    }
    out.push("");
  }

  out.push("## Trends", "");
  out.push("### This period against the previous one", "");
  out.push(md(report.trends.message), "");
  if (report.trends.hasPreviousData && report.trends.byKind.length > 0) {
    const recorded = report.trends.previousRecorded;
    out.push(`| Kind | ${md(report.period.label)} | ${md(previousHeading(report.previousPeriod?.label ?? "Previous", recorded))} | ${changeHeading(recorded)} |`);
    out.push("| --- | ---: | ---: | --- |");
    for (const r of report.trends.byKind) out.push(`| ${md(r.label)} | ${r.current} | ${previousCell(r)} | ${trendWord(r.countTrend)} |`);
    out.push("");
  }
  out.push("### Month by month", "");
  const monthKinds = monthKindsOf(report);
  out.push(row(["Month", "All", ...monthKinds.map((k) => md(glueKindHeading(k)))]));
  out.push(row(["---", "---:", ...monthKinds.map(() => "---:")]));
  for (const m of report.trends.months) {
    out.push(row([md(m.label), String(m.total), ...monthKinds.map((k) => String(m.byKind[k] ?? 0))]));
  }
  out.push("");

  out.push("## Repositories covered", "");
  out.push(md(report.coverage.description), "");
  for (const r of report.coverage.repositories) out.push(`- ${md(r.fullName, 200)}${r.private ? " (private)" : ""}`);
  if (report.coverage.repositories.length > 0) out.push("");

  out.push("## How these numbers are computed", "");
  for (const e of report.howComputed) out.push(`- **${md(e.title)}:** ${md(e.text)}`);
  out.push("");
  return out.join("\n");
}

/** The kinds that occur in some month, in the canonical order. */
export function monthKindsOf(report: TeamReport): ContributionKind[] {
  const seen = new Set<ContributionKind>();
  for (const m of report.trends.months) for (const [k, n] of Object.entries(m.byKind)) if ((n ?? 0) > 0) seen.add(k as ContributionKind);
  return CONTRIBUTION_KINDS.filter((k) => seen.has(k));
}

function row(cells: string[]): string {
  return `| ${cells.join(" | ")} |`;
}

function teamComments(rows: TeamReport["reviewDepth"]["rows"]): string {
  const withComments = rows.filter((r) => r.commentCount !== null);
  if (withComments.length === 0) return "";
  const total = withComments.reduce((n, r) => n + (r.commentCount ?? 0), 0);
  const led = withComments.reduce((n, r) => n + (r.commentsLedToChange ?? 0), 0);
  return `${led} of ${total}`;
}
