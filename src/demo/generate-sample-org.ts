/**
 * A deterministic sample organisation for the demo and for end-to-end tests:
 * a quarter of GitHub activity in the fictional org "acme-robotics", recorded
 * as webhook deliveries (in the order GitHub would send them) plus the API
 * responses the worker fetches after each merge.
 *
 * Same seed, byte-identical output: every random choice comes from a seeded
 * PRNG and every date from fixed anchors (never the wall clock).
 */
import { ENGINEERS, INSTALLATION_ID, ORG, P, REPO_LIST, TEAMS, fullName } from "./cast.js";
import { Emitter } from "./emit-deliveries.js";
import { fillerPullRequests } from "./filler.js";
import { Random } from "./prng.js";
import { MINUTE, ms, type IssueSpec, type Plan, type PrSpec } from "./spec.js";
import { buildStory } from "./story.js";
import { FLAKY_FIX_KEY, glueStories } from "./story-glue.js";
import { directPushes, issueFixStories, issueStories, mentoringStories } from "./story-people.js";
import { reviewStories } from "./story-reviews.js";
import type { SampleDelivery, SampleOrg } from "./types.js";

export type { Recording, SampleDelivery, SampleOrg } from "./types.js";

export const DEFAULT_SEED = 20260701;

/** When the app was installed: the first delivery. */
export const INSTALLED_AT = "2026-06-01T09:12:40Z";

/** The quarter the story is about. */
export const SAMPLE_QUARTER = { label: "2026Q3", from: "2026-07-01T00:00:00Z", to: "2026-09-30T23:59:59Z" } as const;

/** The `.github/unsung.yml` committed to fleet-api (every other repository has none). */
export const SAMPLE_REPO_CONFIG = [
  "# Unsung settings for fleet-api. The org-wide file (acme-robotics/.github) does not exist yet.",
  "teams:",
  ...Object.entries(TEAMS).map(([team, people]) => `  ${team}: [${people.map((p) => p.login).join(", ")}]`),
  "",
].join("\n");

export function generateSampleOrg(options: { seed?: number } = {}): SampleOrg {
  const seed = options.seed ?? DEFAULT_SEED;
  const rng = new Random(seed);

  const story: PrSpec[] = [...reviewStories(rng), ...glueStories(rng), ...mentoringStories(rng), ...issueFixStories()];
  const usedTitles = new Set(story.map((p) => p.title));
  const pullRequests = [...story, ...fillerPullRequests(rng, usedTitles)];
  const issues = issueStories();
  closeIssuesFromMerges(pullRequests, issues);
  const plan: Plan = { pullRequests, issues, directPushes: directPushes() };

  const emitter = new Emitter(plan, rng, FLAKY_FIX_KEY);
  emitter.installation(ms(INSTALLED_AT), P.marcus);
  for (const pr of plan.pullRequests) emitter.pullRequest(pr);
  for (const issue of plan.issues) emitter.issue(issue);
  for (const push of plan.directPushes) emitter.directPush(push);
  emitter.configRecordings("fleet", SAMPLE_REPO_CONFIG);
  const { deliveries, recordings } = emitter.finish();

  return {
    org: ORG.login,
    installationId: INSTALLATION_ID,
    engineers: ENGINEERS.map((p) => p.login),
    repositories: REPO_LIST.map((r) => ({ fullName: fullName(r), private: r.private })),
    deliveries,
    recordings,
    story: buildStory(emitter.facts),
  };
}

/** A merged pull request that says "Fixes #n" closes the issue, by the person who merged, a second later. */
function closeIssuesFromMerges(pullRequests: PrSpec[], issues: IssueSpec[]): void {
  for (const pr of pullRequests) {
    if (!pr.close?.merged || !pr.closesIssues) continue;
    const mergedAt = ms(pr.openedAt) + Math.round(pr.close.atMin * MINUTE);
    for (const key of pr.closesIssues) {
      const issue = issues.find((i) => i.key === key);
      if (!issue) throw new Error(`${pr.key} closes unknown issue ${key}`);
      issue.events.push({ kind: "close", by: pr.close.by, atMin: (mergedAt + 2000 - ms(issue.openedAt)) / MINUTE, reason: "completed" });
    }
  }
}

/**
 * When a delivery happened, read from its payload (the field GitHub sets to
 * the moment of the event). Deliveries are sorted by this.
 */
export function deliveryTimestamp(delivery: SampleDelivery): string {
  const p = delivery.payload;
  const get = (obj: unknown, key: string): unknown => (obj && typeof obj === "object" ? (obj as Record<string, unknown>)[key] : undefined);
  let value: unknown;
  switch (delivery.event) {
    case "installation": {
      const created = get(p.installation, "created_at");
      value = typeof created === "number" ? new Date(created * 1000).toISOString().replace(/\.\d{3}Z$/, "Z") : created;
      break;
    }
    case "push":
      value = get(p.head_commit, "timestamp");
      break;
    case "workflow_run":
      value = get(p.workflow_run, "updated_at");
      break;
    case "check_run":
      value = get(p.check_run, "completed_at");
      break;
    case "pull_request":
    case "pull_request_review_thread":
      value = get(p.pull_request, "updated_at");
      break;
    case "pull_request_review":
      value = get(p.review, "submitted_at");
      break;
    case "pull_request_review_comment":
    case "issue_comment":
      value = get(p.comment, "created_at");
      break;
    case "issues":
      value = get(p.issue, "updated_at");
      break;
    default:
      value = undefined;
  }
  if (typeof value !== "string") throw new Error(`no timestamp for ${delivery.event} delivery ${delivery.id}`);
  return value;
}
