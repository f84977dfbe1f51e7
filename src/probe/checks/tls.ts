// The tls check kind: the certificate a TLS port serves is still good. Fails when it expires within
// `minDaysLeft` days (or has expired, or is not valid yet), does not carry `serverName`, or does not
// chain to `ca` (default: the system CAs); the detail says how many days are left either way, so an
// operator sees a renewal coming before any client does. The handshake alone is checked: no request.
import { z } from 'zod';
import { duration, pemFile } from '../../config/fields/index.ts';
import { type CheckTarget, defineCheck } from './definition.ts';
import { isIpLiteral } from './ip-literal.ts';
import { lazily } from './lazy.ts';
import { type CheckOutcome, describeError, elapsed, type RunnableCheck } from './outcome.ts';
import { certVerdict } from './tls-verdict.ts';

const tlsSchema = z
  .strictObject({
    kind: z.literal('tls'),
    /** Defaults to the endpoint address. */
    host: z.string().min(1).optional(),
    port: z.number().int().min(1).max(65535).default(443),
    /** The name the certificate must carry, also sent as SNI (default: host). */
    serverName: z.string().min(1).optional(),
    /** PEM CA bundle the certificate must chain to (default: the system CAs). */
    ca: pemFile.optional(),
    /** Fail this many days before the certificate expires. */
    minDaysLeft: z.number().min(0).max(3650).default(14),
    timeout: duration.optional(),
  })
  .describe('A TLS certificate check: expiry, name and chain.');

const loadTls = () => import('node:tls');
type Tls = Awaited<ReturnType<typeof loadTls>>;
const withTls = lazily(loadTls);

function compileTlsCheck(check: z.output<typeof tlsSchema>, target: CheckTarget): RunnableCheck {
  // Probing one family of a dual-stack endpoint: that family's address; `host` stays the name asked for.
  const host = target.family === undefined ? (check.host ?? target.address) : target.address;
  if (host === '') throw new Error('tls check has no host (set `host` or an endpoint address)');
  const port = check.port;
  const name = check.serverName ?? check.host ?? host;
  const timeoutMs = check.timeout ?? target.timeoutMs;
  let ca: string | undefined;
  if (check.ca !== undefined) {
    if (!target.readCa) throw new Error(`cannot read the CA file ${check.ca} here`);
    ca = target.readCa(check.ca, 'ca');
  }

  const handshake = (tls: Tls, signal?: AbortSignal): Promise<CheckOutcome> =>
    new Promise<CheckOutcome>((resolve) => {
      const start = performance.now();
      let settled = false;
      const finish = (out: Omit<CheckOutcome, 'latencyMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        socket.destroy();
        resolve({ ...out, latencyMs: elapsed(start) });
      };
      const onAbort = () => finish({ ok: false, detail: 'aborted (agent stopping)' });
      const timer = setTimeout(
        () => finish({ ok: false, detail: `timeout after ${timeoutMs} ms (no TLS handshake)` }),
        timeoutMs,
      );
      // Verification is done below, not by the handshake: a refused handshake would say only the
      // first problem, and nothing about the days left.
      const socket = tls.connect({
        host,
        port,
        // An IP name is matched against the certificate's IP names, and never sent as SNI.
        ...(isIpLiteral(name) ? {} : { servername: name }),
        ...(ca === undefined ? {} : { ca }),
        rejectUnauthorized: false,
        checkServerIdentity: () => undefined,
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      socket.once('error', (err) => finish({ ok: false, detail: describeError(err) }));
      socket.once('secureConnect', () => {
        const cert = socket.getPeerCertificate();
        if (!cert || Object.keys(cert).length === 0) {
          finish({ ok: false, detail: 'the server sent no certificate' });
          return;
        }
        const authError = socket.authorizationError as unknown;
        const v = certVerdict({
          validFrom: Date.parse(cert.valid_from),
          validTo: Date.parse(cert.valid_to),
          now: Date.now(),
          minDaysLeft: check.minDaysLeft,
          name,
          nameError: tls.checkServerIdentity(name, cert)?.message,
          altNames: cert.subjectaltname ?? (cert.subject?.CN ? `CN=${cert.subject.CN}` : ''),
          chainError:
            authError === null || authError === undefined
              ? undefined
              : String((authError as { code?: string }).code ?? authError),
          trustedBy: ca === undefined ? 'the system CAs' : 'the given ca',
        });
        finish({ ok: v.ok, detail: v.detail, certDaysLeft: v.daysLeft });
      });
    });

  const run = (signal?: AbortSignal) => withTls((tls) => handshake(tls, signal));
  return {
    description: `tls ${host}:${port} ${name}`,
    label: `tls ${name}${port === 443 ? '' : `:${port}`}`,
    timeoutMs,
    run,
  };
}

export const tls = defineCheck({ kinds: ['tls'], schema: tlsSchema, compile: compileTlsCheck });
