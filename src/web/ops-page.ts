/**
 * The operations page, for organisation owners: deliveries waiting or failed, each repository's
 * backfill, the installation's rate-limit budget (asked of GitHub with the app's credentials) and
 * the configuration problems of each repository. Only repositories the owner can read are named;
 * the rest are counted.
 */
import { sql } from "kysely";
import { cleanInline, escapeHtml } from "../render/escape.js";
import { htmlTable, t } from "../render/html-kit.js";
import type { RequestContext, WebContext } from "./context.js";
import { sendHtml } from "./http.js";
import { layout } from "./layout.js";
import { notFound } from "./pages.js";
import { navOf, orgSwitcher, type Viewing } from "./report-pages.js";
import { tenantRepositories } from "../services/tenants.js";

const cell = (v: unknown) => ({ html: t(v ?? "") });
const num = (v: number | null | undefined) => ({ html: v === null || v === undefined ? "—" : String(v), numeric: true });

export async function opsPage(w: WebContext, c: RequestContext, v: Viewing): Promise<void> {
  if (v.access.role !== "owner") return notFound(c);
  const tenant = v.access.tenant;
  const all = await tenantRepositories(w.db, tenant, { includeRemoved: true });
  const readable = new Set(v.access.readable.map((r) => r.id));
  const ids = all.map((r) => r.id);
  const nameOf = (id: number | null) => (id === null ? "(installation)" : readable.has(id) ? (all.find((r) => r.id === id)?.fullName ?? "") : "(a repository you cannot read)");
  const where = sql`(installation_id = ${tenant.installationId} or repository_id = any(${ids}::bigint[]))`;

  const counts = await sql<{ status: string; n: number; oldest: string | null }>`
    select status, count(*)::int as n, min(received_at)::text as oldest from deliveries
    where ${where} and status in ('pending', 'failed') group by status`.execute(w.db);
  const failed = await sql<{ id: string; event: string; action: string | null; repository_id: number | null; received_at: string; attempts: number; last_error: string | null }>`
    select id, event, action, repository_id, received_at::text, attempts, last_error from deliveries
    where ${where} and status = 'failed' order by received_at desc limit 20`.execute(w.db);
  const backfills = await w.db
    .selectFrom("backfills")
    .select(["repository_id", "state", "pull_requests_done", "pull_requests_total", "issues_done", "issues_total", "api_calls", "wait_until", "last_error", "updated_at"])
    .where((eb) => eb.or([eb("installation_id", "=", tenant.installationId), eb("repository_id", "=", sql<number>`any(${ids}::bigint[])`)]))
    .orderBy("repository_id")
    .execute();
  const configs = ids.length
    ? await w.db.selectFrom("repo_configs").select(["repository_id", "errors", "fetched_at"]).where("repository_id", "=", sql<number>`any(${ids}::bigint[])`).execute()
    : [];

  const b: string[] = ["<main>", `<h1>Operations: ${escapeHtml(tenant.login)}</h1>`];
  const n = (s: string) => counts.rows.find((r) => r.status === s);
  b.push('<section aria-labelledby="deliveries"><h2 id="deliveries">Deliveries</h2>');
  b.push(`<p>${n("pending")?.n ?? 0} waiting to be processed${n("pending")?.oldest ? ` (oldest received ${t(n("pending")!.oldest)})` : ""}; ${n("failed")?.n ?? 0} failed.</p>`);
  if (failed.rows.length) {
    b.push(
      htmlTable({
        caption: "Latest failed deliveries",
        headers: [{ html: "Delivery" }, { html: "Event" }, { html: "Repository" }, { html: "Received" }, { html: "Attempts", numeric: true }, { html: "Last error" }],
        rows: failed.rows.map((r) => [cell(r.id), cell(`${r.event}${r.action ? `.${r.action}` : ""}`), cell(nameOf(r.repository_id === null ? null : Number(r.repository_id))), cell(r.received_at), num(r.attempts), cell(cleanInline(r.last_error, 300))]),
      }),
    );
    b.push("<p class=\"muted\">Retry them with <code>unsung deliveries retry</code> on the server.</p>");
  }
  b.push("</section>");

  b.push('<section aria-labelledby="backfill"><h2 id="backfill">Backfill</h2>');
  if (!backfills.length) b.push("<p>No backfill has been requested.</p>");
  else
    b.push(
      htmlTable({
        caption: "Backfill by repository",
        headers: [{ html: "Repository" }, { html: "State" }, { html: "Pull requests", numeric: true }, { html: "Issues", numeric: true }, { html: "API calls", numeric: true }, { html: "Waiting until" }, { html: "Last error" }],
        rows: backfills.map((r) => [
          cell(nameOf(Number(r.repository_id))),
          cell(r.state),
          { html: `${r.pull_requests_done}${r.pull_requests_total !== null ? ` / ${r.pull_requests_total}` : ""}`, numeric: true },
          { html: `${r.issues_done}${r.issues_total !== null ? ` / ${r.issues_total}` : ""}`, numeric: true },
          num(r.api_calls),
          cell(r.wait_until ? new Date(r.wait_until).toISOString() : ""),
          cell(cleanInline(r.last_error, 300)),
        ]),
      }),
    );
  b.push("</section>");

  b.push('<section aria-labelledby="budget"><h2 id="budget">Rate-limit budget</h2>');
  b.push(`<p>${t(await budget(w, tenant.installationId))}</p></section>`);

  b.push('<section aria-labelledby="config"><h2 id="config">Configuration problems</h2>');
  const problems = configs.filter((r) => Array.isArray(r.errors) && r.errors.length > 0);
  if (!problems.length) b.push(`<p>No repository's <code>.github/unsung.yml</code> has a problem (${configs.length} read).</p>`);
  else
    b.push(
      htmlTable({
        caption: "Problems in .github/unsung.yml",
        headers: [{ html: "Repository" }, { html: "Read" }, { html: "Problems" }],
        rows: problems.map((r) => [
          cell(nameOf(Number(r.repository_id))),
          cell(new Date(r.fetched_at).toISOString()),
          { html: `<ul>${(r.errors as unknown[]).slice(0, 20).map((e) => `<li>${t(cleanInline(typeof e === "string" ? e : ((e as { message?: unknown })?.message ?? JSON.stringify(e)), 300))}</li>`).join("")}</ul>` },
        ]),
      }),
    );
  b.push("</section></main>");
  sendHtml(c.res, 200, layout(`Operations: ${tenant.login}`, { viewer: { login: v.login, csrf: v.csrf }, org: tenant.login, nav: navOf(v) }, orgSwitcher(v, "/ops") + b.join("\n")));
}

/** The installation's remaining API budget, in words (plain text). */
async function budget(w: WebContext, installationId: number | null): Promise<string> {
  if (installationId === null) return "Unknown: these repositories were stored without an installation.";
  let gh;
  try {
    gh = await w.clients(installationId);
  } catch {
    return "Unknown: GitHub refused the installation's credentials.";
  }
  if (!gh) return "Unknown: the app's credentials (APP_ID, PRIVATE_KEY) are not set on this server.";
  try {
    const r = await gh.request("GET /rate_limit");
    const res = (r.data as { resources?: Record<string, { limit?: number; remaining?: number; reset?: number }> }).resources ?? {};
    const part = (name: string, label: string) => {
      const x = res[name];
      if (!x || typeof x.remaining !== "number" || typeof x.limit !== "number") return null;
      const reset = typeof x.reset === "number" ? ` (resets ${new Date(x.reset * 1000).toISOString()})` : "";
      return `${label}: ${x.remaining} of ${x.limit} left${reset}`;
    };
    const parts = [part("core", "REST"), part("graphql", "GraphQL")].filter(Boolean);
    return parts.length ? parts.join("; ") : "Unknown: GitHub's answer had no budget in it.";
  } catch {
    return "Unknown: GitHub did not answer.";
  }
}
