/**
 * Every pull-request detector over one bundle: review depth (per reviewer),
 * change kinds and flaky-test fixes/quarantines (for the author, merged pull
 * requests only), mentoring of newcomers, and co-authorship. Pure.
 */
import type { ChangeKind, Contribution, GlueDynamics, ProofItem } from "../model.js";
import type { PullRequestBundle } from "../facts.js";
import { classifyChange, type ChangeClassification, type ChangeInput } from "./classify-change.js";
import { compileConfig, exclusionOf, type CompiledConfig } from "./compile-config.js";
import { defaultDetectorConfig, type DetectorConfig } from "./config.js";
import { contribution, identified, issueUrl, prLabel, prProof, pullRequestSubject } from "./contribution.js";
import { coAuthorshipContributions } from "./detect-co-authorship.js";
import { mentoringContributions, newcomerStatus } from "./detect-mentoring.js";
import { gatherReviewers, reviewContributions } from "./detect-review-depth.js";
import { percent, plural } from "./text.js";

/** The ChangeInput of a pull request bundle (what classifyChange sees). */
export function changeInputOf(bundle: PullRequestBundle): ChangeInput {
  const pr = bundle.pullRequest;
  return {
    title: pr.title,
    body: pr.body,
    commitMessages: bundle.commits.map((c) => c.message),
    labels: pr.labels,
    linkedIssues: bundle.linkedIssues,
    files: bundle.files.map((f) => ({ path: f.path, additions: f.additions, deletions: f.deletions, patch: f.patch })),
    ci: {
      runs: bundle.ciRuns.map((r) => ({
        name: r.name,
        sha: r.headSha,
        conclusion: r.conclusion,
        attempt: r.attempt,
        at: r.startedAt ?? r.completedAt,
        branch: r.headBranch,
      })),
      mergedAt: pr.mergedAt,
      defaultBranch: bundle.repository.defaultBranch,
    },
  };
}

export function detectPullRequest(bundle: PullRequestBundle, config: DetectorConfig = defaultDetectorConfig): Contribution[] {
  const c = compileConfig(config);
  const classification = classifyChange(changeInputOf(bundle), config);
  const status = newcomerStatus(bundle, c);
  const reviewers = gatherReviewers(bundle, c, classification.docsOnly);
  const out: Contribution[] = [];
  out.push(...reviewContributions(bundle, reviewers, status.newcomer));
  out.push(...authorContributions(bundle, c, classification));
  out.push(...mentoringContributions(bundle, c, reviewers, status));
  out.push(...coAuthorshipContributions(bundle, c).contributions);
  return out;
}

const KIND_TEXT: Record<ChangeKind, { what: string; improvement: string; beneficiaries: (repo: string) => string[]; dynamics: GlueDynamics }> = {
  docs: {
    what: "documentation",
    improvement: "Not measurable yet: whether it answers questions before they are asked shows over time (fewer repeated questions and issues on the topic).",
    beneficiaries: (repo) => [`readers and newcomers of ${repo}`],
    dynamics: "compounding",
  },
  runbook: {
    what: "a runbook / on-call guide",
    improvement: "Not measurable yet: incidents handled with the runbook are not linked to it.",
    beneficiaries: (repo) => [`on-call engineers for ${repo}`],
    dynamics: "compounding",
  },
  "ci-config": {
    what: "CI configuration",
    improvement: "Not measurable yet from this change alone (CI failure rates before/after are measured for flaky-test fixes).",
    beneficiaries: (repo) => [`everyone who pushes to ${repo}`],
    dynamics: "compounding",
  },
  template: {
    what: "pull request / issue templates",
    improvement: "Not measurable yet: later pull requests and issues follow the template.",
    beneficiaries: (repo) => [`authors and reviewers of future pull requests and issues in ${repo}`],
    dynamics: "compounding",
  },
  ownership: {
    what: "code ownership (CODEOWNERS)",
    improvement: "Not measurable yet: reviews are routed to the right owners from now on.",
    beneficiaries: (repo) => [`authors and reviewers in ${repo}`],
    dynamics: "compounding",
  },
  test: {
    what: "tests",
    improvement: "Not measurable yet: defects the tests catch later are not linked to them.",
    beneficiaries: (repo) => [`maintainers of ${repo}`],
    dynamics: "neutral",
  },
};

/**
 * Configuration that steers everyone's work in a few lines (CI, templates, CODEOWNERS): a
 * ten-line CODEOWNERS change routes every future review, so its size undersells it.
 */
const DENSE_KINDS: ReadonlySet<ChangeKind> = new Set<ChangeKind>(["ci-config", "template", "ownership"]);
const DENSE_KIND_MIN_SCORE = 30;

function frictionFromLinks(bundle: PullRequestBundle): { text: string; proof: ProofItem[] } | null {
  const issues = bundle.linkedIssues;
  if (issues.length === 0) return null;
  const first = issues.slice(0, 3);
  return {
    text: `Linked ${first.length === 1 ? "issue" : "issues"} ${first.map((i) => `#${i.number} “${i.title}”`).join(", ")} ${first.length === 1 ? "describes" : "describe"} the problem.`,
    proof: first.map((i) => ({ label: `Issue #${i.number}: ${i.title}`, url: issueUrl(bundle.repository, i.number) })),
  };
}

/** Change kinds and flaky-test work, credited to the author of a merged pull request. */
function authorContributions(bundle: PullRequestBundle, c: CompiledConfig, cls: ChangeClassification): Contribution[] {
  const pr = bundle.pullRequest;
  if (!pr.merged) return [];
  const author = identified(pr.author);
  if (!author || exclusionOf(c, author.login, author.isBot) !== null) return [];
  const subject = pullRequestSubject(bundle);
  const occurredAt = pr.mergedAt ?? pr.closedAt ?? pr.createdAt;
  const repo = bundle.repository.fullName;
  const links = frictionFromLinks(bundle);
  const sizeProof: ProofItem = { label: `+${pr.additions.toLocaleString("en-US")} −${pr.deletions.toLocaleString("en-US")} in ${plural(pr.changedFiles, "file")}` };
  const out: Contribution[] = [];
  const flaky = cls.flakyFix;

  for (const k of cls.kinds) {
    if (k.kind === "test" && (flaky.is || flaky.quarantine)) continue;
    const text = KIND_TEXT[k.kind];
    const contentBased = k.evidence.some((e) => e.includes("reads like"));
    out.push(
      contribution({
        key: `${k.kind}:${pr.id}:${author.id}`,
        kind: k.kind,
        person: author,
        subject,
        occurredAt,
        score: Math.max(DENSE_KINDS.has(k.kind) ? DENSE_KIND_MIN_SCORE : 0, (0.5 + 0.5 * k.share) * 20 * Math.log2(1 + k.lines / 8)),
        confidence: contentBased ? 0.75 : 0.9,
        level: null,
        dynamics: text.dynamics,
        evidence: [`${prLabel(bundle)} “${pr.title}” is mainly ${text.what} (${percent(k.share)} of the changed lines).`, ...k.evidence],
        formula: {
          friction: links?.text ?? "Not recorded: no linked issue describes the problem before this change.",
          change: `${author.login} changed ${text.what}: ${plural(k.lines, "line")} in ${plural(k.files, "file")} (${percent(k.share)} of the pull request).`,
          improvement: text.improvement,
          beneficiaries: text.beneficiaries(repo),
          proof: [prProof(bundle), sizeProof, ...(links?.proof ?? [])],
        },
        detail: { share: k.share, lines: k.lines, files: k.files, breakdown: cls.breakdown.map((b) => ({ kind: b.kind, share: b.share, lines: b.lines })), otherLines: cls.otherLines },
        detector: "change-kind",
      }),
    );
  }

  if (flaky.is) {
    const o = flaky.outcome;
    let score = 40 + 30 * flaky.confidence;
    if (o && o.status === "improved" && o.before.rate > 0) score += 30 * Math.min(1, (o.before.rate - o.after.rate) / o.before.rate);
    const proof: ProofItem[] = [prProof(bundle), ...(links?.proof ?? [])];
    if (o && o.status !== "not-measurable") proof.push({ label: `“${o.check}” on ${o.branch ?? "the default branch"}: ${o.before.bad}/${o.before.runs} runs failed or re-ran before, ${o.after.bad}/${o.after.runs} after` });
    out.push(
      contribution({
        key: `flaky-fix:${pr.id}:${author.id}`,
        kind: "flaky-fix",
        person: author,
        subject,
        occurredAt,
        score,
        confidence: flaky.confidence,
        level: o?.status ?? "not-measurable",
        dynamics: "compounding",
        evidence: [`${prLabel(bundle)} “${pr.title}” fixes a flaky test.`, ...flaky.evidence],
        formula: {
          friction: flaky.check
            ? `“${flaky.check}” failed and then passed on a re-run of the same commit ${plural(flaky.ciFlips, "time")} in the ${c.config.windows.ciDaysBefore} days before (counting pull-request branches)${
                o && o.before.runs > 0 ? `; on ${o.branch ?? "the default branch"} it failed or needed a re-run on ${o.before.bad} of ${plural(o.before.runs, "commit")}` : ""
              }: people were re-running CI to get a green build.`
            : (links?.text ?? "A test failed intermittently (as the change says); how often is not recorded."),
          change: `${author.login} fixed the cause${flaky.patterns.length > 0 ? `: in test code it ${flaky.patterns.join("; ")}` : ""}.`,
          improvement: o ? o.sentence : "Not measurable yet: no CI check is known to have flipped before the fix, so there is no failure rate to follow.",
          beneficiaries: [`everyone who waits on CI in ${repo}`],
          proof,
        },
        detail: { patterns: flaky.patterns, check: flaky.check, ciFlips: flaky.ciFlips, outcome: flaky.outcome },
        detector: "flaky-fix",
      }),
    );
  } else if (flaky.quarantine) {
    out.push(
      contribution({
        key: `flaky-quarantine:${pr.id}:${author.id}`,
        kind: "flaky-quarantine",
        person: author,
        subject,
        occurredAt,
        score: 15 + 20 * flaky.quarantineConfidence,
        confidence: flaky.quarantineConfidence,
        level: null,
        dynamics: "trap",
        evidence: [
          `${prLabel(bundle)} “${pr.title}” skips, quarantines or retries a flaky test.`,
          ...flaky.evidence,
          "Unblocking the team has value, but the test is no longer checking anything: a systemic fix (fix the cause, then remove the skip or retry) is still owed.",
        ],
        formula: {
          friction: flaky.check
            ? `“${flaky.check}” failed and then passed on the same commit ${plural(flaky.ciFlips, "time")} before the change.`
            : (links?.text ?? "A flaky test was blocking builds (as the change says); how often is not recorded."),
          change: `${author.login} skipped, quarantined or retried it instead of fixing it.`,
          improvement: "Builds stop failing on it, but the flakiness remains hidden; a lower failure rate after a skip is not an improvement of the test.",
          beneficiaries: [`everyone who waits on CI in ${repo}`],
          proof: [prProof(bundle), ...(links?.proof ?? [])],
        },
        detail: { check: flaky.check, ciFlips: flaky.ciFlips },
        detector: "flaky-fix",
      }),
    );
  }
  return out;
}

