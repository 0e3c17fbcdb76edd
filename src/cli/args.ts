/** Argument parsing shared by the commands: node's parseArgs, strict, errors as UsageError. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./io.js";

export function parse<T extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: T, allowPositionals = false) {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { help: { type: "boolean", short: "h" }, ...options }, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ""));
  }
  // An empty value (often an unset shell variable: --id "$ID") would otherwise read as
  // "flag not given" — and `reprocess --id ""` would reprocess every delivery.
  for (const [name, value] of Object.entries(parsed.values)) {
    const values = Array.isArray(value) ? value : [value];
    if (values.some((v) => typeof v === "string" && !v.trim())) throw new UsageError(`--${name} needs a value`);
  }
  return parsed;
}

/** A whole number within bounds, or a UsageError naming the flag. */
export function intFlag(value: string | undefined, name: string, def: number, min: number, max: number): number {
  if (value === undefined) return def;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} takes a whole number, not "${value.slice(0, 40)}"`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`--${name} must be between ${min} and ${max}`);
  return n;
}

/** A calendar date (YYYY-MM-DD) that exists, as an ISO timestamp at 00:00 UTC. */
export function dateFlag(value: string | undefined, name: string): string | null {
  if (value === undefined) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !d || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) {
    throw new UsageError(`--${name} takes a date as YYYY-MM-DD, not "${value.slice(0, 40)}"`);
  }
  return d.toISOString();
}
