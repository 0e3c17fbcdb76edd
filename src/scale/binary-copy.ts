/**
 * Rows in PostgreSQL's binary COPY format (`COPY … FROM STDIN WITH (FORMAT
 * binary)`), for the scale loader: numbers, booleans and timestamps travel as
 * their fixed-width binary values and text as UTF-8, so the server parses
 * nothing but the jsonb columns — about half the server's work of the
 * JSON-array INSERTs, and less of the client's (bench/report.ts measures it).
 *
 * The format: a 19-byte header; per row an int16 field count, then per field
 * an int32 byte length (-1 for NULL) and the value; an int16 -1 at the end.
 * Values: bigint/integer/real big-endian; boolean one byte; timestamptz int64
 * microseconds since 2000-01-01 UTC; jsonb a version byte (1) and the JSON
 * text; text[] a one-dimensional array of text (element oid 25).
 */
import type { PgArrayType } from "./tables.js";

/** Milliseconds from the Unix epoch to PostgreSQL's (2000-01-01T00:00:00Z). */
const PG_EPOCH_MS = 946_684_800_000;
const TWO_32 = 4_294_967_296;
const TEXT_OID = 25;
const HEADER = Buffer.concat([Buffer.from("PGCOPY\n\xff\r\n\0", "latin1"), Buffer.alloc(8)]);

/** A column value the encoder cannot represent: names the column and shows the value's type. */
export class CopyValueError extends Error {}

function shown(v: unknown): string {
  return (typeof v === "string" ? JSON.stringify(v.slice(0, 60)) : String(v).slice(0, 60)) + (typeof v === "string" ? "" : ` (${typeof v})`);
}

const ISO_WITH_ZONE = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,3}))?)?(?:Z|([+-])(\d\d):(\d\d))$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Milliseconds since 1970 of a UTC date and time, or NaN when there is no such moment (February 30th, 24:00). */
function utcMs(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): number {
  if (year < 100 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0) return NaN;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 1 : 0;
  if (day > DAYS_IN_MONTH[month - 1]! + leap) return NaN;
  // Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const days = era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
  return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + ms;
}

/** Two decimal digits at s[i], or a large negative number when either is not a digit. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -100_000;
}

/** Milliseconds of an ISO timestamp as toISOString() writes it (YYYY-MM-DDTHH:MM:SS.sssZ), else NaN: 3× faster than Date.parse. */
export function parseIsoUtc(s: string): number {
  if (s.length !== 24) return NaN;
  // - - T : : . Z
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 46 || s.charCodeAt(23) !== 90) return NaN;
  const last = s.charCodeAt(22) - 48;
  const ms = two(s, 20) * 10 + (last >= 0 && last <= 9 ? last : -100_000);
  return utcMs(two(s, 0) * 100 + two(s, 2), two(s, 5), two(s, 8), two(s, 11), two(s, 14), two(s, 17), ms);
}

/**
 * Milliseconds of an ISO 8601 timestamp with its zone stated (Z or ±HH:MM) and at most millisecond
 * precision, else NaN. Nothing depends on this process's time zone, and impossible dates (February
 * 30th) are refused, not rolled over.
 */
export function parseIsoTimestamp(s: string): number {
  const fast = parseIsoUtc(s);
  if (!Number.isNaN(fast)) return fast;
  const m = ISO_WITH_ZONE.exec(s);
  if (!m) return NaN;
  const n = (i: number) => Number(m[i] ?? 0);
  const ms = utcMs(n(1), n(2), n(3), n(4), n(5), n(6), Number(((m[7] ?? "") + "00").slice(0, 3)));
  const offsetMinutes = m[8] ? (m[8] === "-" ? -1 : 1) * (n(9) * 60 + n(10)) : 0;
  if (n(9) > 15 || n(10) > 59) return NaN; // PostgreSQL's limit on a zone displacement
  return ms - offsetMinutes * 60_000;
}

function msOf(v: unknown, column: string): number {
  const ms = typeof v === "string" ? parseIsoTimestamp(v) : v instanceof Date ? v.getTime() : NaN;
  if (!Number.isFinite(ms)) throw new CopyValueError(`${column}: not a timestamp: ${shown(v)}`);
  return ms;
}

function safeInteger(v: unknown, column: string): number {
  const n = typeof v === "string" && /^-?\d{1,16}$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isSafeInteger(n)) throw new CopyValueError(`${column}: not an integer: ${shown(v)}`);
  return n;
}

/**
 * Encodes rows (arrays of values in the columns' order) into one growing
 * buffer; `take()` returns the COPY data so far — header, rows, trailer — and
 * starts a new one.
 */
export class BinaryCopyEncoder {
  private buf: Buffer;
  private off = 0;
  /** Rows encoded since the last take(). */
  rows = 0;

  constructor(
    private readonly types: readonly PgArrayType[],
    private readonly names: readonly string[] = types.map((_, i) => `column ${i + 1}`),
    initialBytes = 1 << 20,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(64, initialBytes));
    this.start();
  }

  /** Bytes encoded so far. */
  get bytes(): number {
    return this.off;
  }

  private start(): void {
    HEADER.copy(this.buf, 0);
    this.off = HEADER.length;
  }

  private ensure(n: number): void {
    if (this.off + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.off + n));
    this.buf.copy(next, 0, 0, this.off);
    this.buf = next;
  }

  /** An integer as int8; beyond 2^53 (microseconds, ~285 years either side of 2000) through BigInt, exactly. */
  private int64(v: number, exact?: bigint): void {
    if (exact !== undefined) {
      this.buf.writeInt32BE(8, this.off);
      this.buf.writeBigInt64BE(exact, this.off + 4);
      this.off += 12;
      return;
    }
    const hi = Math.floor(v / TWO_32);
    this.buf.writeInt32BE(8, this.off);
    this.buf.writeInt32BE(hi, this.off + 4);
    this.buf.writeUInt32BE(v - hi * TWO_32, this.off + 8);
    this.off += 12;
  }

  /** Milliseconds since 2000-01-01 as int8 microseconds. */
  private timestamp(ms: number): void {
    const us = ms * 1000;
    if (Number.isSafeInteger(us)) this.int64(us);
    else this.int64(0, BigInt(ms) * 1000n);
  }

  /** A length-prefixed UTF-8 string (with `prefix` bytes of room left before it for the caller). */
  private text(s: string, prefix: number, i: number): number {
    // Buffer#write would turn a lone surrogate into U+FFFD; the server refuses one from the other paths.
    if (!(s as unknown as { isWellFormed(): boolean }).isWellFormed()) throw new CopyValueError(`${this.names[i]}: text with a lone UTF-16 surrogate: ${shown(s)}`);
    this.ensure(4 + prefix + s.length * 3);
    const len = this.buf.write(s, this.off + 4 + prefix);
    this.buf.writeInt32BE(len + prefix, this.off);
    return len;
  }

  /** Appends one row; a value that does not fit its column throws before anything of the row is kept. */
  push(row: readonly unknown[]): void {
    const types = this.types;
    const n = types.length;
    const rowStart = this.off;
    try {
      this.ensure(2);
      this.buf.writeInt16BE(n, this.off);
      this.off += 2;
      for (let i = 0; i < n; i++) {
        const v = row[i];
        if (v === null || v === undefined) {
          this.ensure(4);
          this.buf.writeInt32BE(-1, this.off);
          this.off += 4;
          continue;
        }
        this.value(types[i]!, v, i);
      }
      this.rows++;
    } catch (err) {
      this.off = rowStart;
      throw err;
    }
  }

  private value(type: PgArrayType, v: unknown, i: number): void {
    switch (type) {
      case "bigint[]":
        this.ensure(12);
        this.int64(safeInteger(v, this.names[i]!));
        return;
      case "integer[]": {
        const n = safeInteger(v, this.names[i]!);
        if (n < -2_147_483_648 || n > 2_147_483_647) throw new CopyValueError(`${this.names[i]}: ${n} does not fit an integer`);
        this.ensure(8);
        this.buf.writeInt32BE(4, this.off);
        this.buf.writeInt32BE(n, this.off + 4);
        this.off += 8;
        return;
      }
      case "boolean[]":
        if (typeof v !== "boolean") throw new CopyValueError(`${this.names[i]}: not a boolean: ${shown(v)}`);
        this.ensure(5);
        this.buf.writeInt32BE(1, this.off);
        this.buf[this.off + 4] = v ? 1 : 0;
        this.off += 5;
        return;
      case "real[]":
        if (typeof v !== "number" || !Number.isFinite(v)) throw new CopyValueError(`${this.names[i]}: not a finite number: ${shown(v)}`);
        // Out of float4's range: the server refuses such a value as text, so refuse it here too.
        if (!Number.isFinite(Math.fround(v)) || (v !== 0 && Math.fround(v) === 0)) throw new CopyValueError(`${this.names[i]}: ${v} is out of range for a real`);
        this.ensure(8);
        this.buf.writeInt32BE(4, this.off);
        this.buf.writeFloatBE(v === 0 ? 0 : v, this.off + 4); // -0 as 0, as the JSON path stores it
        this.off += 8;
        return;
      case "timestamptz[]":
        this.ensure(12);
        this.timestamp(msOf(v, this.names[i]!) - PG_EPOCH_MS);
        return;
      case "text[]":
        this.off += 4 + this.text(this.scalarText(v, i), 0, i);
        return;
      case "jsonb[]": {
        if (typeof v !== "string") throw new CopyValueError(`${this.names[i]}: jsonb values travel as JSON text`);
        const len = this.text(v, 1, i);
        this.buf[this.off + 4] = 1; // jsonb binary format version
        this.off += 5 + len;
        return;
      }
      case "text[][]":
        this.textArray(v, i);
        return;
    }
  }

  /** Text as given; numbers and booleans as their text; anything else is a mistake, not "[object Object]". */
  private scalarText(v: unknown, i: number): string {
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
    throw new CopyValueError(`${this.names[i]}: not text: ${shown(v)}`);
  }

  private textArray(v: unknown, i: number): void {
    if (!Array.isArray(v)) throw new CopyValueError(`${this.names[i]}: not an array`);
    const start = this.off;
    this.ensure(24);
    const b = this.buf;
    // length (filled in below), dimensions, has-nulls flag, element type
    b.writeInt32BE(v.length ? 1 : 0, start + 4);
    b.writeInt32BE(0, start + 8);
    b.writeInt32BE(TEXT_OID, start + 12);
    this.off = start + 16;
    if (v.length) {
      b.writeInt32BE(v.length, start + 16); // dimension size
      b.writeInt32BE(1, start + 20); // lower bound
      this.off = start + 24;
      for (const item of v) {
        this.off += 4 + this.text(this.scalarText(item, i), 0, i);
      }
    }
    this.buf.writeInt32BE(this.off - start - 4, start);
  }

  /**
   * The COPY data encoded since the last take, ending with the trailer, in a buffer of its own (never
   * a slice of a shared pool, so it can be transferred to another thread); the encoder starts afresh.
   */
  take(): Buffer {
    this.ensure(2);
    this.buf.writeInt16BE(-1, this.off);
    const out = Buffer.allocUnsafeSlow(this.off + 2);
    this.buf.copy(out, 0, 0, this.off + 2);
    this.start();
    this.rows = 0;
    return out;
  }
}
