/**
 * GitHub as the signed-in user sees it: the OAuth web flow of the GitHub App (user-to-server
 * tokens) and the few API calls the dashboard makes with the user's own token. github.com or
 * GitHub Enterprise Server (GHE_HOST / GHE_PROTOCOL: OAuth at <host>/login/oauth/…, API at
 * <host>/api/v3). Every call has a timeout; answers are checked for shape, never trusted.
 */

export interface GitHubEndpoints {
  /** Where people sign in: https://github.com or the Enterprise host. */
  webBase: string;
  /** The REST API: https://api.github.com or <host>/api/v3. */
  apiBase: string;
}

export function gitHubEndpoints(env: { GHE_HOST?: string | undefined; GHE_PROTOCOL?: string | undefined; GITHUB_API_URL?: string | undefined }): GitHubEndpoints {
  if (env.GHE_HOST) {
    const base = `${env.GHE_PROTOCOL ?? "https"}://${env.GHE_HOST}`;
    return { webBase: base, apiBase: env.GITHUB_API_URL?.replace(/\/+$/, "") ?? `${base}/api/v3` };
  }
  return { webBase: "https://github.com", apiBase: env.GITHUB_API_URL?.replace(/\/+$/, "") ?? "https://api.github.com" };
}

export function authorizeUrl(ep: GitHubEndpoints, clientId: string, redirectUri: string, state: string): string {
  const q = new URLSearchParams({ client_id: clientId, redirect_uri: redirectUri, state, allow_signup: "false" });
  return `${ep.webBase}/login/oauth/authorize?${q}`;
}

export type Exchanged = { ok: true; token: string; expiresAt: Date | null } | { ok: false; reason: string };

const TIMEOUT_MS = 10_000;

/** Trades the callback's code for a user-to-server token. A refused or expired code is `ok: false`, never a throw. */
export async function exchangeCode(
  ep: GitHubEndpoints,
  input: { clientId: string; clientSecret: string; code: string; redirectUri: string },
  now: Date,
): Promise<Exchanged> {
  let res: Response;
  try {
    res = await fetch(`${ep.webBase}/login/oauth/access_token`, {
      method: "POST",
      headers: { accept: "application/json", "content-type": "application/json", "user-agent": "unsung-dashboard" },
      body: JSON.stringify({ client_id: input.clientId, client_secret: input.clientSecret, code: input.code, redirect_uri: input.redirectUri }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    return { ok: false, reason: "GitHub did not answer" };
  }
  const body = (await res.json().catch(() => null)) as Record<string, unknown> | null;
  if (!res.ok || !body) return { ok: false, reason: `GitHub answered ${res.status}` };
  if (typeof body.error === "string") {
    // bad_verification_code: expired or already used. Never echo GitHub's text verbatim.
    return { ok: false, reason: body.error === "bad_verification_code" ? "the sign-in code has expired or was already used" : "GitHub refused the sign-in" };
  }
  const token = body.access_token;
  if (typeof token !== "string" || !/^[A-Za-z0-9_.-]{10,255}$/.test(token)) return { ok: false, reason: "GitHub answered without a token" };
  const seconds = Number(body.expires_in);
  return { ok: true, token, expiresAt: Number.isFinite(seconds) && seconds > 0 ? new Date(now.getTime() + seconds * 1000) : null };
}

/** The token no longer works (revoked, expired, the app uninstalled by the user): sign in again. */
export class TokenRejectedError extends Error {
  override name = "TokenRejectedError";
}

/** GitHub could not be asked (down, rate-limited, malformed answer): fail closed. */
export class GitHubUnavailableError extends Error {
  override name = "GitHubUnavailableError";
}

export interface GitHubUser {
  id: number;
  login: string;
  name: string | null;
}

export interface UserInstallation {
  id: number;
  /** The GitHub id of the account the app is installed on (null when GitHub's answer lacks it). */
  accountId: number | null;
  accountLogin: string;
  accountType: string;
}

export interface UserRepository {
  id: number;
  fullName: string;
  private: boolean;
}

/** A membership, or null when GitHub says there is none (404; 403 for a team the user cannot see). */
export interface Membership {
  state: string;
  role: string;
}

/** Calls made with the signed-in user's token. */
export interface UserApi {
  user(token: string): Promise<GitHubUser>;
  installations(token: string): Promise<UserInstallation[]>;
  installationRepositories(token: string, installationId: number): Promise<UserRepository[]>;
  orgMembership(token: string, org: string): Promise<Membership | null>;
  teamMembership(token: string, org: string, slug: string, login: string): Promise<Membership | null>;
}

const MAX_PAGES = 50;

export function userApi(ep: GitHubEndpoints): UserApi {
  async function get(token: string, path: string, opts: { absentOn?: number[] } = {}): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${ep.apiBase}${path}`, {
        headers: { accept: "application/vnd.github+json", authorization: `Bearer ${token}`, "user-agent": "unsung-dashboard", "x-github-api-version": "2022-11-28" },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch {
      throw new GitHubUnavailableError("GitHub did not answer");
    }
    if (res.status === 401) throw new TokenRejectedError("GitHub no longer accepts this sign-in");
    if (opts.absentOn?.includes(res.status)) return null;
    if (!res.ok) throw new GitHubUnavailableError(`GitHub answered ${res.status}`);
    const body = await res.json().catch(() => undefined);
    if (body === undefined) throw new GitHubUnavailableError("GitHub's answer was not JSON");
    return body;
  }
  const num = (v: unknown) => (typeof v === "number" && Number.isSafeInteger(v) && v > 0 ? v : null);
  const str = (v: unknown) => (typeof v === "string" && v.length > 0 && v.length <= 200 ? v : null);

  async function pages<T>(token: string, path: string, key: string, map: (x: Record<string, unknown>) => T | null): Promise<T[]> {
    const out: T[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const body = (await get(token, `${path}${path.includes("?") ? "&" : "?"}per_page=100&page=${page}`)) as Record<string, unknown> | null;
      const list = body?.[key];
      if (!Array.isArray(list)) throw new GitHubUnavailableError("GitHub's answer had an unexpected shape");
      for (const x of list) {
        const v = x && typeof x === "object" ? map(x as Record<string, unknown>) : null;
        if (v !== null) out.push(v);
      }
      if (list.length < 100) return out;
    }
    return out;
  }

  function membership(body: unknown): Membership | null {
    if (body === null) return null;
    const b = body as Record<string, unknown>;
    const state = str(b.state);
    const role = str(b.role);
    if (!state || !role) throw new GitHubUnavailableError("GitHub's membership answer had an unexpected shape");
    return { state, role };
  }

  return {
    async user(token) {
      const b = (await get(token, "/user")) as Record<string, unknown> | null;
      const id = num(b?.id);
      const login = str(b?.login);
      if (!id || !login) throw new GitHubUnavailableError("GitHub's user answer had an unexpected shape");
      return { id, login, name: str(b?.name) };
    },
    installations: (token) =>
      pages(token, "/user/installations", "installations", (x) => {
        const id = num(x.id);
        const account = x.account as Record<string, unknown> | null | undefined;
        const login = str(account?.login);
        return id && login ? { id, accountId: num(account?.id), accountLogin: login, accountType: str(account?.type) ?? "Organization" } : null;
      }),
    installationRepositories: (token, installationId) =>
      pages(token, `/user/installations/${installationId}/repositories`, "repositories", (x) => {
        const id = num(x.id);
        const fullName = str(x.full_name);
        return id && fullName ? { id, fullName, private: x.private === true } : null;
      }),
    orgMembership: async (token, org) => membership(await get(token, `/user/memberships/orgs/${encodeURIComponent(org)}`, { absentOn: [403, 404] })),
    teamMembership: async (token, org, slug, login) =>
      membership(await get(token, `/orgs/${encodeURIComponent(org)}/teams/${encodeURIComponent(slug)}/memberships/${encodeURIComponent(login)}`, { absentOn: [403, 404] })),
  };
}
