/** Small statistics and formatting helpers shared by the benchmarks. */

/** The q-quantile (0–1) of an ascending-sorted array, nearest-rank. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

export function median(values: readonly number[]): number {
  return quantile(Float64Array.from(values).sort(), 0.5);
}

/** "3,412" */
export function int(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** "3.9" / "12" / "0.42" */
export function ms(n: number): string {
  if (!Number.isFinite(n)) return "n/a";
  if (n >= 100) return n.toFixed(0);
  if (n >= 10) return n.toFixed(1);
  if (n >= 1) return n.toFixed(1);
  return n.toFixed(2);
}

export function met(ok: boolean): string {
  return ok ? "met" : "MISSED";
}

/** Reads `--name value` / `--name=value` flags (numbers only) with defaults. */
export function numberFlags<T extends Record<string, number>>(argv: readonly string[], defaults: T): T {
  const out: Record<string, number> = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith("--")) continue;
    const [name, inline] = a.slice(2).split("=", 2) as [string, string | undefined];
    if (!(name in defaults)) throw new Error(`unknown flag --${name} (known: ${Object.keys(defaults).map((k) => `--${k}`).join(", ")})`);
    const raw = inline ?? argv[++i];
    const v = Number(raw);
    if (raw === undefined || !Number.isFinite(v)) throw new Error(`--${name} needs a number`);
    out[name] = v;
  }
  return out as T;
}
