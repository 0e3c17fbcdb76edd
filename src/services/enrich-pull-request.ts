/**
 * Fetches what a merged pull request's webhooks do not carry: its files (with
 * patches), its commits (with co-author trailers), and its review threads
 * (resolved? outdated — did the code under the comment change afterwards?).
 * One GraphQL query for threads and commits, REST for files (GraphQL has no
 * patches). Then asks for the detectors to run again.
 */
import type { Kysely } from "kysely";
import { sql } from "kysely";
import { parseCoAuthors } from "../core/parse-co-authors.js";
import type { GitHub, GitHubClientFactory } from "../github/clients.js";
import { PULL_REQUEST_DETAILS } from "../github/queries.js";
import { enqueue, TASK } from "../queue/queue.js";
import type { DB } from "../store/schema.js";
import { takeIncoming } from "../store/take-incoming.js";

export interface EnrichDeps {
  db: Kysely<DB>;
  clients: GitHubClientFactory;
  now: () => Date;
  detectDebounceSeconds: number;
}

export interface EnrichJob {
  installationId: number;
  repositoryId: number;
  owner: string;
  repo: string;
  number: number;
}

/** Caps that keep one huge pull request from eating the rate limit. */
const MAX_FILE_PAGES = 30; // GitHub lists at most 3,000 files
const MAX_GRAPHQL_PAGES = 10;

interface ThreadNode {
  id: string;
  isResolved: boolean;
  isOutdated: boolean;
  path: string | null;
  resolvedBy: { login: string } | null;
  comments: { nodes: { databaseId: number | null }[] };
}
interface CommitNode {
  commit: {
    oid: string;
    message: string;
    authoredDate: string | null;
    author: { name: string | null; email: string | null; user: { databaseId: number | null; login: string } | null } | null;
  };
}
interface DetailsResponse {
  repository: {
    pullRequest: {
      reviewThreads: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: ThreadNode[] };
      commits: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: CommitNode[] };
    } | null;
  } | null;
}

export type EnrichOutcome = "enriched" | "no-client" | "not-found";

export async function enrichPullRequest(deps: EnrichDeps, job: EnrichJob): Promise<EnrichOutcome> {
  const gh = await deps.clients(job.installationId);
  if (!gh) return "no-client";

  const threads: ThreadNode[] = [];
  const commits: CommitNode[] = [];
  let threadCursor: string | null = null;
  let commitCursor: string | null = null;
  let moreThreads = true;
  let moreCommits = true;
  let found = false;
  for (let page = 0; page < MAX_GRAPHQL_PAGES && (moreThreads || moreCommits); page++) {
    const data: DetailsResponse | null = await graphqlOrNull(gh, {
      owner: job.owner,
      name: job.repo,
      number: job.number,
      threads: threadCursor,
      commits: commitCursor,
    });
    const pr = data?.repository?.pullRequest;
    if (!pr) break;
    found = true;
    // A connection that has been read to its end stays finished: later pages only advance the other one.
    if (moreThreads) {
      threads.push(...validThreads(pr.reviewThreads?.nodes));
      moreThreads = pr.reviewThreads?.pageInfo?.hasNextPage === true && typeof pr.reviewThreads.pageInfo.endCursor === "string";
      threadCursor = pr.reviewThreads?.pageInfo?.endCursor ?? threadCursor;
    }
    if (moreCommits) {
      commits.push(...validCommits(pr.commits?.nodes));
      moreCommits = pr.commits?.pageInfo?.hasNextPage === true && typeof pr.commits.pageInfo.endCursor === "string";
      commitCursor = pr.commits?.pageInfo?.endCursor ?? commitCursor;
    }
  }

  const files: FileEntry[] = [];
  for (let page = 1; page <= MAX_FILE_PAGES; page++) {
    const res = await restOrNull(gh, `GET /repos/{owner}/{repo}/pulls/{pull_number}/files`, {
      owner: job.owner,
      repo: job.repo,
      pull_number: job.number,
      per_page: 100,
      page,
    });
    if (!Array.isArray(res)) break;
    found = true;
    files.push(...validFiles(res));
    if (res.length < 100) break;
  }
  if (!found) return "not-found";

  const now = deps.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    if (files.length) {
      await trx.deleteFrom("pull_request_files").where("repository_id", "=", job.repositoryId).where("pr_number", "=", job.number).execute();
      for (const chunk of chunks(files, 500)) {
        await trx
          .insertInto("pull_request_files")
          .values(
            dedupe(chunk, (f) => f.filename).map((f) => ({
              repository_id: job.repositoryId,
              pr_number: job.number,
              path: f.filename.slice(0, 4096),
              status: typeof f.status === "string" ? f.status.slice(0, 40) : "modified",
              additions: count(f.additions),
              deletions: count(f.deletions),
              // Patches are kept for the detectors; cap each one so a generated file cannot bloat the store.
              patch: typeof f.patch === "string" ? f.patch.slice(0, 200_000) : null,
            })),
          )
          .onConflict((oc) => oc.columns(["repository_id", "pr_number", "path"]).doNothing())
          .execute();
      }
    }
    for (const c of dedupe(commits, (c) => c.commit.oid)) {
      const user = c.commit.author?.user ?? null;
      const email = (c.commit.author?.email ?? "").toLowerCase();
      await trx
        .insertInto("commits")
        .values({
          repository_id: job.repositoryId,
          sha: c.commit.oid,
          message: c.commit.message,
          authored_at: c.commit.authoredDate,
          author_id: user?.databaseId ?? null,
          author_name: c.commit.author?.name ?? "",
          author_email: email,
          co_authors: JSON.stringify(parseCoAuthors(c.commit.message)),
        })
        .onConflict((oc) =>
          oc.columns(["repository_id", "sha"]).doUpdateSet({
            author_id: sql`coalesce(excluded.author_id, commits.author_id)`,
            authored_at: sql`coalesce(excluded.authored_at, commits.authored_at)`,
          }),
        )
        .execute();
      await trx
        .insertInto("pull_request_commits")
        .values({ repository_id: job.repositoryId, pr_number: job.number, sha: c.commit.oid })
        .onConflict((oc) => oc.doNothing())
        .execute();
      if (user?.databaseId && email && !email.endsWith("@users.noreply.github.com")) {
        await trx
          .insertInto("person_emails")
          .values({ email, person_id: user.databaseId, seen_at: now })
          .onConflict((oc) => oc.column("email").doUpdateSet({ person_id: sql`excluded.person_id`, seen_at: sql`excluded.seen_at` }))
          .execute();
      }
    }
    for (const t of dedupe(threads, (t) => t.id)) {
      await trx
        .insertInto("review_threads")
        .values({
          node_id: t.id,
          repository_id: job.repositoryId,
          pr_number: job.number,
          path: t.path,
          is_resolved: t.isResolved,
          is_outdated: t.isOutdated,
          resolved_by_login: t.resolvedBy?.login ?? null,
          comment_ids: JSON.stringify(t.comments.nodes.map((n) => n.databaseId).filter((id): id is number => typeof id === "number")),
          updated_at: now,
        })
        .onConflict((oc) =>
          oc.column("node_id").doUpdateSet({
            ...takeIncoming("review_threads", "is_resolved", "is_outdated", "resolved_by_login", "comment_ids", "updated_at"),
            path: sql`coalesce(excluded.path, review_threads.path)`,
          }),
        )
        .execute();
    }
    await trx
      .updateTable("pull_requests")
      .set({ enriched_at: now })
      .where("repository_id", "=", job.repositoryId)
      .where("number", "=", job.number)
      .execute();
    await enqueue(trx, TASK.detectPullRequest, { repositoryId: job.repositoryId, number: job.number }, {
      jobKey: `detect-pr:${job.repositoryId}:${job.number}`,
      delaySeconds: deps.detectDebounceSeconds,
      maxAttempts: 5,
    });
  });
  return "enriched";
}

async function graphqlOrNull(gh: GitHub, variables: Record<string, unknown>): Promise<DetailsResponse | null> {
  try {
    return await gh.graphql<DetailsResponse>(PULL_REQUEST_DETAILS, variables);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

async function restOrNull(gh: GitHub, route: string, params: Record<string, unknown>): Promise<unknown> {
  try {
    return (await gh.request(route, params)).data;
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

interface FileEntry {
  filename: string;
  status?: unknown;
  additions?: unknown;
  deletions?: unknown;
  patch?: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
// eslint-disable-next-line no-control-regex
const noNul = (s: string) => s.replace(/\u0000/g, "");

/** The API is input from outside too: entries without a file name are skipped, not stored as "undefined". */
function validFiles(rows: unknown[]): FileEntry[] {
  const out: FileEntry[] = [];
  for (const f of rows) {
    if (!isRecord(f) || typeof f.filename !== "string" || !f.filename) continue;
    out.push({ ...f, filename: noNul(f.filename), patch: typeof f.patch === "string" ? noNul(f.patch) : undefined });
  }
  return out;
}

function validThreads(nodes: unknown): ThreadNode[] {
  if (!Array.isArray(nodes)) return [];
  const out: ThreadNode[] = [];
  for (const t of nodes) {
    if (!isRecord(t) || typeof t.id !== "string" || !t.id) continue;
    const comments = isRecord(t.comments) && Array.isArray(t.comments.nodes) ? t.comments.nodes : [];
    out.push({
      id: t.id,
      isResolved: t.isResolved === true,
      isOutdated: t.isOutdated === true,
      path: typeof t.path === "string" ? noNul(t.path).slice(0, 4096) : null,
      resolvedBy: isRecord(t.resolvedBy) && typeof t.resolvedBy.login === "string" ? { login: t.resolvedBy.login } : null,
      comments: { nodes: comments.map((c) => ({ databaseId: isRecord(c) && Number.isSafeInteger(c.databaseId) ? (c.databaseId as number) : null })) },
    });
  }
  return out;
}

function validCommits(nodes: unknown): CommitNode[] {
  if (!Array.isArray(nodes)) return [];
  const out: CommitNode[] = [];
  for (const n of nodes) {
    const c = isRecord(n) && isRecord(n.commit) ? n.commit : null;
    if (!c || typeof c.oid !== "string" || !/^[0-9a-f]{7,64}$/i.test(c.oid)) continue;
    const a = isRecord(c.author) ? c.author : null;
    const u = a && isRecord(a.user) ? a.user : null;
    const authored = typeof c.authoredDate === "string" && !Number.isNaN(Date.parse(c.authoredDate)) ? c.authoredDate : null;
    out.push({
      commit: {
        oid: c.oid,
        message: typeof c.message === "string" ? noNul(c.message) : "",
        authoredDate: authored,
        author: a
          ? {
              name: typeof a.name === "string" ? noNul(a.name) : null,
              email: typeof a.email === "string" ? noNul(a.email) : null,
              user: u && typeof u.login === "string" ? { login: u.login, databaseId: Number.isSafeInteger(u.databaseId) ? (u.databaseId as number) : null } : null,
            }
          : null,
      },
    });
  }
  return out;
}

/** A line count for an int4 column: anything that is not a sane non-negative integer is 0. */
function count(v: unknown): number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 2_147_483_647 ? v : 0;
}

function isNotFound(err: unknown): boolean {
  const e = err as { status?: number; errors?: { type?: string }[] };
  return e?.status === 404 || e?.status === 410 || (Array.isArray(e?.errors) && e.errors.some((x) => x?.type === "NOT_FOUND"));
}

function dedupe<T>(rows: T[], key: (r: T) => string): T[] {
  const m = new Map<string, T>();
  for (const r of rows) m.set(key(r), r);
  return [...m.values()];
}

function* chunks<T>(rows: T[], size: number): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}
