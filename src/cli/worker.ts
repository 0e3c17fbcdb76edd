import { createQuietLogger } from "../server/quiet-log.js";
import { Probot } from "probot";
import { apiBaseUrl } from "../github/api-client.js";
import { liveClientFactory, WorkerOctokit } from "../github/clients.js";
import { liveWriteSettings } from "../services/github-writes.js";
import { parse } from "./args.js";
import type { CliIo, CommandRunner } from "./io.js";
import { offlineClients, openRuntimeWhenReachable, stopSignal, probotAppJwt, probotBackfillAuth, runWorker, workerDeps } from "./runtime.js";

export const help = `Usage: unsung worker

Runs a worker: processes stored deliveries into facts, fetches what webhooks
lack from GitHub, runs the detectors. Run as many as you like on PostgreSQL
(they share the queue); the embedded database supports one process only.`;

/** Queue warnings and errors (a restart, locks released, a job's failure) on stderr; never payloads. */
export function stderrLog(io: CliIo) {
  const line = (level: string) => (msg: string) => void io.stderr.write(`worker ${level}: ${msg.replace(/\s+/g, " ").slice(0, 500)}\n`);
  return { info: () => {}, warn: line("warning"), error: line("error") };
}

export const run: CommandRunner = async (args, io) => {
  const { values } = parse(args, {});
  if (values.help) return io.stdout.write(help + "\n"), 0;
  const stop = stopSignal();
  const opened = await openRuntimeWhenReachable(io, { signal: stop.signal }).finally(stop.done);
  if (!opened) return 0;
  const rt = opened;
  const env = rt.env;
  const probot = env.hasGitHubCredentials
    ? new Probot({ appId: env.APP_ID!, privateKey: env.PRIVATE_KEY!, Octokit: WorkerOctokit, log: createQuietLogger({ level: env.LOG_LEVEL }), baseUrl: apiBaseUrl(env) })
    : null;
  const clients = probot ? liveClientFactory(probot) : await offlineClients(env, io.cwd);
  const worker = await runWorker(rt, workerDeps(rt, clients, probot ? { backfillAuth: probotBackfillAuth(probot), appAuth: probotAppJwt(probot), githubWrites: liveWriteSettings(env.APP_ID!) } : {}), { cron: true, log: stderrLog(io) });
  io.stdout.write(`worker running (concurrency ${env.UNSUNG_WORKER_CONCURRENCY})\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await worker.stop();
  await rt.close();
  return 0;
};
