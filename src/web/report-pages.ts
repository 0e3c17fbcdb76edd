/**
 * The report pages: a person's evidence packet, a configured team's report and the
 * organisation's, each as a dashboard page or — with `format=html|md|csv|json` — as the same
 * download `unsung report` writes. Reports cover exactly the repositories the signed-in user can
 * read now (authorise.ts); the builders enforce it again.
 */
import { createHash } from "node:crypto";
import { sql } from "kysely";
import { parsePeriod, type Period } from "../core/report/period.js";
import type { PersonReport, ReportModel } from "../core/report/report-model.js";
import { renderReport, type ReportFormat } from "../render/index.js";
import { cleanInline, escapeHtml } from "../render/escape.js";
import { findPerson, findPersonById, personReport, ReportError, teamReport, type Audience, type TeamSelector } from "../services/build-reports.js";
import { mayOpen, type Page, type TenantAccess } from "./authorise.js";
import type { RequestContext, WebContext } from "./context.js";
import { curateSection, flashOf } from "./curate.js";
import { sendDownload, sendHtml } from "./http.js";
import { layout, reportBody } from "./layout.js";
import { currentQuarter, downloads, href, messagePage, notFound, periodControls, personPath, teamPath, type PeriodQuery } from "./pages.js";

export const FORMATS: readonly ReportFormat[] = ["html", "md", "csv", "json"];

export interface Viewing {
  access: TenantAccess;
  /** All the user's organisations (for the switcher). */
  all: TenantAccess[];
  login: string;
  userId: number;
  csrf: string;
}

/** The GitHub Enterprise host signed-in users come from, or null on github.com. */
export function enterpriseHostOf(w: WebContext): string | null {
  const host = new URL(w.endpoints.webBase).host;
  return host.toLowerCase() === "github.com" ? null : host;
}

export function audienceOf(access: TenantAccess): Audience {
  return { kind: "repos", fullNames: access.readable.map((r) => r.fullName) };
}

/** The period asked for, or the current quarter. */
export function periodOf(c: RequestContext, now: Date): { ok: true; period: Period; query: PeriodQuery } | { ok: false; error: string } {
  const p = c.url.searchParams;
  const query: PeriodQuery = { quarter: p.get("quarter"), from: p.get("from"), to: p.get("to") };
  if ([query.quarter, query.from, query.to].some((v) => v !== null && v.length > 40)) return { ok: false, error: "That period is not one Unsung can read." };
  const r = parsePeriod(query.quarter || query.from || query.to ? query : { quarter: currentQuarter(now), from: null, to: null }, now);
  if (!r.ok) return { ok: false, error: r.error.replace(/--(quarter|from|to)/g, "$1") };
  return { ok: true, period: r.period, query };
}

export function formatOf(c: RequestContext): ReportFormat | null | "bad" {
  const f = c.url.searchParams.get("format");
  if (f === null || f === "") return null;
  return (FORMATS as readonly string[]).includes(f) ? (f as ReportFormat) : "bad";
}

const TYPES: Record<ReportFormat, string> = {
  html: "text/html; charset=utf-8",
  md: "text/markdown; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  json: "application/json; charset=utf-8",
};

/** The download, byte for byte what `unsung report --format F` writes. */
function download(c: RequestContext, model: ReportModel, format: ReportFormat, name: string): void {
  const text = renderReport(model, format);
  const body = text.endsWith("\n") ? text : text + "\n";
  const file = `unsung-${name}-${model.period.label.replace(/\s+/g, "").replace(/[^A-Za-z0-9-]+/g, "_")}.${format}`;
  if (format === "html") {
    // Opened later from disk or here: its one <style> block is allowed by hash, nothing else.
    const style = /<style>([\s\S]*?)<\/style>/.exec(body)?.[1] ?? "";
    const hash = createHash("sha256").update(style).digest("base64");
    return sendDownload(c.res, body, TYPES[format], file, `default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`);
  }
  sendDownload(c.res, body, TYPES[format], file);
}

export function orgSwitcher(v: Viewing, path: string): string {
  if (v.all.length < 2) return "";
  const links = v.all.map((a) =>
    a === v.access ? `<strong>${escapeHtml(a.tenant.login)}</strong>` : `<a href="${escapeHtml(href(path, { org: a.tenant.login }))}">${escapeHtml(a.tenant.login)}</a>`,
  );
  return `<p>Organisation: ${links.join(" · ")}</p>`;
}

export function navOf(v: Viewing): { label: string; href: string }[] {
  const org = v.all.length > 1 ? v.access.tenant.login : null;
  const nav = [{ label: "My packet", href: href(personPath(v.login), { org }) }];
  if (v.access.role === "owner") nav.push({ label: "Organisation", href: href("/org", { org }) }, { label: "Operations", href: href("/ops", { org }) });
  const slugs = v.access.role === "owner" ? Object.keys(v.access.teams) : v.access.maintains;
  for (const slug of [...slugs].sort()) nav.push({ label: `Team ${escapeHtml(cleanInline(slug, 60))}`, href: href(teamPath(slug), { org }) });
  return nav;
}

export function orgParam(v: Viewing): string | null {
  return v.all.length > 1 ? v.access.tenant.login : null;
}

async function optedOut(w: WebContext, personId: number): Promise<boolean> {
  const r = await w.db.selectFrom("opt_outs").select("opted_out").where("person_id", "=", personId).executeTakeFirst();
  return r?.opted_out === true;
}

/**
 * Whether a person belongs to this organisation as far as the user can see: work or words in a
 * repository the user can read, or a place in a configured team. People are stored once for
 * every organisation: without this an owner could learn that someone exists elsewhere.
 */
export async function knownHere(w: WebContext, access: TenantAccess, person: { id: number; login: string }): Promise<boolean> {
  if (Object.values(access.teams).some((logins) => logins.some((l) => l.toLowerCase() === person.login.toLowerCase()))) return true;
  const ids = access.readable.map((r) => r.id);
  const installation = access.tenant.installationId;
  const r = await sql<{ found: boolean }>`
    select exists (select 1 from contributions where person_id = ${person.id} and repository_id = any(${ids}::bigint[]))
        or exists (select 1 from annotations where subject_person_id = ${person.id} and deleted_at is null
                   and (repository_id = any(${ids}::bigint[]) or (repository_id is null and installation_id = ${installation}))) as found`.execute(w.db);
  return r.rows[0]?.found === true;
}

/** Whose packet a page is about: the signed-in user's own, or someone else's (null: nobody Unsung knows). */
export interface Subject {
  own: boolean;
  person: { id: number; login: string; name: string | null } | null;
}

/**
 * Resolves the login of a packet's address as the signed-in user sees it. One's own packet is
 * decided by GitHub user id: under one's own login it is always the record with one's id (or none
 * yet), never a record that still carries that login for someone who gave it up; under another
 * login (one's own before a rename) it is one's own only when that login leads to one's id.
 */
export async function subjectOf(w: WebContext, v: Pick<Viewing, "login" | "userId">, login: string): Promise<Subject> {
  if (login.toLowerCase() === v.login.toLowerCase()) return { own: true, person: await findPersonById(w.db, v.userId) };
  const person = await findPerson(w.db, login).catch((e: unknown) => (e instanceof ReportError ? null : Promise.reject(e)));
  return { own: person !== null && person.id === v.userId, person };
}

/** GET /people/<login> (and `/`, for one's own packet). */
export async function personPage(w: WebContext, c: RequestContext, v: Viewing, login: string, opts: { home?: string } = {}): Promise<void> {
  const page: Page = { kind: "person", login };
  const { own, person } = await subjectOf(w, v, login);
  if (!own && !mayOpen(v.access, v.login, page)) return notFound(c);
  const format = formatOf(c);
  if (format === "bad") return messagePage(c, 400, "Unknown format", "format must be html, md, csv or json.");
  const now = w.now();
  const period = periodOf(c, now);
  if (!period.ok) return messagePage(c, 400, "That period cannot be shown", period.error);
  if (person && !own && !(await knownHere(w, v.access, person))) return notFound(c);
  // One's own packet lives at one's login now, whatever login the record still carries.
  const path = personPath(own ? v.login : (person?.login ?? login));
  if (!person || (await optedOut(w, person.id))) {
    // Someone else's: no hint whether they exist. One's own: say why it is empty.
    if (!own || format) return notFound(c);
    const why = person
      ? "You have opted out, so Unsung keeps nothing about you. Comment /unsung opt-in on any issue or pull request to start again."
      : "Unsung has recorded no activity of yours in this organisation yet.";
    const body = `${orgSwitcher(v, "/")}${opts.home ?? ""}<main><h1>Your evidence packet</h1><p>${escapeHtml(why)}</p>${person ? "" : curateSection({ own: true, csrf: v.csrf, action: path, org: orgParam(v), report: null, flash: flashOf(c) })}</main>`;
    return sendHtml(c.res, 200, layout("Your evidence packet", { viewer: { login: v.login, csrf: v.csrf }, org: v.access.tenant.login, nav: navOf(v) }, body));
  }
  // By id: a login may be carried by more than one stored record (renames), an id by one.
  const model: PersonReport = await personReport(w.db, { id: person.id }, period.period, audienceOf(v.access), now, { tenant: v.access.tenant, enterpriseHost: enterpriseHostOf(w) });
  if (format) return download(c, model, format, own ? v.login : person.login);
  const org = orgParam(v);
  const body = [
    orgSwitcher(v, path),
    opts.home ?? "",
    periodControls(path, org, period.period, period.query, now),
    downloads(path, org, period.query),
    reportBody(renderReport(model, "html")),
    curateSection({ own, csrf: v.csrf, action: path, org, report: model, flash: flashOf(c) }),
  ].join("\n");
  sendHtml(c.res, 200, layout(own ? "Your evidence packet" : `Evidence of @${person.login}`, { viewer: { login: v.login, csrf: v.csrf }, org: v.access.tenant.login, nav: navOf(v) }, body));
}

/**
 * Where a team report's person row leads the signed-in user: the login to open, "none" when they
 * may not open it, or "taken" when the row is someone else's record that still carries the
 * user's own login (a login that changed hands): that address opens the user's own packet, so
 * the row is never linked as if it were theirs. The user's own row (by id) leads to their login now.
 */
export function packetLink(v: Pick<Viewing, "access" | "login" | "userId">, p: { personId: number; login: string }): string | "none" | "taken" {
  if (p.personId === v.userId) return v.login;
  if (p.login.toLowerCase() === v.login.toLowerCase()) {
    // Whether they could open it as anyone else's (as an owner or its team's maintainer).
    return mayOpen(v.access, "", { kind: "person", login: p.login }) ? "taken" : "none";
  }
  return mayOpen(v.access, v.login, { kind: "person", login: p.login }) ? p.login : "none";
}

/** GET /teams/<slug> and GET /org. */
export async function teamPage(w: WebContext, c: RequestContext, v: Viewing, page: Extract<Page, { kind: "team" } | { kind: "org" }>): Promise<void> {
  if (!mayOpen(v.access, v.login, page)) return notFound(c);
  const format = formatOf(c);
  if (format === "bad") return messagePage(c, 400, "Unknown format", "format must be html, md, csv or json.");
  const now = w.now();
  const period = periodOf(c, now);
  if (!period.ok) return messagePage(c, 400, "That period cannot be shown", period.error);
  const selector: TeamSelector = page.kind === "org" ? { kind: "org" } : { kind: "team", slug: page.slug };
  let model;
  try {
    model = await teamReport(w.db, selector, period.period, audienceOf(v.access), now, { tenant: v.access.tenant });
  } catch (err) {
    if (err instanceof ReportError) return messagePage(c, 409, "This report cannot be built", err.message);
    throw err;
  }
  const name = page.kind === "org" ? v.access.tenant.login : page.slug;
  if (format) return download(c, model, format, name);
  const path = page.kind === "org" ? "/org" : teamPath(page.slug);
  const org = orgParam(v);
  const people = model.people.flatMap((p) => {
    const link = packetLink(v, p);
    if (link === "none") return [];
    const name = `@${escapeHtml(cleanInline(p.login, 100))}`;
    if (link === "taken") return [`<li>${name} <small>(this login is yours now; their packet has no address you can open)</small></li>`];
    return [`<li><a href="${escapeHtml(href(personPath(link), { org, quarter: period.query.quarter, from: period.query.from, to: period.query.to }))}">${name}</a></li>`];
  });
  const body = [
    orgSwitcher(v, path),
    periodControls(path, org, period.period, period.query, now),
    downloads(path, org, period.query),
    reportBody(renderReport(model, "html")),
    people.length ? `<section aria-labelledby="packets"><h2 id="packets">Evidence packets</h2><ul>${people.join("")}</ul></section>` : "",
  ].join("\n");
  const title = page.kind === "org" ? `Organisation ${v.access.tenant.login}` : `Team ${page.slug}`;
  sendHtml(c.res, 200, layout(title, { viewer: { login: v.login, csrf: v.csrf }, org: v.access.tenant.login, nav: navOf(v) }, body));
}
