// One TLS handshake with an etcd endpoint, made with the same files as the etcd client, to learn why
// the client cannot connect (gRPC reports every TLS failure as "No connection established"). After the
// handshake it sends the HTTP/2 preface and waits for etcd's first frame: under TLS 1.3 a server
// refuses a client certificate only after the client thinks the handshake is done.
import { connect as connectTcp, isIP } from 'node:net';
import { connect } from 'node:tls';
import { type ClientTlsMaterial, tlsFailure } from '../tls/index.ts';

import type { Handshake } from './etcd-problem.ts';

const PREFACE = Buffer.concat([
  Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
  // An empty SETTINGS frame: the server answers with its own.
  Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]),
]);

/** The server hung up on our TLS hello: not TLS, or a proxy with nothing behind it (asked again). */
const HUNG_UP = 'HUNG_UP_ON_HELLO';

/** Whether the server answers the HTTP/2 preface in plain text (etcd without TLS does). */
function answersPlain(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp({ host, port });
    const done = (v: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => socket.write(PREFACE));
    socket.once('data', () => done(true));
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}

/**
 * https:// endpoints: a handshake with `material` (CA, client certificate). http:// endpoints: a
 * handshake that trusts anything, to tell whether the server speaks TLS instead of plain text.
 */
export async function probeEndpoint(
  endpoint: string,
  material: ClientTlsMaterial | undefined,
  timeoutMs: number,
): Promise<Handshake> {
  const h = await handshake(endpoint, material, timeoutMs);
  if (h.kind !== 'failed' || h.code !== HUNG_UP) return h;
  // A reset is no proof by itself (a proxy with no backend resets too): ask in plain text.
  const u = new URL(endpoint);
  return (await answersPlain(u.hostname.replace(/^\[|\]$/g, ''), Number(u.port), timeoutMs))
    ? { ...h, code: 'ERR_SSL_WRONG_VERSION_NUMBER' }
    : { kind: 'unreachable', detail: h.detail };
}

function handshake(
  endpoint: string,
  material: ClientTlsMaterial | undefined,
  timeoutMs: number,
): Promise<Handshake> {
  const u = new URL(endpoint);
  const secure = u.protocol === 'https:';
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const presentedCert = secure && material?.cert !== undefined;
  return new Promise<Handshake>((resolve) => {
    let connected = false;
    let secured = false;
    let settled = false;
    const socket = connect({
      host,
      port: Number(u.port),
      // A name, not an IP, is what SNI carries (Node refuses an IP there).
      ...(isIP(host) ? {} : { servername: host }),
      ALPNProtocols: ['h2'],
      ...(secure
        ? {
            ...(material?.ca ? { ca: material.ca } : {}),
            ...(material?.cert && material.key ? { cert: material.cert, key: material.key } : {}),
          }
        : { rejectUnauthorized: false }),
    });
    const done = (h: Handshake) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(h);
    };
    const timer = setTimeout(
      () => done({ kind: 'unreachable', detail: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    socket.once('connect', () => {
      connected = true;
    });
    socket.once('secureConnect', () => {
      secured = true;
      if (!secure) done({ kind: 'speaks-tls' });
      else socket.write(PREFACE);
    });
    socket.once('data', () => done({ kind: 'ok' }));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? '';
      const detail = err.message.split('\n')[0] ?? '';
      if (!connected) return done({ kind: 'unreachable', detail });
      // An http:// endpoint: a TLS alert means it speaks TLS; a plain server just hangs up on the hello.
      if (!secure) return done(code.startsWith('ERR_SSL') ? { kind: 'speaks-tls' } : { kind: 'ok' });
      if (!secured && code === 'ECONNRESET')
        return done({ kind: 'failed', code: HUNG_UP, detail, presentedCert });
      if (/^ERR_(SSL|TLS)/.test(code) || tlsFailure(code, detail, presentedCert) !== undefined)
        return done({ kind: 'failed', code, detail, presentedCert });
      done({ kind: 'unreachable', detail });
    });
    // Closed without a word: nothing proven (an http:// server hanging up on a TLS hello is plain).
    socket.once('close', () =>
      done(secure ? { kind: 'unreachable', detail: 'connection closed without an answer' } : { kind: 'ok' }),
    );
  });
}
