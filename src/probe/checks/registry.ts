// The endpoint check kinds geofailover knows: one line each. Adding a kind means its own file in this
// folder, exporting defineCheck({ kinds, schema, compile }) (light: the socket code it runs is
// imported on its first run), plus one line here. The config's `check` union is built from this list.
import type { z } from 'zod';
import type { CheckDefinition } from './definition.ts';
import { dns } from './dns.ts';
import { grpc } from './grpc.ts';
import { http } from './http.ts';
import { tcp } from './tcp.ts';
import { tls } from './tls.ts';

const listed = [http, tcp, dns, grpc, tls] as const;

type Listed = (typeof listed)[number];
type Schema = Listed['schema'];
export type CheckKind = Listed['kinds'][number];

export const checkDefinitions: readonly CheckDefinition<string, z.ZodType>[] = listed as never;

/** Every kind, in the order of the list. */
export const checkKinds: readonly CheckKind[] = listed.flatMap((d) => d.kinds);

/** The schemas of every kind, as the tuple zod's discriminated union wants. */
export const checkSchemas = listed.map((d) => d.schema) as unknown as [Schema, ...Schema[]];

export function checkDefinitionOf(kind: string): CheckDefinition<string, z.ZodType> {
  const d = checkDefinitions.find((x) => x.kinds.includes(kind));
  if (!d) {
    const known = `${checkKinds.slice(0, -1).join(', ')} or ${checkKinds.at(-1)}`;
    throw new Error(`unknown check kind "${kind}" (use ${known})`);
  }
  return d;
}
