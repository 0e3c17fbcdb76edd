/**
 * A pull request that changes `.github/unsung.yml` gets a check run saying
 * precisely what is wrong with the new file (path, line, what is expected),
 * or that it is valid — before it merges. Nothing is posted for pull requests
 * that do not touch the file.
 */
import { formatConfigIssues, parseRepoConfig } from "../config/repo-config.js";
import type { GitHub, GitHubClientFactory } from "../github/clients.js";
import { CONFIG_PATH } from "./load-repo-config.js";

export interface CheckConfigJob {
  installationId: number;
  repositoryId: number;
  owner: string;
  repo: string;
  number: number;
  headSha: string;
}

export type CheckConfigOutcome = "no-client" | "not-changed" | "removed" | "valid" | "invalid";

export const CHECK_NAME = "Unsung configuration";
const MAX_FILE_PAGES = 30;

export async function checkConfigChange(clients: GitHubClientFactory, job: CheckConfigJob): Promise<CheckConfigOutcome> {
  const gh = await clients(job.installationId);
  if (!gh) return "no-client";
  const change = await findConfigChange(gh, job);
  if (change === null) return "not-changed";
  if (change === "removed") return "removed";
  let text: string | null = null;
  try {
    const res = await gh.request("GET /repos/{owner}/{repo}/contents/{path}", { owner: job.owner, repo: job.repo, path: CONFIG_PATH, ref: job.headSha });
    const data = res.data as { content?: string; encoding?: string };
    if (typeof data.content === "string") text = Buffer.from(data.content, data.encoding === "base64" ? "base64" : "utf8").toString("utf8");
  } catch (err) {
    if ((err as { status?: number }).status !== 404) throw err;
  }
  if (text === null) return "not-changed";
  const parsed = parseRepoConfig(text);
  const ok = parsed.errors.length === 0;
  const issues = [...parsed.errors, ...parsed.warnings];
  await gh.request("POST /repos/{owner}/{repo}/check-runs", {
    owner: job.owner,
    repo: job.repo,
    name: CHECK_NAME,
    head_sha: job.headSha,
    status: "completed",
    conclusion: ok ? (parsed.warnings.length ? "neutral" : "success") : "failure",
    output: {
      title: ok ? (parsed.warnings.length ? `${CONFIG_PATH} is valid, with ${parsed.warnings.length} warning(s)` : `${CONFIG_PATH} is valid`) : `${CONFIG_PATH} has ${parsed.errors.length} error(s)`,
      // GitHub caps a check run's summary at 65,535 characters.
      summary: (issues.length ? formatConfigIssues(issues, CONFIG_PATH) : `Unsung will use this configuration once it is merged.`).slice(0, 60_000),
    },
  });
  return ok ? "valid" : "invalid";
}

async function findConfigChange(gh: GitHub, job: CheckConfigJob): Promise<"changed" | "removed" | null> {
  for (let page = 1; page <= MAX_FILE_PAGES; page++) {
    let files: { filename?: string; status?: string }[];
    try {
      files = (await gh.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", { owner: job.owner, repo: job.repo, pull_number: job.number, per_page: 100, page })).data as typeof files;
    } catch (err) {
      if ((err as { status?: number }).status === 404) return null;
      throw err;
    }
    if (!Array.isArray(files)) return null;
    const hit = files.find((f) => f.filename === CONFIG_PATH);
    if (hit) return hit.status === "removed" ? "removed" : "changed";
    if (files.length < 100) return null;
  }
  return null;
}
