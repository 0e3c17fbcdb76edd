/** Installation and installation_repositories events → installations, repositories and their follow-ups. */
import type { Ctx } from "./normalise-context.js";
import { need, num, obj, str, time, type Obj } from "./payload-fields.js";

export function normaliseInstallation(ctx: Ctx, p: Obj, action: string | null): void {
  const inst = need(obj(p.installation), "installation");
  const id = need(num(inst.id), "installation.id");
  const account = obj(inst.account);
  ctx.person(account);
  const at = ctx.d.receivedAt;
  ctx.b.installations.push({
    id,
    accountId: num(account?.id),
    accountLogin: str(account?.login) ?? "",
    accountType: str(account?.type),
    repositorySelection: str(inst.repository_selection),
    permissions: permissions(inst.permissions),
    events: Array.isArray(inst.events) ? inst.events.slice(0, 200).map(str).filter((e): e is string => e !== null) : [],
    suspendedAt: action === "suspend" ? (time(inst.suspended_at) ?? at) : null,
    deletedAt: action === "deleted" ? at : null,
  });
  const owner = str(account?.login) ?? "";
  for (const r of Array.isArray(p.repositories) ? p.repositories : []) {
    const listed = listedRepository(ctx, r, id, owner, action === "deleted" ? at : null);
    if (listed && action === "created") ctx.b.followUps.push({ kind: "backfill-repository", installationId: id, ...listed });
  }
  if (action === "deleted") ctx.b.followUps.push({ kind: "stop-backfill", installationId: id, repositoryIds: null });
  if (action === "deleted" || action === "created") {
    ctx.b.followUps.push({ kind: "erasure-event", event: action === "deleted" ? "installation-deleted" : "installation-created", installationId: id, at });
  }
}

export function normaliseInstallationRepositories(ctx: Ctx, p: Obj): void {
  const inst = need(obj(p.installation), "installation");
  const id = need(num(inst.id), "installation.id");
  const owner = str(obj(inst.account)?.login) ?? "";
  const added: number[] = [];
  for (const r of Array.isArray(p.repositories_added) ? p.repositories_added : []) {
    const listed = listedRepository(ctx, r, id, owner, null);
    if (!listed) continue;
    added.push(listed.repositoryId);
    ctx.b.followUps.push({ kind: "backfill-repository", installationId: id, ...listed });
  }
  const removed: number[] = [];
  for (const r of Array.isArray(p.repositories_removed) ? p.repositories_removed : []) {
    const listed = listedRepository(ctx, r, id, owner, ctx.d.receivedAt);
    if (listed) removed.push(listed.repositoryId);
  }
  const at = ctx.d.receivedAt;
  if (removed.length) {
    ctx.b.followUps.push({ kind: "stop-backfill", installationId: id, repositoryIds: removed });
    ctx.b.followUps.push({ kind: "erasure-event", event: "repositories-removed", installationId: id, repositoryIds: removed, at });
  }
  if (added.length) ctx.b.followUps.push({ kind: "erasure-event", event: "repositories-added", installationId: id, repositoryIds: added, at });
}

/** Installation payloads list repositories in a short form: id, name, full_name, private. */
function listedRepository(ctx: Ctx, v: unknown, installationId: number, owner: string, removedAt: string | null): { repositoryId: number; owner: string; repo: string } | null {
  const r = obj(v);
  const id = num(r?.id);
  const fullName = str(r?.full_name);
  if (!r || id === null || !fullName) return null;
  const ownerLogin = fullName.split("/")[0] ?? owner;
  const name = str(r.name) ?? fullName.split("/")[1] ?? fullName;
  ctx.b.repositories.push({
    id,
    installationId,
    ownerLogin,
    name,
    fullName,
    private: r.private === false ? false : true,
    defaultBranch: "main",
    htmlUrl: `https://github.com/${fullName}`,
    archived: false,
    removedAt,
  });
  return { repositoryId: id, owner: ownerLogin, repo: name };
}

/** Installation permissions: a flat map of names to "read"/"write"/"admin"; anything else is dropped. */
function permissions(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj(v) ?? {}).slice(0, 200)) {
    const s = str(val);
    const key = str(k);
    if (s !== null && key) out[key.slice(0, 100)] = s.slice(0, 100);
  }
  return out;
}
