/**
 * Re-runs the current script with extra V8 flags (they must be given at start-up),
 * forwarding signals and the exit code. Returns true in the parent, which then
 * only waits; false when the flags are already in effect.
 */
import { spawn } from "node:child_process";

export function respawnWith(v8Flags: readonly string[]): boolean {
  if (v8Flags.every((f) => process.execArgv.includes(f))) return false;
  const child = spawn(process.execPath, [...v8Flags, ...process.execArgv, ...process.argv.slice(1)], { stdio: "inherit" });
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
  return true;
}
