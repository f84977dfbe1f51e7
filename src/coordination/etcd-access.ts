// What the etcd client connects with: the TLS files (the CA that signed etcd's certificate, the client
// certificate etcd's --client-cert-auth asks for) and the user and password, read once at startup from
// the files and the environment the config names. A missing or broken file, or an unset password, is a
// startup error naming the config field; the password is kept only here and in the client.
import type { EtcdCoordinationConfig } from '../config/index.ts';
import { secretFromEnv, secretFromFile } from '../config/index.ts';
import { type ClientTlsMaterial, loadClientTls } from '../tls/index.ts';

const FIELD = 'controller.coordination';

export interface EtcdAccess {
  /** The endpoints are https:// (TLS with every member). */
  secure: boolean;
  /** The TLS files as configured (paths, for messages) and as loaded. */
  tls?: { ca?: string; certFile?: string; keyFile?: string; material: ClientTlsMaterial };
  auth?: {
    user: string;
    password: string;
    /** Where the password came from, for messages: `passwordEnv ETCD_PASSWORD`, `passwordFile /run/...`. */
    from: string;
  };
}

export function loadEtcdAccess(
  cfg: Pick<EtcdCoordinationConfig, 'endpoints' | 'tls' | 'auth'>,
  env: NodeJS.ProcessEnv = process.env,
): EtcdAccess {
  const secure = cfg.endpoints.some((e) => e.startsWith('https:'));
  const access: EtcdAccess = { secure };
  const t = cfg.tls;
  if (t) {
    const material = loadClientTls({
      ...(t.ca ? { ca: { path: t.ca, where: `${FIELD}.tls.ca` } } : {}),
      ...(t.certFile && t.keyFile
        ? {
            cert: { path: t.certFile, where: `${FIELD}.tls.certFile` },
            key: { path: t.keyFile, where: `${FIELD}.tls.keyFile` },
          }
        : {}),
    });
    access.tls = {
      ...(t.ca ? { ca: t.ca } : {}),
      ...(t.certFile ? { certFile: t.certFile } : {}),
      ...(t.keyFile ? { keyFile: t.keyFile } : {}),
      material,
    };
  }
  const a = cfg.auth;
  if (a) {
    const where = `${FIELD}.auth`;
    const password =
      a.passwordFile !== undefined
        ? secretFromFile(a.passwordFile, `${where}.passwordFile`)
        : secretFromEnv(a.passwordEnv!, `${where}.passwordEnv`, env);
    const from =
      a.passwordFile !== undefined ? `passwordFile ${a.passwordFile}` : `passwordEnv ${a.passwordEnv}`;
    access.auth = { user: a.user, password, from };
  }
  return access;
}
