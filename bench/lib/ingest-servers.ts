/**
 * The HTTP servers bench/ingest.ts measures: a bare Probot app, the naive peer
 * a developer would write, and Unsung's server composed as `unsung serve` does.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { createNodeMiddleware, Probot, type ApplicationFunction } from "probot";
import { unsungApp } from "../../src/app.js";
import { createHttpServer } from "../../src/server/create-server.js";
import { deliveriesStored } from "../../src/server/metrics.js";
import { createQuietLogger } from "../../src/server/quiet-log.js";

export const SECRET = "bench-webhook-secret";
export const WEBHOOKS = "/api/github/webhooks";

export async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  server.keepAliveTimeout = 30_000;
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}${WEBHOOKS}`;
}

export function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}

export async function bareProbot(): Promise<http.Server> {
  const probot = new Probot({ githubToken: "bench", secret: SECRET, logLevel: "fatal" });
  const appFn: ApplicationFunction = (app) => {
    app.onAny(async () => {});
  };
  const middleware = await createNodeMiddleware(appFn, { probot, webhooksPath: WEBHOOKS });
  return http.createServer((req, res) => {
    void middleware(req, res, () => {
      res.writeHead(404).end();
    });
  });
}

/**
 * The naive peer: what a developer would write to keep webhooks — Probot's
 * own middleware, and in the handler one INSERT of the JSON payload (jsonb)
 * per event through a pg Pool of 10, no queue, no batching.
 */
export async function naivePeer(url: string): Promise<{ server: http.Server; pool: pg.Pool }> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  await pool.query("create table if not exists webhook_events (id text primary key, name text not null, payload jsonb not null, received_at timestamptz not null default now())");
  const probot = new Probot({ githubToken: "bench", secret: SECRET, logLevel: "fatal" });
  const appFn: ApplicationFunction = (app) => {
    app.onAny(async (context) => {
      const c = context as unknown as { id: string; name: string; payload: unknown };
      await pool.query("insert into webhook_events (id, name, payload) values ($1, $2, $3) on conflict (id) do nothing", [c.id, c.name, c.payload]);
    });
  };
  const middleware = await createNodeMiddleware(appFn, { probot, webhooksPath: WEBHOOKS });
  const server = http.createServer((req, res) => {
    void middleware(req, res, () => {
      res.writeHead(404).end();
    });
  });
  return { server, pool };
}

/** Unsung's server composed exactly as `unsung serve` composes it (raw bodies handed to the store). */
export async function unsungServer(record: Parameters<typeof unsungApp>[0]["record"], db: Parameters<typeof createHttpServer>[0]["db"]): Promise<http.Server> {
  const log = createQuietLogger({ level: "fatal" });
  const probot = new Probot({ githubToken: "bench", secret: SECRET, log });
  const rawBodies = new Map<string, string>();
  const appFn = unsungApp({ record, rawBodyOf: (id) => rawBodies.get(id), onRecorded: (o) => deliveriesStored.inc({ outcome: o }) });
  return createHttpServer({ probot, appFn, secret: SECRET, log, db, maxBodyBytes: 25 * 1024 * 1024, rawBodies });
}
