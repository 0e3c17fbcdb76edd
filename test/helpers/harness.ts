/**
 * The real app over real HTTP on a random loopback port, backed by a test
 * database; a worker that can be run until the queue is drained. GitHub is
 * the only thing faked (recorded responses or nock).
 */
import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Probot } from "probot";
import { unsungApp } from "../../src/app.js";
import { drainQueue, workerDeps, type Runtime } from "../../src/cli/runtime.js";
import { readEnv } from "../../src/config/env.js";
import type { GitHubClientFactory } from "../../src/github/clients.js";
import { createHttpServer } from "../../src/server/create-server.js";
import { deliveriesStored } from "../../src/server/metrics.js";
import { createQuietLogger } from "../../src/server/quiet-log.js";
import type { AdmissionLimits } from "../../src/server/admission.js";
import type { DestinationStream } from "pino";
import { createDeliveryRecorder } from "../../src/services/record-delivery.js";
import type { Kysely } from "kysely";
import type { DB } from "../../src/store/schema.js";
import { afterAll, beforeAll } from "vitest";
import { createTestDatabase, type TestDatabase } from "./test-database.js";

export const SECRET = "test-webhook-secret";

export function sign(body: string | Buffer, secret = SECRET): string {
  return "sha256=" + createHmac("sha256", secret).update(body).digest("hex");
}

export interface Harness {
  url: string;
  runtime: Runtime;
  post(event: string, payload: unknown, opts?: { id?: string; signature?: string | null; contentType?: string; rawBody?: string | Buffer }): Promise<{ status: number; body: string }>;
  drain(clients?: GitHubClientFactory): Promise<number>;
  /** Waits until every delivery stored so far has its processing job. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

let counter = 0;

export interface HarnessOptions {
  maxBodyBytes?: number;
  recordDb?: Kysely<DB>;
  admission?: Partial<AdmissionLimits>;
  /** Where the server's (and Probot's) log lines go; nowhere by default. */
  logTo?: DestinationStream;
}

export async function startHarness(database: TestDatabase, options: HarnessOptions = {}): Promise<Harness> {
  const env = readEnv({ WEBHOOK_SECRET: SECRET, UNSUNG_MAX_ATTEMPTS: "3", UNSUNG_WORKER_CONCURRENCY: "2" });
  const runtime: Runtime = { env, database, close: async () => {} };
  const log = createQuietLogger(options.logTo ? { level: "debug", destination: options.logTo } : { level: "silent" });
  const probot = new Probot({ githubToken: "test", secret: SECRET, log });
  // The same recorder and raw-body hand-off as `unsung serve`.
  const recorder = createDeliveryRecorder(options.recordDb ?? database.db, env.UNSUNG_MAX_ATTEMPTS);
  const rawBodies = new Map<string, string>();
  const appFn = unsungApp({
    record: (d) => recorder.record(d),
    rawBodyOf: (id) => rawBodies.get(id),
    onRecorded: (o) => deliveriesStored.inc({ outcome: o }),
  });
  const server = await createHttpServer({
    probot,
    appFn,
    secret: SECRET,
    log,
    db: database.db,
    maxBodyBytes: options.maxBodyBytes ?? 25 * 1024 * 1024,
    rawBodies,
    ...(options.admission ? { admission: options.admission } : {}),
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    runtime,
    post: (event, payload, opts = {}) => {
      const body = opts.rawBody ?? JSON.stringify(payload);
      const headers: Record<string, string> = {
        "content-type": opts.contentType ?? "application/json",
        "x-github-event": event,
        "x-github-delivery": opts.id ?? `test-${process.pid}-${++counter}`,
        "content-length": String(Buffer.byteLength(body)),
      };
      const sig = opts.signature === undefined ? sign(body) : opts.signature;
      if (sig !== null) headers["x-hub-signature-256"] = sig;
      return request(`${url}/api/github/webhooks`, "POST", headers, body);
    },
    flush: () => recorder.flush(),
    drain: async (clients = async () => null) => {
      // Stored deliveries get their jobs just after the 2xx: wait for that first.
      await recorder.flush();
      return drainQueue(runtime, workerDeps(runtime, clients, { debounceSeconds: 0 }));
    },
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      await recorder.close();
    },
  };
}

export function request(url: string, method: string, headers: Record<string, string>, body?: string | Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

/**
 * A test file's own database and harness, created before its tests and torn
 * down after them; `bind` receives both once they exist.
 */
export function useHarness(bind: (database: TestDatabase, harness: Harness) => void, options?: Parameters<typeof startHarness>[1]): void {
  let database: TestDatabase | undefined;
  let harness: Harness | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    harness = await startHarness(database, options);
    bind(database, harness);
  });
  afterAll(async () => {
    await harness?.close();
    await database?.drop();
  });
}
