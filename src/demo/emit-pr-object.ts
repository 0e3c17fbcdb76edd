/**
 * The pull request object as it stood at a moment (state, draft, head, counts),
 * shared by every pull_request* delivery. A `PrDraft` carries what
 * `emitPullRequest` worked out about one pull request.
 */
import { ORG, type Person, type RepoInfo } from "./cast.js";
import type { EmitContext, Json, RepoState } from "./emit-context.js";
import { API, labelObject, nodeId, userObject } from "./github-shapes.js";
import type { FileChange } from "./patches.js";
import { iso, type PrSpec } from "./spec.js";

/** One pull request's fixed facts and growing timelines, as `emitPullRequest` computed them. */
export interface PrDraft {
  spec: PrSpec;
  repo: RepoInfo;
  repoName: string;
  number: number;
  prId: number;
  t0: number;
  htmlUrl: string;
  apiUrl: string;
  title: string;
  readyAt: number | null;
  closeAt: number | null;
  merged: boolean;
  mergeSha: string;
  baseSha: string;
  headAt: (t: number) => string;
  commitsAt: (t: number) => number;
  files: FileChange[];
  totals: { additions: number; deletions: number };
  labels: string[];
  humanReviewers: Person[];
  issueCommentTimes: number[];
  reviewCommentTimes: number[];
}

/** Builds the pull request object at time `t`; `full` adds the fields only pull_request deliveries carry. */
export type PrObject = (t: number, full: boolean, repoObject: Json, state: RepoState) => Json;

export function prObjectBuilder(ctx: EmitContext, d: PrDraft): PrObject {
  const { spec, repo, repoName, number, prId, t0, htmlUrl, apiUrl, title, readyAt, closeAt, merged, mergeSha, baseSha } = d;
  const { headAt, commitsAt, files, totals, labels, humanReviewers, issueCommentTimes, reviewCommentTimes } = d;

  const prObject = (t: number, full: boolean, repoObject: Json, state: RepoState): Json => {
    const closed = closeAt !== null && t >= closeAt;
    const isMerged = closed && merged;
    const draft = readyAt !== null && t < readyAt;
    const head = headAt(t);
    const obj: Json = {
      url: apiUrl,
      id: prId,
      node_id: nodeId("PullRequest", prId),
      html_url: htmlUrl,
      diff_url: `${htmlUrl}.diff`,
      patch_url: `${htmlUrl}.patch`,
      issue_url: `${API}/repos/${repoName}/issues/${number}`,
      number,
      state: closed ? "closed" : "open",
      locked: false,
      title,
      user: userObject(spec.author),
      body: ctx.text(spec.body),
      created_at: iso(t0),
      updated_at: iso(t),
      closed_at: closed && closeAt !== null ? iso(closeAt) : null,
      merged_at: isMerged && closeAt !== null ? iso(closeAt) : null,
      merge_commit_sha: isMerged ? mergeSha : null,
      assignee: null,
      assignees: [],
      requested_reviewers: t === t0 ? humanReviewers.map(userObject) : [],
      requested_teams: [],
      labels: labels.map((l) => labelObject(repo, l)),
      milestone: null,
      draft,
      commits_url: `${apiUrl}/commits`,
      review_comments_url: `${apiUrl}/comments`,
      review_comment_url: `${API}/repos/${repoName}/pulls/comments{/number}`,
      comments_url: `${API}/repos/${repoName}/issues/${number}/comments`,
      statuses_url: `${API}/repos/${repoName}/statuses/${head}`,
      head: {
        label: `${ORG.login}:${spec.headRef}`,
        ref: spec.headRef,
        sha: head,
        user: userObject({ login: ORG.login, id: ORG.id, name: ORG.name, type: "User" }),
        repo: repoObject,
      },
      base: {
        label: `${ORG.login}:main`,
        ref: "main",
        sha: closed ? baseSha : state.mainSha || baseSha,
        user: userObject({ login: ORG.login, id: ORG.id, name: ORG.name, type: "User" }),
        repo: repoObject,
      },
      _links: {
        self: { href: apiUrl },
        html: { href: htmlUrl },
        issue: { href: `${API}/repos/${repoName}/issues/${number}` },
        comments: { href: `${API}/repos/${repoName}/issues/${number}/comments` },
        review_comments: { href: `${apiUrl}/comments` },
        review_comment: { href: `${API}/repos/${repoName}/pulls/comments{/number}` },
        commits: { href: `${apiUrl}/commits` },
        statuses: { href: `${API}/repos/${repoName}/statuses/${head}` },
      },
      author_association: ctx.association(spec.author, spec.repo, t0),
      auto_merge: null,
      active_lock_reason: null,
    };
    for (const u of [obj.head, obj.base] as Json[]) {
      const user = u.user as Json;
      user.node_id = nodeId("Organization", ORG.id);
      user.type = "Organization";
    }
    if (!full) return obj;
    return {
      ...obj,
      merged: isMerged,
      mergeable: closed ? null : true,
      rebaseable: closed ? null : true,
      mergeable_state: closed ? "unknown" : draft ? "draft" : "clean",
      merged_by: isMerged && spec.close ? userObject(spec.close.by) : null,
      comments: issueCommentTimes.filter((x) => x <= t).length,
      review_comments: reviewCommentTimes.filter((x) => x <= t).length,
      maintainer_can_modify: false,
      commits: commitsAt(t),
      additions: totals.additions,
      deletions: totals.deletions,
      changed_files: files.length,
    };
  };
  return prObject;
}
