/**
 * The issue bundle: the issue with its comments, activity, the pull requests
 * that close it, and recent other issues with who answered them first.
 */
import { sql, type Kysely } from "kysely";
import type { IssueBundle } from "../core/facts.js";
import { findRepository, People } from "./find-shared.js";
import type { DB } from "./schema.js";

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
