/**
 * A repository was renamed, transferred, made private or public: the copies of its name and
 * visibility that contributions, annotations and the review tables keep follow, so a privatized
 * repository's items leave public reports (its `repositories` row already says private) and a
 * renamed one's stay under the new name.
 */
import { sql, type Kysely } from "kysely";
import type { DB } from "../store/schema.js";
import { Counter, reviewPairs, settleReviewTables, type PurgeCounts } from "./purge-common.js";

export async function syncRepositoryCopies(db: Kysely<DB>, repositoryId: number): Promise<PurgeCounts> {
  return db.transaction().execute(async (trx) => {
    const counter = new Counter();
    const repo = await trx.selectFrom("repositories").select(["full_name", "private"]).where("id", "=", repositoryId).executeTakeFirst();
    if (!repo) return counter.counts;
    const stale = sql`c.repository_id = ${repositoryId} and (c.repository_full_name <> ${repo.full_name} or c.repository_private <> ${repo.private})`;
    const pairs = await reviewPairs(trx, stale);
    await counter.run(
      "contributions",
      trx,
      sql`update contributions c set repository_full_name = ${repo.full_name}, repository_private = ${repo.private} where ${stale}`,
    );
    await counter.run(
      "annotations",
      trx,
      sql`update annotations set repository_full_name = ${repo.full_name}, repository_private = ${repo.private}
        where repository_id = ${repositoryId} and (repository_full_name is distinct from ${repo.full_name} or repository_private <> ${repo.private})`,
    );
    // The merges (and their monthly sums) of the reviews that moved, rebuilt under the new name and visibility.
    if (pairs.length) await settleReviewTables(trx, counter, pairs, {});
    return counter.counts;
  });
}
