/**
 * Reports: read the rows a report needs, call the pure builders, return the
 * model. Privacy is decided here first (which repositories the reader may
 * see) and enforced again by the builders.
 */
import { sql, type Kysely, type Selectable } from "kysely";
import { mergeConfigs, reportSettingsOf, rubricOf, type UnsungConfig } from "../config/repo-config.js";
import type { Annotation, Contribution, ContributionKind } from "../core/model.js";
import {
  buildPersonReport,
  buildTeamReport,
  previousPeriod,
  TEAM_DETAIL_KINDS,
  type CoveredRepository,
  type Period,
  type PersonReport,
  type TeamReport,
} from "../core/report/index.js";
import type { DB } from "../store/schema.js";
import { periodCounts, reviewTally } from "../store/review-tallies.js";
import { toContribution } from "../store/upsert-contributions.js";

/** Who will read the report: decides which private repositories it may cover. */
export type Audience = { kind: "public" } | { kind: "all" } | { kind: "reader"; login: string } | { kind: "repos"; fullNames: string[] };

export class ReportError extends Error {
  override name = "ReportError";
}

export async function coveredRepositories(db: Kysely<DB>, audience: Audience): Promise<CoveredRepository[]> {
  const repos = await db.selectFrom("repositories").select(["id", "full_name", "private"]).where("removed_at", "is", null).orderBy("full_name").execute();
  let allowedPrivate: (r: { id: number; full_name: string }) => boolean = () => false;
  if (audience.kind === "all") allowedPrivate = () => true;
  if (audience.kind === "repos") {
    const want = new Set(audience.fullNames.map((n) => n.toLowerCase()));
    const unknown = audience.fullNames.filter((n) => !repos.some((r) => r.full_name.toLowerCase() === n.toLowerCase()));
    if (unknown.length) throw new ReportError(`unknown repositories: ${unknown.join(", ")}`);
    allowedPrivate = (r) => want.has(r.full_name.toLowerCase());
    return repos.filter((r) => want.has(r.full_name.toLowerCase())).map((r) => ({ fullName: r.full_name, private: r.private }));
  }
  if (audience.kind === "reader") {
    const person = await findPerson(db, audience.login);
    // Activity in a private repository shows the reader has access to it.
    const active = await sql<{ repository_id: number }>`
      select distinct repository_id from pull_requests where author_id = ${person.id}
      union select distinct repository_id from reviews where reviewer_id = ${person.id}
      union select distinct repository_id from issue_comments where author_id = ${person.id}
      union select distinct repository_id from issues where author_id = ${person.id}`.execute(db);
    const ids = new Set(active.rows.map((r) => r.repository_id));
    allowedPrivate = (r) => ids.has(r.id);
  }
  return repos.filter((r) => !r.private || allowedPrivate(r)).map((r) => ({ fullName: r.full_name, private: r.private }));
}

export async function findPerson(db: Kysely<DB>, login: string): Promise<{ id: number; login: string; name: string | null }> {
  const l = login.replace(/^@/, "").toLowerCase();
  const p =
    (await db.selectFrom("people").select(["id", "login", "name"]).where(sql`lower(login)`, "=", l).orderBy("seen_at", "desc").executeTakeFirst()) ??
    (await db
      .selectFrom("people")
      .select(["id", "login", "name"])
      .where(sql<boolean>`previous_logins @> ${JSON.stringify([login.replace(/^@/, "")])}::jsonb`)
      .executeTakeFirst());
  if (!p) throw new ReportError(`no one with the login "${login.slice(0, 60)}" has been seen in this organisation`);
  return p;
}

/** The organisation-wide configuration as last fetched: the .github repository's, then the others' teams. */
export async function reportConfig(db: Kysely<DB>): Promise<UnsungConfig | null> {
  const rows = await db.selectFrom("repo_configs").select(["source", "config"]).execute();
  let merged: UnsungConfig | null = null;
  for (const r of rows.sort((a, b) => Number(b.source.includes("/.github")) - Number(a.source.includes("/.github")))) {
    const c = r.config as UnsungConfig | null;
    if (c) merged = merged ? mergeConfigs(merged, { teams: c.teams } as UnsungConfig) : c;
  }
  return merged;
}

/** When the organisation's records begin: the earliest review, comment or CI run received. */
export async function recordsBegin(db: Kysely<DB>): Promise<string | null> {
  const r = await sql<{ first: string | null }>`
    select least(
      (select min(submitted_at) from reviews),
      (select min(created_at) from issue_comments),
      (select min(created_at) from workflow_runs)
    ) as first`.execute(db);
  const first = r.rows[0]?.first ?? null;
  return first === null ? null : new Date(first).toISOString();
}

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
async function contributionsOf(
  db: Kysely<DB>,
  personIds: number[],
  period: Period,
  covered: CoveredRepository[],
  shape: "full" | "light" | "team" = "full",
  /** Only these kinds (default: every kind the shape reads). */
  kinds: readonly ContributionKind[] | null = null,
): Promise<Contribution[]> {
  if (!personIds.length || !covered.length) return [];
  let base = db
    .selectFrom("contributions")
    .where("person_id", "=", sql<number>`any(${[...personIds]}::bigint[])`)
    .where("occurred_at", ">=", period.from)
    .where("occurred_at", "<", period.to)
    .where("repository_full_name", "=", sql<string>`any(${covered.map((c) => c.fullName)}::text[])`);
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

export async function personReport(db: Kysely<DB>, login: string, period: Period, audience: Audience, now: Date): Promise<PersonReport> {
  const person = await findPerson(db, login);
  const covered = await coveredRepositories(db, audience);
  const config = await reportConfig(db);
  const prev = previousPeriod(period);
  const [contributions, previousContributions, annotationRows, begin] = await Promise.all([
    contributionsOf(db, [person.id], period, covered),
    contributionsOf(db, [person.id], prev, covered, "light"),
    db.selectFrom("annotations").selectAll().where("subject_person_id", "=", person.id).where("deleted_at", "is", null).execute(),
    recordsBegin(db),
  ]);
  const annotations: Annotation[] = annotationRows.map((a) => ({
    id: a.id,
    kind: a.kind as Annotation["kind"],
    authorId: a.author_id,
    authorLogin: a.author_login,
    subjectPersonId: a.subject_person_id,
    subjectPersonLogin: a.subject_person_login,
    contributionKey: a.contribution_key,
    link: a.link,
    text: a.text,
    sourceUrl: a.source_url,
    repositoryId: a.repository_id,
    repositoryFullName: a.repository_full_name,
    repositoryPrivate: a.repository_private,
    createdAt: a.created_at,
  }));
  return buildPersonReport({
    person,
    period,
    previousPeriod: prev,
    contributions,
    previousContributions,
    // Annotations made during the period (notes and logs are dated when written).
    annotations: annotations.filter((a) => a.createdAt >= period.from && a.createdAt < period.to),
    rubric: rubricOf(config),
    rubricOrder: [],
    coveredRepositories: covered,
    recordsBegin: begin,
    now,
  });
}

export type TeamSelector = { kind: "org" } | { kind: "team"; slug: string } | { kind: "people"; logins: string[] };

export async function teamReport(db: Kysely<DB>, selector: TeamSelector, period: Period, audience: Audience, now: Date): Promise<TeamReport> {
  const [config, covered] = await Promise.all([reportConfig(db), coveredRepositories(db, audience)]);
  let people: { id: number; login: string; name: string | null }[];
  if (selector.kind === "people") {
    people = [];
    for (const l of selector.logins) people.push(await findPerson(db, l));
  } else if (selector.kind === "team") {
    const logins = config?.teams?.[selector.slug];
    if (!logins) {
      const known = Object.keys(config?.teams ?? {});
      throw new ReportError(`no team "${selector.slug.slice(0, 60)}" in .github/unsung.yml${known.length ? ` (known: ${known.join(", ")})` : " (no teams are configured)"}`);
    }
    people = [];
    for (const l of logins) people.push(await findPerson(db, l));
  } else {
    // The organisation: every person (not a bot) with a contribution in the period, in a repository the reader may see.
    const visible = covered.map((c) => c.fullName);
    people = visible.length
      ? await db
          .selectFrom("people as p")
          .select(["p.id", "p.login", "p.name"])
          .where("p.is_bot", "=", false)
          .where((eb) =>
            eb.exists(
              eb
                .selectFrom("contributions as c")
                .select("c.key")
                .whereRef("c.person_id", "=", "p.id")
                .where("c.occurred_at", ">=", period.from)
                .where("c.occurred_at", "<", period.to)
                .where("c.repository_full_name", "=", sql<string>`any(${visible}::text[])`),
            ),
          )
          .execute()
      : [];
  }
  const prev = previousPeriod(period);
  const ids = people.map((p) => p.id);
  const [contributions, previousContributions, previousCounts, reviewsTallied, begin, reviews] = await Promise.all([
    contributionsOf(db, ids, period, covered, "team"),
    // Of the previous period, only the kinds whose items the report reads; the rest is counted.
    contributionsOf(db, ids, prev, covered, "team", TEAM_DETAIL_KINDS),
    periodCounts(db, ids, prev, covered, TEAM_DETAIL_KINDS),
    // The whole organisation is everyone (not a bot) with work in the period: no list to check against.
    reviewTally(db, selector.kind === "org" ? "everyone" : ids, period, covered),
    recordsBegin(db),
    ids.length && covered.length
      ? db
          .selectFrom("reviews as r")
          .innerJoin("repositories as repo", "repo.id", "r.repository_id")
          .leftJoin("pull_requests as pr", (j) => j.onRef("pr.repository_id", "=", "r.repository_id").onRef("pr.number", "=", "r.pr_number"))
          .select(["r.reviewer_id", sql<number>`count(*)::int`.as("n")])
          .where("r.reviewer_id", "=", sql<number>`any(${ids}::bigint[])`)
          .where("r.submitted_at", ">=", period.from)
          .where("r.submitted_at", "<", period.to)
          .where("repo.full_name", "=", sql<string>`any(${covered.map((c) => c.fullName)}::text[])`)
          // Replies in a thread show up as reviews by the author: not reviews.
          .where((eb) => eb.or([eb("pr.author_id", "is", null), eb("pr.author_id", "<>", eb.ref("r.reviewer_id"))]))
          .groupBy("r.reviewer_id")
          .execute()
      : [],
  ]);
  return buildTeamReport({
    people,
    period,
    previousPeriod: prev,
    contributions,
    previousContributions,
    rubric: rubricOf(config),
    ranking: reportSettingsOf(config).ranking,
    coveredRepositories: covered,
    reviewsByReviewer: reviews.map((r) => ({ personId: r.reviewer_id!, reviews: r.n })),
    reviewTally: reviewsTallied,
    previousCounts,
    recordsBegin: begin,
    now,
  });
}
