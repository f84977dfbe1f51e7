// Messages between the DNS server process and its worker processes (workers.ts, worker.ts), over
// the fork IPC channel with structured-clone serialization. Sockets travel as send handles.
import type { RecordSet } from '../../../src/model/index.ts';
import type { TsigAlgorithm } from '../../tsig/index.ts';
import type { DnsStats } from './answer-engine.ts';
import type { GeoSettings } from './geo-open.ts';
import type { ZoneSettings } from './zones.ts';

export interface ZonesData {
  /** Increases with every change; a worker acknowledges the version it serves. */
  version: number;
  apexes: string[];
  serial: number;
  zones: Record<string, readonly RecordSet[]>;
  settings: ZoneSettings;
}

/** A TSIG key as it crosses to a worker: the secret as base64 text (tsig.ts's tsigKey() reads it). */
export interface WorkerTsigKey {
  name: string;
  algorithm: TsigAlgorithm;
  secret: string;
}

export type ToWorker =
  | {
      t: 'init';
      geo: GeoSettings;
      udpPayloadSize: number;
      udp: number;
      tcp: number;
      zones: ZonesData;
      /** The provider's TSIG keys: a worker answers signed queries exactly as the first process does. */
      tsigKeys: WorkerTsigKey[];
    }
  | { t: 'udp' }
  | { t: 'tcp' }
  | { t: 'zones'; zones: ZonesData }
  | { t: 'stats' }
  | { t: 'close' };

export type FromWorker =
  /** The engine is built: send the sockets now (a socket received earlier would drop datagrams). */
  | { t: 'engine' }
  | { t: 'ready' }
  | { t: 'zones'; version: number }
  | { t: 'stats'; stats: DnsStats }
  | { t: 'error'; message: string }
  | { t: 'failed'; message: string };
