/**
 * A test database holding the two organisations of tenant-fixture.ts, delivered as signed webhooks
 * through the real server, inbox, queue, worker and detectors (GitHub's API answers nothing: no
 * installation client).
 */
import { expect } from "vitest";
import type { Harness } from "./harness.js";
import { carlRenamed, twoTenantDeliveries, type Delivery } from "./tenant-fixture.js";

let seq = 0;

export async function post(h: Harness, deliveries: Delivery[]): Promise<void> {
  for (const d of deliveries) {
    const r = await h.post(d.event, d.payload, { id: `tenant-${process.pid}-${++seq}` });
    expect(r.status, `${d.event} ${JSON.stringify(d.payload).slice(0, 80)}`).toBeLessThan(300);
  }
}

export async function loadTwoTenants(h: Harness): Promise<void> {
  await post(h, twoTenantDeliveries());
  await h.drain();
  await post(h, [carlRenamed()]);
  await h.drain();
}
