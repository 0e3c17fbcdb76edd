import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from "kysely";
import { describe, expect, it } from "vitest";
import type { DB } from "../../src/store/schema.js";
import { takeIncoming } from "../../src/store/take-incoming.js";

const db = new Kysely<DB>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

describe("takeIncoming", () => {
  it("sets each named column to the incoming row's value, beside the columns with rules of their own", () => {
    const q = db
      .insertInto("issue_comments")
      .values({ id: 1, repository_id: 2, issue_number: 3, is_pull_request: false, body: "b", html_url: "u", created_at: "t", updated_at: "t" } as never)
      .onConflict((oc) => oc.column("id").doUpdateSet({ ...takeIncoming("issue_comments", "body", "updated_at"), deleted_at: null }))
      .compile();
    expect(q.sql).toMatch(/on conflict \("id"\) do update set "body" = "excluded"\."body", "updated_at" = "excluded"\."updated_at", "deleted_at" = \$\d+$/);
  });

  it("names nothing else", () => {
    expect(Object.keys(takeIncoming("people", "login", "seen_at"))).toEqual(["login", "seen_at"]);
    expect(takeIncoming("people")).toEqual({});
  });
});
