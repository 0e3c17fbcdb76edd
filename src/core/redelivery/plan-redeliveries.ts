/**
 * Which webhook deliveries to ask GitHub to send again. Pure: the sweeper
 * reads GitHub's delivery log, what we stored and what we asked before, and
 * this decides.
 *
 * GitHub lists one entry per attempt (the first delivery and every
 * redelivery, newest first), all sharing the delivery's GUID. A GUID we
 * stored needs nothing, whatever GitHub recorded (it may have seen a timeout
 * after we committed). A GUID we did not store is redelivered — reason
 * "failed" when every attempt failed, "never-stored" when GitHub saw a 2xx
 * yet the row is missing — unless:
 *   - its newest attempt is older than the redelivery window (GitHub
 *     refuses those; the gap is left to the backfill),
 *   - it belongs to an installation or repository being erased (a
 *     redelivery would bring erased data back),
 *   - we already asked for it `maxRequests` times (it fails for a reason a
 *     redelivery cannot fix), or asked within `minGapMs` and GitHub has not
 *     delivered since.
 */

/** One attempt as GitHub's delivery log lists it (checked by src/github/hook-deliveries.ts). */
export interface HookDelivery {
  id: number;
  guid: string;
  deliveredAtMs: number;
  redelivery: boolean;
  status: string;
  statusCode: number;
  event: string;
  action: string | null;
  installationId: number | null;
  repositoryId: number | null;
}

/** What we asked for one GUID before. */
export interface PastRequests {
  count: number;
  lastAtMs: number;
}

export interface PlanInput {
  deliveries: readonly HookDelivery[];
  /** GUIDs present in our deliveries table (of those listed). */
  stored: ReadonlySet<string>;
  /** Installations and repositories with an erasure scheduled, running or done. */
  erasedInstallations: ReadonlySet<number>;
  erasedRepositories: ReadonlySet<number>;
  past: ReadonlyMap<string, PastRequests>;
  nowMs: number;
  windowMs: number;
  maxRequests: number;
  minGapMs: number;
}

export interface PlannedRedelivery {
  /** The attempt to redeliver: the newest of the GUID's. */
  hookDeliveryId: number;
  guid: string;
  event: string;
  action: string | null;
  installationId: number | null;
  reason: "failed" | "never-stored";
  deliveredAtMs: number;
}

export interface PlanCounts {
  /** Attempts listed, and distinct GUIDs among them. */
  attempts: number;
  guids: number;
  stored: number;
  failed: number;
  neverStored: number;
  /** Missing GUIDs whose newest attempt is outside the window: left to the backfill. */
  tooOld: number;
  erased: number;
  /** Asked `maxRequests` times already. */
  givenUp: number;
  /** Asked within `minGapMs`, no new attempt since. */
  waiting: number;
}

export function isDeliveryOk(d: Pick<HookDelivery, "status" | "statusCode">): boolean {
  return d.statusCode >= 200 && d.statusCode < 400 && d.status.trim().toUpperCase() === "OK";
}

/** GitHub accepts redelivery requests for deliveries of the past three days. */
export const REDELIVERY_WINDOW_MS = 3 * 86_400_000;

export function planRedeliveries(input: PlanInput): { redeliver: PlannedRedelivery[]; counts: PlanCounts } {
  const byGuid = new Map<string, HookDelivery[]>();
  for (const d of input.deliveries) {
    const list = byGuid.get(d.guid);
    if (list) list.push(d);
    else byGuid.set(d.guid, [d]);
  }
  const counts: PlanCounts = { attempts: input.deliveries.length, guids: byGuid.size, stored: 0, failed: 0, neverStored: 0, tooOld: 0, erased: 0, givenUp: 0, waiting: 0 };
  const redeliver: PlannedRedelivery[] = [];
  for (const [guid, attempts] of byGuid) {
    if (input.stored.has(guid)) {
      counts.stored++;
      continue;
    }
    // Newest first; ties (same second) by id, which GitHub allocates in order.
    const newest = attempts.reduce((a, b) => (b.deliveredAtMs > a.deliveredAtMs || (b.deliveredAtMs === a.deliveredAtMs && b.id > a.id) ? b : a));
    const reason = attempts.some(isDeliveryOk) ? "never-stored" : "failed";
    if (input.nowMs - newest.deliveredAtMs > input.windowMs) {
      counts.tooOld++;
      continue;
    }
    const erased = attempts.some(
      (a) => (a.installationId !== null && input.erasedInstallations.has(a.installationId)) || (a.repositoryId !== null && input.erasedRepositories.has(a.repositoryId)),
    );
    if (erased) {
      counts.erased++;
      continue;
    }
    const past = input.past.get(guid);
    if (past && past.count >= input.maxRequests) {
      counts.givenUp++;
      continue;
    }
    if (past && input.nowMs - past.lastAtMs < input.minGapMs && newest.deliveredAtMs <= past.lastAtMs) {
      counts.waiting++;
      continue;
    }
    counts[reason === "failed" ? "failed" : "neverStored"]++;
    redeliver.push({
      hookDeliveryId: newest.id,
      guid,
      event: newest.event,
      action: newest.action,
      installationId: newest.installationId,
      reason,
      deliveredAtMs: newest.deliveredAtMs,
    });
  }
  // Oldest first: those nearest the end of the window go before they fall out of it.
  redeliver.sort((a, b) => a.deliveredAtMs - b.deliveredAtMs);
  return { redeliver, counts };
}
