/**
 * The evidence comment on a merged pull request, as GitHub-flavoured
 * Markdown. Pure. The first line is a hidden marker by which the app finds its
 * own comment again (and edits it in place).
 *
 * Everything that comes from GitHub is treated as hostile: escaped so it
 * cannot form links, images, HTML or emphasis, with every `@` made inert (no
 * one is pinged: not `@everyone`, not `@org/team`, not a login in a quoted
 * note), only http(s) links, and long text cut.
 */
import type { PlanItem, PlanNote, PrCommentPlan } from "../core/comments/plan-pr-comment.js";
import { escapeMarkdown, markdownLink, safeUrl } from "./escape.js";

/** The hidden marker that identifies the app's evidence comment. */
export const EVIDENCE_MARKER = "<!-- unsung:evidence-comment -->";

/** GitHub refuses comments over 65,536 characters; stay well under. */
export const MAX_COMMENT_CHARS = 60_000;
const MAX_NOTE_CHARS = 280;

/** Untrusted text for Markdown: escaped, one line, cut, and no `@` that could mention anyone. */
export function inertMarkdown(value: unknown, max = 500): string {
  return escapeMarkdown(value, max).replace(/@/g, "@\u200b");
}

/** A link whose label mentions no one (an unsafe URL leaves the label alone). */
export function inertLink(label: string, url: string, max = 120): string {
  return markdownLink(String(label).replace(/@/g, "@\u200b"), url, max);
}

/** A person, named without a mention: their login, linked to their profile. */
export function personLink(login: string, siteUrl: string): string {
  const safe = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/.test(login) ? login : null;
  if (!safe) return `**${inertMarkdown(login, 40)}**`;
  return `**${markdownLink(safe, `${siteUrl}/${encodeURIComponent(safe)}`, 40)}**`;
}

/** https://github.com from a pull request's URL (GitHub Enterprise keeps its own host). */
export function siteOf(url: string): string {
  const safe = safeUrl(url);
  return safe ? new URL(safe).origin : "https://github.com";
}

export function renderPrComment(plan: PrCommentPlan): string {
  const site = siteOf(plan.pullRequestUrl);
  const out: string[] = [EVIDENCE_MARKER, "### Glue work on this pull request", ""];
  if (plan.mode === "summary") {
    const byPerson = new Map<string, string[]>();
    for (const i of plan.items) byPerson.set(i.login, [...(byPerson.get(i.login) ?? []), i.title.toLowerCase()]);
    for (const [login, titles] of byPerson) out.push(`- ${personLink(login, site)}: ${inertMarkdown([...new Set(titles)].join(", "), 300)}`);
  } else {
    for (const i of plan.items) out.push(renderItem(i, site));
  }
  if (plan.notes.length) {
    out.push("", "**What people said here**", "");
    for (const n of plan.notes) out.push(renderNote(n, site));
  }
  const link = safeUrl(plan.pullRequestUrl) ?? "<link>";
  out.push(
    "",
    "<sub>Found by Unsung from this pull request's reviews, commits and CI. Is something wrong or missing? " +
      `Endorse a teammate: \`/unsung endorse @login what they did\` · annotate your own item: \`/unsung note your words\` · ` +
      `dispute it: \`/unsung dispute ${link} why\` · claim what was missed: \`/unsung claim ${link} what you did\` · \`/unsung help\` lists every command.</sub>`,
  );
  return cap(out.join("\n") + "\n");
}

function renderItem(i: PlanItem, site: string): string {
  const links = i.links.map((l) => inertLink(l.label, l.url));
  const proof = links.length ? ` (${links.join(" · ")})` : "";
  return `- ${personLink(i.login, site)} · ${inertMarkdown(i.title, 60)} — ${inertMarkdown(i.why, 600)}${proof}`;
}

const NOTE_WORDS: Record<PlanNote["kind"], string> = {
  endorse: "endorses",
  dispute: "disputes an item",
  claim: "claims work",
  note: "notes",
  log: "logs",
};

function renderNote(n: PlanNote, site: string): string {
  const who = personLink(n.authorLogin, site);
  const about = n.kind === "endorse" ? ` ${personLink(n.subjectLogin, site)}` : "";
  const where = n.url && safeUrl(n.url) ? ` (${inertLink("comment", n.url)})` : "";
  return `- ${who} ${NOTE_WORDS[n.kind]}${about}: “${inertMarkdown(n.text, MAX_NOTE_CHARS)}”${where}`;
}

function cap(body: string): string {
  if (body.length <= MAX_COMMENT_CHARS) return body;
  // Cut at a line boundary, keeping the marker; the report has the rest.
  const cut = body.slice(0, MAX_COMMENT_CHARS - 200);
  return `${cut.slice(0, cut.lastIndexOf("\n"))}\n- … more in the Unsung report.\n`;
}
