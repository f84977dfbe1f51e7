// What the fake Cloud DNS checks of a bearer token: a self-signed service-account JWT (RS256) signed
// by the key the fake knows for that account, with the Cloud DNS scope, not expired. A key pair and
// key file for tests come from makeServiceAccount.
import { createVerify, generateKeyPairSync, type KeyObject } from 'node:crypto';

export interface ServiceAccount {
  email: string;
  keyId: string;
  publicKey: KeyObject;
  /** The key file's JSON, as IAM hands it out. */
  keyFile: Record<string, string>;
}

export function makeServiceAccount(project: string, name = 'geofailover'): ServiceAccount {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const email = `${name}@${project}.iam.gserviceaccount.com`;
  const keyId = `k${Math.random().toString(16).slice(2)}`;
  return {
    email,
    keyId,
    publicKey,
    keyFile: {
      type: 'service_account',
      project_id: project,
      private_key_id: keyId,
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: email,
      client_id: '100000000000000000001',
      token_uri: 'https://oauth2.googleapis.com/token',
    },
  };
}

const SCOPES = [
  'https://www.googleapis.com/auth/ndev.clouddns.readwrite',
  'https://www.googleapis.com/auth/cloud-platform',
];

/** Undefined when the Authorization header carries a valid token for one of `accounts`; else why not. */
export function checkBearer(
  header: string | undefined,
  accounts: readonly ServiceAccount[],
  now = Date.now(),
): string | undefined {
  const m = /^Bearer (\S+)$/.exec(header ?? '');
  if (!m) return 'no bearer token';
  const parts = m[1]!.split('.');
  if (parts.length !== 3) return 'not a JWT';
  const [h, p, s] = parts as [string, string, string];
  let head: { alg?: string; kid?: string };
  let claims: { iss?: string; sub?: string; scope?: string; aud?: string; exp?: number; iat?: number };
  try {
    head = JSON.parse(Buffer.from(h, 'base64url').toString());
    claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  } catch {
    return 'malformed JWT';
  }
  if (head.alg !== 'RS256') return `alg ${head.alg}`;
  const account = accounts.find((a) => a.email === claims.iss);
  if (!account || claims.sub !== claims.iss) return 'unknown service account';
  if (head.kid !== undefined && head.kid !== account.keyId) return 'unknown key id';
  const ok = createVerify('RSA-SHA256')
    .update(`${h}.${p}`)
    .verify(account.publicKey, Buffer.from(s, 'base64url'));
  if (!ok) return 'bad signature';
  if (!claims.exp || claims.exp * 1000 < now) return 'expired';
  if (claims.iat !== undefined && claims.iat * 1000 > now + 60_000) return 'issued in the future';
  const scopes = (claims.scope ?? '').split(' ');
  if (!scopes.some((x) => SCOPES.includes(x)) && claims.aud !== 'https://dns.googleapis.com/')
    return 'no Cloud DNS scope';
  return undefined;
}
