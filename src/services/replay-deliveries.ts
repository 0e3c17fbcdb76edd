/**
 * Feeds recorded deliveries through the same pipeline as live webhooks:
 * Probot's `receive` → the app's handler → the durable inbox. Ids missing
 * from a recording are derived from its content, so replaying the same file
 * twice stores each delivery once.
 */
import { createHash } from "node:crypto";
import type { Probot } from "probot";

export interface RecordedDelivery {
  id?: string;
  event: string;
  payload: Record<string, unknown>;
}

export type ParsedLine = { ok: true; delivery: Required<RecordedDelivery> } | { ok: false; error: string };

/** Largest recorded delivery accepted (GitHub's own webhook cap). */
export const MAX_RECORD_BYTES = 25 * 1024 * 1024;

/** One JSON text → a delivery, or what is wrong with it. */
export function parseRecordedDelivery(text: string): ParsedLine {
  if (Buffer.byteLength(text) > MAX_RECORD_BYTES) return { ok: false, error: `larger than ${MAX_RECORD_BYTES} bytes` };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `not valid JSON (${(err as Error).message.slice(0, 120)})` };
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return { ok: false, error: "not a JSON object" };
  const o = v as Record<string, unknown>;
  if (typeof o.event !== "string" || !/^[a-z_]{1,64}$/.test(o.event)) return { ok: false, error: 'needs "event": a GitHub event name such as "pull_request"' };
  if (typeof o.payload !== "object" || o.payload === null || Array.isArray(o.payload)) return { ok: false, error: 'needs "payload": the webhook body as an object' };
  if (o.id !== undefined && (typeof o.id !== "string" || !o.id || o.id.length > 200)) return { ok: false, error: '"id", when given, must be a non-empty string of at most 200 characters' };
  const id = (o.id as string | undefined) ?? `replay-${createHash("sha256").update(o.event).update("\n").update(JSON.stringify(o.payload)).digest("hex").slice(0, 32)}`;
  return { ok: true, delivery: { id, event: o.event, payload: o.payload as Record<string, unknown> } };
}

export async function receiveRecorded(probot: Probot, d: Required<RecordedDelivery>): Promise<void> {
  await probot.receive({ id: d.id, name: d.event, payload: d.payload } as never);
}
