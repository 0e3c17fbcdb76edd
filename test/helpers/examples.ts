/** Real webhook payloads from @octokit/webhooks-examples, by event. */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const all = require("@octokit/webhooks-examples/api.github.com/index.json") as { name: string; examples: Record<string, unknown>[] }[];

export function examplesOf(event: string): Record<string, unknown>[] {
  return structuredClone(all.find((e) => e.name === event)?.examples ?? []);
}

export function example(event: string, action?: string): Record<string, unknown> {
  const found = examplesOf(event).find((p) => action === undefined || p.action === action);
  if (!found) throw new Error(`no example for ${event}${action ? "." + action : ""}`);
  return found;
}

export const SUBSCRIBED_EVENTS = [
  "pull_request",
  "pull_request_review",
  "pull_request_review_comment",
  "pull_request_review_thread",
  "issues",
  "issue_comment",
  "check_run",
  "workflow_run",
  "push",
  "installation",
  "installation_repositories",
];
