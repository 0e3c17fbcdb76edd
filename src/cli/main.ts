#!/usr/bin/env node
/**
 * `unsung <command>`: parses the command name and dispatches. Commands are
 * loaded lazily so that `unsung classify` does not load the database.
 */
import { readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";
import { fileURLToPath } from "node:url";
import { EnvError } from "../config/env.js";
import { isUnreachable } from "../store/unreachable.js";
import { UsageError, type CliIo, type CommandRunner } from "./io.js";

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run: CommandRunner }> }> = {
  demo: { summary: "replay the bundled sample organisation and write every report", load: () => import("./demo.js") },
  serve: { summary: "run the webhook server (and a worker)", load: () => import("./serve.js") },
  worker: { summary: "run a worker only", load: () => import("./worker.js") },
  migrate: { summary: "create or upgrade the database schema", load: () => import("./migrate.js") },
  replay: { summary: "feed recorded deliveries through the pipeline", load: () => import("./replay.js") },
  deliveries: { summary: "list stored deliveries (--failed for parked ones)", load: () => import("./deliveries.js") },
  jobs: { summary: "show the job queue (--failed for jobs that used up their attempts)", load: () => import("./jobs.js") },
  reprocess: { summary: "process stored deliveries again", load: () => import("./reprocess.js") },
  rescore: { summary: "re-run the detectors over stored facts", load: () => import("./rescore.js") },
  backfill: { summary: "read repositories' past from GitHub's API (resumable; --status)", load: () => import("./backfill.js") },
  report: { summary: "write an evidence packet (person) or a team report", load: () => import("./report.js") },
  stats: { summary: "count what the database holds (--json)", load: () => import("./stats.js") },
  purge: { summary: "erase an installation, a repository or a person (--dry-run first)", load: () => import("./purge.js") },
  "score-reviews": { summary: "score reviews given as JSON Lines on stdin", load: () => import("./score-reviews.js") },
  classify: { summary: "classify changes given as JSON Lines on stdin", load: () => import("./classify.js") },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    "Usage: unsung <command> [options]   (unsung <command> --help for its options)",
    "",
    "Commands:",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    "",
    "The database is DATABASE_URL when set, else the embedded one in UNSUNG_DATA_DIR (default .unsung/data).",
  ].join("\n");
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name) {
    // An error (exit 2): the usage goes to stderr, like every other usage error.
    io.stderr.write(`unsung: say which command to run\n\n${usage()}\n`);
    return 2;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(usage() + "\n");
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`unsung: unknown command "${name.slice(0, 60)}"\n\n${usage()}\n`);
    return 2;
  }
  try {
    const mod = await command.load();
    return await mod.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`unsung ${name}: ${err.message}\n(see: unsung ${name} --help)\n`);
      return 2;
    }
    if (err instanceof EnvError) {
      io.stderr.write(`unsung ${name}: ${err.message}\n`);
      return 2;
    }
    io.stderr.write(`unsung ${name}: ${describe(err)}\n`);
    return 1;
  }
}

function describe(err: unknown): string {
  const e = err as { message?: string } | null | undefined;
  const message = e?.message || String(err);
  if (isUnreachable(err)) return `cannot reach the database (${message}). Check DATABASE_URL, or unset it to use the embedded database.`;
  return message;
}

const invokedDirectly = (() => {
  try {
    return realpathSync(process.argv[1] ?? "") === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();

/**
 * Variables from ./.env (as Probot reads them), without overriding the real
 * environment: an explicitly set variable always wins.
 */
export function withDotEnv(env: Record<string, string | undefined>, cwd: string): Record<string, string | undefined> {
  let text: string;
  try {
    text = readFileSync(path.join(cwd, ".env"), "utf8");
  } catch {
    return env;
  }
  return { ...parseEnv(text), ...Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) };
}

if (invokedDirectly) {
  main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: withDotEnv(process.env, process.cwd()), cwd: process.cwd() }).then(
    (code) => {
      process.exitCode = code;
      // Pools and sockets may keep the loop alive after a one-shot command.
      if (!["serve", "worker"].includes(process.argv[2] ?? "")) setTimeout(() => process.exit(code), 50).unref();
    },
  );
}
