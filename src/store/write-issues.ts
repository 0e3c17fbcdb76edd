/** Issues, issue activity (webhook and backfill copies of one event kept once) and issue comments. */
import { sql } from "kysely";
import { BACKFILL_ACTIVITY_PREFIX } from "../core/backfill/activity-ids.js";
import type { FactBatch } from "../github/normalise-delivery.js";
import { takeIncoming } from "./take-incoming.js";
import { eb_excluded, json, lastByKey, type Tx } from "./write-shared.js";

export async function writeIssues(db: Tx, b: FactBatch): Promise<void> {
  if (b.issues.length) {
    await db
      .insertInto("issues")
      .values(
        lastByKey(b.issues, (r) => `${r.repositoryId}/${r.number}`).map((r) => ({
          id: r.id,
          repository_id: r.repositoryId,
          number: r.number,
          title: r.title,
          body: r.body,
          html_url: r.htmlUrl,
          state: r.state,
          state_reason: r.stateReason,
          author_id: r.authorId,
          author_association: r.authorAssociation,
          labels: json(r.labels),
          created_at: r.createdAt,
          closed_at: r.closedAt,
          updated_at: r.updatedAt,
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(["repository_id", "number"])
          .doUpdateSet({
            ...takeIncoming("issues", "id", "title", "body", "html_url", "state", "state_reason", "labels", "closed_at", "updated_at"),
            author_id: sql`coalesce(excluded.author_id, issues.author_id)`,
          })
          .where("issues.updated_at", "<=", eb_excluded("updated_at")),
      )
      .execute();
  }

  if (b.issueActivity.length) await writeIssueActivity(db, b.issueActivity);

  if (b.issueComments.length) {
    await db
      .insertInto("issue_comments")
      .values(
        lastByKey(b.issueComments, (r) => r.id).map((r) => ({
          id: r.id,
          repository_id: r.repositoryId,
          issue_number: r.issueNumber,
          is_pull_request: r.isPullRequest,
          author_id: r.authorId,
          body: r.body,
          html_url: r.htmlUrl,
          author_association: r.authorAssociation,
          created_at: r.createdAt,
          updated_at: r.updatedAt,
          deleted_at: r.deletedAt,
        })),
      )
      .onConflict((oc) =>
        oc
          .column("id")
          .doUpdateSet({
            ...takeIncoming("issue_comments", "body", "updated_at"),
            deleted_at: sql`coalesce(issue_comments.deleted_at, excluded.deleted_at)`,
          })
          .where("issue_comments.updated_at", "<=", eb_excluded("updated_at")),
      )
      .execute();
  }
}

/**
 * Where activity written by a backfill (delivery ids "backfill:<event node id>") and activity
 * from webhooks describe the same event (same issue, action, actor and label, at about the same
 * time: a webhook dates it by the issue's updated_at, the API by the event), one row is kept —
 * the webhook's, which carries the exact before/after text. So a backfill and live webhooks for
 * the same issue agree, in whichever order they land.
 */
const SAME_EVENT_SECONDS = 120;

async function writeIssueActivity(db: Tx, rows: FactBatch["issueActivity"]): Promise<void> {
  const values = lastByKey(rows, (r) => r.deliveryId).map((r) => ({
    delivery_id: r.deliveryId,
    repository_id: r.repositoryId,
    issue_number: r.issueNumber,
    actor_id: r.actorId,
    action: r.action,
    body_before: r.bodyBefore,
    body_after: r.bodyAfter,
    title_before: r.titleBefore,
    label: r.label,
    at: r.at,
  }));
  const fromWebhooks = values.filter((v) => !v.delivery_id.startsWith(BACKFILL_ACTIVITY_PREFIX));
  const fromBackfill = values.filter((v) => v.delivery_id.startsWith(BACKFILL_ACTIVITY_PREFIX));
  const sameEvent = (a: string, b: string) => sql<boolean>`
    ${sql.ref(a)}.repository_id = ${sql.ref(b)}.repository_id and ${sql.ref(a)}.issue_number = ${sql.ref(b)}.issue_number
    and ${sql.ref(a)}.action = ${sql.ref(b)}.action and ${sql.ref(a)}.actor_id is not distinct from ${sql.ref(b)}.actor_id
    and ${sql.ref(a)}.label is not distinct from ${sql.ref(b)}.label
    and abs(extract(epoch from ${sql.ref(a)}.at - ${sql.ref(b)}.at)) <= ${SAME_EVENT_SECONDS}`;
  if (fromWebhooks.length) {
    await db.insertInto("issue_activity").values(fromWebhooks).onConflict((oc) => oc.column("delivery_id").doNothing()).execute();
    // A backfill got there first: its copy of the same event gives way.
    await sql`
      delete from issue_activity b using issue_activity w
      where b.delivery_id like ${BACKFILL_ACTIVITY_PREFIX + "%"} and w.delivery_id = any(${fromWebhooks.map((v) => v.delivery_id)}::text[])
        and ${sameEvent("b", "w")}`.execute(db);
  }
  if (fromBackfill.length) {
    await sql`
      insert into issue_activity (delivery_id, repository_id, issue_number, actor_id, action, body_before, body_after, title_before, label, at)
      select v.delivery_id, v.repository_id, v.issue_number, v.actor_id, v.action, v.body_before, v.body_after, v.title_before, v.label, v.at
      from jsonb_to_recordset(${json(fromBackfill)}::jsonb) as v(delivery_id text, repository_id bigint, issue_number integer, actor_id bigint,
        action text, body_before text, body_after text, title_before text, label text, at timestamptz)
      where not exists (select 1 from issue_activity w where w.delivery_id not like ${BACKFILL_ACTIVITY_PREFIX + "%"} and ${sameEvent("w", "v")})
      on conflict (delivery_id) do nothing`.execute(db);
  }
}
