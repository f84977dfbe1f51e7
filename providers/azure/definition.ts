// The Azure DNS provider kind: its config schema, where it finds its secret, and what validate
// refuses: Azure DNS record sets have no weights or geography (Azure Traffic Manager is the
// Azure-native way to do those), so only failover records (plain sets) go on it.
import { z } from 'zod';
import { envName, url } from '../../src/config/fields/index.ts';
import type { ProviderCapabilities } from '../capabilities.ts';
import { type DefinitionProblem, defineProvider } from '../definition.ts';

const guid = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'must be a GUID');

export const azureSchema = z.strictObject({
  kind: z.literal('azure'),
  subscriptionId: guid,
  resourceGroup: z
    .string()
    .regex(/^[-\w._()]{1,90}$/, 'must be a resource group name (letters, digits, - _ . ( ), up to 90)'),
  /** A service principal: tenant and client id here, its secret from the environment or a file. */
  tenantId: guid.optional(),
  clientId: guid.optional(),
  clientSecretEnv: envName.default('AZURE_CLIENT_SECRET'),
  clientSecretFile: z.string().min(1).optional(),
  /** Resource Manager endpoint (sovereign clouds, tests). Must be https: the SDK sends tokens only over TLS. */
  endpoint: url
    .refine(
      (u) => u.startsWith('https://'),
      'must be an https:// URL (the Azure SDK sends tokens only over TLS)',
    )
    .default('https://management.azure.com'),
  /** Microsoft Entra authority (sovereign clouds, tests). */
  authorityHost: url.optional(),
  /** PEM file of extra CA certificates to trust for the endpoint and authority (private CAs, tests). */
  caFile: z.string().min(1).optional(),
  /** Retries of throttled (429, honouring Retry-After), 5xx and network-failed requests. */
  maxRetries: z.number().int().min(0).max(10).default(4),
});

export type AzureConfig = z.output<typeof azureSchema>;

/** Azure Traffic Manager does the routing Azure DNS record sets cannot, and geofailover does not drive it. */
function trafficManager(routing: string): (policy: string) => string {
  return (policy) =>
    `a ${policy} policy cannot be expressed by Azure DNS record sets (no weights or geography); Azure Traffic Manager is the Azure-native way (${routing} routing), which geofailover does not drive: use a failover policy on this zone, or put the record on a provider with ${policy} records (route53, googlecloud, builtin)`;
}

/** Azure DNS record sets have no weights or geography (that is Traffic Manager): plain sets only. */
export const capabilities: ProviderCapabilities = {
  weighted: { refused: trafficManager('weighted') },
  geo: { refused: trafficManager('geographic') },
  fallback: true,
  familyHealth: true,
  multiValue: true,
  atomicBatch: false,
};

export const definition = defineProvider({
  kind: 'azure',
  schema: azureSchema,
  capabilities,
  secrets: (cfg) =>
    cfg.tenantId && cfg.clientId && !cfg.clientSecretFile
      ? [{ at: ['clientSecretEnv'], envVar: cfg.clientSecretEnv }]
      : [],
  checkProvider(cfg) {
    const problems: DefinitionProblem[] = [];
    if ((cfg.tenantId === undefined) !== (cfg.clientId === undefined))
      problems.push({
        at: [cfg.tenantId === undefined ? 'tenantId' : 'clientId'],
        message:
          'tenantId and clientId go together: set both (a service principal, its secret from clientSecretEnv or clientSecretFile), or neither (DefaultAzureCredential: managed identity, workload identity, az login)',
      });
    if (cfg.clientSecretFile !== undefined && cfg.clientId === undefined)
      problems.push({
        at: ['clientSecretFile'],
        message: 'clientSecretFile is used only with tenantId and clientId (a service principal)',
        severity: 'warning',
      });
    return problems;
  },
});
