import { describe, expect, it } from "vitest";
import { dropDatabase } from "../../src/store/drop-database.js";

describe("dropDatabase", () => {
  it.each(["postgres; drop table x", 'x"y', "", "Test", "a".repeat(64), "t-1"])("refuses %j before connecting anywhere", async (name) => {
    // An unreachable server: the name is refused first, so no connection is tried.
    await expect(dropDatabase("postgres://postgres@127.0.0.1:1/postgres", name)).rejects.toThrow(/not a database name this drops/);
  });
});
