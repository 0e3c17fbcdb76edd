/**
 * Manual CI re-runs: the person who keeps pressing "Re-run" on a flaky
 * workflow absorbs the flakiness for everyone waiting on a green build. That
 * is real work, but it is a trap: it never makes the problem smaller. One
 * contribution per person, per workflow, per calendar month (UTC), once they
 * re-ran it by hand at least `thresholds.rerunTrapCount` times, with how many
 * of those re-runs passed after a failed attempt (the flaky signal), the runs
 * themselves, and the systemic fix — and, when a flaky-test fix of the same
 * workflow was merged later, that the problem was later fixed.
 *
 * A re-run is an attempt ≥ 2 of a workflow run whose triggering actor is a
 * person (bots and AI agents re-running on a schedule are not glue work).
 */
import type { Contribution, PersonRef, ProofItem } from "../model.js";
import type { CiRunFact, FlakyFixRef, WorkflowRerunBundle } from "../facts.js";
import { compileConfig, exclusionOf } from "./compile-config.js";
import { defaultDetectorConfig, type DetectorConfig } from "./config.js";
import { contribution, identified, repoFields } from "./contribution.js";
import { plural } from "./text.js";

/**
 * A flaky-test fix of the workflow merged up to this many days after a month (or before it) is
 * connected to that month's re-runs: "later fixed", or "re-run even after the fix".
 */
export const RERUN_FIX_HORIZON_DAYS = 90;

/** GitHub lets a run be re-run for 30 days after it was created: older runs cannot be re-run in the month. */
export const RERUN_LOOKBACK_DAYS = 31;

/** At most this many re-runs are linked as proof (the count says how many there were). */
const MAX_PROOF_RUNS = 12;
/** At most this many re-runs are kept in the contribution's detail. */
const MAX_DETAIL_RUNS = 100;

const DAY_MS = 86_400_000;
const FAILED = new Set(["failure", "timed_out", "startup_failure"]);
const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** A calendar month (UTC) as an instant range [from, until); null when `month` is not "YYYY-MM". */
export function monthRange(month: string): { from: string; until: string } | null {
  const m = MONTH.exec(month);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  return { from: new Date(Date.UTC(y, mo - 1, 1)).toISOString(), until: new Date(Date.UTC(y, mo, 1)).toISOString() };
}

/** The calendar month (UTC, "YYYY-MM") of an ISO instant; null when unparseable. */
export function monthOf(iso: string | null | undefined): string | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return null;
  return new Date(t).toISOString().slice(0, 7);
}

/** "May 2026". */
export function monthLabel(month: string): string {
  const m = MONTH.exec(month);
  return m ? `${MONTH_NAMES[Number(m[2]) - 1]} ${m[1]}` : month;
}

/** When an attempt ran: a re-run carries its run's original creation time, so its start time wins. */
export function attemptTime(r: Pick<CiRunFact, "startedAt" | "completedAt">): number | null {
  for (const at of [r.startedAt, r.completedAt]) {
    if (!at) continue;
    const t = Date.parse(at);
    if (!Number.isNaN(t)) return t;
  }
  return null;
}

/** The web address of one attempt of a workflow run. */
export function attemptUrl(repoHtmlUrl: string, runId: number, attempt: number): string {
  return `${repoHtmlUrl.replace(/\/$/, "")}/actions/runs/${runId}/attempts/${attempt}`;
}

/** One re-run as the contribution's detail keeps it. */
export interface RerunRecord {
  runId: number;
  attempt: number;
  url: string;
  at: string;
  sha: string;
  branch: string | null;
  conclusion: string | null;
  /** The conclusion of the attempt before it (null when that attempt is not recorded). */
  previousConclusion: string | null;
  /** It passed after the attempt before it failed: the failure went away without a code change. */
  passedAfterFailure: boolean;
}

/** A flaky-test fix as the contribution's detail names it. */
export interface RerunFixDetail {
  title: string;
  url: string;
  author: string;
  mergedAt: string;
  /** The check the fix is about: the workflow, or one of its jobs. */
  check: string;
}

interface Rerun {
  run: CiRunFact;
  person: PersonRef & { id: number };
  t: number;
  previous: CiRunFact | null;
}

export function detectReruns(bundle: WorkflowRerunBundle, config: DetectorConfig = defaultDetectorConfig): Contribution[] {
  const range = monthRange(bundle.month);
  if (!range) return [];
  const c = compileConfig(config);
  const from = Date.parse(range.from);
  const until = Date.parse(range.until);
  const workflow = bundle.workflow;
  const threshold = config.thresholds.rerunTrapCount;

  // Every recorded attempt of each run, so a re-run can be compared with the attempt before it.
  const attempts = new Map<number, Map<number, CiRunFact>>();
  for (const r of bundle.runs) {
    if (!r || r.source !== "workflow_run" || r.name !== workflow) continue;
    let byAttempt = attempts.get(r.id);
    if (!byAttempt) attempts.set(r.id, (byAttempt = new Map()));
    byAttempt.set(r.attempt, r);
  }

  // Manual re-runs in the month, by people who may be credited.
  const byPerson = new Map<number, Rerun[]>();
  for (const byAttempt of attempts.values()) {
    for (const r of byAttempt.values()) {
      if (!(r.attempt > 1)) continue;
      const t = attemptTime(r);
      if (t === null || t < from || t >= until) continue;
      const person = identified(r.triggeringActor);
      if (!person || exclusionOf(c, person.login, person.isBot) !== null) continue;
      const list = byPerson.get(person.id) ?? [];
      list.push({ run: r, person, t, previous: byAttempt.get(r.attempt - 1) ?? null });
      byPerson.set(person.id, list);
    }
  }
  const teamReruns = [...byPerson.values()].reduce((n, l) => n + l.length, 0);
  const teamPeople = byPerson.size;

  // A fix counts when it is about this workflow or one of its jobs (the check that flipped).
  const checks = new Set([workflow, ...(bundle.jobChecks ?? [])].map((n) => n.toLowerCase()));
  const fixes = [...bundle.fixes]
    .filter((f) => f && typeof f.check === "string" && checks.has(f.check.toLowerCase()) && !Number.isNaN(Date.parse(f.mergedAt)))
    .sort((a, b) => Date.parse(a.mergedAt) - Date.parse(b.mergedAt) || a.url.localeCompare(b.url));

  const out: Contribution[] = [];
  for (const list of byPerson.values()) {
    if (list.length < threshold) continue;
    list.sort((a, b) => a.t - b.t || a.run.id - b.run.id || a.run.attempt - b.run.attempt);
    out.push(personContribution(bundle, list, fixes, teamReruns, teamPeople, threshold));
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

function personContribution(
  bundle: WorkflowRerunBundle,
  list: Rerun[],
  fixes: FlakyFixRef[],
  teamReruns: number,
  teamPeople: number,
  threshold: number,
): Contribution {
  const repo = bundle.repository;
  const workflow = bundle.workflow;
  const person = list[0]!.person;
  const who = `@${person.login}`;
  const label = monthLabel(bundle.month);
  const name = `“${workflow}”`;
  const n = list.length;
  const commits = new Set(list.map((r) => r.run.headSha)).size;
  const branch = repo.defaultBranch;
  const onDefault = list.filter((r) => r.run.headBranch === branch).length;
  const elsewhere = n - onDefault;
  const known = list.filter((r) => r.previous !== null);
  const afterFailure = known.filter((r) => FAILED.has((r.previous!.conclusion ?? "").toLowerCase()));
  const passedAfterFailure = afterFailure.filter((r) => (r.run.conclusion ?? "").toLowerCase() === "success");
  const failedAgain = afterFailure.filter((r) => FAILED.has((r.run.conclusion ?? "").toLowerCase()));
  const first = list[0]!;
  const last = list[list.length - 1]!;
  const lastAt = new Date(last.t).toISOString();

  // The flaky-test fixes of this workflow, relative to these re-runs.
  const laterFix = fixes.find((f) => Date.parse(f.mergedAt) > last.t) ?? null;
  const priorFix = [...fixes].reverse().find((f) => Date.parse(f.mergedAt) <= last.t) ?? null;
  const afterPriorFix = priorFix ? list.filter((r) => r.t >= Date.parse(priorFix.mergedAt)).length : 0;

  const where = onDefault === n ? `on ${branch}` : onDefault === 0 ? "on pull-request and other branches" : `${onDefault} on ${branch}, ${elsewhere} on other branches`;
  const others = teamPeople - 1;
  const otherReruns = teamReruns - n;

  const evidence: string[] = [
    `Re-ran the ${name} workflow by hand ${plural(n, "time")} on ${plural(commits, "commit")} in ${label} (${where}).`,
  ];
  if (afterFailure.length > 0) {
    const passed =
      passedAfterFailure.length === n
        ? `${n === 1 ? "The re-run" : `All ${n} re-runs`} passed on the same commit right after a failed attempt`
        : `${passedAfterFailure.length} of the ${plural(afterFailure.length, "re-run")} that followed a failed attempt passed on the same commit`;
    evidence.push(`${passed}, with no code change: the mark of a flaky test${failedAgain.length > 0 ? ` (${failedAgain.length} failed again)` : ""}.`);
  } else if (known.length > 0) {
    evidence.push("None of these re-runs followed a failed attempt: they may have been re-run for another reason (a cancelled run, an outage), not flakiness.");
  } else {
    evidence.push("The attempts before these re-runs are not recorded, so whether they followed failures is not known.");
  }
  if (others > 0) {
    evidence.push(`${plural(others, "other person", "other people")} also re-ran ${name} by hand ${times(otherReruns)} in ${label}: the whole team pays for the flakiness.`);
  }
  evidence.push("Re-running gets one build through and leaves the cause in place: this absorbs a recurring problem instead of removing it (a trap).");
  const fixSentences = fixText(workflow, laterFix, priorFix, afterPriorFix, person.login, last.t, n);
  evidence.push(...fixSentences.evidence);
  if (!laterFix) {
    evidence.push("Suggested systemic fix: fix the flaky test behind the failures, or quarantine it with an owner and a deadline and then fix it; once a flaky-test fix is merged, the re-runs stop.");
  }

  const flakySignal =
    passedAfterFailure.length > 0
      ? `${passedAfterFailure.length === n ? (n === 1 ? "the" : `all ${n} of`) : `${passedAfterFailure.length} of`} ${who}'s ${n === 1 ? "re-run" : "re-runs"} passed on the same commit right after a failed attempt`
      : `${who} re-ran it ${times(n)}`;
  const friction =
    `${name} in ${repo.fullName} kept needing manual re-runs in ${label}: ${flakySignal}` +
    (others > 0 ? `, and ${plural(others, "other person", "other people")} re-ran it ${times(otherReruns)} more` : "") +
    ".";
  const change = `${who} re-ran ${name} by hand ${plural(n, "time")} on ${plural(commits, "commit")} (${where}) so that builds could go green.`;
  const improvement = fixSentences.improvement;

  const beneficiaries: string[] = [];
  if (onDefault > 0) beneficiaries.push(`everyone waiting on a green ${name} on ${branch} in ${repo.fullName}`);
  if (elsewhere > 0) beneficiaries.push(`authors waiting on ${plural(elsewhere, "re-run pull-request or branch build", "re-run pull-request and branch builds")}`);

  const records: RerunRecord[] = list.map((r) => {
    const previousConclusion = r.previous?.conclusion ?? null;
    return {
      runId: r.run.id,
      attempt: r.run.attempt,
      url: attemptUrl(repo.htmlUrl, r.run.id, r.run.attempt),
      at: new Date(r.t).toISOString(),
      sha: r.run.headSha,
      branch: r.run.headBranch,
      conclusion: r.run.conclusion,
      previousConclusion,
      passedAfterFailure: FAILED.has((previousConclusion ?? "").toLowerCase()) && (r.run.conclusion ?? "").toLowerCase() === "success",
    };
  });
  const proof: ProofItem[] = records.slice(0, MAX_PROOF_RUNS).map((r) => ({
    label: `Run ${r.runId}, attempt ${r.attempt}, ${r.at.slice(0, 10)}, ${r.branch ?? "unknown branch"} @ ${r.sha.slice(0, 7)}: ${r.previousConclusion ?? "?"} → ${r.conclusion ?? "?"}`,
    url: r.url,
  }));
  if (records.length > MAX_PROOF_RUNS) proof.push({ label: `…and ${plural(records.length - MAX_PROOF_RUNS, "more re-run")} in ${label}` });
  if (bundle.workflowPath) {
    const file = bundle.workflowPath.replace(/@.*$/, "").split("/").pop() ?? "";
    if (file) proof.push({ label: `All runs of ${name}`, url: `${repo.htmlUrl.replace(/\/$/, "")}/actions/workflows/${encodeURIComponent(file)}` });
  }
  for (const f of [priorFix, laterFix]) if (f) proof.push({ label: `Flaky-test fix by @${f.authorLogin}: ${f.title} (merged ${f.mergedAt.slice(0, 10)})`, url: f.url });

  // Score: modest. Absorbing a flaky build is load, not an achievement; more re-runs and a clear flaky signal weigh a little more.
  const score = 20 + Math.min(10, 2 * (n - threshold + 1)) + (passedAfterFailure.length > 0 && passedAfterFailure.length * 2 >= n ? 5 : 0);
  const fixDetail = (f: FlakyFixRef | null): RerunFixDetail | null => (f ? { title: f.title, url: f.url, author: f.authorLogin, mergedAt: f.mergedAt, check: f.check } : null);

  return contribution({
    key: `ci-rerun:${repo.id}:${workflow}:${person.id}:${bundle.month}`,
    kind: "ci-rerun",
    person,
    subject: {
      ...repoFields(repo),
      subjectType: "workflow",
      subjectId: `${workflow}@${bundle.month}`,
      subjectTitle: `Re-ran “${workflow}” by hand ${plural(n, "time")} in ${label}`,
      // The month's first re-run: one address per person and month, so months stay separate items.
      subjectUrl: attemptUrl(repo.htmlUrl, first.run.id, first.run.attempt),
    },
    occurredAt: lastAt,
    score,
    confidence: afterFailure.length > 0 ? 0.9 : 0.7,
    level: null,
    dynamics: "trap",
    evidence,
    formula: { friction, change, improvement, beneficiaries, proof },
    detail: {
      workflow,
      check: workflow,
      recurrenceKey: `the “${workflow}” workflow in ${repo.fullName}`,
      month: bundle.month,
      jobChecks: bundle.jobChecks ?? [],
      reruns: n,
      commits,
      onDefaultBranch: onDefault,
      afterFailure: afterFailure.length,
      passedAfterFailure: passedAfterFailure.length,
      failedAgain: failedAgain.length,
      team: { reruns: teamReruns, people: teamPeople },
      firstRerunAt: new Date(first.t).toISOString(),
      lastRerunAt: lastAt,
      laterFix: fixDetail(laterFix),
      priorFix: fixDetail(priorFix),
      rerunsAfterFix: afterPriorFix,
      runs: records.slice(0, MAX_DETAIL_RUNS),
    },
    detector: "reruns",
  });
}

/** "once", "twice", "3 times". */
function times(n: number): string {
  return n === 1 ? "once" : n === 2 ? "twice" : `${n.toLocaleString("en-US")} times`;
}

function fixText(
  workflow: string,
  laterFix: FlakyFixRef | null,
  priorFix: FlakyFixRef | null,
  afterPriorFix: number,
  login: string,
  lastT: number,
  n: number,
): { evidence: string[]; improvement: string } {
  const evidence: string[] = [];
  const by = (f: FlakyFixRef) => (f.authorLogin.toLowerCase() === login.toLowerCase() ? "their own" : `@${f.authorLogin}'s`);
  // A fix of one of the workflow's jobs says which: the reader sees why it belongs to these re-runs.
  const of = (f: FlakyFixRef) => (f.check.toLowerCase() === workflow.toLowerCase() ? "" : ` (of its “${f.check}” job)`);
  let improvement = "None lasting: each re-run gets one build through, the flaky test stays, and the next run can fail the same way.";
  if (priorFix && afterPriorFix > 0) {
    const s = `${afterPriorFix === n ? `All ${n}` : `${afterPriorFix} of the ${n}`} re-runs came after ${by(priorFix)} flaky-test fix “${priorFix.title}”${of(priorFix)} was merged on ${priorFix.mergedAt.slice(0, 10)}: the workflow is still flaky (the fix did not remove every cause, or another test is flaky).`;
    evidence.push(s);
    improvement += ` ${s}`;
  }
  if (laterFix) {
    const days = Math.max(0, Math.round((Date.parse(laterFix.mergedAt) - lastT) / DAY_MS));
    const s = `The problem was later fixed: ${by(laterFix)} flaky-test fix “${laterFix.title}”${of(laterFix)} was merged on ${laterFix.mergedAt.slice(0, 10)}, ${days === 0 ? "the same day as" : `${plural(days, "day")} after`} the last of these re-runs; re-runs like these stop once the cause is fixed.`;
    evidence.push(s);
    improvement = `The re-runs themselves improved nothing lasting. ${s}`;
  }
  return { evidence, improvement };
}
