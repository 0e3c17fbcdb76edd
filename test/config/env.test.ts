import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EnvError, readEnv } from "../../src/config/env.js";

const dir = mkdtempSync(path.join(tmpdir(), "unsung-env-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Not a usable key: only its PEM shape matters to readEnv.
const PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAtest\nbodyline2\n-----END RSA PRIVATE KEY-----\n";

/** The EnvError readEnv throws for `env` (fails the test when it does not throw one). */
function envError(env: Record<string, string | undefined>): EnvError {
  try {
    readEnv(env, dir);
  } catch (err) {
    expect(err).toBeInstanceOf(EnvError);
    return err as EnvError;
  }
  throw new Error(`readEnv accepted ${JSON.stringify(Object.keys(env))}`);
}

describe("readEnv", () => {
  it("fills in the defaults for an empty environment", () => {
    const env = readEnv({}, dir);
    expect(env).toMatchObject({
      PORT: 3000,
      HOST: "0.0.0.0",
      LOG_LEVEL: "info",
      UNSUNG_DATA_DIR: ".unsung/data",
      UNSUNG_MAX_BODY_BYTES: 25 * 1024 * 1024,
      UNSUNG_PAYLOAD_RETENTION_DAYS: 90,
      UNSUNG_TEXT_RETENTION_DAYS: 730,
      UNSUNG_INTAKE_PER_SOURCE: 256,
      UNSUNG_INTAKE_LARGE_CONCURRENCY: 4,
      UNSUNG_TRUSTED_PROXY_HOPS: 0,
      UNSUNG_ERASURE_GRACE_DAYS: 7,
      UNSUNG_WORKER_CONCURRENCY: 4,
      UNSUNG_MAX_ATTEMPTS: 5,
      UNSUNG_RUN_WORKER: true,
      UNSUNG_DETECT_DEBOUNCE_SECONDS: 5,
      hasGitHubCredentials: false,
    });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PRIVATE_KEY).toBeUndefined();
    expect(env.APP_ID).toBeUndefined();
    expect(env.dataDir).toBe(path.join(dir, ".unsung", "data"));
  });

  it("reads numbers, flags and paths", () => {
    const env = readEnv({ PORT: "8080", UNSUNG_RUN_WORKER: "no", UNSUNG_DATA_DIR: "db", UNSUNG_MAX_ATTEMPTS: "1", DATABASE_URL: "postgresql://u@h/db", LOG_LEVEL: "debug" }, dir);
    expect(env.PORT).toBe(8080);
    expect(env.UNSUNG_RUN_WORKER).toBe(false);
    expect(env.UNSUNG_MAX_ATTEMPTS).toBe(1);
    expect(env.dataDir).toBe(path.join(dir, "db"));
    expect(env.DATABASE_URL).toBe("postgresql://u@h/db");
    expect(env.LOG_LEVEL).toBe("debug");
    expect(readEnv({ UNSUNG_RUN_WORKER: "1" }, dir).UNSUNG_RUN_WORKER).toBe(true);
    expect(readEnv({ PORT: "0" }, dir).PORT).toBe(0);
    expect(readEnv({ PORT: "65535" }, dir).PORT).toBe(65535);
  });

  it.each(["65536", "70000", "-1", "abc", "80.5", " ", "0x50", "1e3"])("rejects PORT=%j", (port) => {
    const err = envError({ PORT: port });
    expect(err.message).toMatch(/^invalid environment:\n {2}PORT: /);
  });

  it.each(["366", "-1", "7 days", "1.5"])("rejects UNSUNG_ERASURE_GRACE_DAYS=%j", (days) => {
    expect(envError({ UNSUNG_ERASURE_GRACE_DAYS: days }).message).toMatch(/^invalid environment:\n {2}UNSUNG_ERASURE_GRACE_DAYS: /);
  });

  it("accepts a grace period of 0 days (erase at the next run) up to a year", () => {
    expect(readEnv({ UNSUNG_ERASURE_GRACE_DAYS: "0" }, dir).UNSUNG_ERASURE_GRACE_DAYS).toBe(0);
    expect(readEnv({ UNSUNG_ERASURE_GRACE_DAYS: "365" }, dir).UNSUNG_ERASURE_GRACE_DAYS).toBe(365);
  });

  it("rejects an unknown LOG_LEVEL, naming the allowed ones", () => {
    const err = envError({ LOG_LEVEL: "verbose" });
    expect(err.message).toContain("LOG_LEVEL");
    expect(err.message).toContain('"debug"');
  });

  it("lists every problem at once", () => {
    const err = envError({ PORT: "99999", LOG_LEVEL: "loud", UNSUNG_RUN_WORKER: "maybe", APP_ID: "my-app" });
    for (const v of ["PORT", "LOG_LEVEL", "UNSUNG_RUN_WORKER", "APP_ID"]) expect(err.message).toContain(`  ${v}: `);
  });

  it.each(["mysql://u@h/db", "http://h/db", "localhost:5432", "postgres:/missing-slash"])("rejects DATABASE_URL=%j", (url) => {
    expect(envError({ DATABASE_URL: url }).message).toContain("DATABASE_URL: must start with postgres:// or postgresql://");
  });

  it("rejects an unreadable PRIVATE_KEY_PATH, naming the path and the reason", () => {
    const err = envError({ PRIVATE_KEY_PATH: "no-such-key.pem" });
    expect(err.message).toContain("PRIVATE_KEY_PATH: cannot read no-such-key.pem (ENOENT)");
    // A directory is not a readable key file either.
    expect(envError({ PRIVATE_KEY_PATH: "." }).message).toContain("PRIVATE_KEY_PATH: cannot read . (EISDIR)");
  });

  it("reads the key from PRIVATE_KEY_PATH, relative to the working directory", () => {
    writeFileSync(path.join(dir, "key.pem"), PEM);
    const env = readEnv({ APP_ID: "123", PRIVATE_KEY_PATH: "key.pem" }, dir);
    expect(env.PRIVATE_KEY).toBe(PEM);
    expect(env.hasGitHubCredentials).toBe(true);
  });

  it("rejects a PRIVATE_KEY that is not PEM without echoing the secret", () => {
    const secret = "hunter2-very-secret-token-value";
    const err = envError({ PRIVATE_KEY: secret });
    expect(err.message).toContain("PRIVATE_KEY: is not a PEM private key");
    expect(err.message).not.toContain(secret);
    expect(err.message).not.toContain("hunter2");
    expect(String(err.stack)).not.toContain("hunter2");
    // A public key or certificate is not a private key.
    const cert = "-----BEGIN CERTIFICATE-----\nMIIBsecretcert\n-----END CERTIFICATE-----";
    const certErr = envError({ PRIVATE_KEY: cert });
    expect(certErr.message).not.toContain("MIIBsecretcert");
  });

  it("rejects a key file that is not PEM, naming the file but not its contents", () => {
    writeFileSync(path.join(dir, "not-a-key.txt"), "ssh-rsa AAAAsecretcontents user@host\n");
    const err = envError({ PRIVATE_KEY_PATH: "not-a-key.txt" });
    expect(err.message).toContain("PRIVATE_KEY_PATH: not-a-key.txt: is not a PEM private key");
    expect(err.message).not.toContain("AAAAsecretcontents");
  });

  it("turns escaped \\n in PRIVATE_KEY into newlines (keys pasted into one-line .env files)", () => {
    const oneLine = PEM.replace(/\n/g, "\\n");
    expect(oneLine).not.toContain("\n");
    const env = readEnv({ APP_ID: "42", PRIVATE_KEY: oneLine }, dir);
    expect(env.PRIVATE_KEY).toBe(PEM);
    expect(env.hasGitHubCredentials).toBe(true);
  });

  it("prefers PRIVATE_KEY over PRIVATE_KEY_PATH", () => {
    const env = readEnv({ PRIVATE_KEY: PEM, PRIVATE_KEY_PATH: "no-such-key.pem" }, dir);
    expect(env.PRIVATE_KEY).toBe(PEM);
    expect(env.hasGitHubCredentials).toBe(false); // no APP_ID
  });

  it("treats empty strings as unset", () => {
    const env = readEnv(
      { PORT: "", LOG_LEVEL: "", DATABASE_URL: "", PRIVATE_KEY: "", PRIVATE_KEY_PATH: "", APP_ID: "", WEBHOOK_SECRET: "", UNSUNG_RUN_WORKER: "", UNSUNG_DATA_DIR: "", GITHUB_API_URL: "" },
      dir,
    );
    expect(env).toMatchObject({ PORT: 3000, LOG_LEVEL: "info", UNSUNG_RUN_WORKER: true, UNSUNG_DATA_DIR: ".unsung/data", hasGitHubCredentials: false });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.PRIVATE_KEY).toBeUndefined();
    expect(env.WEBHOOK_SECRET).toBeUndefined();
    expect(env.GITHUB_API_URL).toBeUndefined();
  });

  it("rejects a GITHUB_API_URL that is not a URL and an APP_ID that is not a number", () => {
    expect(envError({ GITHUB_API_URL: "not a url" }).message).toContain("GITHUB_API_URL");
    expect(envError({ APP_ID: "abc" }).message).toContain("APP_ID: must be the numeric GitHub App id");
  });

  it("returns a frozen object", () => {
    const env = readEnv({}, dir);
    expect(Object.isFrozen(env)).toBe(true);
    expect(() => {
      (env as { PORT: number }).PORT = 1;
    }).toThrow(TypeError);
    expect(env.PORT).toBe(3000);
  });

  it("ignores variables it does not know", () => {
    const env = readEnv({ PATH: "/usr/bin", HOME: "/root" }, dir) as Record<string, unknown>;
    expect(env.PATH).toBeUndefined();
  });
});
