/**
 * Push payloads: pushes to main, from squash merges and direct pushes, each
 * queueing a CI request for the final pass (see emit-ci.ts).
 */
import { REPOS, fullName, noreplyEmail, type Person, type RepoKey } from "./cast.js";
import type { EmitContext } from "./emit-context.js";
import { WEB, installationRef, organizationObject, userObject } from "./github-shapes.js";
import type { FileChange } from "./patches.js";
import { iso, ms, type Plan } from "./spec.js";

/** A push to main: a squash merge or a direct push. */
export function emitMainPush(
  ctx: EmitContext,
  repoKey: RepoKey,
  at: number,
  pusher: Person,
  sha: string,
  message: string,
  author: { name: string; email: string; username: string },
  files: FileChange[],
  viaMerge: boolean,
): void {
  const repo = REPOS[repoKey];
  const repoName = fullName(repo);
  const treeId = ctx.rng.sha();
  const commit = {
    id: sha,
    tree_id: treeId,
    distinct: true,
    message,
    timestamp: iso(at),
    url: `${WEB}/${repoName}/commit/${sha}`,
    author,
    committer: viaMerge ? { name: "GitHub", email: "noreply@github.com", username: "web-flow" } : author,
    added: files.filter((f) => f.status === "added").map((f) => f.path),
    removed: files.filter((f) => f.status === "removed").map((f) => f.path),
    modified: files.filter((f) => f.status === "modified" || f.status === "renamed").map((f) => f.path),
  };
  ctx.push(
    at,
    "push",
    repoKey,
    (state, repoObject) => ({
      ref: "refs/heads/main",
      before: state.mainSha,
      after: sha,
      repository: repoObject,
      pusher: { name: pusher.login, email: noreplyEmail(pusher) },
      organization: organizationObject(),
      sender: userObject(pusher),
      installation: installationRef(),
      created: false,
      deleted: false,
      forced: false,
      base_ref: null,
      compare: `${WEB}/${repoName}/compare/${state.mainSha.slice(0, 12)}...${sha.slice(0, 12)}`,
      commits: [commit],
      head_commit: commit,
    }),
    (state) => {
      state.mainSha = sha;
      state.pushedAt = iso(at);
    },
  );
  ctx.ci.push({
    repo: repoKey,
    sha,
    branch: "main",
    event: "push",
    at,
    actor: pusher,
    title: message.split("\n")[0] ?? message,
    commitMessage: message,
    commitAuthor: { name: author.name, email: author.email },
  });
}

/** A push straight to main (no pull request). */
export function emitDirectPush(ctx: EmitContext, spec: Plan["directPushes"][number]): void {
  const trailers = (spec.coAuthors ?? []).map((ca) => `Co-authored-by: ${ca.name} <${ca.email}>`).join("\n");
  const message = trailers ? `${spec.message}\n\n${trailers}` : spec.message;
  emitMainPush(ctx, 
    spec.repo,
    ms(spec.at),
    spec.author,
    ctx.rng.sha(),
    message,
    { name: spec.author.name, email: noreplyEmail(spec.author), username: spec.author.login },
    spec.files,
    false,
  );
}
