/**
 * The Gini coefficient of a distribution: 0 when everyone has the same
 * amount, approaching 1 when one member has everything (exactly (n-1)/n for
 * one of n). Negative or non-finite values count as 0; an empty or all-zero
 * list is perfectly equal (0).
 */
export function gini(values: readonly number[]): number {
  const xs = values.map((v) => (Number.isFinite(v) && v > 0 ? v : 0)).sort((a, b) => a - b);
  const n = xs.length;
  const sum = xs.reduce((a, b) => a + b, 0);
  if (n === 0 || sum === 0) return 0;
  let weighted = 0;
  xs.forEach((x, i) => {
    weighted += (i + 1) * x;
  });
  const g = (2 * weighted) / (n * sum) - (n + 1) / n;
  // Round away floating-point dust so equal shares give exactly 0.
  return Math.min(1, Math.max(0, Math.round(g * 1e9) / 1e9));
}
