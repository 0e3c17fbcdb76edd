/**
 * `unsung rescore` after an upgrade: the evidence comments whose text the detectors now change are
 * queued for the comment job (its job key, lease and writer), and rewritten in place — also when
 * only the issue a merged pull request closes was rescored (its clarification is on the comment);
 * the others, and a comment someone deleted, are left alone.
 */
import { sql } from "kysely";
import type { Probot } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drainQueue, workerDeps, type Runtime } from "../../src/cli/runtime.js";
import { rescore } from "../../src/services/run-detectors.js";
import { prCommentJobKey, syncPrComment } from "../../src/services/sync-pr-comment.js";
import { startCommentApp } from "../helpers/comment-app.js";
import { FAKE_APP, nockedClient, useFakeGitHubComments } from "../helpers/fake-github-comments.js";
import { issueStory, pullRequestStory, type Delivery, type FixturePerson, type FixtureRepo } from "../helpers/tenant-fixture.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

const INSTALLATION = 95_100_001;
const SHOP: FixtureRepo = { id: 95_200_001, owner: "acme", ownerId: 95_000_001, name: "shop", private: false, installationId: INSTALLATION };
const person = (id: number, login: string): FixturePerson => ({ id, login, name: login.toUpperCase(), email: `${login}@example.test` });
const MAYA = person(95_300_001, "maya");
const OMAR = person(95_300_002, "omar");
const LEE = person(95_300_003, "lee");

let database: TestDatabase;
let probot: Probot;
let rt: Runtime;
let n = 0;
const WRITES = { spacingMs: 0, appId: FAKE_APP.id, newCommentMaxAgeDays: 3650 };
const drain = () => drainQueue(rt, workerDeps(rt, async () => nockedClient(), { debounceSeconds: 0, githubWrites: WRITES }));
const detectorDeps = () => ({ db: database.db, clients: async () => nockedClient(), now: () => new Date() });

beforeAll(async () => {
  database = await createTestDatabase();
  ({ rt, probot } = await startCommentApp(database));
});
afterAll(async () => {
  await database?.drop();
});
const fake = useFakeGitHubComments({ loopback: true });

async function receive(deliveries: Delivery[]): Promise<void> {
  for (const d of deliveries) await probot.receive({ id: `rc-${++n}`, name: d.event, payload: d.payload } as never);
}

function story(number: number, reviewer: FixturePerson, base: number): Delivery[] {
  fake.threads.set(`acme/shop#${number}`, [
    { id: `T${base}a`, isResolved: true, isOutdated: true, path: "src/shop/setup.ts", resolvedBy: { login: "maya" }, comments: { nodes: [{ databaseId: base + 11 }] } },
    { id: `T${base}b`, isResolved: true, isOutdated: true, path: "src/shop/setup.ts", resolvedBy: { login: "maya" }, comments: { nodes: [{ databaseId: base + 12 }] } },
  ]);
  return pullRequestStory({ repo: SHOP, number, author: MAYA, reviewer, title: `Change ${number}`, base, day: 3 });
}

const queued = async () =>
  (await sql<{ key: string; task_identifier: string }>`select key, task_identifier from graphile_worker.jobs where key like 'pr-comment:%' order by key`.execute(database.db)).rows;
const reviewScore = async (number: number) =>
  (await database.db.selectFrom("contributions").select("score").where("source_key", "=", `pr:${SHOP.id}:${number}`).where("kind", "=", "review").executeTakeFirstOrThrow()).score;

describe("rescore and the evidence comments", () => {
  it("queues the comment job of each pull request whose comment now says something else, and it is edited in place", async () => {
    await receive([...story(7, OMAR, 95_400_100), ...story(8, LEE, 95_400_200)]);
    await drain();
    expect(fake.evidenceOn("acme/shop#7")).toHaveLength(1);
    expect(fake.evidenceOn("acme/shop#8")).toHaveLength(1);
    const score = await reviewScore(7);
    // What an older version of the detectors concluded, and its comment on GitHub.
    const stale = score > 50 ? score - 1 : score + 1;
    await database.db.updateTable("contributions").set({ score: stale }).where("source_key", "=", `pr:${SHOP.id}:7`).where("kind", "=", "review").execute();
    expect(await syncPrComment({ db: database.db, clients: async () => nockedClient(), now: () => new Date(), writes: WRITES }, { installationId: INSTALLATION, repositoryId: SHOP.id, number: 7 })).toBe("updated");
    expect(fake.evidenceOn("acme/shop#7")[0]!.body).toContain(`(score ${stale}/100)`);
    expect(await queued()).toEqual([]);

    const r = await rescore(detectorDeps(), null);
    expect(r.comments).toBe(1);
    expect(await reviewScore(7)).toBe(score);
    // The comment job, under the key every other change of that comment uses (one writer, one lease).
    expect(await queued()).toEqual([{ key: prCommentJobKey(SHOP.id, 7), task_identifier: "sync-pr-comment" }]);
    const writes = fake.writes.length;
    await drain();
    const comment = fake.evidenceOn("acme/shop#7");
    expect(comment).toHaveLength(1);
    expect(comment[0]!.body).toContain(`(score ${score}/100)`);
    expect(fake.writes.slice(writes)).toEqual([`PATCH /repos/acme/shop/issues/comments/${comment[0]!.id}`]);

    // Nothing changed since: a second rescore queues nothing.
    expect((await rescore(detectorDeps(), null)).comments).toBe(0);
    expect(await queued()).toEqual([]);
  });

  it("a comment someone deleted stays deleted, whatever rescore concludes", async () => {
    await database.db.updateTable("pr_comments").set({ status: "deleted", comment_id: null, body_hash: null }).where("repository_id", "=", SHOP.id).where("pr_number", "=", 8).execute();
    await database.db.updateTable("contributions").set({ score: 1 }).where("source_key", "=", `pr:${SHOP.id}:8`).execute();
    expect((await rescore(detectorDeps(), null)).comments).toBe(0);
    expect(await queued()).toEqual([]);
  });

  it("no comment yet: queued only when the pull request is recent enough to get a new one", async () => {
    await database.db.deleteFrom("pr_comments").where("repository_id", "=", SHOP.id).where("pr_number", "=", 8).execute();
    // The fixture's pull requests were merged in August 2026, long before this run: not woken up.
    const late = { ...detectorDeps(), now: () => new Date("2027-06-01T00:00:00Z") };
    expect((await rescore(late, null)).comments).toBe(0);
    expect(await queued()).toEqual([]);
    const soon = { ...detectorDeps(), now: () => new Date("2026-08-04T00:00:00Z") };
    expect((await rescore(soon, null)).comments).toBe(1);
    expect(await queued()).toEqual([{ key: prCommentJobKey(SHOP.id, 8), task_identifier: "sync-pr-comment" }]);
  });

  it("an issue rescored on its own queues the comment of the merged pull request that closes it", async () => {
    // Sam clarifies issue #50 (steps, acceptance criteria, first answer); pull request #9 fixes it two days later.
    const SAM = person(95_300_004, "sam");
    const closes = (d: Delivery): Delivery => {
      const pr = (d.payload as { pull_request?: Record<string, unknown> }).pull_request;
      return pr ? { ...d, payload: { ...d.payload, pull_request: { ...pr, body: "Fixes #50: rotate the Monday credentials after the deploy." } } } : d;
    };
    await receive([...issueStory({ repo: SHOP, number: 50, author: MAYA, answerer: SAM, base: 95_400_500, day: 1 }), ...story(9, OMAR, 95_400_300).map(closes)]);
    await drain();
    const triage = () => database.db.selectFrom("contributions").select(["key", "detail"]).where("source_key", "=", `issue:${SHOP.id}:50`).where("kind", "=", "triage").execute();
    const [t] = await triage();
    expect(t, "the issue's clarification is credited").toBeDefined();
    const body = () => fake.evidenceOn("acme/shop#9")[0]!.body;
    expect(body()).toContain("Issue clarification");
    // What an older version of the triage detector concluded, and its comment on GitHub.
    const detail = t!.detail as Record<string, unknown>;
    await database.db.updateTable("contributions").set({ detail: JSON.stringify({ ...detail, actions: ["relabelled it"] }) }).where("key", "=", t!.key).execute();
    expect(await syncPrComment({ db: database.db, clients: async () => nockedClient(), now: () => new Date(), writes: WRITES }, { installationId: INSTALLATION, repositoryId: SHOP.id, number: 9 })).toBe("updated");
    expect(body()).toContain("relabelled it");
    // Only the issue is rescored (the pull requests were last updated before `since`).
    await database.db.updateTable("issues").set({ updated_at: "2026-09-01T00:00:00Z" }).where("repository_id", "=", SHOP.id).where("number", "=", 50).execute();
    const r = await rescore(detectorDeps(), "2026-08-31T00:00:00Z");
    expect([r.pullRequests, r.issues]).toEqual([0, 1]);
    expect(r.comments).toBe(1);
    expect(await queued()).toEqual([{ key: prCommentJobKey(SHOP.id, 9), task_identifier: "sync-pr-comment" }]);
    await drain();
    expect(body()).not.toContain("relabelled it");
    expect(body()).toContain("Issue clarification");
  });
});
