/**
 * The scale loader's worker thread (src/scale/load-worker.ts): it runs
 * compiled code, so this test compiles the project privately
 * (test/helpers/private-build.ts) and takes the built loader's batches —
 * generated and encoded in the worker — against the batches this thread
 * generates from the sources. The database side of COPY batches is proven in
 * test/services/scale-load.test.ts.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScaleOrgOptions } from "../../src/scale/generate-scale-org.js";
import * as fromSource from "../../src/scale/load-scale-org.js";
import { generateBatches, type GenerationStep } from "../../src/scale/scale-batches.js";
import { SCALE_TABLE_NAMES } from "../../src/scale/tables.js";
import { privateBuild, type PrivateBuild } from "../helpers/private-build.js";

type Loader = typeof fromSource;
const SMALL: ScaleOrgOptions = { engineers: 6, months: 2, seed: 5, start: "2026-05-01" };

let build: PrivateBuild | undefined;
let built: Loader;

beforeAll(async () => {
  build = await privateBuild("load-worker-test");
  built = (await import(pathToFileURL(path.join(build.dir, "src", "scale", "load-scale-org.js")).href)) as Loader;
}, 180_000);

afterAll(async () => {
  await build?.remove();
});

/** Each step as a line: a batch's table, rows and the digest of its bytes; months; the counts. */
async function lines(steps: AsyncIterable<GenerationStep> | Iterable<GenerationStep>, pause = false): Promise<string[]> {
  const out: string[] = [];
  for await (const s of steps) {
    if ("batch" in s) {
      const bytes = "copy" in s.batch ? createHash("sha256").update(s.batch.copy).digest("hex") : "insert";
      out.push(`${s.batch.table} ${s.batch.rows} ${bytes}`);
      // A slow consumer: the worker must wait for it (its window), not lose or reorder anything.
      if (pause) await new Promise((r) => setTimeout(r, 2));
    } else if ("generated" in s) out.push(`generated ${JSON.stringify(s.generated)}`);
    else out.push(`month ${s.month}/${s.months}`);
  }
  return out;
}

describe("the scale loader's worker thread (compiled)", () => {
  it("hands out the same steps, byte for byte, as generating in this thread from the sources, never more than its window ahead", async () => {
    expect(built.WORKER_AVAILABLE).toBe(true);
    const here = await lines(generateBatches(SMALL, SCALE_TABLE_NAMES, "copy", 40));
    // Batches the worker has posted that the loader has not yet taken: bounded by the window (4).
    let posted = 0;
    let taken = 0;
    let ahead = 0;
    const counted = async function* (steps: AsyncIterable<GenerationStep> | Iterable<GenerationStep>) {
      for await (const s of steps) {
        if ("batch" in s) taken++;
        yield s;
      }
    };
    const steps = built.scaleBatches(SMALL, SCALE_TABLE_NAMES, "copy", 40, true, (worker) =>
      worker.on("message", (m: object) => {
        if ("batch" in m) ahead = Math.max(ahead, ++posted - taken);
      }),
    );
    const there = await lines(counted(steps), true);
    expect(there).toEqual(here);
    expect(posted).toBe(taken);
    expect(ahead).toBeGreaterThanOrEqual(3); // it does run ahead while the loader is busy…
    expect(ahead).toBeLessThanOrEqual(5); // …but not past its window (4), give or take the batch in hand
    // Enough batches to run the worker far past its window of unacknowledged ones.
    expect(here.filter((l) => l.startsWith("review_comments ")).length).toBeGreaterThan(20);
    expect(here.at(-1)).toMatch(/^generated \{/);
  });

  it("loads only the tables asked for", async () => {
    const there = await lines(built.scaleBatches(SMALL, ["reviews", "contributions"], "copy", 500, true));
    const tables = new Set(there.filter((l) => !/^(month|generated) /.test(l)).map((l) => l.split(" ")[0]));
    expect([...tables].sort()).toEqual(["contributions", "reviews"]);
  });

  it("reports the generator's error from the worker, and stops the worker", async () => {
    await expect(lines(built.scaleBatches({ ...SMALL, engineers: 1 }, SCALE_TABLE_NAMES, "copy", 40, true))).rejects.toThrow(
      "generating the organisation: engineers must be an integer ≥ 2",
    );
  });

  it("ends its worker when the loader stops early (a failed statement); the next run starts afresh", async () => {
    let exited: Promise<number> | undefined;
    const steps = built.scaleBatches(SMALL, SCALE_TABLE_NAMES, "copy", 40, true, (worker) => {
      exited = new Promise((resolve) => worker.once("exit", resolve));
    }) as AsyncIterable<GenerationStep>;
    let seen = 0;
    for await (const s of steps) if ("batch" in s && ++seen === 3) break;
    expect(seen).toBe(3);
    // Stopped, not left generating the rest of the organisation in the background (terminate() exits with 1).
    await expect(exited).resolves.toBe(1);
    const again = await lines(built.scaleBatches(SMALL, ["people"], "copy", 40, true));
    expect(again[0]).toBe("month -1/2");
  });
});

describe("the scale loader run from the sources", () => {
  it("has no worker to run (it needs compiled code), says so if asked for one, and generates in this thread", async () => {
    expect(fromSource.WORKER_AVAILABLE).toBe(false);
    expect(() => fromSource.scaleBatches(SMALL, SCALE_TABLE_NAMES, "copy", 40, true)).toThrow(/needs the compiled code \(npm run build\)/);
    expect(() => built.scaleBatches(SMALL, SCALE_TABLE_NAMES, "json", 40, true)).toThrow(/only COPY batches/);
    const steps = await lines(fromSource.scaleBatches(SMALL, ["people"], "json", 40, false));
    expect(steps.filter((l) => l.startsWith("people ")).length).toBeGreaterThan(0);
  });
});
