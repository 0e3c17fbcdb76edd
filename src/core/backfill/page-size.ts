/**
 * Page sizes under pressure. A 502/504 or a timeout from GitHub's GraphQL API
 * nearly always means the query asked for too much at once: the next try
 * asks for half as many items (never fewer than `min`), and after a run of
 * successes the size grows back towards its configured value. Pure.
 */

export interface PageSizeState {
  size: number;
  max: number;
  min: number;
  /** Successful pages since the last shrink. */
  streak: number;
}

export function initialPageSize(max: number, min = 5): PageSizeState {
  return { size: max, max, min: Math.min(min, max), streak: 0 };
}

/** Half the size (at least `min`); null when it is already the smallest. */
export function shrinkPage(s: PageSizeState): PageSizeState | null {
  if (s.size <= s.min) return null;
  return { ...s, size: Math.max(s.min, Math.floor(s.size / 2)), streak: 0 };
}

/** After a success: three in a row grow the size by half, up to `max`. */
export function afterSuccess(s: PageSizeState): PageSizeState {
  const streak = s.streak + 1;
  if (s.size < s.max && streak >= 3) return { ...s, size: Math.min(s.max, Math.ceil(s.size * 1.5)), streak: 0 };
  return { ...s, streak };
}
