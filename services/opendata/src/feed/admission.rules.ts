/**
 * How many SSE clients one instance holds (FEED.md, 2): at most `perAddress` from one client
 * address, so one host cannot take the instance's sockets, and at most `total` in all, so the
 * instance's memory stays bounded (~40 MB heap per 1,000 clients, README Performance). Pure: the
 * controller asks before the stream starts and gives the place back when the socket closes.
 */
export interface AdmissionLimits {
  perAddress: number;
  total: number;
}

export type Admission =
  { admitted: true } | { admitted: false; reason: 'address-limit' | 'instance-full'; limit: number };

export class SseAdmission {
  private readonly byAddress = new Map<string, number>();
  private count = 0;

  constructor(private readonly limits: AdmissionLimits) {}

  get clients(): number {
    return this.count;
  }

  /** Takes a place for a client from `address`, or says which bound refuses it (taking nothing). */
  admit(address: string): Admission {
    const held = this.byAddress.get(address) ?? 0;
    if (held >= this.limits.perAddress)
      return { admitted: false, reason: 'address-limit', limit: this.limits.perAddress };
    if (this.count >= this.limits.total)
      return { admitted: false, reason: 'instance-full', limit: this.limits.total };
    this.byAddress.set(address, held + 1);
    this.count++;
    return { admitted: true };
  }

  /** Gives back a place admit() took. */
  release(address: string): void {
    const held = this.byAddress.get(address) ?? 0;
    if (held === 0) return;
    if (held === 1) this.byAddress.delete(address);
    else this.byAddress.set(address, held - 1);
    this.count--;
  }
}
