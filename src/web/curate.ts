/**
 * Curating from the web: on your own packet, add a note (friction, change, outcome, who it
 * helped), claim missed work (a link and a sentence), dispute an item, log off-GitHub work; on a
 * teammate's packet (one you may open), endorse them. Each is the same append-only annotation a
 * slash command makes (validated by the same parser, stored by the same function), shown the same
 * way in every report; it belongs to the organisation it was written for. Every form is a POST
 * carrying the session's CSRF token.
 */
import { randomUUID } from "node:crypto";
import { parseCommand } from "../core/commands/parse-command.js";
import type { PersonReport } from "../core/report/report-model.js";
import { cleanInline, escapeHtml, safeUrl } from "../render/escape.js";
import { recordAnnotation } from "../services/record-command.js";
import { mayOpen } from "./authorise.js";
import type { RequestContext, WebContext } from "./context.js";
import { readForm, redirect } from "./http.js";
import { csrfField } from "./layout.js";
import { href, messagePage, notFound } from "./pages.js";
import { knownHere, orgParam, subjectOf, type Viewing } from "./report-pages.js";
import { sameToken } from "./sessions.js";

const FACETS: Record<string, string> = { friction: "Friction before", change: "What changed", outcome: "Outcome", helped: "Who it helped" };
const SAVED: Record<string, string> = {
  note: "Your note was added.",
  claim: "Your claim was added.",
  dispute: "Your dispute was added.",
  log: "Your log entry was added.",
  endorse: "Your endorsement was added.",
};

export function flashOf(c: RequestContext): string | null {
  const saved = c.url.searchParams.get("saved");
  return saved && Object.hasOwn(SAVED, saved) ? SAVED[saved]! : null;
}

function itemOptions(report: PersonReport | null): string {
  const items = report?.categories.flatMap((cat) => cat.items) ?? [];
  return items
    .filter((i) => safeUrl(i.url))
    .map((i) => `<option value="${escapeHtml(i.url)}">${escapeHtml(cleanInline(`${i.kindLabel}: ${i.title}`, 120))}</option>`)
    .join("");
}

const text = (id: string, label: string) =>
  `<div class="field"><label for="${id}">${label}</label><textarea id="${id}" name="text" required maxlength="2000"></textarea></div>`;

export function curateSection(o: { own: boolean; csrf: string; action: string; org: string | null; report: PersonReport | null; flash: string | null }): string {
  // The organisation rides in the address, where every request's authorisation reads it.
  const action = escapeHtml(href(`${o.action}/annotations`, { org: o.org }));
  const hidden = (kind: string) => `${csrfField(o.csrf)}<input type="hidden" name="kind" value="${kind}">`;
  const items = itemOptions(o.report);
  const flash = o.flash ? `<p class="flash" role="status">${escapeHtml(o.flash)}</p>` : "";
  if (!o.own) {
    return `<section class="curate-section" aria-labelledby="curate">${flash}<h2 id="curate">Endorse</h2><div class="curate">
<form method="post" action="${action}" aria-labelledby="f-endorse"><h3 id="f-endorse">Endorse their glue work</h3>${hidden("endorse")}
${items ? `<div class="field"><label for="endorse-link">About (optional)</label><select id="endorse-link" name="link"><option value="">Their work in general</option>${items}</select></div>` : ""}
${text("endorse-text", "What they did and what it changed")}<button type="submit">Endorse</button></form></div></section>`;
  }
  return `<section class="curate-section" aria-labelledby="curate">${flash}<h2 id="curate">Curate your record</h2>
<p class="muted">Everything you add is kept as written, dated today, and shown in your packet as your own words.</p><div class="curate">
<form method="post" action="${action}" aria-labelledby="f-note"><h3 id="f-note">Add a note</h3>${hidden("note")}
<div class="field"><label for="note-facet">What it says</label><select id="note-facet" name="facet">${Object.entries(FACETS).map(([k, v]) => `<option value="${k}">${v}</option>`).join("")}</select></div>
${text("note-text", "Note")}<button type="submit">Add note</button></form>
<form method="post" action="${action}" aria-labelledby="f-claim"><h3 id="f-claim">Claim missed work</h3>${hidden("claim")}
<div class="field"><label for="claim-link">Link to the work</label><input type="url" id="claim-link" name="link" required maxlength="2000" placeholder="https://"></div>
${text("claim-text", "What you did")}<button type="submit">Add claim</button></form>
<form method="post" action="${action}" aria-labelledby="f-dispute"><h3 id="f-dispute">Dispute an item</h3>${hidden("dispute")}
${items ? `<div class="field"><label for="dispute-item">Item</label><select id="dispute-item" name="link"><option value="">(give a link below)</option>${items}</select></div>` : ""}
<div class="field"><label for="dispute-other">${items ? "Or a link" : "Link to the item"}</label><input type="url" id="dispute-other" name="other_link" maxlength="2000" placeholder="https://"></div>
${text("dispute-text", "What is wrong")}<button type="submit">Add dispute</button></form>
<form method="post" action="${action}" aria-labelledby="f-log"><h3 id="f-log">Log off-GitHub work</h3>${hidden("log")}
${text("log-text", "What you did (mentoring, facilitation, …)")}<button type="submit">Add to log</button></form>
</div></section>`;
}

/** The Origin of a state-changing request must be ours when the browser says it (it always does for POSTs). */
export function sameOrigin(c: RequestContext): boolean {
  const origin = c.req.headers.origin;
  if (origin !== undefined && origin !== c.origin) return false;
  return c.req.headers["sec-fetch-site"] !== "cross-site";
}

/** Checks the form's CSRF token and the request's origin; answers 403 itself when they fail. */
export function csrfOk(c: RequestContext, form: URLSearchParams): boolean {
  const given = form.get("csrf") ?? "";
  if (c.session && sameToken(given, c.session.csrfToken) && sameOrigin(c)) return true;
  messagePage(c, 403, "Refused", "This form is out of date or did not come from this site. Reload the page and try again.");
  return false;
}

/** POST /people/<login>/annotations */
export async function curate(w: WebContext, c: RequestContext, v: Viewing, login: string): Promise<void> {
  const read = await readForm(c.req);
  if (!read.ok) {
    const why = read.status === 413 ? "That is more text than a note can hold." : read.status === 415 ? "The form was not sent as a form." : "The form could not be read.";
    return messagePage(c, read.status, "Not saved", why);
  }
  const form = read.form;
  if (!csrfOk(c, form)) return;
  // Whose packet this is, by GitHub user id (report-pages.ts subjectOf), not by the login in the address.
  const target = await subjectOf(w, v, login);
  const own = target.own;
  if (!own && !mayOpen(v.access, v.login, { kind: "person", login })) return notFound(c);
  const kind = form.get("kind") ?? "";
  const allowed = own ? ["note", "claim", "dispute", "log"] : ["endorse"];
  if (!allowed.includes(kind)) {
    return messagePage(c, 400, "Not saved", own ? (kind === "endorse" ? "Endorsing yourself is a note: add a note instead." : "Unknown kind of entry.") : "You can only endorse someone else's work.");
  }
  const body = (form.get("text") ?? "").trim();
  const facet = form.get("facet");
  const link = (form.get("other_link") ?? "").trim() || (form.get("link") ?? "").trim();
  let command: string;
  if (kind === "note") {
    if (facet !== null && !Object.hasOwn(FACETS, facet)) return messagePage(c, 400, "Not saved", "Unknown kind of note.");
    command = `/unsung note ${facet ? `${FACETS[facet]}: ` : ""}${body}`;
  } else if (kind === "claim" || kind === "dispute") command = `/unsung ${kind} ${link} ${body}`;
  else if (kind === "endorse") command = `/unsung endorse @${login} ${body}`;
  else command = `/unsung log ${body}`;
  // The very parser of slash commands: the same rules for what a note, claim or dispute must hold.
  const parsed = parseCommand(body ? command : `/unsung ${kind}`);
  if (!parsed.ok || parsed.command.kind === "opt-in" || parsed.command.kind === "opt-out" || parsed.command.kind === "help") {
    const why = !parsed.ok && parsed.error ? parsed.error.replace(/ Usage:.*$/s, "").replace(/`/g, "") : "That entry is not complete.";
    return messagePage(c, 400, "Not saved", why);
  }
  const cmd = parsed.command;
  const endorseLink = kind === "endorse" && link ? safeUrl(link) : null;
  if (kind === "endorse" && link && !endorseLink) return messagePage(c, 400, "Not saved", "The item to endorse must be an http(s) link.");

  let subject: { id: number; login: string };
  if (own) {
    const optedOut = await w.db.selectFrom("opt_outs").select("opted_out").where("person_id", "=", v.userId).executeTakeFirst();
    if (optedOut?.opted_out) return messagePage(c, 409, "Not saved", "You have opted out, so Unsung records nothing about you. Comment /unsung opt-in to start again.");
    // Someone with no activity recorded yet starts their record here (GitHub said who they are).
    await w.db
      .insertInto("people")
      .values({ id: v.userId, login: v.login, type: "User", is_bot: false, is_ghost: false, name: null, previous_logins: JSON.stringify([]), seen_at: w.now().toISOString() })
      .onConflict((oc) => oc.column("id").doNothing())
      .execute();
    subject = { id: v.userId, login: v.login };
  } else {
    const p = target.person;
    if (!p || !(await knownHere(w, v.access, p))) return notFound(c);
    const optedOut = await w.db.selectFrom("opt_outs").select("opted_out").where("person_id", "=", p.id).executeTakeFirst();
    if (optedOut?.opted_out || p.id === v.userId) return notFound(c);
    subject = { id: p.id, login: p.login };
  }
  await recordAnnotation(w.db, {
    id: `web:${randomUUID()}`,
    kind: cmd.kind,
    author_id: v.userId,
    author_login: v.login,
    subject_person_id: subject.id,
    subject_person_login: subject.login,
    contribution_key: null,
    link: "link" in cmd ? cmd.link : endorseLink,
    text: cmd.text,
    source_url: null,
    repository_id: null,
    repository_full_name: null,
    repository_private: false,
    created_at: w.now().toISOString(),
    deleted_at: null,
    // GitHub confirmed the author's membership of the organisation (owner or team maintainer) to open this packet.
    author_association: own ? null : "MEMBER",
    installation_id: v.access.tenant.installationId,
  });
  redirect(c.res, `${href(`/people/${encodeURIComponent(subject.login)}`, { org: orgParam(v), saved: kind })}#curate`, 303);
}
