/**
 * Dashboard sessions, kept in the database (PostgreSQL or the embedded one). The browser holds a
 * random 256-bit id in an HttpOnly, SameSite=Lax cookie (Secure behind TLS); the row is keyed by
 * the id's SHA-256. The user's GitHub token stays in the row, encrypted with AES-256-GCM under a
 * key derived from the app's OAuth client secret: it never reaches the browser, and a copy of the
 * table alone opens nothing. Sessions end at an absolute expiry (at most as late as the token's).
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import type { Kysely } from "kysely";
import type { DB } from "../store/schema.js";

export interface Session {
  idHash: string;
  userId: number;
  login: string;
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

const b64 = (b: Buffer) => b.toString("base64url");
const hashOf = (id: string) => createHash("sha256").update(id).digest("hex");

/** A random token, URL- and cookie-safe. */
export function randomToken(bytes = 32): string {
  return b64(randomBytes(bytes));
}

/** Constant-time equality of two strings (false for different lengths). */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

export class SessionStore {
  private readonly key: Buffer;

  constructor(
    private readonly db: Kysely<DB>,
    secret: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.key = Buffer.from(hkdfSync("sha256", secret, "unsung-dashboard", "session-token-v1", 32));
  }

  private encrypt(token: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", this.key, iv);
    const ct = Buffer.concat([c.update(token, "utf8"), c.final()]);
    return `v1.${b64(iv)}.${b64(ct)}.${b64(c.getAuthTag())}`;
  }

  private decrypt(stored: string): string | null {
    const [v, iv, ct, tag] = stored.split(".");
    if (v !== "v1" || !iv || !ct || !tag) return null;
    try {
      const d = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64url"));
      d.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([d.update(Buffer.from(ct, "base64url")), d.final()]).toString("utf8");
    } catch {
      // Another secret (rotated) or a tampered row: no session.
      return null;
    }
  }

  /** A new session; returns the cookie value (the only copy of the id). */
  async create(input: { userId: number; login: string; token: string; expiresAt: Date }): Promise<{ cookie: string; session: Session }> {
    const id = randomToken();
    const now = this.now();
    const session: Session = { idHash: hashOf(id), userId: input.userId, login: input.login, token: input.token, csrfToken: randomToken(), expiresAt: input.expiresAt };
    await this.db
      .insertInto("web_sessions")
      .values({
        id_hash: session.idHash,
        user_id: input.userId,
        login: input.login,
        token_ciphertext: this.encrypt(input.token),
        csrf_token: session.csrfToken,
        created_at: now.toISOString(),
        expires_at: input.expiresAt.toISOString(),
        last_seen_at: now.toISOString(),
      })
      .execute();
    return { cookie: id, session };
  }

  /** The live session of a cookie value, or null (unknown, expired — then deleted — or undecryptable). */
  async load(cookie: string | undefined): Promise<Session | null> {
    if (!cookie || !/^[A-Za-z0-9_-]{43}$/.test(cookie)) return null;
    const idHash = hashOf(cookie);
    const row = await this.db.selectFrom("web_sessions").selectAll().where("id_hash", "=", idHash).executeTakeFirst();
    if (!row) return null;
    const expiresAt = new Date(row.expires_at);
    if (!(expiresAt.getTime() > this.now().getTime())) {
      await this.db.deleteFrom("web_sessions").where("id_hash", "=", idHash).execute();
      return null;
    }
    const token = this.decrypt(row.token_ciphertext);
    if (token === null) {
      await this.db.deleteFrom("web_sessions").where("id_hash", "=", idHash).execute();
      return null;
    }
    return { idHash, userId: Number(row.user_id), login: row.login, token, csrfToken: row.csrf_token, expiresAt };
  }

  async destroy(session: Pick<Session, "idHash">): Promise<void> {
    await this.db.deleteFrom("web_sessions").where("id_hash", "=", session.idHash).execute();
  }

  /** Deletes every expired session; returns how many. */
  async sweep(): Promise<number> {
    const r = await this.db.deleteFrom("web_sessions").where("expires_at", "<=", this.now().toISOString()).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}

/** Cookies of a request, by name (the first of each; malformed pairs skipped). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header || header.length > 8192) return out;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i <= 0) continue;
    const name = part.slice(0, i).trim();
    const value = part.slice(i + 1).trim();
    if (!out.has(name)) out.set(name, value);
  }
  return out;
}

export interface CookieOptions {
  secure: boolean;
  maxAgeSeconds?: number;
  path?: string;
}

export function serializeCookie(name: string, value: string, o: CookieOptions): string {
  const parts = [`${name}=${value}`, `Path=${o.path ?? "/"}`, "HttpOnly", "SameSite=Lax"];
  if (o.secure) parts.push("Secure");
  if (o.maxAgeSeconds !== undefined) parts.push(`Max-Age=${Math.max(0, Math.floor(o.maxAgeSeconds))}`);
  return parts.join("; ");
}

/** Behind TLS the cookie gets the __Host- prefix (Secure, Path=/, no Domain: no subdomain can set it). */
export function sessionCookieName(secure: boolean): string {
  return secure ? "__Host-unsung_session" : "unsung_session";
}

export function stateCookieName(secure: boolean): string {
  return secure ? "__Host-unsung_oauth" : "unsung_oauth";
}
