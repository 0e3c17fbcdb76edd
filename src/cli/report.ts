import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parsePeriod } from "../core/report/index.js";
import { REPORT_FORMATS, renderReport, type ReportFormat } from "../render/index.js";
import { personReport, ReportError, teamReport, type Audience, type TeamSelector } from "../services/build-reports.js";
import { isGitHubLogin } from "../services/reader-access.js";
import type { TenantSelector } from "../services/tenants.js";
import { intFlag, parse } from "./args.js";
import { UsageError, type CommandRunner } from "./io.js";
import { apiClients, openRuntime } from "./runtime.js";

export const help = `Usage:
  unsung report person <login> [organisation] [period] [--format md|html|csv|json] [--out FILE] [audience]
  unsung report team [--team SLUG | --people a,b,c] [organisation] [period] [--format …] [--out FILE] [audience]

Organisation — a report covers one organisation's repositories, never another's:
  --org LOGIN             the organisation (or user) the app is installed on
  --installation ID       the installation, by its numeric id
  (neither)               the only organisation the database holds; with several, say which

Period (default: the last full quarter):
  --quarter 2026Q3        a calendar quarter
  --from D --to D         inclusive dates, YYYY-MM-DD (UTC)

Audience — who will read it; private repositories are left out unless the reader may see them:
  (default)               public repositories only
  --reader LOGIN          public repositories, plus the private ones GitHub says LOGIN can read now
                          (asked with the app's credentials; what cannot be checked is left out)
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
      org: { type: "string" },
      installation: { type: "string" },
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
  if (values.reader !== undefined && !isGitHubLogin(values.reader.replace(/^@/, ""))) {
    throw new UsageError(`--reader takes a GitHub login, not "${values.reader.slice(0, 60)}"`);
  }
  if (values.org !== undefined && !isGitHubLogin(values.org.replace(/^@/, ""))) throw new UsageError(`--org takes an organisation's login, not "${values.org.slice(0, 60)}"`);
  const tenant: TenantSelector = { org: values.org ?? null, installationId: values.installation === undefined ? null : intFlag(values.installation, "installation", 0, 1, Number.MAX_SAFE_INTEGER) };
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
    const options = { tenant, enterpriseHost: rt.env.GHE_HOST ?? null, ...(audience.kind === "reader" ? { clients: await apiClients(rt.env, io.cwd) } : {}) };
    const model =
      what === "person"
        ? await personReport(rt.database.db, rest[0]!, period.period, audience, now, options)
        : await teamReport(rt.database.db, teamSelector(values.team, values.people), period.period, audience, now, options);
    // Whatever the format (CSV has no room for it), say what was left out because access could not be checked.
    if (model.coverage.note) io.stderr.write(`unsung report: ${model.coverage.note}\n`);
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
