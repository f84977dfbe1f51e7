// Loader hooks of the module trace (see register.mjs): append each resolved URL to the trace file.
import { appendFileSync } from 'node:fs';

let out;

export function initialize(data) {
  out = data?.out;
}

export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (out) appendFileSync(out, `${r.url}\n`);
  return r;
}
