/**
 * Sign in with GitHub: GET /login starts the GitHub App's OAuth web flow, GET /login/callback
 * finishes it, POST /logout ends the session. The `state` sent to GitHub is a random value also
 * kept in a short-lived HttpOnly cookie; the callback is refused unless both match. The token
 * GitHub returns is stored only in the session row (encrypted); the browser gets a session id.
 */
import { authorizeUrl, exchangeCode, GitHubUnavailableError, TokenRejectedError } from "./github-user.js";
import { redirect } from "./http.js";
import { parseCookies, randomToken, sameToken, serializeCookie, sessionCookieName, stateCookieName } from "./sessions.js";
import type { WebContext, RequestContext } from "./context.js";
import { messagePage } from "./pages.js";

export const CALLBACK_PATH = "/login/callback";
const STATE_TTL_SECONDS = 10 * 60;

/** A local path to return to after signing in (never another site: "//x" and "/\\x" are refused). */
export function safeNext(next: string | null | undefined): string {
  if (!next || next.length > 2000 || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  if (/[\u0000-\u001f\u007f]/.test(next)) return "/";
  if (next.startsWith("/login") || next.startsWith("/logout")) return "/";
  return next;
}

export function startLogin(w: WebContext, c: RequestContext): void {
  if (!w.oauth) return void messagePage(c, 503, "Sign-in is not set up", "This Unsung server has no GitHub App client id and secret (GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET), so nobody can sign in yet.");
  const state = randomToken();
  const next = safeNext(c.url.searchParams.get("next"));
  const cookie = serializeCookie(stateCookieName(c.secure), `${state}.${Buffer.from(next).toString("base64url")}`, { secure: c.secure, maxAgeSeconds: STATE_TTL_SECONDS });
  redirect(c.res, authorizeUrl(w.endpoints, w.oauth.clientId, `${c.origin}${CALLBACK_PATH}`, state), 302, [cookie]);
}

export async function finishLogin(w: WebContext, c: RequestContext): Promise<void> {
  const clearState = serializeCookie(stateCookieName(c.secure), "", { secure: c.secure, maxAgeSeconds: 0 });
  if (!w.oauth) return startLogin(w, c);
  const q = c.url.searchParams;
  const held = parseCookies(c.req.headers.cookie).get(stateCookieName(c.secure)) ?? "";
  const [heldState = "", heldNext = ""] = held.split(".");
  const given = q.get("state") ?? "";
  c.res.setHeader("set-cookie", [clearState]);
  if (!heldState || !sameToken(heldState, given)) {
    return messagePage(c, 400, "Sign-in could not be completed", "The sign-in did not start here or took too long (its state did not match). Please sign in again.", { retry: true });
  }
  if (q.get("error")) {
    const denied = q.get("error") === "access_denied";
    return messagePage(c, 403, "Sign-in cancelled", denied ? "You did not authorise Unsung on GitHub, so you are not signed in." : "GitHub did not complete the sign-in.", { retry: true });
  }
  const code = q.get("code") ?? "";
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(code)) return messagePage(c, 400, "Sign-in could not be completed", "GitHub sent no usable code. Please sign in again.", { retry: true });
  const now = w.now();
  const exchanged = await exchangeCode(w.endpoints, { clientId: w.oauth.clientId, clientSecret: w.oauth.clientSecret, code, redirectUri: `${c.origin}${CALLBACK_PATH}` }, now);
  if (!exchanged.ok) return messagePage(c, 400, "Sign-in could not be completed", `${exchanged.reason[0]!.toUpperCase()}${exchanged.reason.slice(1)}. Please sign in again.`, { retry: true });
  let user;
  try {
    user = await w.api.user(exchanged.token);
  } catch (err) {
    if (err instanceof TokenRejectedError) return messagePage(c, 401, "Sign-in could not be completed", "GitHub no longer accepts the sign-in it just gave. Please sign in again.", { retry: true });
    if (err instanceof GitHubUnavailableError) return messagePage(c, 503, "GitHub did not answer", "Unsung could not ask GitHub who you are. Please try again in a moment.", { retry: true });
    throw err;
  }
  const max = new Date(now.getTime() + w.sessionHours * 3600_000);
  const expiresAt = exchanged.expiresAt && exchanged.expiresAt < max ? exchanged.expiresAt : max;
  const { cookie } = await w.sessions.create({ userId: user.id, login: user.login, token: exchanged.token, expiresAt });
  w.access.forget(user.id);
  const session = serializeCookie(sessionCookieName(c.secure), cookie, { secure: c.secure, maxAgeSeconds: (expiresAt.getTime() - now.getTime()) / 1000 });
  let next = "/";
  try {
    next = safeNext(Buffer.from(heldNext, "base64url").toString("utf8"));
  } catch {
    next = "/";
  }
  redirect(c.res, next, 303, [clearState, session]);
}

export async function logout(w: WebContext, c: RequestContext): Promise<void> {
  const clear = serializeCookie(sessionCookieName(c.secure), "", { secure: c.secure, maxAgeSeconds: 0 });
  if (c.session) {
    await w.sessions.destroy(c.session);
    w.access.forget(c.session.userId);
  }
  redirect(c.res, "/", 303, [clear]);
}
