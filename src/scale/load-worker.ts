/**
 * The worker thread of the scale loader (load-scale-org.ts): generates the
 * organisation and encodes it as binary COPY batches (scale-batches.ts), so
 * that the loading thread only sends them. Posts each step to the loader —
 * a batch's data transferred, not copied — and stops while `window` batches
 * are posted but not yet taken by a connection (the loader answers each with
 * a message), so memory stays bounded whatever the server's pace.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { ScaleOrgOptions } from "./generate-scale-org.js";
import { generateBatches, type GenerationStep } from "./scale-batches.js";
import type { ScaleTable } from "./tables.js";

export interface LoadWorkerInput {
  options: ScaleOrgOptions;
  tables: ScaleTable[];
  batchRows: number;
  window: number;
}

/** What the worker posts: a generation step, or why it stopped. */
export type LoadWorkerMessage = GenerationStep | { error: string };

const port = parentPort;
if (!port) throw new Error("load-worker.js runs as a worker thread of the scale loader");
const input = workerData as LoadWorkerInput;
let credits = input.window;
let wake: (() => void) | null = null;
port.on("message", () => {
  credits++;
  wake?.();
  wake = null;
});

try {
  for (const step of generateBatches(input.options, input.tables, "copy", input.batchRows)) {
    if ("batch" in step && "copy" in step.batch) {
      while (credits <= 0) await new Promise<void>((resolve) => (wake = resolve));
      credits--;
      port.postMessage(step, [step.batch.copy.buffer as ArrayBuffer]);
    } else port.postMessage(step);
  }
} catch (err) {
  port.postMessage({ error: err instanceof Error ? err.message : String(err) } satisfies LoadWorkerMessage);
} finally {
  port.close();
}
