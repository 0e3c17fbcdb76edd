import { describe, expect, it } from "vitest";
import { Admission, type Ticket } from "../../src/server/admission.js";

const MB = 1024 * 1024;
const limits = { perSource: 3, largeBodyBytes: MB, largePerSource: 1, largeTotal: 2, smallTotalBytes: 4 * MB };
const ticket = (a: ReturnType<Admission["enter"]>): Ticket => {
  if (!("ticket" in a)) throw new Error(`refused: ${a.refused}`);
  return a.ticket;
};

describe("Admission", () => {
  it("lets one source hold at most perSource requests; other sources are not affected", () => {
    const a = new Admission(limits);
    const held = [1, 2, 3].map(() => ticket(a.enter("10.0.0.1", 100)));
    expect(a.enter("10.0.0.1", 100)).toEqual({ refused: "source-busy" });
    expect("ticket" in a.enter("10.0.0.2", 100)).toBe(true);
    held[0]!.release();
    expect("ticket" in a.enter("10.0.0.1", 100)).toBe(true);
  });

  it("puts large bodies in a narrow lane (per source and in all) while small ones still pass", () => {
    const a = new Admission(limits);
    const big = ticket(a.enter("10.0.0.1", 20 * MB));
    expect(a.enter("10.0.0.1", 20 * MB)).toEqual({ refused: "source-busy" });
    ticket(a.enter("10.0.0.2", 20 * MB));
    expect(a.enter("10.0.0.3", 20 * MB)).toEqual({ refused: "large-busy" });
    // Small deliveries from every source, the large ones' too, still get in.
    expect("ticket" in a.enter("10.0.0.1", 20_000)).toBe(true);
    expect("ticket" in a.enter("10.0.0.3", 20_000)).toBe(true);
    big.release();
    expect("ticket" in a.enter("10.0.0.3", 20 * MB)).toBe(true);
  });

  it("bounds the bytes small bodies reserve, and frees them on release (twice is once)", () => {
    const a = new Admission({ ...limits, perSource: 100 });
    const t = [0, 1, 2, 3].map(() => ticket(a.enter("s", MB)));
    expect(a.enter("s", 1)).toEqual({ refused: "intake-busy" });
    t[0]!.release();
    t[0]!.release();
    expect(a.inUse.smallBytes).toBe(3 * MB);
    expect("ticket" in a.enter("s", MB)).toBe(true);
    expect(a.enter("s", 1)).toEqual({ refused: "intake-busy" });
  });

  it("grows a chunked body's reservation as it streams and moves it to the large lane, or refuses it", () => {
    const a = new Admission({ ...limits, largeTotal: 1 });
    const chunked = ticket(a.enter("s", null));
    expect(chunked.grow(512 * 1024)).toBe(true);
    expect(a.inUse.smallBytes).toBe(512 * 1024);
    expect(chunked.grow(2 * MB)).toBe(true);
    expect(a.inUse).toEqual({ sources: 1, large: 1, smallBytes: 0 });
    const other = ticket(a.enter("t", null));
    expect(other.grow(2 * MB)).toBe(false);
    chunked.release();
    other.release();
    expect(a.inUse).toEqual({ sources: 0, large: 0, smallBytes: 0 });
  });

  it("refuses a body that streams past its declared length", () => {
    const a = new Admission(limits);
    const t = ticket(a.enter("s", 100));
    expect(t.grow(100)).toBe(true);
    expect(t.grow(101)).toBe(true);
    expect(t.grow(2 * MB)).toBe(false);
  });
});
