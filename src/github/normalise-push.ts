/** Push events → commits, the push, committers' emails and a config-changed follow-up. */
import { parseCoAuthors } from "../core/parse-co-authors.js";
import type { Ctx, RepoRef } from "./normalise-context.js";
import { bool, num, obj, str, time, type Obj } from "./payload-fields.js";

export function normalisePush(ctx: Ctx, repo: RepoRef, p: Obj): void {
  const commits = Array.isArray(p.commits) ? p.commits.map(obj).filter((c): c is Obj => c !== null) : [];
  const shas: string[] = [];
  for (const c of commits) {
    const sha = str(c.id);
    if (!sha) continue;
    shas.push(sha);
    const author = obj(c.author);
    const email = (str(author?.email) ?? "").toLowerCase();
    const username = str(author?.username);
    // The push payload names the author's login but not its id; ids come from people we have seen.
    ctx.b.commits.push({
      repositoryId: repo.id,
      sha,
      message: str(c.message) ?? "",
      authoredAt: time(c.timestamp),
      authorId: null,
      authorName: str(author?.name) ?? "",
      authorEmail: email,
      coAuthors: parseCoAuthors(str(c.message) ?? ""),
    });
    if (username && email) ctx.pendingEmailLogins.push({ email, login: username });
  }
  ctx.b.pushes.push({
    deliveryId: ctx.d.id,
    repositoryId: repo.id,
    ref: str(p.ref) ?? "",
    beforeSha: str(p.before) ?? "",
    afterSha: str(p.after) ?? "",
    pusherLogin: str(obj(p.pusher)?.name),
    senderId: num(obj(p.sender)?.id),
    forced: bool(p.forced),
    commitShas: shas,
    pushedAt: time(obj(p.head_commit)?.timestamp) ?? ctx.d.receivedAt,
  });
  const defaultBranch = str(obj(p.repository)?.default_branch) ?? str(obj(p.repository)?.master_branch);
  if (defaultBranch && str(p.ref) === `refs/heads/${defaultBranch}`) {
    const touched = commits.some((c) =>
      ["added", "modified", "removed"].some((k) => Array.isArray(c[k]) && (c[k] as unknown[]).includes(".github/unsung.yml")),
    );
    if (touched) ctx.b.followUps.push({ kind: "config-changed", repositoryId: repo.id, orgWide: repo.name === ".github" });
  }
  // Emails of the sender are known for certain; others are matched by login when stored.
  const senderId = num(obj(p.sender)?.id);
  const senderLogin = str(obj(p.sender)?.login);
  for (const e of ctx.pendingEmailLogins) {
    if (senderId !== null && senderLogin && e.login.toLowerCase() === senderLogin.toLowerCase()) {
      ctx.b.emails.push({ email: e.email, personId: senderId });
    }
  }
}
