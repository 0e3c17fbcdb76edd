/**
 * API recordings: the responses the worker fetches after a merge (GraphQL
 * review threads and commits, REST changed files) and the config-file lookups.
 */
import { Buffer } from "node:buffer";
import { ORG, REPOS, fullName, noreplyEmail, type RepoKey } from "./cast.js";
import { commitMessage, type EmitContext, type Json, type PrCommit, type ThreadState } from "./emit-context.js";
import { API, WEB } from "./github-shapes.js";
import { fileStats, renderPatch, type FileChange } from "./patches.js";
import { iso } from "./spec.js";

/** Recordings the worker fetches after the merge: review threads and commits (GraphQL), and the changed files. */
export function recordMerge(ctx: EmitContext, repoName: string, number: number, threads: ThreadState[], commits: PrCommit[], files: FileChange[], mergeSha: string): void {
  const [owner, name] = repoName.split("/") as [string, string];
  ctx.recordings.push({
    method: "POST",
    path: "/graphql",
    variables: { owner, name, number, threads: null, commits: null },
    status: 200,
    body: {
      data: {
        repository: {
          pullRequest: {
            reviewThreads: {
              pageInfo: { hasNextPage: false, endCursor: null },
              nodes: threads.map((th) => ({
                id: th.nodeId,
                isResolved: th.resolvedBy !== null,
                isOutdated: th.outdated,
                path: th.path,
                resolvedBy: th.resolvedBy ? { login: th.resolvedBy.login } : null,
                comments: { nodes: th.commentIds.map((databaseId) => ({ databaseId })) },
              })),
            },
            commits: {
              pageInfo: { hasNextPage: false, endCursor: null },
              nodes: commits.map((c) => ({
                commit: {
                  oid: c.sha,
                  message: commitMessage(c),
                  authoredDate: iso(c.authoredAt),
                  author: {
                    name: c.author.name,
                    email: c.unlinkedEmail ?? noreplyEmail(c.author),
                    user: c.unlinkedEmail ? null : { databaseId: c.author.id, login: c.author.login },
                  },
                },
              })),
            },
          },
        },
      },
    },
  });
  ctx.recordings.push({
    method: "GET",
    path: `/repos/${repoName}/pulls/${number}/files?per_page=100&page=1`,
    status: 200,
    body: files.map((f) => fileEntry(repoName, mergeSha, f)),
  });
}

export function fileEntry(repoName: string, ref: string, f: FileChange): Json {
  const s = fileStats(f);
  const blob = Buffer.from(`${repoName}:${ref}:${f.path}`).toString("hex").padEnd(40, "0").slice(-40);
  const entry: Json = {
    sha: blob,
    filename: f.path,
    status: f.status,
    additions: s.additions,
    deletions: s.deletions,
    changes: s.additions + s.deletions,
    blob_url: `${WEB}/${repoName}/blob/${ref}/${f.path}`,
    raw_url: `${WEB}/${repoName}/raw/${ref}/${f.path}`,
    contents_url: `${API}/repos/${repoName}/contents/${f.path}?ref=${ref}`,
  };
  if (!f.omitPatch) entry.patch = renderPatch(f);
  if (f.previousPath) entry.previous_filename = f.previousPath;
  return entry;
}

/** The `.github/unsung.yml` lookups: the file in `configRepo`, 404 everywhere else and for the org-wide file. */
export function recordConfig(ctx: EmitContext, configRepo: RepoKey, yaml: string): void {
  for (const repo of Object.values(REPOS)) {
    const path = `/repos/${fullName(repo)}/contents/.github%2Funsung.yml`;
    if (repo.key !== configRepo) {
      ctx.recordings.push({ method: "GET", path, status: 404, body: notFound() });
      continue;
    }
    const content = Buffer.from(yaml).toString("base64").replace(/(.{60})/g, "$1\n");
    const sha = Buffer.from(yaml).toString("hex").slice(0, 40).padEnd(40, "0");
    const name = fullName(repo);
    ctx.recordings.push({
      method: "GET",
      path,
      status: 200,
      body: {
        type: "file",
        encoding: "base64",
        size: Buffer.byteLength(yaml),
        name: "unsung.yml",
        path: ".github/unsung.yml",
        content,
        sha,
        url: `${API}/repos/${name}/contents/.github/unsung.yml?ref=main`,
        git_url: `${API}/repos/${name}/git/blobs/${sha}`,
        html_url: `${WEB}/${name}/blob/main/.github/unsung.yml`,
        download_url: `https://raw.githubusercontent.com/${name}/main/.github/unsung.yml`,
        _links: {
          self: `${API}/repos/${name}/contents/.github/unsung.yml?ref=main`,
          git: `${API}/repos/${name}/git/blobs/${sha}`,
          html: `${WEB}/${name}/blob/main/.github/unsung.yml`,
        },
      },
    });
  }
  ctx.recordings.unshift({
    method: "GET",
    path: `/repos/${ORG.login}/.github/contents/.github%2Funsung.yml`,
    status: 404,
    body: notFound(),
  });
}

function notFound(): Json {
  return {
    message: "Not Found",
    documentation_url: "https://docs.github.com/rest/repos/contents#get-repository-content",
    status: "404",
  };
}
