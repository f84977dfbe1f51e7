// A DNS worker process: serves the UDP and TCP sockets its parent bound and handed over (so every
// worker shares the same listening sockets and the kernel spreads queries over them), with its own
// engine holding the zone data the parent sends on every change. Exits when the parent goes away.
// Started by workers.ts through bin/run-ts.js; not a public entry point.
import type { Socket as UdpSocket } from 'node:dgram';
import type { Server } from 'node:net';
import { tsigKey } from '../../tsig/index.ts';
import { DnsEngine } from './answer-engine.ts';
import { openGeoLocator } from './geo-open.ts';
import { closeUdp, serveTcpServer, serveUdp, useLiteralLookup } from './transport.ts';
import type { FromWorker, ToWorker, ZonesData } from './worker-protocol.ts';
import { servedZonesOf } from './zones.ts';

const send = (m: FromWorker) => {
  if (process.connected) process.send?.(m);
};

let engine: DnsEngine | undefined;
let expected = { udp: 0, tcp: 0 };
let version = -1;
const udp: UdpSocket[] = [];
const tcp: { close(): Promise<void> }[] = [];
let readySent = false;
let lastError = '';
/** Messages that arrive while the engine is being built (opening the geo database is async). */
const queue: [ToWorker, unknown][] = [];

function load(z: ZonesData): void {
  if (!engine || z.version <= version) return;
  engine.setZones(servedZonesOf(z.apexes, z, z.settings));
  version = z.version;
  send({ t: 'zones', version });
}

function maybeReady(): void {
  if (readySent || !engine || udp.length < expected.udp || tcp.length < expected.tcp) return;
  readySent = true;
  send({ t: 'ready' });
}

function onMessage(msg: ToWorker, handle: unknown): void {
  if (!engine && msg.t !== 'init' && msg.t !== 'close') {
    queue.push([msg, handle]);
    return;
  }
  switch (msg.t) {
    case 'init':
      expected = { udp: msg.udp, tcp: msg.tcp };
      openGeoLocator(msg.geo)
        .then((geo) => {
          engine = new DnsEngine({
            geo,
            udpPayloadSize: msg.udpPayloadSize,
            tsigKeys: new Map(
              msg.tsigKeys.map((k) => {
                const key = tsigKey(k.name, k.algorithm, k.secret);
                return [key.name, key];
              }),
            ),
            onError: (err) => {
              const message = err instanceof Error ? err.message : String(err);
              if (message !== lastError) send({ t: 'error', message });
              lastError = message;
            },
          });
          load(msg.zones);
          for (const [m, h] of queue.splice(0)) onMessage(m, h);
          send({ t: 'engine' });
          maybeReady();
        })
        .catch((err: unknown) => {
          send({ t: 'failed', message: (err as Error).message });
          process.exit(1);
        });
      return;
    case 'udp': {
      const socket = handle as UdpSocket;
      useLiteralLookup(socket);
      serveUdp(socket, engine!);
      udp.push(socket);
      maybeReady();
      return;
    }
    case 'tcp':
      tcp.push(serveTcpServer(handle as Server, engine!));
      maybeReady();
      return;
    case 'zones':
      load(msg.zones);
      return;
    case 'stats':
      send({ t: 'stats', stats: engine!.stats() });
      return;
    case 'close':
      void Promise.all([...udp.map(closeUdp), ...tcp.map((t) => t.close())]).finally(() => process.exit(0));
      return;
  }
}

process.on('message', (msg, handle) => onMessage(msg as ToWorker, handle));
// The parent is gone (crashed or killed): nobody can update our zones any more, so stop serving.
process.on('disconnect', () => process.exit(0));
// The parent owns our lifetime ('close' or the channel closing): a Ctrl-C to the process group or
// systemd's SIGTERM to the whole cgroup must not kill us before the parent has stopped restarting us.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);

// Counters for the parent's metrics, pushed while they change (stats() in the parent is synchronous).
let lastReceived = -1;
setInterval(() => {
  if (!engine) return;
  const stats = engine.stats();
  if (stats.received === lastReceived) return;
  lastReceived = stats.received;
  send({ t: 'stats', stats });
}, 250).unref();
