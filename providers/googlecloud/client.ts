// Builds the Cloud DNS client (@google-cloud/dns): credentials from a service-account key file (ours
// or GOOGLE_APPLICATION_CREDENTIALS) signed locally as a self-signed JWT with the Cloud DNS scope (no
// token exchange), or else the environment's default credentials; the client's own retries OFF so
// provider.ts owns the policy; an apiEndpoint override (scheme, host, port) for tests and private access.
import { readFileSync } from 'node:fs';
import { util } from '@google-cloud/common';
import { DNS } from '@google-cloud/dns';
import { GoogleAuth, JWT } from 'google-auth-library';
import { ProviderError } from '../../src/model/index.ts';
import type { GoogleCloudConfig } from './definition.ts';

export const SCOPES = ['https://www.googleapis.com/auth/ndev.clouddns.readwrite'];

interface ServiceAccountKey {
  type?: string;
  client_email?: string;
  private_key?: string;
  private_key_id?: string;
}

/** A service-account key file read and checked; one clear error naming the file otherwise. */
export function readKeyFile(
  path: string,
  provider: string,
): Required<Omit<ServiceAccountKey, 'private_key_id'>> & ServiceAccountKey {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ProviderError(
      `googlecloud provider ${provider}: cannot read the service-account key file ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); nothing was read or written`,
      {
        provider,
        value: path,
        remedy: `set providers.${provider}.keyFile to a readable service-account key (JSON)`,
      },
    );
  }
  let key: ServiceAccountKey;
  try {
    key = JSON.parse(text) as ServiceAccountKey;
  } catch {
    throw new ProviderError(
      `googlecloud provider ${provider}: ${path} is not JSON; nothing was read or written`,
      {
        provider,
        value: path,
        remedy: 'download the service account key again as JSON (IAM > Service accounts > Keys)',
      },
    );
  }
  if (key.type !== 'service_account' || !key.client_email || !key.private_key)
    throw new ProviderError(
      `googlecloud provider ${provider}: ${path} is not a service-account key (needs type service_account, client_email and private_key); nothing was read or written`,
      {
        provider,
        value: path,
        remedy: 'use a service-account key file, or leave keyFile out to use the default credentials',
      },
    );
  return key as Required<Omit<ServiceAccountKey, 'private_key_id'>> & ServiceAccountKey;
}

function authFor(cfg: GoogleCloudConfig, provider: string, env: NodeJS.ProcessEnv): JWT | GoogleAuth {
  const file = cfg.keyFile ?? env.GOOGLE_APPLICATION_CREDENTIALS;
  if (file) {
    const key = cfg.keyFile ? readKeyFile(file, provider) : tryServiceAccount(file);
    if (key) {
      const jwt = new JWT({
        email: key.client_email,
        key: key.private_key,
        ...(key.private_key_id ? { keyId: key.private_key_id } : {}),
        scopes: SCOPES,
      });
      // Sign each request's token locally with the scope (Google's self-signed JWT): no token exchange.
      jwt.useJWTAccessWithScope = true;
      return jwt;
    }
  }
  // Default credentials: gcloud's user credentials, workload identity, the metadata server.
  return new GoogleAuth({
    scopes: SCOPES,
    projectId: cfg.project,
    clientOptions: { useJWTAccessWithScope: true } as never,
  });
}

/** GOOGLE_APPLICATION_CREDENTIALS may name other credential types; those go to GoogleAuth. */
function tryServiceAccount(path: string): ServiceAccountKey | undefined {
  try {
    const key = JSON.parse(readFileSync(path, 'utf8')) as ServiceAccountKey;
    return key.type === 'service_account' && key.client_email && key.private_key ? key : undefined;
  } catch {
    return undefined;
  }
}

export interface Client {
  dns: DNS;
  /** Resolves the credentials (a missing default credential fails here, before any request). */
  check(): Promise<void>;
}

export function createClient(
  cfg: GoogleCloudConfig,
  provider: string,
  env: NodeJS.ProcessEnv = process.env,
): Client {
  const endpoint = cfg.apiEndpoint ? new URL(cfg.apiEndpoint) : undefined;
  const auth = authFor(cfg, provider, env);
  const dns = new DNS({
    projectId: cfg.project,
    authClient: auth,
    ...(endpoint ? { apiEndpoint: endpoint.host } : {}),
    // Service options the DNS typings leave out: a request that hangs fails after 30 s.
    timeout: 30_000,
  } as never);
  // The library builds https://<apiEndpoint>/dns/v1; an http endpoint (a local fake) needs the base URL.
  if (endpoint) dns.baseUrl = `${endpoint.origin}/dns/v1`;
  // The library's requests retry 429/5xx and, worse, re-send a write whose connection dropped
  // (noResponseRetries); DNS exposes no option for it, so its authenticated-request function is
  // rebuilt with autoRetry off and provider.ts owns the policy (a write is never re-sent blind).
  const request = util.makeAuthenticatedRequestFactory({
    projectIdRequired: true,
    projectId: cfg.project,
    authClient: auth,
    scopes: SCOPES,
    autoRetry: false,
  } as Parameters<typeof util.makeAuthenticatedRequestFactory>[0]);
  dns.makeAuthenticatedRequest = request;
  dns.authClient = request.authClient;
  return {
    dns,
    async check() {
      if (!(auth instanceof JWT)) await auth.getClient();
    },
  };
}
