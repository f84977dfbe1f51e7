// The config's TLS files (the listener's, the agents', the etcd client's and the CAs endpoint checks
// trust) checked the way the controller and the agents will load them, for `validate` (warnings;
// errors with --check-env, where the files exist): each problem with its YAML path and line. Startup
// runs the same checks and refuses to start on the first problem.
import { type Config, type ConfigProblem, lineIn } from '../config/index.ts';
import { HttpsClient } from './client.ts';
import { loadClientTls } from './client-material.ts';
import { TlsFileError } from './errors.ts';
import { loadCa } from './pem.ts';
import { serverTlsFiles } from './server.ts';

/** `controllers[0].ca` → ['controllers', 0, 'ca']. */
function pathOf(where: string): (string | number)[] {
  return where
    .split(/\.|(?=\[)/)
    .map((p) => (/^\[\d+\]$/.test(p) ? Number(p.slice(1, -1)) : p))
    .filter((p) => p !== '');
}

export function tlsFileProblems(config: Config, text: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const attempt = (load: () => void) => {
    try {
      load();
    } catch (err) {
      if (!(err instanceof TlsFileError)) throw err;
      const at = pathOf(err.where);
      problems.push({
        path: err.where,
        line: lineIn(text, at),
        message: `${err.file}: ${err.problem}; to fix: ${err.context.remedy ?? ''}`,
      });
    }
  };
  const tls = config.controller.tls;
  if (tls) attempt(() => serverTlsFiles(tls));
  const agentSide = [
    ...config.controllers.map((c, i) => ({ ...c, where: `controllers[${i}]` })),
    ...(config.controllersFrom ? [{ ...config.controllersFrom, where: 'controllersFrom' }] : []),
  ];
  for (const c of agentSide) {
    const where = c.where;
    if (!c.ca && !c.certFile) continue;
    attempt(() =>
      new HttpsClient(
        {
          ...(c.ca ? { ca: { path: c.ca, where: `${where}.ca` } } : {}),
          ...(c.certFile && c.keyFile
            ? {
                cert: { path: c.certFile, where: `${where}.certFile` },
                key: { path: c.keyFile, where: `${where}.keyFile` },
              }
            : {}),
        },
        { trustRemedy: '', clientCertRemedy: '' },
      ).close(),
    );
  }
  const coordination = config.controller.coordination;
  if (coordination.kind === 'etcd' && coordination.tls) {
    const { ca, certFile, keyFile } = coordination.tls;
    const where = 'controller.coordination.tls';
    attempt(() =>
      loadClientTls({
        ...(ca ? { ca: { path: ca, where: `${where}.ca` } } : {}),
        ...(certFile && keyFile
          ? {
              cert: { path: certFile, where: `${where}.certFile` },
              key: { path: keyFile, where: `${where}.keyFile` },
            }
          : {}),
      }),
    );
  }
  // The CA files endpoint checks trust (grpc and tls kinds), as the agents load them at start.
  config.regions.forEach((r, ri) => {
    r.endpoints.forEach((ep, ei) => {
      const base = `regions[${ri}].endpoints[${ei}]`;
      const checks = [
        ...(ep.check ? [{ c: ep.check, at: `${base}.check` }] : []),
        ...(ep.checks ?? []).map((c, ci) => ({ c, at: `${base}.checks[${ci}]` })),
      ];
      for (const { c, at } of checks) {
        const ca = (c as { ca?: unknown }).ca;
        if (typeof ca === 'string') attempt(() => loadCa({ path: ca, where: `${at}.ca` }));
      }
    });
  });
  return problems;
}
