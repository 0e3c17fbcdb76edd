/**
 * GitHub's webhook delivery log for an app, faked over loopback HTTP: it
 * lists every attempt the sender made (newest first, 100 a page, a cursor in
 * the Link header) and, asked to redeliver one, sends the same delivery
 * again (same GUID and body) and logs that attempt too — as GitHub does,
 * after answering 202.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface LoggedAttempt {
  id: number;
  guid: string;
  deliveredAtMs: number;
  redelivery: boolean;
  statusCode: number;
  event: string;
  action: string | null;
}

export interface FakeHookLog {
  url: string;
  /** Logs one attempt (the sender calls it with what it saw; 0 when it could not connect). */
  log(a: Omit<LoggedAttempt, "id">): LoggedAttempt;
  readonly attempts: readonly LoggedAttempt[];
  /** Redelivery requests received, by GUID. */
  readonly requested: Map<string, number>;
  /** Resolves when every redelivery asked for so far has been sent. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeHookLog(redeliver: (guid: string) => Promise<number>): Promise<FakeHookLog> {
  const attempts: LoggedAttempt[] = [];
  const requested = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  let nextId = 1;
  const log = (a: Omit<LoggedAttempt, "id">): LoggedAttempt => {
    const entry = { ...a, id: nextId++ };
    attempts.push(entry);
    return entry;
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    if (!/^bearer \S+$/i.test(req.headers.authorization ?? "")) return send(401, { message: "Bad credentials" });
    if (req.method === "GET" && url.pathname === "/app/hook/deliveries") {
      const perPage = Math.min(100, Number(url.searchParams.get("per_page") ?? 30));
      const cursor = url.searchParams.get("cursor");
      const newestFirst = [...attempts].sort((a, b) => b.id - a.id);
      const start = cursor ? newestFirst.findIndex((a) => a.id < Number(cursor.replace(/^v1_/, ""))) : 0;
      const page = start < 0 ? [] : newestFirst.slice(start, start + perPage);
      const last = page[page.length - 1];
      const more = last !== undefined && newestFirst.indexOf(last) < newestFirst.length - 1;
      const headers: Record<string, string> = more ? { link: `<http://${req.headers.host}/app/hook/deliveries?per_page=${perPage}&cursor=v1_${last.id}>; rel="next"` } : {};
      return send(
        200,
        page.map((a) => ({
          id: a.id,
          guid: a.guid,
          delivered_at: new Date(a.deliveredAtMs).toISOString(),
          redelivery: a.redelivery,
          duration: 0.1,
          status: a.statusCode >= 200 && a.statusCode < 300 ? "OK" : a.statusCode === 0 ? "failed to connect" : `Invalid HTTP Response: ${a.statusCode}`,
          status_code: a.statusCode,
          event: a.event,
          action: a.action,
          installation_id: null,
          repository_id: null,
        })),
        headers,
      );
    }
    const m = /^\/app\/hook\/deliveries\/(\d+)\/attempts$/.exec(url.pathname);
    if (req.method === "POST" && m) {
      const original = attempts.find((a) => a.id === Number(m[1]));
      if (!original) return send(404, { message: "Not Found" });
      requested.set(original.guid, (requested.get(original.guid) ?? 0) + 1);
      send(202, {});
      const p = redeliver(original.guid)
        .catch(() => 0)
        .then((statusCode) => {
          log({ guid: original.guid, deliveredAtMs: Date.now(), redelivery: true, statusCode, event: original.event, action: original.action });
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
      return;
    }
    send(404, { message: "Not Found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    attempts,
    requested,
    settled: async () => {
      while (inFlight.size) await Promise.all([...inFlight]);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
