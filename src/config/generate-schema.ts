/**
 * Generates `src/config/unsung.schema.json` (the JSON Schema of
 * `.github/unsung.yml`, for editors) from the zod schema, so the two never
 * drift. A test checks that the committed file equals this output.
 *
 *   npm run build && node dist/src/config/generate-schema.js [out-file]
 */
import { writeFileSync } from "node:fs";
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { UnsungConfigSchema } from "./repo-config.js";

/** The JSON Schema object. */
export function unsungJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(UnsungConfigSchema, { target: "draft-2020-12", io: "input", unrepresentable: "throw" }) as Record<string, unknown>;
  return { ...schema, title: "Unsung configuration (.github/unsung.yml)" };
}

/** The file's exact text (2-space JSON and a trailing newline). */
export function renderUnsungJsonSchema(): string {
  return `${JSON.stringify(unsungJsonSchema(), null, 2)}\n`;
}

const invokedDirectly = (() => {
  try {
    return realpathSync(process.argv[1] ?? "") === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();

if (invokedDirectly) {
  // From dist/src/config/ back to src/config/ unless a path is given.
  const out = process.argv[2] ?? fileURLToPath(new URL("../../../src/config/unsung.schema.json", import.meta.url));
  writeFileSync(out, renderUnsungJsonSchema());
  process.stdout.write(`wrote ${out}\n`);
}
