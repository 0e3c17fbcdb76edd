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
import { repositoryHosts } from "../core/report/select-covered.js";
import type { GitHubClientFactory } from "../github/clients.js";
import type { DB } from "../store/schema.js";
import { accessNote, readableRepositories, ReaderAccessError, type ReaderAccessCache } from "./reader-access.js";
import { resolveTenant, tenantRepositories, TenantError, type Tenant, type TenantRepository, type TenantSelector } from "./tenants.js";
import { periodCounts, reviewTally } from "../store/review-tallies.js";
import { toContribution } from "../store/upsert-contributions.js";
import { ReportError } from "./report-error.js";
import { findPerson, findPersonById, unseenNote, withoutOptedOut } from "./report-people.js";

export { findPerson, findPersonById } from "./report-people.js";

/** Who will read the report: decides which private repositories it may cover. */
export type Audience = { kind: "public" } | { kind: "all" } | { kind: "reader"; login: string } | { kind: "repos"; fullNames: string[] };

export { ReportError };

/** Which organisation a report is about, and what deciding a reader's access needs. */
export interface ReportOptions {
  /** The tenant (or how to find it); default: the only one the database holds. */
  tenant?: Tenant | TenantSelector;
  /** Installation clients, to ask GitHub what a reader may see (without them: public repositories only). */
  clients?: GitHubClientFactory;
  accessCache?: ReaderAccessCache;
  /** The GitHub Enterprise host the app runs against (GHE_HOST), whose links are held to coverage as github.com's are. */
  enterpriseHost?: string | null;
}

/** What a report covers: repositories (names and ids), and a sentence when access could not be checked. */
export interface ReportCoverage {
  tenant: Tenant;
  covered: CoveredRepository[];
  repositoryIds: number[];
  note: string | null;
}

const isTenant = (t: Tenant | TenantSelector | undefined): t is Tenant => typeof (t as Tenant | undefined)?.login === "string" && "deletedAt" in (t as Tenant);

/** The tenant of a request: the one given, or resolved (errors as ReportError). */
export async function reportTenant(db: Kysely<DB>, tenant: Tenant | TenantSelector | undefined): Promise<Tenant> {
  if (isTenant(tenant)) return tenant;
  try {
    return await resolveTenant(db, tenant ?? {});
  } catch (err) {
    if (err instanceof TenantError) throw new ReportError(err.message);
    throw err;
  }
}

/**
 * The repositories a report for `audience` covers, all of them the tenant's (never another
 * organisation's). A reader sees public repositories and the private ones GitHub says they can
 * read now (src/services/reader-access.ts); what could not be checked is left out and said.
 */
export async function reportCoverage(db: Kysely<DB>, audience: Audience, options: ReportOptions = {}): Promise<ReportCoverage> {
  const tenant = await reportTenant(db, options.tenant);
  const repos = await tenantRepositories(db, tenant);
  const of = (list: TenantRepository[], note: string | null = null): ReportCoverage => ({
    tenant,
    covered: list.map((r) => ({ fullName: r.fullName, private: r.private })),
    repositoryIds: list.map((r) => r.id),
    note,
  });
  switch (audience.kind) {
    case "all":
      return of(repos);
    case "public":
      return of(repos.filter((r) => !r.private));
    case "repos": {
      const want = new Set(audience.fullNames.map((n) => n.toLowerCase()));
      const unknown = audience.fullNames.filter((n) => !repos.some((r) => r.fullName.toLowerCase() === n.toLowerCase()));
      if (unknown.length) throw new ReportError(`unknown repositories: ${unknown.map((n) => n.slice(0, 100)).join(", ")} (not ${tenant.login}'s)`);
      return of(repos.filter((r) => want.has(r.fullName.toLowerCase())));
    }
    case "reader": {
      const login = audience.login.replace(/^@/, "");
      let access;
      try {
        access = await readableRepositories({ db, clients: options.clients ?? (async () => null), now: () => new Date(), ...(options.accessCache ? { cache: options.accessCache } : {}) }, tenant, login);
      } catch (err) {
        if (err instanceof ReaderAccessError) throw new ReportError(err.message);
        throw err;
      }
      return of(access.readable, accessNote(login, access));
    }
  }
}

/** The covered repositories alone (see reportCoverage). */
export async function coveredRepositories(db: Kysely<DB>, audience: Audience, options: ReportOptions = {}): Promise<CoveredRepository[]> {
  return (await reportCoverage(db, audience, options)).covered;
}

/**
 * The tenant's configuration as last fetched: its `.github` repository's, then its other
 * repositories' teams. Never another organisation's.
 */
export async function reportConfig(db: Kysely<DB>, tenant?: Tenant | TenantSelector): Promise<UnsungConfig | null> {
  const t = await reportTenant(db, tenant);
  const ids = (await tenantRepositories(db, t)).map((r) => r.id);
  if (!ids.length) return null;
  const rows = await db
    .selectFrom("repo_configs")
    .select(["source", "config"])
    .where("repository_id", "=", sql<number>`any(${ids}::bigint[])`)
    .orderBy("repository_id")
    .execute();
  const orgWide = `${t.login.toLowerCase()}/.github`;
  let merged: UnsungConfig | null = null;
  for (const r of rows.sort((a, b) => Number(b.source.toLowerCase().includes(orgWide)) - Number(a.source.toLowerCase().includes(orgWide)))) {
    const c = r.config as UnsungConfig | null;
    if (c) merged = merged ? mergeConfigs(merged, { teams: c.teams } as UnsungConfig) : c;
  }
  return merged;
}

/** When the tenant's records begin: the earliest review, comment or CI run received in its repositories. */
export async function recordsBegin(db: Kysely<DB>, tenant?: Tenant | TenantSelector): Promise<string | null> {
  const t = await reportTenant(db, tenant);
  const ids = (await tenantRepositories(db, t, { includeRemoved: true })).map((r) => r.id);
  if (!ids.length) return null;
  const r = await sql<{ first: string | null }>`
    select least(
      (select min(submitted_at) from reviews where repository_id = any(${ids}::bigint[])),
      (select min(created_at) from issue_comments where repository_id = any(${ids}::bigint[])),
      (select min(created_at) from workflow_runs where repository_id = any(${ids}::bigint[]))
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

/** A person's evidence packet: by login (the CLI), or by GitHub user id (a signed-in user's own). */
export async function personReport(db: Kysely<DB>, who: string | { id: number }, period: Period, audience: Audience, now: Date, options: ReportOptions = {}): Promise<PersonReport> {
  const coverage = await reportCoverage(db, audience, options);
  const tenant = coverage.tenant;
  const person = typeof who === "string" ? await findPerson(db, who) : await findPersonById(db, who.id);
  if (!person) throw new ReportError("no one with that GitHub user id has been seen in this organisation");
  const config = await reportConfig(db, tenant);
  const prev = previousPeriod(period);
  const [contributions, previousContributions, annotationRows, begin] = await Promise.all([
    contributionsOf(db, [person.id], period, coverage),
    contributionsOf(db, [person.id], prev, coverage, "light"),
    coverage.repositoryIds.length || tenant.installationId !== null
      ? db
          .selectFrom("annotations")
          .selectAll()
          .where("subject_person_id", "=", person.id)
          .where("deleted_at", "is", null)
          // Only what was said in the tenant's repositories, or on the dashboard for this organisation:
          // an annotation belongs to the organisation it was written in.
          .where((eb) =>
            eb.or([
              eb("repository_id", "=", sql<number>`any(${coverage.repositoryIds}::bigint[])`),
              ...(tenant.installationId !== null ? [eb.and([eb("repository_id", "is", null), eb("installation_id", "=", tenant.installationId)])] : []),
            ]),
          )
          .execute()
      : [],
    recordsBegin(db, tenant),
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
    authorAssociation: a.author_association,
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
    coveredRepositories: coverage.covered,
    coverageNote: coverage.note,
    repositoryHosts: repositoryHosts(options.enterpriseHost),
    recordsBegin: begin,
    now,
  });
}

export type TeamSelector = { kind: "org" } | { kind: "team"; slug: string } | { kind: "people"; logins: string[] };

export async function teamReport(db: Kysely<DB>, selector: TeamSelector, period: Period, audience: Audience, now: Date, options: ReportOptions = {}): Promise<TeamReport> {
  const coverage = await reportCoverage(db, audience, options);
  const { tenant, covered } = coverage;
  const config = await reportConfig(db, tenant);
  let people: { id: number; login: string; name: string | null }[];
  let configNote: string | null = null;
  if (selector.kind === "people") {
    people = [];
    for (const l of selector.logins) people.push(await findPerson(db, l));
  } else if (selector.kind === "team") {
    const logins = config?.teams?.[selector.slug];
    if (!logins) {
      const known = Object.keys(config?.teams ?? {});
      throw new ReportError(`no team "${selector.slug.slice(0, 60)}" in ${tenant.login}'s .github/unsung.yml${known.length ? ` (known: ${known.join(", ")})` : " (no teams are configured)"}`);
    }
    // A configured login Unsung has never seen is a note about the configuration, not a failure.
    people = [];
    const unseen: string[] = [];
    for (const l of logins) {
      const p = await findPerson(db, l).catch((e: unknown) => (e instanceof ReportError ? null : Promise.reject(e)));
      if (p) people.push(p);
      else unseen.push(l);
    }
    configNote = unseenNote(selector.slug, unseen);
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
                .where("c.repository_full_name", "=", sql<string>`any(${visible}::text[])`)
                .where("c.repository_id", "=", sql<number>`any(${coverage.repositoryIds}::bigint[])`),
            ),
          )
          .execute()
      : [];
  }
  people = await withoutOptedOut(db, people, config);
  const prev = previousPeriod(period);
  const ids = people.map((p) => p.id);
  const [contributions, previousContributions, previousCounts, reviewsTallied, begin, reviews] = await Promise.all([
    contributionsOf(db, ids, period, coverage, "team"),
    // Of the previous period, only the kinds whose items the report reads; the rest is counted.
    contributionsOf(db, ids, prev, coverage, "team", TEAM_DETAIL_KINDS),
    periodCounts(db, ids, prev, covered, TEAM_DETAIL_KINDS),
    // The whole organisation is everyone (not a bot) with work in the period: no list to check against.
    reviewTally(db, selector.kind === "org" ? "everyone" : ids, period, covered),
    recordsBegin(db, tenant),
    ids.length && covered.length
      ? db
          .selectFrom("reviews as r")
          .leftJoin("pull_requests as pr", (j) => j.onRef("pr.repository_id", "=", "r.repository_id").onRef("pr.number", "=", "r.pr_number"))
          .select(["r.reviewer_id", sql<number>`count(*)::int`.as("n")])
          .where("r.reviewer_id", "=", sql<number>`any(${ids}::bigint[])`)
          .where("r.submitted_at", ">=", period.from)
          .where("r.submitted_at", "<", period.to)
          .where("r.repository_id", "=", sql<number>`any(${coverage.repositoryIds}::bigint[])`)
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
    coverageNote: [coverage.note, configNote].filter((n) => n !== null).join(" ") || null,
    reviewsByReviewer: reviews.map((r) => ({ personId: r.reviewer_id!, reviews: r.n })),
    reviewTally: reviewsTallied,
    previousCounts,
    recordsBegin: begin,
    now,
  });
}
