import { describe, expect, it } from "vitest";
import {
  firstDayOf,
  isInPeriod,
  lastDayOf,
  lastFullQuarter,
  monthsOf,
  parsePeriod,
  previousPeriod,
  quarterPeriod,
  type Period,
  type PeriodResult,
} from "../../../src/core/report/period.js";

const NOW = new Date("2026-10-02T09:00:00Z");

function ok(result: PeriodResult): Period {
  if (!result.ok) throw new Error(`expected a period, got error: ${result.error}`);
  return result.period;
}

function err(result: PeriodResult): string {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.period)}`);
  return result.error;
}

describe("parsePeriod: default", () => {
  it("is the last full quarter before now", () => {
    expect(ok(parsePeriod({}, NOW))).toEqual({
      from: "2026-07-01T00:00:00.000Z",
      to: "2026-10-01T00:00:00.000Z",
      label: "2026 Q3",
    });
  });

  it("goes back to Q4 of the previous year in Q1", () => {
    expect(ok(parsePeriod({}, new Date("2026-01-15T00:00:00Z"))).label).toBe("2025 Q4");
    expect(ok(parsePeriod({}, new Date("2026-03-31T23:59:59Z"))).label).toBe("2025 Q4");
  });

  it("counts a quarter as full from the first instant of the next one, not before", () => {
    expect(ok(parsePeriod({}, new Date("2026-10-01T00:00:00Z"))).label).toBe("2026 Q3");
    expect(ok(parsePeriod({}, new Date("2026-09-30T23:59:59.999Z"))).label).toBe("2026 Q2");
  });

  it("treats blank flags as absent", () => {
    expect(ok(parsePeriod({ quarter: "  ", from: "", to: null }, NOW)).label).toBe("2026 Q3");
  });

  it("rejects an invalid clock instead of producing NaN dates", () => {
    expect(err(parsePeriod({}, new Date("nope")))).toMatch(/not a valid date/);
  });
});

describe("parsePeriod: --quarter", () => {
  it.each(["2026Q3", "2026-Q3", "2026q3", "2026-q3", " 2026Q3 "])("reads %j", (q) => {
    expect(ok(parsePeriod({ quarter: q }, NOW))).toEqual(quarterPeriod(2026, 3));
  });

  it("gives each quarter its own dates", () => {
    expect(ok(parsePeriod({ quarter: "2025Q1" }, NOW))).toEqual({
      from: "2025-01-01T00:00:00.000Z",
      to: "2025-04-01T00:00:00.000Z",
      label: "2025 Q1",
    });
    expect(ok(parsePeriod({ quarter: "2025Q4" }, NOW)).to).toBe("2026-01-01T00:00:00.000Z");
  });

  it("accepts the quarter in progress (a mid-quarter check-in)", () => {
    expect(ok(parsePeriod({ quarter: "2026Q4" }, NOW)).label).toBe("2026 Q4");
  });

  it.each([
    ["2026Q5", /Q1 to Q4/],
    ["2026Q0", /Q1 to Q4/],
    ["Q3 2026", /write it like 2026Q3/],
    ["2026", /write it like 2026Q3/],
    ["26Q3", /write it like 2026Q3/],
    ["2027Q1", /has not started yet/],
  ])("rejects %j clearly", (q, message) => {
    expect(err(parsePeriod({ quarter: q }, NOW))).toMatch(message);
  });

  it("rejects a quarter together with dates", () => {
    expect(err(parsePeriod({ quarter: "2026Q3", from: "2026-07-01", to: "2026-09-30" }, NOW))).toMatch(/not both/);
  });
});

describe("parsePeriod: --from/--to", () => {
  it("takes inclusive UTC dates and ends the period the day after --to", () => {
    expect(ok(parsePeriod({ from: "2026-07-01", to: "2026-09-30" }, NOW))).toEqual({
      from: "2026-07-01T00:00:00.000Z",
      to: "2026-10-01T00:00:00.000Z",
      label: "2026-07-01 – 2026-09-30",
    });
  });

  it("allows a single day", () => {
    const p = ok(parsePeriod({ from: "2026-08-14", to: "2026-08-14" }, NOW));
    expect(p.to).toBe("2026-08-15T00:00:00.000Z");
    expect(p.label).toBe("2026-08-14 – 2026-08-14");
  });

  it("accepts 29 February in a leap year", () => {
    expect(ok(parsePeriod({ from: "2024-02-29", to: "2024-03-31" }, NOW)).from).toBe("2024-02-29T00:00:00.000Z");
  });

  it.each([
    [{ from: "2026-13-01", to: "2026-12-31" }, /--from 2026-13-01: there is no month 13/],
    [{ from: "2026-02-01", to: "2026-02-30" }, /--to 2026-02-30: February 2026 has 28 days/],
    [{ from: "2025-02-29", to: "2025-03-01" }, /February 2025 has 28 days/],
    [{ from: "2026-04-31", to: "2026-05-01" }, /April 2026 has 30 days/],
    [{ from: "2026-00-10", to: "2026-05-01" }, /no month 00/],
    [{ from: "2026-05-00", to: "2026-05-01" }, /May 2026 has 31 days/],
    [{ from: "yesterday", to: "2026-09-30" }, /--from "yesterday" is not a date: write it as YYYY-MM-DD/],
    [{ from: "2026-07-01", to: "30/09/2026" }, /--to "30\/09\/2026" is not a date/],
    [{ from: "2026-7-1", to: "2026-09-30" }, /not a date/],
    [{ from: "2026-09-30", to: "2026-07-01" }, /--from 2026-09-30 is after --to 2026-07-01/],
    [{ from: "2026-07-01" }, /--from needs --to/],
    [{ to: "2026-07-01" }, /--to needs --from/],
    [{ from: "2027-01-01", to: "2027-03-31" }, /in the future/],
  ])("rejects %j with a clear message", (request, message) => {
    expect(err(parsePeriod(request, NOW))).toMatch(message);
  });

  it("allows exactly two years and rejects a day more", () => {
    expect(ok(parsePeriod({ from: "2024-01-01", to: "2025-12-31" }, NOW)).to).toBe("2026-01-01T00:00:00.000Z");
    expect(err(parsePeriod({ from: "2024-01-01", to: "2026-01-01" }, NOW))).toMatch(/longer than 2 years/);
    expect(err(parsePeriod({ from: "2020-01-01", to: "2026-09-30" }, NOW))).toMatch(/Split it/);
  });
});

describe("previousPeriod", () => {
  it("is the previous quarter for a quarter", () => {
    expect(previousPeriod(quarterPeriod(2026, 3))).toEqual(quarterPeriod(2026, 2));
    expect(previousPeriod(quarterPeriod(2026, 1))).toEqual(quarterPeriod(2025, 4));
  });

  it("is the same number of days immediately before for a range", () => {
    const p = ok(parsePeriod({ from: "2026-07-10", to: "2026-07-19" }, NOW));
    expect(previousPeriod(p)).toEqual({
      from: "2026-06-30T00:00:00.000Z",
      to: "2026-07-10T00:00:00.000Z",
      label: "2026-06-30 – 2026-07-09",
    });
  });

  it("keeps a range's style for a range that happens to be a quarter", () => {
    const p = ok(parsePeriod({ from: "2026-07-01", to: "2026-09-30" }, NOW));
    expect(previousPeriod(p)).toEqual({
      from: "2026-04-01T00:00:00.000Z",
      to: "2026-07-01T00:00:00.000Z",
      label: "2026-04-01 – 2026-06-30",
    });
  });
});

describe("period helpers", () => {
  it("includes from and excludes to", () => {
    const q3 = quarterPeriod(2026, 3);
    expect(isInPeriod("2026-07-01T00:00:00Z", q3)).toBe(true);
    expect(isInPeriod("2026-09-30T23:59:59.999Z", q3)).toBe(true);
    expect(isInPeriod("2026-10-01T00:00:00Z", q3)).toBe(false);
    expect(isInPeriod("2026-06-30T23:59:59Z", q3)).toBe(false);
    expect(isInPeriod("not a date", q3)).toBe(false);
  });

  it("lists the months a period overlaps, clipped to it", () => {
    expect(monthsOf(quarterPeriod(2026, 3)).map((m) => [m.key, m.label])).toEqual([
      ["2026-07", "Jul 2026"],
      ["2026-08", "Aug 2026"],
      ["2026-09", "Sep 2026"],
    ]);
    const range = ok(parsePeriod({ from: "2025-12-15", to: "2026-01-10" }, NOW));
    expect(monthsOf(range)).toEqual([
      { key: "2025-12", label: "Dec 2025", from: "2025-12-15T00:00:00.000Z", to: "2026-01-01T00:00:00.000Z" },
      { key: "2026-01", label: "Jan 2026", from: "2026-01-01T00:00:00.000Z", to: "2026-01-11T00:00:00.000Z" },
    ]);
  });

  it("gives first and last days covered", () => {
    expect(firstDayOf(quarterPeriod(2026, 3))).toBe("2026-07-01");
    expect(lastDayOf(quarterPeriod(2026, 3))).toBe("2026-09-30");
    expect(lastFullQuarter(NOW)).toEqual(quarterPeriod(2026, 3));
  });
});
