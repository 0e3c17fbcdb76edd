import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { Probot } from "probot";
import { unsungApp } from "../app.js";
import { apiBaseUrl } from "../github/api-client.js";
import { liveClientFactory, WorkerOctokit } from "../github/clients.js";
import { createHttpServer, WEBHOOKS_PATH } from "../server/create-server.js";
import { deliveriesStored } from "../server/metrics.js";
import { createQuietLogger } from "../server/quiet-log.js";
import { createDashboard } from "../web/dashboard.js";
import { createDeliveryRecorder } from "../services/record-delivery.js";
import { openIntakeDb } from "../store/open-database.js";
import { liveWriteSettings } from "../services/github-writes.js";
import { parse } from "./args.js";
import type { CommandRunner } from "./io.js";
import { offlineClients, openRuntimeWhenReachable, stopSignal, probotAppJwt, probotBackfillAuth, runWorker, workerDeps } from "./runtime.js";

export const help = `Usage: unsung serve

Runs the webhook server (POST ${WEBHOOKS_PATH}, GET /healthz, GET /metrics),
the web dashboard (GET /, "Sign in with GitHub")
and, unless UNSUNG_RUN_WORKER=false, a worker in the same process.
Environment: APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, PORT, HOST,
LOG_LEVEL, DATABASE_URL (else the embedded database in UNSUNG_DATA_DIR);
for the dashboard GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET, UNSUNG_PUBLIC_URL, UNSUNG_SESSION_HOURS.`;

export const SETUP_HINT = `GitHub App credentials are not set (APP_ID and PRIVATE_KEY or PRIVATE_KEY_PATH).
Unsung still runs, stores every correctly signed webhook and builds reports, but cannot call GitHub's API.
To register the app: create a GitHub App from app.yml (Settings → Developer settings → GitHub Apps → New,
using the permissions and events listed in app.yml and the README), set its webhook URL to
https://<your host>${WEBHOOKS_PATH}, then put APP_ID, PRIVATE_KEY_PATH and WEBHOOK_SECRET in .env (see .env.example).`;

export const run: CommandRunner = async (args, io) => {
  const { values } = parse(args, {});
  if (values.help) return io.stdout.write(help + "\n"), 0;
  const stop = stopSignal();
  const opened = await openRuntimeWhenReachable(io, { signal: stop.signal }).finally(stop.done);
  if (!opened) return 0;
  const rt = opened;
  const env = rt.env;
  if (!env.hasGitHubCredentials) io.stderr.write(SETUP_HINT + "\n");
  if (!env.WEBHOOK_SECRET) io.stderr.write("WEBHOOK_SECRET is not set: every webhook will be rejected until it is.\n");
  const secret = env.WEBHOOK_SECRET ?? randomBytes(32).toString("hex");
  // One logger for the server and Probot, whose serializers never print a payload or body.
  const log = createQuietLogger({ level: env.LOG_LEVEL });
  const probot = env.hasGitHubCredentials
    ? new Probot({ appId: env.APP_ID!, privateKey: env.PRIVATE_KEY!, Octokit: WorkerOctokit, secret, log, baseUrl: apiBaseUrl(env) })
    : new Probot({ githubToken: "unconfigured", secret, log });
  const intake = openIntakeDb(rt.database.connectionString);
  const recorder = createDeliveryRecorder(intake.db, env.UNSUNG_MAX_ATTEMPTS, { onDispatchError: (err) => log.error({ err }, "stored deliveries not yet queued; retried in a few seconds") });
  const rawBodies = new Map<string, string>();
  const appFn = unsungApp({
    record: (d) => recorder.record(d),
    rawBodyOf: (id) => rawBodies.get(id),
    onRecorded: (outcome) => deliveriesStored.inc({ outcome }),
  });
  const clients = env.hasGitHubCredentials ? liveClientFactory(probot) : await offlineClients(env, io.cwd);
  const web = createDashboard({ db: rt.database.db, env, clients });
  if (!env.GITHUB_CLIENT_ID || !env.GITHUB_CLIENT_SECRET) io.stderr.write("GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET are not set: nobody can sign in to the dashboard.\n");
  const server = await createHttpServer({
    probot,
    appFn,
    web,
    secret,
    log,
    db: rt.database.db,
    maxBodyBytes: env.UNSUNG_MAX_BODY_BYTES,
    rawBodies,
    admission: { perSource: env.UNSUNG_INTAKE_PER_SOURCE, largeTotal: env.UNSUNG_INTAKE_LARGE_CONCURRENCY, largePerSource: Math.max(1, Math.ceil(env.UNSUNG_INTAKE_LARGE_CONCURRENCY / 2)) },
    trustedProxyHops: env.UNSUNG_TRUSTED_PROXY_HOPS,
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(env.PORT, env.HOST, resolve));
  const port = (server.address() as AddressInfo).port;
  io.stdout.write(`Unsung listening on http://${env.HOST}:${port} (webhooks at ${WEBHOOKS_PATH}, dashboard at /; ${rt.database.embedded ? `embedded database in ${env.dataDir}` : "PostgreSQL"})\n`);

  const worker = env.UNSUNG_RUN_WORKER
    ? await runWorker(rt, workerDeps(rt, clients, env.hasGitHubCredentials ? { backfillAuth: probotBackfillAuth(probot), appAuth: probotAppJwt(probot), githubWrites: liveWriteSettings(env.APP_ID!) } : {}), { cron: true })
    : null;

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  io.stdout.write("shutting down\n");
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await recorder.flush();
  await recorder.close();
  await worker?.stop();
  await intake.close();
  await rt.close();
  return 0;
};
