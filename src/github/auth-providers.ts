/**
 * Where the API client's tokens come from. A personal token is what it is; an
 * installation token comes from the app's credentials through Probot's app
 * authentication, which caches tokens for 59 minutes whatever their expiry
 * says — so a refused token is replaced by asking with `refresh: true`,
 * which skips that cache. Token requests are the auth library's, not the
 * client's: they are not counted as API calls.
 */
import type { Probot } from "probot";
import type { AuthProvider } from "./api-client.js";

/** A fixed token (GITHUB_TOKEN). A refused one cannot be replaced: the client then gives up with a clear message. */
export function tokenAuth(token: string, label = "GITHUB_TOKEN"): AuthProvider {
  return { label, token: async () => token };
}

interface AppAuth {
  auth(options: Record<string, unknown>): Promise<unknown>;
}

function tokenOf(v: unknown, what: string): string {
  const t = (v as { token?: unknown } | null)?.token;
  if (typeof t !== "string" || !t) throw new Error(`GitHub App authentication returned no ${what}`);
  return t;
}

/** The app's own JWT (for `GET /repos/{owner}/{repo}/installation` and listing installations). */
export function appJwtAuth(app: AppAuth): AuthProvider {
  return { label: "the GitHub App", scheme: "bearer", token: async () => tokenOf(await app.auth({ type: "app" }), "app token") };
}

/** An installation's tokens, fresh ones on request. */
export function installationAuth(app: AppAuth, installationId: number): AuthProvider {
  return {
    label: `installation ${installationId}`,
    token: async (refresh) => tokenOf(await app.auth({ type: "installation", installationId, refresh }), "installation token"),
  };
}

/** The app-authenticated Octokit of a Probot instance (its `auth` mints JWTs and installation tokens). */
export async function probotAppAuth(probot: Probot): Promise<AppAuth> {
  return (await probot.auth()) as unknown as AppAuth;
}
