// Config: schema, YAML loading with path+line errors, cross-reference checks, secrets.
export * from './duration.ts';
export * from './errors.ts';
export { lineIn, loadConfig, parseConfig } from './load.ts';
export * from './schema.ts';
export * from './secret-refs.ts';
export * from './secret-strength.ts';
export * from './secrets.ts';
export { configWarnings } from './warnings.ts';
