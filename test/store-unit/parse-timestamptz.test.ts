import { describe, expect, it } from "vitest";
import { parseTimestamptz } from "../../src/store/open-database.js";

describe("timestamptz text → ISO", () => {
  it.each([
    ["2026-07-01 10:00:00+00", "2026-07-01T10:00:00.000Z"],
    ["2026-07-01 10:00:00.5+00", "2026-07-01T10:00:00.500Z"],
    ["2026-07-01 10:00:00.123456+00", "2026-07-01T10:00:00.123Z"],
    ["2026-07-01 10:00:00.12+00", "2026-07-01T10:00:00.120Z"],
    ["2026-07-01 12:30:00+02", "2026-07-01T10:30:00.000Z"],
    ["2026-07-01 15:30:00+05:30", "2026-07-01T10:00:00.000Z"],
    ["2026-07-01 03:00:00-07", "2026-07-01T10:00:00.000Z"],
    ["2026-07-01T10:00:00Z", "2026-07-01T10:00:00.000Z"],
  ])("%s → %s, the same as Date#toISOString", (input, expected) => {
    expect(parseTimestamptz(input)).toBe(expected);
  });

  it("agrees with Date on many UTC values", () => {
    for (let t = Date.UTC(2020, 0, 1); t < Date.UTC(2027, 0, 1); t += 7_777_777_777 / 100) {
      const d = new Date(Math.floor(t));
      const pgText = d.toISOString().replace("T", " ").replace("Z", "+00");
      expect(parseTimestamptz(pgText)).toBe(d.toISOString());
    }
  });
});
