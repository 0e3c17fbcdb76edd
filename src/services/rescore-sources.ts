/**
 * Runs the detectors again on the subjects named by contribution source keys (`pr:R:N`,
 * `issue:R:N`, `reruns:R:workflow:YYYY-MM`): after an erasure, other people's evidence about those
 * subjects is rebuilt from the facts as they are now. Keys of another shape are skipped.
 */
import type { Kysely } from "kysely";
import type { GitHubClientFactory } from "../github/clients.js";
import type { DB } from "../store/schema.js";
import { detectIssueService, detectPullRequestService, detectReruns } from "./run-detectors.js";

export interface RescoreDeps {
  db: Kysely<DB>;
  clients: GitHubClientFactory;
  now: () => Date;
}

export type SourceKey =
  | { kind: "pr"; repositoryId: number; number: number }
  | { kind: "issue"; repositoryId: number; number: number }
  | { kind: "reruns"; repositoryId: number; workflow: string; month: string };

/** A source key → its subject, or null for a key of another shape. */
export function parseSourceKey(key: string): SourceKey | null {
  const subject = /^(pr|issue):(\d{1,18}):(\d{1,10})$/.exec(key);
  if (subject) return { kind: subject[1] as "pr" | "issue", repositoryId: Number(subject[2]), number: Number(subject[3]) };
  // A workflow's name may itself hold colons: the month is the last part.
  const reruns = /^reruns:(\d{1,18}):(.*):(\d{4}-\d{2})$/s.exec(key);
  if (reruns) return { kind: "reruns", repositoryId: Number(reruns[1]), workflow: reruns[2]!, month: reruns[3]! };
  return null;
}

/** Re-runs each subject's detectors; returns how many subjects ran. */
export async function rescoreSources(deps: RescoreDeps, keys: readonly string[]): Promise<number> {
  let n = 0;
  for (const key of keys) {
    const s = parseSourceKey(key);
    if (!s) continue;
    if (s.kind === "pr") await detectPullRequestService(deps, s.repositoryId, s.number);
    else if (s.kind === "issue") await detectIssueService(deps, s.repositoryId, s.number);
    else await detectReruns(deps, s.repositoryId, s.workflow, s.month);
    n += 1;
  }
  return n;
}
