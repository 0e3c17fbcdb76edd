/**
 * The Probot app function: wires webhook events to handlers, nothing else.
 * The web process only stores deliveries; everything else happens in the
 * worker, after GitHub has its 2xx.
 */
import type { ApplicationFunction } from "probot";
import type { IncomingDelivery, RecordOutcome } from "./services/record-delivery.js";

export interface AppDeps {
  record(delivery: IncomingDelivery): Promise<RecordOutcome>;
  /** The body exactly as received, by delivery id, when the HTTP server kept it (stored as-is). */
  rawBodyOf?(id: string): string | undefined;
  onRecorded?(outcome: RecordOutcome): void;
}

export function unsungApp(deps: AppDeps): ApplicationFunction {
  return (app) => {
    app.onAny(async (context) => {
      const c = context as unknown as { id: string; name: string; payload: unknown };
      const rawBody = deps.rawBodyOf?.(c.id);
      const outcome = await deps.record({ id: c.id, event: c.name, payload: c.payload, ...(rawBody !== undefined ? { rawBody } : {}) });
      deps.onRecorded?.(outcome);
    });
  };
}
