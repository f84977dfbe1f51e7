// One GET /zones/{id} per adapter before the first read: an unknown zone id or a zone id that belongs
// to another domain is a clear error up front, before anything could be half-applied.
import type Cloudflare from 'cloudflare';
import { normaliseName, UsageError } from '../../src/model/index.ts';
import { translateError } from './errors.ts';

export async function checkZone(
  sdk: Cloudflare,
  provider: string,
  zoneId: string,
  zone: string,
  signal?: AbortSignal,
  tokenEnv?: string,
): Promise<void> {
  let name: string;
  try {
    name = (await sdk.zones.get({ zone_id: zoneId }, { signal })).name;
  } catch (err) {
    throw translateError(err, {
      provider,
      zone,
      zoneId,
      action: `read zone ${zoneId}`,
      ...(tokenEnv === undefined ? {} : { tokenEnv }),
    });
  }
  if (normaliseName(name) !== normaliseName(zone)) {
    throw new UsageError(`cloudflare provider "${provider}": zone id ${zoneId} is ${name}, not ${zone}`, {
      provider,
      zone,
      value: zoneId,
      remedy: `set providers.${provider}.zoneId to the id of ${zone}, or use this provider for ${name}`,
    });
  }
}
