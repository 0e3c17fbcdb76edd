/**
 * Small pages and the pieces report pages share: messages (errors, refusals), the signed-out
 * front page, links that keep the organisation and period, the period picker and the downloads.
 */
import { firstDayOf, lastDayOf, quarterPeriod, type Period } from "../core/report/period.js";
import { cleanInline, escapeHtml } from "../render/escape.js";
import { sendHtml } from "./http.js";
import { layout } from "./layout.js";
import type { RequestContext } from "./context.js";

export function messagePage(c: RequestContext, status: number, title: string, text: string, opts: { retry?: boolean } = {}): void {
  const viewer = c.session ? { login: c.session.login, csrf: c.session.csrfToken } : null;
  const body = [
    `<main><h1>${escapeHtml(title)}</h1>`,
    `<p>${escapeHtml(cleanInline(text, 2000))}</p>`,
    opts.retry ? '<p><a class="button" href="/login">Sign in with GitHub</a></p>' : '<p><a href="/">Back to the start</a></p>',
    "</main>",
  ].join("\n");
  sendHtml(c.res, status, layout(title, { viewer }, body));
}

/** The same "not found" whether the page does not exist or the user may not see it. */
export function notFound(c: RequestContext): void {
  messagePage(c, 404, "Not found", "There is nothing here that you can open.");
}

export function signedOutHome(c: RequestContext): void {
  const body = `<main>
<h1>Unsung</h1>
<p class="headline">Evidence of the glue work that keeps a team shipping: deep reviews, flaky-test fixes, runbooks, triage, mentoring.</p>
<p>Unsung reads your organisation's GitHub activity and turns it into evidence an engineer can put in a self-review and a manager can defend in calibration. Every item says what was hard before, what changed, what improved, who benefited and the proof.</p>
<ul>
<li>Engineers see and curate their own evidence packet: add notes, claim missed work, dispute an item, log work done off GitHub.</li>
<li>Organisation owners and team maintainers download quarterly team and organisation reports (Markdown, HTML, CSV, JSON).</li>
<li>Private repositories appear only to people who can read them on GitHub now.</li>
</ul>
<p><a class="button" href="/login">Sign in with GitHub</a></p>
</main>`;
  sendHtml(c.res, 200, layout("Sign in", { viewer: null }, body));
}

/** A local link with query parameters (empty values left out). */
export function href(path: string, params: Record<string, string | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== "") q.set(k, v);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export function personPath(login: string): string {
  return `/people/${encodeURIComponent(login)}`;
}

export function teamPath(slug: string): string {
  return `/teams/${encodeURIComponent(slug)}`;
}

/** The period request as query parameters (to keep it across links). */
export interface PeriodQuery {
  quarter: string | null;
  from: string | null;
  to: string | null;
}

export function currentQuarter(now: Date): string {
  return `${now.getUTCFullYear()}Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
}

/** The quarter picker (a GET form: it changes nothing, so it carries no CSRF token) and a custom range. */
export function periodControls(action: string, org: string | null, period: Period, q: PeriodQuery, now: Date): string {
  const quarters: string[] = [];
  let y = now.getUTCFullYear();
  let n = Math.floor(now.getUTCMonth() / 3) + 1;
  for (let i = 0; i < 8; i++) {
    quarters.push(`${y}Q${n}`);
    n -= 1;
    if (n === 0) (n = 4), (y -= 1);
  }
  const chosen = q.quarter ? q.quarter.toUpperCase().replace("-", "") : q.from || q.to ? "" : currentQuarter(now);
  const orgField = org ? `<input type="hidden" name="org" value="${escapeHtml(org)}">` : "";
  const options = quarters
    .map((label) => {
      const p = quarterPeriod(Number(label.slice(0, 4)), Number(label.slice(5)));
      return `<option value="${label}"${label === chosen ? " selected" : ""}>${label} (${firstDayOf(p)} – ${lastDayOf(p)})</option>`;
    })
    .join("");
  return `<div class="controls">
<form method="get" action="${escapeHtml(action)}" aria-label="Choose a quarter">${orgField}
<div class="field"><label for="quarter">Quarter</label><select id="quarter" name="quarter">${options}</select></div>
<button type="submit">Show</button></form>
<form method="get" action="${escapeHtml(action)}" aria-label="Choose dates">${orgField}
<div class="field"><label for="from">From</label><input type="date" id="from" name="from" value="${escapeHtml(q.from ?? (chosen ? "" : firstDayOf(period)))}" required></div>
<div class="field"><label for="to">To</label><input type="date" id="to" name="to" value="${escapeHtml(q.to ?? (chosen ? "" : lastDayOf(period)))}" required></div>
<button type="submit">Show</button></form>
</div>`;
}

export function downloads(path: string, org: string | null, q: PeriodQuery): string {
  const link = (format: string, label: string) => `<a href="${escapeHtml(href(path, { org, quarter: q.quarter, from: q.from, to: q.to, format }))}" download>${label}</a>`;
  return `<p class="downloads">Download: ${link("md", "Markdown")} ${link("html", "HTML")} ${link("csv", "CSV")} ${link("json", "JSON")}</p>`;
}
