/**
 * The HTTP server, composed by hand so the order is explicit:
 * /healthz, /metrics, then the webhook route (size guard → Probot's
 * middleware, which verifies the signature and calls the app), then the web dashboard's pages,
 * then 404.
 */
import http from "node:http";
import { sql, type Kysely } from "kysely";
import { createNodeMiddleware, type ApplicationFunction, type Probot } from "probot";
import type { DB } from "../store/schema.js";
import type { Metrics } from "./metrics.js";

export interface ServerOptions {
  probot: Probot;
  appFn: ApplicationFunction;
  /** Used by /healthz and /metrics. */
  db: Kysely<DB>;
  metrics: Metrics;
  maxBodyBytes: number;
  webhooksPath?: string;
  /** Filled with each request's body by delivery id while the app handles it, so it can be stored as received. */
  rawBodies?: Map<string, string>;
  /** The web dashboard (src/web/dashboard.ts): answers its own paths, returns false for the rest. */
  web?: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<boolean>;
}

export const WEBHOOKS_PATH = "/api/github/webhooks";

export async function createHttpServer(options: ServerOptions): Promise<http.Server> {
  const webhooksPath = options.webhooksPath ?? WEBHOOKS_PATH;
  const probotMiddleware = await createNodeMiddleware(options.appFn, { probot: options.probot, webhooksPath });
  const { metrics } = options;

  return http.createServer((req, res) => {
    const url = (req.url ?? "/").split("?")[0];
    if (url === "/healthz" && (req.method === "GET" || req.method === "HEAD")) return void health(options.db, res);
    if (url === "/metrics" && req.method === "GET") return void renderMetrics(options.db, metrics, res);
    if (url === webhooksPath && req.method === "POST") return void webhook(req, res);
    if (options.web) return void options.web(req, res).then((handled) => handled || send(res, 404, { error: "not found" }));
    send(res, 404, { error: "not found" });
  });

  async function webhook(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readCapped(req, options.maxBodyBytes);
    if (body === "too-large") {
      metrics.inc("unsung_deliveries_received_total", { outcome: "rejected_too_large" });
      // Close the connection: the rest of the body is not read.
      res.setHeader("connection", "close");
      send(res, 413, { error: `payload larger than ${options.maxBodyBytes} bytes` });
      req.destroy();
      return;
    }
    if (body === "aborted") return;
    // Probot's middleware reads a string body instead of the stream.
    (req as unknown as { body: string }).body = body;
    const id = req.headers["x-github-delivery"];
    const keep = typeof id === "string" && options.rawBodies && !options.rawBodies.has(id) ? id : null;
    if (keep) options.rawBodies!.set(keep, body);
    const done = new Promise<void>((resolve) => res.on("finish", resolve).on("close", resolve));
    try {
      await probotMiddleware(req, res, () => send(res, 404, { error: "not found" }));
      await done;
    } finally {
      if (keep) options.rawBodies!.delete(keep);
    }
    const status = res.statusCode;
    if (status >= 400) {
      metrics.inc("unsung_deliveries_received_total", {
        outcome: status === 415 ? "rejected_content_type" : status === 400 ? "rejected_bad_request" : "failed",
      });
    }
  }
}

/** Reads at most `max` bytes; answers before buffering an oversized body. */
function readCapped(req: http.IncomingMessage, max: number): Promise<string | "too-large" | "aborted"> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > max) return Promise.resolve("too-large");
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (v: string | "too-large" | "aborted") => {
      if (!settled) {
        settled = true;
        resolve(v);
      }
    };
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.removeAllListeners("data");
        req.pause();
        finish("too-large");
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => finish(Buffer.concat(chunks).toString("utf8")));
    req.on("error", () => finish("aborted"));
    req.on("aborted", () => finish("aborted"));
  });
}

async function health(db: Kysely<DB>, res: http.ServerResponse): Promise<void> {
  try {
    await withTimeout(sql`select 1`.execute(db), 2_000);
    send(res, 200, { status: "ok", database: "up" });
  } catch {
    send(res, 503, { status: "degraded", database: "down" });
  }
}

async function renderMetrics(db: Kysely<DB>, metrics: Metrics, res: http.ServerResponse): Promise<void> {
  const gauges: Parameters<Metrics["render"]>[0] = [{ name: "unsung_database_up", help: "1 when the database answered the scrape.", value: 1 }];
  try {
    const r = await withTimeout(
      sql<{ status: string; n: number; oldest: string | null }>`
        select status, count(*)::int as n,
               case when status = 'pending' then min(received_at)::text end as oldest
        from deliveries group by status`.execute(db),
      2_000,
    );
    let lag = 0;
    for (const row of r.rows) {
      gauges.push({ name: "unsung_deliveries", help: "Stored deliveries by processing status.", value: row.n, labels: { status: row.status } });
      if (row.oldest) lag = Math.max(0, (Date.now() - new Date(row.oldest.replace(" ", "T").replace(/([+-]\d\d)$/, "$1:00")).getTime()) / 1000);
    }
    gauges.push({ name: "unsung_processing_lag_seconds", help: "Age of the oldest delivery not yet processed.", value: lag });
  } catch {
    gauges[0]!.value = 0;
  }
  res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
  res.end(metrics.render(gauges));
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body) + "\n");
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("timeout")), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    );
  });
}
