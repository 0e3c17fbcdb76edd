/**
 * The tables the scale generator fills, with their columns in row order and
 * the PostgreSQL array type each column travels as (one `unnest()` parameter
 * per column). Only the tables reports and detectors read about people's
 * work are filled; the raw inbox (deliveries), commits, files, threads and
 * pushes are left empty.
 */

/** `text[][]`: a text[] column, each value a string array (sent as array literals, see arrayLiteral). */
export type PgArrayType = "bigint[]" | "integer[]" | "text[]" | "boolean[]" | "timestamptz[]" | "jsonb[]" | "real[]" | "text[][]";

export interface TableSpec {
  columns: readonly (readonly [string, PgArrayType])[];
}

const B = "bigint[]" as const;
const I = "integer[]" as const;
const T = "text[]" as const;
const BOOL = "boolean[]" as const;
const TS = "timestamptz[]" as const;
const J = "jsonb[]" as const;
const R = "real[]" as const;
const TA = "text[][]" as const;

export const SCALE_TABLES = {
  installations: {
    columns: [
      ["id", B], ["account_id", B], ["account_login", T], ["account_type", T], ["repository_selection", T],
      ["permissions", J], ["events", J], ["suspended_at", TS], ["deleted_at", TS], ["updated_at", TS],
    ],
  },
  people: {
    columns: [["id", B], ["login", T], ["type", T], ["is_bot", BOOL], ["is_ghost", BOOL], ["name", T], ["previous_logins", J], ["seen_at", TS]],
  },
  repositories: {
    columns: [
      ["id", B], ["installation_id", B], ["owner_login", T], ["name", T], ["full_name", T], ["private", BOOL],
      ["default_branch", T], ["html_url", T], ["archived", BOOL], ["removed_at", TS], ["updated_at", TS],
    ],
  },
  repo_configs: {
    columns: [["repository_id", B], ["source", T], ["config", J], ["errors", J], ["fetched_at", TS]],
  },
  pull_requests: {
    columns: [
      ["id", B], ["repository_id", B], ["number", I], ["title", T], ["body", T], ["html_url", T], ["state", T], ["draft", BOOL],
      ["merged", BOOL], ["merged_at", TS], ["merged_by_id", B], ["author_id", B], ["author_association", T], ["additions", I],
      ["deletions", I], ["changed_files", I], ["commit_count", I], ["head_sha", T], ["head_ref", T], ["base_sha", T], ["base_ref", T],
      ["labels", J], ["created_at", TS], ["closed_at", TS], ["updated_at", TS], ["enriched_at", TS],
    ],
  },
  reviews: {
    columns: [
      ["id", B], ["repository_id", B], ["pr_number", I], ["reviewer_id", B], ["state", T], ["body", T], ["commit_id", T],
      ["html_url", T], ["author_association", T], ["submitted_at", TS], ["updated_at", TS],
    ],
  },
  review_comments: {
    columns: [
      ["id", B], ["repository_id", B], ["pr_number", I], ["review_id", B], ["author_id", B], ["path", T], ["line", I],
      ["original_line", I], ["side", T], ["diff_hunk", T], ["commit_id", T], ["original_commit_id", T], ["in_reply_to_id", B],
      ["body", T], ["html_url", T], ["author_association", T], ["created_at", TS], ["updated_at", TS], ["deleted_at", TS],
    ],
  },
  check_runs: {
    columns: [
      ["id", B], ["repository_id", B], ["name", T], ["head_sha", T], ["head_branch", T], ["status", T], ["conclusion", T],
      ["app_slug", T], ["started_at", TS], ["completed_at", TS], ["updated_at", TS],
    ],
  },
  workflow_runs: {
    columns: [
      ["id", B], ["run_attempt", I], ["repository_id", B], ["workflow_id", B], ["name", T], ["path", T], ["head_sha", T],
      ["head_branch", T], ["event", T], ["status", T], ["conclusion", T], ["run_number", I], ["actor_id", B],
      ["triggering_actor_id", B], ["run_started_at", TS], ["created_at", TS], ["updated_at", TS],
    ],
  },
  issues: {
    columns: [
      ["id", B], ["repository_id", B], ["number", I], ["title", T], ["body", T], ["html_url", T], ["state", T], ["state_reason", T],
      ["author_id", B], ["author_association", T], ["labels", J], ["created_at", TS], ["closed_at", TS], ["updated_at", TS],
    ],
  },
  issue_comments: {
    columns: [
      ["id", B], ["repository_id", B], ["issue_number", I], ["is_pull_request", BOOL], ["author_id", B], ["body", T],
      ["html_url", T], ["author_association", T], ["created_at", TS], ["updated_at", TS], ["deleted_at", TS],
    ],
  },
  contributions: {
    columns: [
      ["key", T], ["kind", T], ["person_id", B], ["person_login", T], ["repository_id", B], ["repository_full_name", T],
      ["repository_private", BOOL], ["subject_type", T], ["subject_id", T], ["subject_title", T], ["subject_url", T],
      ["occurred_at", TS], ["score", R], ["confidence", R], ["level", T], ["dynamics", T], ["evidence", J], ["formula", J],
      ["detail", J], ["detector", T], ["detector_version", I], ["source_key", T], ["computed_at", TS],
      ["match_url", T], ["areas", TA], ["comment_count", I], ["comments_led_to_change", I],
    ],
  },
  annotations: {
    columns: [
      ["id", T], ["kind", T], ["author_id", B], ["author_login", T], ["subject_person_id", B], ["subject_person_login", T],
      ["contribution_key", T], ["link", T], ["text", T], ["source_url", T], ["repository_id", B], ["repository_full_name", T],
      ["repository_private", BOOL], ["created_at", TS], ["deleted_at", TS],
    ],
  },
} as const satisfies Record<string, TableSpec>;

export type ScaleTable = keyof typeof SCALE_TABLES;
export const SCALE_TABLE_NAMES = Object.keys(SCALE_TABLES) as ScaleTable[];

/** The tables the report queries read (src/services/build-reports.ts). */
export const REPORT_TABLES: readonly ScaleTable[] = [
  "people",
  "repositories",
  "repo_configs",
  "pull_requests",
  "reviews",
  "issues",
  "issue_comments",
  "contributions",
  "annotations",
];

/**
 * `insert into t (c1, …) select … from unnest($1::type[], …)`: one array parameter per column. A
 * `text[][]` column travels as text[] of array literals (see encodeArrayColumn): unnest cannot carry
 * arrays of arrays of different lengths.
 */
export function insertSql(table: ScaleTable): string {
  const cols: readonly (readonly [string, PgArrayType])[] = SCALE_TABLES[table].columns;
  const params = cols.map(([, t], i) => `$${i + 1}::${t === "text[][]" ? "text[]" : t}`);
  const values = cols.map(([, t], i) => (t === "text[][]" ? `c${i}::text[]` : `c${i}`));
  return `insert into ${table} (${cols.map(([c]) => c).join(", ")}) select ${values.join(", ")} from unnest(${params.join(", ")}) as u(${cols.map((_, i) => `c${i}`).join(", ")})`;
}

/** Encodes one column for insertSql. */
export function encodeArrayColumn(type: PgArrayType, values: unknown[]): unknown[] {
  return type === "text[][]" ? values.map(arrayLiteral) : values;
}

/** A string array as a PostgreSQL array literal: every element quoted, `"` and `\` escaped. */
export function arrayLiteral(values: unknown): string {
  const items = Array.isArray(values) ? values : [];
  return `{${items.map((v) => `"${String(v).replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(",")}}`;
}

/**
 * The same insert with every column sent as one JSON array (`$n::json`),
 * zipped by `ROWS FROM (json_array_elements_text(…), …)`: the client
 * serialises with JSON.stringify instead of escaping array literals, and jsonb
 * values travel as JSON, not as strings inside strings.
 */
export function insertJsonSql(table: ScaleTable): string {
  const cols: readonly (readonly [string, PgArrayType])[] = SCALE_TABLES[table].columns;
  const fns = cols.map(([, t], i) => (t === "jsonb[]" ? `json_array_elements($${i + 1}::json)` : `json_array_elements_text($${i + 1}::json)`));
  // A text[][] column's values are array literals (a cast, not a subquery per row).
  const casts = cols.map(([, t], i) => `c${i}::${t === "text[][]" ? "text[]" : t.slice(0, -2)}`);
  return `insert into ${table} (${cols.map(([c]) => c).join(", ")}) select ${casts.join(", ")} from rows from (${fns.join(", ")}) as t(${cols.map((_, i) => `c${i}`).join(", ")})`;
}

/** Encodes one column for insertJsonSql: jsonb columns hold JSON text already and are spliced in as is. */
export function encodeJsonColumn(type: PgArrayType, values: unknown[]): string {
  if (type === "text[][]") return JSON.stringify(values.map(arrayLiteral));
  if (type !== "jsonb[]") return JSON.stringify(values);
  let out = "[";
  for (let i = 0; i < values.length; i++) out += (i ? "," : "") + ((values[i] as string | null) ?? "null");
  return out + "]";
}
