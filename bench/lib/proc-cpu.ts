/**
 * CPU time of the PostgreSQL backends serving one database, from /proc (Linux):
 * backends show the database in their process title ("postgres: 15/main: user db …").
 * Backends that end before the second reading are missed: use with pools.
 */
import { readdirSync, readFileSync } from "node:fs";

const TICK_MS = 10; // CLK_TCK = 100 on Linux

/** CPU milliseconds (user + system) used so far by each backend of `database`, by pid; null off Linux. */
export function backendCpu(database: string): Map<string, number> | null {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  } catch {
    return null;
  }
  const out = new Map<string, number>();
  for (const pid of pids) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (!cmd.startsWith("postgres:") || !cmd.includes(` ${database} `)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out.set(pid, (Number(fields[11]) + Number(fields[12])) * TICK_MS); // utime, stime
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

/** CPU used between two readings by the backends alive at the second (new ones count in full). */
export function cpuBetween(before: Map<string, number> | null, after: Map<string, number> | null): number | null {
  if (!before || !after) return null;
  let ms = 0;
  for (const [pid, t] of after) ms += t - (before.get(pid) ?? 0);
  return ms;
}

/** The whole machine's busy CPU milliseconds so far (all cores: user, nice, system, irq, softirq, steal), from /proc/stat; null off Linux. */
export function machineBusyMs(): number | null {
  try {
    const first = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!;
    const [, user, nice, system, , , irq, softirq, steal] = first.trim().split(/\s+/).map(Number);
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) * TICK_MS;
  } catch {
    return null;
  }
}
