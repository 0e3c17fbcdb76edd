/**
 * The project compiled with tsconfig.build.json into a private directory under
 * node_modules/.cache (so package imports still resolve), not into dist/: a
 * test of the built code must not depend on a stale dist/ nor rewrite it under
 * someone running it.
 */
import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");

export interface PrivateBuild {
  /** The output directory (dist/'s layout: src/…, bench/…, db/…). */
  dir: string;
  remove(): Promise<void>;
}

export async function privateBuild(label: string): Promise<PrivateBuild> {
  const dir = path.join(ROOT, "node_modules", ".cache", `unsung-${label}-${process.pid}`);
  const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const output = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [tsc, "-p", path.join(ROOT, "tsconfig.build.json"), "--outDir", dir], { timeout: 170_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`tsc -p tsconfig.build.json failed: ${stdout}${stderr}${err.message}`));
      else resolve(stdout + stderr);
    });
  });
  if (output) throw new Error(`tsc -p tsconfig.build.json printed: ${output}`);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
