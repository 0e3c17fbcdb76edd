import { sql } from "kysely";
import { enqueue, TASK } from "../queue/queue.js";
import { parse } from "./args.js";
import { UsageError, type CommandRunner } from "./io.js";
import { drainQueue, offlineClients, openRuntime, workerDeps } from "./runtime.js";

export const help = `Usage: unsung reprocess [--failed | --id ID] [--no-wait]

Processes stored deliveries again from their raw payloads (after a fix, or to
rebuild the facts). Facts are upserts, so reprocessing is safe.
  --failed    only deliveries parked after failing
  --id ID     one delivery
  --no-wait   only queue them; leave processing to a running worker`;

export const run: CommandRunner = async (args, io) => {
  const { values } = parse(args, { failed: { type: "boolean" }, id: { type: "string" }, "no-wait": { type: "boolean" } });
  if (values.help) return io.stdout.write(help + "\n"), 0;
  if (values.failed && values.id) throw new UsageError("--failed and --id cannot be combined");
  const rt = await openRuntime(io);
  try {
    const db = rt.database.db;
    const ids = await db.transaction().execute(async (trx) => {
      let q = trx.updateTable("deliveries").set({ status: "pending", attempts: 0 }).where("payload", "is not", null);
      if (values.failed) q = q.where("status", "=", "failed");
      if (values.id) q = q.where("id", "=", values.id);
      const rows = await q.returning("id").execute();
      for (const r of rows) await enqueue(trx, TASK.processDelivery, { deliveryId: r.id }, { maxAttempts: rt.env.UNSUNG_MAX_ATTEMPTS });
      return rows.map((r) => r.id);
    });
    if (values.id && !ids.length) {
      io.stderr.write(`no delivery ${values.id} with a stored payload\n`);
      return 1;
    }
    io.stdout.write(`queued ${ids.length} deliveries\n`);
    if (!values["no-wait"] && ids.length) {
      await drainQueue(rt, workerDeps(rt, await offlineClients(rt.env, io.cwd), { debounceSeconds: 0 }));
      const r = await sql<{ n: number }>`select count(*)::int as n from deliveries where status = 'failed' and id = any(${ids})`.execute(db);
      io.stdout.write(`processed; ${r.rows[0]?.n ?? 0} still failing\n`);
    }
    return 0;
  } finally {
    await rt.close();
  }
};
