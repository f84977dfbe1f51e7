// The latency scenario's delay injector for kernels without sch_netem: run inside a prober's
// namespace, it takes the connections nftables redirects to it (one listen port per region) and
// forwards them to the region, holding every chunk half the port's added round-trip time in each
// direction (order kept), so a check's round trip grows by that time. The times come from a JSON
// control file re-read every 100 ms ({ "<port>": { "rttMs": 40, "jitterMs": 0 } }): jitter draws one
// offset per connection, uniform in ±jitterMs, so a round trip is rttMs + offset.
// Plain JavaScript (no TypeScript loader): node steering-proxy.mjs CONTROL_FILE LOCAL_ADDRESS LISTEN_PORT=HOST:PORT...
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';

const [control, localAddress, ...routes] = process.argv.slice(2);
let settings = {};
const reload = () => {
  try {
    settings = JSON.parse(readFileSync(control, 'utf8'));
  } catch {
    // a half-written file: keep the last settings
  }
};
reload();
setInterval(reload, 100).unref();

/** Pipe `from` into `to`, each chunk released `delayMs` after it arrived, never out of order. */
function delayedPipe(from, to, delayMs) {
  let releaseAt = 0;
  let ended = false;
  let pending = 0;
  from.on('data', (chunk) => {
    releaseAt = Math.max(releaseAt, Date.now() + delayMs);
    pending++;
    setTimeout(() => {
      pending--;
      if (!to.destroyed) to.write(chunk);
      if (ended && pending === 0) to.end();
    }, releaseAt - Date.now());
  });
  from.on('end', () => {
    ended = true;
    if (pending === 0) setTimeout(() => to.end(), Math.max(0, releaseAt - Date.now()));
  });
  from.on('error', () => to.destroy());
  from.on('close', () => {
    if (!ended) setTimeout(() => to.destroy(), Math.max(0, releaseAt - Date.now()));
  });
}

for (const route of routes) {
  const [port, target] = route.split('=');
  const [thost, tport] = target.split(':');
  const server = createServer((client) => {
    const s = settings[port] ?? { rttMs: 0, jitterMs: 0 };
    const jitter = s.jitterMs ? (Math.random() * 2 - 1) * s.jitterMs : 0;
    const oneWay = Math.max(0, (s.rttMs + jitter) / 2);
    const upstream = connect({ host: thost, port: Number(tport), localAddress });
    delayedPipe(client, upstream, oneWay);
    delayedPipe(upstream, client, oneWay);
  });
  server.listen(Number(port), '127.0.0.1', () =>
    process.stdout.write(`steering-proxy ${port} -> ${target} ready\n`),
  );
}
