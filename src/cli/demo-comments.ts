/**
 * The demo's evidence comments: the exact text a few merged pull requests of the sample
 * organisation would get on GitHub, written to files (the demo never writes to GitHub).
 * One pull request per kind of glue work its comment leads with, so the files show the range.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { buildPrComment, type PrCommentDeps } from "../services/sync-pr-comment.js";

export const DEMO_COMMENTS = 6;

export async function writeDemoComments(deps: Pick<PrCommentDeps, "db" | "clients" | "now">, dir: string): Promise<{ merged: number; withComment: number; written: number }> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const prs = await deps.db
    .selectFrom("pull_requests as p")
    .innerJoin("repositories as r", "r.id", "p.repository_id")
    .select(["p.repository_id", "p.number", "r.name"])
    .where("p.merged", "=", true)
    .orderBy("r.name")
    .orderBy("p.number")
    .execute();
  const leads = new Set<string>();
  let withComment = 0;
  let written = 0;
  for (const pr of prs) {
    const built = await buildPrComment(deps, pr.repository_id, pr.number);
    if (!built?.body || !built.plan) continue;
    withComment++;
    // A comment that leads with a kind not shown yet, or has several kinds of work on it.
    const kinds = [...new Set(built.plan.items.map((i) => i.kind))];
    const key = kinds.length > 2 ? "several" : kinds[0]!;
    if (written >= DEMO_COMMENTS || leads.has(key)) continue;
    leads.add(key);
    await writeFile(path.join(dir, `${pr.name}-${pr.number}.md`), built.body);
    written++;
  }
  return { merged: prs.length, withComment, written };
}
