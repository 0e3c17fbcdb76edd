/**
 * Reads a webhook body with a byte cap (raw-body) while the HMAC-SHA256
 * signature is computed over the same chunks, and checks it in constant time.
 * A body that fails is dropped as it stands: it is never decoded, parsed or logged.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import getRawBody from "raw-body";
import type { Ticket } from "./admission.js";
import type { RejectReason } from "./check-headers.js";

export type BodyRead = { ok: true; body: Buffer } | { ok: false; reason: Extract<RejectReason, "too-large" | "aborted" | "bad-signature" | "large-busy" | "bad-length"> };

export async function readVerifiedBody(
  req: IncomingMessage,
  options: { secret: string; signature: Buffer; length: number | null; limit: number; ticket: Ticket },
): Promise<BodyRead> {
  const hmac = createHmac("sha256", options.secret);
  let received = 0;
  let refuse: ((r: BodyRead) => void) | null = null;
  const refused = new Promise<BodyRead>((resolve) => (refuse = resolve));
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (!options.ticket.grow(received)) {
      req.off("data", onData);
      req.unpipe();
      req.pause();
      refuse?.({ ok: false, reason: received > options.limit ? "too-large" : "large-busy" });
      return;
    }
    hmac.update(chunk);
  };
  // Attached before raw-body's own listener: every chunk is hashed as it arrives.
  req.on("data", onData);
  const read = getRawBody(req, { limit: options.limit, ...(options.length !== null ? { length: options.length } : {}) }).then(
    (body): BodyRead => ({ ok: true, body }),
    (err: { type?: string }): BodyRead => ({
      ok: false,
      reason: err.type === "entity.too.large" ? "too-large" : err.type === "request.size.invalid" ? "bad-length" : "aborted",
    }),
  );
  const result = await Promise.race([read, refused]);
  req.off("data", onData);
  if (!result.ok) return result;
  const digest = hmac.digest();
  if (digest.length !== options.signature.length || !timingSafeEqual(digest, options.signature)) return { ok: false, reason: "bad-signature" };
  return result;
}
