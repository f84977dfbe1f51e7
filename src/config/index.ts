// Config: schema, YAML loading with path+line errors, cross-reference checks, secrets.
export * from './controllers-env.ts';
export * from './duration.ts';
export * from './errors.ts';
export * from './fallback.ts';
export { type Capacity, formatMargin, type Location, type Margin } from './fields/index.ts';
export { lineIn, loadConfig, parseConfig } from './load.ts';
export {
  isClusterLocalHost,
  isLoopbackHost,
  plaintextListenProblem,
  plaintextUrlProblem,
} from './plaintext.ts';
export * from './schema.ts';
export * from './secret-refs.ts';
export * from './secret-strength.ts';
export * from './secrets.ts';
export * from './signals.ts';
export { configWarnings } from './warnings.ts';
