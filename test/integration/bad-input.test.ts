/**
 * Bad input on the worker side: stored deliveries whose payloads are wrong in
 * every way a payload can be. Each is parked with a clear error or normalised
 * safely; none crashes the worker or holds up the others.
 */
import { describe, expect, it } from "vitest";
import { recordDelivery } from "../../src/services/record-delivery.js";
import { example, examplesOf } from "../helpers/examples.js";
import { useHarness, type Harness } from "../helpers/harness.js";
import type { TestDatabase } from "../helpers/test-database.js";

let database: TestDatabase;
let h: Harness;
const REPO = 186853002;

useHarness((d, x) => ((database = d), (h = x)));

const o = (v: unknown) => v as Record<string, unknown>;

/** Stores a delivery exactly as given (raw text), with its processing job, as the intake would. */
async function store(id: string, event: string, raw: string): Promise<void> {
  let payload: unknown = null;
  try {
    payload = JSON.parse(raw);
  } catch {
    payload = null;
  }
  expect(await recordDelivery(database.db, { id, event, payload, rawBody: raw }, 3)).toBe("stored");
}

/** An issues.opened payload for its own issue number, edited by `edit`. */
function issue(number: number, edit: (i: Record<string, unknown>, p: Record<string, unknown>) => void = () => {}): Record<string, unknown> {
  const p = example("issues", "opened");
  const i = o(p.issue);
  i.number = number;
  i.id = 800_000 + number;
  edit(i, p);
  return p;
}

const status = async (ids: string[]) =>
  Object.fromEntries(
    (await database.db.selectFrom("deliveries").select(["id", "status", "attempts", "last_error"]).where("id", "in", ids).execute()).map((r) => [r.id, { status: r.status, attempts: r.attempts, last_error: r.last_error }]),
  );
const issueRow = (number: number) => database.db.selectFrom("issues").selectAll().where("repository_id", "=", REPO).where("number", "=", number).executeTakeFirst();

describe("stored deliveries that cannot be normalised are parked at once, with the reason", () => {
  it("parks non-objects, broken JSON, missing and mistyped fields, and still processes the good deliveries between them", async () => {
    const prWithout = (edit: (pr: Record<string, unknown>) => void) => {
      const p = example("pull_request", "opened");
      edit(o(p.pull_request));
      return JSON.stringify(p);
    };
    const bad: [id: string, event: string, raw: string, error: string][] = [
      ["bad-number", "issues", "42", "payload is not a JSON object"],
      ["bad-array", "issues", "[1,2,3]", "payload is not a JSON object"],
      ["bad-null", "issues", "null", "payload is not a JSON object"],
      ["bad-string", "pull_request", JSON.stringify("a string"), "payload is not a JSON object"],
      ["bad-json", "issues", '{"action": "opened", "issue": ', "the stored payload is not valid JSON"],
      ["bad-no-issue", "issues", JSON.stringify({ ...example("issues", "opened"), issue: undefined }), "payload has no issue"],
      ["bad-no-repo", "issue_comment", JSON.stringify({ ...example("issue_comment", "created"), repository: undefined }), "payload has no repository"],
      ["bad-repo-type", "issues", JSON.stringify({ ...example("issues", "opened"), repository: { id: "186853002", name: 5 } }), "repository has no id, name or full_name"],
      ["bad-string-id", "issues", JSON.stringify(issue(901, (i) => (i.id = "800901"))), "payload has no issue.id"],
      ["bad-yesterday", "issues", JSON.stringify(issue(902, (i) => (i.created_at = "yesterday"))), "payload has no issue.created_at"],
      ["bad-float-id", "pull_request", prWithout((pr) => (pr.id = 12.5)), "payload has no pull_request.id"],
      ["bad-huge-number", "pull_request", prWithout((pr) => (pr.number = 1e12)), "payload has no pull_request.number"],
      ["bad-epoch", "pull_request", prWithout((pr) => (pr.created_at = 1e20)), "payload has no pull_request.created_at"],
      ["bad-check-sha", "check_run", JSON.stringify({ ...example("check_run", "completed"), check_run: { ...o(example("check_run", "completed").check_run), head_sha: ["x"] } }), "payload has no check_run.head_sha"],
      ["bad-thread", "pull_request_review_thread", JSON.stringify({ ...examplesOf("pull_request_review_thread")[1], thread: "resolved" }), "payload has no thread"],
    ];
    const good: [string, string, string][] = [
      ["good-1", "issues", JSON.stringify(issue(910))],
      ["good-2", "issues", JSON.stringify(issue(911))],
      ["good-unknown-event", "star", JSON.stringify({ action: "created", starred_at: "2019-05-15T15:20:40Z", repository: example("issues", "opened").repository, sender: example("issues", "opened").sender })],
    ];
    // Interleaved: a good delivery between every few bad ones.
    const all = [...bad.slice(0, 5), good[0]!, ...bad.slice(5, 10), good[1]!, ...bad.slice(10), good[2]!];
    for (const [id, event, raw] of all) await store(id, event, raw);

    // Nothing is left to retry: malformed payloads are parked on their first attempt.
    expect(await h.drain()).toBe(0);
    const s = await status(all.map(([id]) => id));
    for (const [id, , , error] of bad) expect(s[id], id).toEqual({ status: "failed", attempts: 1, last_error: `MalformedPayloadError: ${error}` });
    // An event Unsung does not subscribe to is kept, but marked ignored rather than processed.
    for (const [id] of good) expect(s[id], id).toEqual({ status: id === "good-unknown-event" ? "ignored" : "processed", attempts: 1, last_error: null });
    expect((await issueRow(910))?.id).toBe(800910);
    expect((await issueRow(911))?.id).toBe(800911);
    expect(await issueRow(901)).toBeUndefined();
    expect(await issueRow(902)).toBeUndefined();
  });

  it("parks a delivery whose payload was pruned by the retention setting", async () => {
    await store("pruned-1", "issues", JSON.stringify(issue(920)));
    await database.db.updateTable("deliveries").set({ payload: null }).where("id", "=", "pruned-1").execute();
    await h.drain();
    expect((await status(["pruned-1"]))["pruned-1"]).toEqual({
      status: "failed",
      attempts: 1,
      last_error: "MalformedPayloadError: the raw payload was pruned by the retention setting; it cannot be reprocessed",
    });
  });
});

describe("stored deliveries that are odd but usable are normalised safely", () => {
  it("deeply nested junk, a 10,000-element labels array, U+0000 in text and mistyped optional fields", async () => {
    // 50,000 levels of nesting: more than any recursive walk could take.
    const deep = "[".repeat(50_000) + "]".repeat(50_000);
    const nested = JSON.stringify(issue(930)).replace(/}$/, `,"junk":${deep}}`).replace('"labels":[', `"milestone":{"x":${deep}},"labels":[`);
    const labels = issue(931, (i) => (i.labels = Array.from({ length: 10_000 }, (_, k) => ({ id: k, name: `label-${k}`, color: "ffffff" }))));
    const nul = issue(932, (i) => {
      i.title = "A title with \u0000 a NUL";
      i.body = "Body \u0000 too";
      i.labels = [{ name: "bug\u0000" }, 12, null, [], { name: { deep: ["x"] } }];
      i.closed_at = "the day after tomorrow";
      i.state_reason = { not: "a string" };
      i.user = { login: ["Codertocat"], id: "21031067" };
    });
    const rawIds: [string, string][] = [
      ["odd-nested", nested],
      ["odd-labels", JSON.stringify(labels)],
      ["odd-nul", JSON.stringify(nul)],
    ];
    for (const [id, raw] of rawIds) await store(id, "issues", raw);
    // A huge installation: ten thousand repositories in one payload, more than one SQL statement can carry.
    const inst = example("installation", "created");
    inst.repositories = Array.from({ length: 10_000 }, (_, k) => ({ id: 50_000_000 + k, node_id: `R_${k}`, name: `repo-${k}`, full_name: `Codertocat/repo-${k}`, private: k % 2 === 0 }));
    await store("odd-installation", "installation", JSON.stringify(inst));

    expect(await h.drain()).toBe(0);
    const s = await status([...rawIds.map(([id]) => id), "odd-installation"]);
    for (const id of Object.keys(s)) expect(s[id], id).toEqual({ status: "processed", attempts: 1, last_error: null });
    expect(Object.keys(s)).toHaveLength(4);

    expect(await issueRow(930)).toMatchObject({ id: 800930, title: "Spelling error in the README file" });
    const many = await issueRow(931);
    expect(many?.labels).toHaveLength(100);
    expect((many?.labels as unknown as string[])[0]).toBe("label-0");
    expect(await issueRow(932)).toMatchObject({ title: "A title with  a NUL", body: "Body  too", labels: ["bug"], closed_at: null, state_reason: null, author_id: null });
    const repos = await database.db
      .selectFrom("repositories")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("installation_id", "=", 957387)
      .where("full_name", "like", "Codertocat/repo-%")
      .executeTakeFirstOrThrow();
    expect(Number(repos.n)).toBe(10_000);
  });
});
