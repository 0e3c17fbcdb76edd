/**
 * `serve` and `worker` started while PostgreSQL does not answer yet keep trying (0.5 s, doubling to
 * 30 s) for UNSUNG_DB_STARTUP_WAIT_SECONDS instead of exiting at once; a database that answers with
 * an error fails at once. On PostgreSQL only, through a TCP proxy that refuses connections until it
 * is restored (the embedded database cannot be unreachable).
 */
import { spawn } from "node:child_process";
import { Readable } from "node:stream";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createBenchDatabase, DEFAULT_ADMIN_URL, type BenchDatabase } from "../../bench/lib/bench-db.js";
import { startTcpProxy, type TcpProxy } from "../../bench/lib/tcp-proxy.js";
import { privateBuild, type PrivateBuild } from "../helpers/private-build.js";
import type { CliIo } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";
import { openRuntimeWhenReachable } from "../../src/cli/runtime.js";
import { EnvError } from "../../src/config/env.js";
import { isUnreachable } from "../../src/store/unreachable.js";

let bench: BenchDatabase;
let proxy: TcpProxy;
const cwd = mkdtempSync(path.join(tmpdir(), "unsung-startup-wait-"));
beforeAll(async () => {
  // Not migrated: the runtime that finally connects migrates it, which shows it really opened it.
  bench = await createBenchDatabase(process.env.TEST_DATABASE_URL ?? DEFAULT_ADMIN_URL, { migrate: false });
  const u = new URL(bench.url);
  proxy = await startTcpProxy(u.hostname, Number(u.port || 5432));
});
afterAll(async () => {
  await proxy?.close();
  await bench?.drop();
  rmSync(cwd, { recursive: true, force: true });
});

const PASSWORD = "pw-never-printed-7f3a";
/** The bench database through the proxy, with a password (trust auth ignores it) that must never be printed. */
function viaProxy(): string {
  const u = new URL(bench.url);
  u.host = `127.0.0.1:${proxy.port}`;
  u.password = PASSWORD;
  return u.toString();
}

function io(env: Record<string, string>): CliIo & { err: () => string } {
  let stderr = "";
  return {
    stdin: Readable.from([]),
    stdout: { write: () => true },
    stderr: { write: (s: string) => (stderr += s) },
    env,
    cwd,
    err: () => stderr,
  };
}

/** A fake clock: each sleep moves it on by the time asked for, and `onSleep` may act meanwhile. */
function clock(onSleep: (n: number) => void = () => {}) {
  let t = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
      onSleep(sleeps.length);
    },
  };
}

describe("starting while the database does not answer", () => {
  it("tries again with growing waits, and carries on once the database answers", async () => {
    proxy.cut();
    const c = clock((n) => n === 3 && proxy.restore());
    const out = io({ DATABASE_URL: viaProxy(), UNSUNG_DB_STARTUP_WAIT_SECONDS: "60" });
    const rt = await openRuntimeWhenReachable(out, { sleep: c.sleep, now: c.now });
    try {
      expect(rt).not.toBeNull();
      expect(c.sleeps).toEqual([500, 1000, 2000]);
      // It migrated the database it finally reached.
      const tables = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_name = 'deliveries'`.execute(rt!.database.db);
      expect(tables.rows[0]!.n).toBe(1);
      const lines = out.err().trim().split("\n");
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(/^cannot reach the database \(.+\); trying again in 0\.5 s \(gives up 60 s from now\)$/);
      expect(lines[2]).toContain("trying again in 2.0 s");
      expect(out.err()).not.toContain(PASSWORD);
    } finally {
      await rt?.close();
      proxy.restore();
    }
  });

  it("gives up with the database's own error once the wait is over, the last wait cut to what is left", async () => {
    proxy.cut();
    try {
      const c = clock();
      const out = io({ DATABASE_URL: viaProxy(), UNSUNG_DB_STARTUP_WAIT_SECONDS: "2" });
      const failure = await openRuntimeWhenReachable(out, { sleep: c.sleep, now: c.now }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(Error);
      expect(isUnreachable(failure)).toBe(true);
      expect(c.sleeps).toEqual([500, 1000, 500]);
      expect(out.err()).not.toContain(PASSWORD);
    } finally {
      proxy.restore();
    }
  });

  it("fails at once when the wait is 0", async () => {
    proxy.cut();
    try {
      const c = clock();
      await expect(openRuntimeWhenReachable(io({ DATABASE_URL: viaProxy(), UNSUNG_DB_STARTUP_WAIT_SECONDS: "0" }), { sleep: c.sleep, now: c.now })).rejects.toSatisfy(isUnreachable);
      expect(c.sleeps).toEqual([]);
    } finally {
      proxy.restore();
    }
  });

  it("fails at once when the database answers with an error (no such database)", async () => {
    const u = new URL(viaProxy());
    u.pathname = "/unsung_no_such_database_here";
    const c = clock();
    const out = io({ DATABASE_URL: u.toString(), UNSUNG_DB_STARTUP_WAIT_SECONDS: "60" });
    await expect(openRuntimeWhenReachable(out, { sleep: c.sleep, now: c.now })).rejects.toThrow(/does not exist/);
    expect(c.sleeps).toEqual([]);
    expect(out.err()).toBe("");
  });

  it("returns null, opening nothing, when stopped (SIGINT/SIGTERM) while it waits", async () => {
    proxy.cut();
    try {
      const ac = new AbortController();
      const c = clock(() => ac.abort());
      const out = io({ DATABASE_URL: viaProxy(), UNSUNG_DB_STARTUP_WAIT_SECONDS: "60" });
      await expect(openRuntimeWhenReachable(out, { signal: ac.signal, sleep: c.sleep, now: c.now })).resolves.toBeNull();
      expect(c.sleeps).toEqual([500]);
    } finally {
      proxy.restore();
    }
  });

  it("a stop that comes while a try succeeds is not lost: null, and the database it opened is closed", async () => {
    const ac = new AbortController();
    const c = clock();
    const out = io({ DATABASE_URL: viaProxy(), UNSUNG_DB_STARTUP_WAIT_SECONDS: "60" });
    const opening = openRuntimeWhenReachable(out, { signal: ac.signal, sleep: c.sleep, now: c.now });
    ac.abort(); // the try is under way (connect, migrations): the stop arrives during it
    await expect(opening).resolves.toBeNull();
    expect(c.sleeps).toEqual([]);
    await vi.waitFor(() => expect(proxy.connections).toBe(0));
  });

  it("a stop that comes while a try fails ends the wait quietly (null, not the database's error)", async () => {
    proxy.cut();
    try {
      const ac = new AbortController();
      const c = clock();
      const out = io({ DATABASE_URL: viaProxy(), UNSUNG_DB_STARTUP_WAIT_SECONDS: "60" });
      const opening = openRuntimeWhenReachable(out, { signal: ac.signal, sleep: c.sleep, now: c.now });
      ac.abort();
      await expect(opening).resolves.toBeNull();
      expect(c.sleeps).toEqual([]);
      expect(out.err()).toBe("");
    } finally {
      proxy.restore();
    }
  });

  it("the real wait between tries ends at once on a stop", async () => {
    proxy.cut();
    try {
      const ac = new AbortController();
      const out = io({ DATABASE_URL: viaProxy(), UNSUNG_DB_STARTUP_WAIT_SECONDS: "3600" });
      const opening = openRuntimeWhenReachable(out, { signal: ac.signal });
      await vi.waitFor(() => expect(out.err()).toContain("trying again in 0.5 s"));
      ac.abort();
      await expect(opening).resolves.toBeNull();
    } finally {
      proxy.restore();
    }
  });

  it.each(["lots", "-1", "86401", "1e3", "5.5"])("refuses UNSUNG_DB_STARTUP_WAIT_SECONDS=%j before trying", async (value) => {
    const c = clock();
    await expect(openRuntimeWhenReachable(io({ DATABASE_URL: viaProxy(), UNSUNG_DB_STARTUP_WAIT_SECONDS: value }), { sleep: c.sleep, now: c.now })).rejects.toThrow(EnvError);
    expect(c.sleeps).toEqual([]);
  });

  it("`unsung worker` with a database that never answers says so and exits 1 after the wait", { timeout: 30_000 }, async () => {
    proxy.cut();
    try {
      const out = io({ DATABASE_URL: viaProxy(), UNSUNG_DB_STARTUP_WAIT_SECONDS: "1" });
      const code = await main(["worker"], out);
      expect(code).toBe(1);
      expect(out.err()).toMatch(/^cannot reach the database \(.+\); trying again in 0\.5 s/);
      expect(out.err()).toContain("unsung worker: cannot reach the database (");
      expect(out.err()).not.toContain(PASSWORD);
    } finally {
      proxy.restore();
    }
  });
});

describe("the built `unsung worker`, stopped by a real SIGTERM while it waits for the database", () => {
  let build: PrivateBuild | undefined;
  beforeAll(async () => {
    build = await privateBuild("startup-wait");
  }, 180_000);
  afterAll(async () => {
    await build?.remove();
  });

  it.each(["SIGTERM", "SIGINT"] as const)("%s ends the wait at once with exit 0 and nothing printed but the tries", { timeout: 60_000 }, async (sig) => {
    proxy.cut();
    try {
      const child = spawn(process.execPath, [path.join(build!.dir, "src", "cli", "main.js"), "worker"], {
        cwd,
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: cwd, DATABASE_URL: viaProxy(), UNSUNG_DB_STARTUP_WAIT_SECONDS: "3600" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let err = "";
      child.stderr.on("data", (c: Buffer) => (err += c.toString("utf8")));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
      await vi.waitFor(() => expect(err).toContain("trying again in"), { timeout: 30_000, interval: 50 });
      child.kill(sig);
      // Node's default for the signal would end it by the signal (code null): the wait ends it with 0.
      await expect(exited).resolves.toEqual({ code: 0, signal: null });
      expect(err).not.toContain(PASSWORD);
    } finally {
      proxy.restore();
    }
  });
});

describe("isUnreachable: a server that answers it cannot take connections yet", () => {
  it("is unreachable by SQLSTATE 57P03 (cannot_connect_now), also wrapped, in any wording", () => {
    const pgErr = Object.assign(new Error("the database system is not yet accepting connections"), { code: "57P03" });
    expect(isUnreachable(pgErr)).toBe(true);
    expect(isUnreachable(new Error("cannot migrate the database", { cause: Object.assign(new Error("x"), { code: "57P03" }) }))).toBe(true);
    expect(isUnreachable(new Error("the database system is not yet accepting connections"))).toBe(true);
    // answers with an error: not a wait
    expect(isUnreachable(Object.assign(new Error('password authentication failed for user "u"'), { code: "28P01" }))).toBe(false);
    expect(isUnreachable(Object.assign(new Error("canceling statement due to statement timeout"), { code: "57014" }))).toBe(false);
  });
});
