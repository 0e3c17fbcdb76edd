/** The dashboard's variables: read when valid, refused with a clear message (never echoing the secret) when not. */
import { describe, expect, it } from "vitest";
import { EnvError, readEnv } from "../../src/config/env.js";

describe("dashboard environment", () => {
  it("reads the client id and secret, the public address and the session length", () => {
    const env = readEnv({ GITHUB_CLIENT_ID: "Iv1.abc123", GITHUB_CLIENT_SECRET: "s".repeat(40), UNSUNG_PUBLIC_URL: "https://unsung.example.com", UNSUNG_SESSION_HOURS: "12" });
    expect([env.GITHUB_CLIENT_ID, env.UNSUNG_PUBLIC_URL, env.UNSUNG_SESSION_HOURS]).toEqual(["Iv1.abc123", "https://unsung.example.com", 12]);
    expect(readEnv({}).UNSUNG_SESSION_HOURS).toBe(8);
  });

  it.each([
    ["UNSUNG_PUBLIC_URL", "unsung.example.com"],
    ["UNSUNG_PUBLIC_URL", "https://unsung.example.com/dashboard"],
    ["UNSUNG_PUBLIC_URL", "javascript:alert(1)"],
    ["UNSUNG_SESSION_HOURS", "0"],
    ["UNSUNG_SESSION_HOURS", "1e3"],
    ["GITHUB_CLIENT_ID", "id with spaces"],
    ["GITHUB_CLIENT_SECRET", "short-secret"],
  ])("refuses %s=%s", (name, value) => {
    let err: unknown;
    try {
      readEnv({ [name]: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EnvError);
    expect((err as Error).message).toContain(name);
    if (name === "GITHUB_CLIENT_SECRET") expect((err as Error).message).not.toContain(value);
  });
});
