/**
 * The binary COPY encoder (src/scale/binary-copy.ts), byte by byte against
 * PostgreSQL's documented format; that the server stores what the JSON path
 * stores is proven on a real server in test/services/scale-load.test.ts.
 */
import { describe, expect, it } from "vitest";
import { BinaryCopyEncoder, CopyValueError, parseIsoTimestamp, parseIsoUtc } from "../../src/scale/binary-copy.js";
import type { PgArrayType } from "../../src/scale/tables.js";

const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");

/** Splits COPY data into rows of raw field bytes (null for NULL), checking header and trailer. */
function fields(data: Buffer): (Buffer | null)[][] {
  expect(data.subarray(0, 11)).toEqual(SIGNATURE);
  expect(data.readInt32BE(11)).toBe(0); // flags
  expect(data.readInt32BE(15)).toBe(0); // header extension length
  let off = 19;
  const rows: (Buffer | null)[][] = [];
  for (;;) {
    const n = data.readInt16BE(off);
    off += 2;
    if (n === -1) break;
    const row: (Buffer | null)[] = [];
    for (let i = 0; i < n; i++) {
      const len = data.readInt32BE(off);
      off += 4;
      if (len === -1) row.push(null);
      else {
        row.push(data.subarray(off, off + len));
        off += len;
      }
    }
    rows.push(row);
  }
  expect(off).toBe(data.length);
  return rows;
}

function one(type: PgArrayType, value: unknown): Buffer | null {
  const e = new BinaryCopyEncoder([type], ["c"]);
  e.push([value]);
  return fields(e.take())[0]![0]!;
}

const PG_EPOCH_MS = Date.UTC(2000, 0, 1);

describe("BinaryCopyEncoder", () => {
  it("writes the header, one field count per row, NULL as length -1, and the trailer", () => {
    const e = new BinaryCopyEncoder(["bigint[]", "text[]"], ["a", "b"]);
    expect(e.rows).toBe(0);
    e.push([1, null]);
    e.push([undefined, "x"]);
    expect(e.rows).toBe(2);
    const rows = fields(e.take());
    expect(rows).toHaveLength(2);
    expect(rows[0]![1]).toBeNull();
    expect(rows[1]![0]).toBeNull();
    expect(rows[1]![1]!.toString()).toBe("x");
    // take() starts afresh
    expect(e.rows).toBe(0);
    expect(fields(e.take())).toEqual([]);
  });

  it("encodes integers big-endian, including negative and the largest safe bigint, and ids given as strings", () => {
    expect(one("bigint[]", 1)!.toString("hex")).toBe("0000000000000001");
    expect(one("bigint[]", -2)!.readBigInt64BE()).toBe(-2n);
    expect(one("bigint[]", Number.MAX_SAFE_INTEGER)!.readBigInt64BE()).toBe(BigInt(Number.MAX_SAFE_INTEGER));
    expect(one("bigint[]", -Number.MAX_SAFE_INTEGER)!.readBigInt64BE()).toBe(BigInt(-Number.MAX_SAFE_INTEGER));
    expect(one("bigint[]", 4_294_967_296 + 5)!.readBigInt64BE()).toBe(4_294_967_301n);
    expect(one("bigint[]", "123456789012")!.readBigInt64BE()).toBe(123456789012n);
    expect(one("bigint[]", "-9007199254740991")!.readBigInt64BE()).toBe(-9007199254740991n);
    expect(one("integer[]", -2_147_483_648)!.readInt32BE()).toBe(-2_147_483_648);
    expect(one("integer[]", 2_147_483_647)!.toString("hex")).toBe("7fffffff");
  });

  it("encodes booleans as one byte, reals as float4, timestamps as microseconds since 2000-01-01 UTC", () => {
    expect(one("boolean[]", true)!.toString("hex")).toBe("01");
    expect(one("boolean[]", false)!.toString("hex")).toBe("00");
    expect(one("real[]", 0.1)!.readFloatBE()).toBe(Math.fround(0.1));
    expect(one("timestamptz[]", "2000-01-01T00:00:00.000Z")!.readBigInt64BE()).toBe(0n);
    expect(one("timestamptz[]", "2026-11-21T10:11:12.345Z")!.readBigInt64BE()).toBe(BigInt((Date.UTC(2026, 10, 21, 10, 11, 12, 345) - PG_EPOCH_MS) * 1000));
    // Before PostgreSQL's epoch: negative.
    expect(one("timestamptz[]", "1999-12-31T23:59:59.999Z")!.readBigInt64BE()).toBe(-1000n);
    // Other ISO forms with a stated zone, and Date objects.
    expect(one("timestamptz[]", "2026-11-21T12:11:12+02:00")!.readBigInt64BE()).toBe(BigInt((Date.UTC(2026, 10, 21, 10, 11, 12) - PG_EPOCH_MS) * 1000));
    expect(one("timestamptz[]", new Date(PG_EPOCH_MS + 1))!.readBigInt64BE()).toBe(1000n);
    // Far from 2000, microseconds pass 2^53: still exact.
    expect(one("timestamptz[]", "9999-12-31T23:59:59.999Z")!.readBigInt64BE()).toBe(BigInt(Date.UTC(9999, 11, 31, 23, 59, 59, 999) - PG_EPOCH_MS) * 1000n);
    expect(one("timestamptz[]", "0100-01-01T00:00:00.001Z")!.readBigInt64BE()).toBe(BigInt(Date.parse("0100-01-01T00:00:00.001Z") - PG_EPOCH_MS) * 1000n);
    // The smallest and largest reals float4 holds.
    expect(one("real[]", 3.4e38)!.readFloatBE()).toBe(Math.fround(3.4e38));
    expect(one("real[]", -1.2e-38)!.readFloatBE()).toBe(Math.fround(-1.2e-38));
  });

  it("encodes text as UTF-8 (multi-byte, control characters and backslashes as they are), jsonb with its version byte", () => {
    const hostile = 'a\tb\nc\\N "é" 名前 😀 \u0001';
    expect(one("text[]", hostile)!.toString("utf8")).toBe(hostile);
    expect(one("text[]", "")!.length).toBe(0);
    const json = '{"title":"<script>é</script>","n":[1,2]}';
    const j = one("jsonb[]", json)!;
    expect(j[0]).toBe(1);
    expect(j.subarray(1).toString("utf8")).toBe(json);
  });

  it("encodes text[] as a one-dimensional array of text, and an empty array with no dimensions", () => {
    const a = one("text[][]", ["src", 'a"b', "é"])!;
    expect(a.readInt32BE(0)).toBe(1); // dimensions
    expect(a.readInt32BE(4)).toBe(0); // no nulls
    expect(a.readInt32BE(8)).toBe(25); // element type: text
    expect(a.readInt32BE(12)).toBe(3); // elements
    expect(a.readInt32BE(16)).toBe(1); // lower bound
    let off = 20;
    const items: string[] = [];
    for (let i = 0; i < 3; i++) {
      const len = a.readInt32BE(off);
      items.push(a.subarray(off + 4, off + 4 + len).toString("utf8"));
      off += 4 + len;
    }
    expect(items).toEqual(["src", 'a"b', "é"]);
    expect(off).toBe(a.length);
    expect(one("text[][]", [])!.toString("hex")).toBe("00000000" + "00000000" + "00000019");
  });

  it("grows past its first buffer for large values and many rows", () => {
    const e = new BinaryCopyEncoder(["text[]", "integer[]"], ["big", "n"], 64);
    const big = "x".repeat(3_000_000) + "é";
    e.push([big, 1]);
    for (let i = 0; i < 10_000; i++) e.push([`row ${i}`, i]);
    const rows = fields(e.take());
    expect(rows).toHaveLength(10_001);
    expect(rows[0]![0]!.toString("utf8")).toBe(big);
    expect(rows[10_000]![1]!.readInt32BE()).toBe(9_999);
  });

  it.each<[PgArrayType, unknown, RegExp]>([
    ["bigint[]", 1.5, /big: not an integer: 1\.5/],
    ["bigint[]", 2 ** 53, /big: not an integer/],
    ["bigint[]", "12abc", /big: not an integer: "12abc"/],
    ["bigint[]", "99999999999999999999", /not an integer/],
    ["integer[]", 2 ** 31, /does not fit an integer/],
    ["boolean[]", "true", /not a boolean/],
    ["real[]", Number.NaN, /not a finite number/],
    ["real[]", "0.5", /not a finite number/],
    ["real[]", 1e40, /1e\+40 is out of range for a real/],
    ["real[]", -1e-50, /out of range for a real/],
    ["text[]", "lone \ud800 surrogate", /lone UTF-16 surrogate/],
    ["jsonb[]", '"\udc00"', /lone UTF-16 surrogate/],
    ["text[][]", ["ok", "\ud83d"], /lone UTF-16 surrogate/],
    ["bigint[]", "90071992547409921", /not an integer/],
    ["bigint[]", "9007199254740993", /not an integer/],
    ["timestamptz[]", "yesterday", /not a timestamp: "yesterday"/],
    ["timestamptz[]", "2026-11-21 10:00", /not a timestamp/], // no zone: would depend on the machine's
    ["timestamptz[]", "2026-02-29T00:00:00.000Z", /not a timestamp/],
    ["timestamptz[]", "2026-11-21T10:00:00.123456Z", /not a timestamp/], // finer than milliseconds would be lost
    ["timestamptz[]", 1_700_000_000_000, /not a timestamp/],
    ["text[]", { toString: () => "x" }, /not text/],
    ["jsonb[]", { a: 1 }, /jsonb values travel as JSON text/],
    ["text[][]", "a,b", /not an array/],
    ["text[][]", ["a", null], /not text/],
  ])("refuses %s value %j with the column's name, keeping the rows before it", (type, value, message) => {
    const e = new BinaryCopyEncoder([type, "text[]"], ["big", "t"]);
    const good = [null, "kept"];
    e.push(good);
    const bytes = e.bytes;
    expect(() => e.push([value, "lost"])).toThrow(CopyValueError);
    expect(() => e.push([value, "lost"])).toThrow(message);
    expect(e.rows).toBe(1);
    expect(e.bytes).toBe(bytes);
    e.push(good);
    const rows = fields(e.take());
    expect(rows.map((r) => r[1]!.toString())).toEqual(["kept", "kept"]);
  });
});

describe("parseIsoUtc", () => {
  it("agrees with Date.parse on toISOString's format across centuries, leap days and the ends of days", () => {
    const samples = [Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(2000, 1, 29), Date.UTC(1970, 0, 1), Date.UTC(2100, 11, 31, 12), Date.UTC(1900, 2, 1)];
    let t = Date.UTC(1950, 0, 1);
    for (let i = 0; i < 5000; i++) {
      samples.push(t);
      t += 7_777_777_777 + i * 13; // strides through every month and time of day
    }
    for (const ms of samples) {
      const iso = new Date(ms).toISOString();
      expect(parseIsoUtc(iso), iso).toBe(Date.parse(iso));
    }
  });

  it.each([
    "2026-02-29T00:00:00.000Z",
    "1900-02-29T00:00:00.000Z",
    "2026-13-01T00:00:00.000Z",
    "2026-00-01T00:00:00.000Z",
    "2026-04-31T00:00:00.000Z",
    "2026-01-01T24:00:00.000Z",
    "2026-01-01T00:60:00.000Z",
    "2026-01-01T00:00:60.000Z",
    "2026-01-0aT00:00:00.000Z",
    "2026-01-01T00:00:00.000+",
    "2026-01-01 00:00:00.000Z",
    "0099-01-01T00:00:00.000Z",
    "2026-01-01T00:00:00Z",
    "",
  ])("is NaN for %j (the caller falls back or refuses)", (s) => {
    expect(parseIsoUtc(s)).toBeNaN();
  });
});

describe("parseIsoTimestamp", () => {
  it.each(["2026-11-21T10:00:00.000Z", "2026-11-21T12:11:12+02:00", "2026-11-21T12:11:12-15:59", "2026-11-21T02:11:12.5-08:00", "2026-11-21T10:00Z", "2024-02-29T23:30:00.12+05:30", "1999-12-31T23:59:59Z"])(
    "reads %j as Date.parse does",
    (s) => {
      expect(parseIsoTimestamp(s)).toBe(Date.parse(s));
    },
  );

  it.each(["2026-02-30T00:00:00+01:00", "2026-11-21T10:00:00+16:00", "2026-11-21T10:00:00+24:00", "2026-11-21T10:00:00+02:60", "2026-11-21T10:00:00", "2026-11-21", "2026-11-21T10:00:00.1234Z", "21 Nov 2026 10:00 GMT", "2026-11-21T10:00:00.000Z "])(
    "refuses %j",
    (s) => {
      expect(parseIsoTimestamp(s)).toBeNaN();
    },
  );
});
