/**
 * The contributions a report reads, in covered repositories only: whole rows for an evidence
 * packet, or only the columns counting needs (light, counted) for what a report tallies but never lists.
 */
import { sql, type Kysely, type Selectable } from "kysely";
import type { Contribution, ContributionKind } from "../core/model.js";
import { TEAM_DETAIL_KINDS, type Period } from "../core/report/index.js";
import type { DB } from "../store/schema.js";
import { toContribution } from "../store/upsert-contributions.js";
import type { ReportCoverage } from "./report-coverage.js";

/** What reports read of a contribution they count but do not list: no evidence or formula (the bulk of a row). */
const LIGHT_COLUMNS = [
  "key", "kind", "person_id", "person_login", "repository_full_name", "repository_private", "subject_type", "subject_title",
  "subject_url", "occurred_at", "score", "confidence", "level", "dynamics",
] as const;

type LightRow = Selectable<Pick<DB["contributions"], (typeof LIGHT_COLUMNS)[number]>> & { detail: unknown };

const NO_FORMULA = { friction: "", change: "", improvement: "", beneficiaries: [], proof: [] };

function lightContribution(r: LightRow): Contribution {
  return {
    key: r.key,
    kind: r.kind as Contribution["kind"],
    personId: r.person_id,
    personLogin: r.person_login,
    repositoryId: 0,
    repositoryFullName: r.repository_full_name,
    repositoryPrivate: r.repository_private,
    subjectType: r.subject_type,
    subjectId: "",
    subjectTitle: r.subject_title,
    subjectUrl: r.subject_url,
    occurredAt: r.occurred_at,
    score: r.score,
    confidence: r.confidence,
    level: r.level,
    dynamics: r.dynamics as Contribution["dynamics"],
    evidence: [],
    formula: NO_FORMULA,
    detail: (r.detail ?? {}) as Record<string, unknown>,
    detector: "",
    detectorVersion: 0,
  };
}

/**
 * What a team report reads of the kinds it counts but never lists (every kind but reviews and
 * TEAM_DETAIL_KINDS): who, what kind, which subject, when, where, how strong, whether a trap. The
 * rest of such a Contribution is left empty; test/services/review-tallies.test.ts holds the team
 * report from the database to the one built from whole contributions.
 */
const COUNTED_COLUMNS = ["key", "kind", "person_id", "repository_full_name", "repository_private", "subject_url", "occurred_at", "score", "dynamics"] as const;

function countedContribution(r: Selectable<Pick<DB["contributions"], (typeof COUNTED_COLUMNS)[number]>>): Contribution {
  // Built field by field: spreading a database row is several times slower, at thousands of rows.
  return {
    key: r.key,
    kind: r.kind as Contribution["kind"],
    personId: r.person_id,
    personLogin: "",
    repositoryId: 0,
    repositoryFullName: r.repository_full_name,
    repositoryPrivate: r.repository_private,
    subjectType: "",
    subjectId: "",
    subjectTitle: "",
    subjectUrl: r.subject_url,
    occurredAt: r.occurred_at,
    score: r.score,
    confidence: 0,
    level: null,
    dynamics: r.dynamics as Contribution["dynamics"],
    evidence: [],
    formula: NO_FORMULA,
    detail: {},
    detector: "",
    detectorVersion: 0,
  };
}

/**
 * These people's contributions in the period, in covered repositories. `full`: every column (an
 * evidence packet prints evidence and formulas); `light`: what counting needs (see LIGHT_COLUMNS);
 * `team`: every kind but reviews (a team report tallies those, see reviewTally), light for
 * TEAM_DETAIL_KINDS, the rest as COUNTED_COLUMNS.
 */
export async function contributionsOf(
  db: Kysely<DB>,
  personIds: number[],
  period: Period,
  coverage: ReportCoverage,
  shape: "full" | "light" | "team" = "full",
  /** Only these kinds (default: every kind the shape reads). */
  kinds: readonly ContributionKind[] | null = null,
): Promise<Contribution[]> {
  const covered = coverage.covered;
  if (!personIds.length || !covered.length) return [];
  let base = db
    .selectFrom("contributions")
    .where("person_id", "=", sql<number>`any(${[...personIds]}::bigint[])`)
    .where("occurred_at", ">=", period.from)
    .where("occurred_at", "<", period.to)
    .where("repository_full_name", "=", sql<string>`any(${covered.map((c) => c.fullName)}::text[])`)
    // The tenant's repositories by id too: a name alone could be another organisation's after a rename.
    .where("repository_id", "=", sql<number>`any(${coverage.repositoryIds}::bigint[])`);
  if (kinds) base = base.where("kind", "=", sql<string>`any(${[...kinds]}::text[])`);
  if (shape === "full") return (await base.selectAll().execute()).map((r) => toContribution(r as never));
  if (shape === "light") return (await base.select(LIGHT_COLUMNS).select("detail").execute()).map(lightContribution);
  const detailKinds = sql<string>`any(${[...TEAM_DETAIL_KINDS]}::text[])`;
  const [detailed, counted] = await Promise.all([
    // (kind <> 'review' lets the planner use the index of every kind but reviews.)
    base.where("kind", "<>", "review").where("kind", "=", detailKinds).select(LIGHT_COLUMNS).select("detail").execute(),
    kinds && kinds.every((k) => TEAM_DETAIL_KINDS.includes(k))
      ? []
      : base.where("kind", "<>", "review").where("kind", "<>", sql<string>`all(${[...TEAM_DETAIL_KINDS]}::text[])`).select(COUNTED_COLUMNS).execute(),
  ]);
  return [...detailed.map(lightContribution), ...counted.map(countedContribution)];
}
