/**
 * What every dashboard handler gets: the process-wide parts (database, GitHub endpoints, sessions,
 * access resolver, clock) and the request's own (URL, session, whether behind TLS, own origin).
 */
import type http from "node:http";
import type { Kysely } from "kysely";
import type { GitHubClientFactory } from "../github/clients.js";
import type { DB } from "../store/schema.js";
import type { AccessResolver } from "./authorise.js";
import type { GitHubEndpoints, UserApi } from "./github-user.js";
import type { Session, SessionStore } from "./sessions.js";

export interface WebContext {
  db: Kysely<DB>;
  endpoints: GitHubEndpoints;
  api: UserApi;
  /** Null when GITHUB_CLIENT_ID / GITHUB_CLIENT_SECRET are not set: nobody can sign in. */
  oauth: { clientId: string; clientSecret: string } | null;
  sessions: SessionStore;
  access: AccessResolver;
  /** Installation clients (the operations page asks for the rate-limit budget); null without credentials. */
  clients: GitHubClientFactory;
  publicUrl: string | null;
  sessionHours: number;
  now: () => Date;
}

export interface RequestContext {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  session: Session | null;
  /** Served over TLS (directly, per UNSUNG_PUBLIC_URL, or per a proxy's X-Forwarded-Proto). */
  secure: boolean;
  /** This app's own origin, for the OAuth callback and the Origin check of forms. */
  origin: string;
}
