/**
 * `unsung deliveries` and `unsung reprocess`: a poison delivery is parked
 * with its error, listed by --failed, and processed again once its payload
 * is fixed. Flags are validated before the database is touched.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { example } from "../helpers/examples.js";
import { createCliDatabase, type CliDatabase } from "./run-cli.js";

let cli: CliDatabase;

interface Row {
  id: string;
  event: string;
  action: string | null;
  status: string;
  attempts: number;
  received_at: string;
  last_error: string | null;
}

const good = example("issues", "opened");
(good.issue as Record<string, unknown>).id = 990001;
(good.issue as Record<string, unknown>).number = 9901;
// A pull_request event without its pull request: it can never be normalised.
const poison = { action: "opened", repository: good.repository, installation: good.installation, sender: good.sender };
const POISON_ERROR = "MalformedPayloadError: payload has no pull_request";

beforeAll(async () => {
  cli = await createCliDatabase();
  const lines = [
    { id: "good-1", event: "issues", payload: good },
    { id: "poison-1", event: "pull_request", payload: poison },
    { id: "good-2", event: "issue_comment", payload: example("issue_comment", "created") },
  ];
  await writeFile(path.join(cli.cwd, "in.jsonl"), lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  const r = await cli.run(["replay", "in.jsonl"]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("processed; 1 failed deliveries");
});
afterAll(async () => {
  await cli?.drop();
});

const jsonRows = (stdout: string): Row[] =>
  stdout
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Row);

describe("unsung deliveries", () => {
  it("lists every delivery, newest first, with status and attempts", async () => {
    const r = await cli.run(["deliveries"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^\S+Z {2}good-2 {2}issue_comment\.created {2}processed \(attempts 1\)$/);
    expect(lines[1]).toMatch(/^\S+Z {2}poison-1 {2}pull_request\.opened {2}failed \(attempts 1\) {2}MalformedPayloadError: payload has no pull_request$/);
    expect(lines[2]).toContain("good-1  issues.opened  processed");
  });

  it("--failed shows the poison delivery with its error", async () => {
    const r = await cli.run(["deliveries", "--failed"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stdout).toContain("poison-1");
    expect(r.stdout).toContain(POISON_ERROR);
    const json = await cli.run(["deliveries", "--failed", "--json"]);
    expect(json.code).toBe(0);
    const rows = jsonRows(json.stdout);
    expect(rows).toEqual([{ id: "poison-1", event: "pull_request", action: "opened", status: "failed", attempts: 1, received_at: expect.any(String), last_error: POISON_ERROR }]);
    expect(Number.isNaN(Date.parse(rows[0]!.received_at))).toBe(false);
  });

  it("--pending shows nothing once everything ran, and says so", async () => {
    const r = await cli.run(["deliveries", "--pending"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("no deliveries match\n");
    const json = await cli.run(["deliveries", "--pending", "--json"]);
    expect(json.stdout).toBe("");
  });

  it("--limit N returns at most N rows, newest first", async () => {
    const r = await cli.run(["deliveries", "--limit", "2", "--json"]);
    expect(r.code).toBe(0);
    expect(jsonRows(r.stdout).map((x) => x.id)).toEqual(["good-2", "poison-1"]);
    const all = await cli.run(["deliveries", "--limit=10000", "--json"]);
    expect(jsonRows(all.stdout)).toHaveLength(3);
  });

  it.each([
    [["--limit", "abc"], '--limit takes a whole number, not "abc"'],
    [["--limit", "0"], "--limit must be between 1 and 10000"],
    [["--limit", "10001"], "--limit must be between 1 and 10000"],
    [["--limit", "2.5"], "--limit takes a whole number"],
    [["--limit=-1"], "--limit takes a whole number"],
    [["--limit"], "--limit"],
    [["--limit", ""], "--limit needs a value"],
    [["--bogus"], "Unknown option '--bogus'"],
    [["--failed", "--pending"], "--failed and --pending cannot be combined"],
    [["extra"], "extra"],
  ])("rejects %j with exit 2", async (flags, message) => {
    const r = await cli.run(["deliveries", ...flags]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain("(see: unsung deliveries --help)");
  });
});

describe("unsung reprocess", () => {
  it("--failed re-runs the parked delivery (still failing while the payload is bad)", async () => {
    const r = await cli.run(["reprocess", "--failed"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("queued 1 deliveries\nprocessed; 1 still failing\n");
    const rows = jsonRows((await cli.run(["deliveries", "--failed", "--json"])).stdout);
    // Attempts start again from zero: this is a new run, not a retry.
    expect(rows).toMatchObject([{ id: "poison-1", status: "failed", attempts: 1, last_error: POISON_ERROR }]);
  });

  it("--failed processes it once the payload can be read, and leaves the others alone", async () => {
    // Stand-in for "the normaliser was fixed": the stored payload becomes readable.
    const fixed = example("pull_request", "opened");
    await cli.withDb(async (db) => {
      await db.updateTable("deliveries").set({ payload: JSON.stringify(fixed) }).where("id", "=", "poison-1").execute();
    });
    const before = jsonRows((await cli.run(["deliveries", "--json"])).stdout);
    const r = await cli.run(["reprocess", "--failed"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("queued 1 deliveries\nprocessed; 0 still failing\n");
    const after = jsonRows((await cli.run(["deliveries", "--json"])).stdout);
    expect(after.find((x) => x.id === "poison-1")).toMatchObject({ status: "processed", last_error: null });
    // The deliveries that were fine were not touched.
    for (const id of ["good-1", "good-2"]) expect(after.find((x) => x.id === id)).toEqual(before.find((x) => x.id === id));
    await cli.withDb(async (db) => {
      const pr = await db.selectFrom("pull_requests").select("title").where("id", "=", (fixed.pull_request as { id: number }).id).executeTakeFirst();
      expect(pr?.title).toBe((fixed.pull_request as { title: string }).title);
    });
    // Nothing is left to reprocess.
    const none = await cli.run(["reprocess", "--failed"]);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe("queued 0 deliveries\n");
  });

  it("--id reprocesses one delivery; --no-wait leaves it pending", async () => {
    const r = await cli.run(["reprocess", "--id", "good-1", "--no-wait"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("queued 1 deliveries\n");
    const pending = jsonRows((await cli.run(["deliveries", "--pending", "--json"])).stdout);
    expect(pending.map((x) => x.id)).toEqual(["good-1"]);
    const run = await cli.run(["reprocess", "--id", "good-1"]);
    expect(run.stdout).toBe("queued 1 deliveries\nprocessed; 0 still failing\n");
    expect((await cli.run(["deliveries", "--pending"])).stdout).toBe("no deliveries match\n");
  });

  it("--id of an unknown delivery exits 1 and says so", async () => {
    const r = await cli.run(["reprocess", "--id", "no-such-delivery"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no delivery no-such-delivery with a stored payload");
  });

  it.each([
    [["--failed", "--id", "poison-1"], "--failed and --id cannot be combined"],
    // An unset shell variable (--id "$ID") must not mean "every delivery".
    [["--id", ""], "--id needs a value"],
    [["--id", "  "], "--id needs a value"],
    [["--id"], "--id"],
    [["--everything"], "Unknown option '--everything'"],
    [["poison-1"], "poison-1"],
  ])("rejects %j with exit 2 and touches nothing", async (flags, message) => {
    const before = (await cli.run(["deliveries", "--json"])).stdout;
    const r = await cli.run(["reprocess", ...flags]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain("(see: unsung reprocess --help)");
    expect((await cli.run(["deliveries", "--json"])).stdout).toBe(before);
  });
});
