/**
 * The pieces both HTML reports are made of: one self-contained page (inline
 * CSS, no scripts, no external requests, a Content-Security-Policy that
 * forbids them anyway), readable on screen and in print.
 */
import { cleanInline, cleanText, escapeHtml, MAX_TEXT, MAX_TITLE, safeUrl } from "./escape.js";

/** Colours used for text: all at least 4.5:1 against white. */
export const TEXT_COLOR = "#1f2328";
export const MUTED_COLOR = "#57606a";
export const LINK_COLOR = "#0550ae";

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; line-height: 1.5; color: ${TEXT_COLOR}; background: #ffffff; max-width: 62rem; margin: 0 auto; padding: 1.5rem; overflow-wrap: anywhere; }
h1 { font-size: 1.7rem; margin: 0 0 .25rem; }
h2 { font-size: 1.35rem; margin: 2rem 0 .5rem; padding-bottom: .2rem; border-bottom: 1px solid #d0d7de; }
h3 { font-size: 1.12rem; margin: 1.5rem 0 .5rem; }
h4 { font-size: 1rem; margin: 0 0 .25rem; }
a { color: ${LINK_COLOR}; }
p, ul { margin: .4rem 0; }
.meta, .muted { color: ${MUTED_COLOR}; }
.headline { font-size: 1.08rem; font-weight: 600; }
.note { background: #f6f8fa; border-left: 4px solid #57606a; padding: .5rem .75rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .95rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { border: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; vertical-align: top; overflow-wrap: normal; word-break: normal; }
th[scope="row"] { white-space: nowrap; font-weight: 600; }
thead th.num { white-space: normal; }
.login { white-space: nowrap; }
thead th { vertical-align: bottom; }
.table-wrap { overflow-x: auto; margin: .5rem 0 1rem; }
.table-wrap table { margin: 0; }
thead th { background: #f6f8fa; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.item { border-left: 4px solid #0969da; padding: .25rem 0 .25rem .75rem; margin: 1rem 0; }
.item.trap { border-left-color: #9a6700; }
.item dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .75rem; margin: .4rem 0; }
.item dt { font-weight: 600; }
.item dd { margin: 0; }
.tag { display: inline-block; border: 1px solid #57606a; border-radius: .6rem; padding: 0 .45rem; font-size: .85rem; color: ${TEXT_COLOR}; margin-right: .25rem; }
.corroborated { color: #1a7f37; font-weight: 600; }
.self-reported { color: ${MUTED_COLOR}; font-weight: 600; }
.dispute { border: 2px solid #cf222e; background: #fff5f5; padding: .4rem .6rem; margin: .4rem 0; }
.dispute strong { color: #a40e26; }
figure { margin: 1rem 0; }
figcaption { color: ${MUTED_COLOR}; font-size: .9rem; }
svg { max-width: 100%; height: auto; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f6f8fa; padding: 0 .2rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; }
  h3, h4 { break-after: avoid; }
  .item, figure, tr, .dispute { break-inside: avoid; }
  .table-wrap { overflow: visible; }
  table { font-size: 8.5pt; }
  th, td { padding: .15rem .3rem; }
  th[scope="row"] { white-space: normal; }
  .table-wrap.wide table { font-size: 7pt; }
  .table-wrap.wide th, .table-wrap.wide td { padding: .1rem .2rem; }
  .table-wrap.wide thead th { overflow-wrap: anywhere; hyphens: auto; }
  a { color: ${TEXT_COLOR}; }
  a[href]::after { content: " <" attr(href) ">"; font-size: .8em; color: ${MUTED_COLOR}; }
  thead { display: table-header-group; }
}
`;

/** The reports' stylesheet, for pages that embed a report (the web dashboard serves it as a file). */
export const REPORT_CSS = CSS;

/** A complete page. `body` must already be escaped HTML. */
export function htmlDocument(title: string, body: string): string {
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    // Nothing on this page may load anything or run anything, whatever text got into it.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(cleanInline(title, 300))}</title>`,
    `<style>${CSS}</style>`,
    "</head>",
    "<body>",
    body,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

/** Text from GitHub, isolated so right-to-left text can't reorder what surrounds it. */
export function userText(value: unknown, max = MAX_TEXT): string {
  const s = cleanInline(value, max);
  return s === "" ? "" : `<bdi>${escapeHtml(s)}</bdi>`;
}

/** Multi-line text from GitHub as paragraphs-in-a-span (line breaks kept). */
export function userBlock(value: unknown, max = MAX_TEXT): string {
  const s = cleanText(value, max).trim();
  if (s === "") return "";
  return `<bdi>${s.split(/\n+/).map(escapeHtml).join("<br>")}</bdi>`;
}

/** A link to an http(s) URL, or the plain text when the URL isn't safe to link. */
export function htmlLink(text: unknown, url: unknown, max = MAX_TITLE): string {
  const label = userText(text, max) || escapeHtml("link");
  const href = safeUrl(url);
  if (href === null) return label;
  return `<a href="${escapeHtml(href)}" rel="noopener noreferrer">${label}</a>`;
}

/** "@login", escaped. */
export function htmlLogin(login: unknown): string {
  // A login never breaks at its hyphens: "@lena-fischer", not "@lena-" / "fischer".
  return `<span class="login">@${userText(login, 100)}</span>`;
}

/** A table with a header row (scope="col") and, optionally, a header cell starting each row (scope="row"). */
export function htmlTable(opts: {
  caption: string;
  headers: Array<{ html: string; numeric?: boolean }>;
  rows: Array<Array<{ html: string; numeric?: boolean }>>;
  rowHeaders?: boolean;
}): string {
  const head = opts.headers.map((h) => `<th scope="col"${h.numeric ? ' class="num"' : ""}>${h.html}</th>`).join("");
  const body = opts.rows
    .map(
      (row) =>
        `<tr>${row
          .map((cell, i) =>
            i === 0 && opts.rowHeaders !== false
              ? `<th scope="row">${cell.html}</th>`
              : `<td${cell.numeric ? ' class="num"' : ""}>${cell.html}</td>`,
          )
          .join("")}</tr>`,
    )
    .join("\n");
  // Wide tables scroll sideways on narrow screens instead of squeezing their columns to a letter each.
  // A table with many columns (one per kind of glue work) gets smaller type on paper, where nothing scrolls.
  return `<div class="table-wrap${opts.headers.length > 8 ? " wide" : ""}">\n<table>\n<caption>${opts.caption}</caption>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>\n</div>`;
}

/** Escaped plain text (our own wording, which may still contain names from GitHub). */
export function t(value: unknown): string {
  return escapeHtml(cleanText(value, 10_000));
}
