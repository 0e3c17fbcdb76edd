/**
 * Prometheus counters kept in memory by the web process; gauges that
 * describe the backlog are read from the database at scrape time.
 */
export class Metrics {
  readonly counters = new Map<string, number>();

  inc(name: string, labels: Record<string, string> = {}, by = 1): void {
    const key = name + labelText(labels);
    this.counters.set(key, (this.counters.get(key) ?? 0) + by);
  }

  /** Prometheus text exposition format. */
  render(gauges: { name: string; help: string; value: number; labels?: Record<string, string> }[]): string {
    const out: string[] = [];
    const helps: Record<string, string> = {
      unsung_deliveries_received_total: "Webhook deliveries received, by outcome (stored, duplicate, rejected_*, failed).",
    };
    const byName = new Map<string, string[]>();
    for (const [key, value] of [...this.counters.entries()].sort()) {
      const name = key.split("{")[0] ?? key;
      if (!byName.has(name)) byName.set(name, []);
      byName.get(name)!.push(`${key} ${value}`);
    }
    for (const [name, lines] of byName) {
      out.push(`# HELP ${name} ${helps[name] ?? name}`, `# TYPE ${name} counter`, ...lines);
    }
    const seen = new Set<string>();
    for (const g of gauges) {
      if (!seen.has(g.name)) {
        out.push(`# HELP ${g.name} ${g.help}`, `# TYPE ${g.name} gauge`);
        seen.add(g.name);
      }
      out.push(`${g.name}${labelText(g.labels ?? {})} ${Number.isFinite(g.value) ? g.value : 0}`);
    }
    return out.join("\n") + "\n";
  }
}

function labelText(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  if (!entries.length) return "";
  return "{" + entries.map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, "_")}"`).join(",") + "}";
}
