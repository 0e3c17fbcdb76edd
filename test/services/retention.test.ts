/**
 * Retention: payloads of processed, ignored and parked (failed) deliveries
 * expire, pending ones never; patches and comment bodies expire after the text
 * window; both in batches smaller than the work, so several statements run.
 */
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { recordDelivery } from "../../src/services/record-delivery.js";
import { prunePayloads, pruneText } from "../../src/services/prune-payloads.js";
import { example } from "../helpers/examples.js";
import { useHarness, type Harness } from "../helpers/harness.js";
import type { TestDatabase } from "../helpers/test-database.js";

let database: TestDatabase;
let h: Harness;
useHarness((d, x) => ((database = d), (h = x)));

const DAY = 86_400_000;
const now = new Date();
const ago = (days: number) => new Date(now.getTime() - days * DAY).toISOString();
const o = (v: unknown) => v as Record<string, unknown>;

describe("prunePayloads", () => {
  it("drops old payloads of processed, ignored and failed deliveries, in batches, and keeps pending and recent ones", async () => {
    const rows: [id: string, status: string, days: number][] = [
      ["old-processed", "processed", 100],
      ["old-ignored", "ignored", 95],
      ["old-failed", "failed", 200],
      ["old-failed-2", "failed", 91],
      ["old-pending", "pending", 300],
      ["new-processed", "processed", 10],
      ["new-failed", "failed", 89],
    ];
    for (const [id, status, days] of rows) {
      expect(await recordDelivery(database.db, { id, event: "issues", payload: { action: "opened", n: id } }, 3)).toBe("stored");
      await database.db.updateTable("deliveries").set({ status: status as never, received_at: ago(days) }).where("id", "=", id).execute();
    }
    // Their processing jobs are not wanted here: the statuses above are set by hand.
    await sql`delete from graphile_worker._private_jobs`.execute(database.db);
    expect(await prunePayloads(database.db, now, 90, 2)).toBe(4);
    const kept = await database.db.selectFrom("deliveries").select(["id", "payload"]).where("id", "in", rows.map(([id]) => id)).orderBy("id").execute();
    expect(Object.fromEntries(kept.map((r) => [r.id, r.payload !== null]))).toEqual({
      "new-failed": true,
      "new-processed": true,
      "old-failed": false,
      "old-failed-2": false,
      "old-ignored": false,
      "old-pending": true,
      "old-processed": false,
    });
    // The rows stay; a second run has nothing left to do; 0 keeps everything.
    expect(kept).toHaveLength(rows.length);
    expect(await prunePayloads(database.db, now, 90, 2)).toBe(0);
    expect(await prunePayloads(database.db, new Date(now.getTime() + 1000 * DAY), 0)).toBe(0);
  });
});

describe("pruneText", () => {
  it("empties patches and comment bodies whose subject is older than the window, walking each table in batches", async () => {
    const pr = example("pull_request", "opened");
    const newPr = structuredClone(pr);
    o(newPr.pull_request).id = 770001;
    o(newPr.pull_request).number = 7701;
    const comment = example("pull_request_review_comment", "created");
    const newComment = structuredClone(comment);
    o(newComment.comment).id = 770002;
    const review = example("pull_request_review", "submitted");
    o(review.review).body = "Looks right, but the retry needs a cap.";
    const issueComment = example("issue_comment", "created");
    const newIssueComment = structuredClone(issueComment);
    o(newIssueComment.comment).id = 770003;
    for (const [event, payload] of [
      ["pull_request", pr],
      ["pull_request", newPr],
      ["pull_request_review_comment", comment],
      ["pull_request_review_comment", newComment],
      ["pull_request_review", review],
      ["issue_comment", issueComment],
      ["issue_comment", newIssueComment],
    ] as const) {
      expect((await h.post(event, payload)).status).toBe(200);
    }
    await h.drain();
    const repo = o(pr.repository).id as number;
    const oldNumber = o(pr.pull_request).number as number;
    for (const [number, path] of [
      [oldNumber, "a.ts"],
      [oldNumber, "b.ts"],
      [oldNumber, "c.ts"],
      [7701, "a.ts"],
    ] as const) {
      await database.db.insertInto("pull_request_files").values({ repository_id: repo, pr_number: number, path, status: "modified", additions: 1, deletions: 0, patch: `@@ -1 +1 @@ ${path}` }).execute();
    }
    // The examples are from 2019: the "new" rows are made recent, the old ones old.
    await database.db.updateTable("pull_requests").set({ updated_at: ago(1) }).execute();
    await database.db.updateTable("review_comments").set({ updated_at: ago(1) }).execute();
    await database.db.updateTable("reviews").set({ updated_at: ago(1) }).execute();
    await database.db.updateTable("issue_comments").set({ updated_at: ago(1) }).execute();
    await database.db.updateTable("pull_requests").set({ updated_at: ago(800) }).where("repository_id", "=", repo).where("number", "=", oldNumber).execute();
    await database.db.updateTable("review_comments").set({ updated_at: ago(800) }).where("id", "=", o(comment.comment).id as number).execute();
    await database.db.updateTable("reviews").set({ updated_at: ago(731) }).where("id", "=", o(review.review).id as number).execute();
    await database.db.updateTable("issue_comments").set({ updated_at: ago(1000) }).where("id", "=", o(issueComment.comment).id as number).execute();

    expect(await pruneText(database.db, now, 730, 1)).toEqual({ patches: 3, reviewComments: 1, reviews: 1, issueComments: 1 });

    const files = await database.db.selectFrom("pull_request_files").select(["pr_number", "path", "patch"]).orderBy("pr_number").orderBy("path").execute();
    expect(files).toEqual([
      { pr_number: oldNumber, path: "a.ts", patch: null },
      { pr_number: oldNumber, path: "b.ts", patch: null },
      { pr_number: oldNumber, path: "c.ts", patch: null },
      { pr_number: 7701, path: "a.ts", patch: "@@ -1 +1 @@ a.ts" },
    ].sort((a, b) => a.pr_number - b.pr_number));
    const rc = await database.db.selectFrom("review_comments").select(["id", "body", "diff_hunk"]).orderBy("id").execute();
    expect(rc.find((r) => r.id === o(comment.comment).id)).toMatchObject({ body: "", diff_hunk: "" });
    expect(rc.find((r) => r.id === 770002)?.body).toBe(o(newComment.comment).body);
    expect((await database.db.selectFrom("reviews").select("body").where("id", "=", o(review.review).id as number).executeTakeFirstOrThrow()).body).toBe("");
    const ic = await database.db.selectFrom("issue_comments").select(["id", "body"]).execute();
    expect(ic.find((r) => r.id === o(issueComment.comment).id)?.body).toBe("");
    expect(ic.find((r) => r.id === 770003)?.body).toBe(o(newIssueComment.comment).body);
    // Idempotent, and 0 keeps everything.
    expect(await pruneText(database.db, now, 730, 2)).toEqual({ patches: 0, reviewComments: 0, reviews: 0, issueComments: 0 });
    expect(await pruneText(database.db, now, 0, 2)).toEqual({ patches: 0, reviewComments: 0, reviews: 0, issueComments: 0 });
  });
});
