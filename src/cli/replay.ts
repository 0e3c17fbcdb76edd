import { createReadStream } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { Probot } from "probot";
import { unsungApp } from "../app.js";
import { recordDelivery, type RecordOutcome } from "../services/record-delivery.js";
import { MAX_RECORD_BYTES, parseRecordedDelivery, receiveRecorded, type ParsedLine } from "../services/replay-deliveries.js";
import { parse } from "./args.js";
import { UsageError, type CliIo, type CommandRunner } from "./io.js";
import { drainQueue, offlineClients, openRuntime, workerDeps, type Runtime } from "./runtime.js";

export const help = `Usage: unsung replay <file.jsonl | file.json | dir> [--no-wait]

Feeds recorded deliveries — one JSON object per line: {"event", "payload", "id"?} —
through the same pipeline as live webhooks, then processes them.
A directory is read in name order: its *.jsonl files line by line, its *.json files whole.
Set UNSUNG_GITHUB_RECORDINGS to a file of recorded API responses to stand in for GitHub.
  --no-wait   only store the deliveries; leave processing to a running worker`;

export const run: CommandRunner = async (args, io) => {
  const { values, positionals } = parse(args, { "no-wait": { type: "boolean" } }, true);
  if (values.help) return io.stdout.write(help + "\n"), 0;
  if (positionals.length !== 1) throw new UsageError("replay takes exactly one file or directory");
  const target = path.resolve(io.cwd, positionals[0]!);
  const files = await listInputs(target);
  const rt = await openRuntime(io);
  try {
    const counts = await replayFiles(rt, files, io);
    io.stdout.write(`replayed ${counts.stored} new, ${counts.duplicate} already stored, ${counts.invalid} invalid\n`);
    if (!values["no-wait"]) {
      const left = await drainQueue(rt, workerDeps(rt, await offlineClients(rt.env, io.cwd), { debounceSeconds: 0 }));
      const failed = await rt.database.db.selectFrom("deliveries").select((eb) => eb.fn.countAll<number>().as("n")).where("status", "=", "failed").executeTakeFirst();
      io.stdout.write(`processed; ${Number(failed?.n ?? 0)} failed deliveries${left ? `, ${left} jobs scheduled for retry` : ""} (see: unsung deliveries --failed)\n`);
    }
    return counts.invalid ? 1 : 0;
  } finally {
    await rt.close();
  }
};

async function listInputs(target: string): Promise<string[]> {
  let s;
  try {
    s = await stat(target);
  } catch {
    throw new UsageError(`no such file or directory: ${target}`);
  }
  if (s.isFile()) return [target];
  // Files only: a subdirectory named like a recording would fail the whole replay with EISDIR.
  const names = (await readdir(target, { withFileTypes: true }))
    .filter((e) => e.isFile() && (e.name.endsWith(".jsonl") || e.name.endsWith(".json")))
    .map((e) => e.name)
    .sort();
  if (!names.length) throw new UsageError(`${target} holds no .jsonl or .json files`);
  return names.map((n) => path.join(target, n));
}

export async function replayFiles(rt: Runtime, files: string[], io: CliIo): Promise<Record<RecordOutcome | "invalid", number>> {
  const counts = { stored: 0, duplicate: 0, invalid: 0 };
  const probot = new Probot({ githubToken: "replay", secret: "replay", logLevel: "fatal" });
  let last: RecordOutcome = "stored";
  await probot.load(
    unsungApp({
      record: (d) => recordDelivery(rt.database.db, d, rt.env.UNSUNG_MAX_ATTEMPTS),
      onRecorded: (o) => (last = o),
    }),
    { cwd: io.cwd, addHandler: () => {} },
  );
  const feed = async (where: string, parsed: ParsedLine) => {
    if (!parsed.ok) {
      counts.invalid++;
      io.stderr.write(`${where}: ${parsed.error}\n`);
      return;
    }
    await receiveRecorded(probot, parsed.delivery);
    counts[last]++;
  };
  for (const file of files) {
    if (file.endsWith(".json")) {
      const s = await stat(file);
      await feed(file, s.size > MAX_RECORD_BYTES ? { ok: false, error: `larger than ${MAX_RECORD_BYTES} bytes` } : parseRecordedDelivery(stripBom(await readFile(file, "utf8"))));
      continue;
    }
    const lines = createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
    let n = 0;
    for await (const line of lines) {
      n++;
      if (!line.trim()) continue;
      await feed(`${file}:${n}`, parseRecordedDelivery(n === 1 ? stripBom(line) : line));
    }
  }
  return counts;
}

/** Editors on Windows may start a UTF-8 file with a byte-order mark, which JSON.parse rejects. */
function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
