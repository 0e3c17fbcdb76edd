/**
 * Logging that never prints a payload or a request body.
 *
 * Probot's own logger prints the whole webhook event when verification fails
 * and when a handler throws (@octokit/webhooks attaches the event, payload and
 * all, to every handler error, and pino's default error serializer prints every
 * property of an error). The logger made here is handed to Probot, so its
 * serializers apply inside Probot too: errors keep only their type, code, a
 * cut message and the stack frames; an `event` keeps only its id and name;
 * `payload`, `body`, `req` and `res` are dropped.
 */
import pino, { type DestinationStream, type Logger } from "pino";

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";

const MAX_MESSAGE = 300;
const MAX_FRAMES = 12;
const OMITTED = "[omitted]";

/** An error as a log field: what it is and where it came from, never what it carried. */
export function safeError(value: unknown, depth = 0): Record<string, unknown> {
  if (!(value instanceof Error)) return { type: typeof value, message: cut(String(value)) };
  const out: Record<string, unknown> = { type: value.name || value.constructor?.name || "Error", message: cut(value.message) };
  const code = (value as { code?: unknown }).code;
  if (typeof code === "string" || typeof code === "number") out.code = code;
  const status = (value as { status?: unknown }).status;
  if (typeof status === "number") out.status = status;
  // Frames only: a stack's first line repeats the message in full.
  const frames = (value.stack ?? "").split("\n").filter((l) => /^\s+at /.test(l)).slice(0, MAX_FRAMES);
  if (frames.length) out.stack = frames.map((l) => l.trim()).join("\n");
  const errors = (value as { errors?: unknown }).errors;
  if (Array.isArray(errors) && depth < 2) out.errors = errors.slice(0, 5).map((e) => safeError(e, depth + 1));
  return out;
}

function cut(s: string, max = MAX_MESSAGE): string {
  return s.length <= max ? s : `${s.slice(0, max)}… (${s.length} characters)`;
}

/** A header value fit for a log line: bounded, printable, no quotes or newlines. */
export function logSafe(value: unknown, max = 80): string | undefined {
  if (value === undefined || value === null) return undefined;
  const s = (Array.isArray(value) ? value.join(",") : String(value)).replace(/[^A-Za-z0-9._:@/+=-]/g, "?");
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}

/** Our own lines log the event name as a string; Probot's log the whole event object. */
function safeEvent(value: unknown): unknown {
  if (typeof value === "string") return logSafe(value);
  if (typeof value !== "object" || value === null) return OMITTED;
  const e = value as { id?: unknown; name?: unknown };
  return { id: logSafe(e.id), name: logSafe(e.name) };
}

export const LOG_SERIALIZERS = {
  err: safeError,
  error: safeError,
  event: safeEvent,
  payload: () => OMITTED,
  body: () => OMITTED,
  req: () => OMITTED,
  res: () => OMITTED,
  request: () => OMITTED,
  response: () => OMITTED,
} as const;

/** A pino logger (JSON lines on stdout unless `destination` is given) with the serializers above. */
export function createQuietLogger(options: { level?: LogLevel; destination?: DestinationStream } = {}): Logger {
  return pino(
    { level: options.level ?? "info", name: "unsung", serializers: LOG_SERIALIZERS, errorKey: "err" },
    options.destination ?? pino.destination(1),
  );
}

/**
 * Rejections logged at most `perWindow` times per reason per window; the rest
 * are counted and summarised in one line when the next window starts, so a
 * flood of bad requests cannot fill the disk (the metrics count every one).
 */
export class RejectionLog {
  private readonly windows = new Map<string, { start: number; logged: number; suppressed: number }>();

  constructor(
    private readonly log: Logger,
    private readonly perWindow = 10,
    private readonly windowMs = 60_000,
    private readonly clock: () => number = Date.now,
  ) {}

  note(reason: string, fields: Record<string, unknown>): void {
    const now = this.clock();
    let w = this.windows.get(reason);
    if (!w || now - w.start >= this.windowMs) {
      if (w?.suppressed) this.log.warn({ reason, suppressed: w.suppressed }, "webhook rejections not logged in the last window");
      w = { start: now, logged: 0, suppressed: 0 };
      this.windows.set(reason, w);
    }
    if (w.logged < this.perWindow) {
      w.logged++;
      this.log.warn({ ...fields, reason }, "webhook rejected");
    } else {
      w.suppressed++;
    }
  }
}
