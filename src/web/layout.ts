/**
 * The dashboard's page shell: a banner with the organisation, who is signed in and a sign-out
 * button (a CSRF-protected POST form), a skip link, then the content. One stylesheet (the
 * reports' own plus the dashboard's), no script. Readable on a phone, printable without the chrome.
 */
import { REPORT_CSS } from "../render/html-kit.js";
import { cleanInline, escapeHtml } from "../render/escape.js";

const DASHBOARD_CSS = `
.site { display: flex; flex-wrap: wrap; gap: .5rem 1.25rem; align-items: center; justify-content: space-between; border-bottom: 1px solid #d0d7de; padding-bottom: .75rem; margin-bottom: 1rem; }
.site .brand { font-weight: 700; font-size: 1.15rem; color: #1f2328; text-decoration: none; }
.site nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1rem; padding: 0; margin: 0; }
.site form { margin: 0; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; border: 2px solid #0550ae; }
button, .button, select, input, textarea { font: inherit; }
button, .button { display: inline-block; background: #1f6f3f; color: #ffffff; border: 1px solid #1a5c34; border-radius: .4rem; padding: .35rem .9rem; text-decoration: none; cursor: pointer; }
button.secondary { background: #f6f8fa; color: #1f2328; border-color: #8c959f; }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible { outline: 3px solid #0550ae; outline-offset: 2px; }
.controls { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: end; background: #f6f8fa; border: 1px solid #d0d7de; border-radius: .4rem; padding: .75rem; margin: 0 0 1rem; }
.controls form { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin: 0; }
.field { display: flex; flex-direction: column; gap: .15rem; }
.field label { font-weight: 600; font-size: .9rem; }
input[type=text], input[type=url], input[type=date], select, textarea { border: 1px solid #8c959f; border-radius: .3rem; padding: .3rem .4rem; max-width: 100%; background: #fff; color: #1f2328; }
textarea { width: 100%; min-height: 4.5rem; }
.curate { display: grid; grid-template-columns: repeat(auto-fit, minmax(17rem, 1fr)); gap: 1rem; }
.curate form { border: 1px solid #d0d7de; border-radius: .4rem; padding: .75rem; display: flex; flex-direction: column; gap: .5rem; }
.curate h3 { margin: 0; }
.flash { border: 2px solid #1a7f37; background: #f0fff4; padding: .5rem .75rem; }
.problem { border: 2px solid #cf222e; background: #fff5f5; padding: .5rem .75rem; }
.downloads a { margin-right: .75rem; }
@media (max-width: 40rem) { body { padding: .75rem; } .controls form { flex-direction: column; align-items: stretch; } }
@media print { .site, .controls, .curate-section, .skip, .downloads { display: none; } }
`;

export const STYLESHEET = `${REPORT_CSS}\n${DASHBOARD_CSS}`;
export const STYLESHEET_PATH = "/assets/dashboard.css";

export interface Chrome {
  /** The signed-in user and the session's CSRF token, or null when signed out. */
  viewer: { login: string; csrf: string } | null;
  /** The organisation shown, if any. */
  org?: string | null;
  /** Links of the banner: already-escaped label, and a local href. */
  nav?: { label: string; href: string }[];
}

/** A complete dashboard page. `body` must already be escaped HTML. */
export function layout(title: string, chrome: Chrome, body: string): string {
  const nav = chrome.nav?.length
    ? `<nav aria-label="Pages"><ul>${chrome.nav.map((n) => `<li><a href="${escapeHtml(n.href)}">${n.label}</a></li>`).join("")}</ul></nav>`
    : "";
  const who = chrome.viewer
    ? `<form method="post" action="/logout"><input type="hidden" name="csrf" value="${escapeHtml(chrome.viewer.csrf)}"><span>Signed in as <strong>@${escapeHtml(cleanInline(chrome.viewer.login, 100))}</strong></span> <button type="submit" class="secondary">Sign out</button></form>`
    : "";
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="same-origin">',
    `<title>${escapeHtml(cleanInline(title, 300))} · Unsung</title>`,
    `<link rel="stylesheet" href="${STYLESHEET_PATH}">`,
    "</head>",
    "<body>",
    '<a class="skip" href="#content">Skip to content</a>',
    `<div class="site" role="banner"><a class="brand" href="/">Unsung${chrome.org ? ` · ${escapeHtml(cleanInline(chrome.org, 100))}` : ""}</a>${nav}${who}</div>`,
    `<div id="content">`,
    body,
    "</div>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

/** The part of a rendered HTML report between <body> and </body> (its own header and main). */
export function reportBody(document: string): string {
  const start = document.indexOf("<body>");
  const end = document.lastIndexOf("</body>");
  if (start < 0 || end < start) return "";
  return document.slice(start + "<body>".length, end).trim();
}

export function csrfField(csrf: string): string {
  return `<input type="hidden" name="csrf" value="${escapeHtml(csrf)}">`;
}
