/**
 * Locks of dead workers, released promptly. graphile-worker writes the id of
 * the worker (or, with a local queue, of the worker pool) that holds a job in
 * `locked_by`, and only frees a lock after four hours. A process killed with
 * `kill -9` or lost with its machine would hold its jobs that long — and
 * `unsung replay`/`reprocess`, which wait until no job is due, with them.
 *
 * So every worker process registers its ids in `worker_processes` (with host
 * and pid) and refreshes `seen_at` while it runs. A worker that starts, and
 * every running worker at each heartbeat, releases the jobs of ids whose
 * process is gone: on this host, a pid that no longer exists (at once);
 * elsewhere, an id not seen for `staleAfterMs`. Locks held by ids nobody
 * registered (a process that died before registering) are released once
 * older than `staleAfterMs` too.
 */
import os from "node:os";
import { sql, type Kysely, type Transaction } from "kysely";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any> | Transaction<any>;

export interface LivenessOptions {
  /** How often a running worker says it is alive (and looks for dead ones). */
  heartbeatMs: number;
  /** A worker not seen for this long is dead. A few heartbeats: a busy event loop may delay one. */
  staleAfterMs: number;
  hostname?: string;
  pid?: number;
  /** Whether a process of this host still exists. */
  isAlive?: (pid: number) => boolean;
}

export const DEFAULT_LIVENESS: LivenessOptions = { heartbeatMs: 10_000, staleAfterMs: 60_000 };

export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, owned by someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export async function registerWorkerIds(db: AnyDb, ids: string[], o: Pick<LivenessOptions, "hostname" | "pid"> = {}): Promise<void> {
  if (!ids.length) return;
  const hostname = o.hostname ?? os.hostname();
  const pid = o.pid ?? process.pid;
  await sql`insert into worker_processes (worker_id, hostname, pid)
    select unnest(${ids}::text[]), ${hostname}, ${pid}
    on conflict (worker_id) do update set seen_at = now()`.execute(db);
}

export async function heartbeat(db: AnyDb, ids: string[]): Promise<void> {
  if (ids.length) await sql`update worker_processes set seen_at = now() where worker_id = any(${ids}::text[])`.execute(db);
}

export async function unregisterWorkerIds(db: AnyDb, ids: string[]): Promise<void> {
  if (ids.length) await sql`delete from worker_processes where worker_id = any(${ids}::text[])`.execute(db);
}

/** Releases the jobs (and queues) locked by dead workers; returns the ids found dead and the jobs freed. */
export async function releaseDeadWorkers(db: AnyDb, o: LivenessOptions): Promise<{ workers: string[]; jobs: number }> {
  const hostname = o.hostname ?? os.hostname();
  const isAlive = o.isAlive ?? processExists;
  const staleSecs = o.staleAfterMs / 1000;
  const registered = (
    await sql<{ worker_id: string; hostname: string; pid: number; stale: boolean }>`
      select worker_id, hostname, pid, seen_at < now() - make_interval(secs => ${staleSecs}) as stale from worker_processes`.execute(db)
  ).rows;
  const dead = registered.filter((r) => r.stale || (r.hostname === hostname && !isAlive(r.pid))).map((r) => r.worker_id);
  const orphans = (
    await sql<{ locked_by: string }>`
      select distinct locked_by from graphile_worker.jobs j
      where locked_by is not null and locked_at < now() - make_interval(secs => ${staleSecs})
        and not exists (select 1 from worker_processes w where w.worker_id = j.locked_by)`.execute(db)
  ).rows.map((r) => r.locked_by);
  const ids = [...new Set([...dead, ...orphans])];
  if (!ids.length) return { workers: [], jobs: 0 };
  const n = await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs where locked_by = any(${ids}::text[])`.execute(db);
  await sql`select graphile_worker.force_unlock_workers(${ids}::text[])`.execute(db);
  await unregisterWorkerIds(db, ids);
  return { workers: ids, jobs: n.rows[0]?.n ?? 0 };
}
