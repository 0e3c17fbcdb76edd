/**
 * Builders for GitHub's webhook objects (users, repositories, pull requests,
 * reviews, comments, issues, CI runs), with the same fields and field order as
 * the payloads in @octokit/webhooks-examples.
 */
import { Buffer } from "node:buffer";
import { APP_ID, INSTALLATION_ID, ORG, fullName, type Person, type RepoInfo } from "./cast.js";

const API = "https://api.github.com";
const WEB = "https://github.com";

type Json = Record<string, unknown>;

/** GitHub's legacy global node id: base64("0<len>:<Type><id>"). */
export function nodeId(type: string, id: number): string {
  return Buffer.from(`0${type.length}:${type}${id}`).toString("base64");
}

/** A newer-style node id (review threads and other GraphQL-only objects). */
export function newNodeId(prefix: string, id: number): string {
  const bytes = Buffer.alloc(12);
  bytes.writeUInt32BE(0x0d3c5b1f, 0);
  bytes.writeUInt32BE(Math.floor(id / 0x100000000) >>> 0, 4);
  bytes.writeUInt32BE(id >>> 0, 8);
  return `${prefix}_kwDO${bytes.toString("base64url")}`;
}

export function userObject(person: Person): Json {
  const login = person.login;
  const apiLogin = encodeURIComponent(login);
  const isBot = person.type === "Bot";
  const htmlUrl = isBot ? `${WEB}/apps/${login.replace(/\[bot\]$/, "")}` : `${WEB}/${login}`;
  return {
    login,
    id: person.id,
    node_id: nodeId(person.type === "Bot" ? "Bot" : "User", person.id),
    avatar_url: isBot
      ? `https://avatars.githubusercontent.com/in/${person.id % 1_000_000}?v=4`
      : `https://avatars.githubusercontent.com/u/${person.id}?v=4`,
    gravatar_id: "",
    url: `${API}/users/${apiLogin}`,
    html_url: htmlUrl,
    followers_url: `${API}/users/${apiLogin}/followers`,
    following_url: `${API}/users/${apiLogin}/following{/other_user}`,
    gists_url: `${API}/users/${apiLogin}/gists{/gist_id}`,
    starred_url: `${API}/users/${apiLogin}/starred{/owner}{/repo}`,
    subscriptions_url: `${API}/users/${apiLogin}/subscriptions`,
    organizations_url: `${API}/users/${apiLogin}/orgs`,
    repos_url: `${API}/users/${apiLogin}/repos`,
    events_url: `${API}/users/${apiLogin}/events{/privacy}`,
    received_events_url: `${API}/users/${apiLogin}/received_events`,
    type: person.type,
    site_admin: false,
  };
}

/** The organisation as the owner of a repository (a user-shaped object of type Organization). */
export function orgOwnerObject(): Json {
  const o = userObject({ login: ORG.login, id: ORG.id, name: ORG.name, type: "User" });
  return { ...o, node_id: nodeId("Organization", ORG.id), type: "Organization" };
}

export function organizationObject(): Json {
  const u = `${API}/orgs/${ORG.login}`;
  return {
    login: ORG.login,
    id: ORG.id,
    node_id: nodeId("Organization", ORG.id),
    url: u,
    repos_url: `${u}/repos`,
    events_url: `${u}/events`,
    hooks_url: `${u}/hooks`,
    issues_url: `${u}/issues`,
    members_url: `${u}/members{/member}`,
    public_members_url: `${u}/public_members{/member}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${ORG.id}?v=4`,
    description: "Autonomous warehouse robots.",
  };
}

export function installationRef(): Json {
  return { id: INSTALLATION_ID, node_id: nodeId("IntegrationInstallation", INSTALLATION_ID) };
}

export function repoMini(repo: RepoInfo): Json {
  return {
    id: repo.id,
    node_id: nodeId("Repository", repo.id),
    name: repo.name,
    full_name: fullName(repo),
    private: repo.private,
  };
}

/** The full repository object of webhook payloads. `pushedAt` is the last push before the event. */
export function repositoryObject(repo: RepoInfo, pushedAt: string, openIssues: number): Json {
  const name = fullName(repo);
  const u = `${API}/repos/${name}`;
  const html = `${WEB}/${name}`;
  return {
    id: repo.id,
    node_id: nodeId("Repository", repo.id),
    name: repo.name,
    full_name: name,
    private: repo.private,
    owner: orgOwnerObject(),
    html_url: html,
    description: repo.description,
    fork: false,
    url: u,
    forks_url: `${u}/forks`,
    keys_url: `${u}/keys{/key_id}`,
    collaborators_url: `${u}/collaborators{/collaborator}`,
    teams_url: `${u}/teams`,
    hooks_url: `${u}/hooks`,
    issue_events_url: `${u}/issues/events{/number}`,
    events_url: `${u}/events`,
    assignees_url: `${u}/assignees{/user}`,
    branches_url: `${u}/branches{/branch}`,
    tags_url: `${u}/tags`,
    blobs_url: `${u}/git/blobs{/sha}`,
    git_tags_url: `${u}/git/tags{/sha}`,
    git_refs_url: `${u}/git/refs{/sha}`,
    trees_url: `${u}/git/trees{/sha}`,
    statuses_url: `${u}/statuses/{sha}`,
    languages_url: `${u}/languages`,
    stargazers_url: `${u}/stargazers`,
    contributors_url: `${u}/contributors`,
    subscribers_url: `${u}/subscribers`,
    subscription_url: `${u}/subscription`,
    commits_url: `${u}/commits{/sha}`,
    git_commits_url: `${u}/git/commits{/sha}`,
    comments_url: `${u}/comments{/number}`,
    issue_comment_url: `${u}/issues/comments{/number}`,
    contents_url: `${u}/contents/{+path}`,
    compare_url: `${u}/compare/{base}...{head}`,
    merges_url: `${u}/merges`,
    archive_url: `${u}/{archive_format}{/ref}`,
    downloads_url: `${u}/downloads`,
    issues_url: `${u}/issues{/number}`,
    pulls_url: `${u}/pulls{/number}`,
    milestones_url: `${u}/milestones{/number}`,
    notifications_url: `${u}/notifications{?since,all,participating}`,
    labels_url: `${u}/labels{/name}`,
    releases_url: `${u}/releases{/id}`,
    deployments_url: `${u}/deployments`,
    created_at: repo.createdAt,
    updated_at: pushedAt,
    pushed_at: pushedAt,
    git_url: `git://github.com/${name}.git`,
    ssh_url: `git@github.com:${name}.git`,
    clone_url: `${html}.git`,
    svn_url: html,
    homepage: null,
    size: 18_000 + (repo.id % 9000),
    stargazers_count: repo.private ? 0 : 40 + (repo.id % 90),
    watchers_count: repo.private ? 0 : 40 + (repo.id % 90),
    language: repo.language,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: false,
    has_pages: false,
    forks_count: repo.private ? 0 : 3 + (repo.id % 7),
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: openIssues,
    license: repo.private
      ? null
      : { key: "apache-2.0", name: "Apache License 2.0", spdx_id: "Apache-2.0", url: `${API}/licenses/apache-2.0`, node_id: "MDc6TGljZW5zZTI=" },
    forks: repo.private ? 0 : 3 + (repo.id % 7),
    open_issues: openIssues,
    watchers: repo.private ? 0 : 40 + (repo.id % 90),
    default_branch: "main",
    is_template: false,
    topics: [],
    visibility: repo.private ? "private" : "public",
    web_commit_signoff_required: false,
    custom_properties: {},
  };
}

interface LabelDef {
  color: string;
  description: string;
  isDefault: boolean;
}

const LABELS: Record<string, LabelDef> = {
  bug: { color: "d73a4a", description: "Something isn't working", isDefault: true },
  documentation: { color: "0075ca", description: "Improvements or additions to documentation", isDefault: true },
  duplicate: { color: "cfd3d7", description: "This issue or pull request already exists", isDefault: true },
  enhancement: { color: "a2eeef", description: "New feature or request", isDefault: true },
  question: { color: "d876e3", description: "Further information is requested", isDefault: true },
  "good first issue": { color: "7057ff", description: "Good for newcomers", isDefault: true },
  dependencies: { color: "0366d6", description: "Pull requests that update a dependency file", isDefault: false },
  javascript: { color: "168700", description: "Pull requests that update javascript code", isDefault: false },
  "needs-repro": { color: "fbca04", description: "We could not reproduce it yet", isDefault: false },
  "flaky-test": { color: "e99695", description: "A test that fails intermittently", isDefault: false },
  ci: { color: "5319e7", description: "Continuous integration", isDefault: false },
  "area:checkout": { color: "c5def5", description: "Checkout and billing flows", isDefault: false },
  "area:telemetry": { color: "c5def5", description: "Robot telemetry ingestion", isDefault: false },
  "area:refunds": { color: "c5def5", description: "Refunds and reversals", isDefault: false },
  "area:firmware": { color: "c5def5", description: "Firmware distribution", isDefault: false },
  "area:map": { color: "c5def5", description: "Live fleet map", isDefault: false },
  "on-call": { color: "b60205", description: "Runbooks and on-call tooling", isDefault: false },
  migration: { color: "0e8a16", description: "Database migrations", isDefault: false },
  "release-blocker": { color: "b60205", description: "Must be fixed before the next release", isDefault: false },
};

export function labelObject(repo: RepoInfo, name: string): Json {
  const def = LABELS[name] ?? { color: "ededed", description: "", isDefault: false };
  let hash = 0;
  for (const ch of `${repo.name}/${name}`) hash = (Math.imul(hash, 31) + ch.charCodeAt(0)) >>> 0;
  const id = 5_100_000_000 + (hash % 900_000_000);
  return {
    id,
    node_id: nodeId("Label", id),
    url: `${API}/repos/${fullName(repo)}/labels/${encodeURIComponent(name)}`,
    name,
    color: def.color,
    default: def.isDefault,
    description: def.description,
  };
}

export const ZERO_SHA = "0000000000000000000000000000000000000000";

export function reactions(url: string): Json {
  return { url, total_count: 0, "+1": 0, "-1": 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 };
}

/** The GitHub Actions app, as it appears on check runs and suites. */
export function actionsApp(): Json {
  const owner = userObject({ login: "github", id: 9919, name: "GitHub", type: "User" });
  return {
    id: 15368,
    slug: "github-actions",
    node_id: "MDM6QXBwMTUzNjg=",
    owner: { ...owner, node_id: nodeId("Organization", 9919), type: "Organization" },
    name: "GitHub Actions",
    description: "Automate your workflow from idea to production",
    external_url: "https://help.github.com/en/actions",
    html_url: `${WEB}/apps/github-actions`,
    created_at: "2018-07-30T09:30:17Z",
    updated_at: "2024-04-10T20:33:16Z",
    permissions: {
      actions: "write",
      checks: "write",
      contents: "write",
      deployments: "write",
      issues: "write",
      metadata: "read",
      packages: "write",
      pull_requests: "write",
      statuses: "write",
    },
    events: ["check_run", "check_suite", "pull_request", "push", "workflow_dispatch"],
  };
}

/** The Unsung app's installation object (the `installation` event's main object). */
export function installationObject(createdAtSec: number): Json {
  const account = orgOwnerObject();
  return {
    id: INSTALLATION_ID,
    node_id: nodeId("IntegrationInstallation", INSTALLATION_ID),
    account,
    repository_selection: "all",
    access_tokens_url: `${API}/app/installations/${INSTALLATION_ID}/access_tokens`,
    repositories_url: `${API}/installation/repositories`,
    html_url: `${WEB}/organizations/${ORG.login}/settings/installations/${INSTALLATION_ID}`,
    app_id: APP_ID,
    app_slug: "unsung",
    target_id: ORG.id,
    target_type: "Organization",
    permissions: {
      actions: "read",
      checks: "read",
      contents: "read",
      issues: "write",
      members: "read",
      metadata: "read",
      pull_requests: "write",
    },
    events: [
      "check_run",
      "issue_comment",
      "issues",
      "pull_request",
      "pull_request_review",
      "pull_request_review_comment",
      "pull_request_review_thread",
      "push",
      "workflow_run",
    ],
    created_at: createdAtSec,
    updated_at: createdAtSec,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_at: null,
    suspended_by: null,
  };
}

export { API, WEB };
