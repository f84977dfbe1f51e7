// The builtin provider's TSIG keys, from config: each secret (base64) from its env variable or file.
// A missing or malformed secret stops the server at startup with one message naming the key.
import type { Config } from '../../../src/config/index.ts';
import { secretFromEnv, secretFromFile } from '../../../src/config/index.ts';
import { UsageError } from '../../../src/model/index.ts';
import { type TsigKey, tsigKey } from '../../tsig/index.ts';

type BuiltinConfig = Extract<Config['providers'][string], { kind: 'builtin' }>;

export function loadTsigKeys(
  providerId: string,
  cfg: Pick<BuiltinConfig, 'tsigKeys'>,
  env: NodeJS.ProcessEnv = process.env,
): Map<string, TsigKey> {
  const keys = new Map<string, TsigKey>();
  cfg.tsigKeys.forEach((k, i) => {
    const where = `providers.${providerId}.tsigKeys[${i}] (${k.name})`;
    const secret =
      k.secretFile !== undefined
        ? secretFromFile(k.secretFile, `${where}.secretFile`)
        : secretFromEnv(k.secretEnv!, `${where}.secretEnv`, env);
    try {
      const key = tsigKey(k.name, k.algorithm, secret);
      keys.set(key.name, key);
    } catch {
      // The message never includes the secret itself.
      throw new UsageError(`${where}: the secret is not base64 text`, {
        provider: providerId,
        remedy: 'generate one with `keymgr -t NAME hmac-sha256` or `openssl rand -base64 32`',
      });
    }
  });
  return keys;
}
