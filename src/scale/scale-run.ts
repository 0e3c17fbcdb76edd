/**
 * The state one generation run shares between the row families: the plan,
 * the seeded stream every monthly draw comes from (in the order the rows are
 * generated), the sink, the id sequences, and what later rows look back at
 * (the last review contribution per person, merged pull requests per author).
 */
import type { Contribution, PersonRef } from "../core/model.js";
import { storedSummary } from "../core/report/review-tally.js";
import type { Random } from "../demo/prng.js";
import type { ReviewTemplate } from "./review-templates.js";
import type { Engineer, Repo, ScaleOrgPlan } from "./scale-plan.js";
import type { RowSink } from "./scale-shared.js";

export type ScaleRun = ReturnType<typeof startScaleRun>;

/** The run over `plan`: `rng` is the stream of the monthly rows, `computedAt` stamps every contribution. */
export function startScaleRun(plan: ScaleOrgPlan, emit: RowSink, rng: Random, templates: ReviewTemplate[][], fromMs: number, clamp: (t: number) => number, computedAt: string) {
  const byTeam = plan.teams.map((t) => t.members);
  const teamRepos = plan.repositories.filter((r) => r.team >= 0);
  const sharedRepos = plan.repositories.filter((r) => r.team === -1 && r !== plan.configRepo);
  const copilot = plan.bots[2]!;
  const dependabot = plan.bots[0]!;
  const actions = plan.bots[1]!;
  const lastReviewKey = new Map<number, { key: string; url: string; repo: Repo }>();
  const mergedBefore = new Map<number, number>();

  const person = (e: Engineer): PersonRef & { id: number } => ({ id: e.id, login: e.login, isBot: false });

  const contributionRow = (c: Contribution, sourceKey: string): unknown[] => {
    const summary = storedSummary(c);
    return [
      c.key,
      c.kind,
      c.personId,
      c.personLogin,
      c.repositoryId,
      c.repositoryFullName,
      c.repositoryPrivate,
      c.subjectType,
      c.subjectId,
      c.subjectTitle,
      c.subjectUrl,
      c.occurredAt,
      c.score,
      c.confidence,
      c.level,
      c.dynamics,
      JSON.stringify(c.evidence),
      JSON.stringify(c.formula),
      JSON.stringify(c.detail),
      c.detector,
      c.detectorVersion,
      sourceKey,
      computedAt,
      summary.matchUrl,
      summary.areas,
      summary.commentCount,
      summary.commentsLedToChange,
    ];
  };

  return {
    plan, rng, templates, emit, fromMs, clamp, byTeam, teamRepos, sharedRepos, copilot, dependabot, actions,
    prSeq: 0,
    reviewSeq: 0,
    commentSeq: 0,
    checkSeq: 0,
    workflowSeq: 0,
    issueSeq: 0,
    issueCommentSeq: 0,
    annotationSeq: 0,
    lastReviewKey, mergedBefore, person, contributionRow,
  };
}
