/**
 * Reads everything the detectors need about one subject into a fact bundle
 * (src/core/facts.ts). The only place that knows how facts are joined.
 */
import { sql, type Kysely, type Selectable } from "kysely";
import type {
  CiRunFact,
  CommitFact,
  FlakyFixRef,
  IssueBundle,
  PersonHistory,
  PullRequestBundle,
  RepositoryFact,
  WorkflowRerunBundle,
} from "../core/facts.js";
import { monthRange, RERUN_FIX_HORIZON_DAYS, RERUN_LOOKBACK_DAYS } from "../core/detect/detect-reruns.js";
import { closingIssueNumbers } from "../core/linked-issues.js";
import type { PersonRef } from "../core/model.js";
import type { ParsedTrailer } from "../core/parse-co-authors.js";
import type { DB } from "./schema.js";

export interface BundleWindows {
  /** Days of CI history before the pull request was opened. */
  ciDaysBefore: number;
  /** Days of CI history after it merged. */
  ciDaysAfter: number;
}

type PersonRow = { id: number; login: string; is_bot: boolean };

class People {
  private byId = new Map<number, PersonRef>();
  constructor(private db: Kysely<DB>) {}
  async load(ids: Iterable<number | null>): Promise<void> {
    const want = [...new Set([...ids].filter((i): i is number => i !== null && !this.byId.has(i)))];
    if (!want.length) return;
    const rows: PersonRow[] = await this.db.selectFrom("people").select(["id", "login", "is_bot"]).where("id", "in", want).execute();
    for (const r of rows) this.byId.set(r.id, { id: r.id, login: r.login, isBot: r.is_bot });
  }
  ref(id: number | null): PersonRef {
    if (id === null) return { id: null, login: "ghost", isBot: false };
    return this.byId.get(id) ?? { id, login: `user-${id}`, isBot: false };
  }
  refOrNull(id: number | null): PersonRef | null {
    return id === null ? null : this.ref(id);
  }
}

async function findRepository(db: Kysely<DB>, repositoryId: number): Promise<RepositoryFact | null> {
  const r = await db.selectFrom("repositories").selectAll().where("id", "=", repositoryId).executeTakeFirst();
  if (!r) return null;
  return { id: r.id, fullName: r.full_name, private: r.private, defaultBranch: r.default_branch, htmlUrl: r.html_url };
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

/** Completed CI attempts (check runs and workflow runs) in a window, oldest first. */
export async function findCiRuns(db: Kysely<DB>, repositoryId: number, from: string, until: string, limit = 20_000): Promise<CiRunFact[]> {
  const [checks, workflows] = await Promise.all([
    db
      .selectFrom("check_runs")
      .select(["id", "name", "head_sha", "head_branch", "conclusion", "started_at", "completed_at"])
      .where("repository_id", "=", repositoryId)
      .where("status", "=", "completed")
      .where("started_at", ">=", from)
      .where("started_at", "<", until)
      .orderBy("started_at")
      .limit(limit)
      .execute(),
    db
      .selectFrom("workflow_runs")
      .select(WORKFLOW_RUN_COLUMNS)
      .where("repository_id", "=", repositoryId)
      .where("status", "=", "completed")
      .where("created_at", ">=", from)
      .where("created_at", "<", until)
      .orderBy("created_at")
      .limit(limit)
      .execute(),
  ]);
  // A check run has no attempt number: reruns are new check runs with the same name and sha.
  const attempts = new Map<string, number>();
  const runs: CiRunFact[] = checks.map((c) => {
    const k = `${c.name}\u0000${c.head_sha}`;
    const attempt = (attempts.get(k) ?? 0) + 1;
    attempts.set(k, attempt);
    return {
      source: "check_run",
      id: c.id,
      name: c.name,
      headSha: c.head_sha,
      headBranch: c.head_branch,
      conclusion: c.conclusion,
      attempt,
      startedAt: c.started_at,
      completedAt: c.completed_at,
      event: null,
    };
  });
  const people = new People(db);
  await people.load(workflows.map((w) => w.triggering_actor_id));
  for (const w of workflows) runs.push(workflowRunFact(w, people));
  return runs.sort((a, b) => (a.startedAt ?? "").localeCompare(b.startedAt ?? ""));
}

const WORKFLOW_RUN_COLUMNS = [
  "id",
  "run_attempt",
  "name",
  "path",
  "head_sha",
  "head_branch",
  "conclusion",
  "run_started_at",
  "created_at",
  "updated_at",
  "event",
  "triggering_actor_id",
] as const;

type WorkflowRunRow = Pick<Selectable<DB["workflow_runs"]>, (typeof WORKFLOW_RUN_COLUMNS)[number]>;

function workflowRunFact(w: WorkflowRunRow, people: People): CiRunFact {
  return {
    source: "workflow_run",
    id: w.id,
    name: w.name,
    headSha: w.head_sha,
    headBranch: w.head_branch,
    conclusion: w.conclusion,
    attempt: w.run_attempt,
    // A re-run keeps its run's original created_at: without a start time, its completion is closer.
    startedAt: w.run_started_at ?? (w.run_attempt > 1 ? w.updated_at : w.created_at),
    completedAt: w.updated_at,
    event: w.event,
    triggeringActor: people.refOrNull(w.triggering_actor_id),
  };
}

/**
 * One workflow of one repository over one calendar month (UTC, "YYYY-MM"), for the manual
 * re-run detector: every completed attempt of the runs that could be re-run in the month (runs
 * created in it or up to RERUN_LOOKBACK_DAYS before), with triggering actors resolved to people,
 * and the flaky-test fixes of the workflow (or of one of its jobs, see findJobChecks) merged within
 * RERUN_FIX_HORIZON_DAYS of the month.
 */
export async function findWorkflowRerunBundle(db: Kysely<DB>, repositoryId: number, workflow: string, month: string, limit = 50_000): Promise<WorkflowRerunBundle | null> {
  const range = monthRange(month);
  if (!range) return null;
  const repository = await findRepository(db, repositoryId);
  if (!repository) return null;
  const from = Date.parse(range.from);
  const until = Date.parse(range.until);
  const iso = (t: number) => new Date(t).toISOString();
  const rows = await db
    .selectFrom("workflow_runs")
    .select(WORKFLOW_RUN_COLUMNS)
    .where("repository_id", "=", repositoryId)
    .where("name", "=", workflow)
    .where("status", "=", "completed")
    .where("created_at", ">=", iso(from - RERUN_LOOKBACK_DAYS * 86_400_000))
    .where("created_at", "<", range.until)
    .orderBy("created_at")
    .orderBy("id")
    .orderBy("run_attempt")
    .limit(limit)
    .execute();
  const facts = rows.map((r) => ({ row: r, at: Date.parse(r.run_started_at ?? (r.run_attempt > 1 ? r.updated_at : r.created_at)) }));
  const rerunShas = [...new Set(facts.filter((f) => f.row.run_attempt > 1 && f.at >= from && f.at < until).map((f) => f.row.head_sha))].slice(0, 1000);
  const jobChecks = await findJobChecks(db, repositoryId, workflow, rerunShas);
  const checkNames = [workflow, ...jobChecks].map((n) => n.toLowerCase());
  const fixRows = await db
    .selectFrom("contributions")
    .select(["subject_title", "subject_url", "person_login", "occurred_at", sql<string>`detail->>'check'`.as("check")])
    .where("kind", "=", "flaky-fix")
    .where("repository_id", "=", repositoryId)
    .where(sql<string>`lower(detail->>'check')`, "in", checkNames)
    .where("occurred_at", ">=", iso(from - RERUN_FIX_HORIZON_DAYS * 86_400_000))
    .where("occurred_at", "<", iso(until + RERUN_FIX_HORIZON_DAYS * 86_400_000))
    .orderBy("occurred_at")
    .orderBy("key")
    .execute();
  const people = new People(db);
  await people.load(rows.map((r) => r.triggering_actor_id));
  const fixes: FlakyFixRef[] = [];
  const seen = new Set<string>();
  for (const f of fixRows) {
    if (seen.has(f.subject_url)) continue;
    seen.add(f.subject_url);
    fixes.push({ check: f.check, title: f.subject_title, url: f.subject_url, authorLogin: f.person_login, mergedAt: f.occurred_at });
  }
  const path = [...rows].reverse().find((r) => r.path)?.path ?? null;
  return { repository, workflow, workflowPath: path, month, runs: rows.map((r) => workflowRunFact(r, people)), jobChecks, fixes };
}

/**
 * The GitHub Actions checks that are jobs of `workflow`: on the commits where the workflow was
 * re-run, they ran again too (a re-run re-creates the check runs of the jobs it re-runs). Named
 * when they ran at least twice on at least half of those commits. The store keeps no link from a
 * check run to its workflow run, so this is read from when and where they ran.
 */
async function findJobChecks(db: Kysely<DB>, repositoryId: number, workflow: string, rerunShas: string[]): Promise<string[]> {
  if (rerunShas.length === 0) return [];
  const rows = await db
    .selectFrom("check_runs")
    .select(["name", "head_sha", sql<number>`count(*)::int`.as("n")])
    .where("repository_id", "=", repositoryId)
    .where("head_sha", "in", rerunShas)
    .where("status", "=", "completed")
    .where((eb) => eb.or([eb("app_slug", "=", "github-actions"), eb("app_slug", "is", null)]))
    .groupBy(["name", "head_sha"])
    .execute();
  const rerunOn = new Map<string, number>();
  for (const r of rows) if (r.n >= 2) rerunOn.set(r.name, (rerunOn.get(r.name) ?? 0) + 1);
  return [...rerunOn]
    .filter(([name, commits]) => name.toLowerCase() !== workflow.toLowerCase() && commits * 2 >= rerunShas.length)
    .map(([name]) => name)
    .sort();
}

/**
 * The (workflow, month) pairs of a repository's manual re-runs: attempts ≥ 2 of completed workflow
 * runs, by when the attempt ran (UTC months). `since`/`until` bound when the attempt was last updated.
 */
export async function findRerunMonths(
  db: Kysely<DB>,
  filter: { repositoryId?: number; workflow?: string; since?: string | null; until?: string | null } = {},
): Promise<{ repositoryId: number; workflow: string; month: string }[]> {
  let q = db
    .selectFrom("workflow_runs")
    .select([
      "repository_id",
      "name",
      sql<string>`to_char(coalesce(run_started_at, updated_at) at time zone 'UTC', 'YYYY-MM')`.as("month"),
    ])
    .distinct()
    .where("run_attempt", ">", 1)
    .where("status", "=", "completed")
    .where("triggering_actor_id", "is not", null);
  if (filter.repositoryId !== undefined) q = q.where("repository_id", "=", filter.repositoryId);
  if (filter.workflow !== undefined) q = q.where("name", "=", filter.workflow);
  if (filter.since) q = q.where("updated_at", ">=", filter.since);
  if (filter.until) q = q.where("updated_at", "<", filter.until);
  const rows = await q.orderBy("repository_id").orderBy("name").orderBy("month").execute();
  return rows.map((r) => ({ repositoryId: r.repository_id, workflow: r.name, month: r.month }));
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

export async function findIssueBundle(db: Kysely<DB>, repositoryId: number, number: number, recentDays = 90): Promise<IssueBundle | null> {
  const repository = await findRepository(db, repositoryId);
  const issue = await db.selectFrom("issues").selectAll().where("repository_id", "=", repositoryId).where("number", "=", number).executeTakeFirst();
  if (!repository || !issue) return null;
  const people = new People(db);
  const [comments, activity, linked] = await Promise.all([
    db
      .selectFrom("issue_comments")
      .selectAll()
      .where("repository_id", "=", repositoryId)
      .where("issue_number", "=", number)
      .where("is_pull_request", "=", false)
      .where("deleted_at", "is", null)
      .orderBy("created_at")
      .execute(),
    db.selectFrom("issue_activity").selectAll().where("repository_id", "=", repositoryId).where("issue_number", "=", number).orderBy("at").execute(),
    db
      .selectFrom("pull_requests")
      .select(["number", "author_id", "merged_at", "created_at", "body"])
      .where("repository_id", "=", repositoryId)
      // \m: the keyword starts a word, as \b does in closingIssueNumbers ("prefix #12" links nothing).
      .where(sql<boolean>`body ~* ${`\\m(close[sd]?|fix(e[sd])?|resolve[sd]?)\\s*:?\\s+#${number}\\M`}`)
      .limit(20)
      .execute(),
  ]);
  // Other issues opened recently and who answered them first: the raw material for "the same question again and again".
  const since = new Date(new Date(issue.created_at).getTime() - recentDays * 86_400_000).toISOString();
  const similarRows = await db
    .selectFrom("issues as i")
    .leftJoin("issue_comments as c", (j) =>
      j.onRef("c.repository_id", "=", "i.repository_id").onRef("c.issue_number", "=", "i.number").on("c.is_pull_request", "=", false),
    )
    .select(["i.number", "i.title", "i.created_at", "i.author_id", "c.author_id as answerer"])
    .where("i.repository_id", "=", repositoryId)
    .where("i.number", "<>", number)
    .where("i.created_at", ">=", since)
    .where("i.created_at", "<=", issue.updated_at)
    .limit(2_000)
    .execute();
  await people.load([
    issue.author_id,
    ...comments.map((c) => c.author_id),
    ...activity.map((a) => a.actor_id),
    ...linked.map((l) => l.author_id),
    ...similarRows.map((r) => r.answerer),
  ]);
  const similar = new Map<number, IssueBundle["recentSimilar"][number]>();
  for (const r of similarRows) {
    const s = similar.get(r.number) ?? { number: r.number, title: r.title, createdAt: r.created_at, answeredBy: [] };
    if (r.answerer !== null && r.answerer !== r.author_id && !s.answeredBy.some((p) => p.id === r.answerer)) s.answeredBy.push(people.ref(r.answerer));
    similar.set(r.number, s);
  }
  return {
    repository,
    issue: {
      id: issue.id,
      repositoryId,
      number: issue.number,
      title: issue.title,
      body: issue.body,
      htmlUrl: issue.html_url,
      state: issue.state === "closed" ? "closed" : "open",
      stateReason: issue.state_reason,
      author: people.ref(issue.author_id),
      authorAssociation: issue.author_association,
      labels: issue.labels as unknown as string[],
      createdAt: issue.created_at,
      closedAt: issue.closed_at,
      reopenedCount: activity.filter((a) => a.action === "reopened").length,
    },
    comments: comments.map((c) => ({ id: c.id, author: people.ref(c.author_id), body: c.body, createdAt: c.created_at, htmlUrl: c.html_url })),
    activity: activity.map((a) => ({
      actor: people.ref(a.actor_id),
      action: a.action,
      at: a.at,
      bodyBefore: a.body_before,
      bodyAfter: a.body_after,
      titleBefore: a.title_before,
      label: a.label,
    })),
    linkedPullRequests: linked.map((l) => ({ number: l.number, author: people.ref(l.author_id), mergedAt: l.merged_at, createdAt: l.created_at })),
    recentSimilar: [...similar.values()],
  };
}
