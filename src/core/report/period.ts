/**
 * Reporting periods: a quarter ("2026 Q3") or an inclusive date range, always
 * in UTC. Pure: the caller passes `now`; errors come back as data so the CLI
 * can print them next to its usage text.
 */

/** A half-open interval of time a report covers. */
export interface Period {
  /** Start, inclusive: an ISO timestamp at 00:00:00.000Z. */
  from: string;
  /** End, exclusive: an ISO timestamp at 00:00:00.000Z (the day after the last day covered). */
  to: string;
  /** For people: "2026 Q3", or "2026-07-01 – 2026-09-30" (inclusive dates). */
  label: string;
}

/** What the user asked for; all optional (CLI flags `--quarter`, `--from`, `--to`). */
export interface PeriodRequest {
  /** "2026Q3", "2026-Q3", "2026q3". */
  quarter?: string | null;
  /** "YYYY-MM-DD", inclusive, UTC. */
  from?: string | null;
  /** "YYYY-MM-DD", inclusive, UTC. */
  to?: string | null;
}

export type PeriodResult = { ok: true; period: Period } | { ok: false; error: string };

/** Reports cover at most this many years: longer spans make comparisons meaningless and queries slow. */
export const MAX_PERIOD_YEARS = 2;

const DAY_MS = 86_400_000;
const QUARTER_LABEL = /^\d{4} Q[1-4]$/;
const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/**
 * Turns `--quarter` / `--from --to` (or nothing) into a Period.
 * With nothing given: the last full quarter before `now`.
 */
export function parsePeriod(request: PeriodRequest, now: Date): PeriodResult {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
    return { ok: false, error: "Internal error: the current time is not a valid date." };
  }
  const quarter = blankToNull(request.quarter);
  const from = blankToNull(request.from);
  const to = blankToNull(request.to);
  const today = isoDate(now);

  if (quarter !== null && (from !== null || to !== null)) {
    return { ok: false, error: "Give either --quarter or --from/--to, not both." };
  }

  if (quarter !== null) {
    const match = /^(\d{4})-?q(\d+)$/i.exec(quarter);
    if (!match) {
      return {
        ok: false,
        error: `Could not read the quarter "${quarter}": write it like 2026Q3 or 2026-Q3.`,
      };
    }
    const year = Number(match[1]);
    const q = Number(match[2]);
    if (q < 1 || q > 4) {
      return { ok: false, error: `"${quarter}": a year has quarters Q1 to Q4 only.` };
    }
    if (year < 1970) {
      return { ok: false, error: `"${quarter}": the year ${year} is too early.` };
    }
    const period = quarterPeriod(year, q);
    if (Date.parse(period.from) > now.getTime()) {
      return { ok: false, error: `${period.label} has not started yet (today is ${today}).` };
    }
    return { ok: true, period };
  }

  if (from !== null || to !== null) {
    if (from === null) return { ok: false, error: "--to needs --from as well (both are inclusive dates, YYYY-MM-DD)." };
    if (to === null) return { ok: false, error: "--from needs --to as well (both are inclusive dates, YYYY-MM-DD)." };
    const start = parseIsoDate(from, "--from");
    if (!start.ok) return start;
    const end = parseIsoDate(to, "--to");
    if (!end.ok) return end;
    if (start.ms > end.ms) {
      return { ok: false, error: `--from ${from} is after --to ${to}: the start must come first.` };
    }
    if (start.ms > now.getTime()) {
      return { ok: false, error: `--from ${from} is in the future (today is ${today}).` };
    }
    const endExclusive = end.ms + DAY_MS;
    if (endExclusive > addUtcYears(start.ms, MAX_PERIOD_YEARS)) {
      return {
        ok: false,
        error: `${from} – ${to} is longer than ${MAX_PERIOD_YEARS} years; a report covers at most ${MAX_PERIOD_YEARS} years. Split it into shorter periods.`,
      };
    }
    return { ok: true, period: rangePeriod(start.ms, endExclusive) };
  }

  return { ok: true, period: lastFullQuarter(now) };
}

/** The period of the same length immediately before `period` (the previous quarter, for a quarter). */
export function previousPeriod(period: Period): Period {
  const from = Date.parse(period.from);
  const to = Date.parse(period.to);
  const q = quarterOf(from, to);
  if (q) {
    // Quarters differ in length (90–92 days): the previous quarter is the comparison people expect.
    const prev = q.quarter === 1 ? quarterPeriod(q.year - 1, 4) : quarterPeriod(q.year, q.quarter - 1);
    return QUARTER_LABEL.test(period.label) ? prev : rangePeriod(Date.parse(prev.from), Date.parse(prev.to));
  }
  const length = to - from;
  return rangePeriod(from - length, from);
}

/** The last quarter that ended at or before `now`. */
export function lastFullQuarter(now: Date): Period {
  const year = now.getUTCFullYear();
  const current = Math.floor(now.getUTCMonth() / 3) + 1;
  return current === 1 ? quarterPeriod(year - 1, 4) : quarterPeriod(year, current - 1);
}

/** The quarter `q` (1–4) of `year`. */
export function quarterPeriod(year: number, q: number): Period {
  const from = Date.UTC(year, (q - 1) * 3, 1);
  const to = Date.UTC(year, q * 3, 1);
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), label: `${year} Q${q}` };
}

/** True when `iso` falls inside the period (from inclusive, to exclusive). Unparseable timestamps are outside. */
/** A period's bounds as epoch ms, parsed once per period (reports test tens of thousands of items). */
const bounds = new WeakMap<Period, readonly [number, number]>();

export function isInPeriod(iso: string, period: Period): boolean {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return false;
  let b = bounds.get(period);
  if (!b) bounds.set(period, (b = [Date.parse(period.from), Date.parse(period.to)] as const));
  return t >= b[0] && t < b[1];
}

/** A calendar month that overlaps a period. */
export interface PeriodMonth {
  /** "2026-07" */
  key: string;
  /** "Jul 2026" */
  label: string;
  /** Inclusive start and exclusive end, clipped to the period. */
  from: string;
  to: string;
}

/** The calendar months (UTC) a period overlaps, in order, clipped to the period. */
export function monthsOf(period: Period): PeriodMonth[] {
  const from = Date.parse(period.from);
  const to = Date.parse(period.to);
  const months: PeriodMonth[] = [];
  const start = new Date(from);
  let y = start.getUTCFullYear();
  let m = start.getUTCMonth();
  // 26 months is the most a 2-year period can touch; the cap guards against bad input.
  for (let i = 0; i < 400; i++) {
    const mStart = Date.UTC(y, m, 1);
    if (mStart >= to) break;
    const mEnd = Date.UTC(y, m + 1, 1);
    months.push({
      key: `${y}-${String(m + 1).padStart(2, "0")}`,
      label: `${(MONTH_NAMES[m] ?? "").slice(0, 3)} ${y}`,
      from: new Date(Math.max(mStart, from)).toISOString(),
      to: new Date(Math.min(mEnd, to)).toISOString(),
    });
    m += 1;
    if (m === 12) {
      m = 0;
      y += 1;
    }
  }
  return months;
}

/** The last day a period covers, as YYYY-MM-DD (its `to` is exclusive). */
export function lastDayOf(period: Period): string {
  return isoDate(new Date(Date.parse(period.to) - DAY_MS));
}

/** The first day a period covers, as YYYY-MM-DD. */
export function firstDayOf(period: Period): string {
  return isoDate(new Date(Date.parse(period.from)));
}

function rangePeriod(fromMs: number, toExclusiveMs: number): Period {
  return {
    from: new Date(fromMs).toISOString(),
    to: new Date(toExclusiveMs).toISOString(),
    label: `${isoDate(new Date(fromMs))} – ${isoDate(new Date(toExclusiveMs - DAY_MS))}`,
  };
}

function quarterOf(fromMs: number, toMs: number): { year: number; quarter: number } | null {
  const d = new Date(fromMs);
  if (d.getUTCDate() !== 1 || d.getUTCHours() !== 0 || d.getUTCMinutes() !== 0 || d.getUTCSeconds() !== 0 || d.getUTCMilliseconds() !== 0) {
    return null;
  }
  const month = d.getUTCMonth();
  if (month % 3 !== 0) return null;
  const year = d.getUTCFullYear();
  if (Date.UTC(year, month + 3, 1) !== toMs) return null;
  return { year, quarter: month / 3 + 1 };
}

function parseIsoDate(text: string, flag: string): { ok: true; ms: number } | { ok: false; error: string } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) {
    return { ok: false, error: `${flag} "${text}" is not a date: write it as YYYY-MM-DD, e.g. 2026-07-01.` };
  }
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1970) return { ok: false, error: `${flag} ${text}: the year ${year} is too early.` };
  if (month < 1 || month > 12) {
    return { ok: false, error: `${flag} ${text}: there is no month ${match[2]} (months are 01 to 12).` };
  }
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) {
    return {
      ok: false,
      error: `${flag} ${text}: ${MONTH_NAMES[month - 1]} ${year} has ${daysInMonth} days.`,
    };
  }
  return { ok: true, ms: Date.UTC(year, month - 1, day) };
}

function addUtcYears(ms: number, years: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear() + years, d.getUTCMonth(), d.getUTCDate());
}

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function blankToNull(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
}
