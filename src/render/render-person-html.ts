/**
 * The evidence packet as one self-contained HTML page: readable on screen and
 * in print, accessible, with no external requests and every piece of GitHub
 * text escaped.
 */
import { firstDayOf, lastDayOf } from "../core/report/period.js";
import type { AnnotationView, EvidenceItem, Inline, PersonReport } from "../core/report/report-model.js";
import { MAX_TEXT, safeUrl } from "./escape.js";
import { ANNOTATION_NAMES, averageCell, changeHeading, day, itemFacts, previousCell, previousHeading, signalsHeading, standingLabel, trendWord } from "./format.js";
import { htmlDocument, htmlLink, htmlLogin, htmlTable, t, userBlock, userText } from "./html-kit.js";
import { omittedSentence } from "./render-person-markdown.js";
import { groupedBarChart } from "./svg-charts.js";

/** Rich text as HTML. */
export function inlineHtml(parts: Inline[]): string {
  return parts
    .map((p) => (p.type === "code" ? `<code>${userText(p.text, 200)}</code>` : p.type === "link" ? htmlLink(p.text, p.url) : t(p.text)))
    .join("");
}

export function renderPersonHtml(report: PersonReport): string {
  const b: string[] = [];
  const name = report.person.name ? `${userText(report.person.name, 200)} (${htmlLogin(report.person.login)})` : htmlLogin(report.person.login);
  const range = `${firstDayOf(report.period)} – ${lastDayOf(report.period)}`;
  b.push("<header>");
  b.push(`<h1>Glue-work evidence: ${name}</h1>`);
  b.push(
    `<p class="meta">${t(report.period.label === range ? range : `${report.period.label} (${range})`)} · generated ${t(day(report.generatedAt))} · ${report.coverage.repositories.length} ${report.coverage.repositories.length === 1 ? "repository" : "repositories"} covered</p>`,
  );
  b.push("</header>");
  b.push("<main>");

  b.push('<section aria-labelledby="summary">');
  b.push('<h2 id="summary">Summary</h2>');
  b.push(`<p class="headline">${t(report.summary.headline)}</p>`);
  if (report.summary.lines.length > 0) {
    b.push(`<ul>${report.summary.lines.map((l) => `<li>${inlineHtml(l.parts)}</li>`).join("")}</ul>`);
  }
  b.push("</section>");

  b.push('<section aria-labelledby="evidence">');
  b.push('<h2 id="evidence">Evidence by rubric category</h2>');
  report.categories.forEach((category, ci) => {
    b.push(`<section aria-labelledby="cat-${ci}">`);
    b.push(`<h3 id="cat-${ci}">${userText(category.name, 200)}</h3>`);
    if (category.items.length === 0) {
      b.push(`<p class="muted">${category.total === 0 ? "Nothing detected in this category this period." : "Nothing here strong enough to list."}</p>`);
    }
    for (const item of category.items) b.push(renderItem(item));
    const omitted = omittedSentence(category.omitted, report.scoreThreshold);
    if (omitted) b.push(`<p class="muted">${t(omitted)}</p>`);
    b.push("</section>");
  });
  b.push("</section>");

  b.push('<section aria-labelledby="own-words">');
  b.push('<h2 id="own-words">In their own words, and from peers</h2>');
  const words = [...report.ownWords, ...report.endorsements];
  b.push(
    words.length === 0
      ? '<p class="muted">No notes, claims, log entries or endorsements beyond those shown with the evidence above.</p>'
      : `<ul>${words.map((v) => `<li>${annotationHtml(v)}</li>`).join("")}</ul>`,
  );
  if (report.otherDisputes.length > 0) {
    b.push("<p><strong>Disputes about work not listed in this report:</strong></p>");
    b.push(report.otherDisputes.map((v) => `<div class="dispute">${annotationHtml(v)}</div>`).join(""));
  }
  b.push("</section>");

  b.push('<section aria-labelledby="dynamics">');
  b.push('<h2 id="dynamics">Compounding or trap</h2>');
  b.push(`<p>${t(report.dynamics.text)}</p>`);
  if (report.dynamics.compounding.length > 0) {
    b.push("<p>Work that compounds:</p>");
    b.push(`<ul>${report.dynamics.compounding.map((c) => `<li>${htmlLink(c.title, c.url)}</li>`).join("")}</ul>`);
  }
  if (report.dynamics.findings.length > 0) {
    b.push("<p>Work that keeps recurring:</p>");
    b.push("<ul>");
    for (const f of report.dynamics.findings) {
      const links = f.items.slice(0, 6).map((i) => htmlLink(i.title, i.url, 80));
      b.push(
        `<li><strong>${t(f.text)}</strong><br>Suggested systemic fix: ${t(f.suggestion)}` +
          (links.length > 0 ? `<br><span class="muted">Occurrences:</span> ${links.join("; ")}${f.items.length > links.length ? `; and ${f.items.length - links.length} more` : ""}` : "") +
          "</li>",
      );
    }
    b.push("</ul>");
  }
  b.push("</section>");

  b.push('<section aria-labelledby="comparison">');
  b.push('<h2 id="comparison">Compared with the previous period</h2>');
  b.push(`<p>${t(report.comparison.message)}</p>`);
  if (report.comparison.hasPreviousData) {
    const recorded = report.comparison.previousRecorded;
    const prevLabel = previousHeading(report.comparison.previousPeriod?.label ?? "Previous period", recorded);
    const rows = report.comparison.byCategory;
    b.push("<figure>");
    b.push(
      groupedBarChart({
        id: "chart-comparison",
        title: `Glue work per rubric category: ${report.period.label} and ${prevLabel}`,
        description: rows.map((r) => `${r.label}: ${r.current} in ${report.period.label}, ${r.previous ?? "no data"} in ${prevLabel}`).join("; "),
        series: [
          { key: "current", label: report.period.label, color: "#0969da" },
          { key: "previous", label: prevLabel, color: "#6e7781" },
        ],
        rows: rows.map((r) => ({ label: r.label, values: [r.current, r.previous] })),
      }),
    );
    b.push(
      `<figcaption>${
        recorded
          ? t(
              `${prevLabel} covers only ${recorded.recordedDays} of ${recorded.periodDays} days, so its bars are short by construction; ${
                recorded.comparable ? "the tables compare per day" : "too little was recorded to compare"
              }. `,
            )
          : ""
      }The same numbers are in the table below.</figcaption>`,
    );
    b.push("</figure>");
    for (const [caption, list, first] of [
      ["By rubric category", report.comparison.byCategory, "Rubric category"],
      ["By kind of glue work", report.comparison.byKind, "Kind"],
    ] as const) {
      b.push(
        htmlTable({
          caption: t(caption),
          headers: [
            { html: t(first) },
            { html: t(report.period.label), numeric: true },
            { html: t(prevLabel), numeric: true },
            { html: t(changeHeading(recorded)) },
            { html: "Average score", numeric: true },
            { html: "Before", numeric: true },
          ],
          rows: list.map((r) => [
            { html: t(r.label) },
            { html: String(r.current), numeric: true },
            { html: t(previousCell(r)), numeric: true },
            { html: t(trendWord(r.countTrend)) },
            { html: t(averageCell(r.currentAverageScore)), numeric: true },
            { html: t(averageCell(r.previousAverageScore)), numeric: true },
          ]),
        }),
      );
    }
  }
  b.push("</section>");

  b.push('<section aria-labelledby="coverage">');
  b.push('<h2 id="coverage">Repositories covered</h2>');
  b.push(`<p>${t(report.coverage.description)}</p>`);
  if (report.coverage.repositories.length > 0) {
    b.push(`<ul>${report.coverage.repositories.map((r) => `<li>${userText(r.fullName, 200)}${r.private ? " (private)" : ""}</li>`).join("")}</ul>`);
  }
  b.push("</section>");

  b.push('<section aria-labelledby="how-to-read">');
  b.push('<h2 id="how-to-read">How to read this report</h2>');
  b.push(`<dl>${report.howToRead.map((e) => `<dt><strong>${t(e.title)}</strong></dt><dd>${t(e.text)}</dd>`).join("")}</dl>`);
  b.push("</section>");
  b.push("</main>");

  const title = `Glue-work evidence: ${report.person.name ?? `@${report.person.login}`}, ${report.period.label}`;
  return htmlDocument(title, b.join("\n"));
}

function renderItem(item: EvidenceItem): string {
  const f = item.formula;
  const rows: string[] = [];
  const add = (label: string, html: string): void => {
    if (html !== "") rows.push(`<dt>${t(label)}</dt><dd>${html}</dd>`);
  };
  add("Friction before", userBlock(f.friction, MAX_TEXT));
  add("What changed", userBlock(f.change, MAX_TEXT));
  add("What improved", userBlock(f.improvement, MAX_TEXT));
  add("Who benefited", f.beneficiaries.map((x) => userText(x, 200)).join(", "));
  add("Proof", f.proof.map((p) => (p.url ? htmlLink(p.label, p.url) : userText(p.label, 300))).join("; "));
  // An item listed only because someone annotated it does not count; it shows what was seen.
  add(signalsHeading(item), item.signals.length > 0 ? `<ul>${item.signals.map((s) => `<li>${userText(s, 500)}</li>`).join("")}</ul>` : "");
  const notes = item.annotations.length > 0 ? `<ul>${item.annotations.map((v) => `<li>${annotationHtml(v)}</li>`).join("")}</ul>` : "";
  const disputes = item.disputes.map((v) => `<div class="dispute">${annotationHtml(v)}</div>`).join("");
  return [
    `<article class="item${item.dynamics === "trap" ? " trap" : ""}">`,
    `<h4>${htmlLink(item.title, item.url)}</h4>`,
    `<p class="meta">${t(itemFacts(item))}, ${userText(item.repository, 200)}${item.corroborated ? ' · <span class="corroborated">endorsed by a teammate</span>' : ""}</p>`,
    rows.length > 0 ? `<dl>${rows.join("")}</dl>` : "",
    notes,
    disputes,
    "</article>",
  ]
    .filter((s) => s !== "")
    .join("\n");
}

function annotationHtml(v: AnnotationView): string {
  const standing = `<span class="${v.standing === "corroborated" ? "corroborated" : "self-reported"}">${t(standingLabel(v))}</span>`;
  const text = v.text.trim() ? `: “${userBlock(v.text, MAX_TEXT)}”` : "";
  const link = safeUrl(v.link) ? ` ${htmlLink("link", v.link)}` : "";
  // An endorsement corroborates itself; saying so again adds nothing.
  const why = v.corroboration && v.kind !== "endorse" ? ` <span class="muted">${t(v.corroboration)}</span>` : "";
  const head = v.kind === "dispute" ? "<strong>Disputed</strong>" : `<strong>${t(ANNOTATION_NAMES[v.kind])}</strong> (${standing})`;
  return `${head} by ${htmlLogin(v.authorLogin)}, ${t(day(v.createdAt))}${text}${link}${why}`;
}
