import { Probot } from "probot";
import type { BudgetView } from "../core/backfill/progress.js";
import { callBudget, callsPer100 } from "../core/backfill/call-budget.js";
import { EnvError, readEnv, type Env } from "../config/env.js";
import { ApiClient, ApiError, apiBaseUrl, type ApiEvent, type AuthProvider } from "../github/api-client.js";
import { appJwtAuth, installationAuth, probotAppAuth, tokenAuth } from "../github/auth-providers.js";
import { backfillRepository, type BackfillOutcome } from "../services/backfill-repository.js";
import { listBackfills } from "../store/backfill-state.js";
import { renderDone, renderStatus } from "../render/render-backfill.js";
import { dateFlag, parse } from "./args.js";
import { createProgressView, type ProgressView } from "./backfill-progress.js";
import { UsageError, type CliIo, type CommandRunner } from "./io.js";
import { drainQueue, offlineClients, openRuntime, workerDeps, type Runtime } from "./runtime.js";

export const help = `Usage: unsung backfill --repo OWNER/NAME [--repo OWNER/NAME …] [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--force]
       unsung backfill --installation ID [--since …] [--until …] [--force]
       unsung backfill --status [--json]

Reads the past of repositories from GitHub's API — pull requests with their
reviews, review threads, comments, commits and files; issues with comments,
labels and edits; CI runs — stores it as webhooks would have, and runs the
detectors over it. Resumable: stopped at any moment, run it again and it
carries on from its last checkpoint; a period already read is not read again.

  --repo OWNER/NAME   a repository (repeatable)
  --installation ID   every repository of an installation of the app
  --since D           from this day (default: UNSUNG_BACKFILL_DAYS, or
                      backfill.days in .github/unsung.yml, before --until)
  --until D           up to and including this day (default: now)
  --force             read the period again even if it was read before
  --status            every repository's backfill: state, counts, checkpoints
  --json              with --status: as JSON

Authentication: as the GitHub App (APP_ID and PRIVATE_KEY or PRIVATE_KEY_PATH;
the installation is found from each repository), else GITHUB_TOKEN.
GITHUB_API_URL, or GHE_HOST and GHE_PROTOCOL, for GitHub Enterprise Server.
The database is DATABASE_URL, else the embedded one. Exit status 0 when every
repository is complete, 1 otherwise, 2 for bad arguments.`;

const REPO = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/;

interface Target {
  owner: string;
  name: string;
}

/** The flags, checked: what to back up, over which period. */
function readFlags(args: string[]) {
  const { values } = parse(args, {
    repo: { type: "string", multiple: true },
    installation: { type: "string" },
    since: { type: "string" },
    until: { type: "string" },
    force: { type: "boolean" },
    status: { type: "boolean" },
    json: { type: "boolean" },
  });
  if (values.help) return { help: true as const };
  const repos = values.repo ?? [];
  if (values.status) {
    if (repos.length || values.installation || values.since || values.until || values.force) throw new UsageError("--status takes no other options (but --json)");
    return { status: true as const, json: values.json === true };
  }
  if (values.json) throw new UsageError("--json goes with --status");
  if (!repos.length && !values.installation) throw new UsageError("say what to backfill: --repo OWNER/NAME, --installation ID, or --status");
  if (repos.length && values.installation) throw new UsageError("give --repo or --installation, not both");
  const targets: Target[] = [];
  for (const r of repos) {
    const m = REPO.exec(r);
    if (!m || m[2] === "." || m[2] === "..") throw new UsageError(`--repo takes OWNER/NAME, not "${r.slice(0, 80)}"`);
    if (!targets.some((t) => `${t.owner}/${t.name}`.toLowerCase() === r.toLowerCase())) targets.push({ owner: m[1]!, name: m[2]! });
  }
  if (targets.length > 1000) throw new UsageError("at most 1000 repositories at once");
  let installation: number | null = null;
  if (values.installation !== undefined) {
    if (!/^\d{1,15}$/.test(values.installation) || Number(values.installation) < 1) throw new UsageError(`--installation takes the installation's numeric id, not "${values.installation.slice(0, 40)}"`);
    installation = Number(values.installation);
  }
  const since = dateFlag(values.since, "since");
  const untilDay = dateFlag(values.until, "until");
  // --until names a day, included: the period ends at the next midnight.
  const until = untilDay ? new Date(Date.parse(untilDay) + 86_400_000).toISOString() : null;
  if (since && until && since >= until) throw new UsageError("--since must be on or before --until");
  if (since && Date.parse(since) > Date.now()) throw new UsageError("--since is in the future");
  if (since && Date.parse(until ?? new Date().toISOString()) - Date.parse(since) > 3650 * 86_400_000) throw new UsageError("the period is longer than 3650 days");
  return { targets, installation, since, until, force: values.force === true };
}

export const run: CommandRunner = async (args, io) => {
  const flags = readFlags(args);
  if ("help" in flags) return io.stdout.write(help + "\n"), 0;
  if ("status" in flags) {
    const rt = await openRuntime(io);
    try {
      const rows = await listBackfills(rt.database.db);
      io.stdout.write(flags.json ? `${JSON.stringify(rows, null, 2)}\n` : renderStatus(rows));
      return 0;
    } finally {
      await rt.close();
    }
  }
  // Credentials before the database: a missing one is a quick, clear error.
  const env = readEnv(io.env, io.cwd);
  if (!env.hasGitHubCredentials && !env.GITHUB_TOKEN) {
    throw new EnvError("no GitHub credentials: set APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) to run as the app, or GITHUB_TOKEN");
  }
  if (flags.installation !== null && !env.hasGitHubCredentials) throw new EnvError("--installation needs the app's credentials (APP_ID and PRIVATE_KEY or PRIVATE_KEY_PATH)");
  const rt = await openRuntime(io);
  const view = createProgressView(io, Date.now);
  try {
    return await backfillAll(rt, env, flags, io, view);
  } finally {
    view.stop();
    await rt.close();
  }
};

interface Plan {
  targets: Target[];
  installation: number | null;
  since: string | null;
  until: string | null;
  force: boolean;
}

interface Job {
  target: Target;
  api: ApiClient;
  installationId: number | null;
}

async function backfillAll(rt: Runtime, env: Env, plan: Plan, io: CliIo, view: ProgressView): Promise<number> {
  const baseUrl = apiBaseUrl(env);
  let budget: BudgetView | null = null;
  const onEvent = (e: ApiEvent) => {
    if (e.type === "limits" && e.resource === "graphql") budget = { remaining: e.snapshot.remaining, resetAtMs: e.snapshot.resetAtMs };
    if (e.type === "wait") view.waiting(e.reason, e.untilMs);
  };
  const client = (auth: AuthProvider) => new ApiClient({ baseUrl, auth, onEvent, userAgent: "unsung-backfill" });
  const clients: ApiClient[] = [];
  const jobs: Job[] = [];
  const failures: string[] = [];
  if (env.hasGitHubCredentials) {
    const probot = new Probot({ appId: env.APP_ID!, privateKey: env.PRIVATE_KEY!, baseUrl, logLevel: "fatal" });
    const app = await probotAppAuth(probot);
    const jwt = client(appJwtAuth(app));
    clients.push(jwt);
    if (plan.installation !== null) {
      const api = client(installationAuth(app, plan.installation));
      clients.push(api);
      for (const t of await installationRepositories(api)) jobs.push({ target: t, api, installationId: plan.installation });
      if (!jobs.length) failures.push(`installation ${plan.installation} has no repositories the app can read`);
    } else {
      const byInstallation = new Map<number, ApiClient>();
      for (const t of plan.targets) {
        const id = await findInstallation(jwt, t);
        if (id === null) {
          failures.push(`${t.owner}/${t.name}: the app is not installed on it (or it does not exist)`);
          continue;
        }
        let api = byInstallation.get(id);
        if (!api) {
          byInstallation.set(id, (api = client(installationAuth(app, id))));
          clients.push(api);
        }
        jobs.push({ target: t, api, installationId: id });
      }
    }
  } else {
    const api = client(tokenAuth(env.GITHUB_TOKEN!));
    clients.push(api);
    for (const t of plan.targets) jobs.push({ target: t, api, installationId: null });
  }

  let pullRequests = 0;
  let done = 0;
  let read = 0;
  for (const job of jobs) {
    const outcome = await backfillRepository(
      { db: rt.database.db, api: job.api, now: () => new Date(), defaultDays: env.UNSUNG_BACKFILL_DAYS, onProgress: (p) => view.update(p, budget) },
      { owner: job.target.owner, name: job.target.name, installationId: job.installationId, since: plan.since, until: plan.until, requestedBy: "cli", force: plan.force },
    );
    const line = describeOutcome(job.target, outcome);
    if (outcome.state === "done") {
      done++;
      if (!outcome.alreadyDone) read++;
      pullRequests += outcome.alreadyDone ? 0 : outcome.pullRequests;
      view.say(line);
    } else failures.push(line);
  }
  const calls = clients.reduce((s, c) => s + c.calls, 0);
  if (read > 0) {
    view.say("running the detectors over what was read…");
    const left = await drainQueue(rt, workerDeps(rt, await offlineClients(rt.env, io.cwd), { debounceSeconds: 0 }));
    if (left > 0) view.say(`${left} jobs are scheduled for later (a worker will run them)`);
  }
  const per = callsPer100(calls, pullRequests);
  view.say(
    `${done}/${plan.installation === null ? plan.targets.length : jobs.length} repositories complete · ${pullRequests.toLocaleString("en-US")} pull requests · ${calls.toLocaleString("en-US")} API calls${per !== null ? ` (${per} per 100 pull requests)` : ""}, at most ${callBudget(pullRequests, Math.max(1, jobs.length)).toLocaleString("en-US")} allowed`,
  );
  view.stop();
  for (const f of failures) io.stderr.write(`unsung backfill: ${f}\n`);
  return failures.length ? 1 : 0;
}

function describeOutcome(t: Target, o: BackfillOutcome): string {
  const name = `${t.owner}/${t.name}`;
  switch (o.state) {
    case "done":
      return renderDone({ fullName: o.fullName, pullRequests: o.pullRequests, calls: o.calls, alreadyDone: o.alreadyDone });
    case "not-found":
      return `${name}: not found, or the credentials cannot read it`;
    case "failed":
      return `${name}: failed — ${o.error}. Run the same command again to resume from the last checkpoint.`;
    case "stopped":
      return `${name}: stopped (the app was removed from it)`;
    case "waiting":
      return `${name}: paused until ${new Date(o.untilMs).toISOString()} (${o.reason}); run again to resume`;
    case "more":
      return `${name}: paused; run again to resume`;
  }
}

/** The installation of the app on a repository (the app's JWT); null when it is not installed there. */
async function findInstallation(jwt: ApiClient, t: Target): Promise<number | null> {
  try {
    const { data } = await jwt.rest<{ id?: unknown }>("GET /repos/{owner}/{repo}/installation", { owner: t.owner, repo: t.name });
    return typeof data?.id === "number" && Number.isSafeInteger(data.id) ? data.id : null;
  } catch (err) {
    if (err instanceof ApiError && err.notFound) return null;
    throw err;
  }
}

/** Every repository an installation can read, 100 per call. */
async function installationRepositories(api: ApiClient): Promise<Target[]> {
  const out: Target[] = [];
  for (let page = 1; page <= 100; page++) {
    const { data } = await api.rest<{ repositories?: unknown }>("GET /installation/repositories", { per_page: 100, page });
    const list = Array.isArray(data?.repositories) ? data.repositories : [];
    for (const r of list) {
      const full = typeof (r as { full_name?: unknown })?.full_name === "string" ? (r as { full_name: string }).full_name : "";
      const m = REPO.exec(full);
      if (m) out.push({ owner: m[1]!, name: m[2]! });
    }
    if (list.length < 100) break;
  }
  return out;
}
