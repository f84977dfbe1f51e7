// HTTPS requests to a controller with a private CA to trust and an optional client certificate, the
// files re-read when they change (checked at most every pollMs, when a request is made). Used by the
// probe agent's reporters and the operator CLI. Built on node:https (fetch takes no CA option).
import type { Agent } from 'node:https';
import { GeofailoverError } from '../model/index.ts';
import { type ClientTlsRefs, loadClientTls, type ClientTlsMaterial as Material } from './client-material.ts';
import { tlsFailure } from './failure.ts';
import { ReloadingFiles } from './reload.ts';

// node:https is loaded on first use, not with this module: validate and plan import this file
// whether or not the config uses it, and loading Node's TLS and crypto adds ~15 ms to every command.
const https = () => process.getBuiltinModule('node:https');

export type { ClientTlsRefs };

export interface ClientTlsOptions {
  /** How often the files are checked for a change (default 5 s). */
  pollMs?: number;
  /** Told of every reload and of every broken new set of files (the old one stays in use). */
  onReload?: (outcome: { ok: true; detail: Record<string, unknown> } | { ok: false; error: Error }) => void;
  /** What to tell the user when the server's certificate is not trusted (`set controllers[0].ca`). */
  trustRemedy: string;
  /** What to tell the user when the server wants a client certificate. */
  clientCertRemedy: string;
}

export interface HttpReply {
  status: number;
  text: string;
}

/** A request over TLS that failed, with what went wrong in words and what to do. */
export class TlsRequestError extends GeofailoverError {}

export class HttpsClient {
  private readonly files: ReloadingFiles<Material>;
  private agent: Agent;
  private retired: Agent | undefined;
  private lastPoll = performance.now();

  /** Reads and checks the files now: a missing or broken file is a TlsFileError (a startup error). */
  constructor(
    private readonly refs: ClientTlsRefs,
    private readonly opts: ClientTlsOptions,
  ) {
    const paths = [refs.ca, refs.cert, refs.key].flatMap((r) => (r ? [r.path] : []));
    this.files = new ReloadingFiles(paths, () => loadClientTls(refs));
    this.agent = this.newAgent(this.files.value);
  }

  private newAgent(m: Material): Agent {
    // Keep-alive: reports go every second; a new handshake each time would cost more than the report.
    return new (https().Agent)({
      keepAlive: true,
      maxSockets: 4,
      ...(m.ca ? { ca: m.ca } : {}),
      ...(m.cert ? { cert: m.cert, key: m.key } : {}),
    });
  }

  /** Picks up rotated files; the connections of the old agent finish and are then closed. */
  private refresh(): void {
    const now = performance.now();
    if (now - this.lastPoll < (this.opts.pollMs ?? 5000)) return;
    this.lastPoll = now;
    const out = this.files.poll();
    if (out.kind === 'reloaded') {
      this.retired?.destroy();
      this.retired = this.agent;
      // Idle keep-alive sockets of the old agent would still carry the old files: close them.
      for (const list of Object.values(this.retired.freeSockets)) for (const s of list ?? []) s.destroy();
      this.agent = this.newAgent(out.value);
      this.opts.onReload?.({ ok: true, detail: out.value.detail });
    } else if (out.kind === 'failed' && !out.repeated) {
      this.opts.onReload?.({ ok: false, error: out.error });
    }
  }

  /** What the agent trusts and presents now (for logs). */
  get detail(): Record<string, unknown> {
    return this.files.value.detail;
  }

  request(
    url: URL,
    init: { method: string; headers: Record<string, string>; body?: string; signal?: AbortSignal },
  ): Promise<HttpReply> {
    this.refresh();
    return new Promise<HttpReply>((resolve, reject) => {
      const req = https().request(
        url,
        { method: init.method, headers: init.headers, agent: this.agent, signal: init.signal },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', (err) => reject(this.explain(err, url)));
      req.end(init.body);
    });
  }

  /** A TLS failure in words with its remedy; other errors (refused, timeout) pass through. */
  private explain(err: Error, url: URL): Error {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    const at = url.host;
    const fail = (problem: string, remedy: string) =>
      new TlsRequestError(`TLS with ${at} failed: ${problem} (${code || err.message})`, {
        remedy,
        cause: err,
      });
    switch (tlsFailure(code, err.message, this.refs.cert !== undefined)) {
      case 'untrusted': {
        const trusted = this.refs.ca ? `the CA in ${this.refs.ca.path}` : 'the system CAs';
        return fail(`its certificate is not signed by a CA we trust (${trusted})`, this.opts.trustRemedy);
      }
      case 'wrong-name':
        return fail(
          `its certificate does not name ${url.hostname}`,
          'use a URL with a name or IP the certificate lists (subjectAltName), or reissue the certificate',
        );
      case 'server-cert-expired':
        return fail('its certificate is outside its validity period', 'renew the controller certificate');
      case 'client-cert-required':
        return fail('the controller requires a client certificate', this.opts.clientCertRemedy);
      case 'client-cert-refused':
      case 'client-cert-expired':
        return fail('the controller refused our client certificate', this.opts.clientCertRemedy);
      case 'not-tls':
        return fail(
          'the server does not speak TLS there',
          'use an http:// URL, or set controller.tls on the controller',
        );
      case undefined:
        break;
    }
    return err;
  }

  close(): void {
    this.retired?.destroy();
    this.agent.destroy();
  }
}
