/**
 * The web dashboard's router, served by the same process as the webhooks. Every request gets
 * security headers; every page but the front page, the sign-in and the stylesheet needs a
 * session; every signed-in request is authorised anew (authorise.ts). Signed out, a page redirects
 * to sign in and a data format (md, csv, json) answers 401.
 *
 *   GET  /                         signed out: what Unsung is; signed in: your packet, what you may open
 *   GET  /login, /login/callback   Sign in with GitHub
 *   POST /logout
 *   GET  /people/<login>           an evidence packet        ?quarter=2026Q3 | from&to, format=html|md|csv|json, org=
 *   POST /people/<login>/annotations   note, claim, dispute, log (own packet) or endorse (someone else's)
 *   GET  /teams/<slug>, /org       team and organisation reports (same parameters)
 *   GET  /ops                      operations, for organisation owners
 */
import type http from "node:http";
import type { Kysely } from "kysely";
import type { GitHubClientFactory } from "../github/clients.js";
import { isGitHubLogin } from "../services/reader-access.js";
import type { DB } from "../store/schema.js";
import { AccessResolver, chooseTenant, openablePages, type ViewerAccess } from "./authorise.js";
import type { RequestContext, WebContext } from "./context.js";
import { curate, csrfOk } from "./curate.js";
import { gitHubEndpoints, GitHubUnavailableError, TokenRejectedError, userApi, type UserApi } from "./github-user.js";
import { readForm, redirect, sendText, securityHeaders, wantsHtml } from "./http.js";
import { STYLESHEET, STYLESHEET_PATH } from "./layout.js";
import { opsPage } from "./ops-page.js";
import { href, messagePage, notFound, personPath, signedOutHome, teamPath } from "./pages.js";
import { personPage, teamPage, type Viewing } from "./report-pages.js";
import { parseCookies, serializeCookie, sessionCookieName, SessionStore } from "./sessions.js";
import { CALLBACK_PATH, finishLogin, logout, startLogin } from "./sign-in.js";
import { escapeHtml } from "../render/escape.js";

export interface DashboardOptions {
  db: Kysely<DB>;
  env: {
    GITHUB_CLIENT_ID?: string | undefined;
    GITHUB_CLIENT_SECRET?: string | undefined;
    UNSUNG_PUBLIC_URL?: string | undefined;
    UNSUNG_SESSION_HOURS: number;
    GHE_HOST?: string | undefined;
    GHE_PROTOCOL?: string | undefined;
    GITHUB_API_URL?: string | undefined;
  };
  clients?: GitHubClientFactory;
  now?: () => Date;
  /** GitHub as the user sees it (default: the real API at the configured host). */
  api?: UserApi;
  accessTtlMs?: number;
}

export type WebHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<boolean>;

const HOST = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;
const SLUG = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/;

export function createDashboard(o: DashboardOptions): WebHandler {
  const now = o.now ?? (() => new Date());
  const endpoints = gitHubEndpoints(o.env);
  const api = o.api ?? userApi(endpoints);
  const oauth = o.env.GITHUB_CLIENT_ID && o.env.GITHUB_CLIENT_SECRET ? { clientId: o.env.GITHUB_CLIENT_ID, clientSecret: o.env.GITHUB_CLIENT_SECRET } : null;
  // Without a client secret nobody can sign in, so no session can exist: any key will do.
  const w: WebContext = {
    db: o.db,
    endpoints,
    api,
    oauth,
    sessions: new SessionStore(o.db, oauth?.clientSecret ?? "no sign-in configured", now),
    access: new AccessResolver({ db: o.db, api, now, ...(o.accessTtlMs !== undefined ? { ttlMs: o.accessTtlMs } : {}) }),
    clients: o.clients ?? (async () => null),
    publicUrl: o.env.UNSUNG_PUBLIC_URL?.replace(/\/+$/, "") ?? null,
    sessionHours: o.env.UNSUNG_SESSION_HOURS,
    now,
  };
  let lastSweep = 0;

  return async (req, res) => {
    const raw = req.url ?? "/";
    const path = raw.split("?")[0]!;
    if (!isDashboardPath(path)) return false;
    const c = context(w, req, res);
    if (!c) {
      sendText(res, 400, "bad request");
      return true;
    }
    try {
      if (now().getTime() - lastSweep > 10 * 60_000) {
        lastSweep = now().getTime();
        await w.sessions.sweep();
      }
      await route(w, c);
    } catch (err) {
      if (!res.headersSent) messagePage(c, 500, "Something went wrong", "Unsung could not answer this request. Try again; if it keeps failing, the server's log says why.");
      else res.destroy();
      // The error goes to the log, never to the page (it may name what the user may not see).
      console.error("dashboard:", err instanceof Error ? `${err.name}: ${err.message}` : "error");
    }
    return true;
  };
}

function isDashboardPath(path: string): boolean {
  return path === "/" || path === "/login" || path === CALLBACK_PATH || path === "/logout" || path === "/org" || path === "/ops" || path === STYLESHEET_PATH || path.startsWith("/people/") || path.startsWith("/teams/");
}

function context(w: WebContext, req: http.IncomingMessage, res: http.ServerResponse): RequestContext | null {
  const forwarded = String(req.headers["x-forwarded-proto"] ?? "").split(",")[0]!.trim().toLowerCase();
  const tls = Boolean((req.socket as { encrypted?: boolean }).encrypted);
  let origin: string;
  let secure: boolean;
  if (w.publicUrl) {
    origin = w.publicUrl;
    secure = origin.startsWith("https:");
  } else {
    const host = String(req.headers.host ?? "");
    if (!HOST.test(host)) return null;
    secure = tls || forwarded === "https";
    origin = `${secure ? "https" : "http"}://${host}`;
  }
  let url: URL;
  try {
    url = new URL(req.url ?? "/", origin);
  } catch {
    return null;
  }
  return { req, res, url, session: null, secure, origin };
}

async function route(w: WebContext, c: RequestContext): Promise<void> {
  const { req, url } = c;
  const path = url.pathname;
  const method = req.method ?? "GET";
  const isGet = method === "GET" || method === "HEAD";
  // Behind TLS, browsers are told to keep to it.
  if (c.secure) c.res.setHeader("strict-transport-security", "max-age=31536000");
  if (path === STYLESHEET_PATH && isGet) {
    securityHeaders(c.res);
    c.res.writeHead(200, { "content-type": "text/css; charset=utf-8", "cache-control": "public, max-age=300" });
    return void c.res.end(STYLESHEET);
  }
  c.session = await w.sessions.load(parseCookies(req.headers.cookie).get(sessionCookieName(c.secure)));
  if (path === "/login" && isGet) return startLogin(w, c);
  if (path === CALLBACK_PATH && isGet) return finishLogin(w, c);
  if (path === "/logout") {
    if (method !== "POST") return methodNotAllowed(c, "POST");
    if (!c.session) return redirect(c.res, "/", 303);
    const read = await readForm(c.req);
    if (!read.ok) return messagePage(c, read.status, "Not signed out", "The form could not be read.");
    if (!csrfOk(c, read.form)) return;
    return logout(w, c);
  }

  const format = url.searchParams.get("format");
  if (!c.session) {
    if (path === "/" && isGet && format === null) return signedOutHome(c);
    if (!wantsHtml(format) || !isGet) return sendText(c.res, 401, "Sign in first: this needs a dashboard session.");
    return redirect(c.res, href("/login", { next: `${url.pathname}${url.search}` }), 302);
  }

  const viewing = await viewingOf(w, c);
  if (!viewing) return;
  const { access } = viewing;

  const person = /^\/people\/([^/]+)(\/annotations)?$/.exec(path);
  if (person) {
    const login = decode(person[1]!);
    if (login === null || !isGitHubLogin(login)) return notFound(c);
    if (person[2]) return method === "POST" ? curate(w, c, viewing, login) : methodNotAllowed(c, "POST");
    if (!isGet) return methodNotAllowed(c, "GET");
    return personPage(w, c, viewing, login);
  }
  if (!isGet) return methodNotAllowed(c, "GET");
  const team = /^\/teams\/([^/]+)$/.exec(path);
  if (team) {
    const slug = decode(team[1]!);
    if (slug === null || !SLUG.test(slug)) return notFound(c);
    return teamPage(w, c, viewing, { kind: "team", slug });
  }
  if (path === "/org") return teamPage(w, c, viewing, { kind: "org" });
  if (path === "/ops") return opsPage(w, c, viewing);
  if (path === "/") return personPage(w, c, viewing, viewing.login, { home: whatNext(viewing) });
  return notFound(c);
}

function decode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

function methodNotAllowed(c: RequestContext, allow: string): void {
  c.res.setHeader("allow", allow);
  sendText(c.res, 405, "method not allowed");
}

/** The user's access now; answers itself (sign in again, 404, 503) when there is none. */
async function viewingOf(w: WebContext, c: RequestContext): Promise<Viewing | null> {
  const s = c.session!;
  let resolved: ViewerAccess;
  try {
    resolved = await w.access.resolve({ userId: s.userId, token: s.token });
  } catch (err) {
    if (err instanceof TokenRejectedError) {
      // Revoked or expired on GitHub's side: the session is over.
      await w.sessions.destroy(s);
      w.access.forget(s.userId);
      c.session = null;
      const clear = serializeCookie(sessionCookieName(c.secure), "", { secure: c.secure, maxAgeSeconds: 0 });
      if (!wantsHtml(c.url.searchParams.get("format"))) {
        c.res.setHeader("set-cookie", [clear]);
        sendText(c.res, 401, "GitHub no longer accepts your sign-in: sign in again.");
      } else redirect(c.res, href("/login", { next: `${c.url.pathname}${c.url.search}` }), 302, [clear]);
      return null;
    }
    if (err instanceof GitHubUnavailableError) {
      messagePage(c, 503, "GitHub did not answer", "Unsung asks GitHub what you may see on every visit, and could not just now. Try again in a moment.");
      return null;
    }
    throw err;
  }
  const all = resolved.tenants;
  const access = chooseTenant(all, c.url.searchParams.get("org"));
  if (!access) {
    if (c.url.pathname === "/" && !c.url.searchParams.get("org")) {
      messagePage(c, 200, "No organisation yet", "Unsung is not installed on any organisation you belong to, or has not heard from it yet.");
      return null;
    }
    notFound(c);
    return null;
  }
  // The login GitHub gives now (a session's may have been renamed away, even taken by someone else).
  return { access, all, login: resolved.login, userId: resolved.userId, csrf: s.csrfToken };
}

function whatNext(v: Viewing): string {
  const org = v.all.length > 1 ? v.access.tenant.login : null;
  const pages = openablePages(v.access, v.login).slice(1);
  if (!pages.length) return "";
  const items = pages.map((p) => {
    const [label, path] =
      p.kind === "org" ? ["The organisation's report", "/org"] : p.kind === "ops" ? ["Operations", "/ops"] : p.kind === "team" ? [`Team ${p.slug}`, teamPath(p.slug)] : [`@${p.login}'s packet`, personPath(p.login)];
    return `<li><a href="${escapeHtml(href(path, { org }))}">${escapeHtml(label)}</a></li>`;
  });
  return `<nav aria-labelledby="next" class="controls"><div><h2 id="next">You may also open</h2><ul>${items.join("")}</ul></div></nav>`;
}
