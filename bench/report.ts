/**
 * Reports at organisation scale, on PostgreSQL and on the embedded PGlite.
 *
 *   npm run build && node dist/bench/report.js [--engineers 500] [--months 12] [--runs 5]
 *       [--pglite-engineers 100] [--pglite 1] [--batch 0] [--parallel 2] [--thread 1] [--compare 1] [--explain 0]
 *
 * Loads the deterministic synthetic organisation (src/scale/generate-scale-org.ts:
 * 500 engineers × one year by default) straight into the tables of a fresh
 * PostgreSQL database (DATABASE_URL's server, default
 * postgres://postgres@127.0.0.1:5432/postgres; dropped afterwards) and of a
 * fresh PGlite data directory (src/store/open-database.ts, temp dir) — into
 * PGlite only the tables reports read, since the rest (review comments, CI
 * runs) is never queried by a report, and by default a 100-engineer slice
 * (PGlite loads ~10k rows/s here: the whole organisation's report tables take
 * ~50 s; --pglite-engineers 500 for all of it) — and prints rows loaded and
 * rows/s. The slice is also loaded into PostgreSQL, so the two compare like
 * for like.
 * Then times teamReport / personReport (src/services/build-reports.ts, the
 * code `unsung report` runs) for the last full quarter of the data, every
 * repository covered (--include-private): the whole organisation, a 10-person
 * team (--team), and one engineer — the median of --runs runs after one warm-up.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { sql, type Kysely } from "kysely";
import { quarterPeriod, type Period } from "../src/core/report/index.js";
import { recordedClientFactory } from "../src/github/clients.js";
import { personReport, teamReport, type Audience } from "../src/services/build-reports.js";
import { ReaderAccessCache } from "../src/services/reader-access.js";
import { migrateToLatest } from "../src/store/migrate.js";
import { openDatabase, type Database } from "../src/store/open-database.js";
import type { DB } from "../src/store/schema.js";
import { planScaleOrg, type ScaleOrgOptions, type ScaleOrgPlan } from "../src/scale/generate-scale-org.js";
import { loadScaleOrg, type LoadResult } from "../src/scale/load-scale-org.js";
import { REPORT_TABLES } from "../src/scale/tables.js";
import { createBenchDatabase, DEFAULT_ADMIN_URL } from "./lib/bench-db.js";
import { respawnWith } from "./lib/respawn.js";
import { int, median, met, ms, numberFlags } from "./lib/stats.js";

const flags = numberFlags(process.argv.slice(2), {
  engineers: 500,
  months: 12,
  seed: 1,
  runs: 5,
  pglite: 1,
  "pglite-engineers": 100,
  batch: 0,
  compare: 1,
  thread: 1,
  parallel: 2,
  explain: 0,
});
const adminUrl = process.env.DATABASE_URL ?? DEFAULT_ADMIN_URL;
const say = (s: string) => process.stdout.write(s + "\n");
const TEAM_TARGET_MS = 300;
const PERSON_TARGET_MS = 100;

/** The last full quarter inside the data. */
function lastQuarterOf(plan: ScaleOrgPlan): Period {
  const to = new Date(plan.period.to);
  const q = Math.floor(to.getUTCMonth() / 3); // quarter that ends at `to` (0 → Q4 of the year before)
  return q === 0 ? quarterPeriod(to.getUTCFullYear() - 1, 4) : quarterPeriod(to.getUTCFullYear(), q);
}

function loadLine(label: string, r: LoadResult): string {
  const tables = Object.entries(r.loaded)
    .sort((a, b) => b[1] - a[1])
    .map(([t, n]) => `${t} ${int(n)}`)
    .join(", ");
  return `${label}: loaded ${int(r.rows)} rows in ${(r.loadMs / 1000).toFixed(1)} s: ${int((r.rows / r.loadMs) * 1000)} rows/s${r.analyzeMs ? ` (then VACUUM ANALYZE ${(r.analyzeMs / 1000).toFixed(1)} s)` : ""}\n  ${tables}`;
}

async function time<T>(runs: number, f: () => Promise<T>): Promise<{ median: number; all: number[]; last: T }> {
  let last = await f(); // warm-up
  const all: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    last = await f();
    all.push(performance.now() - t);
  }
  return { median: median(all), all, last };
}

interface Timings {
  org: number;
  team: number;
  person: number;
}

async function runReports(label: string, db: Kysely<DB>, plan: ScaleOrgPlan, period: Period, runs: number): Promise<Timings> {
  const audience: Audience = { kind: "all" };
  const now = new Date(plan.computedAt);
  const team = plan.teams[Math.min(7, plan.teams.length - 1)]!;
  // A typical engineer: the median by contributions in the period.
  const people = await sql<{ login: string; n: number }>`
    select person_login as login, count(*)::int as n from contributions
    where occurred_at >= ${period.from} and occurred_at < ${period.to} group by person_login order by n, person_login`.execute(db);
  const typical = people.rows[Math.floor(people.rows.length / 2)]!;
  const busiest = people.rows[people.rows.length - 1]!;

  // The whole-organisation report takes seconds at 500 engineers: three runs are enough for a median.
  const org = await time(Math.min(runs, 3), () => teamReport(db, { kind: "org" }, period, audience, now));
  const orgItems = org.last.people.reduce((n, p) => n + p.items, 0);
  say(`${label}: team report, whole organisation (${int(org.last.people.length)} people, ${int(orgItems)} items, ${period.label}): ${ms(org.median)} ms (runs: ${org.all.map(ms).join(", ")})`);
  const t10 = await time(runs, () => teamReport(db, { kind: "team", slug: team.slug }, period, audience, now));
  say(`${label}: team report, ${t10.last.people.length}-person team ${team.slug}: ${ms(t10.median)} ms (runs: ${t10.all.map(ms).join(", ")})`);
  const p = await time(runs, () => personReport(db, typical.login, period, audience, now));
  say(`${label}: per-engineer report, ${typical.login} (${typical.n} contributions in the quarter, median engineer): ${ms(p.median)} ms (runs: ${p.all.map(ms).join(", ")})`);
  const pb = await time(runs, () => personReport(db, busiest.login, period, audience, now));
  say(`${label}: per-engineer report, ${busiest.login} (${busiest.n} contributions, the busiest): ${ms(pb.median)} ms`);
  // The reader's access is asked of GitHub: recorded answers here ("read" on every private repository),
  // with the five-minute cache a long-running process keeps (the first run asks, the others reuse).
  const privateRepos = await db.selectFrom("repositories").select(["owner_login", "name"]).where("private", "=", true).execute();
  const reader = typical.login.toLowerCase();
  const clients = recordedClientFactory(
    privateRepos.map((r) => ({ method: "GET" as const, path: `/repos/${r.owner_login}/${r.name}/collaborators/${reader}/permission`, status: 200, body: { permission: "read" } })),
  );
  const accessCache = new ReaderAccessCache();
  const pr = await time(runs, () => personReport(db, typical.login, period, { kind: "reader", login: typical.login }, now, { clients, accessCache }));
  say(`${label}: per-engineer report, ${typical.login}, --reader ${typical.login} (${privateRepos.length} private repositories asked of GitHub once, then cached): ${ms(pr.median)} ms`);
  return { org: org.median, team: t10.median, person: p.median };
}

/** Where the organisation report's time goes: the contributions query alone, and its bytes. */
async function diagnose(label: string, db: Kysely<DB>, period: Period): Promise<void> {
  const q = async (cols: string) => {
    const t = performance.now();
    const r = await sql.raw(`select ${cols} from contributions where occurred_at >= '${period.from}' and occurred_at < '${period.to}'`).execute(db);
    return { ms: performance.now() - t, rows: r.rows.length };
  };
  await q("*");
  const all = await q("*");
  const slim = await q("key, kind, person_id, person_login, repository_id, repository_full_name, repository_private, subject_type, subject_id, subject_title, subject_url, occurred_at, score, confidence, level, dynamics, detail, detector, detector_version");
  const tiny = await q("key, kind, person_id, person_login, repository_full_name, repository_private, subject_url, occurred_at, score, level, dynamics");
  const bytes = (await sql<{ j: string; d: string }>`
    select pg_size_pretty(sum(pg_column_size(evidence) + pg_column_size(formula) + pg_column_size(detail))) as j, pg_size_pretty(sum(pg_column_size(detail))) as d
    from contributions where occurred_at >= ${period.from} and occurred_at < ${period.to}`.execute(db)).rows[0];
  say(
    `${label} (diagnostic): one quarter's contributions, ${int(all.rows)} rows (jsonb ${bytes?.j}, of which detail ${bytes?.d}): select * ${ms(all.ms)} ms; without evidence/formula ${ms(slim.ms)} ms; without any jsonb ${ms(tiny.ms)} ms`,
  );
}

async function explain(db: Kysely<DB>, period: Period, plan: ScaleOrgPlan): Promise<void> {
  const repos = plan.repositories.map((r) => `'${r.fullName}'`).join(",");
  const ids = plan.engineers.map((e) => e.id).join(",");
  const statements = [
    `select * from contributions where person_id in (${ids}) and occurred_at >= '${period.from}' and occurred_at < '${period.to}' and repository_full_name in (${repos})`,
    `select p.id, p.login, p.name from people p where p.is_bot = false and exists (select c.key from contributions c where c.person_id = p.id and c.occurred_at >= '${period.from}' and c.occurred_at < '${period.to}')`,
    `select r.reviewer_id, count(*)::int as n from reviews r join repositories repo on repo.id = r.repository_id left join pull_requests pr on pr.repository_id = r.repository_id and pr.number = r.pr_number where r.reviewer_id in (${ids}) and r.submitted_at >= '${period.from}' and r.submitted_at < '${period.to}' and repo.full_name in (${repos}) and (pr.author_id is null or pr.author_id <> r.reviewer_id) group by r.reviewer_id`,
    `select * from contributions where person_id in (${plan.engineers[0]!.id}) and occurred_at >= '${period.from}' and occurred_at < '${period.to}' and repository_full_name in (${repos})`,
  ];
  for (const s of statements) {
    const r = await sql.raw<{ "QUERY PLAN": string }>(`explain (analyze, buffers) ${s}`).execute(db);
    say(`EXPLAIN ANALYZE ${s.slice(0, 90)}…`);
    for (const row of r.rows) say(`    ${row["QUERY PLAN"]}`);
  }
}

async function main(): Promise<void> {
  const options: ScaleOrgOptions = { seed: flags.seed, engineers: flags.engineers, months: flags.months };
  const plan = planScaleOrg(options);
  const period = lastQuarterOf(plan);
  say(
    `node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}; synthetic organisation: ${flags.engineers} engineers in ${plan.teams.length} teams, ${plan.repositories.length} repositories, ${plan.period.from.slice(0, 10)} – ${plan.period.to.slice(0, 10)} (seed ${flags.seed}); reports for ${period.label}, every repository covered`,
  );

  // ---- PostgreSQL
  const batch = flags.batch > 0 ? { batchRows: flags.batch } : {};
  const bench = await createBenchDatabase(adminUrl);
  let pgTimes: Timings;
  try {
    const r = await loadScaleOrg(bench.database.pool, options, { ...batch, parallel: flags.parallel, ...(flags.thread ? {} : { thread: false }) });
    const rate = (r.rows / r.loadMs) * 1000;
    say(loadLine(`postgres (binary COPY generated in ${r.threaded ? "a worker thread" : "the main thread"}, ${flags.batch || 5000} rows per statement, ${flags.parallel} in flight, synchronous_commit off for the load)`, r));
    say(`postgres: ≥ 50,000 rows/s: ${met(rate >= 50_000)} (${int(rate)})`);
    if (flags.compare) {
      // The same organisation the way PGlite loads it, into another fresh database: the comparison.
      const other = await createBenchDatabase(adminUrl);
      try {
        const j = await loadScaleOrg(other.database.pool, options, { ...batch, parallel: flags.parallel, encoding: "json", analyze: false });
        const jRate = (j.rows / j.loadMs) * 1000;
        say(loadLine(`postgres, for comparison (multi-row INSERTs with JSON-array parameters, ${flags.batch || 1000} rows per statement)`, j));
        say(`postgres: binary COPY ${int(rate)} rows/s vs JSON-array INSERTs ${int(jRate)} rows/s: ${(rate / jRate).toFixed(2)}× (same run)`);
      } finally {
        await other.drop();
      }
    }
    const size = (await sql<{ s: string }>`select pg_size_pretty(pg_database_size(current_database())) as s`.execute(bench.database.db)).rows[0]?.s;
    say(`  database size ${size}`);
    pgTimes = await runReports("postgres", bench.database.db, plan, period, flags.runs);
    say(`postgres targets: team report ≤ ${TEAM_TARGET_MS} ms: ${met(pgTimes.org <= TEAM_TARGET_MS && pgTimes.team <= TEAM_TARGET_MS)} (org ${ms(pgTimes.org)}, team ${ms(pgTimes.team)}); per-engineer ≤ ${PERSON_TARGET_MS} ms: ${met(pgTimes.person <= PERSON_TARGET_MS)} (${ms(pgTimes.person)})`);
    await diagnose("postgres", bench.database.db, period);
    if (flags.explain) await explain(bench.database.db, period, plan);
  } finally {
    await bench.drop();
  }

  // ---- PGlite
  if (!flags.pglite) return;
  const liteOptions: ScaleOrgOptions = { ...options, engineers: flags["pglite-engineers"] };
  const litePlan = planScaleOrg(liteOptions);
  if (flags["pglite-engineers"] !== flags.engineers) {
    // The same slice on PostgreSQL, for a like-for-like comparison.
    const slice = await createBenchDatabase(adminUrl);
    try {
      const r = await loadScaleOrg(slice.database.pool, liteOptions, { ...batch, parallel: flags.parallel, tables: REPORT_TABLES });
      say(loadLine(`postgres, ${flags["pglite-engineers"]}-engineer slice, report tables only`, r));
      await runReports(`postgres (${flags["pglite-engineers"]} engineers)`, slice.database.db, litePlan, period, Math.min(flags.runs, 3));
    } finally {
      await slice.drop();
    }
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), "unsung-bench-pglite-"));
  let database: Database | null = null;
  try {
    database = await openDatabase({ dataDir: path.join(dir, "data") });
    await migrateToLatest(database.db);
    const slice = flags["pglite-engineers"] === flags.engineers ? "the same organisation" : `${flags["pglite-engineers"]} engineers`;
    say(`pglite: ${slice}, report tables only (${REPORT_TABLES.join(", ")})`);
    const r = await loadScaleOrg(database.pool, liteOptions, { ...batch, parallel: 1, tables: REPORT_TABLES });
    say(loadLine("pglite", r));
    await runReports(flags["pglite-engineers"] === flags.engineers ? "pglite" : `pglite (${flags["pglite-engineers"]} engineers)`, database.db, litePlan, period, Math.min(flags.runs, 3));
    await diagnose("pglite", database.db, period);
  } finally {
    await database?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

// A larger young generation: the loader allocates ~1 GB of short-lived rows and strings (-10% CPU).
if (!respawnWith(["--max-semi-space-size=64"])) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
