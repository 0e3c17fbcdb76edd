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
      // A slash command belongs to its repository, not to an organisation as a whole (that is for the dashboard's).
      installation_id: null,
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

  it("endorses only people with a record in this organisation who have not opted out, and says no more than 'unknown' otherwise", async () => {
    const db = database.db;
    // Zed was seen only in another organisation's repository; Quinn works here but opted out.
    const ZED = { id: 9011, login: "zed" };
    const QUINN = { id: 9012, login: "quinn" };
    await db
      .insertInto("repositories")
      .values({ id: 590, installation_id: 2, owner_login: "initech", name: "secret", full_name: "initech/secret", private: true, default_branch: "main", html_url: "https://github.com/initech/secret", archived: false, removed_at: null, updated_at: "2026-01-01T00:00:00Z" })
      .execute();
    await db
      .insertInto("people")
      .values([ZED, QUINN].map((p) => ({ ...p, type: "User", is_bot: false, is_ghost: false, name: null, previous_logins: "[]", seen_at: "2026-01-01T00:00:00Z" })))
      .execute();
    await db
      .insertInto("issue_comments")
      .values({ id: 69_001, repository_id: 590, issue_number: 1, is_pull_request: false, author_id: ZED.id, body: "hi", html_url: "https://github.com/initech/secret/issues/1#issuecomment-69001", author_association: "MEMBER", created_at: "2026-01-05T00:00:00Z", updated_at: "2026-01-05T00:00:00Z", deleted_at: null })
      .execute();
    await comment(QUINN, "an ordinary comment");
    const zed = await comment(MAYA, "/unsung endorse @zed Great work");
    expect(await recordCommandDetailed(db, zed)).toMatchObject({ outcome: "unknown-person", refusal: { reason: "unknown-person", login: "zed" } });
    const quinnBefore = await comment(MAYA, "/unsung endorse @quinn Great work");
    expect(await recordCommand(db, quinnBefore)).toBe("recorded");
    await db.insertInto("opt_outs").values({ person_id: QUINN.id, login: QUINN.login, opted_out: true, updated_at: "2026-02-01T09:00:00.000Z" }).execute();
    const quinnAfter = await comment(MAYA, "/unsung endorse @quinn Great work");
    expect(await recordCommandDetailed(db, quinnAfter)).toMatchObject({ outcome: "unknown-person", refusal: { reason: "unknown-person", login: "quinn" } });
    expect(await annotation(quinnAfter.commentId)).toBeUndefined();
  });

  it("an opt-out asks again for every posted evidence comment that may name the person: issue triage and claims made elsewhere included", async () => {
    const db = database.db;
    const RIA = { id: 9021, login: "ria" };
    await db.insertInto("people").values({ ...RIA, type: "User", is_bot: false, is_ghost: false, name: null, previous_logins: "[]", seen_at: "2026-01-01T00:00:00Z" }).execute();
    const posted = (n: number) => ({ repository_id: REPO, pr_number: n, installation_id: 1, comment_id: 800 + n, body_hash: "h", status: "posted" as const, lease_owner: null, lease_until: null, last_error: null, updated_at: "2026-02-01T00:00:00Z" });
    await db.insertInto("pr_comments").values([posted(41), posted(42), posted(43)]).execute();
    // #41 closes an issue Ria triaged (her contribution is the issue's, not the pull request's).
    await db
      .insertInto("contributions")
      .values({
        key: "triage:ria:7", kind: "triage", person_id: RIA.id, person_login: RIA.login, repository_id: REPO, repository_full_name: "acme/api", repository_private: false,
        subject_type: "issue", subject_id: "7", subject_title: "Crash on start", subject_url: "https://github.com/acme/api/issues/7", occurred_at: "2026-01-20T00:00:00Z",
        score: 60, confidence: 0.8, level: null, dynamics: "neutral", evidence: "[]", formula: "{}", detail: "{}", detector: "triage", detector_version: 1,
        source_key: `issue:${REPO}:7`, computed_at: "2026-01-20T00:00:00Z", match_url: null, comment_count: null, comments_led_to_change: null,
      } as never)
      .execute();
    // #42 is claimed by Ria from another repository's conversation (the claim's repository is not #42's).
    await db
      .insertInto("pull_requests")
      .values({
        id: 4242, repository_id: REPO, number: 42, title: "t", body: "", html_url: "https://github.com/acme/api/pull/42", state: "closed", draft: false, merged: true,
        merged_at: "2026-01-21T00:00:00Z", merged_by_id: null, author_id: null, author_association: "MEMBER", additions: 1, deletions: 1, changed_files: 1, commit_count: 1,
        head_sha: "h", head_ref: "x", base_sha: "b", base_ref: "main", labels: "[]", created_at: "2026-01-20T00:00:00Z", closed_at: "2026-01-21T00:00:00Z", updated_at: "2026-01-21T00:00:00Z", enriched_at: null,
      } as never)
      .execute();
    await db
      .insertInto("annotations")
      .values({
        id: "comment:claim-elsewhere", kind: "claim", author_id: RIA.id, author_login: RIA.login, subject_person_id: RIA.id, subject_person_login: RIA.login, contribution_key: null,
        link: "https://github.com/acme/api/pull/42", text: "paired on it", source_url: "https://github.com/acme/web/issues/1#issuecomment-1", repository_id: 599,
        repository_full_name: "acme/web", repository_private: false, created_at: "2026-01-22T00:00:00Z", deleted_at: null, author_association: "MEMBER", installation_id: null,
      } as never)
      .execute();
    const out = await comment(RIA, "/unsung opt-out", "2026-02-05T10:00:00.000Z");
    const result = await recordCommandDetailed(db, out);
    expect(result.outcome).toBe("recorded");
    // #43 too: credited in its repository, she may be named in any of its comments (a comment whose
    // text does not change is not written again, so asking again costs a job, not a write).
    expect(result.affects.map((a) => a.number).sort()).toEqual([41, 42, 43]);
    // Someone credited nowhere here is asked about for nothing.
    const NEO = { id: 9022, login: "neo" };
    await db.insertInto("people").values({ ...NEO, type: "User", is_bot: false, is_ghost: false, name: null, previous_logins: "[]", seen_at: "2026-01-01T00:00:00Z" }).execute();
    const neo = await comment(NEO, "/unsung opt-out", "2026-02-05T11:00:00.000Z");
    expect((await recordCommandDetailed(db, neo)).affects).toEqual([]);
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

  it("a link into another organisation's private repository is answered as a link to something unknown: no answer tells it exists", async () => {
    await database.db
      .insertInto("repositories")
      .values({ id: 591, installation_id: 3, owner_login: "globex", name: "vault", full_name: "globex/vault", private: true, default_branch: "main", html_url: "https://github.com/globex/vault", archived: false, removed_at: null, updated_at: "2026-01-01T00:00:00Z" })
      .execute();
    const known = await comment(MAYA, "/unsung claim https://github.com/globex/vault/pull/3 I fixed their vault");
    const unknown = await comment(MAYA, "/unsung claim https://github.com/globex/no-such-repo/pull/3 I fixed their vault");
    const a = await recordCommandDetailed(database.db, known);
    const b = await recordCommandDetailed(database.db, unknown);
    expect(a).toMatchObject({ outcome: "recorded", command: "claim" });
    expect({ ...a, affects: [] }).toEqual({ ...b, affects: [] });
    expect(a.affects).toEqual(b.affects);
    const dispute = await comment(MAYA, "/unsung dispute https://github.com/globex/vault/pull/3 not mine");
    expect(await recordCommandDetailed(database.db, dispute)).toMatchObject({ outcome: "recorded", command: "dispute" });
  });

  it("an edit into a refused command withdraws what the comment had recorded", async () => {
    const job = await comment(MAYA, "/unsung endorse @omar-k Shipped the release");
    expect(await recordCommand(database.db, job)).toBe("recorded");
    await edit(job.commentId, "/unsung endorse @maya Shipped the release", "2026-02-01T11:00:00.000Z");
    expect(await recordCommand(database.db, job)).toBe("invalid");
    expect((await annotation(job.commentId))?.deleted_at).toBe("2026-02-01T11:00:00.000Z");
  });
});
