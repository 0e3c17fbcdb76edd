import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_TEXT } from "../../src/core/commands/parse-command.js";
import { recordCommand, recordCommandDetailed } from "../../src/services/record-command.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

let database: TestDatabase;
const REPO = 500;
const ISSUE = 12;
const MAYA = { id: 9001, login: "maya" };
const OMAR = { id: 9002, login: "Omar-K" };
const BOT = { id: 9003, login: "renovate[bot]" };

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  await db
    .insertInto("repositories")
    .values({ id: REPO, installation_id: 1, owner_login: "acme", name: "api", full_name: "acme/api", private: false, default_branch: "main", html_url: "https://github.com/acme/api", archived: false, removed_at: null, updated_at: "2026-01-01T00:00:00Z" })
    .execute();
  await db
    .insertInto("people")
    .values([MAYA, OMAR, BOT].map((p) => ({ ...p, type: p === BOT ? "Bot" : "User", is_bot: p === BOT, is_ghost: false, name: null, previous_logins: "[]", seen_at: "2026-01-01T00:00:00Z" })))
    .execute();
});
afterAll(async () => {
  await database?.drop();
});

let nextId = 70_000;
/** Stores an issue comment as the normaliser would, and returns the job that would be queued for it. */
async function comment(author: { id: number } | null, body: string, at = "2026-02-01T10:00:00.000Z", id = ++nextId) {
  await database.db
    .insertInto("issue_comments")
    .values({
      id,
      repository_id: REPO,
      issue_number: ISSUE,
      is_pull_request: false,
      author_id: author?.id ?? null,
      body,
      html_url: `https://github.com/acme/api/issues/${ISSUE}#issuecomment-${id}`,
      author_association: "MEMBER",
      created_at: at,
      updated_at: at,
      deleted_at: null,
    })
    .execute();
  return { commentId: id, repositoryId: REPO, issueNumber: ISSUE };
}

const annotation = (commentId: number) => database.db.selectFrom("annotations").selectAll().where("id", "=", `comment:${commentId}`).executeTakeFirst();
const edit = (commentId: number, body: string, at: string) =>
  database.db.updateTable("issue_comments").set({ body, updated_at: at }).where("id", "=", commentId).execute();

describe("recordCommand", () => {
  it("records a note about the author, linked to the comment's thread", async () => {
    const job = await comment(MAYA, "/unsung note Ran the incident review for the March outage.");
    expect(await recordCommand(database.db, job)).toBe("recorded");
    expect(await annotation(job.commentId)).toEqual({
      id: `comment:${job.commentId}`,
      kind: "note",
      author_id: MAYA.id,
      author_login: "maya",
      subject_person_id: MAYA.id,
      subject_person_login: "maya",
      contribution_key: null,
      link: "https://github.com/acme/api/issues/12",
      text: "Ran the incident review for the March outage.",
      source_url: `https://github.com/acme/api/issues/12#issuecomment-${job.commentId}`,
      repository_id: REPO,
      repository_full_name: "acme/api",
      repository_private: false,
      created_at: "2026-02-01T10:00:00.000Z",
      deleted_at: null,
      author_association: "MEMBER",
    });
  });

  it.each([
    ["claim", "/unsung claim https://github.com/acme/api/pull/3 I rewrote the flaky retry test", "https://github.com/acme/api/pull/3", "I rewrote the flaky retry test"],
    ["dispute", "/unsung dispute https://github.com/acme/api/pull/4 That was a rubber stamp, not a review", "https://github.com/acme/api/pull/4", "That was a rubber stamp, not a review"],
    ["log", "/unsung log Interviewed three candidates this week", "https://github.com/acme/api/issues/12", "Interviewed three candidates this week"],
  ])("records a %s", async (kind, body, link, text) => {
    const job = await comment(OMAR, body);
    expect(await recordCommand(database.db, job)).toBe("recorded");
    expect(await annotation(job.commentId)).toMatchObject({ kind, link, text, author_id: OMAR.id, subject_person_id: OMAR.id });
  });

  it("records an endorsement about a known person, found by login case-insensitively", async () => {
    const job = await comment(MAYA, "/unsung endorse @omar-k Kept the release train running while I was out");
    expect(await recordCommand(database.db, job)).toBe("recorded");
    expect(await annotation(job.commentId)).toMatchObject({
      kind: "endorse",
      author_id: MAYA.id,
      subject_person_id: OMAR.id,
      subject_person_login: "Omar-K",
      text: "Kept the release train running while I was out",
    });
  });

  it("does not record an endorsement of an unknown login, or of oneself", async () => {
    const unknown = await comment(MAYA, "/unsung endorse @nobody-here Great work");
    expect(await recordCommand(database.db, unknown)).toBe("unknown-person");
    expect(await annotation(unknown.commentId)).toBeUndefined();
    const self = await comment(MAYA, "/unsung endorse @Maya I did great work");
    expect(await recordCommand(database.db, self)).toBe("invalid");
    expect(await annotation(self.commentId)).toBeUndefined();
  });

  it("opts out and back in, the later comment winning whatever order the jobs run in", async () => {
    const optOut = await comment(OMAR, "/unsung opt-out", "2026-02-02T10:00:00.000Z");
    const optIn = await comment(OMAR, "/unsung opt-in", "2026-02-03T10:00:00.000Z");
    expect(await recordCommand(database.db, optOut)).toBe("recorded");
    const row = () => database.db.selectFrom("opt_outs").selectAll().where("person_id", "=", OMAR.id).executeTakeFirstOrThrow();
    expect(await row()).toMatchObject({ login: "Omar-K", opted_out: true });
    expect(await recordCommand(database.db, optIn)).toBe("recorded");
    expect(await row()).toMatchObject({ opted_out: false, updated_at: "2026-02-03T10:00:00.000Z" });
    // The opt-out job runs again late (a retry): the newer opt-in stands.
    expect(await recordCommand(database.db, optOut)).toBe("recorded");
    expect(await row()).toMatchObject({ opted_out: false });
  });

  it("an edit that changes the command replaces the annotation; an edit that removes it withdraws it", async () => {
    const job = await comment(MAYA, "/unsung note first version");
    expect(await recordCommand(database.db, job)).toBe("recorded");
    await edit(job.commentId, "/unsung note second version", "2026-02-01T11:00:00.000Z");
    expect(await recordCommand(database.db, job)).toBe("recorded");
    expect(await annotation(job.commentId)).toMatchObject({ text: "second version", deleted_at: null });
    await edit(job.commentId, "Never mind.", "2026-02-01T12:00:00.000Z");
    expect(await recordCommand(database.db, job)).toBe("ignored");
    expect(await annotation(job.commentId)).toMatchObject({ text: "second version", deleted_at: "2026-02-01T12:00:00.000Z" });
    // Restoring the command brings it back.
    await edit(job.commentId, "/unsung note third version", "2026-02-01T13:00:00.000Z");
    expect(await recordCommand(database.db, job)).toBe("recorded");
    expect(await annotation(job.commentId)).toMatchObject({ text: "third version", deleted_at: null });
  });

  it("an edit that breaks the command withdraws it too", async () => {
    const job = await comment(MAYA, "/unsung claim https://github.com/acme/api/pull/9 Fixed the deploy script");
    expect(await recordCommand(database.db, job)).toBe("recorded");
    await edit(job.commentId, "/unsung claim not-a-link Fixed the deploy script", "2026-02-01T11:00:00.000Z");
    expect(await recordCommand(database.db, job)).toBe("invalid");
    expect((await annotation(job.commentId))?.deleted_at).toBe("2026-02-01T11:00:00.000Z");
  });

  it("a deleted comment withdraws its annotation", async () => {
    const job = await comment(OMAR, "/unsung note Wrote the on-call runbook");
    expect(await recordCommand(database.db, job)).toBe("recorded");
    await database.db.updateTable("issue_comments").set({ deleted_at: "2026-02-05T00:00:00Z" }).where("id", "=", job.commentId).execute();
    expect(await recordCommand(database.db, job)).toBe("withdrawn");
    expect((await annotation(job.commentId))?.deleted_at).toBe("2026-02-05T00:00:00.000Z");
  });

  it("ignores a bot's command, a comment by a deleted account, and a comment it never stored", async () => {
    const bot = await comment(BOT, "/unsung note I am a bot");
    expect(await recordCommand(database.db, bot)).toBe("ignored");
    expect(await annotation(bot.commentId)).toBeUndefined();
    const ghost = await comment(null, "/unsung note from a deleted account");
    expect(await recordCommand(database.db, ghost)).toBe("ignored");
    expect(await recordCommand(database.db, { commentId: 1, repositoryId: REPO, issueNumber: ISSUE })).toBe("ignored");
    expect(await annotation(ghost.commentId)).toBeUndefined();
  });

  it("stores hostile text cut and cleaned: HTML kept as text, bidi overrides and control characters removed, 1 MB cut to the cap", async () => {
    const body = `/unsung note <img src=x onerror=alert(1)> \u202egnp.exe\u202c\u0007 ${"padding ".repeat(131_072)}`;
    expect(body.length).toBeGreaterThan(1_000_000);
    const job = await comment(MAYA, body);
    expect(await recordCommand(database.db, job)).toBe("recorded");
    const a = await annotation(job.commentId);
    expect(a?.text.length).toBe(MAX_TEXT);
    expect(a?.text.startsWith("<img src=x onerror=alert(1)> gnp.exe padding")).toBe(true);
    expect(a?.text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/);
  });

  it("stores a claimed link normalised, and rejects a javascript: link", async () => {
    const ok = await comment(MAYA, "/unsung claim https://github.com/acme/api/pull/1\u202e2 Mine");
    expect(await recordCommand(database.db, ok)).toBe("recorded");
    expect((await annotation(ok.commentId))?.link).toBe("https://github.com/acme/api/pull/1%E2%80%AE2");
    const bad = await comment(MAYA, "/unsung claim javascript:alert(document.cookie) Mine");
    expect(await recordCommand(database.db, bad)).toBe("invalid");
    expect(await annotation(bad.commentId)).toBeUndefined();
  });
});

describe("recordCommandDetailed: what the answer needs", () => {
  const PRIVATE = 501;
  beforeAll(async () => {
    await database.db
      .insertInto("repositories")
      .values({ id: PRIVATE, installation_id: 1, owner_login: "acme", name: "vault", full_name: "acme/vault", private: true, default_branch: "main", html_url: "https://github.com/acme/vault", archived: false, removed_at: null, updated_at: "2026-01-01T00:00:00Z" })
      .execute();
    await database.db
      .insertInto("contributions")
      .values({
        key: "review:4:9002",
        kind: "review",
        person_id: OMAR.id,
        person_login: OMAR.login,
        repository_id: REPO,
        repository_full_name: "acme/api",
        repository_private: false,
        subject_type: "pull_request",
        subject_id: "4",
        subject_title: "t",
        subject_url: "https://github.com/acme/api/pull/4",
        occurred_at: "2026-01-02T00:00:00Z",
        score: 50,
        confidence: 0.9,
        level: "substantive",
        dynamics: "neutral",
        evidence: JSON.stringify([]),
        formula: JSON.stringify({}),
        detail: JSON.stringify({}),
        detector: "review-depth",
        detector_version: 1,
        source_key: "pr:500:4",
        computed_at: "2026-01-02T00:00:00Z",
        match_url: null,
        comment_count: null,
        comments_led_to_change: null,
      } as never)
      .execute();
  });

  it("help is answered, not recorded", async () => {
    const job = await comment(MAYA, "/unsung help");
    expect(await recordCommandDetailed(database.db, job)).toEqual({ outcome: "help", command: "help", affects: [] });
    expect(await annotation(job.commentId)).toBeUndefined();
  });

  it("a malformed command says what is wrong, as data", async () => {
    const job = await comment(MAYA, "/unsung claim not-a-link I did it");
    expect(await recordCommandDetailed(database.db, job)).toMatchObject({ outcome: "invalid", refusal: { reason: "malformed", problem: "missing-link", verb: "claim" } });
    const unknown = await comment(MAYA, "/unsung endorse @nobody-here Great work");
    expect(await recordCommandDetailed(database.db, unknown)).toMatchObject({ outcome: "unknown-person", refusal: { reason: "unknown-person", login: "nobody-here" } });
  });

  it("only the credited person disputes an item: someone else's is refused, one's own is recorded", async () => {
    const notYours = await comment(MAYA, "/unsung dispute https://github.com/acme/api/pull/4#pullrequestreview-1 That review was mine");
    expect(await recordCommandDetailed(database.db, notYours)).toMatchObject({ outcome: "refused", refusal: { reason: "not-yours" } });
    expect(await annotation(notYours.commentId)).toBeUndefined();
    const own = await comment(OMAR, "/unsung dispute https://github.com/acme/api/pull/4 My review was a quick look");
    expect(await recordCommandDetailed(database.db, own)).toMatchObject({ outcome: "recorded", command: "dispute" });
  });

  it("a link into another private repository needs GitHub to say the commenter can read it (fail closed)", async () => {
    const link = "/unsung claim https://github.com/acme/vault/pull/2 I fixed the vault";
    const unchecked = await comment(MAYA, link);
    expect(await recordCommandDetailed(database.db, unchecked)).toMatchObject({ outcome: "refused", refusal: { reason: "access-unchecked" } });
    const asks = (permission: string | null) => ({
      clients: async () =>
        ({
          request: async () => {
            if (permission === null) throw Object.assign(new Error("Not Found"), { status: 404 });
            return { data: { permission } };
          },
        }) as never,
      now: () => new Date(),
    });
    const denied = await comment(MAYA, link);
    expect(await recordCommandDetailed(database.db, denied, asks(null))).toMatchObject({ outcome: "refused", refusal: { reason: "no-access" } });
    const allowed = await comment(MAYA, link);
    expect(await recordCommandDetailed(database.db, allowed, asks("read"))).toMatchObject({ outcome: "recorded", command: "claim" });
    expect(await annotation(allowed.commentId)).toMatchObject({ kind: "claim", link: "https://github.com/acme/vault/pull/2" });
  });

  it("an edit into a refused command withdraws what the comment had recorded", async () => {
    const job = await comment(MAYA, "/unsung endorse @omar-k Shipped the release");
    expect(await recordCommand(database.db, job)).toBe("recorded");
    await edit(job.commentId, "/unsung endorse @maya Shipped the release", "2026-02-01T11:00:00.000Z");
    expect(await recordCommand(database.db, job)).toBe("invalid");
    expect((await annotation(job.commentId))?.deleted_at).toBe("2026-02-01T11:00:00.000Z");
  });
});
