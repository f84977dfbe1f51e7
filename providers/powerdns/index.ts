// The PowerDNS adapter's public face: `createProvider` for the factory (the API key from its env
// variable or file), plus the pieces tests use directly.

import type { z } from 'zod';
import { secretFromEnv, secretFromFile } from '../../src/config/index.ts';
import type { ProviderFactory } from '../provider.ts';
import { PdnsClient } from './client.ts';
import type { powerdnsSchema } from './definition.ts';
import { PowerDnsProvider } from './provider.ts';

export type PowerDnsConfig = z.output<typeof powerdnsSchema>;

export const createProvider: ProviderFactory<PowerDnsConfig> = (id, cfg, ctx) => {
  const apiKey =
    cfg.apiKeyFile !== undefined
      ? secretFromFile(cfg.apiKeyFile, `providers.${id}.apiKeyFile`)
      : secretFromEnv(cfg.apiKeyEnv!, `providers.${id}.apiKeyEnv`, ctx.env);
  const keySource =
    cfg.apiKeyFile !== undefined ? `the file ${cfg.apiKeyFile}` : `the environment variable ${cfg.apiKeyEnv}`;
  const client = new PdnsClient({
    provider: id,
    url: cfg.url,
    serverId: cfg.serverId,
    apiKey,
    keySource,
    timeoutMs: cfg.timeout,
  });
  return new PowerDnsProvider(id, ctx.owner, client, ctx.logger);
};

export { selectRecords } from '../select-records.ts';
export { PdnsClient, type PdnsRRset } from './client.ts';
export { decodeTxt, encodeTxt, fromRRset, replaceRRset } from './mapping.ts';
export { PowerDnsProvider } from './provider.ts';
