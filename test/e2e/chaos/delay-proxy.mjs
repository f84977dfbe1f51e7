// A fault-injecting TCP proxy for the chaos suite, for kernels without sch_netem (tc netem delay):
// run inside a host's namespace, it accepts the connections nftables redirects to it and forwards them
// to the real destination, holding every chunk `delayMs` in each direction (order kept). Its upstream
// connections leave from a second address so the redirect rule does not catch them again.
// Plain JavaScript (no TypeScript loader): node delay-proxy.mjs DELAY_MS LOCAL_ADDRESS LISTEN=HOST:PORT...
import { connect, createServer } from 'node:net';

const [delayArg, localAddress, ...routes] = process.argv.slice(2);
const delayMs = Number(delayArg);

/** Pipe `from` into `to`, each chunk released `delayMs` after it arrived, never out of order. */
function delayedPipe(from, to) {
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
  const [listen, target] = route.split('=');
  const [lport] = listen.split(':').slice(-1);
  const [thost, tport] = target.split(':');
  const server = createServer((client) => {
    const upstream = connect({ host: thost, port: Number(tport), localAddress });
    delayedPipe(client, upstream);
    delayedPipe(upstream, client);
  });
  server.listen(Number(lport), '127.0.0.1', () =>
    process.stdout.write(`delay-proxy ${listen} -> ${target} ready\n`),
  );
}
