/**
 * Retention, in batches so that no statement holds locks for long:
 *
 * - Raw payloads of deliveries that are done with — processed, ignored, or
 *   parked as failed — are dropped once older than UNSUNG_PAYLOAD_RETENTION_DAYS
 *   (the delivery row and the facts it gave stay; a parked one can then no
 *   longer be reprocessed). Pending deliveries keep theirs: they are not done.
 * - Patches and comment bodies are emptied once their subject was last updated
 *   longer ago than UNSUNG_TEXT_RETENTION_DAYS: pull request file patches (of
 *   pull requests last updated before), review comments' body and diff hunk,
 *   reviews' and issue comments' bodies. Contributions already derived from
 *   them keep their evidence and scores.
 * 0 keeps them forever. Each batch is one short statement of at most `batchSize` rows.
 */
import { sql, type Kysely, type RawBuilder } from "kysely";
import type { DB } from "../store/schema.js";

export const DEFAULT_BATCH_SIZE = 1000;
/** Default of UNSUNG_TEXT_RETENTION_DAYS: two years, a review cycle and the one before it to compare with. */
export const DEFAULT_TEXT_RETENTION_DAYS = 730;

const cutoffOf = (now: Date, days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();

/** Drops the raw payloads of processed, ignored and failed deliveries older than the window; returns how many. */
export async function prunePayloads(db: Kysely<DB>, now: Date, retentionDays: number, batchSize = DEFAULT_BATCH_SIZE): Promise<number> {
  if (retentionDays <= 0) return 0;
  const cutoff = cutoffOf(now, retentionDays);
  let total = 0;
  for (;;) {
    // The partial index on received_at (payload kept) finds each batch; pruned rows leave it.
    const r = await sql<{ n: number }>`
      with batch as (
        select id from deliveries
        where payload is not null and received_at < ${cutoff} and status in ('processed', 'ignored', 'failed')
        order by received_at limit ${batchSize} for update skip locked),
      upd as (update deliveries d set payload = null from batch where d.id = batch.id returning 1)
      select count(*)::int as n from upd`.execute(db);
    const n = Number(r.rows[0]?.n ?? 0);
    total += n;
    if (n < batchSize) return total;
  }
}

export interface TextPruned {
  patches: number;
  reviewComments: number;
  reviews: number;
  issueComments: number;
}

interface KeysetTable {
  table: string;
  /** Primary key columns, walked in order. */
  key: string[];
  set: RawBuilder<unknown>;
  /** Rows to empty (alias t), given the cutoff. */
  where: (cutoff: string) => RawBuilder<unknown>;
}

const TEXT_TABLES: Record<keyof TextPruned, KeysetTable> = {
  patches: {
    table: "pull_request_files",
    key: ["repository_id", "pr_number", "path"],
    set: sql`patch = null`,
    where: (cutoff) =>
      sql`t.patch is not null and exists (select 1 from pull_requests p where p.repository_id = t.repository_id and p.number = t.pr_number and p.updated_at < ${cutoff})`,
  },
  reviewComments: {
    table: "review_comments",
    key: ["id"],
    set: sql`body = '', diff_hunk = ''`,
    where: (cutoff) => sql`(t.body <> '' or t.diff_hunk <> '') and t.updated_at < ${cutoff}`,
  },
  reviews: { table: "reviews", key: ["id"], set: sql`body = ''`, where: (cutoff) => sql`t.body <> '' and t.updated_at < ${cutoff}` },
  issueComments: { table: "issue_comments", key: ["id"], set: sql`body = ''`, where: (cutoff) => sql`t.body <> '' and t.updated_at < ${cutoff}` },
};

/**
 * Walks one table by primary key, `batchSize` rows per statement, emptying
 * the rows that match; a run reads each row once, whatever the table's size.
 */
async function pruneByKeyset(db: Kysely<DB>, spec: KeysetTable, cutoff: string, batchSize: number): Promise<number> {
  const cols = sql.raw(spec.key.join(", "));
  const table = sql.raw(spec.table);
  const match = sql.join(
    spec.key.map((k) => sql`t.${sql.ref(k)} = batch.${sql.ref(k)}`),
    sql` and `,
  );
  let last: unknown[] | null = null as unknown[] | null;
  let total = 0;
  for (;;) {
    const after: RawBuilder<unknown> = last ? sql`where (${cols}) > (${sql.join(last)})` : sql``;
    type Row = Record<string, unknown> & { seen: number; changed: number };
    const r: { rows: Row[] } = await sql<Row>`
      with batch as (select ${cols} from ${table} ${after} order by ${cols} limit ${batchSize}),
      upd as (update ${table} t set ${spec.set} from batch where ${match} and ${spec.where(cutoff)} returning 1),
      tail as (select ${cols} from batch order by ${sql.raw(spec.key.map((k) => `${k} desc`).join(", "))} limit 1)
      select (select count(*)::int from batch) as seen, (select count(*)::int from upd) as changed, tail.* from (select 1) one left join tail on true`.execute(db);
    const row: Row | undefined = r.rows[0];
    total += Number(row?.changed ?? 0);
    if (!row || Number(row.seen) < batchSize) return total;
    last = spec.key.map((k) => row[k]);
  }
}

/** Empties patches and comment bodies older than the window; returns how many rows of each. */
export async function pruneText(db: Kysely<DB>, now: Date, retentionDays: number, batchSize = DEFAULT_BATCH_SIZE): Promise<TextPruned> {
  const out: TextPruned = { patches: 0, reviewComments: 0, reviews: 0, issueComments: 0 };
  if (retentionDays <= 0) return out;
  const cutoff = cutoffOf(now, retentionDays);
  for (const name of Object.keys(TEXT_TABLES) as (keyof TextPruned)[]) out[name] = await pruneByKeyset(db, TEXT_TABLES[name], cutoff, batchSize);
  return out;
}
