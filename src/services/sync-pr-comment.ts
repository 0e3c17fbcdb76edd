/**
 * Keeps exactly one evidence comment on a merged pull request: reads what the
 * detectors and people said about it, decides (pure: planPrComment), renders,
 * and writes only when the text changed — creating the comment the first
 * time, editing it in place after, deleting it when nothing notable is left.
 *
 * One writer per pull request, whatever the number of workers: a lease on the
 * pull request's `pr_comments` row (taken with one atomic UPDATE, never a
 * transaction held across GitHub calls). A job that finds the lease taken runs
 * again a little later, so the newest state is always written last. The
 * comment is found by its hidden marker when its id is not stored yet (a
 * crash between creating it and storing the id), so a rerun edits it rather
 * than adding a second one — only a comment GitHub says this app wrote
 * (isOwnEvidenceComment): a copy of the marker by anyone else is left alone. A comment someone deleted is not written again.
 */
import { createHash, randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";
import { planPrComment, type CommentAnnotation, type CommentContribution, type PrCommentPlan } from "../core/comments/plan-pr-comment.js";
import { closingIssueNumbers } from "../core/linked-issues.js";
import type { EvidenceFormula } from "../core/model.js";
import { commentSettingsOf } from "../config/repo-config.js";
import type { GitHub, GitHubClientFactory } from "../github/clients.js";
import { enqueue, TASK } from "../queue/queue.js";
import { EVIDENCE_MARKER, renderPrComment } from "../render/render-pr-comment.js";
import type { DB } from "../store/schema.js";
import { asRateLimit, DEFAULT_NEW_COMMENT_MAX_AGE_DAYS, holdWrites, runLater, statusOf, takeWriteSlot, WriteLater, type GitHubWriteSettings } from "./github-writes.js";
import { loadRepoConfig } from "./load-repo-config.js";

export interface PrCommentJob {
  installationId: number;
  repositoryId: number;
  number: number;
}

export interface PrCommentDeps {
  db: Kysely<DB>;
  clients: GitHubClientFactory;
  now: () => Date;
  /** Absent: nothing is written to GitHub (replays, the demo, no credentials). */
  writes?: GitHubWriteSettings;
  /** How long a lease is held at most (a crashed writer's lease expires). */
  leaseMs?: number;
  /** A job that found the lease taken runs again this much later. */
  busyRetryMs?: number;
}

export type PrCommentOutcome = "created" | "updated" | "deleted" | "unchanged" | "none" | "busy" | "later" | "no-client" | "gone" | "too-old";

const LEASE_MS = 120_000;
const BUSY_RETRY_MS = 3_000;
/** How often a too-early flaky-test fix is looked at again, until its CI window has passed. */
const RECHECK_MS = 86_400_000;

export function prCommentJobKey(repositoryId: number, number: number): string {
  return `pr-comment:${repositoryId}:${number}`;
}

/** Queues the comment job of a merged pull request (nothing for one that is not merged). */
export async function queuePrComment(db: Kysely<DB>, repositoryId: number, number: number): Promise<boolean> {
  const pr = await db
    .selectFrom("pull_requests as p")
    .innerJoin("repositories as r", "r.id", "p.repository_id")
    .select(["p.merged", "r.installation_id"])
    .where("p.repository_id", "=", repositoryId)
    .where("p.number", "=", number)
    .executeTakeFirst();
  if (!pr?.merged || pr.installation_id === null) return false;
  const job: PrCommentJob = { installationId: pr.installation_id, repositoryId, number };
  await enqueue(db, TASK.syncPrComment, job, { jobKey: prCommentJobKey(repositoryId, number), maxAttempts: 10 });
  return true;
}

/** Queues the comment jobs of the merged pull requests that close an issue (its triage is on their comments). */
export async function queuePrCommentsClosing(db: Kysely<DB>, repositoryId: number, issueNumber: number): Promise<number> {
  const prs = await mergedPullRequestsClosing(db, repositoryId, issueNumber);
  for (const number of prs) await queuePrComment(db, repositoryId, number);
  return prs.length;
}

/** The merged pull requests (at most 20) that close an issue: their comments show its triage. */
export async function mergedPullRequestsClosing(db: Kysely<DB>, repositoryId: number, issueNumber: number): Promise<number[]> {
  const prs = await db
    .selectFrom("pull_requests")
    .select("number")
    .where("repository_id", "=", repositoryId)
    .where("merged", "=", true)
    // The same rule as closingIssueNumbers (and the issue bundle's linked pull requests).
    .where(sql<boolean>`body ~* ${`\\m(close[sd]?|fix(e[sd])?|resolve[sd]?)\\s*:?\\s+#${issueNumber}\\M`}`)
    .limit(20)
    .execute();
  return prs.map((p) => p.number);
}

/** The hash of a comment's text, as `pr_comments.body_hash` keeps it. */
function bodyHash(body: string | null): string | null {
  return body === null ? null : createHash("sha256").update(body).digest("hex");
}

/**
 * After the detectors ran again over stored facts (`unsung rescore`): queues the comment job — the
 * same job key, so the same lease and writer as every other change — of each merged pull request
 * whose comment would now say something else. That is a posted comment whose text changed (or that
 * would now go), or no comment yet where one would now be written and the pull request is recent
 * enough to get a new one (as the job itself decides: older ones are not woken up). A comment
 * someone deleted stays deleted. Returns how many were queued.
 */
export async function queueChangedPrComments(
  deps: Pick<PrCommentDeps, "db" | "clients" | "now">,
  pullRequests: Iterable<{ repositoryId: number; number: number }>,
  newCommentMaxAgeDays = DEFAULT_NEW_COMMENT_MAX_AGE_DAYS,
): Promise<number> {
  let queued = 0;
  const seen = new Set<string>();
  for (const pr of pullRequests) {
    const key = prCommentJobKey(pr.repositoryId, pr.number);
    if (seen.has(key)) continue;
    seen.add(key);
    const built = await buildPrComment(deps, pr.repositoryId, pr.number);
    if (!built) continue;
    const state = await deps.db.selectFrom("pr_comments").select(["status", "body_hash"]).where("repository_id", "=", pr.repositoryId).where("pr_number", "=", pr.number).executeTakeFirst();
    const changed =
      state?.status === "posted"
        ? state.body_hash !== bodyHash(built.body)
        : state?.status !== "deleted" && built.body !== null && !isOld(built.mergedAt, deps.now(), newCommentMaxAgeDays);
    if (changed && (await queuePrComment(deps.db, pr.repositoryId, pr.number))) queued += 1;
  }
  return queued;
}

/** What the comment would say now (null: no comment), read from the database. Also used by the demo. */
export async function buildPrComment(deps: Pick<PrCommentDeps, "db" | "clients" | "now">, repositoryId: number, number: number): Promise<{ plan: PrCommentPlan | null; body: string | null; mergedAt: string | null; ciDaysAfter: number } | null> {
  const { db } = deps;
  const pr = await db
    .selectFrom("pull_requests as p")
    .innerJoin("repositories as r", "r.id", "p.repository_id")
    .select(["p.html_url", "p.merged", "p.merged_at", "p.body", "r.private", "r.removed_at"])
    .where("p.repository_id", "=", repositoryId)
    .where("p.number", "=", number)
    .executeTakeFirst();
  if (!pr || pr.removed_at) return null;
  const loaded = await loadRepoConfig(deps, repositoryId);
  const settings = commentSettingsOf(loaded.config);
  const issues = closingIssueNumbers(pr.body);
  const sources = [`pr:${repositoryId}:${number}`, ...issues.map((n) => `issue:${repositoryId}:${n}`)];
  const rows = await db.selectFrom("contributions").selectAll().where("source_key", "in", sources).execute();
  // Triage only on the issues it closes, and only what happened before the merge; the rest is this pull request's.
  const contributions: CommentContribution[] = rows
    .filter((r) => r.source_key.startsWith("pr:") || (r.kind === "triage" && (!pr.merged_at || r.occurred_at <= pr.merged_at)))
    .map((r) => ({
      kind: r.kind,
      personId: r.person_id,
      personLogin: r.person_login,
      repositoryId: r.repository_id,
      repositoryPrivate: r.repository_private,
      subjectUrl: r.subject_url,
      subjectTitle: r.subject_title,
      score: r.score,
      level: r.level,
      dynamics: r.dynamics,
      formula: (r.formula ?? null) as EvidenceFormula | null,
      detail: (r.detail ?? {}) as Record<string, unknown>,
    }));
  const here = pr.html_url.replace(/[#?].*$/, "");
  const annotationRows = await db
    .selectFrom("annotations")
    .selectAll()
    .where("deleted_at", "is", null)
    // Only what was said on GitHub, in a repository of this pull request's own installation: words
    // written on the dashboard (no repository) stay in reports, and no other tenant's reach this comment.
    .where("repository_id", "is not", null)
    .where("repository_id", "in", (eb) =>
      eb
        .selectFrom("repositories as same")
        .select("same.id")
        .where("same.installation_id", "=", (eb2) => eb2.selectFrom("repositories as own").select("own.installation_id").where("own.id", "=", repositoryId)),
    )
    .where((eb) =>
      eb.or([
        eb("link", "=", here),
        // Written on this pull request's conversation.
        eb("source_url", "like", `${here.replace(/[\\%_]/g, "\\$&")}#%`),
      ]),
    )
    .execute();
  const annotations: CommentAnnotation[] = annotationRows.map((a) => ({
    kind: a.kind as CommentAnnotation["kind"],
    authorId: a.author_id,
    authorLogin: a.author_login,
    subjectPersonId: a.subject_person_id,
    subjectPersonLogin: a.subject_person_login,
    text: a.text,
    sourceUrl: a.source_url,
    repositoryId: a.repository_id,
    repositoryPrivate: a.repository_private,
    authorAssociation: a.author_association,
    createdAt: a.created_at,
  }));
  const people = [...new Set([...contributions.map((c) => c.personId), ...annotations.flatMap((a) => [a.authorId, a.subjectPersonId])])];
  const [optOuts, bots] = await Promise.all([
    db.selectFrom("opt_outs").select(["person_id", "login"]).where("opted_out", "=", true).execute(),
    people.length ? db.selectFrom("people").select("id").where("id", "in", people).where("is_bot", "=", true).execute() : Promise.resolve([]),
  ]);
  const plan = planPrComment({
    pullRequest: { repositoryId, repositoryPrivate: pr.private, number, url: pr.html_url, merged: pr.merged },
    contributions,
    annotations,
    optedOut: { ids: new Set(optOuts.map((o) => o.person_id)), logins: optOuts.map((o) => o.login) },
    botIds: new Set(bots.map((b) => b.id)),
    settings,
  });
  return { plan, body: plan ? renderPrComment(plan) : null, mergedAt: pr.merged_at, ciDaysAfter: loaded.detector.windows.ciDaysAfter };
}

export async function syncPrComment(deps: PrCommentDeps, job: PrCommentJob): Promise<PrCommentOutcome> {
  const { db } = deps;
  if (!deps.writes) return "no-client";
  const repo = await db.selectFrom("repositories").select(["owner_login", "name", "removed_at"]).where("id", "=", job.repositoryId).executeTakeFirst();
  if (!repo || repo.removed_at) return "gone";
  const gh = await deps.clients(job.installationId);
  if (!gh) return "no-client";

  const owner = randomUUID();
  if (!(await takeLease(deps, job, owner))) {
    await runLater(db, TASK.syncPrComment, job, prCommentJobKey(job.repositoryId, job.number), deps.now().getTime() + (deps.busyRetryMs ?? BUSY_RETRY_MS));
    return "busy";
  }
  let lastError: string | null = null;
  try {
    const built = await buildPrComment(deps, job.repositoryId, job.number);
    if (!built) return "gone";
    const state = await db.selectFrom("pr_comments").selectAll().where("repository_id", "=", job.repositoryId).where("pr_number", "=", job.number).executeTakeFirstOrThrow();
    const hash = bodyHash(built.body);
    const where = { owner: repo.owner_login, repo: repo.name, number: job.number };
    let outcome: PrCommentOutcome;
    if (state.status === "deleted") outcome = "unchanged";
    else if (state.status === "posted" && state.body_hash === hash) outcome = "unchanged";
    else if (built.body === null && state.status !== "posted") {
      await save(db, job, { status: "none", comment_id: null, body_hash: null });
      outcome = "none";
    } else if (state.status !== "posted" && isOld(built.mergedAt, deps.now(), deps.writes.newCommentMaxAgeDays ?? DEFAULT_NEW_COMMENT_MAX_AGE_DAYS)) {
      // History read by a backfill: old pull requests are not woken up with a new comment.
      outcome = "too-old";
    } else {
      await takeWriteSlot(db, job.installationId, deps.now(), deps.writes.spacingMs);
      outcome = await write(deps, gh, job, where, state.comment_id ?? (await findOwnComment(gh, where, deps.writes.appId)), built.body, hash);
    }
    if (built.plan?.recheck && built.mergedAt && Date.parse(built.mergedAt) + (built.ciDaysAfter + 1) * 86_400_000 > deps.now().getTime()) {
      // The flaky-test fix's CI outcome becomes measurable later: run the detectors again then (this job follows).
      await enqueue(db, TASK.detectPullRequest, { repositoryId: job.repositoryId, number: job.number }, { jobKey: `recheck-pr:${job.repositoryId}:${job.number}`, delaySeconds: RECHECK_MS / 1000, maxAttempts: 5 });
    }
    return outcome;
  } catch (err) {
    const later = err instanceof WriteLater ? err : asRateLimit(err, deps.now().getTime());
    if (!later) {
      lastError = String((err as Error)?.message ?? err).slice(0, 500);
      throw err;
    }
    if (!(err instanceof WriteLater)) await holdWrites(db, job.installationId, later.untilMs);
    lastError = later.message.slice(0, 500);
    await runLater(db, TASK.syncPrComment, job, prCommentJobKey(job.repositoryId, job.number), later.untilMs);
    return "later";
  } finally {
    await db
      .updateTable("pr_comments")
      .set({ lease_owner: null, lease_until: null, last_error: lastError })
      .where("repository_id", "=", job.repositoryId)
      .where("pr_number", "=", job.number)
      .where("lease_owner", "=", owner)
      .execute();
  }
}

function isOld(mergedAt: string | null, now: Date, maxAgeDays: number): boolean {
  return mergedAt !== null && now.getTime() - Date.parse(mergedAt) > maxAgeDays * 86_400_000;
}

async function write(
  deps: PrCommentDeps,
  gh: GitHub,
  job: PrCommentJob,
  where: { owner: string; repo: string; number: number },
  /** The comment's id: stored, or found by its marker; null when the app has none there. */
  id: number | null,
  body: string | null,
  hash: string | null,
): Promise<PrCommentOutcome> {
  if (body === null) {
    // Nothing notable any more (an item disputed away, a person who opted out): the comment goes.
    if (id !== null) await ignoreGone(gh.request("DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}", { owner: where.owner, repo: where.repo, comment_id: id }));
    await save(deps.db, job, { status: "none", comment_id: null, body_hash: null });
    return id !== null ? "deleted" : "none";
  }
  if (id !== null) {
    try {
      await gh.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", { owner: where.owner, repo: where.repo, comment_id: id, body });
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
      // Someone deleted the comment: respect that, and do not post it again.
      await save(deps.db, job, { status: "deleted", comment_id: null, body_hash: null });
      return "gone";
    }
    await save(deps.db, job, { status: "posted", comment_id: id, body_hash: hash });
    return "updated";
  }
  const res = await gh.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner: where.owner, repo: where.repo, issue_number: where.number, body });
  const created = (res.data as { id?: unknown }).id;
  if (typeof created !== "number") throw new Error("GitHub created the comment but returned no id");
  await save(deps.db, job, { status: "posted", comment_id: created, body_hash: hash });
  return "created";
}

/** The app's evidence comment on the pull request, by its marker (the app's own, not a copy someone pasted). */
async function findOwnComment(gh: GitHub, where: { owner: string; repo: string; number: number }, appId: number): Promise<number | null> {
  for (let page = 1; page <= 10; page++) {
    const res = await gh.request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", { owner: where.owner, repo: where.repo, issue_number: where.number, per_page: 100, page });
    const list: unknown[] = Array.isArray(res.data) ? res.data : [];
    const own = list.find((c) => isOwnEvidenceComment(c, appId)) as { id: number } | undefined;
    if (own) return own.id;
    if (list.length < 100) return null;
  }
  return null;
}

/**
 * A listed comment is this app's evidence comment when it starts with the marker and GitHub says
 * this app wrote it as its own bot: `performed_via_github_app.id` is the app's id and the author is
 * the Bot `<slug>[bot]`. A marker pasted by a person, another app's bot, or a person writing
 * through the app's sign-in is someone else's: it is never edited or deleted, and a comment of
 * the app's own is made beside it.
 */
export function isOwnEvidenceComment(comment: unknown, appId: number): boolean {
  const c = comment as { id?: unknown; body?: unknown; user?: { login?: unknown; type?: unknown } | null; performed_via_github_app?: { id?: unknown; slug?: unknown } | null } | null;
  if (!c || typeof c.id !== "number" || typeof c.body !== "string" || !c.body.startsWith(EVIDENCE_MARKER)) return false;
  const app = c.performed_via_github_app;
  if (!app || app.id !== appId || typeof app.slug !== "string" || app.slug === "") return false;
  return c.user?.type === "Bot" && typeof c.user.login === "string" && c.user.login.toLowerCase() === `${app.slug}[bot]`.toLowerCase();
}

async function ignoreGone(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
  }
}

async function takeLease(deps: PrCommentDeps, job: PrCommentJob, owner: string): Promise<boolean> {
  const now = deps.now();
  const until = new Date(now.getTime() + (deps.leaseMs ?? LEASE_MS)).toISOString();
  const r = await sql<{ lease_owner: string }>`
    insert into pr_comments (repository_id, pr_number, installation_id, status, lease_owner, lease_until, updated_at)
    values (${job.repositoryId}, ${job.number}, ${job.installationId}, 'none', ${owner}, ${until}::timestamptz, ${now.toISOString()}::timestamptz)
    on conflict (repository_id, pr_number) do update set lease_owner = excluded.lease_owner, lease_until = excluded.lease_until, installation_id = excluded.installation_id
      where pr_comments.lease_until is null or pr_comments.lease_until < ${now.toISOString()}::timestamptz
    returning lease_owner`.execute(deps.db);
  return r.rows[0]?.lease_owner === owner;
}

async function save(db: Kysely<DB>, job: PrCommentJob, set: { status: "none" | "posted" | "deleted"; comment_id: number | null; body_hash: string | null }): Promise<void> {
  await db
    .updateTable("pr_comments")
    .set({ ...set, updated_at: new Date().toISOString() })
    .where("repository_id", "=", job.repositoryId)
    .where("pr_number", "=", job.number)
    .execute();
}
