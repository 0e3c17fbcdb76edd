import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parsePeriod } from "../core/report/index.js";
import { REPORT_FORMATS, renderReport, type ReportFormat } from "../render/index.js";
import { personReport, ReportError, teamReport, type Audience, type TeamSelector } from "../services/build-reports.js";
import { parse } from "./args.js";
import { UsageError, type CommandRunner } from "./io.js";
import { openRuntime } from "./runtime.js";

export const help = `Usage:
  unsung report person <login> [period] [--format md|html|csv|json] [--out FILE] [audience]
  unsung report team [--team SLUG | --people a,b,c] [period] [--format …] [--out FILE] [audience]

Period (default: the last full quarter):
  --quarter 2026Q3        a calendar quarter
  --from D --to D         inclusive dates, YYYY-MM-DD (UTC)

Audience — who will read it; private repositories are left out unless the reader may see them:
  (default)               public repositories only
  --reader LOGIN          public repositories, plus private ones LOGIN has worked in
  --repos o/a,o/b         exactly these repositories
  --include-private       every repository (for readers who can see them all)

The report says which repositories it covers. Without --out it is written to standard output.`;

export const run: CommandRunner = async (args, io) => {
  const { values, positionals } = parse(
    args,
    {
      quarter: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      format: { type: "string" },
      out: { type: "string" },
      team: { type: "string" },
      people: { type: "string" },
      reader: { type: "string" },
      repos: { type: "string" },
      "include-private": { type: "boolean" },
    },
    true,
  );
  if (values.help) return io.stdout.write(help + "\n"), 0;
  const [what, ...rest] = positionals;
  if (what !== "person" && what !== "team") throw new UsageError('say "person <login>" or "team"');
  if (what === "person" && rest.length !== 1) throw new UsageError("report person takes exactly one login");
  if (what === "team" && rest.length) throw new UsageError("report team takes no positional arguments (use --team or --people)");
  if (what === "person" && (values.team || values.people)) throw new UsageError("--team and --people go with report team");
  if (values.team && values.people) throw new UsageError("--team and --people cannot be combined");
  const format = (values.format ?? "md") as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(", ")}`);
  const audiences = [values.reader, values.repos, values["include-private"]].filter(Boolean).length;
  if (audiences > 1) throw new UsageError("choose one of --reader, --repos and --include-private");
  const audience: Audience = values["include-private"]
    ? { kind: "all" }
    : values.reader
      ? { kind: "reader", login: values.reader }
      : values.repos
        ? { kind: "repos", fullNames: splitList(values.repos, "--repos") }
        : { kind: "public" };
  const now = new Date();
  const period = parsePeriod({ quarter: values.quarter ?? null, from: values.from ?? null, to: values.to ?? null }, now);
  if (!period.ok) throw new UsageError(period.error);

  const rt = await openRuntime(io);
  try {
    const model =
      what === "person"
        ? await personReport(rt.database.db, rest[0]!, period.period, audience, now)
        : await teamReport(rt.database.db, teamSelector(values.team, values.people), period.period, audience, now);
    const text = renderReport(model, format);
    if (values.out) {
      const file = path.resolve(io.cwd, values.out);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, text);
      io.stdout.write(`wrote ${file}\n`);
    } else io.stdout.write(text.endsWith("\n") ? text : text + "\n");
    return 0;
  } catch (err) {
    if (err instanceof ReportError) {
      io.stderr.write(`unsung report: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await rt.close();
  }
};

function splitList(v: string, flag: string): string[] {
  const items = v.split(",").map((s) => s.trim()).filter(Boolean);
  if (!items.length || items.length > 500) throw new UsageError(`${flag} takes a comma-separated list (1 to 500 items)`);
  return items;
}

function teamSelector(team: string | undefined, people: string | undefined): TeamSelector {
  if (team) return { kind: "team", slug: team };
  if (people) return { kind: "people", logins: splitList(people, "--people") };
  return { kind: "org" };
}
