/** The packet's summary: the headline and the lines a manager reads in a minute. */
import type { Contribution, ContributionKind } from "../model.js";
import { isDepthfulReview, isGlue } from "./glue.js";
import type { MergedContribution } from "./merge-contributions.js";
import type { Period } from "./period.js";
import { flakyOutcome, formatPercent, foundDefects, isRisky, mentees, pairedWith, reviewComments } from "./read-detail.js";
import type { ReportPerson } from "./build-person-report.js";
import { joinWords, plainLine, plural, richLine, text } from "./phrasing.js";
import type { AnnotationView, Comparison, DynamicsSection, Inline, PersonReport, SummaryLine } from "./report-model.js";
import { countKind } from "./rubric.js";

export interface SummaryInput {
  person: ReportPerson;
  period: Period;
  merged: MergedContribution[];
  /** Items at or above the score threshold: what summary counts are made of, so trivia never adds up. */
  substantial: MergedContribution[];
  current: Contribution[];
  listedCount: number;
  repositoryCount: number;
  coveredCount: number;
  views: AnnotationView[];
  /** Disputes that match no item in this report (e.g. of credit Unsung never gave). */
  looseDisputes: number;
  dynamics: DynamicsSection;
  comparison: Comparison;
}

export function buildSummary(s: SummaryInput): PersonReport["summary"] {
  const who = s.person.name?.trim() ? s.person.name.trim() : `@${s.person.login}`;
  const lines: SummaryLine[] = [];
  const ownEntries = s.views.filter((v) => v.byPerson && (v.kind === "note" || v.kind === "claim" || v.kind === "log"));
  const peerEndorsements = s.views.filter((v) => v.kind === "endorse" && !v.byPerson);
  const glue = s.merged.filter(isGlue);
  const reviews = s.merged.filter((m) => m.kind === "review");
  const stamps = reviews.filter((m) => m.level === "rubber-stamp").length;

  if (glue.length === 0) {
    const headline = `Unsung found no glue work for ${who} in ${s.period.label} in the ${plural(s.coveredCount, "repository", "repositories")} this report covers.`;
    if (reviews.length > 0) {
      const light = reviews.length - stamps;
      const parts = [light > 0 ? `${light} light` : "", stamps > 0 ? `${plural(stamps, "approval", "approvals")} with no visible review` : ""].filter((p) => p !== "");
      lines.push(plainLine(`${plural(reviews.length, "review", "reviews")}, none substantive or deep (${parts.join(", ")}): review load, not glue work.`));
    }
    lines.push(
      plainLine(
        "That doesn't mean there wasn't any. Mentoring, facilitation and other work off GitHub only shows up when it is logged, and missed work can be claimed; both are listed below when present.",
      ),
    );
    if (ownEntries.length > 0) {
      lines.push(
        plainLine(
          `${plural(ownEntries.length, "entry", "entries")} in their own words (notes, claims, log entries) ${ownEntries.length === 1 ? "is" : "are"} listed below.`,
        ),
      );
    }
    if (peerEndorsements.length > 0) {
      lines.push(plainLine(`${plural(peerEndorsements.length, "endorsement", "endorsements")} from teammates.`));
    }
    if (s.comparison.hasPreviousData) lines.push(plainLine(s.comparison.message));
    return { headline, lines, empty: true };
  }

  const listed =
    s.listedCount === glue.length
      ? ", all listed below."
      : s.listedCount === 0
        ? "; none carries enough evidence on its own to be listed (see the counts below)."
        : s.listedCount === 1
          ? "; the one that carries the most evidence is listed below."
          : `; the ${s.listedCount} that carry the most evidence are listed below.`;
  const headline = `${who}: ${plural(glue.length, "piece", "pieces")} of glue work in ${s.period.label} across ${plural(s.repositoryCount, "repository", "repositories")}${listed}`;

  // Reviews: depth, not volume.
  const deep = reviews.filter((m) => m.level === "deep");
  const substantive = reviews.filter((m) => m.level === "substantive");
  const depthful = reviews.filter(isDepthfulReview);
  if (depthful.length > 0) {
    const risky = depthful.filter((m) => m.parts.some(isRisky)).length;
    let text =
      deep.length > 0 && substantive.length > 0
        ? `${deep.length} deep and ${substantive.length} substantive reviews`
        : deep.length > 0
          ? plural(deep.length, "deep review", "deep reviews")
          : plural(substantive.length, "substantive review", "substantive reviews");
    const defects = depthful.filter((m) => m.parts.some(foundDefects)).length;
    if (risky > 0) text += risky === depthful.length ? " on risky changes" : `, ${risky} of them on risky changes`;
    else if (defects > 0) {
      const which = defects < depthful.length ? `, ${defects} of them` : depthful.length === 1 ? "," : ", all of them";
      text += `${which} catching defects or security problems`;
    }
    lines.push(plainLine(text));
  } else if (reviews.length > 0 && stamps === reviews.length) {
    lines.push(plainLine(`${plural(stamps, "approval", "approvals")} with no visible review (rubber ${stamps === 1 ? "stamp" : "stamps"}): not counted as glue work`));
  } else if (reviews.length > 0) {
    const light = reviews.length - stamps;
    const parts = [`${light} light`, stamps > 0 ? `${plural(stamps, "approval", "approvals")} with no visible review` : ""].filter((p) => p !== "");
    lines.push(plainLine(`${plural(reviews.length, "review", "reviews")}, none substantive or deep (${parts.join(", ")}): review load, not glue work`));
  }
  let commentTotal = 0;
  let commentLed = 0;
  for (const c of s.current) {
    if (c.kind !== "review") continue;
    const rc = reviewComments(c);
    if (rc) {
      commentTotal += rc.total;
      commentLed += rc.ledToChange;
    }
  }
  if (commentTotal > 0) {
    lines.push(plainLine(`${commentLed} of ${plural(commentTotal, "review comment", "review comments")} led to changes`));
  }

  // Flaky tests: measured outcomes first.
  const flaky = s.merged.filter((m) => m.kind === "flaky-fix");
  let shownFlaky = 0;
  for (const m of flaky) {
    if (shownFlaky >= 2) break;
    const outcome = m.parts.map(flakyOutcome).find((o) => o !== null);
    if (!outcome) continue;
    shownFlaky += 1;
    const counts =
      outcome.beforeBad !== null && outcome.beforeRuns !== null && outcome.afterBad !== null && outcome.afterRuns !== null
        ? ` (${outcome.beforeBad} of ${outcome.beforeRuns} runs before, ${outcome.afterBad} of ${outcome.afterRuns} after)`
        : outcome.runs !== null
          ? ` over ${outcome.runs} runs`
          : "";
    const figures = outcome.branch
      ? `failures and re-runs on ${outcome.branch} ${formatPercent(outcome.before)} → ${formatPercent(outcome.after)}${counts}`
      : `failures ${formatPercent(outcome.before)} → ${formatPercent(outcome.after)}${counts}`;
    // Only a falling failure rate is a fix; otherwise say what was measured.
    const verb = outcome.after < outcome.before ? "Fixed" : "Worked on";
    const tail = outcome.after < outcome.before ? "" : " (not better yet)";
    const parts: Inline[] = outcome.job
      ? [text(`${verb} the flaky `), { type: "code", text: outcome.job }, text(` job: ${figures}${tail}`)]
      : [text(`${verb} a flaky test (`), { type: "link", text: m.subjectTitle, url: m.subjectUrl }, text(`): ${figures}${tail}`)];
    lines.push(richLine(parts));
  }
  if (flaky.length > shownFlaky) {
    lines.push(
      plainLine(
        shownFlaky > 0
          ? `${plural(flaky.length - shownFlaky, "more flaky-test fix", "more flaky-test fixes")}`
          : `Fixed ${plural(flaky.length, "flaky test", "flaky tests")}`,
      ),
    );
  }

  // Quarantines are traps, not stewardship: they are named in the trap lines below.
  const stewardKinds: ContributionKind[] = ["runbook", "docs", "ci-config", "template", "ownership", "test"];
  const stewardship = stewardKinds
    .map((k) => ({ k, n: s.substantial.filter((m) => m.kind === k).length }))
    .filter((x) => x.n > 0)
    .map((x) => countKind(x.k, x.n));
  if (stewardship.length > 0) lines.push(plainLine(`Wrote or improved ${joinWords(stewardship)}`));

  const triage = s.substantial.filter((m) => m.kind === "triage").length;
  if (triage > 0) lines.push(plainLine(`Clarified or triaged ${plural(triage, "issue", "issues")}`));

  const mentoring = s.substantial.filter((m) => m.kind === "mentoring");
  if (mentoring.length > 0) {
    const people = new Set(mentoring.flatMap((m) => m.parts.flatMap(mentees)).map((l) => l.toLowerCase()));
    lines.push(
      plainLine(
        people.size > 0
          ? `Mentored ${plural(people.size, "person", "people")} (${plural(mentoring.length, "mentoring contribution", "mentoring contributions")})`
          : `${plural(mentoring.length, "mentoring contribution", "mentoring contributions")}`,
      ),
    );
  }
  const pairing = s.substantial.filter((m) => m.kind === "co-authorship");
  if (pairing.length > 0) {
    const partners = new Set(pairing.flatMap((m) => m.parts.flatMap(pairedWith)).map((l) => l.toLowerCase()));
    lines.push(
      plainLine(
        `Paired on ${plural(pairing.length, "change", "changes")} (co-authored commits)` +
          (partners.size > 0 ? ` with ${plural(partners.size, "person", "people")}` : ""),
      ),
    );
  }

  if (peerEndorsements.length > 0) {
    const endorsers = new Set(peerEndorsements.map((v) => v.authorId)).size;
    lines.push(
      plainLine(`${plural(peerEndorsements.length, "endorsement", "endorsements")} from ${plural(endorsers, "teammate", "teammates")}`),
    );
  }
  if (ownEntries.length > 0) {
    const corroborated = ownEntries.filter((v) => v.standing === "corroborated").length;
    lines.push(
      plainLine(
        `${plural(ownEntries.length, "entry", "entries")} in their own words (notes, claims, log entries)` +
          (corroborated > 0 ? `, ${corroborated} of them corroborated` : ", self-reported"),
      ),
    );
  }
  const disputes = s.views.filter((v) => v.kind === "dispute").length;
  const attached = disputes - s.looseDisputes;
  if (attached > 0) lines.push(plainLine(`${plural(attached, "dispute", "disputes")} of what Unsung detected, shown next to the item disputed`));
  if (s.looseDisputes > 0) {
    lines.push(
      plainLine(`${plural(s.looseDisputes, "dispute", "disputes")} about work this report does not credit, shown under “In their own words, and from peers”`),
    );
  }
  for (const f of s.dynamics.findings.slice(0, 3)) lines.push(plainLine(f.headline));
  if (s.dynamics.findings.length > 3) {
    lines.push(plainLine(`${plural(s.dynamics.findings.length - 3, "more kind", "more kinds")} of glue work keep recurring: see “Compounding or trap”`));
  }
  lines.push(plainLine(s.comparison.message));
  return { headline, lines, empty: false };
}
