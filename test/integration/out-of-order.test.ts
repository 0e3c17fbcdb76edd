/**
 * Deliveries out of order and deliveries twice: GitHub promises neither order
 * nor exactly-once, and the worker may run a job twice.
 */
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { processDelivery, type ProcessDeps } from "../../src/services/process-delivery.js";
import { recordDelivery } from "../../src/services/record-delivery.js";
import { findPullRequestBundle } from "../../src/store/find-bundles.js";
import type { DB } from "../../src/store/schema.js";
import { fixture } from "../fixtures/webhooks/load.js";
import { example } from "../helpers/examples.js";
import { useHarness, type Harness } from "../helpers/harness.js";
import type { TestDatabase } from "../helpers/test-database.js";

let database: TestDatabase;
let h: Harness;
const REPO = 186853002;
const WINDOWS = { ciDaysBefore: 30, ciDaysAfter: 7 };

useHarness((d, x) => ((database = d), (h = x)));

const o = (v: unknown) => v as Record<string, unknown>;

/** Delivers one at a time, in the order given, each fully processed before the next arrives. */
async function inOrder(...items: [string, Record<string, unknown>][]): Promise<void> {
  for (const [event, payload] of items) {
    const id = `ooo-${Math.random().toString(36).slice(2)}`;
    expect((await h.post(event, payload, { id })).status).toBe(200);
    await h.drain();
    const d = await database.db.selectFrom("deliveries").select(["status", "last_error"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(d, `${event}.${String(payload.action)}`).toEqual({ status: "processed", last_error: null });
  }
}

/** A copy of a pull_request payload (or the PR nested in a review payload) moved to another number. */
function renumber(payload: Record<string, unknown>, number: number, prId = 279_000_000 + number): Record<string, unknown> {
  const pr = o(payload.pull_request);
  pr.number = number;
  pr.id = prId;
  pr.html_url = `https://github.com/Codertocat/Hello-World/pull/${number}`;
  if (typeof payload.number === "number") payload.number = number;
  return payload;
}

const pr = (number: number) => database.db.selectFrom("pull_requests").selectAll().where("repository_id", "=", REPO).where("number", "=", number).executeTakeFirst();

describe("events out of order", () => {
  it("a review and a review comment that arrive before their pull request are kept, and the bundle links them once it arrives", async () => {
    // GitHub's own nested pull request is a partial one: no size, no commit count, no merge fields.
    const review = renumber(fixture("pull_request_review.submitted-approved"), 40);
    o(review.review).id = 4001;
    const comment = renumber(example("pull_request_review_comment", "created"), 40);
    o(comment.comment).id = 4002;
    o(comment.comment).pull_request_review_id = 4001;
    await inOrder(["pull_request_review", review], ["pull_request_review_comment", comment]);
    const early = await findPullRequestBundle(database.db, REPO, 40, WINDOWS);
    expect(early?.reviews.map((r) => [r.id, r.state])).toEqual([[4001, "APPROVED"]]);
    expect(early?.reviewComments.map((c) => [c.id, c.reviewId])).toEqual([[4002, 4001]]);

    // The pull_request event arrives last, and is older than the review's copy (15:20:33 < 15:20:38).
    await inOrder(["pull_request", renumber(example("pull_request", "opened"), 40)]);
    const bundle = await findPullRequestBundle(database.db, REPO, 40, WINDOWS);
    expect(bundle?.pullRequest).toMatchObject({ number: 40, additions: 1, deletions: 1, changedFiles: 1, author: { id: 21031067, login: "Codertocat" } });
    expect((await pr(40))?.commit_count).toBe(1);
    expect(bundle?.reviews.map((r) => [r.id, r.state, r.reviewer.login])).toEqual([[4001, "APPROVED", "octocat"]]);
    expect(bundle?.reviewComments.map((c) => [c.id, c.reviewId, c.author.login])).toEqual([[4002, 4001, "Codertocat"]]);
  });

  it("a review whose payload carries no usable pull request still waits for it", async () => {
    const review = fixture("pull_request_review.submitted-changes-requested");
    review.pull_request = { number: 41 };
    o(review.review).id = 4101;
    const comment = example("pull_request_review_comment", "created");
    comment.pull_request = { number: 41 };
    o(comment.comment).id = 4102;
    await inOrder(["pull_request_review", review], ["pull_request_review_comment", comment]);
    expect(await pr(41)).toBeUndefined();
    expect(await findPullRequestBundle(database.db, REPO, 41, WINDOWS)).toBeNull();
    expect(await database.db.selectFrom("reviews").select("id").where("pr_number", "=", 41).execute()).toEqual([{ id: 4101 }]);

    await inOrder(["pull_request", renumber(example("pull_request", "opened"), 41)]);
    const bundle = await findPullRequestBundle(database.db, REPO, 41, WINDOWS);
    expect(bundle?.reviews.map((r) => [r.id, r.state])).toEqual([[4101, "CHANGES_REQUESTED"]]);
    expect(bundle?.reviewComments.map((c) => c.id)).toEqual([4102]);
  });

  it("closed (merged) arriving before opened leaves the pull request merged, with the newer title", async () => {
    const closed = renumber(fixture("pull_request.closed-merged"), 42);
    o(closed.pull_request).title = "Update the README (final title)";
    const opened = renumber(example("pull_request", "opened"), 42);
    o(opened.pull_request).title = "WIP: readme";
    await inOrder(["pull_request", closed], ["pull_request", opened]);
    expect(await pr(42)).toMatchObject({
      title: "Update the README (final title)",
      state: "closed",
      merged: true,
      merged_at: "2019-05-15T15:21:18.000Z",
      merged_by_id: 21031067,
      closed_at: "2019-05-15T15:21:18.000Z",
      updated_at: "2019-05-15T15:21:18.000Z",
    });
  });

  it("the merge is kept even when a newer review's partial copy of the pull request got there first", async () => {
    const review = renumber(fixture("pull_request_review.submitted-approved"), 44);
    o(review.review).id = 4401;
    o(review.pull_request).updated_at = "2019-05-15T15:30:00Z"; // after the merge
    await inOrder(["pull_request_review", review], ["pull_request", renumber(fixture("pull_request.closed-merged"), 44)]);
    expect(await pr(44)).toMatchObject({ merged: true, merged_by_id: 21031067, additions: 1, commit_count: 1, updated_at: "2019-05-15T15:30:00.000Z" });
  });

  it("an older edit arriving after a newer one does not overwrite the title", async () => {
    const newer = renumber(fixture("pull_request.edited"), 43); // updated 15:25:00
    const older = renumber(fixture("pull_request.edited"), 43);
    o(older.pull_request).title = "An intermediate title";
    o(older.pull_request).updated_at = "2019-05-15T15:22:00Z";
    await inOrder(["pull_request", renumber(example("pull_request", "opened"), 43)], ["pull_request", newer], ["pull_request", older]);
    expect(await pr(43)).toMatchObject({ title: "Update the README with new information (and a clearer title)", updated_at: "2019-05-15T15:25:00.000Z" });
  });
});

describe("the same delivery twice", () => {
  const FACT_TABLES = [
    "installations",
    "repositories",
    "people",
    "person_emails",
    "pull_requests",
    "reviews",
    "review_comments",
    "review_threads",
    "issues",
    "issue_activity",
    "issue_comments",
    "check_runs",
    "workflow_runs",
    "commits",
    "pushes",
  ] as const satisfies readonly (keyof DB)[];

  async function snapshot(): Promise<Record<(typeof FACT_TABLES)[number] | "jobs", string[]>> {
    const out = {} as Record<(typeof FACT_TABLES)[number] | "jobs", string[]>;
    for (const t of FACT_TABLES) out[t] = (await database.db.selectFrom(t).selectAll().execute()).map((r) => JSON.stringify(r)).sort();
    const jobs = await sql<{ task_identifier: string; key: string | null }>`select task_identifier, key from graphile_worker.jobs`.execute(database.db);
    out.jobs = jobs.rows.map((j) => `${j.task_identifier} ${j.key ?? ""}`).sort();
    return out;
  }

  it("processing a delivery again (a job run twice, or reprocessed after a reset) gives identical rows and no extra jobs", async () => {
    const deps: ProcessDeps = { db: database.db, now: () => new Date(), detectDebounceSeconds: 3600 };
    const deliveries: [string, string, Record<string, unknown>][] = [
      ["twice-merged", "pull_request", fixture("pull_request.closed-merged")],
      ["twice-review", "pull_request_review", fixture("pull_request_review.submitted-changes-requested")],
      ["twice-push", "push", fixture("push.co-authored")],
      ["twice-issue", "issues", fixture("issues.edited-body")],
      ["twice-comment", "issue_comment", fixture("issue_comment.created-command")],
      ["twice-thread", "pull_request_review_thread", example("pull_request_review_thread", "resolved")],
      ["twice-workflow", "workflow_run", fixture("workflow_run.completed-attempt-2")],
      ["twice-installation", "installation_repositories", fixture("installation_repositories.removed-space")],
    ];
    for (const [id, event, payload] of deliveries) expect(await recordDelivery(database.db, { id, event, payload }, 3)).toBe("stored");
    const ids = deliveries.map(([id]) => id);

    for (const id of ids) expect(await processDelivery(deps, id, { number: 1, max: 3 })).toBe("processed");
    const first = await snapshot();
    expect(first.jobs).toEqual(expect.arrayContaining(["enrich-pull-request enrich:186853002:2", "record-command command:492700402", "detect-issue detect-issue:186853002:1"]));
    expect(await pr(2)).toMatchObject({ merged: true, merged_by_id: 21031067 });
    expect(first.issue_activity.filter((r) => r.includes('"delivery_id":"twice-issue"'))).toHaveLength(1);
    expect(first.pushes.filter((r) => r.includes('"delivery_id":"twice-push"'))).toHaveLength(1);
    expect(first.reviews.filter((r) => r.includes('"id":237895673,'))).toHaveLength(1);

    for (const id of ids) expect(await processDelivery(deps, id, { number: 2, max: 3 })).toBe("already-processed");
    expect(await snapshot()).toEqual(first);

    await database.db.updateTable("deliveries").set({ status: "pending", processed_at: null }).where("id", "in", ids).execute();
    for (const id of ids) expect(await processDelivery(deps, id, { number: 1, max: 3 })).toBe("processed");
    expect(await snapshot()).toEqual(first);
  });
});
