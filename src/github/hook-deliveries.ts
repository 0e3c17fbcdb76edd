/**
 * The app's webhook delivery log (`GET /app/hook/deliveries`, with the app's
 * JWT) and redelivery requests (`POST /app/hook/deliveries/{id}/attempts`).
 *
 * The log is paginated by an opaque cursor given in the `Link` header. Only
 * the cursor is taken from that header — never its URL — so a hostile or
 * broken answer cannot send the app's JWT elsewhere. Every item is checked
 * field by field; items that do not look like a delivery are counted and
 * skipped, and a body that is not a list fails the sweep with a clear error.
 */
import { ApiError, type ApiClient } from "./api-client.js";
import type { HookDelivery } from "../core/redelivery/plan-redeliveries.js";

export class MalformedDeliveryLogError extends Error {
  override name = "MalformedDeliveryLogError";
}

export interface DeliveryLogPage {
  deliveries: HookDelivery[];
  /** Items that were not a well-formed delivery. */
  malformed: number;
  next: string | null;
}

const GUID = /^[A-Za-z0-9-]{1,100}$/;
const CURSOR = /^[A-Za-z0-9_.=:-]{1,256}$/;
const NAME = /^[a-z0-9_.-]{1,100}$/i;

const int = (v: unknown): number | null => (typeof v === "number" && Number.isSafeInteger(v) ? v : null);

/** One item of the log, or null when it is not a delivery. */
export function parseHookDelivery(v: unknown): HookDelivery | null {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  const id = int(o.id);
  const guid = typeof o.guid === "string" && GUID.test(o.guid) ? o.guid : null;
  const at = typeof o.delivered_at === "string" && o.delivered_at.length <= 40 ? Date.parse(o.delivered_at) : NaN;
  const statusCode = int(o.status_code);
  const event = typeof o.event === "string" && NAME.test(o.event) ? o.event : null;
  if (id === null || id <= 0 || guid === null || Number.isNaN(at) || statusCode === null || event === null) return null;
  const action = typeof o.action === "string" && NAME.test(o.action) ? o.action : null;
  return {
    id,
    guid,
    deliveredAtMs: at,
    redelivery: o.redelivery === true,
    status: typeof o.status === "string" ? o.status.slice(0, 200) : "",
    statusCode,
    event,
    action,
    installationId: int(o.installation_id),
    repositoryId: int(o.repository_id),
  };
}

/** The `cursor` of the `rel="next"` link, or null (no next page, or a link we will not follow). */
export function nextCursor(link: string | undefined): string | null {
  if (!link || link.length > 8192) return null;
  for (const part of link.split(",")) {
    const m = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (!m || !/\brel="?next"?/.test(m[2]!)) continue;
    let cursor: string | null;
    try {
      cursor = new URL(m[1]!, "https://api.github.com").searchParams.get("cursor");
    } catch {
      return null;
    }
    return cursor && CURSOR.test(cursor) ? cursor : null;
  }
  return null;
}

export async function fetchDeliveryLogPage(api: ApiClient, cursor: string | null, perPage = 100): Promise<DeliveryLogPage> {
  const { data, headers } = await api.rest<unknown>("GET /app/hook/deliveries", { per_page: perPage, ...(cursor ? { cursor } : {}) });
  if (!Array.isArray(data)) throw new MalformedDeliveryLogError("GitHub's delivery log is not a list");
  const deliveries: HookDelivery[] = [];
  let malformed = 0;
  for (const item of data) {
    const d = parseHookDelivery(item);
    if (d) deliveries.push(d);
    else malformed++;
  }
  return { deliveries, malformed, next: nextCursor(headers.link ?? headers.Link) };
}

export type RedeliveryAnswer = { outcome: "requested" | "not-found" | "refused" | "error"; statusCode: number | null; error: string | null };

/**
 * Asks GitHub to deliver an attempt again. 202: accepted. 404: GitHub no longer knows it (or the app
 * lost it). 422: refused (too old, or GitHub will not redeliver it). Anything else (after the client's
 * own retries) is an error to try at the next sweep. Rate-limit waits propagate (RateLimitWait).
 */
export async function requestRedelivery(api: ApiClient, hookDeliveryId: number): Promise<RedeliveryAnswer> {
  try {
    await api.rest("POST /app/hook/deliveries/{delivery_id}/attempts", { delivery_id: hookDeliveryId });
    return { outcome: "requested", statusCode: 202, error: null };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    const message = err.message.slice(0, 500);
    if (err.status === 404) return { outcome: "not-found", statusCode: 404, error: message };
    if (err.status === 422) return { outcome: "refused", statusCode: 422, error: message };
    return { outcome: "error", statusCode: err.status, error: message };
  }
}
