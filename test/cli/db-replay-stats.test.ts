/**
 * `unsung replay` and `unsung stats`: real webhook payloads written as
 * recordings, fed through the real pipeline into a real database, then
 * counted. Bad recordings are reported line by line and never stop the rest.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_RECORD_BYTES, parseRecordedDelivery } from "../../src/services/replay-deliveries.js";
import { example, examplesOf } from "../helpers/examples.js";
import { createCliDatabase, type CliDatabase } from "./run-cli.js";
import { EMPTY_STATS } from "./empty-stats.js";

let cli: CliDatabase;
beforeAll(async () => {
  cli = await createCliDatabase();
});
afterAll(async () => {
  await cli?.drop();
});

/** One delivery of each kind of fact, from @octokit/webhooks-examples. */
function fixture(): { event: string; payload: Record<string, unknown> }[] {
  const pushWithCommit = examplesOf("push").find((p) => Array.isArray(p.commits) && p.commits.length === 1);
  expect(pushWithCommit).toBeDefined();
  return [
    { event: "installation", payload: example("installation", "created") },
    { event: "pull_request", payload: example("pull_request", "opened") },
    { event: "pull_request_review", payload: example("pull_request_review", "submitted") },
    { event: "pull_request_review_comment", payload: example("pull_request_review_comment", "created") },
    { event: "issues", payload: example("issues", "opened") },
    { event: "issue_comment", payload: example("issue_comment", "created") },
    { event: "check_run", payload: example("check_run", "completed") },
    { event: "workflow_run", payload: example("workflow_run", "completed") },
    { event: "push", payload: pushWithCommit! },
  ];
}

const jsonl = (items: unknown[]) => items.map((i) => JSON.stringify(i)).join("\n") + "\n";

async function write(name: string, text: string): Promise<string> {
  const file = path.join(cli.cwd, name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  return file;
}

const COUNTS = ["installations", "repositories", "people", "pullRequests", "reviews", "reviewComments", "issues", "issueComments", "checkRuns", "workflowRuns", "commits"] as const;
type Stats = { deliveries: { total: number; pending: number; failed: number } } & Record<(typeof COUNTS)[number], number>;

async function stats(): Promise<Stats> {
  const r = await cli.run(["stats", "--json"]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  // Exactly one JSON object on one line.
  expect(r.stdout.endsWith("\n")).toBe(true);
  expect(r.stdout.trimEnd().split("\n")).toHaveLength(1);
  return JSON.parse(r.stdout) as Stats;
}

describe("unsung stats", () => {
  it("counts an empty database", async () => {
    const s = await stats();
    expect(s).toMatchObject(EMPTY_STATS);
  });

  it("prints one line per count without --json", async () => {
    const r = await cli.run(["stats"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^deliveries: 0 \(pending 0, failed 0\)\n/);
    expect(r.stdout).toMatch(/^pullRequests: 0$/m);
  });
});

describe("unsung replay", () => {
  it("replays real payloads from a JSONL file, and stats counts exactly what they hold", async () => {
    const items = fixture();
    await write("fixture.jsonl", jsonl(items));
    const r = await cli.run(["replay", "fixture.jsonl"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`replayed ${items.length} new, 0 already stored, 0 invalid`);
    expect(r.stdout).toContain("processed; 0 failed deliveries");

    const s = await stats();
    // Exactly the documented shape (more keys are allowed).
    const expected = {
      deliveries: { total: 9, pending: 0, failed: 0 },
      installations: 1,
      // Codertocat/Hello-World twice: the workflow_run example's repository has its own id (and is private).
      repositories: 2,
      // Three accounts named Codertocat with different ids across the examples.
      people: 3,
      pullRequests: 1,
      reviews: 1,
      reviewComments: 1,
      issues: 1,
      issueComments: 1,
      checkRuns: 1,
      workflowRuns: 1,
      commits: 1,
    };
    expect(s).toMatchObject(expected);
    for (const k of COUNTS) {
      // Numbers, not strings (count(*) is int8 in PostgreSQL).
      expect(typeof s[k], k).toBe("number");
      expect(s[k], k).toBe(expected[k]);
    }
    expect(Object.keys(s.deliveries).sort()).toEqual(["failed", "pending", "total"]);
    // Cross-checked against the fixture itself and the tables.
    const repoIds = new Set(items.map((i) => (i.payload.repository as { id?: number } | undefined)?.id).filter((id) => id !== undefined));
    expect(s.repositories).toBe(repoIds.size);
    await cli.withDb(async (db) => {
      const n = async (t: "pull_requests" | "reviews" | "commits" | "people") => Number((await db.selectFrom(t).select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
      expect({ pullRequests: await n("pull_requests"), reviews: await n("reviews"), commits: await n("commits"), people: await n("people") }).toEqual({
        pullRequests: s.pullRequests,
        reviews: s.reviews,
        commits: s.commits,
        people: s.people,
      });
      const prs = await db.selectFrom("pull_requests").select(["id", "number", "title"]).execute();
      const pr = (items[1]!.payload.pull_request as { id: number; number: number; title: string });
      expect(prs).toEqual([{ id: pr.id, number: pr.number, title: pr.title }]);
    });
  });

  it("derives ids when absent: replaying the same file again stores nothing new", async () => {
    const r = await cli.run(["replay", "fixture.jsonl"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("replayed 0 new, 9 already stored, 0 invalid");
    expect((await stats()).deliveries).toEqual({ total: 9, pending: 0, failed: 0 });
    // The derived id depends on the content only.
    const a = parseRecordedDelivery(JSON.stringify({ event: "issues", payload: { a: 1 } }));
    const b = parseRecordedDelivery(JSON.stringify({ payload: { a: 1 }, event: "issues" }));
    const c = parseRecordedDelivery(JSON.stringify({ event: "issues", payload: { a: 2 } }));
    expect(a.ok && b.ok && c.ok).toBe(true);
    if (a.ok && b.ok && c.ok) {
      expect(a.delivery.id).toMatch(/^replay-[0-9a-f]{32}$/);
      expect(b.delivery.id).toBe(a.delivery.id);
      expect(c.delivery.id).not.toBe(a.delivery.id);
    }
  });

  it("uses the ids recordings give, and reads a directory's .jsonl and .json files in name order", async () => {
    const opened = example("issues", "opened");
    const issue = opened.issue as Record<string, unknown>;
    const variant = (n: number) => ({ ...opened, issue: { ...issue, id: 500000 + n, number: 5000 + n, title: `Replayed issue ${n}` } });
    await write("dir/b.jsonl", jsonl([{ id: "given-id-1", event: "issues", payload: variant(1) }, { id: "given-id-2", event: "issues", payload: variant(2) }]));
    await write("dir/a.json", JSON.stringify({ id: "given-id-0", event: "issues", payload: variant(0) }, null, 2));
    await write("dir/notes.txt", "not a recording");
    await mkdir(path.join(cli.cwd, "dir", "nested.json"));
    const r = await cli.run(["replay", "dir"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("replayed 3 new, 0 already stored, 0 invalid");
    await cli.withDb(async (db) => {
      const rows = await db.selectFrom("deliveries").select(["id", "status"]).where("id", "like", "given-id-%").orderBy("received_at").orderBy("id").execute();
      expect(rows).toEqual([
        { id: "given-id-0", status: "processed" },
        { id: "given-id-1", status: "processed" },
        { id: "given-id-2", status: "processed" },
      ]);
      const titles = await db.selectFrom("issues").select("title").where("number", ">=", 5000).orderBy("number").execute();
      expect(titles.map((t) => t.title)).toEqual(["Replayed issue 0", "Replayed issue 1", "Replayed issue 2"]);
    });
  });

  it("reports every malformed line with file:line, processes the rest, and exits 1", async () => {
    const opened = example("issues", "opened");
    const issue = opened.issue as Record<string, unknown>;
    const good = (n: number) => JSON.stringify({ event: "issues", payload: { ...opened, issue: { ...issue, id: 600000 + n, number: 6000 + n } } });
    const lines = [
      good(1), // 1
      "{not json", // 2
      "", // 3: blank lines are skipped
      JSON.stringify([{ event: "issues", payload: {} }]), // 4
      JSON.stringify({ payload: opened }), // 5
      JSON.stringify({ event: "Pull-Request", payload: opened }), // 6
      JSON.stringify({ event: "issues", payload: "opened" }), // 7
      JSON.stringify({ event: "issues", payload: [opened] }), // 8
      JSON.stringify({ id: "x".repeat(201), event: "issues", payload: opened }), // 9
      "   \t", // 10: whitespace only: blank
      JSON.stringify({ id: 42, event: "issues", payload: opened }), // 11
      "null", // 12
      good(2), // 13
    ];
    const file = await write("mixed.jsonl", lines.join("\r\n") + "\r\n");
    const before = (await stats()).deliveries.total;
    const r = await cli.run(["replay", "mixed.jsonl"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("replayed 2 new, 0 already stored, 9 invalid");
    const errors = r.stderr.trimEnd().split("\n");
    expect(errors.map((e) => /^(.+?\.jsonl:\d+): /.exec(e)?.[1])).toEqual([2, 4, 5, 6, 7, 8, 9, 11, 12].map((n) => `${file}:${n}`));
    const byLine = (n: number) => errors.find((e) => e.startsWith(`${file}:${n}: `)) ?? "";
    expect(byLine(2)).toContain("not valid JSON");
    expect(byLine(4)).toContain("not a JSON object");
    expect(byLine(5)).toContain('needs "event"');
    expect(byLine(6)).toContain('needs "event"');
    expect(byLine(7)).toContain('needs "payload"');
    expect(byLine(8)).toContain('needs "payload"');
    expect(byLine(9)).toContain('"id", when given, must be a non-empty string of at most 200 characters');
    expect(byLine(11)).toContain('"id", when given');
    expect(byLine(12)).toContain("not a JSON object");
    expect(r.stderr).not.toContain(`${file}:3:`);
    expect(r.stderr).not.toContain(`${file}:10:`);
    const s = await stats();
    expect(s.deliveries.total).toBe(before + 2);
    expect(s.deliveries.failed).toBe(0);
  });

  it("rejects a line larger than 25 MB without parsing it, and keeps going", async () => {
    const big = JSON.stringify({ event: "issues", payload: { padding: "x".repeat(MAX_RECORD_BYTES) } });
    expect(Buffer.byteLength(big)).toBeGreaterThan(MAX_RECORD_BYTES);
    const opened = example("issues", "opened");
    const after = JSON.stringify({ event: "issues", payload: { ...opened, issue: { ...(opened.issue as object), id: 700001, number: 7001 } } });
    const file = await write("big.jsonl", big + "\n" + after + "\n");
    const r = await cli.run(["replay", "big.jsonl", "--no-wait"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`${file}:1: larger than ${MAX_RECORD_BYTES} bytes\n`);
    expect(r.stdout).toContain("replayed 1 new, 0 already stored, 1 invalid");
    // The same for a whole .json file, judged by its size on disk.
    const whole = await write("big-dir/huge.json", big);
    const w = await cli.run(["replay", "big-dir"]);
    expect(w.code).toBe(1);
    expect(w.stderr).toBe(`${whole}: larger than ${MAX_RECORD_BYTES} bytes\n`);
    // And parseRecordedDelivery on its own, just over and just under the limit.
    const edge = (n: number) => `{"event":"issues","payload":{"p":"${"y".repeat(n - '{"event":"issues","payload":{"p":""}}'.length)}"}}`;
    expect(Buffer.byteLength(edge(MAX_RECORD_BYTES))).toBe(MAX_RECORD_BYTES);
    expect(parseRecordedDelivery(edge(MAX_RECORD_BYTES)).ok).toBe(true);
    expect(parseRecordedDelivery(edge(MAX_RECORD_BYTES + 1))).toEqual({ ok: false, error: `larger than ${MAX_RECORD_BYTES} bytes` });
  });

  it("accepts a UTF-8 byte-order mark at the start of a file", async () => {
    const opened = example("issues", "opened");
    const line = JSON.stringify({ id: "bom-1", event: "issues", payload: { ...opened, issue: { ...(opened.issue as object), id: 700101, number: 7101 } } });
    await write("bom.jsonl", "\uFEFF" + line + "\n");
    const r = await cli.run(["replay", "bom.jsonl", "--no-wait"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("replayed 1 new");
  });

  it("with --no-wait, stores deliveries and leaves them pending", async () => {
    const opened = example("pull_request", "opened");
    const pr = opened.pull_request as Record<string, unknown>;
    const items = [1, 2, 3].map((n) => ({ id: `no-wait-${n}`, event: "pull_request", payload: { ...opened, pull_request: { ...pr, id: 800000 + n, number: 8000 + n } } }));
    await write("nowait.jsonl", jsonl(items));
    const before = await stats();
    const r = await cli.run(["replay", "nowait.jsonl", "--no-wait"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("replayed 3 new, 0 already stored, 0 invalid\n");
    const s = await stats();
    // The earlier --no-wait tests left their deliveries pending too.
    expect(s.deliveries.pending).toBe(before.deliveries.pending + 3);
    expect(s.pullRequests).toBe(before.pullRequests);
    await cli.withDb(async (db) => {
      const rows = await db.selectFrom("deliveries").select("status").where("id", "like", "no-wait-%").execute();
      expect(rows.map((x) => x.status)).toEqual(["pending", "pending", "pending"]);
    });
    // A later replay without --no-wait processes what is queued.
    const again = await cli.run(["replay", "nowait.jsonl"]);
    expect(again.code).toBe(0);
    const after = await stats();
    expect(after.deliveries.pending).toBe(0);
    expect(after.pullRequests).toBe(before.pullRequests + 3);
  });

  it.each([
    [["replay", "does-not-exist.jsonl"], "no such file or directory"],
    [["replay"], "exactly one file or directory"],
    [["replay", "a.jsonl", "b.jsonl"], "exactly one file or directory"],
    [["replay", "empty-dir"], "holds no .jsonl or .json files"],
  ])("%j exits 2 with a clear message", async (argv, message) => {
    await mkdir(path.join(cli.cwd, "empty-dir"), { recursive: true });
    await writeFile(path.join(cli.cwd, "empty-dir", "readme.md"), "# nothing to replay");
    const r = await cli.run(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain("(see: unsung replay --help)");
  });
});
