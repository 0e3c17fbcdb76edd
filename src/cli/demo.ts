import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { Probot } from "probot";
import { unsungApp } from "../app.js";
import { readEnv } from "../config/env.js";
import { parsePeriod } from "../core/report/index.js";
import { generateSampleOrg, SAMPLE_QUARTER } from "../demo/generate-sample-org.js";
import { recordedClientFactory, type Recording } from "../github/clients.js";
import { REPORT_FORMATS, renderReport } from "../render/index.js";
import { createHttpServer, WEBHOOKS_PATH } from "../server/create-server.js";
import { createQuietLogger } from "../server/quiet-log.js";
import { personReport, teamReport } from "../services/build-reports.js";
import { createDeliveryRecorder } from "../services/record-delivery.js";
import { rescore } from "../services/run-detectors.js";
import { writeDemoComments } from "./demo-comments.js";
import { migrateQueue } from "../queue/queue.js";
import { migrateToLatest } from "../store/migrate.js";
import { openDatabase } from "../store/open-database.js";
import { intFlag, parse } from "./args.js";
import type { CliIo, CommandRunner } from "./io.js";
import { drainQueue, workerDeps, type Runtime } from "./runtime.js";
import { collectStats } from "./stats.js";
import { postSigned } from "../server/post-signed.js";

export const help = `Usage: unsung demo [--out DIR] [--seed N]

Creates an embedded database in DIR/database, replays a bundled sample
organisation (15 engineers, 4 repositories, one quarter) through the same
webhook pipeline as live GitHub — signed HTTP deliveries, the durable inbox,
the worker, the detectors — with recorded API responses standing in for GitHub,
then writes every report in every format to DIR:
  team.{md,html,csv,json} and person-<login>.{md,html,csv,json}
  --out DIR   where to write (default: unsung-demo)
  --seed N    another sample organisation with the same story`;

export const run: CommandRunner = async (args, io) => {
  const { values } = parse(args, { out: { type: "string" }, seed: { type: "string" } });
  if (values.help) return io.stdout.write(help + "\n"), 0;
  const seed = values.seed === undefined ? undefined : intFlag(values.seed, "seed", 0, 0, 2 ** 31 - 1);
  const out = path.resolve(io.cwd, values.out ?? "unsung-demo");
  return runDemo(io, out, seed);
};

export async function runDemo(io: CliIo, out: string, seed?: number): Promise<number> {
  const started = Date.now();
  const say = (s: string) => io.stdout.write(s + "\n");
  const sample = generateSampleOrg(seed === undefined ? {} : { seed });
  say(`Sample organisation "${sample.org}": ${sample.engineers.length} engineers, ${sample.repositories.length} repositories, ${sample.deliveries.length} webhook deliveries.`);

  const dataDir = path.join(out, "database");
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const env = readEnv({ ...pick(io.env, ["LOG_LEVEL"]), UNSUNG_DATA_DIR: dataDir, UNSUNG_WORKER_CONCURRENCY: "4" }, io.cwd);
  const database = await openDatabase({ dataDir });
  const rt: Runtime = { env, database, close: () => database.close() };
  try {
    await migrateToLatest(database.db);
    await migrateQueue(database.connectionString, true);

    // 1. Every delivery goes over HTTP, signed, into the same server `unsung serve` runs.
    const secret = randomBytes(16).toString("hex");
    const log = createQuietLogger({ level: "fatal" });
    const probot = new Probot({ githubToken: "demo", secret, log });
    const recorder = createDeliveryRecorder(database.db, env.UNSUNG_MAX_ATTEMPTS);
    const rawBodies = new Map<string, string>();
    const server = await createHttpServer({
      probot,
      rawBodies,
      appFn: unsungApp({ record: (d) => recorder.record(d), rawBodyOf: (id) => rawBodies.get(id) }),
      secret,
      log,
      db: database.db,
      maxBodyBytes: env.UNSUNG_MAX_BODY_BYTES,
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${WEBHOOKS_PATH}`;
    let rejected = 0;
    try {
      // In order, as GitHub sends them for one repository.
      for (const d of sample.deliveries) {
        const status = await postSigned(url, secret, d.event, d.id, JSON.stringify(d.payload));
        if (status >= 300) rejected++;
      }
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
      await recorder.flush();
      await recorder.close();
    }
    say(`Delivered over HTTP in ${secs(started)} s (${rejected} rejected).`);

    // 2. The worker turns deliveries into facts, fetches (recorded) details, runs the detectors.
    const clients = recordedClientFactory(sample.recordings as Recording[]);
    await drainQueue(rt, workerDeps(rt, clients, { debounceSeconds: 0 }));
    // 3. CI history that arrived after a merge changes outcomes: re-run detectors over everything, as the nightly job does.
    await rescore({ db: database.db, clients, now: () => new Date() }, null);
    const stats = await collectStats(database.db);
    say(`Processed in ${secs(started)} s: ${stats.pullRequests} pull requests, ${stats.reviews} reviews, ${stats.reviewComments} review comments, ${stats.workflowRuns + stats.checkRuns} CI runs, ${stats.contributions} contributions, ${stats.annotations} notes/claims/endorsements; ${stats.deliveries.failed} deliveries failed.`);

    // 4. Reports for the sample quarter. The sample's readers are its own managers, who can see every repository.
    const period = parsePeriod({ quarter: SAMPLE_QUARTER.label }, new Date(SAMPLE_QUARTER.to));
    if (!period.ok) throw new Error(period.error);
    const now = new Date();
    const team = await teamReport(database.db, { kind: "people", logins: sample.engineers }, period.period, { kind: "all" }, now);
    for (const f of REPORT_FORMATS) await writeFile(path.join(out, `team.${f}`), renderReport(team, f));
    for (const login of sample.engineers) {
      const model = await personReport(database.db, login, period.period, { kind: "all" }, now);
      for (const f of REPORT_FORMATS) await writeFile(path.join(out, `person-${login}.${f}`), renderReport(model, f));
    }
    // 5. The evidence comment a few merged pull requests would get on GitHub (the demo writes nothing to GitHub).
    const comments = await writeDemoComments({ db: database.db, clients, now: () => new Date() }, path.join(out, "comments"));
    say(`\nWrote ${(sample.engineers.length + 1) * REPORT_FORMATS.length} reports to ${out}/ in ${secs(started)} s:`);
    say(`  ${path.join(out, "team.html")}   the team's review depth and how glue work is spread`);
    say(`  ${path.join(out, `person-${sample.engineers[0]}.html`)}   an engineer's evidence packet (one per engineer, also .md/.csv/.json)`);
    say(`  ${path.join(out, "comments")}/   the evidence comment ${comments.written} merged pull requests would get (${comments.withComment} of ${comments.merged} merged pull requests have notable glue work)`);
    say(`\nWhat the reports should show:`);
    for (const line of sample.story) say(`  - ${line}`);
    return stats.deliveries.failed ? 1 : 0;
  } finally {
    await rt.close();
  }
}

function secs(since: number): string {
  return ((Date.now() - since) / 1000).toFixed(1);
}

function pick(env: Record<string, string | undefined>, keys: string[]): Record<string, string | undefined> {
  return Object.fromEntries(keys.map((k) => [k, env[k]]));
}
