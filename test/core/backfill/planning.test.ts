import { describe, expect, it } from "vitest";
import { callBudget, callsPer100 } from "../../../src/core/backfill/call-budget.js";
import { paceNextCall } from "../../../src/core/backfill/pace-requests.js";
import { afterSuccess, initialPageSize, shrinkPage } from "../../../src/core/backfill/page-size.js";
import { planRun } from "../../../src/core/backfill/plan-run.js";
import { inWindow, planWindow, windowCovers } from "../../../src/core/backfill/plan-window.js";

const NOW = Date.parse("2026-12-01T00:00:00Z");
const day = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe("call budget", () => {
  it("is 6 per 100 pull requests plus 4 per repository", () => {
    expect(callBudget(250, 1)).toBe(19);
    expect(callBudget(0, 3)).toBe(12);
    expect(callBudget(2500, 1)).toBe(154);
    expect(callsPer100(14, 250)).toBe(5.6);
    expect(callsPer100(3, 0)).toBeNull();
  });
});

describe("pacing", () => {
  const o = { reserve: 100, slowBelowShare: 0.2, costPerCall: 10 };
  it("does not wait while the budget is comfortable", () => {
    expect(paceNextCall({ remaining: 4000, limit: 5000, resetAtMs: NOW + 1_800_000 }, NOW, o)).toEqual({ waitMs: 0, until: null });
    expect(paceNextCall(null, NOW, o)).toEqual({ waitMs: 0, until: null });
  });
  it("spreads the calls left over the time to the reset when low", () => {
    // 600 left - 100 reserve = 500 points = 50 calls over 30 minutes: 36 s apart.
    expect(paceNextCall({ remaining: 600, limit: 5000, resetAtMs: NOW + 1_800_000 }, NOW, o)).toEqual({ waitMs: 36_000, until: "spread" });
  });
  it("waits for the reset at the reserve", () => {
    expect(paceNextCall({ remaining: 105, limit: 5000, resetAtMs: NOW + 600_000 }, NOW, o)).toEqual({ waitMs: 601_000, until: "reset" });
  });
});

describe("page size", () => {
  it("halves on trouble down to the minimum, and grows back after three successes", () => {
    let s = initialPageSize(100, 5);
    s = shrinkPage(s)!;
    expect(s.size).toBe(50);
    for (let i = 0; i < 4; i++) s = shrinkPage(s) ?? s;
    expect(s.size).toBe(5);
    expect(shrinkPage(s)).toBeNull();
    s = afterSuccess(afterSuccess(afterSuccess(s)));
    expect(s.size).toBe(8);
  });
});

describe("window", () => {
  it("defaults to the configured days before now", () => {
    expect(planWindow({ nowMs: NOW, days: 365 })).toEqual({ since: iso(NOW - 365 * day), until: iso(NOW) });
    expect(planWindow({ nowMs: NOW, days: 30, since: "2026-01-01T00:00:00Z", until: "2026-02-01T00:00:00Z" })).toEqual({ since: "2026-01-01T00:00:00.000Z", until: "2026-02-01T00:00:00.000Z" });
  });
  it("refuses empty, reversed and overlong periods", () => {
    expect(planWindow({ nowMs: NOW, days: 1, since: "2026-02-01", until: "2026-01-01" })).toHaveProperty("error");
    expect(planWindow({ nowMs: NOW, days: 1, since: "1990-01-01" })).toHaveProperty("error");
    expect(planWindow({ nowMs: NOW, days: 1, since: "yesterday" })).toHaveProperty("error");
  });
  it("covers and contains", () => {
    const w = { since: "2026-01-01T00:00:00Z", until: "2026-06-01T00:00:00Z" };
    expect(windowCovers(w, { since: "2026-02-01T00:00:00Z", until: "2026-05-01T00:00:00Z" })).toBe(true);
    expect(windowCovers(w, { since: "2025-12-01T00:00:00Z", until: "2026-05-01T00:00:00Z" })).toBe(false);
    expect(inWindow(w, "2025-06-01T00:00:00Z", "2026-01-02T00:00:00Z")).toBe(true);
    expect(inWindow(w, "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z")).toBe(false);
  });
});

describe("planRun", () => {
  const w = { since: "2026-01-01T00:00:00.000Z", until: "2026-06-01T00:00:00.000Z" };
  const flags = (o: Partial<Parameters<typeof planRun>[2]> = {}) => ({ sinceGiven: false, untilGiven: false, force: false, fromInstall: false, ...o });
  it("starts when nothing (or only a queued request) exists", () => {
    expect(planRun(null, w, flags())).toEqual({ do: "start", fetch: w, record: w });
    expect(planRun({ state: "queued", since: "x", until: "y" }, w, flags())).toEqual({ do: "start", fetch: w, record: w });
  });
  it("resumes an unfinished run in its own window, unless another window is asked for", () => {
    const running = { state: "running", since: "2025-12-01T00:00:00.000Z", until: "2026-05-01T00:00:00.000Z" };
    expect(planRun(running, w, flags())).toEqual({ do: "resume" });
    expect(planRun(running, w, flags({ sinceGiven: true }))).toMatchObject({ do: "start", fetch: w });
    expect(planRun({ ...running, since: w.since }, w, flags({ sinceGiven: true }))).toEqual({ do: "resume" });
  });
  it("reads nothing when a finished backfill covers the window, and only the increment when asked again later", () => {
    expect(planRun({ state: "done", ...w }, { since: w.since, until: "2026-05-01T00:00:00.000Z" }, flags({ untilGiven: true }))).toEqual({ do: "nothing" });
    const later = { since: "2026-01-10T00:00:00.000Z", until: "2026-06-10T00:00:00.000Z" };
    expect(planRun({ state: "done", ...w }, later, flags())).toEqual({
      do: "start",
      fetch: { since: "2026-05-31T00:00:00.000Z", until: later.until },
      record: { since: w.since, until: later.until },
    });
    expect(planRun({ state: "done", ...w }, w, flags({ force: true }))).toEqual({ do: "start", fetch: w, record: w });
  });
  it("leaves an installation's stopped backfill stopped, but the CLI may resume it", () => {
    expect(planRun({ state: "stopped", ...w }, w, flags({ fromInstall: true }))).toEqual({ do: "stopped" });
    expect(planRun({ state: "stopped", ...w }, w, flags())).toEqual({ do: "resume" });
  });
});
