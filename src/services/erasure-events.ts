/**
 * Installation and repository events → the erasure schedule (src/services/erasure-schedule.ts):
 *
 * - `installation.deleted`: the tenant is erased when the grace period ends.
 * - `installation.created` for an account whose earlier installation waits for its erasure (a
 *   re-install within the grace period): that erasure is cancelled; the repositories the new
 *   installation covers move to it with their history; those it does not cover are erased when the
 *   original grace period ends, like repositories removed from an installation.
 * - `installation_repositories.removed` (and `repository.deleted`): the repository is erased when
 *   the grace period ends; added back before that, the erasure is cancelled.
 * - `repository` renamed, transferred, privatized, publicized, edited: copies of its name and
 *   visibility are brought in step (src/services/sync-repository.ts).
 */
import { sql } from "kysely";
import type { ErasureEventFollowUp } from "../github/normalise-delivery.js";
import { cancelErasures, scheduleErasure, type ErasureDeps } from "./erasure-schedule.js";
import { syncRepositoryCopies } from "./sync-repository.js";

export async function handleErasureEvent(deps: ErasureDeps, e: ErasureEventFollowUp): Promise<void> {
  const due = new Date(Date.parse(e.at) + deps.graceDays * 86_400_000).toISOString();
  switch (e.event) {
    case "installation-deleted":
      await deps.db.transaction().execute((trx) =>
        scheduleErasure(trx, { scope: "installation", subjectId: e.installationId, reason: "installation.deleted", requestedAt: e.at, dueAt: due }),
      );
      return;
    case "installation-created":
      await reinstalled(deps, e.installationId, e.at);
      return;
    case "repositories-removed":
      await deps.db.transaction().execute(async (trx) => {
        for (const id of e.repositoryIds) {
          await scheduleErasure(trx, { scope: "repository", subjectId: id, reason: "installation_repositories.removed", requestedAt: e.at, dueAt: due });
        }
      });
      return;
    case "repositories-added":
      await deps.db.transaction().execute((trx) => cancelErasures(trx, "repository", e.repositoryIds, e.at));
      return;
    case "repository-changed":
      await syncRepositoryCopies(deps.db, e.repositoryId);
      if (e.action === "deleted") {
        await deps.db.transaction().execute((trx) =>
          scheduleErasure(trx, { scope: "repository", subjectId: e.repositoryId, reason: "repository.deleted", requestedAt: e.at, dueAt: due }),
        );
      }
      return;
  }
}

async function reinstalled(deps: ErasureDeps, installationId: number, at: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom("installations").select(["account_id", "account_login"]).where("id", "=", installationId).executeTakeFirst();
    // Repositories it covers that were waiting for their erasure are kept.
    const covered = await trx.selectFrom("repositories").select("id").where("installation_id", "=", installationId).where("removed_at", "is", null).execute();
    await cancelErasures(trx, "repository", covered.map((r) => r.id), at);
    if (current?.account_id == null) return;
    const earlier = await trx
      .selectFrom("installations")
      .select("id")
      .where("account_id", "=", current.account_id)
      .where("id", "<>", installationId)
      .execute();
    for (const c of await cancelErasures(trx, "installation", earlier.map((r) => r.id), at)) {
      // What the new installation does not cover is still erased when the original grace period ends.
      const left = await trx.selectFrom("repositories").select("id").where("installation_id", "=", c.subjectId).execute();
      for (const r of left) {
        await scheduleErasure(trx, { scope: "repository", subjectId: r.id, reason: "installation.deleted", requestedAt: at, dueAt: c.dueAt });
      }
      // The organisation's history moves to the new installation; the old one's row goes.
      await sql`update deliveries set installation_id = ${installationId}
        where installation_id = ${c.subjectId} and (repository_id is null or repository_id not in (select id from repositories where installation_id = ${c.subjectId}))`.execute(trx);
      await sql`delete from installations where id = ${c.subjectId}`.execute(trx);
    }
  });
}
