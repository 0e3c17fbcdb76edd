/**
 * The fake GitHub over real HTTP on a loopback port (the benchmark, and the
 * CLI run end to end). A timeout fault holds the request until the client
 * gives up; a reset fault drops the connection.
 *
 * As a program: `node dist/bench/lib/fake-github/server.js --pull-requests 250 --issues 200`
 * prints `listening <url>` and serves until stdin closes (the benchmark runs it in a child
 * process, so the fake's memory is not counted as the backfill's).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { FakeGitHub, type FakeGitHubOptions } from "./index.js";

export async function startFakeGitHubServer(fake: FakeGitHub, port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const held = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(", ") : v;
      fake
        .handle({ method: req.method ?? "GET", path: req.url ?? "/", headers, body: chunks.length ? Buffer.concat(chunks).toString("utf8") : null })
        .then((answer) => {
          if ("error" in answer) {
            if (answer.error === "reset") req.socket.destroy();
            else held.add(res);
            return;
          }
          res.writeHead(answer.status, { ...answer.headers, "content-length": String(Buffer.byteLength(answer.body)) });
          res.end(answer.body);
        })
        .catch((err: unknown) => {
          res.writeHead(500, { "content-type": "application/json" });
          res.end(JSON.stringify({ message: String(err) }));
        });
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise<void>((r) => {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** The fake's options from command-line flags (shared with the benchmark). */
export function fakeOptionsFromArgs(argv: string[]): FakeGitHubOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      "pull-requests": { type: "string", default: "250" },
      issues: { type: "string", default: "200" },
      days: { type: "string", default: "365" },
      seed: { type: "string", default: "42" },
      "ends-at": { type: "string", default: "2026-11-30T00:00:00Z" },
      token: { type: "string", default: "test-token" },
    },
    strict: true,
  });
  return {
    owner: "acme",
    name: "shop",
    repositoryId: 910_001,
    ownerId: 910_000,
    installationId: 4242,
    pullRequests: Number(values["pull-requests"]),
    issues: Number(values.issues),
    days: Number(values.days),
    seed: Number(values.seed),
    endsAt: values["ends-at"]!,
    tokens: [values.token!],
    // The benchmark measures throughput, not waiting: a budget that never runs out.
    graphqlLimit: 10_000_000,
    restLimit: 10_000_000,
  };
}

const invokedDirectly = (() => {
  try {
    return realpathSync(process.argv[1] ?? "") === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();

if (invokedDirectly) {
  const fake = new FakeGitHub(fakeOptionsFromArgs(process.argv.slice(2)));
  const { url, close } = await startFakeGitHubServer(fake);
  process.stdout.write(`listening ${url}\n`);
  process.stdin.resume();
  process.stdin.on("end", () => {
    process.stdout.write(`calls ${fake.calls}\n`);
    void close().then(() => process.exit(0));
  });
}
