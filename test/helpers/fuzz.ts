/**
 * Shared settings and generators for the property-based tests (fast-check).
 * Runs are bounded and the seed is fixed so CI is quick and repeatable; on a
 * failure fast-check prints the seed and the counterexample's path, and
 * UNSUNG_FUZZ_SEED / UNSUNG_FUZZ_RUNS replay it or search longer.
 */
import fc from "fast-check";

const envInt = (name: string): number | undefined => {
  const v = process.env[name];
  return v && /^-?\d+$/.test(v) ? Number(v) : undefined;
};

export const FUZZ_SEED = envInt("UNSUNG_FUZZ_SEED") ?? 20261206;

/** fast-check parameters: the fixed seed and `runs` runs (or UNSUNG_FUZZ_RUNS). */
export function fuzz(runs: number): fc.Parameters<unknown> {
  return { seed: FUZZ_SEED, numRuns: envInt("UNSUNG_FUZZ_RUNS") ?? runs, endOnFailure: true };
}

/** Strings that break naive code: unicode of every plane, controls, NUL, RTL marks, very long runs. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("", " ", "\u0000", "\u202e\u202d", "\ud800", "null", "undefined", "__proto__", "constructor", "@", "/unsung", "💥".repeat(50), "a\r\nb", "'; drop table deliveries; --"),
  fc.nat({ max: 300_000 }).map((n) => "x".repeat(n)),
);

/** Any JSON-ish value, including the awkward ones. */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { depthSize: "small" },
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -1, 0, 2 ** 63),
  nastyString,
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
  fc.dictionary(nastyString, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
);

type Path = (string | number)[];

function pathsOf(v: unknown, depth = 0, prefix: Path = [], out: Path[] = []): Path[] {
  if (out.length >= 600 || depth > 5 || typeof v !== "object" || v === null) return out;
  for (const [k, child] of Object.entries(v)) {
    const p = [...prefix, Array.isArray(v) ? Number(k) : k];
    out.push(p);
    pathsOf(child, depth + 1, p, out);
  }
  return out;
}

export type Mutation = { at: number; op: "delete" | "set" | "extra"; value: unknown; key: string };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom("delete", "set", "set", "extra"),
  value: anyValue,
  key: nastyString.map((s) => s.slice(0, 50)),
});

/** A real payload with fields removed, replaced by awkward values, or joined by extra ones. */
export function mutatedPayload(base: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const paths = pathsOf(base);
  return fc.array(mutation, { minLength: 1, maxLength: 8 }).map((muts) => {
    const copy = structuredClone(base);
    for (const m of muts) {
      const path = paths[m.at % paths.length];
      if (!path) continue;
      let parent: unknown = copy;
      for (const seg of path.slice(0, -1)) parent = parent && typeof parent === "object" ? (parent as Record<string, unknown>)[seg as string] : undefined;
      if (!parent || typeof parent !== "object") continue;
      const last = path[path.length - 1]!;
      const target = parent as Record<string | number, unknown>;
      if (m.op === "delete") delete target[last];
      else if (m.op === "set") target[last] = m.value;
      else if (target[last] && typeof target[last] === "object" && !Array.isArray(target[last])) (target[last] as Record<string, unknown>)[m.key] = m.value;
    }
    return copy;
  });
}
