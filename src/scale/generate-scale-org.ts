/**
 * A deterministic synthetic organisation for scale tests: by default 500
 * engineers in teams of 10 over one year — ~60k pull requests, ~200k reviews,
 * ~1M review comments, CI runs, issues, and the contributions the detectors
 * would have stored for them (review depth per reviewer, change kinds,
 * flaky-test fixes, mentoring, co-authorship, triage), plus annotations and
 * the teams configuration. Same options, same rows, byte for byte.
 *
 * Rows are produced as arrays in the column order of src/scale/tables.ts and
 * handed to a sink; the generator yields after every month so that a loader
 * can flush (see load-scale-org.ts). Pure: no I/O, no clock.
 *
 * Review contributions come from the real detector code (reviewContributions)
 * over reviews scored by the real scorer (see review-templates.ts), so their
 * evidence, formula and detail (per-comment category, ledToChange, path) have
 * exactly the detector's shape; the other kinds follow the detectors' shapes.
 *
 * This file holds the generator's loop; the plan is in scale-plan.ts, the
 * shared run state in scale-run.ts, and the rows of each family in
 * scale-pull-requests.ts (with scale-ci.ts and scale-pr-contributions.ts),
 * scale-issues.ts and scale-annotations.ts.
 */
import { Random } from "../demo/prng.js";
import { buildReviewTemplates } from "./review-templates.js";
import { annotate } from "./scale-annotations.js";
import { issue } from "./scale-issues.js";
import { planScaleOrg, type ScaleOrgOptions } from "./scale-plan.js";
import { pullRequest } from "./scale-pull-requests.js";
import { startScaleRun } from "./scale-run.js";
import { DAY, ISO, MIN, type RowSink } from "./scale-shared.js";
import type { ScaleTable } from "./tables.js";

export { planScaleOrg, SCALE_DEFAULTS, type Engineer, type Repo, type ScaleOrgOptions, type ScaleOrgPlan } from "./scale-plan.js";
export type { RowSink } from "./scale-shared.js";

/** Row counts per table, for callers that want to check what was generated. */
export type ScaleCounts = Partial<Record<ScaleTable, number>>;

/**
 * Generates the organisation into `sink`, yielding after each month (and once
 * before the first, after the fixed rows). Returns the counts per table.
 */
export function* generateScaleOrg(options: ScaleOrgOptions, sink: RowSink): Generator<{ month: number; months: number }, ScaleCounts> {
  const plan = planScaleOrg(options);
  const o = plan.options;
  const counts: ScaleCounts = {};
  const emit: RowSink = (table, row) => {
    counts[table] = (counts[table] ?? 0) + 1;
    sink(table, row);
  };
  const rng = new Random(o.seed);
  const templates = buildReviewTemplates(new Random(o.seed * 31 + 7), 150);
  const computedAt = plan.computedAt;
  const fromMs = Date.parse(plan.period.from);
  const toMs = Date.parse(plan.period.to);
  const endMs = toMs - MIN;
  const clamp = (t: number) => Math.min(t, endMs);

  // ---- fixed rows
  const seenAt = plan.period.from;
  emit("installations", [plan.installationId, plan.org.id, plan.org.login, "Organization", "all", '{"pull_requests":"read","checks":"read","issues":"write","metadata":"read"}', '["pull_request","pull_request_review","issues","check_run","workflow_run"]', null, null, seenAt]);
  emit("people", [plan.org.id, plan.org.login, "Organization", false, false, "Scale Org", "[]", seenAt]);
  for (const b of plan.bots) emit("people", [b.id, b.login, "Bot", true, false, null, "[]", seenAt]);
  for (const e of plan.engineers) emit("people", [e.id, e.login, "User", false, false, e.name, "[]", ISO(fromMs + e.joinedMonth * 30 * DAY)]);
  for (const r of plan.repositories) emit("repositories", [r.id, plan.installationId, plan.org.login, r.name, r.fullName, r.private, "main", r.htmlUrl, false, null, seenAt]);
  const teamsConfig = Object.fromEntries(plan.teams.map((t) => [t.slug, t.members.map((m) => m.login)]));
  emit("repo_configs", [plan.configRepo.id, `${plan.configRepo.fullName}/.github/unsung.yml`, JSON.stringify({ teams: teamsConfig }), "[]", seenAt]);
  yield { month: -1, months: o.months };

  const run = startScaleRun(plan, emit, rng, templates, fromMs, clamp, computedAt);

  const [y, m] = o.start.split("-").map(Number) as [number, number];
  for (let month = 0; month < o.months; month++) {
    const monthStart = Date.UTC(y, m - 1 + month, 1);
    const monthLen = Date.UTC(y, m + month, 1) - monthStart;
    for (const e of plan.engineers) {
      if (month < e.joinedMonth) continue;
      const ramp = e.joinedMonth > 0 && month === e.joinedMonth ? 0.5 : 1;
      const mean = o.prsPerEngineerMonth * e.activity * ramp;
      const prs = Math.round(mean * (0.6 + 0.8 * rng.next()));
      for (let k = 0; k < prs; k++) pullRequest(run, e, monthStart, monthLen);
      const issues = Math.round(1.7 * (0.4 + 1.2 * rng.next()));
      for (let k = 0; k < issues; k++) issue(run, e, monthStart, monthLen);
      if (rng.chance(0.3)) annotate(run, e, monthStart, monthLen);
      // Let a loader flush between engineers.
      yield { month, months: o.months };
    }
    // Dependency bumps: one per team repository per month, approved by a teammate.
    for (const repo of run.teamRepos) pullRequest(run, null, monthStart, monthLen, run.dependabot, repo);
    yield { month, months: o.months };
  }
  return counts;
}

/** Runs the generator to the end, collecting nothing: the counts per table (for tests and dry runs). */
export function countScaleOrg(options: ScaleOrgOptions, sink: RowSink = () => {}): ScaleCounts {
  const it = generateScaleOrg(options, sink);
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
  }
}
