/**
 * The app as the comment tests drive it: Probot with Unsung loaded, recording each delivery into the
 * test database, and a runtime for draining the queue one job at a time.
 */
import { Probot } from "probot";
import { unsungApp } from "../../src/app.js";
import type { Runtime } from "../../src/cli/runtime.js";
import { readEnv } from "../../src/config/env.js";
import { recordDelivery } from "../../src/services/record-delivery.js";
import type { TestDatabase } from "./test-database.js";

export async function startCommentApp(database: TestDatabase): Promise<{ rt: Runtime; probot: Probot }> {
  // One job at a time: two detector runs of one pull request at once can leave the older run's
  // contributions last (outside the comment job), which would make what the comment says depend on
  // timing. Two writers racing on one comment are tested with two calls at once.
  const rt: Runtime = { env: readEnv({ UNSUNG_WORKER_CONCURRENCY: "1" }), database, close: async () => {} };
  const probot = new Probot({ githubToken: "unused", secret: "s", logLevel: "fatal" });
  await probot.load(unsungApp({ record: (d) => recordDelivery(database.db, d, 3) }), { cwd: process.cwd(), addHandler: () => {} });
  return { rt, probot };
}
