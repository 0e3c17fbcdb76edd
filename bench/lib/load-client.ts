/**
 * The load generator, run as a child process (forked by bench/ingest.ts) so
 * that the client's event loop and CPU do not share the server's. It posts
 * signed deliveries over loopback HTTP with a keep-alive agent, either at a
 * fixed concurrency (closed loop) or at a fixed rate (open loop, latency
 * measured from the scheduled send time so a stalled server is not hidden).
 */
import { randomUUID } from "node:crypto";
import http from "node:http";
import { pullRequestOpenedBodies, type SignedBody } from "./payloads.js";
import { quantile } from "./stats.js";

export type LoadRequest =
  | { kind: "closed"; url: string; secret: string; concurrency: number; warmupMs: number; durationMs: number }
  | { kind: "open"; url: string; secret: string; rate: number; warmupMs: number; durationMs: number };

export interface LoadResult {
  sent: number;
  ok: number;
  errors: number;
  statuses: Record<string, number>;
  elapsedMs: number;
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  bodyBytes: number;
  /** The load generator's own CPU per answered request (ms). */
  clientCpuMs: number;
}

function post(agent: http.Agent, url: URL, b: SignedBody): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(b.body),
          "x-github-event": b.event,
          "x-github-delivery": randomUUID(),
          "x-hub-signature-256": b.signature,
          "user-agent": "GitHub-Hookshot/bench",
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", () => resolve(-1));
      },
    );
    req.on("error", () => resolve(-1));
    req.end(b.body);
  });
}

export async function runLoad(r: LoadRequest): Promise<LoadResult> {
  const bodies = pullRequestOpenedBodies(r.secret);
  const cpu0 = process.cpuUsage();
  const url = new URL(r.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: r.kind === "closed" ? r.concurrency : 512 });
  let n = 0;
  const next = () => bodies[n++ % bodies.length]!;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let measuring = false;
  const record = (status: number, ms: number) => {
    if (!measuring) return;
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (status >= 200 && status < 300) latencies.push(ms);
    else errors++;
  };

  let elapsedMs = 0;
  if (r.kind === "closed") {
    let stopAt = performance.now() + r.warmupMs;
    let phaseStart = 0;
    const worker = async () => {
      for (;;) {
        const t = performance.now();
        if (t >= stopAt) {
          if (measuring) return;
          // Warm-up over: start measuring (every worker hits this once).
          if (!measuring) {
            measuring = true;
            phaseStart = t;
            stopAt = t + r.durationMs;
          }
        }
        const t0 = performance.now();
        const status = await post(agent, url, next());
        record(status, performance.now() - t0);
      }
    };
    await Promise.all(Array.from({ length: r.concurrency }, worker));
    elapsedMs = performance.now() - phaseStart;
  } else {
    const interval = 1000 / r.rate;
    const start = performance.now();
    const warmEnd = start + r.warmupMs;
    const end = warmEnd + r.durationMs;
    const inflight: Promise<void>[] = [];
    let i = 0;
    await new Promise<void>((done) => {
      const tick = () => {
        const now = performance.now();
        for (;;) {
          const due = start + i * interval;
          if (due > now || due >= end) break;
          i++;
          const measured = due >= warmEnd;
          inflight.push(
            post(agent, url, next()).then((status) => {
              if (measured) {
                measuring = true;
                record(status, performance.now() - due);
              }
            }),
          );
        }
        if (start + i * interval >= end) return done();
        setTimeout(tick, Math.max(0, start + i * interval - performance.now()));
      };
      tick();
    });
    await Promise.all(inflight);
    // Until the last answer: a server that falls behind shows a lower rate than was offered.
    elapsedMs = Math.max(r.durationMs, performance.now() - warmEnd);
  }
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  return {
    sent: latencies.length + errors,
    ok: latencies.length,
    errors,
    statuses,
    elapsedMs,
    perSecond: (latencies.length / elapsedMs) * 1000,
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p99: quantile(sorted, 0.99),
    max: quantile(sorted, 1),
    bodyBytes: Buffer.byteLength(bodies[0]!.body),
    clientCpuMs: ((c) => (c.user + c.system) / 1000 / Math.max(1, latencies.length + errors))(process.cpuUsage(cpu0)),
  };
}

// Forked: answer one request per message.
if (process.send) {
  process.on("message", (msg: LoadRequest) => {
    runLoad(msg).then(
      (result) => process.send!({ result }),
      (err: unknown) => process.send!({ error: String((err as Error)?.stack ?? err) }),
    );
  });
  process.on("disconnect", () => process.exit(0));
}
