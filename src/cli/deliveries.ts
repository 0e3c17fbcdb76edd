import { parse, intFlag } from "./args.js";
import { UsageError, type CommandRunner } from "./io.js";
import { openRuntime } from "./runtime.js";

export const help = `Usage: unsung deliveries [--failed | --pending | --redeliveries] [--limit N] [--json]

Lists stored webhook deliveries, newest first, with their processing status and last error.
  --failed        only deliveries parked after failing
  --pending       only deliveries not processed yet
  --redeliveries  the redelivery sweeper's requests to GitHub instead (newest first): the delivery,
                  why (failed, never-stored) and GitHub's answer (requested, not-found, refused, error)
  --limit N   at most N rows (default 50, at most 10000)
  --json      one JSON object per line`;

export const run: CommandRunner = async (args, io) => {
  const { values } = parse(args, { failed: { type: "boolean" }, pending: { type: "boolean" }, redeliveries: { type: "boolean" }, limit: { type: "string" }, json: { type: "boolean" } });
  if (values.help) return io.stdout.write(help + "\n"), 0;
  // Together they would silently match nothing.
  if ([values.failed, values.pending, values.redeliveries].filter(Boolean).length > 1) throw new UsageError("--failed, --pending and --redeliveries cannot be combined");
  const limit = intFlag(values.limit, "limit", 50, 1, 10_000);
  const rt = await openRuntime(io);
  try {
    if (values.redeliveries) {
      const rows = await rt.database.db
        .selectFrom("redeliveries")
        .select(["requested_at", "guid", "hook_delivery_id", "event", "action", "reason", "outcome", "status_code", "delivered_at", "error"])
        .orderBy("requested_at", "desc")
        .orderBy("id", "desc")
        .limit(limit)
        .execute();
      for (const r of rows) {
        if (values.json) io.stdout.write(JSON.stringify(r) + "\n");
        else io.stdout.write(`${r.requested_at}  ${r.guid}  ${r.event}${r.action ? "." + r.action : ""}  ${r.reason}  ${r.outcome}${r.status_code ? ` (${r.status_code})` : ""}  delivered ${r.delivered_at}${r.error ? "  " + r.error.replace(/\s+/g, " ").slice(0, 200) : ""}\n`);
      }
      if (!values.json && !rows.length) io.stdout.write("no redeliveries requested\n");
      return 0;
    }
    let q = rt.database.db
      .selectFrom("deliveries")
      .select(["id", "event", "action", "status", "attempts", "received_at", "last_error"])
      .orderBy("received_at", "desc")
      .limit(limit);
    if (values.failed) q = q.where("status", "=", "failed");
    if (values.pending) q = q.where("status", "=", "pending");
    const rows = await q.execute();
    for (const r of rows) {
      if (values.json) io.stdout.write(JSON.stringify(r) + "\n");
      else io.stdout.write(`${r.received_at}  ${r.id}  ${r.event}${r.action ? "." + r.action : ""}  ${r.status} (attempts ${r.attempts})${r.last_error ? "  " + r.last_error.replace(/\s+/g, " ").slice(0, 200) : ""}\n`);
    }
    if (!values.json && !rows.length) io.stdout.write("no deliveries match\n");
    return 0;
  } finally {
    await rt.close();
  }
};
