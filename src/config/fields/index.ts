// The small field schemas that the config schema and every provider's definition share (durations,
// ids, env variable names, HOST:PORT, URLs). Kept apart from schema.ts so a provider definition can
// use them without importing the whole config (which imports the provider registry).
import { z } from 'zod';
import { DURATION_PATTERN, parseDuration } from '../duration.ts';

/** A duration string, parsed to milliseconds. */
export const duration = z
  .string({ error: 'must be a duration with a unit, such as 500ms, 5s, 2m or 1h' })
  .regex(DURATION_PATTERN, 'must be a duration such as 500ms, 5s, 2m or 1h')
  .transform((s) => parseDuration(s)!)
  .describe('A duration: a number followed by ms, s, m, h or d.');

export const id = z
  .string()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'must be lower case letters, digits and dashes (1-63)')
  .describe('An identifier: lower case letters, digits and dashes.');

export const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable, not the secret itself');

export const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):\d{1,5}$/, 'must be HOST:PORT (IPv6 as [::1]:PORT)')
  .refine((s) => Number(s.slice(s.lastIndexOf(':') + 1)) <= 65535, {
    message: 'the port must be 0-65535',
    abort: true,
  });

export const url = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

/** The path of a PEM file (certificate, key or CA bundle); the file itself is checked where it is loaded. */
export const pemFile = z.string().min(1, 'must be the path of a PEM file');

export { cidrProblem } from './cidr.ts';
export { etcdEndpoint, etcdEndpointProblem } from './etcd-endpoint.ts';
export {
  BIAS_MAX,
  BIAS_MIN,
  bias,
  type Capacity,
  capacity,
  formatMargin,
  type Location,
  location,
  type Margin,
  margin,
} from './steering.ts';
