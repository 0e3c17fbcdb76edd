/**
 * The team report as one self-contained HTML page, with inline SVG charts
 * where a picture says more than a table (each followed by the table).
 */
import { firstDayOf, lastDayOf } from "../core/report/period.js";
import { glueKindHeading } from "../core/report/glue.js";
import type { TeamReport } from "../core/report/report-model.js";
import { changeHeading, day, percent, previousCell, previousHeading, trendWord } from "./format.js";
import { htmlDocument, htmlLogin, htmlTable, t, userText } from "./html-kit.js";
import { inlineHtml } from "./render-person-html.js";
import { monthKindsOf } from "./render-team-markdown.js";
import { columnChart, CONCENTRATION_COLORS, DEPTH_COLORS, stackedBarChart } from "./svg-charts.js";

const LEVELS = ["rubber-stamp", "light", "substantive", "deep"] as const;

export function renderTeamHtml(report: TeamReport): string {
  const b: string[] = [];
  const range = `${firstDayOf(report.period)} – ${lastDayOf(report.period)}`;
  b.push("<header>");
  b.push(`<h1>Team glue-work report: ${t(report.period.label)}</h1>`);
  const meta = [
    report.period.label === range ? range : `${report.period.label} (${range})`,
    report.generatedAt ? `generated ${day(report.generatedAt)}` : "",
    `${report.people.length} ${report.people.length === 1 ? "person" : "people"}`,
    `${report.coverage.repositories.length} ${report.coverage.repositories.length === 1 ? "repository" : "repositories"} covered`,
  ].filter((s) => s !== "");
  b.push(`<p class="meta">${t(meta.join(" · "))}</p>`);
  b.push(`<p class="note">${t(report.orderingNote)}</p>`);
  b.push("</header>");
  b.push("<main>");

  b.push('<section aria-labelledby="summary">');
  b.push('<h2 id="summary">Summary</h2>');
  b.push(`<p class="headline">${t(report.summary.headline)}</p>`);
  if (report.summary.lines.length > 0) b.push(`<ul>${report.summary.lines.map((l) => `<li>${inlineHtml(l.parts)}</li>`).join("")}</ul>`);
  b.push("</section>");

  // Review depth.
  const rd = report.reviewDepth;
  b.push('<section aria-labelledby="review-depth">');
  b.push('<h2 id="review-depth">Review depth per reviewer</h2>');
  const reviewers = rd.rows.filter((r) => r.reviews > 0);
  if (rd.totalReviews === 0 && rd.rows.every((r) => r.loadReviews === 0)) {
    b.push('<p class="muted">No reviews recorded this period.</p>');
  } else {
    if (reviewers.length > 0) {
      b.push("<figure>");
      b.push(
        stackedBarChart({
          id: "chart-depth",
          title: "Review depth per reviewer",
          description: reviewers
            .map((r) => `@${r.login}: ${r.depth["rubber-stamp"]} rubber-stamp, ${r.depth.light} light, ${r.depth.substantive} substantive, ${r.depth.deep} deep`)
            .join("; "),
          series: LEVELS.map((l) => ({ key: l, label: l, color: DEPTH_COLORS[l] ?? "#424a53" })),
          rows: reviewers.map((r) => ({ label: `@${r.login}`, values: LEVELS.map((l) => r.depth[l]) })),
        }),
      );
      b.push("<figcaption>Reviews per reviewer, split by depth. The same numbers are in the table below.</figcaption>");
      b.push("</figure>");
    }
    b.push(
      htmlTable({
        caption: "Review depth and load per reviewer",
        headers: [
          { html: "Reviewer" },
          { html: "Reviews", numeric: true },
          { html: "Rubber-stamp", numeric: true },
          { html: "Light", numeric: true },
          { html: "Substantive", numeric: true },
          { html: "Deep", numeric: true },
          { html: "Substantive or deep", numeric: true },
          { html: "Comments that led to changes", numeric: true },
          { html: "Share of review load", numeric: true },
        ],
        rows: rd.rows.map((r) => [
          { html: htmlLogin(r.login) },
          { html: String(r.reviews), numeric: true },
          { html: String(r.depth["rubber-stamp"]), numeric: true },
          { html: String(r.depth.light), numeric: true },
          { html: String(r.depth.substantive), numeric: true },
          { html: String(r.depth.deep), numeric: true },
          { html: t(percent(r.depthShare)), numeric: true },
          { html: r.commentCount === null ? "" : t(`${r.commentsLedToChange ?? 0} of ${r.commentCount}`), numeric: true },
          { html: t(percent(r.loadShare)), numeric: true },
        ]),
      }),
    );
  }
  b.push("</section>");

  // Distribution.
  b.push('<section aria-labelledby="distribution">');
  b.push('<h2 id="distribution">How glue work is spread across the team</h2>');
  if (report.distribution.length === 0) {
    b.push('<p class="muted">No glue work recorded this period.</p>');
  } else {
    const flagged = report.distribution.filter((d) => d.heroBottleneck);
    if (flagged.length > 0) {
      b.push(`<ul>${flagged.map((d) => `<li><strong>Possible hero bottleneck in ${t(d.label.toLowerCase())}.</strong> ${t(d.flags.join(" "))}</li>`).join("")}</ul>`);
    }
    b.push("<figure>");
    // Concentration is the point: the person who did the most, the next, and everyone else
    // (one colour per person stops being readable past a handful of people).
    const ranked = report.distribution.map((d) => {
      const sorted = [...d.perPerson].filter((p) => p.count > 0).sort((a, b) => b.count - a.count || a.login.localeCompare(b.login, "en"));
      const top = sorted[0] ?? null;
      const next = sorted[1] ?? null;
      const rest = sorted.slice(2).reduce((n, p) => n + p.count, 0);
      return { d, top, next, rest, others: sorted.length - 2 };
    });
    b.push(
      stackedBarChart({
        id: "chart-distribution",
        title: "How concentrated each kind of glue work is",
        description: report.distribution
          .map((d) => `${d.label}: ${d.perPerson.filter((p) => p.count > 0).map((p) => `@${p.login} ${p.count}`).join(", ")} (Gini ${d.gini.toFixed(2)})`)
          .join("; "),
        series: [
          { key: "top", label: "Did the most", color: CONCENTRATION_COLORS.top },
          { key: "next", label: "Next", color: CONCENTRATION_COLORS.next },
          { key: "rest", label: "Everyone else", color: CONCENTRATION_COLORS.rest },
        ],
        rows: ranked.map((r) => ({
          label: r.d.label,
          values: [r.top?.count ?? 0, r.next?.count ?? 0, r.rest],
          names: [r.top ? `@${r.top.login}` : null, r.next ? `@${r.next.login}` : null, r.others > 0 ? `${r.others} ${r.others === 1 ? "other" : "others"}` : null],
        })),
        percent: true,
      }),
    );
    b.push(
      "<figcaption>Each bar is one kind of glue work (100% = all items of that kind): the share of the person who did the most, of the next, and of everyone else together. Who did what is in the tables below.</figcaption>",
    );
    b.push("</figure>");
    b.push(
      htmlTable({
        caption: "Concentration per kind of glue work",
        headers: [
          { html: "Kind of glue work" },
          { html: "Rubric category" },
          { html: "Items", numeric: true },
          { html: "Most by one person" },
          { html: "Gini coefficient", numeric: true },
          { html: "Flag" },
        ],
        rows: report.distribution.map((d) => [
          { html: t(d.label) },
          { html: userText(d.category, 200) },
          { html: String(d.total), numeric: true },
          { html: d.topLogin ? `${htmlLogin(d.topLogin)} (${t(percent(d.topShare))})` : "" },
          { html: d.gini.toFixed(2), numeric: true },
          // The reasons are in the list above the chart; here a short flag keeps the table readable.
          { html: d.heroBottleneck ? `<strong>Possible hero bottleneck</strong>${d.trapCount > 0 ? t(` (${d.trapCount} a trap)`) : ""}` : "" },
        ]),
      }),
    );
    const kinds = report.distribution.map((d) => d.kind);
    b.push(
      htmlTable({
        caption: "Glue work per person and kind",
        headers: [{ html: "Person" }, ...report.distribution.map((d) => ({ html: t(d.label), numeric: true })), { html: "All", numeric: true }],
        rows: report.people.map((p) => [
          { html: htmlLogin(p.login) },
          ...kinds.map((k) => ({ html: String(p.byKind[k] ?? 0), numeric: true })),
          { html: String(p.items), numeric: true },
        ]),
      }),
    );
  }
  b.push("</section>");

  // Areas.
  b.push('<section aria-labelledby="areas">');
  b.push('<h2 id="areas">Areas with no reviewer depth</h2>');
  if (report.shallowAreas.length === 0) {
    b.push(`<p class="muted">${rd.totalReviews === 0 ? "No reviews recorded this period." : "Every reviewed area had at least one substantive or deep review."}</p>`);
  } else {
    b.push(
      htmlTable({
        caption: "Areas where every review was rubber-stamp or light",
        headers: [{ html: "Area" }, { html: "Reviews", numeric: true }, { html: "Rubber-stamp", numeric: true }, { html: "Light", numeric: true }],
        rows: report.shallowAreas.map((a) => [
          { html: userText(a.area, 200) },
          { html: String(a.reviews), numeric: true },
          { html: String(a.depth["rubber-stamp"]), numeric: true },
          { html: String(a.depth.light), numeric: true },
        ]),
      }),
    );
  }
  b.push("</section>");

  // Trends.
  b.push('<section aria-labelledby="trends">');
  b.push('<h2 id="trends">Trends</h2>');
  b.push('<h3 id="trends-previous">This period against the previous one</h3>');
  b.push(`<p>${t(report.trends.message)}</p>`);
  if (report.trends.hasPreviousData && report.trends.byKind.length > 0) {
    b.push(
      htmlTable({
        caption: "Glue work per kind, this period and the previous one",
        headers: [
          { html: "Kind" },
          { html: t(report.period.label), numeric: true },
          { html: t(previousHeading(report.previousPeriod?.label ?? "Previous period", report.trends.previousRecorded)), numeric: true },
          { html: t(changeHeading(report.trends.previousRecorded)) },
        ],
        rows: report.trends.byKind.map((r) => [
          { html: t(r.label) },
          { html: String(r.current), numeric: true },
          { html: t(previousCell(r)), numeric: true },
          { html: t(trendWord(r.countTrend)) },
        ]),
      }),
    );
  }
  b.push('<h3 id="trends-months">Month by month</h3>');
  const months = report.trends.months;
  b.push("<figure>");
  b.push(
    columnChart({
      id: "chart-months",
      title: "Glue work per month",
      description: months.map((m) => `${m.label}: ${m.total}`).join("; "),
      color: "#0969da",
      columns: months.map((m) => ({ label: m.label, value: m.total })),
    }),
  );
  b.push("<figcaption>Pieces of glue work per calendar month (UTC). The same numbers, per kind, are in the table below.</figcaption>");
  b.push("</figure>");
  const monthKinds = monthKindsOf(report);
  b.push(
    htmlTable({
      caption: "Glue work per month and kind",
      headers: [{ html: "Month" }, { html: "All", numeric: true }, ...monthKinds.map((k) => ({ html: t(glueKindHeading(k)), numeric: true }))],
      rows: months.map((m) => [
        { html: t(m.label) },
        { html: String(m.total), numeric: true },
        ...monthKinds.map((k) => ({ html: String(m.byKind[k] ?? 0), numeric: true })),
      ]),
    }),
  );
  b.push("</section>");

  b.push('<section aria-labelledby="coverage">');
  b.push('<h2 id="coverage">Repositories covered</h2>');
  b.push(`<p>${t(report.coverage.description)}</p>`);
  if (report.coverage.repositories.length > 0) {
    b.push(`<ul>${report.coverage.repositories.map((r) => `<li>${userText(r.fullName, 200)}${r.private ? " (private)" : ""}</li>`).join("")}</ul>`);
  }
  b.push("</section>");

  b.push('<section aria-labelledby="how-computed">');
  b.push('<h2 id="how-computed">How these numbers are computed</h2>');
  b.push(`<dl>${report.howComputed.map((e) => `<dt><strong>${t(e.title)}</strong></dt><dd>${t(e.text)}</dd>`).join("")}</dl>`);
  b.push("</section>");
  b.push("</main>");
  return htmlDocument(`Team glue-work report: ${report.period.label}`, b.join("\n"));
}
