// Why etcd calls fail, when the reason is one a person must fix (TLS files, user, permissions) rather
// than an outage: etcd's own answer where it gave one, else a TLS handshake with each endpoint. The
// handshakes run at most every PROBE_EVERY_MS, so an etcd outage costs one connection attempt per
// endpoint per period, not one per keepalive.
import type { ClientTlsMaterial } from '../tls/index.ts';
import {
  type EtcdAccessError,
  type Handshake,
  type ProblemContext,
  problemOfError,
  problemOfHandshake,
} from './etcd-problem.ts';

const PROBE_EVERY_MS = 10_000;

export type Probe = (
  endpoint: string,
  material: ClientTlsMaterial | undefined,
  timeoutMs: number,
) => Promise<Handshake>;

export class EtcdDiagnosis {
  private probedAt = Number.NEGATIVE_INFINITY;
  private found?: EtcdAccessError;

  constructor(
    private readonly ctx: ProblemContext,
    private readonly material: ClientTlsMaterial | undefined,
    private readonly timeoutMs: number,
    private readonly probe: Probe,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The configuration problem behind `err`, or undefined when it looks like an outage. */
  async explain(err: unknown): Promise<EtcdAccessError | undefined> {
    const direct = problemOfError(err, this.ctx);
    if (direct) return direct;
    if (this.now() - this.probedAt < PROBE_EVERY_MS) return this.found;
    this.probedAt = this.now();
    const outcomes = await Promise.all(
      this.ctx.endpoints.map(async (e) => ({ e, h: await this.probe(e, this.material, this.timeoutMs) })),
    );
    // One member refusing us while another answers is still a problem to fix: report the first.
    this.found = outcomes.map(({ e, h }) => problemOfHandshake(e, h, this.ctx)).find((p) => p !== undefined);
    return this.found;
  }

  /** A call succeeded: what was found no longer holds (the period between handshakes still does). */
  clear(): void {
    this.found = undefined;
  }
}
