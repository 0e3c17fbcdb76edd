import { sql } from "kysely";
import type { PurgeCounts } from "../services/purge-common.js";
import { findInstallationTarget, purgeInstallation } from "../services/purge-installation.js";
import { findPersonTargetById, findPersonTargets, purgePersonRows, type PersonTarget } from "../services/purge-person.js";
import { purgeRepository } from "../services/purge-repository.js";
import { runErasure, scheduleErasure, type ErasureScope } from "../services/erasure-schedule.js";
import { isGitHubLogin } from "../services/reader-access.js";
import { intFlag, parse } from "./args.js";
import { UsageError, type CommandRunner } from "./io.js";
import { apiClients, openRuntime } from "./runtime.js";

export const help = `Usage:
  unsung purge --installation ID | --repo OWNER/NAME | --person LOGIN | --person-id ID  (--dry-run | --yes) [--json]

Erases everything stored about an organisation's installation, a repository, or a person
(a GDPR-style request), in every table, now:
  --installation ID     the installation (its repositories, deliveries, people only it names)
  --repo OWNER/NAME     one repository
  --person LOGIN        one person, in every organisation (a login they have had before works too)
  --person-id ID        one person, by GitHub's numeric account id (when several people had the login)

  --dry-run             count what would be erased, per table, and change nothing
  --yes                 erase it (there is no undo)
  --json                print the counts as JSON

An erased person is not recorded again unless they opt back in (/unsung opt-in). The erasure is
recorded (by numeric id only) in the erasures table. See the README's "Privacy and erasure".`;

const REPO = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

export const run: CommandRunner = async (args, io) => {
  const { values } = parse(args, {
    installation: { type: "string" },
    repo: { type: "string" },
    person: { type: "string" },
    "person-id": { type: "string" },
    "dry-run": { type: "boolean" },
    yes: { type: "boolean" },
    json: { type: "boolean" },
  });
  if (values.help) return io.stdout.write(help + "\n"), 0;
  const targets = [values.installation, values.repo, values.person, values["person-id"]].filter((v) => v !== undefined);
  if (targets.length !== 1) throw new UsageError("say what to erase: exactly one of --installation, --repo, --person and --person-id");
  if (values["dry-run"] && values.yes) throw new UsageError("--dry-run and --yes cannot be combined");
  if (!values["dry-run"] && !values.yes) throw new UsageError("say --dry-run to see what would be erased, or --yes to erase it");
  const installationId = values.installation === undefined ? null : intFlag(values.installation, "installation", 0, 1, Number.MAX_SAFE_INTEGER);
  const personId = values["person-id"] === undefined ? null : intFlag(values["person-id"], "person-id", 0, 1, Number.MAX_SAFE_INTEGER);
  if (values.repo !== undefined && !REPO.test(values.repo)) throw new UsageError(`--repo takes OWNER/NAME, not "${values.repo.slice(0, 80)}"`);
  const login = values.person?.replace(/^@/, "");
  if (login !== undefined && !isGitHubLogin(login)) throw new UsageError(`--person takes a GitHub login, not "${values.person!.slice(0, 60)}"`);
  const dryRun = values["dry-run"] === true;

  const rt = await openRuntime(io);
  const db = rt.database.db;
  try {
    let scope: ErasureScope;
    let subjectId: number;
    let label: string;
    let person: PersonTarget | null = null;
    if (installationId !== null) {
      const t = await findInstallationTarget(db, installationId);
      if (!t) return fail(io, `no installation ${installationId} is stored; nothing was erased`);
      [scope, subjectId, label] = ["installation", installationId, `installation ${installationId}${t.accountLogin ? ` (${t.accountLogin})` : ""}`];
    } else if (values.repo !== undefined) {
      const rows = await db.selectFrom("repositories").select(["id", "full_name"]).where(sql`lower(full_name)`, "=", values.repo.toLowerCase()).execute();
      if (!rows.length) return fail(io, `no repository "${values.repo}" is stored; nothing was erased`);
      if (rows.length > 1) return fail(io, `several repositories have been called "${values.repo}" (ids ${rows.map((r) => r.id).join(", ")}); nothing was erased`);
      [scope, subjectId, label] = ["repository", rows[0]!.id, `repository ${rows[0]!.full_name} (id ${rows[0]!.id})`];
    } else if (personId !== null) {
      const found = await db.selectFrom("people").select("id").where("id", "=", personId).executeTakeFirst();
      if (!found) return fail(io, `no person with the id ${personId} is stored; nothing was erased`);
      person = await findPersonTargetById(db, personId);
      [scope, subjectId, label] = ["person", personId, `person ${person!.login} (id ${personId})`];
    } else {
      const found = await findPersonTargets(db, login!);
      if (!found.length) return fail(io, `no one with the login "${login}" (now or before) is stored; nothing was erased`);
      if (found.length > 1) {
        return fail(io, `several people have had the login "${login}": ${found.map((p) => `${p.login} (id ${p.id})`).join(", ")}. Say which with --person-id; nothing was erased`);
      }
      person = found[0]!;
      [scope, subjectId, label] = ["person", person.id, `person ${person.login} (id ${person.id})`];
    }

    const now = new Date();
    if (dryRun) {
      let counts: PurgeCounts;
      let rescore = 0;
      if (scope === "installation") counts = await purgeInstallation(db, subjectId, { dryRun: true });
      else if (scope === "repository") counts = await purgeRepository(db, subjectId, { dryRun: true });
      else {
        const r = await purgePersonRows(db, person!, { dryRun: true, mode: "request", now });
        counts = r.counts;
        rescore = r.rescore.length;
      }
      print(io, values.json === true, { target: label, dryRun: true, counts, rebuilt: rescore });
      return 0;
    }
    // Recorded in the audit trail and run now (an erasure already scheduled for it is brought forward).
    const id = await scheduleErasure(db, { scope, subjectId, reason: "request", requestedAt: now.toISOString(), dueAt: now.toISOString() });
    await db.updateTable("erasures").set({ due_at: now.toISOString(), reason: "request" }).where("id", "=", id).execute();
    const clients = await apiClients(rt.env, io.cwd);
    const result = await runErasure({ db, clients, now: () => new Date() }, id);
    print(io, values.json === true, { target: label, dryRun: false, counts: result.counts, rebuilt: result.rescored, erasureId: id });
    return 0;
  } finally {
    await rt.close();
  }
};

function fail(io: Parameters<CommandRunner>[1], message: string): number {
  io.stderr.write(`unsung purge: ${message}\n`);
  return 1;
}

function print(
  io: Parameters<CommandRunner>[1],
  json: boolean,
  r: { target: string; dryRun: boolean; counts: PurgeCounts; rebuilt: number; erasureId?: number },
): void {
  if (json) {
    io.stdout.write(JSON.stringify(r) + "\n");
    return;
  }
  const rows = Object.entries(r.counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const width = Math.max(5, ...rows.map(([k]) => k.length));
  const lines = [
    r.dryRun ? `Would erase, for ${r.target}:` : `Erased, for ${r.target}:`,
    ...(rows.length ? rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`) : ["  (nothing stored)"]),
  ];
  if (r.rebuilt) lines.push(`${r.dryRun ? "Would rebuild" : "Rebuilt"} other people's evidence on ${r.rebuilt} ${r.rebuilt === 1 ? "subject" : "subjects"} without them.`);
  lines.push(r.dryRun ? "Nothing was changed (dry run). Run again with --yes to erase." : `Recorded as erasure ${r.erasureId} (by numeric id only).`);
  io.stdout.write(lines.join("\n") + "\n");
}
