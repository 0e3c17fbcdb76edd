/**
 * Complete fact rows for tests that write the store directly: every column
 * the schema requires, with neutral defaults, so a test names only what it
 * is about.
 */
import type { Insertable } from "kysely";
import type { DB } from "../../src/store/schema.js";

type Row<T extends keyof DB> = Insertable<DB[T]>;

export function pullRequestRow(r: Pick<Row<"pull_requests">, "id" | "repository_id" | "number" | "created_at" | "updated_at"> & Partial<Row<"pull_requests">>): Row<"pull_requests"> {
  return {
    title: `PR ${r.number}`,
    body: "",
    html_url: "",
    state: "open",
    draft: false,
    merged: false,
    author_association: "MEMBER",
    additions: 0,
    deletions: 0,
    changed_files: 0,
    commit_count: 0,
    head_sha: "",
    head_ref: "",
    base_sha: "",
    base_ref: "main",
    labels: "[]",
    ...r,
  };
}

export function reviewRow(r: Pick<Row<"reviews">, "id" | "repository_id" | "pr_number" | "state" | "updated_at"> & Partial<Row<"reviews">>): Row<"reviews"> {
  return { body: "", html_url: "", author_association: "MEMBER", ...r };
}

export function reviewCommentRow(
  r: Pick<Row<"review_comments">, "id" | "repository_id" | "pr_number" | "created_at" | "updated_at"> & Partial<Row<"review_comments">>,
): Row<"review_comments"> {
  return { path: "", diff_hunk: "", body: "", html_url: "", author_association: "MEMBER", ...r };
}

export function issueRow(r: Pick<Row<"issues">, "id" | "repository_id" | "number" | "created_at" | "updated_at"> & Partial<Row<"issues">>): Row<"issues"> {
  return { title: `Issue ${r.number}`, body: "", html_url: "", state: "open", author_association: "MEMBER", labels: "[]", ...r };
}

export function issueCommentRow(
  r: Pick<Row<"issue_comments">, "id" | "repository_id" | "issue_number" | "created_at" | "updated_at"> & Partial<Row<"issue_comments">>,
): Row<"issue_comments"> {
  return { is_pull_request: false, body: "", html_url: "", author_association: "MEMBER", ...r };
}

/** A repository row of an installation, named owner/name. */
export function repositoryRow(id: number, installationId: number | null, owner: string, name: string, isPrivate = false): Row<"repositories"> {
  return {
    id,
    installation_id: installationId,
    owner_login: owner,
    name,
    full_name: `${owner}/${name}`,
    private: isPrivate,
    default_branch: "main",
    html_url: `https://github.com/${owner}/${name}`,
    archived: false,
    removed_at: null,
    updated_at: "2026-08-01T00:00:00Z",
  };
}
