/**
 * Evidence comments and command answers, end to end: webhooks go through `probot.receive` into the
 * inbox, the worker normalises them, enriches merged pull requests, runs the detectors, and writes
 * to a nock-mocked GitHub (test/helpers/fake-github-comments.ts) that keeps the comments it was
 * sent, so each test asserts what GitHub ends up showing.
 */
import nock from "nock";
import { sql } from "kysely";
import type { Probot } from "probot";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { drainQueue, workerDeps, type Runtime } from "../../src/cli/runtime.js";
import { syncPrComment } from "../../src/services/sync-pr-comment.js";
import { startCommentApp } from "../helpers/comment-app.js";
import { FAKE_APP, nockedClient, useFakeGitHubComments } from "../helpers/fake-github-comments.js";
import { pullRequestStory, type Delivery, type FixturePerson, type FixtureRepo } from "../helpers/tenant-fixture.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

const INSTALLATION = 96_100_001;
const SHOP: FixtureRepo = { id: 96_200_001, owner: "acme", ownerId: 96_000_001, name: "shop", private: false, installationId: INSTALLATION };
const VAULT: FixtureRepo = { id: 96_200_002, owner: "acme", ownerId: 96_000_001, name: "vault", private: true, installationId: INSTALLATION };
const person = (id: number, login: string): FixturePerson => ({ id, login, name: login.toUpperCase(), email: `${login}@example.test` });
const MAYA = person(96_300_001, "maya");
const OMAR = person(96_300_002, "omar");
const LEE = person(96_300_003, "lee");
const ERIN = person(96_300_004, "erin");
/** Had no part in any pull request here. */
const ZOE = person(96_300_005, "zoe");
const BOT = { id: 96_300_009, login: "renovate[bot]", type: "Bot" };

let database: TestDatabase;
let probot: Probot;
let rt: Runtime;
let n = 0;

// The fixture's pull requests were merged in August 2026: new comments on them are allowed here.
const WRITES = { spacingMs: 0, appId: FAKE_APP.id, newCommentMaxAgeDays: 3650 };
const deps = () => workerDeps(rt, async () => nockedClient(), { debounceSeconds: 0, githubWrites: WRITES });
const drain = () => drainQueue(rt, deps());

beforeAll(async () => {
  database = await createTestDatabase();
  ({ rt, probot } = await startCommentApp(database));
});
afterAll(async () => {
  await database?.drop();
});
// Every request matched a mocked route, and no required scope is left unused (checked after each test).
const fake = useFakeGitHubComments({ loopback: true });
afterEach(() => {
  expect(nock.isDone()).toBe(true);
});

async function receive(deliveries: Delivery[], id?: string): Promise<void> {
  for (const d of deliveries) await probot.receive({ id: id ?? `pc-${++n}`, name: d.event, payload: d.payload } as never);
}

/** The review threads GitHub reports for a story: both inline comments outdated (the code under them changed). */
function outdated(repo: FixtureRepo, number: number, base: number): void {
  fake.threads.set(`${repo.owner}/${repo.name}#${number}`, [
    { id: `T${base}a`, isResolved: true, isOutdated: true, path: `src/${repo.name}/setup.ts`, resolvedBy: { login: "maya" }, comments: { nodes: [{ databaseId: base + 11 }] } },
    { id: `T${base}b`, isResolved: true, isOutdated: true, path: `src/${repo.name}/setup.ts`, resolvedBy: { login: "maya" }, comments: { nodes: [{ databaseId: base + 12 }] } },
  ]);
}

function story(repo: FixtureRepo, number: number, reviewer: FixturePerson, base: number, author = MAYA): Delivery[] {
  outdated(repo, number, base);
  return pullRequestStory({ repo, number, author, reviewer, title: `Change ${number}`, base, day: 3 });
}

const repoPayload = (r: FixtureRepo) => ({ id: r.id, name: r.name, full_name: `${r.owner}/${r.name}`, private: r.private, owner: { login: r.owner, id: r.ownerId, type: "Organization" }, html_url: `https://github.com/${r.owner}/${r.name}`, default_branch: "main" });
const userPayload = (p: { id: number; login: string; type?: string }) => ({ login: p.login, id: p.id, type: p.type ?? "User" });

let commentSeq = 97_000_000;
/** A comment on a pull request's conversation (an issue comment) — where slash commands are written. */
function prComment(repo: FixtureRepo, number: number, by: { id: number; login: string; type?: string }, body: string, association = "MEMBER"): { delivery: Delivery; id: number } {
  const id = ++commentSeq;
  const url = `https://github.com/${repo.owner}/${repo.name}/pull/${number}`;
  const at = new Date(Date.UTC(2026, 7, 20, 0, 0, commentSeq % 50_000)).toISOString();
  return {
    id,
    delivery: {
      event: "issue_comment",
      payload: {
        action: "created",
        issue: { id: repo.id * 10 + number, number, title: `Change ${number}`, state: "closed", user: userPayload(MAYA), pull_request: { url }, html_url: url, labels: [], created_at: at, updated_at: at, author_association: "MEMBER" },
        comment: { id, user: userPayload(by), body, html_url: `${url}#issuecomment-${id}`, author_association: association, created_at: at, updated_at: at },
        repository: repoPayload(repo),
        installation: { id: repo.installationId },
        sender: userPayload(by),
      },
    },
  };
}

const shop = (number: number) => `acme/shop#${number}`;
const postsTo = (issue: string) => fake.writes.filter((w) => w === `POST /repos/${issue.replace("#", "/issues/")}/comments`).length;
const reactionsOn = (commentId: number) => fake.reactions.filter((r) => r.commentId === commentId).map((r) => r.content);
const replyTo = (issue: string) => fake.repliesOn(issue).map((c) => c.body);

describe("the evidence comment", () => {
  it("a merged pull request with a deep review gets one comment naming the reviewer, the findings and the comments that led to a change", async () => {
    await receive(story(SHOP, 7, OMAR, 96_400_100));
    await drain();
    const comments = fake.evidenceOn(shop(7));
    expect(comments).toHaveLength(1);
    expect(postsTo(shop(7))).toBe(1);
    // Enrichment and the configuration were read from GitHub, and the comment looked for before it was created.
    expect(fake.reads).toEqual(expect.arrayContaining(["GraphQL acme/shop#7", "GET /repos/acme/shop/pulls/7/files", "GET config acme/shop", "GET config acme/.github", "GET comments acme/shop#7"]));
    const body = comments[0]!.body;
    expect(body).toContain("[omar](https://github.com/omar)");
    expect(body).toMatch(/(Deep|Substantive) review — A (deep|substantive) review \(score \d+\/100\): 2 findings and 2 comments led to a change before merge\./);
    expect(body).toContain("https://github.com/acme/shop/pull/7#discussion_r96400111");
    expect(body).toContain("`/unsung dispute https://github.com/acme/shop/pull/7 why`");
    // The author is not credited for a feature change.
    expect(body).not.toContain("[maya]");
    const row = await database.db.selectFrom("pr_comments").selectAll().where("repository_id", "=", SHOP.id).where("pr_number", "=", 7).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "posted", comment_id: comments[0]!.id, lease_owner: null, last_error: null });
  });

  it("a later review is added to the same comment, edited in place", async () => {
    const later = story(SHOP, 7, LEE, 96_400_150).filter((d) => d.event === "pull_request_review" || d.event === "pull_request_review_comment");
    outdated(SHOP, 7, 96_400_100);
    await receive(later);
    await drain();
    const comments = fake.evidenceOn(shop(7));
    expect(comments).toHaveLength(1);
    expect(postsTo(shop(7))).toBe(1);
    expect(comments[0]!.body).toContain("[lee](https://github.com/lee)");
    expect(comments[0]!.body).toContain("[omar](https://github.com/omar)");
    expect(fake.writes).toContain(`PATCH /repos/acme/shop/issues/comments/${comments[0]!.id}`);
  });

  it("a merge delivered again (same delivery id, and a new one) leaves one comment and writes nothing", async () => {
    const merge = story(SHOP, 7, OMAR, 96_400_100).at(-1)!;
    const writes = fake.writes.length;
    await receive([merge], "pc-redelivered");
    await receive([merge], "pc-redelivered");
    await receive([merge]);
    await drain();
    expect(fake.evidenceOn(shop(7))).toHaveLength(1);
    const c = fake.evidenceOn(shop(7))[0]!;
    expect(fake.writes.slice(writes), `${fake.history.get(c.id)?.at(-1)}\n---\n${c.body}`).toEqual([]);
  });

  it("two workers writing the same pull request's comment at once make one comment", async () => {
    // The facts first, with nothing written to GitHub.
    await receive(story(SHOP, 8, OMAR, 96_400_200));
    await drainQueue(rt, workerDeps(rt, async () => nockedClient(), { debounceSeconds: 0 }));
    expect(fake.evidenceOn(shop(8))).toHaveLength(0);
    fake.writeDelayMs = 300;
    try {
      const job = { installationId: INSTALLATION, repositoryId: SHOP.id, number: 8 };
      const writer = { db: database.db, clients: async () => nockedClient(), now: () => new Date(), writes: WRITES };
      const outcomes = await Promise.all([syncPrComment(writer, job), syncPrComment(writer, job)]);
      expect(outcomes.sort()).toEqual(["busy", "created"]);
    } finally {
      fake.writeDelayMs = 0;
    }
    // The job that found it busy runs again, and finds nothing to change.
    await drain();
    expect(fake.evidenceOn(shop(8))).toHaveLength(1);
    expect(postsTo(shop(8))).toBe(1);
  });

  it("nothing notable (a quick approval) gets no comment; an unmerged pull request gets none", async () => {
    const [opened, review, , , closed] = story(SHOP, 9, OMAR, 96_400_300);
    const approval = structuredClone(review!);
    Object.assign((approval.payload as { review: Record<string, unknown> }).review, { state: "approved", body: "LGTM", submitted_at: "2026-08-03T09:01:00Z" });
    await receive([opened!, approval, closed!]);
    const unmerged = story(SHOP, 10, OMAR, 96_400_400);
    const close = unmerged.at(-1)!.payload as { pull_request: Record<string, unknown> };
    Object.assign(close.pull_request, { merged: false, merged_at: null, merged_by: null });
    await receive(unmerged);
    await drain();
    expect(fake.evidenceOn(shop(9))).toEqual([]);
    expect(fake.evidenceOn(shop(10))).toEqual([]);
    expect(fake.writes.filter((w) => w.includes("/issues/9/") || w.includes("/issues/10/"))).toEqual([]);
    const contributions = await database.db.selectFrom("contributions").select("kind").where("source_key", "=", `pr:${SHOP.id}:10`).execute();
    expect(contributions.length).toBeGreaterThan(0);
  });

  it("a person who opted out is never named: their comment goes when they opt out, and their later work gets none", async () => {
    await receive(story(SHOP, 12, ERIN, 96_400_500));
    await drain();
    expect(fake.evidenceOn(shop(12))[0]?.body).toContain("[erin]");
    const optOut = prComment(SHOP, 12, ERIN, "/unsung opt-out");
    await receive([optOut.delivery]);
    await drain();
    expect(reactionsOn(optOut.id)).toEqual(["+1"]);
    expect(fake.evidenceOn(shop(12))).toEqual([]);
    expect(fake.writes.some((w) => w.startsWith("DELETE /repos/acme/shop/issues/comments/"))).toBe(true);
    await receive(story(SHOP, 13, ERIN, 96_400_600));
    await drain();
    expect(fake.evidenceOn(shop(13))).toEqual([]);
    for (const c of fake.comments) expect(c.body).not.toMatch(/\berin\b/i);
  });

  it("a public repository's comment shows nothing written in a private repository", async () => {
    const claim = prComment(VAULT, 3, MAYA, "/unsung claim https://github.com/acme/shop/pull/7 Planned the secret vault rotation for this change");
    const endorse = prComment(SHOP, 7, LEE, `/unsung endorse @${OMAR.login} Found the race before it shipped`);
    await receive([claim.delivery, endorse.delivery]);
    await drain();
    expect(reactionsOn(claim.id)).toEqual(["+1"]);
    expect(reactionsOn(endorse.id)).toEqual(["rocket"]);
    const body = fake.evidenceOn(shop(7))[0]!.body;
    expect(body).toContain("endorses **[omar](https://github.com/omar)**: “Found the race before it shipped”");
    expect(body).not.toMatch(/vault/i);
    const annotation = await database.db.selectFrom("annotations").select(["kind", "repository_private"]).where("id", "=", `comment:${claim.id}`).executeTakeFirstOrThrow();
    expect(annotation).toEqual({ kind: "claim", repository_private: true });
  });
});

describe("slash-command answers", () => {
  it("each command that works gets a reaction", async () => {
    const cases = [
      prComment(SHOP, 7, MAYA, "/unsung note I wrote the migration plan for this."),
      prComment(SHOP, 7, OMAR, "/unsung dispute https://github.com/acme/shop/pull/7 My review was a quick look, not deep."),
      // The author disputes something about their own pull request: theirs, credited or not.
      prComment(SHOP, 7, MAYA, "/unsung dispute https://github.com/acme/shop/pull/7 Nobody paired with me on this one."),
      prComment(SHOP, 7, MAYA, "/unsung log Paired with omar on the refund tests off GitHub."),
      prComment(SHOP, 7, LEE, "/unsung claim https://github.com/acme/shop/pull/9 I reviewed this in person."),
      prComment(SHOP, 7, ERIN, "/unsung opt-in"),
    ];
    await receive(cases.map((c) => c.delivery));
    await drain();
    for (const c of cases) expect(reactionsOn(c.id), (c.delivery.payload as { comment: { body: string } }).comment.body).toEqual(["+1"]);
    expect(replyTo(shop(7))).toEqual([]);
  });

  it("each refusal gets one short reply saying why and how to fix it; help lists every command", async () => {
    fake.permissions.delete("omar");
    const cases: [ReturnType<typeof prComment>, RegExp][] = [
      [prComment(SHOP, 9, MAYA, "/unsung frobnicate everything"), /does not know that command/],
      [prComment(SHOP, 9, MAYA, "/unsung note"), /needs some text.*`\/unsung note <text>`/],
      [prComment(SHOP, 9, MAYA, "/unsung claim not-a-link I did it"), /needs a link/],
      [prComment(SHOP, 9, MAYA, "/unsung endorse @maya I am great"), /cannot endorse yourself/],
      [prComment(SHOP, 9, MAYA, "/unsung endorse @nobody-at-all Great work"), /no record of nobody-at-all/],
      [prComment(SHOP, 9, ZOE, "/unsung dispute https://github.com/acme/shop/pull/7 That review was mine"), /not credited to you/],
      [prComment(SHOP, 9, OMAR, "/unsung claim https://github.com/acme/vault/pull/3 I fixed the vault"), /repository you cannot read/],
      [prComment(SHOP, 9, LEE, "/unsung help"), /Unsung commands/],
    ];
    await receive(cases.map(([c]) => c.delivery));
    await drain();
    const replies = replyTo(shop(9));
    expect(replies).toHaveLength(cases.length);
    for (const [c, re] of cases) {
      expect(reactionsOn(c.id)).toEqual([]);
      expect(replies.filter((r) => re.test(r)), String(re)).toHaveLength(1);
    }
    expect(replies.find((r) => r.includes("Unsung commands"))).toContain("`/unsung endorse @login <text>`");
    // A refused claim names no private repository in its public reply.
    for (const r of replies) expect(r).not.toMatch(/vault/i);
    expect(await database.db.selectFrom("annotations").select("id").where("id", "in", cases.map(([c]) => `comment:${c.id}`)).execute()).toEqual([]);
  });

  it("an edit that fixes a refused command is recorded, reacted to, and its reply edited — not a second reply", async () => {
    const c = prComment(SHOP, 10, MAYA, "/unsung note");
    await receive([c.delivery]);
    await drain();
    expect(replyTo(shop(10))).toHaveLength(1);
    const edited = structuredClone(c.delivery);
    const p = edited.payload as { action: string; comment: Record<string, unknown>; changes: unknown };
    p.action = "edited";
    p.changes = { body: { from: "/unsung note" } };
    Object.assign(p.comment, { body: "/unsung note Rewrote the deploy checklist.", updated_at: "2026-08-21T00:00:00Z" });
    await receive([edited]);
    await drain();
    expect(reactionsOn(c.id)).toEqual(["+1"]);
    expect(replyTo(shop(10))).toEqual([expect.stringContaining("Recorded after your edit")]);
  });

  it("commands from bots get no reaction, no reply and no record", async () => {
    const writes = fake.writes.length;
    const c = prComment(SHOP, 7, BOT, "/unsung note I am a helpful bot", "NONE");
    const h = prComment(SHOP, 7, BOT, "/unsung help", "NONE");
    await receive([c.delivery, h.delivery]);
    await drain();
    expect(fake.writes.slice(writes)).toEqual([]);
    expect(await database.db.selectFrom("annotations").select("id").where("id", "in", [`comment:${c.id}`, `comment:${h.id}`]).execute()).toEqual([]);
  });

  it("hostile text: 100 KB, mention spam, HTML, Markdown and javascript: links reach GitHub inert", async () => {
    const hostile = `@everyone @acme/security <img src=x onerror=alert(1)> [x](javascript:alert(1)) **loud** ${"spam @maya ".repeat(10_000)}`;
    expect(hostile.length).toBeGreaterThan(100_000);
    const note = prComment(SHOP, 7, MAYA, `/unsung note ${hostile}`);
    const endorse = prComment(SHOP, 7, MAYA, "/unsung endorse @everyone you all rock");
    await receive([note.delivery, endorse.delivery]);
    await drain();
    expect(reactionsOn(note.id)).toEqual(["+1"]);
    const reply = replyTo(shop(7)).find((r) => r.includes("no record of"))!;
    expect(reply).toBeDefined();
    for (const c of fake.comments) {
      const text = c.body.replace(/`[^`\n]*`/g, "");
      expect(text.match(/@(?!\u200b)[A-Za-z0-9/_-]+/g), c.body.slice(0, 200)).toBeNull();
      expect(text).not.toMatch(/(?<!\\)<(?!!-- unsung:(evidence-comment|command-answer) -->|\/?sub>)/);
      expect(c.body).not.toMatch(/(?<!\\)\]\(javascript:/);
      expect(c.body.length).toBeLessThan(65_536);
    }
    expect(fake.evidenceOn(shop(7))[0]!.body).toContain("spam");
  });
});

describe("GitHub's limits", () => {
  const jobRunAt = async (task: string) =>
    (await sql<{ run_at: string }>`select run_at from graphile_worker.jobs where task_identifier = ${task} order by run_at desc limit 1`.execute(database.db)).rows[0]?.run_at;
  const release = async (task: string) => {
    // Time passes: the wait GitHub asked for is over.
    await sql`select graphile_worker.reschedule_jobs(array(select id from graphile_worker.jobs where task_identifier = ${task}), run_at => now())`.execute(database.db);
    await sql`update github_write_pacing set next_at = now()`.execute(database.db);
  };

  it("a 403 secondary rate limit with retry-after reschedules the comment for then, holds the installation's writes, and other work goes on", async () => {
    fake.faults.push({ status: 403, headers: { "retry-after": "120" }, message: "You have exceeded a secondary rate limit" });
    const before = Date.now();
    await receive(story(SHOP, 14, OMAR, 96_400_700));
    await drain();
    expect(fake.evidenceOn(shop(14))).toEqual([]);
    const runAt = Date.parse((await jobRunAt("sync-pr-comment"))!);
    expect(runAt).toBeGreaterThanOrEqual(before + 119_000);
    const pacing = await database.db.selectFrom("github_write_pacing").select("next_at").where("installation_id", "=", INSTALLATION).executeTakeFirstOrThrow();
    expect(Date.parse(pacing.next_at)).toBeGreaterThanOrEqual(before + 119_000);
    // The detectors ran meanwhile: the facts and contributions are there.
    expect((await database.db.selectFrom("contributions").select("key").where("source_key", "=", `pr:${SHOP.id}:14`).execute()).length).toBeGreaterThan(0);
    // The job says why it waits (GitHub's limit, or the hold it put on the installation's writes).
    expect((await database.db.selectFrom("pr_comments").select("last_error").where("pr_number", "=", 14).executeTakeFirstOrThrow()).last_error).toMatch(/(secondary rate limit|spacing writes to GitHub): .*again at/);
    await release("sync-pr-comment");
    await drain();
    expect(fake.evidenceOn(shop(14))).toHaveLength(1);
  });

  it("a 429 with retry-after on an answer waits as long, then reacts once", async () => {
    fake.faults.push({ status: 429, headers: { "retry-after": "90" }, message: "Too Many Requests" });
    const before = Date.now();
    const c = prComment(SHOP, 14, LEE, "/unsung note Walked the team through the refund flow.");
    await receive([c.delivery]);
    await drain();
    expect(reactionsOn(c.id)).toEqual([]);
    expect(Date.parse((await jobRunAt("answer-command"))!)).toBeGreaterThanOrEqual(before + 89_000);
    await release("answer-command");
    await drain();
    expect(reactionsOn(c.id)).toEqual(["+1"]);
  });
});
