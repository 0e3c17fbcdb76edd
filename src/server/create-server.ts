/**
 * The HTTP server, composed by hand so the order is explicit: /healthz,
 * /metrics, then the webhook route, then 404.
 *
 * The webhook route, in order: headers (event, delivery id, signature header,
 * content type, declared length) → per-source admission → the body read with
 * a byte cap while its signature is computed → JSON → the app (through
 * `probot.receive`, which only stores). A refusal before the body is read
 * answers at once and closes the connection, so the body is never read.
 * Log lines name the delivery id, event, source and reason, never the body.
 */
import http from "node:http";
import { sql, type Kysely } from "kysely";
import type { Logger } from "pino";
import type { ApplicationFunction, Probot } from "probot";
import type { DB } from "../store/schema.js";
import { Admission, DEFAULT_ADMISSION, type AdmissionLimits } from "./admission.js";
import { checkWebhookHeaders, REJECT_STATUS, type RejectReason } from "./check-headers.js";
import { countRejected, deliveriesReceived, deliveriesStoreFailed, renderMetrics, withTimeout } from "./metrics.js";
import { logSafe, RejectionLog, safeError } from "./quiet-log.js";
import { readVerifiedBody } from "./read-verified-body.js";

export interface ServerOptions {
  probot: Probot;
  appFn: ApplicationFunction;
  /** The webhook secret (the same one Probot was given). */
  secret: string;
  /** Used by /healthz and /metrics. */
  db: Kysely<DB>;
  maxBodyBytes: number;
  /** The logger (src/server/quiet-log.ts); Probot should be given the same one. */
  log: Logger;
  admission?: Partial<AdmissionLimits>;
  /** Proxies in front of the server whose X-Forwarded-For entries are trusted (0: the peer address is the source). */
  trustedProxyHops?: number;
  /** Longest time to receive a whole request, ms (Node's requestTimeout). */
  requestTimeoutMs?: number;
  webhooksPath?: string;
  /** Filled with each request's body by delivery id while the app handles it, so it can be stored as received. */
  rawBodies?: Map<string, string>;
}

export const WEBHOOKS_PATH = "/api/github/webhooks";

/** The client address a request is counted against. */
export function sourceOf(req: http.IncomingMessage, trustedProxyHops: number): string {
  const peer = req.socket.remoteAddress ?? "unknown";
  if (trustedProxyHops <= 0) return peer;
  const forwarded = String(req.headers["x-forwarded-for"] ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  // Each trusted proxy appends the address it saw: the entry before the last `hops` is the client.
  return forwarded[forwarded.length - trustedProxyHops] ?? peer;
}

export async function createHttpServer(options: ServerOptions): Promise<http.Server> {
  const webhooksPath = options.webhooksPath ?? WEBHOOKS_PATH;
  const { probot, log } = options;
  await probot.load(options.appFn, { cwd: process.cwd(), addHandler: () => {} });
  const admission = new Admission({ ...DEFAULT_ADMISSION, ...options.admission });
  const rejections = new RejectionLog(log);
  const hops = options.trustedProxyHops ?? 0;

  const server = http.createServer((req, res) => {
    const url = (req.url ?? "/").split("?")[0];
    if (url === "/healthz" && (req.method === "GET" || req.method === "HEAD")) return void health(options.db, res);
    if (url === "/metrics" && req.method === "GET") return void metrics(options.db, res);
    if (url === webhooksPath && req.method === "POST") {
      return void webhook(req, res).catch((err: unknown) => {
        log.error({ err }, "webhook route failed");
        send(res, 500, { error: "internal error" });
      });
    }
    send(res, 404, { error: "not found" });
  });
  server.requestTimeout = options.requestTimeoutMs ?? 30_000;
  server.headersTimeout = Math.min(server.requestTimeout, 10_000);
  return server;

  function refuse(req: http.IncomingMessage, res: http.ServerResponse, reason: RejectReason, fields: Record<string, unknown>): void {
    countRejected(reason);
    rejections.note(reason, fields);
    const status = REJECT_STATUS[reason];
    if (!res.headersSent) {
      const headers: Record<string, string> = { "content-type": "application/json", connection: "close" };
      if (status === 429 || status === 503) headers["retry-after"] = "5";
      res.writeHead(status, headers);
      res.end(JSON.stringify({ error: reason }) + "\n");
    }
    // Whatever of the body is still unread stays unread.
    if (!req.complete) res.once("finish", () => req.socket.destroy());
  }

  async function webhook(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    deliveriesReceived.inc();
    const source = sourceOf(req, hops);
    const h = checkWebhookHeaders(req.headers, options.maxBodyBytes);
    const fields = {
      delivery: logSafe(h.ok ? h.id : (h.id ?? req.headers["x-github-delivery"])),
      event: logSafe(h.ok ? h.event : (h.event ?? req.headers["x-github-event"])),
      source: logSafe(source),
      length: logSafe(req.headers["content-length"], 16),
    };
    if (!h.ok) return refuse(req, res, h.reason, fields);
    const admitted = admission.enter(source, h.length);
    if ("refused" in admitted) return refuse(req, res, admitted.refused, fields);
    const { ticket } = admitted;
    const keep = options.rawBodies && !options.rawBodies.has(h.id) ? h.id : null;
    try {
      const read = await readVerifiedBody(req, { secret: options.secret, signature: h.signature, length: h.length, limit: options.maxBodyBytes, ticket });
      if (!read.ok) return refuse(req, res, read.reason, fields);
      const text = read.body.toString("utf8");
      let payload: unknown;
      try {
        payload = JSON.parse(text);
      } catch {
        return refuse(req, res, "malformed-json", fields);
      }
      if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return refuse(req, res, "not-an-object", fields);
      if (keep) options.rawBodies!.set(keep, text);
      try {
        await probot.receive({ id: h.id, name: h.event as never, payload: payload as never });
      } catch (err) {
        deliveriesStoreFailed.inc();
        log.error({ ...fields, reason: "store-failed", err }, "webhook not stored");
        send(res, 500, { error: "not stored" });
        return;
      }
      log.debug(fields, "webhook stored");
      send(res, 200, { ok: true });
    } finally {
      ticket.release();
      if (keep) options.rawBodies!.delete(keep);
    }
  }
}

async function health(db: Kysely<DB>, res: http.ServerResponse): Promise<void> {
  try {
    await withTimeout(sql`select 1`.execute(db), 2_000);
    send(res, 200, { status: "ok", database: "up" });
  } catch {
    send(res, 503, { status: "degraded", database: "down" });
  }
}

async function metrics(db: Kysely<DB>, res: http.ServerResponse): Promise<void> {
  const { contentType, body } = await renderMetrics(db);
  res.writeHead(200, { "content-type": contentType });
  res.end(body);
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body) + "\n");
}
