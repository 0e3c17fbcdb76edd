/**
 * The pull request bundle: the pull request with its files, commits (co-author
 * trailers resolved to accounts), reviews, comments, CI runs in its window,
 * participants' histories and the issues it closes.
 */
import { sql, type Kysely } from "kysely";
import type { CommitFact, PersonHistory, PullRequestBundle } from "../core/facts.js";
import { closingIssueNumbers } from "../core/linked-issues.js";
import type { PersonRef } from "../core/model.js";
import type { ParsedTrailer } from "../core/parse-co-authors.js";
import { findCiRuns } from "./find-ci-runs.js";
import { findRepository, People } from "./find-shared.js";
import type { DB } from "./schema.js";

export interface BundleWindows {
  /** Days of CI history before the pull request was opened. */
  ciDaysBefore: number;
  /** Days of CI history after it merged. */
  ciDaysAfter: number;
}
export async function findPullRequestBundle(
  db: Kysely<DB>,
  repositoryId: number,
  number: number,
  windows: BundleWindows,
): Promise<PullRequestBundle | null> {
  const repository = await findRepository(db, repositoryId);
  const pr = await db.selectFrom("pull_requests").selectAll().where("repository_id", "=", repositoryId).where("number", "=", number).executeTakeFirst();
  if (!repository || !pr) return null;
  const people = new People(db);

  const [files, commitRows, reviews, comments, threads, issueComments] = await Promise.all([
    db.selectFrom("pull_request_files").selectAll().where("repository_id", "=", repositoryId).where("pr_number", "=", number).orderBy("path").execute(),
    db
      .selectFrom("pull_request_commits as pc")
      .innerJoin("commits as c", (j) => j.onRef("c.repository_id", "=", "pc.repository_id").onRef("c.sha", "=", "pc.sha"))
      .selectAll("c")
      .where("pc.repository_id", "=", repositoryId)
      .where("pc.pr_number", "=", number)
      .orderBy("c.authored_at")
      .execute(),
    db.selectFrom("reviews").selectAll().where("repository_id", "=", repositoryId).where("pr_number", "=", number).orderBy("submitted_at").execute(),
    db
      .selectFrom("review_comments")
      .selectAll()
      .where("repository_id", "=", repositoryId)
      .where("pr_number", "=", number)
      .where("deleted_at", "is", null)
      .orderBy("created_at")
      .execute(),
    db.selectFrom("review_threads").selectAll().where("repository_id", "=", repositoryId).where("pr_number", "=", number).execute(),
    db
      .selectFrom("issue_comments")
      .selectAll()
      .where("repository_id", "=", repositoryId)
      .where("issue_number", "=", number)
      .where("is_pull_request", "=", true)
      .where("deleted_at", "is", null)
      .orderBy("created_at")
      .execute(),
  ]);

  const threadByComment = new Map<number, { outdated: boolean | null; resolved: boolean }>();
  for (const t of threads) for (const id of t.comment_ids as unknown as number[]) threadByComment.set(id, { outdated: t.is_outdated, resolved: t.is_resolved });

  const coAuthorTrailers = commitRows.flatMap((c) => c.co_authors as unknown as ParsedTrailer[]);
  const trailerPeople = await resolveTrailers(db, coAuthorTrailers);
  await people.load([
    pr.author_id,
    pr.merged_by_id,
    ...reviews.map((r) => r.reviewer_id),
    ...comments.map((c) => c.author_id),
    ...issueComments.map((c) => c.author_id),
    ...commitRows.map((c) => c.author_id),
  ]);

  const from = new Date(new Date(pr.created_at).getTime() - windows.ciDaysBefore * 86_400_000).toISOString();
  const until = new Date(new Date(pr.merged_at ?? pr.closed_at ?? pr.updated_at).getTime() + windows.ciDaysAfter * 86_400_000).toISOString();
  const ciRuns = await findCiRuns(db, repositoryId, from, until);

  const commits: CommitFact[] = commitRows.map((c) => ({
    sha: c.sha,
    message: c.message,
    authoredAt: c.authored_at ?? pr.created_at,
    author: people.refOrNull(c.author_id),
    authorName: c.author_name,
    authorEmail: c.author_email,
    coAuthors: (c.co_authors as unknown as ParsedTrailer[]).map((t) => ({ name: t.name, email: t.email, person: trailerPeople.get(t.email) ?? null })),
  }));

  const participantIds = new Set<number>();
  for (const id of [pr.author_id, ...reviews.map((r) => r.reviewer_id), ...comments.map((c) => c.author_id), ...issueComments.map((c) => c.author_id)])
    if (id !== null) participantIds.add(id);
  for (const p of trailerPeople.values()) if (p.id !== null) participantIds.add(p.id);
  const histories = await findHistories(db, repositoryId, [...participantIds], pr.created_at, files.map((f) => f.path), people);

  return {
    repository,
    pullRequest: {
      id: pr.id,
      repositoryId,
      number: pr.number,
      title: pr.title,
      body: pr.body,
      htmlUrl: pr.html_url,
      state: pr.state === "closed" ? "closed" : "open",
      draft: pr.draft,
      merged: pr.merged,
      mergedAt: pr.merged_at,
      mergedBy: people.refOrNull(pr.merged_by_id),
      author: people.ref(pr.author_id),
      authorAssociation: pr.author_association,
      additions: pr.additions,
      deletions: pr.deletions,
      changedFiles: pr.changed_files,
      headSha: pr.head_sha,
      baseSha: pr.base_sha,
      baseRef: pr.base_ref,
      labels: pr.labels as unknown as string[],
      createdAt: pr.created_at,
      closedAt: pr.closed_at,
    },
    files: files.map((f) => ({ path: f.path, status: f.status, additions: f.additions, deletions: f.deletions, patch: f.patch })),
    commits,
    reviews: reviews.map((r) => ({
      id: r.id,
      reviewer: people.ref(r.reviewer_id),
      state: r.state,
      body: r.body,
      submittedAt: r.submitted_at ?? r.updated_at,
      commitId: r.commit_id,
      htmlUrl: r.html_url,
      authorAssociation: r.author_association,
    })),
    reviewComments: comments.map((c) => ({
      id: c.id,
      reviewId: c.review_id,
      author: people.ref(c.author_id),
      path: c.path,
      line: c.line ?? c.original_line,
      body: c.body,
      createdAt: c.created_at,
      inReplyToId: c.in_reply_to_id,
      commitId: c.commit_id,
      originalCommitId: c.original_commit_id,
      htmlUrl: c.html_url,
      outdated: threadByComment.get(c.in_reply_to_id ?? c.id)?.outdated ?? threadByComment.get(c.id)?.outdated ?? null,
      threadResolved: threadByComment.get(c.in_reply_to_id ?? c.id)?.resolved ?? threadByComment.get(c.id)?.resolved ?? null,
    })),
    issueComments: issueComments.map((c) => ({ id: c.id, author: people.ref(c.author_id), body: c.body, createdAt: c.created_at, htmlUrl: c.html_url })),
    ciRuns,
    histories,
    linkedIssues: await findLinkedIssues(db, repositoryId, pr.body),
  };
}

/** Maps co-author trailers to accounts: noreply ids, then noreply logins, then known emails. */
async function resolveTrailers(db: Kysely<DB>, trailers: ParsedTrailer[]): Promise<Map<string, PersonRef>> {
  const out = new Map<string, PersonRef>();
  if (!trailers.length) return out;
  const ids = trailers.map((t) => t.noreplyId).filter((i): i is number => i !== null);
  const logins = trailers.map((t) => t.noreplyLogin?.toLowerCase()).filter((l): l is string => !!l);
  const emails = trailers.map((t) => t.email);
  const [byId, byLogin, byEmail] = await Promise.all([
    ids.length ? db.selectFrom("people").select(["id", "login", "is_bot"]).where("id", "in", ids).execute() : [],
    logins.length ? db.selectFrom("people").select(["id", "login", "is_bot"]).where(sql`lower(login)`, "in", logins).execute() : [],
    db
      .selectFrom("person_emails as e")
      .innerJoin("people as p", "p.id", "e.person_id")
      .select(["e.email", "p.id", "p.login", "p.is_bot"])
      .where("e.email", "in", emails)
      .execute(),
  ]);
  for (const t of trailers) {
    const hit =
      (t.noreplyId !== null ? byId.find((p) => p.id === t.noreplyId) : undefined) ??
      (t.noreplyLogin ? byLogin.find((p) => p.login.toLowerCase() === t.noreplyLogin!.toLowerCase()) : undefined) ??
      byEmail.find((e) => e.email === t.email);
    if (hit) out.set(t.email, { id: hit.id, login: hit.login, isBot: hit.is_bot });
    else if (t.noreplyId !== null && t.noreplyLogin) out.set(t.email, { id: t.noreplyId, login: t.noreplyLogin, isBot: false });
  }
  return out;
}

async function findHistories(
  db: Kysely<DB>,
  repositoryId: number,
  personIds: number[],
  before: string,
  paths: string[],
  people: People,
): Promise<Record<string, PersonHistory>> {
  const out: Record<string, PersonHistory> = {};
  if (!personIds.length) return out;
  const merged = await db
    .selectFrom("pull_requests")
    .select(["author_id", sql<number>`count(*)::int`.as("n"), sql<string | null>`min(created_at)::text`.as("first")])
    .where("repository_id", "=", repositoryId)
    .where("author_id", "in", personIds)
    .where("merged", "=", true)
    .where("merged_at", "<", before)
    .groupBy("author_id")
    .execute();
  // First activity anywhere in the organisation's recorded history, before this subject:
  // someone new to this repository but long active elsewhere is not a newcomer.
  const firstActivity = await sql<{ person_id: number; first: string }>`
    select person_id, min(at)::text as first from (
      select author_id as person_id, created_at as at from pull_requests where author_id = any(${personIds}) and created_at < ${before}
      union all select reviewer_id, submitted_at from reviews where reviewer_id = any(${personIds}) and submitted_at < ${before}
      union all select author_id, created_at from review_comments where author_id = any(${personIds}) and created_at < ${before}
      union all select author_id, created_at from issue_comments where author_id = any(${personIds}) and created_at < ${before}
      union all select author_id, created_at from issues where author_id = any(${personIds}) and created_at < ${before}
    ) a group by person_id`.execute(db);
  const samePaths = paths.length
    ? await db
        .selectFrom("pull_request_files as f")
        .innerJoin("pull_requests as p", (j) => j.onRef("p.repository_id", "=", "f.repository_id").onRef("p.number", "=", "f.pr_number"))
        .select(["p.author_id", sql<number>`count(distinct p.id)::int`.as("n")])
        .where("f.repository_id", "=", repositoryId)
        .where("f.path", "in", paths.slice(0, 500))
        .where("p.author_id", "in", personIds)
        .where("p.merged", "=", true)
        .where("p.merged_at", "<", before)
        .groupBy("p.author_id")
        .execute()
    : [];
  for (const id of personIds) {
    const m = merged.find((r) => r.author_id === id);
    const f = firstActivity.rows.find((r) => r.person_id === id);
    const firsts = [m?.first, f?.first].filter((x): x is string => !!x).map((x) => new Date(x.replace(" ", "T").replace(/([+-]\d\d)$/, "$1:00")).toISOString());
    out[String(id)] = {
      person: people.ref(id),
      mergedPullRequestsBefore: m?.n ?? 0,
      firstSeenAt: firsts.sort()[0] ?? null,
      priorChangesToSamePaths: samePaths.find((r) => r.author_id === id)?.n ?? 0,
    };
  }
  return out;
}

async function findLinkedIssues(db: Kysely<DB>, repositoryId: number, body: string): Promise<PullRequestBundle["linkedIssues"]> {
  const numbers = closingIssueNumbers(body);
  if (!numbers.length) return [];
  const rows = await db.selectFrom("issues").select(["number", "title", "labels"]).where("repository_id", "=", repositoryId).where("number", "in", numbers).execute();
  return rows.map((r) => ({ number: r.number, title: r.title, labels: r.labels as unknown as string[] }));
}
