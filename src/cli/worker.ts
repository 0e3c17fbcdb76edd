import { Probot } from "probot";
import { apiBaseUrl } from "../github/api-client.js";
import { liveClientFactory } from "../github/clients.js";
import { DEFAULT_WRITE_SPACING_MS } from "../services/github-writes.js";
import { parse } from "./args.js";
import type { CommandRunner } from "./io.js";
import { offlineClients, openRuntime, probotBackfillAuth, runWorker, workerDeps } from "./runtime.js";

export const help = `Usage: unsung worker

Runs a worker: processes stored deliveries into facts, fetches what webhooks
lack from GitHub, runs the detectors. Run as many as you like on PostgreSQL
(they share the queue); the embedded database supports one process only.`;

export const run: CommandRunner = async (args, io) => {
  const { values } = parse(args, {});
  if (values.help) return io.stdout.write(help + "\n"), 0;
  const rt = await openRuntime(io);
  const env = rt.env;
  const probot = env.hasGitHubCredentials ? new Probot({ appId: env.APP_ID!, privateKey: env.PRIVATE_KEY!, logLevel: env.LOG_LEVEL, baseUrl: apiBaseUrl(env) }) : null;
  const clients = probot ? liveClientFactory(probot) : await offlineClients(env, io.cwd);
  const worker = await runWorker(rt, workerDeps(rt, clients, probot ? { backfillAuth: probotBackfillAuth(probot), githubWrites: { spacingMs: DEFAULT_WRITE_SPACING_MS } } : {}), { cron: true });
  io.stdout.write(`worker running (concurrency ${env.UNSUNG_WORKER_CONCURRENCY})\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await worker.stop();
  await rt.close();
  return 0;
};
