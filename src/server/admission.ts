/**
 * Per-source admission for webhook requests, so that slow or huge requests
 * cannot starve good ones.
 *
 * - One source (client address) has at most `perSource` requests in flight
 *   (headers received, not yet answered): a slow client holds its own slots only.
 * - Bodies larger than `largeBodyBytes` (GitHub's deliveries are a few KB to a
 *   few hundred) go through a narrow lane: at most `largePerSource` per source
 *   and `largeTotal` in all, each capped by the body limit; the bytes they can
 *   pin are bounded by `largeTotal × maxBodyBytes`.
 * - Smaller bodies share `smallTotalBytes`, reserved by declared length (or as
 *   they stream, for a chunked body, which moves to the large lane once it is large).
 * A refused request is answered at once (429 for its source, 503 for a full lane)
 * without reading its body.
 */
import type { RejectReason } from "./check-headers.js";

export interface AdmissionLimits {
  perSource: number;
  largeBodyBytes: number;
  largePerSource: number;
  largeTotal: number;
  smallTotalBytes: number;
}

export const DEFAULT_ADMISSION: AdmissionLimits = {
  perSource: 256,
  largeBodyBytes: 1024 * 1024,
  largePerSource: 2,
  largeTotal: 4,
  smallTotalBytes: 64 * 1024 * 1024,
};

export interface Ticket {
  /** Called as bytes arrive (total so far); false when the request may not grow that far. */
  grow(total: number): boolean;
  release(): void;
}

export type Admitted = { ticket: Ticket } | { refused: Extract<RejectReason, "source-busy" | "large-busy" | "intake-busy"> };

export class Admission {
  private readonly bySource = new Map<string, { requests: number; large: number }>();
  private large = 0;
  private smallBytes = 0;

  constructor(readonly limits: AdmissionLimits = DEFAULT_ADMISSION) {}

  /** Current use, for tests and diagnostics. */
  get inUse(): { sources: number; large: number; smallBytes: number } {
    return { sources: this.bySource.size, large: this.large, smallBytes: this.smallBytes };
  }

  enter(source: string, declared: number | null): Admitted {
    const s = this.bySource.get(source) ?? { requests: 0, large: 0 };
    if (s.requests >= this.limits.perSource) return { refused: "source-busy" };
    let lane: "small" | "large" = "small";
    let reserved = 0;
    const takeLarge = (): Admitted | null => {
      if (s.large >= this.limits.largePerSource) return { refused: "source-busy" };
      if (this.large >= this.limits.largeTotal) return { refused: "large-busy" };
      s.large++;
      this.large++;
      lane = "large";
      return null;
    };
    if (declared !== null && declared > this.limits.largeBodyBytes) {
      const refused = takeLarge();
      if (refused) return refused;
    } else if (declared !== null) {
      if (this.smallBytes + declared > this.limits.smallTotalBytes) return { refused: "intake-busy" };
      this.smallBytes += declared;
      reserved = declared;
    }
    s.requests++;
    this.bySource.set(source, s);

    let released = false;
    const ticket: Ticket = {
      grow: (total) => {
        if (released) return false;
        if (lane === "large") return true;
        if (total <= reserved) return true;
        if (total > this.limits.largeBodyBytes) {
          if (declared !== null) return false; // longer than it said: raw-body refuses it too
          if (takeLarge()) return false;
          this.smallBytes -= reserved;
          reserved = 0;
          return true;
        }
        if (this.smallBytes + (total - reserved) > this.limits.smallTotalBytes) return false;
        this.smallBytes += total - reserved;
        reserved = total;
        return true;
      },
      release: () => {
        if (released) return;
        released = true;
        this.smallBytes -= reserved;
        if (lane === "large") {
          s.large--;
          this.large--;
        }
        s.requests--;
        if (s.requests === 0) this.bySource.delete(source);
      },
    };
    return { ticket };
  }
}
