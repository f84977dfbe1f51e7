// Builds the Azure DNS client (@azure/arm-dns) and its credential (@azure/identity): a service
// principal whose secret comes from the environment or a file, or else DefaultAzureCredential
// (managed identity, workload identity, az login). The SDK's retry policy stays on: it honours
// Retry-After on 429, and every write carries If-Match or If-None-Match, so a retried write can
// never overwrite (provider.ts checks what a 412 after a retry means).
import { readFileSync } from 'node:fs';
import { DnsManagementClient } from '@azure/arm-dns';
import { ClientSecretCredential, DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { ProviderError } from '../../src/model/index.ts';
import type { AzureConfig } from './definition.ts';

function readFile(path: string, what: string, provider: string, field: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ProviderError(
      `azure provider ${provider}: cannot read the ${what} ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); nothing was read or written`,
      { provider, value: path, remedy: `set providers.${provider}.${field} to a readable file` },
    );
  }
}

/** The credential config names; one clear error when a service principal's secret is missing. */
export function credentialFor(cfg: AzureConfig, provider: string, env: NodeJS.ProcessEnv): TokenCredential {
  const ca = cfg.caFile ? readFile(cfg.caFile, 'CA file', provider, 'caFile') : undefined;
  const common = {
    ...(cfg.authorityHost ? { authorityHost: cfg.authorityHost, disableInstanceDiscovery: true } : {}),
    ...(ca ? { tlsOptions: { ca } } : {}),
  };
  if (cfg.tenantId && cfg.clientId) {
    const secret = cfg.clientSecretFile
      ? readFile(cfg.clientSecretFile, 'client secret file', provider, 'clientSecretFile').trim()
      : env[cfg.clientSecretEnv];
    if (!secret)
      throw new ProviderError(
        `azure provider ${provider}: the client secret of service principal ${cfg.clientId} is not set (environment variable ${cfg.clientSecretEnv} is empty); nothing was read or written`,
        {
          provider,
          value: cfg.clientSecretEnv,
          remedy: `export ${cfg.clientSecretEnv}, or set providers.${provider}.clientSecretFile`,
        },
      );
    return new ClientSecretCredential(cfg.tenantId, cfg.clientId, secret, common);
  }
  if (cfg.tenantId || cfg.clientId)
    throw new ProviderError(
      `azure provider ${provider}: tenantId and clientId go together; nothing was read or written`,
      {
        provider,
        remedy: `set both providers.${provider}.tenantId and clientId (a service principal), or neither (default credentials)`,
      },
    );
  return new DefaultAzureCredential(common);
}

export function createClient(
  cfg: AzureConfig,
  provider: string,
  env: NodeJS.ProcessEnv,
  credential?: TokenCredential,
  retryDelayInMs = 800,
): DnsManagementClient {
  const cred = credential ?? credentialFor(cfg, provider, env);
  const ca = cfg.caFile ? readFile(cfg.caFile, 'CA file', provider, 'caFile') : undefined;
  const endpoint = cfg.endpoint.replace(/\/$/, '');
  return new DnsManagementClient(cred, cfg.subscriptionId, {
    endpoint,
    credentialScopes: [`${endpoint}/.default`],
    retryOptions: { maxRetries: cfg.maxRetries, retryDelayInMs, maxRetryDelayInMs: 30_000 },
    ...(ca ? { tlsOptions: { ca } } : {}),
  });
}
