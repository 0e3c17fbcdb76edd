/**
 * Writes a FactBatch. Every write is an upsert by GitHub's ids, guarded by the
 * version GitHub gave the object (`updated_at`), so replaying a delivery, or
 * receiving an older one late, never moves a fact backwards.
 *
 * Each family's writer lives in its own file and runs here, in this order (within
 * the caller's transaction when it passes one): installations, people, emails
 * and repositories (write-accounts.ts); pull requests, reviews, review comments
 * and threads (write-pull-requests.ts); issues, issue activity and comments
 * (write-issues.ts); check and workflow runs (write-ci-runs.ts); commits, pull
 * request commits and files, and pushes (write-commits.ts). Shared helpers are
 * in write-shared.ts.
 */
import type { FactBatch } from "../github/normalise-delivery.js";
import { writeAccounts } from "./write-accounts.js";
import { writeCiRuns } from "./write-ci-runs.js";
import { writeCommits } from "./write-commits.js";
import { writeIssues } from "./write-issues.js";
import { writePullRequests } from "./write-pull-requests.js";
import type { Tx } from "./write-shared.js";

export async function writeFacts(db: Tx, b: FactBatch, seenAt: string): Promise<void> {
  await writeAccounts(db, b, seenAt);
  await writePullRequests(db, b);
  await writeIssues(db, b);
  await writeCiRuns(db, b);
  await writeCommits(db, b);
}
