import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { withDotEnv } from "../../src/cli/main.js";

describe(".env", () => {
  it("adds variables from ./.env without overriding the real environment", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "unsung-dotenv-"));
    writeFileSync(path.join(dir, ".env"), "APP_ID=123\nWEBHOOK_SECRET=from-file\n# a comment\nPORT=4000\n");
    const env = withDotEnv({ WEBHOOK_SECRET: "from-env", HOME: "/root" }, dir);
    expect(env).toMatchObject({ APP_ID: "123", WEBHOOK_SECRET: "from-env", PORT: "4000", HOME: "/root" });
  });

  it("is a no-op without a .env file", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "unsung-dotenv-"));
    expect(withDotEnv({ A: "1" }, dir)).toEqual({ A: "1" });
  });
});
