/**
 * Everything about a webhook request that can be refused from its headers
 * alone, before a byte of the body is read: the event name, the delivery id,
 * the signature header, the content type and the declared length.
 */
import type { IncomingHttpHeaders } from "node:http";

/** Why a request was refused; also the `reason` label of `unsung_deliveries_rejected_total`. */
export type RejectReason =
  | "missing-event"
  | "bad-event"
  | "missing-delivery-id"
  | "bad-delivery-id"
  | "missing-signature"
  | "bad-signature-format"
  | "content-type"
  | "content-encoding"
  | "bad-length"
  | "empty-body"
  | "too-large"
  | "source-busy"
  | "large-busy"
  | "intake-busy"
  | "aborted"
  | "bad-signature"
  | "malformed-json"
  | "not-an-object";

export const REJECT_STATUS: Record<RejectReason, number> = {
  "missing-event": 400,
  "bad-event": 400,
  "missing-delivery-id": 400,
  "bad-delivery-id": 400,
  "missing-signature": 400,
  "bad-signature-format": 400,
  "content-type": 415,
  "content-encoding": 415,
  "bad-length": 400,
  "empty-body": 400,
  "too-large": 413,
  "source-busy": 429,
  "large-busy": 503,
  "intake-busy": 503,
  aborted: 400,
  "bad-signature": 400,
  "malformed-json": 400,
  "not-an-object": 400,
};

export type HeaderCheck =
  | { ok: true; id: string; event: string; signature: Buffer; length: number | null }
  | { ok: false; reason: RejectReason; id?: string | undefined; event?: string | undefined };

/** GitHub's event names: lower-case words joined by underscores. */
const EVENT = /^[a-z][a-z_]{0,63}$/;
/** GitHub's delivery ids are GUIDs; redeliveries and tools use the same alphabet. */
const DELIVERY_ID = /^[A-Za-z0-9._-]{1,128}$/;
const SIGNATURE = /^sha256=([0-9a-f]{64})$/;

function one(v: string | string[] | undefined): string | undefined {
  // Repeated headers are joined, so they fail the checks below rather than pass as missing.
  return Array.isArray(v) ? v.join(",") : v;
}

export function checkWebhookHeaders(headers: IncomingHttpHeaders, maxBodyBytes: number): HeaderCheck {
  const rawEvent = one(headers["x-github-event"]);
  const rawId = one(headers["x-github-delivery"]);
  const event = rawEvent !== undefined && EVENT.test(rawEvent) ? rawEvent : undefined;
  const id = rawId !== undefined && DELIVERY_ID.test(rawId) ? rawId : undefined;
  const seen = { id, event };
  if (rawEvent === undefined || rawEvent === "") return { ok: false, reason: "missing-event", ...seen };
  if (!event) return { ok: false, reason: "bad-event", ...seen };
  if (rawId === undefined || rawId === "") return { ok: false, reason: "missing-delivery-id", ...seen };
  if (!id) return { ok: false, reason: "bad-delivery-id", ...seen };

  const rawSignature = one(headers["x-hub-signature-256"]);
  if (rawSignature === undefined || rawSignature === "") return { ok: false, reason: "missing-signature", ...seen };
  const sig = SIGNATURE.exec(rawSignature.trim().toLowerCase());
  if (!sig) return { ok: false, reason: "bad-signature-format", ...seen };

  const type = (headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") return { ok: false, reason: "content-type", ...seen };
  const encoding = (headers["content-encoding"] ?? "identity").trim().toLowerCase();
  if (encoding !== "identity") return { ok: false, reason: "content-encoding", ...seen };

  const declared = headers["content-length"];
  let length: number | null = null;
  if (declared !== undefined) {
    if (!/^\d{1,15}$/.test(declared)) return { ok: false, reason: "bad-length", ...seen };
    length = Number(declared);
    if (length === 0) return { ok: false, reason: "empty-body", ...seen };
    if (length > maxBodyBytes) return { ok: false, reason: "too-large", ...seen };
  } else if (!headers["transfer-encoding"]) {
    return { ok: false, reason: "empty-body", ...seen };
  }
  return { ok: true, id, event, signature: Buffer.from(sig[1]!, "hex"), length };
}
