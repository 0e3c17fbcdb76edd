/**
 * The figures the evaluation prints, computed one way for every section:
 * ROC AUC (ties count half), and the deterministic tuning/report split.
 */
import { createHash } from "node:crypto";

/**
 * ROC AUC: the probability that a randomly chosen positive scores above a randomly
 * chosen negative, ties counting half. Computed by ranks (O(n log n)); NaN when
 * either class is empty.
 */
export function rocAuc(positives: readonly number[], negatives: readonly number[]): number {
  if (positives.length === 0 || negatives.length === 0) return Number.NaN;
  const all = [...positives.map((v) => ({ v, pos: true })), ...negatives.map((v) => ({ v, pos: false }))];
  for (const x of all) if (!Number.isFinite(x.v)) throw new Error(`rocAuc: score ${String(x.v)} is not a finite number`);
  all.sort((a, b) => a.v - b.v);
  // Sum of the positives' mid-ranks (1-based), tied values sharing their average rank.
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j++;
    const midRank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) if (all[k]!.pos) rankSum += midRank;
    i = j + 1;
  }
  const p = positives.length;
  return (rankSum - (p * (p + 1)) / 2) / (p * negatives.length);
}

/** A number in [0, 1) from a string, the same on every machine and every run. */
export function unitHash(key: string): number {
  const h = createHash("sha256").update(key, "utf8").digest();
  return h.readUInt32BE(0) / 2 ** 32;
}

export type Half = "tuning" | "report";

/**
 * Splits items into a tuning half and a report half, deterministically and stratified:
 * within each stratum (e.g. set × label) items are ordered by the hash of their group key
 * (the pull request they come from, so items of one pull request stay together as far as
 * the stratum allows), then by id, and the first ⌈n/2⌉ go to tuning. Adding an item to one
 * stratum never moves items of another.
 */
export function splitHalves<T>(items: readonly T[], keys: { stratum: (t: T) => string; group: (t: T) => string; id: (t: T) => string }): Map<T, Half> {
  const strata = new Map<string, T[]>();
  for (const it of items) {
    const s = keys.stratum(it);
    let list = strata.get(s);
    if (!list) strata.set(s, (list = []));
    list.push(it);
  }
  const out = new Map<T, Half>();
  for (const list of strata.values()) {
    const ordered = list
      .map((it) => ({ it, h: unitHash(keys.group(it)), id: keys.id(it) }))
      .sort((a, b) => a.h - b.h || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const cut = Math.ceil(ordered.length / 2);
    ordered.forEach((x, i) => out.set(x.it, i < cut ? "tuning" : "report"));
  }
  return out;
}

/** "0.873" — three decimals, the way every AUC is printed. */
export function fmt3(x: number): string {
  return Number.isNaN(x) ? "n/a" : x.toFixed(3);
}

/**
 * Cohen's kappa of two raters over the same items: observed agreement corrected for the
 * agreement their label frequencies would give by chance, (po − pe) / (1 − pe). 1 is perfect,
 * 0 is chance; NaN with no items, 1 when both raters give every item the same one label.
 */
export function cohensKappa<L extends string>(pairs: readonly (readonly [L, L])[]): { observed: number; kappa: number } {
  if (pairs.length === 0) return { observed: Number.NaN, kappa: Number.NaN };
  const n = pairs.length;
  const a = new Map<L, number>();
  const b = new Map<L, number>();
  let same = 0;
  for (const [x, y] of pairs) {
    if (x === y) same++;
    a.set(x, (a.get(x) ?? 0) + 1);
    b.set(y, (b.get(y) ?? 0) + 1);
  }
  const po = same / n;
  let pe = 0;
  for (const [label, count] of a) pe += (count / n) * ((b.get(label) ?? 0) / n);
  return { observed: po, kappa: pe === 1 ? 1 : (po - pe) / (1 - pe) };
}
