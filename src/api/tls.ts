// The controller's listener over HTTPS when `controller.tls` is set: the certificate files loaded and
// checked before anything listens, then polled every reloadInterval and swapped in with
// server.setSecureContext() (new connections get the new certificate; a broken set keeps the old one,
// logged and counted). With clientCaFile, client certificates are a second factor beside the report
// signature: a request without a valid one is refused with 403 and a reason. /healthz stays open so
// liveness probes (kubelet, load balancers) need no client certificate.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { Counter, Gauge } from 'prom-client';
import type { ControllerTlsConfig } from '../config/index.ts';
import type { Logger } from '../log/index.ts';
import { PROBER_HEADER } from '../probe/index.ts';
import { type ReloadingFiles, type ServerMaterial, serverTlsFiles } from '../tls/index.ts';
import { sendJson } from './http-util.ts';
import type { ControllerMetrics } from './metrics.ts';
import { createRouterServer, hardenServer, type Route, routeRequests } from './router.ts';

export interface ListenerTls {
  config: ControllerTlsConfig;
  files: ReloadingFiles<ServerMaterial>;
}

/** Reads and checks the listener's certificate files (a TlsFileError names a bad one); none without tls. */
export function loadListenerTls(config: ControllerTlsConfig | undefined): ListenerTls | undefined {
  return config ? { config, files: serverTlsFiles(config) } : undefined;
}

const OPEN_PATHS = new Set(['/healthz']);

/** A report refused for its client certificate, with the prober its header names (unverified). */
export type ReportCertRefusal = (
  reason: 'client-cert-required' | 'client-cert-invalid',
  prober: string | undefined,
  detail: string,
) => void;

/** The API server: plain HTTP without `tls`, else HTTPS with rotation and optional client certificates. */
export function createListener(
  routes: () => readonly Route[],
  logger: Logger,
  tls: ListenerTls | undefined,
  metrics: ControllerMetrics,
  onReportRefused?: ReportCertRefusal,
): Server {
  if (!tls) return createRouterServer(routes, logger);
  const log = logger.child({ component: 'tls' });
  const m = tlsMetrics(metrics);
  const clientCa = tls.config.clientCaFile !== undefined;
  const required = clientCa && tls.config.requireClientCert !== false;
  const handle = routeRequests(routes, logger);
  const guarded = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (clientCa && !OPEN_PATHS.has(path)) {
      const socket = req.socket as TLSSocket;
      const presented = Object.keys(socket.getPeerCertificate() ?? {}).length > 0;
      if (!socket.authorized && (required || presented)) {
        const reason = presented ? 'client-cert-invalid' : 'client-cert-required';
        m.refused.inc({ reason });
        const error = presented
          ? `client certificate refused: ${String(socket.authorizationError)} (it must be signed by the CA in controller.tls.clientCaFile)`
          : 'a client certificate is required (controller.tls.requireClientCert)';
        // A refused report is also a refusal of its prober: status and the log name whose it was.
        if (path === '/v1/reports') {
          const named = req.headers[PROBER_HEADER];
          onReportRefused?.(reason, typeof named === 'string' ? named : undefined, error);
        }
        sendJson(res, 403, { error, reason });
        return;
      }
    }
    handle(req, res);
  };
  const server = hardenServer(
    createServer(
      {
        ...tls.files.value.options,
        // Verified per request (above), so /healthz can answer without one and refusals are readable.
        requestCert: clientCa,
        rejectUnauthorized: false,
        minVersion: 'TLSv1.2',
      },
      guarded,
    ),
  );
  // A failed handshake (a client that does not trust us, a port scan) ends that connection only.
  server.on('tlsClientError', (err) => {
    m.handshakeErrors.inc();
    log.debug({ err: err.message }, 'TLS handshake failed');
  });
  const show = (mat: ServerMaterial) => {
    m.notAfter.set(mat.notAfter / 1000);
    return mat.detail;
  };
  log.info(
    {
      certificate: show(tls.files.value),
      clientCert: required ? 'required' : clientCa ? 'checked when presented' : 'not requested',
    },
    'HTTPS listener',
  );
  const timer = setInterval(() => {
    const out = tls.files.poll();
    m.failing.set(out.kind === 'failed' ? 1 : 0);
    if (out.kind === 'reloaded') {
      server.setSecureContext(out.value.options);
      m.reloads.inc({ result: 'ok' });
      log.info(
        { certificate: show(out.value) },
        'TLS certificate files changed: serving the new certificate',
      );
    } else if (out.kind === 'failed' && !out.repeated) {
      m.reloads.inc({ result: 'error' });
      log.error(
        { err: out.error.message, remedy: (out.error as { context?: { remedy?: string } }).context?.remedy },
        'TLS certificate files changed but cannot be used: still serving the previous certificate',
      );
    }
  }, tls.config.reloadInterval);
  timer.unref();
  server.on('close', () => clearInterval(timer));
  return server;
}

function tlsMetrics(metrics: ControllerMetrics) {
  const registers = [metrics.registry];
  return {
    reloads: new Counter({
      name: 'geofailover_tls_reloads_total',
      help: 'Changed certificate files seen by the listener: result ok (now served) or error (old kept)',
      labelNames: ['result'],
      registers,
    }),
    failing: new Gauge({
      name: 'geofailover_tls_reload_failing',
      help: '1 while the certificate files on disk cannot be used (the previous certificate is still served)',
      registers,
    }),
    notAfter: new Gauge({
      name: 'geofailover_tls_certificate_expiry_timestamp_seconds',
      help: 'End of validity of the certificate the API listener serves (unix seconds)',
      registers,
    }),
    refused: new Counter({
      name: 'geofailover_tls_client_refused_total',
      help: 'Requests refused for a missing or invalid client certificate',
      labelNames: ['reason'],
      registers,
    }),
    handshakeErrors: new Counter({
      name: 'geofailover_tls_handshake_errors_total',
      help: 'TLS handshakes that failed (a client not trusting the certificate, a non-TLS client)',
      registers,
    }),
  };
}
