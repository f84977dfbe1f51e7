// What validate says about dual-stack endpoints beyond their shape: a check of one runs once per
// address family and connects to that family's address, so a host the check names itself (tcp
// `host`, the host of a dns `server`) is not where it connects; say so rather than let it look used.
// (The `host` of an http, tls or grpc check stays the name it asks for: Host, SNI, :authority.)
import { addressText, probedPerFamily } from '../model/index.ts';
import type { Problem } from './problem.ts';
import type { Config } from './schema.ts';

export function dualStackProblems(config: Config): Problem[] {
  const out: Problem[] = [];
  config.regions.forEach((r, ri) => {
    r.endpoints.forEach((e, ei) => {
      if (!probedPerFamily(e)) return;
      const where = `endpoint "${e.id}" is dual-stack: its check runs on each family's address (${addressText(e)})`;
      const parts: { at: (string | number)[]; c: { kind: string; host?: string; server?: string } }[] = [
        ...(e.check ? [{ at: ['regions', ri, 'endpoints', ei, 'check'], c: e.check }] : []),
        ...(e.checks ?? []).map((c, ci) => ({ at: ['regions', ri, 'endpoints', ei, 'checks', ci], c })),
      ];
      for (const { at, c } of parts) {
        if (c.kind === 'tcp' && c.host !== undefined)
          out.push({
            at: [...at, 'host'],
            path: '',
            message: `${where}, so host ${c.host} is not used; remove it`,
            severity: 'warning',
          });
        if (c.kind === 'dns' && c.server !== undefined)
          out.push({
            at: [...at, 'server'],
            path: '',
            message: `${where}, so of server ${c.server} only the port is used: the query goes to each family's address on that port`,
            severity: 'warning',
          });
      }
    });
  });
  return out;
}
