/**
 * What a backfill run reads, given what an earlier one left: nothing (a
 * finished backfill covers the window), the rest of an unfinished one (its
 * checkpoints), only what changed since a finished one ended (asked again
 * later, without a window), or the whole window. Pure.
 */
import { windowCovers, type BackfillWindow } from "./plan-window.js";

/** How far back an incremental run (a finished backfill asked again) reads before the last one ended. */
const INCREMENT_OVERLAP_MS = 86_400_000;

/** Decides what this run reads: nothing (done), the rest of an unfinished run, an increment, or the whole window. Pure. */
export function planRun(
  existing: { state: string; since: string; until: string } | null,
  asked: BackfillWindow,
  o: { sinceGiven: boolean; untilGiven: boolean; force: boolean; fromInstall: boolean },
): { do: "nothing" } | { do: "stopped" } | { do: "resume" } | { do: "start"; fetch: BackfillWindow; record: BackfillWindow } {
  // Queued by an installation event: nothing read yet, the window is decided now.
  if (!existing || existing.state === "queued") return { do: "start", fetch: asked, record: asked };
  const stored = { since: existing.since, until: existing.until };
  // An installation's queued job for a repository that was removed since: leave it stopped.
  if (existing.state === "stopped" && o.fromInstall) return { do: "stopped" };
  if (o.force) return { do: "start", fetch: asked, record: asked };
  if (existing.state !== "done") {
    // Carry on in the window it started with, unless another one was asked for.
    const same = (!o.sinceGiven || stored.since === asked.since) && (!o.untilGiven || stored.until === asked.until);
    return same ? { do: "resume" } : { do: "start", fetch: asked, record: asked };
  }
  if (windowCovers(stored, asked)) return { do: "nothing" };
  if (!o.untilGiven && Date.parse(stored.since) <= Date.parse(asked.since)) {
    // Asked again later: read only what changed since the last run ended (with a day's overlap).
    const since = new Date(Math.max(Date.parse(asked.since), Date.parse(stored.until) - INCREMENT_OVERLAP_MS)).toISOString();
    return { do: "start", fetch: { since, until: asked.until }, record: { since: stored.since, until: asked.until } };
  }
  return { do: "start", fetch: asked, record: asked };
}

