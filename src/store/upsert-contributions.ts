/**
 * Stores what the detectors concluded about one subject: upserts by stable
 * key and removes what the detectors no longer conclude (a review now known
 * to be by a bot, a person who opted out), so a re-run leaves exactly its output.
 */
import { sql, type Kysely, type Transaction } from "kysely";
import type { Contribution } from "../core/model.js";
import { storedSummary } from "../core/report/review-tally.js";
import { refreshReviewMerges } from "./review-merges.js";
import type { DB } from "./schema.js";
import { takeIncoming } from "./take-incoming.js";

export async function replaceContributions(db: Kysely<DB>, sourceKey: string, contributions: Contribution[], computedAt: string): Promise<void> {
  await db.transaction().execute((trx) => replaceIn(trx, sourceKey, contributions, computedAt));
}

/**
 * Reads and decides one source's contributions and stores them, one run per source at a time: a
 * transaction-scoped advisory lock on the source key is taken before `decide` reads anything, so
 * of two runs at once (a webhook's job and a recheck, a backfill and a rescore) the later one reads
 * what the earlier one wrote and its conclusions are the ones kept — never an older reading
 * written last. `decide` reads through the transaction it is given; returning null stores nothing.
 */
export async function redetectSource(
  db: Kysely<DB>,
  sourceKey: string,
  computedAt: () => string,
  decide: (trx: Kysely<DB>) => Promise<Contribution[] | null>,
): Promise<Contribution[] | null> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`contributions:${sourceKey}`}, 0))`.execute(trx);
    const out = await decide(trx);
    if (out !== null) await replaceIn(trx, sourceKey, out, computedAt());
    return out;
  });
}

async function replaceIn(trx: Transaction<DB>, sourceKey: string, contributions: Contribution[], computedAt: string): Promise<void> {
  const keys = contributions.map((c) => c.key);
  // The merged reviews to recompute afterwards: the ones this source had, and the ones it has now.
  const before = await trx
    .selectFrom("contributions")
    .select(["person_id", "match_url"])
    .where("source_key", "=", sourceKey)
    .where("kind", "=", "review")
    .execute();
  const pairs = new Map<string, { personId: number; matchUrl: string }>();
  const touch = (personId: number, matchUrl: string | null) => {
    if (matchUrl !== null) pairs.set(`${personId}\u0000${matchUrl}`, { personId, matchUrl });
  };
  for (const r of before) touch(r.person_id, r.match_url);
  let del = trx.deleteFrom("contributions").where("source_key", "=", sourceKey);
  if (keys.length) del = del.where("key", "not in", keys);
  await del.execute();
  if (contributions.length) await upsert(trx, sourceKey, contributions, computedAt, touch);
  await refreshReviewMerges(trx, [...pairs.values()]);
}

async function upsert(
  trx: Transaction<DB>,
  sourceKey: string,
  contributions: Contribution[],
  computedAt: string,
  touch: (personId: number, matchUrl: string) => void,
): Promise<void> {
  const seen = new Map<string, Contribution>();
  for (const c of contributions) seen.set(c.key, c);
  await trx
    .insertInto("contributions")
    .values(
      [...seen.values()].map((c) => {
        const summary = storedSummary(c);
        if (c.kind === "review") touch(c.personId, summary.matchUrl);
        return {
          key: c.key,
          kind: c.kind,
          person_id: c.personId,
          person_login: c.personLogin,
          repository_id: c.repositoryId,
          repository_full_name: c.repositoryFullName,
          repository_private: c.repositoryPrivate,
          subject_type: c.subjectType,
          subject_id: c.subjectId,
          subject_title: c.subjectTitle,
          subject_url: c.subjectUrl,
          occurred_at: c.occurredAt,
          score: c.score,
          confidence: c.confidence,
          level: c.level,
          dynamics: c.dynamics,
          evidence: JSON.stringify(c.evidence),
          formula: JSON.stringify(c.formula),
          detail: JSON.stringify(c.detail),
          detector: c.detector,
          detector_version: c.detectorVersion,
          source_key: sourceKey,
          computed_at: computedAt,
          match_url: summary.matchUrl,
          areas: summary.areas,
          comment_count: summary.commentCount,
          comments_led_to_change: summary.commentsLedToChange,
        };
      }),
    )
    .onConflict((oc) =>
      oc.column("key").doUpdateSet(
        // Everything a detector concluded is replaced; the subject's identity (repository, type, id) stays with the key.
        takeIncoming(
          "contributions",
          "kind", "person_id", "person_login", "repository_full_name", "repository_private", "subject_title", "subject_url", "occurred_at",
          "score", "confidence", "level", "dynamics", "evidence", "formula", "detail", "detector", "detector_version", "source_key", "computed_at",
          "match_url", "areas", "comment_count", "comments_led_to_change",
        ),
      ),
    )
    .execute();
}

/** Row → Contribution. */
export function toContribution(r: DB["contributions"] extends infer T ? { [K in keyof T]: unknown } : never): Contribution {
  return {
    key: r.key as string,
    kind: r.kind as Contribution["kind"],
    personId: r.person_id as number,
    personLogin: r.person_login as string,
    repositoryId: r.repository_id as number,
    repositoryFullName: r.repository_full_name as string,
    repositoryPrivate: r.repository_private as boolean,
    subjectType: r.subject_type as string,
    subjectId: r.subject_id as string,
    subjectTitle: r.subject_title as string,
    subjectUrl: r.subject_url as string,
    occurredAt: r.occurred_at as string,
    score: r.score as number,
    confidence: r.confidence as number,
    level: r.level as string | null,
    dynamics: r.dynamics as Contribution["dynamics"],
    evidence: r.evidence as string[],
    formula: r.formula as Contribution["formula"],
    detail: r.detail as Record<string, unknown>,
    detector: r.detector as string,
    detectorVersion: r.detector_version as number,
  };
}
