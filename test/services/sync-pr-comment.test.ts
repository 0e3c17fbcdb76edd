/**
 * The comment job's own rules, on stored rows (the full flow is test/integration/pr-comments.test.ts):
 * finding its comment by marker when the id was lost, a comment someone deleted, old pull requests,
 * summary and off modes, looking again when a flaky-test fix is too early to tell, and spacing writes.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isOwnEvidenceComment, queuePrCommentsClosing, syncPrComment, type PrCommentDeps } from "../../src/services/sync-pr-comment.js";
import { liveWriteSettings } from "../../src/services/github-writes.js";
import { EVIDENCE_MARKER } from "../../src/render/render-pr-comment.js";
import { FAKE_APP, nockedClient, useFakeGitHubComments } from "../helpers/fake-github-comments.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

const INSTALLATION = 97_100_001;
const REPO = 97_200_001;
const NOW = new Date("2026-09-01T12:00:00Z");
let database: TestDatabase;

const deps = (over: Partial<PrCommentDeps> = {}): PrCommentDeps => ({ db: database.db, clients: async () => nockedClient(), now: () => NOW, writes: { spacingMs: 0, appId: FAKE_APP.id }, ...over });
const job = (number: number) => ({ installationId: INSTALLATION, repositoryId: REPO, number });

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db
    .insertInto("repositories")
    .values({ id: REPO, installation_id: INSTALLATION, owner_login: "acme", name: "api", full_name: "acme/api", private: false, default_branch: "main", html_url: "https://github.com/acme/api", archived: false, removed_at: null, updated_at: "2026-01-01T00:00:00Z" })
    .execute();
  await config(null);
});
afterAll(async () => {
  await database?.drop();
});
const fake = useFakeGitHubComments();

/** The repository's configuration, as the config loader caches it (fresh: no GitHub call). */
async function config(value: unknown): Promise<void> {
  await database.db.deleteFrom("repo_configs").where("repository_id", "=", REPO).execute();
  await database.db.insertInto("repo_configs").values({ repository_id: REPO, source: "test", config: JSON.stringify(value), errors: JSON.stringify([]), fetched_at: NOW.toISOString() }).execute();
}

async function mergedPr(number: number, mergedAt = "2026-08-30T10:00:00Z", body = ""): Promise<void> {
  await database.db
    .insertInto("pull_requests")
    .values({
      id: REPO * 100 + number,
      repository_id: REPO,
      number,
      title: `Change ${number}`,
      body,
      html_url: `https://github.com/acme/api/pull/${number}`,
      state: "closed",
      draft: false,
      merged: true,
      merged_at: mergedAt,
      merged_by_id: null,
      author_id: null,
      author_association: "MEMBER",
      additions: 10,
      deletions: 1,
      changed_files: 1,
      commit_count: 1,
      head_sha: "h",
      head_ref: "t",
      base_sha: "b",
      base_ref: "main",
      labels: JSON.stringify([]),
      created_at: "2026-08-29T10:00:00Z",
      closed_at: mergedAt,
      updated_at: mergedAt,
      enriched_at: null,
    })
    .execute();
}

async function contribution(number: number, kind: string, login: string, personId: number, over: Record<string, unknown> = {}): Promise<void> {
  await database.db
    .insertInto("contributions")
    .values({
      key: `${kind}:${number}:${personId}`,
      kind,
      person_id: personId,
      person_login: login,
      repository_id: REPO,
      repository_full_name: "acme/api",
      repository_private: false,
      subject_type: "pull_request",
      subject_id: String(number),
      subject_title: `Change ${number}`,
      subject_url: `https://github.com/acme/api/pull/${number}`,
      occurred_at: "2026-08-30T09:00:00Z",
      score: 80,
      confidence: 0.9,
      level: kind === "review" ? "deep" : null,
      dynamics: "neutral",
      evidence: JSON.stringify([]),
      formula: JSON.stringify({}),
      detail: JSON.stringify({}),
      detector: kind,
      detector_version: 1,
      source_key: `pr:${REPO}:${number}`,
      computed_at: NOW.toISOString(),
      match_url: null,
      comment_count: null,
      comments_led_to_change: null,
      ...over,
    } as never)
    .execute();
}

const evidence = (number: number) => fake.evidenceOn(`acme/api#${number}`);

describe("syncPrComment", () => {
  it("finds its own comment by the marker when the id was lost (and not a copy someone pasted), and edits it", async () => {
    await mergedPr(1);
    await contribution(1, "review", "maya", 1);
    fake.comments.push({ id: 11, issue: "acme/api#1", body: `${EVIDENCE_MARKER}\ncopied by a person`, user: { login: "mallory", type: "User" } });
    fake.comments.push({ id: 12, issue: "acme/api#1", body: `${EVIDENCE_MARKER}\nold text`, user: { login: "unsung[bot]", type: "Bot" }, performed_via_github_app: { ...FAKE_APP } });
    expect(await syncPrComment(deps(), job(1))).toBe("updated");
    expect(fake.writes).toEqual(["PATCH /repos/acme/api/issues/comments/12"]);
    expect(fake.comments.find((c) => c.id === 12)!.body).toContain("[maya]");
    expect(fake.comments.find((c) => c.id === 11)!.body).toContain("copied by a person");
    expect(await syncPrComment(deps(), job(1))).toBe("unchanged");
    expect(fake.writes).toHaveLength(1);
  });

  it("a copy of the marker that this app did not write is never taken for its comment: another app's bot, a person, a mismatched author", async () => {
    await mergedPr(41);
    await contribution(41, "review", "maya", 1);
    const copies = [
      // Another GitHub App's bot pasting the marker.
      { id: 21, issue: "acme/api#41", body: `${EVIDENCE_MARKER}\ncopied by another app`, user: { login: "mimic[bot]", type: "Bot" }, performed_via_github_app: { id: 9_999, slug: "mimic" } },
      // A bot account that claims our login but was not written through this app.
      { id: 22, issue: "acme/api#41", body: `${EVIDENCE_MARKER}\nno app behind it`, user: { login: "unsung[bot]", type: "Bot" }, performed_via_github_app: null },
      // A person writing through this app's sign-in (a user token): the app is ours, the author is not.
      { id: 23, issue: "acme/api#41", body: `${EVIDENCE_MARKER}\na person via the app`, user: { login: "mallory", type: "User" }, performed_via_github_app: { ...FAKE_APP } },
      // Our app id, someone else's bot login.
      { id: 24, issue: "acme/api#41", body: `${EVIDENCE_MARKER}\nmismatched author`, user: { login: "mimic[bot]", type: "Bot" }, performed_via_github_app: { ...FAKE_APP } },
    ];
    fake.comments.push(...copies.map((c) => ({ ...c })));
    const writes = fake.writes.length;
    expect(await syncPrComment(deps(), job(41))).toBe("created");
    expect(fake.writes.slice(writes)).toEqual(["POST /repos/acme/api/issues/41/comments"]);
    const ours = fake.comments.filter((c) => c.issue === "acme/api#41" && !copies.some((x) => x.id === c.id));
    expect(ours).toHaveLength(1);
    expect(ours[0]!.body).toContain("[maya]");
    // The id is lost (a crash before it was stored) and there is more to say: ours is found and edited, past the copies.
    await database.db.updateTable("pr_comments").set({ comment_id: null, status: "none", body_hash: null }).where("repository_id", "=", REPO).where("pr_number", "=", 41).execute();
    await contribution(41, "docs", "lee", 2, { detail: JSON.stringify({ lines: 40, share: 0.5 }) });
    expect(await syncPrComment(deps(), job(41))).toBe("updated");
    expect(fake.writes.slice(writes)).toEqual(["POST /repos/acme/api/issues/41/comments", `PATCH /repos/acme/api/issues/comments/${ours[0]!.id}`]);
    for (const c of copies) {
      expect(fake.comments.find((x) => x.id === c.id)!.body).toBe(c.body);
      expect(fake.history.get(c.id)).toBeUndefined();
    }
  });

  it("holds only what was said on GitHub in this installation: no dashboard words, nothing from another organisation", async () => {
    await mergedPr(30);
    await contribution(30, "review", "maya", 1);
    const OTHER = 97_200_099;
    await database.db
      .insertInto("repositories")
      .values({ id: OTHER, installation_id: INSTALLATION + 1, owner_login: "initech", name: "web", full_name: "initech/web", private: false, default_branch: "main", html_url: "https://github.com/initech/web", archived: false, removed_at: null, updated_at: "2026-01-01T00:00:00Z" })
      .execute();
    const note = (id: string, text: string, repositoryId: number | null, fullName: string | null, source: string | null) => ({
      id,
      kind: "claim",
      author_id: 2,
      author_login: "lena",
      subject_person_id: 2,
      subject_person_login: "lena",
      contribution_key: null,
      link: "https://github.com/acme/api/pull/30",
      text,
      source_url: source,
      repository_id: repositoryId,
      repository_full_name: fullName,
      repository_private: false,
      created_at: "2026-08-31T10:00:00Z",
      deleted_at: null,
      author_association: "MEMBER",
      installation_id: repositoryId === null ? INSTALLATION : null,
    });
    await database.db
      .insertInto("annotations")
      .values([
        note("web:1", "written on the dashboard only", null, null, null),
        note("c:2", "said in another organisation", OTHER, "initech/web", "https://github.com/initech/web/issues/1#issuecomment-2"),
        note("c:3", "said in this repository", REPO, "acme/api", "https://github.com/acme/api/issues/4#issuecomment-3"),
      ] as never)
      .execute();
    expect(await syncPrComment(deps(), job(30))).toBe("created");
    expect(evidence(30)).toHaveLength(1);
    const body = evidence(30)[0]!.body;
    expect(body).toContain("said in this repository");
    expect(body).not.toContain("written on the dashboard only");
    expect(body).not.toContain("said in another organisation");
    expect(body).not.toContain("initech");
  });

  it("a comment someone deleted is not posted again", async () => {
    fake.comments = fake.comments.filter((c) => c.id !== 12);
    await contribution(1, "docs", "lee", 2, { detail: JSON.stringify({ lines: 40, share: 0.5 }) });
    expect(await syncPrComment(deps(), job(1))).toBe("gone");
    expect(await database.db.selectFrom("pr_comments").select("status").where("pr_number", "=", 1).executeTakeFirstOrThrow()).toEqual({ status: "deleted" });
    const writes = fake.writes.length;
    expect(await syncPrComment(deps(), job(1))).toBe("unchanged");
    expect(fake.writes).toHaveLength(writes);
  });

  it("an old pull request (history a backfill read) gets no new comment", async () => {
    await mergedPr(2, "2026-07-01T10:00:00Z");
    await contribution(2, "review", "maya", 1);
    expect(await syncPrComment(deps(), job(2))).toBe("too-old");
    expect(await syncPrComment(deps({ writes: { spacingMs: 0, appId: FAKE_APP.id, newCommentMaxAgeDays: 90 } }), job(2))).toBe("created");
    expect(evidence(2)).toHaveLength(1);
  });

  it("comments: summary writes one line per person; comments: off writes nothing", async () => {
    await mergedPr(3);
    await contribution(3, "review", "maya", 1);
    await contribution(3, "mentoring", "maya", 1, { score: 60 });
    await config({ comments: "summary" });
    expect(await syncPrComment(deps(), job(3))).toBe("created");
    expect(evidence(3)[0]!.body).toContain("- **[maya](https://github.com/maya)**: deep review, mentoring\n");
    await mergedPr(4);
    await contribution(4, "review", "maya", 1);
    await config({ comments: "off" });
    expect(await syncPrComment(deps(), job(4))).toBe("none");
    expect(evidence(4)).toEqual([]);
    // Turned off after a comment was written: the comment goes.
    expect(await syncPrComment(deps(), job(3))).toBe("deleted");
    expect(evidence(3)).toEqual([]);
    await config(null);
  });

  it("a flaky-test fix too early to tell is looked at again a day later", async () => {
    await mergedPr(5);
    await contribution(5, "flaky-fix", "maya", 1, { score: 70, level: "too-early", detail: JSON.stringify({ check: "test", outcome: { status: "too-early" } }) });
    expect(await syncPrComment(deps(), job(5))).toBe("created");
    expect(evidence(5)[0]!.body).toContain("too early to tell");
    const r = await sql<{ run_at: string; task_identifier: string }>`select run_at, task_identifier from graphile_worker.jobs where key = ${`recheck-pr:${REPO}:5`}`.execute(database.db);
    expect(r.rows).toHaveLength(1);
    expect(r.rows[0]!.task_identifier).toBe("detect-pull-request");
    expect(Date.parse(r.rows[0]!.run_at) - Date.now()).toBeGreaterThan(23 * 3_600_000);
  });

  it("writes of one installation are spaced: the next waits for its slot, as a job for later", async () => {
    await mergedPr(6);
    await mergedPr(7);
    await contribution(6, "review", "maya", 1);
    await contribution(7, "review", "maya", 1);
    const spaced = deps({ now: () => new Date(), writes: { spacingMs: 60_000, appId: FAKE_APP.id, newCommentMaxAgeDays: 3650 } });
    expect(await syncPrComment(spaced, job(6))).toBe("created");
    const before = Date.now();
    expect(await syncPrComment(spaced, job(7))).toBe("later");
    expect(evidence(7)).toEqual([]);
    const r = await sql<{ run_at: string }>`select run_at from graphile_worker.jobs where key = ${`pr-comment:${REPO}:7`}`.execute(database.db);
    expect(Date.parse(r.rows[0]!.run_at)).toBeGreaterThanOrEqual(before + 55_000);
    // Without credentials (or in a replay) nothing is written at all.
    expect(await syncPrComment(deps({ writes: undefined }), job(7))).toBe("no-client");
    expect(await syncPrComment({ ...deps(), clients: async () => null }, job(7))).toBe("no-client");
  });

  it("the clarification of the issue a pull request closes is on its comment (what happened before the merge), and re-triage queues it again", async () => {
    await mergedPr(8, "2026-08-30T10:00:00Z", "Fixes #40, see also #41");
    const triage = (personId: number, login: string, at: string) =>
      contribution(8, "triage", login, personId, {
        key: `triage:40:${personId}`,
        source_key: `issue:${REPO}:40`,
        subject_type: "issue",
        subject_url: "https://github.com/acme/api/issues/40",
        occurred_at: at,
        score: 60,
        detail: JSON.stringify({ actions: ["added acceptance criteria to the description"], clarifiedBeforeWork: true }),
      });
    await triage(3, "sofia", "2026-08-29T08:00:00Z");
    await triage(4, "late-larry", "2026-08-31T08:00:00Z");
    expect(await queuePrCommentsClosing(database.db, REPO, 40)).toBe(1);
    expect(await queuePrCommentsClosing(database.db, REPO, 41)).toBe(0);
    const queued = await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs where key = ${`pr-comment:${REPO}:8`}`.execute(database.db);
    expect(queued.rows[0]!.n).toBe(1);
    // The spacing test before left the installation's next slot a minute away.
    await database.db.deleteFrom("github_write_pacing").execute();
    expect(await syncPrComment(deps(), job(8))).toBe("created");
    const body = evidence(8)[0]!.body;
    expect(body).toContain("[sofia](https://github.com/sofia)** · Issue clarification — Clarified the issue this pull request closes before the work started: added acceptance criteria to the description.");
    expect(body).toContain("(https://github.com/acme/api/issues/40)");
    expect(body).not.toContain("late-larry");
  });
});

describe("whose comment it is", () => {
  const ours = { id: 1, body: `${EVIDENCE_MARKER}\ntext`, user: { login: "unsung[bot]", type: "Bot" }, performed_via_github_app: { id: FAKE_APP.id, slug: "unsung" } };

  it("only the app's own bot, by app id and login, with the marker first", () => {
    expect(isOwnEvidenceComment(ours, FAKE_APP.id)).toBe(true);
    // GitHub logins are case-insensitive.
    expect(isOwnEvidenceComment({ ...ours, user: { login: "Unsung[bot]", type: "Bot" } }, FAKE_APP.id)).toBe(true);
    expect(isOwnEvidenceComment(ours, FAKE_APP.id + 1)).toBe(false);
    expect(isOwnEvidenceComment({ ...ours, body: `quoted: ${EVIDENCE_MARKER}` }, FAKE_APP.id)).toBe(false);
    expect(isOwnEvidenceComment({ ...ours, user: { login: "unsung", type: "User" } }, FAKE_APP.id)).toBe(false);
    expect(isOwnEvidenceComment({ ...ours, performed_via_github_app: { id: String(FAKE_APP.id), slug: "unsung" } }, FAKE_APP.id)).toBe(false);
  });

  it("malformed entries of a comment list are nobody's", () => {
    const hostile: unknown[] = [
      null,
      undefined,
      42,
      "text",
      [],
      {},
      { ...ours, id: "1" },
      { ...ours, body: null },
      { ...ours, body: { toString: () => EVIDENCE_MARKER } },
      { ...ours, user: null },
      { ...ours, user: { login: ["unsung[bot]"], type: "Bot" } },
      { ...ours, performed_via_github_app: null },
      { ...ours, performed_via_github_app: { id: FAKE_APP.id } },
      { ...ours, performed_via_github_app: { id: FAKE_APP.id, slug: "" }, user: { login: "[bot]", type: "Bot" } },
      { ...ours, performed_via_github_app: { id: FAKE_APP.id, slug: "x".repeat(100_000) } },
    ];
    for (const c of hostile) expect(isOwnEvidenceComment(c, FAKE_APP.id)).toBe(false);
  });

  it("the live app's settings take APP_ID's number, and refuse anything else", () => {
    expect(liveWriteSettings("12345")).toMatchObject({ appId: 12345 });
    for (const bad of ["", "0", "-1", "1e3", "abc", "99999999999999999999"]) expect(() => liveWriteSettings(bad)).toThrow(/APP_ID/);
  });
});
