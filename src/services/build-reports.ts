/**
 * Reports: read the rows a report needs, call the pure builders, return the
 * model. Privacy is decided here first (which repositories the reader may
 * see) and enforced again by the builders.
 */
import { sql, type Kysely } from "kysely";
import { reportSettingsOf, rubricOf } from "../config/repo-config.js";
import type { Annotation } from "../core/model.js";
import { buildPersonReport, buildTeamReport, previousPeriod, TEAM_DETAIL_KINDS, type Period, type PersonReport, type TeamReport } from "../core/report/index.js";
import { repositoryHosts } from "../core/report/select-covered.js";
import type { DB } from "../store/schema.js";
import { periodCounts, reviewTally } from "../store/review-tallies.js";
import { ReportError } from "./report-error.js";
import { findPerson, findPersonById, unseenNote, withoutOptedOut } from "./report-people.js";
import { recordsBegin, reportConfig, reportCoverage, type Audience, type ReportOptions } from "./report-coverage.js";
import { contributionsOf } from "./report-contributions.js";

export { findPerson, findPersonById } from "./report-people.js";

export { ReportError };

export { coveredRepositories, recordsBegin, reportConfig, reportCoverage, reportTenant } from "./report-coverage.js";
export type { Audience, ReportCoverage, ReportOptions } from "./report-coverage.js";

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
