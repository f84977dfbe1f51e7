// The one interface every provider kind implements to run the conformance table: start its real
// server or strict fake, hand out a fresh zone per case, open the adapter for a config, and write
// behind the adapter's back. Faults a server or fake cannot produce are gated with the reason.
import type { DnsProvider } from '../../../providers/index.ts';
import type { Config } from '../../../src/config/index.ts';

/** A record set as a hand edit writes it (another tool, a person at the console). */
export interface HandRecord {
  name: string;
  type: 'A' | 'AAAA';
  ttl: number;
  values: string[];
}

/** An adapter opened with credentials the server refuses, and the secret that must never be echoed. */
export interface RefusedLogin {
  provider: DnsProvider;
  secret: string;
  /** Undo whatever the server needed to start refusing (moto's auth switch). */
  done?(): Promise<void>;
}

export interface Throttle {
  /** The next `times` requests (writes only when `writesOnly`) are answered "slow down". */
  start(times: number, writesOnly?: boolean): void;
  /** How many "slow down" answers the server gave so far. */
  served(): number;
  /** Stop throttling. */
  clear(): void;
}

/** One empty zone on the server, for one case. */
export interface TestZone {
  /** The zone's name without the trailing dot, e.g. c3.example.com. */
  readonly name: string;
  /** The `providers.<id>` entry of a config for this zone. */
  readonly provider: Record<string, unknown>;
  /** Opens the adapter for `config` as the CLI does (real client; short retry delays for tests). */
  open(config: Config): Promise<DnsProvider>;
  /** Replaces name+type on the server behind the adapter's back, with no ownership marker. */
  handEdit(record: HandRecord): Promise<void>;
  /** Present unless the harness gates `auth`. */
  refusedLogin?(config: Config): Promise<RefusedLogin>;
  /** Present unless the harness gates `throttle`. */
  throttle?: Throttle;
}

/** Table cases a harness cannot run, each with the reason printed when it is skipped. */
export interface Gates {
  /** The server cannot update record sets it holds (an emulator's defect), only create and delete. */
  updates?: string;
  /** The provider has no compare-and-swap, or this server does not enforce it. */
  cas?: string;
  /** The server cannot refuse credentials (there are none). */
  auth?: string;
  /** The server or fake cannot throttle. */
  throttle?: string;
}

export interface Harness {
  /** Shown in test names: the kind and what serves it, e.g. "route53 on moto_server". */
  readonly name: string;
  readonly kind: string;
  /** The provider id in the configs (errors must name it). */
  readonly id: string;
  readonly gates: Gates;
  /** Why the harness cannot run on this machine (a binary missing), or undefined. */
  missing(): string | undefined;
  start(): Promise<void>;
  stop(): Promise<void>;
  zone(): Promise<TestZone>;
}
