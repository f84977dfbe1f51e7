// The shape of what the PowerDNS API answers, checked at the edge: a zone document that is not what
// the adapter reads (a proxy's page, another service, a version with other fields) is refused here
// with the field and what was expected, before any code walks it.
import { z } from 'zod';

const record = z.object({
  content: z.string(),
  disabled: z.boolean().optional(),
});

const rrset = z.object({
  name: z.string(),
  type: z.string(),
  ttl: z.number().int().nonnegative().optional(),
  records: z.array(record),
  comments: z.array(z.unknown()).optional(),
});

export const zoneDocument = z.object({
  name: z.string().optional(),
  serial: z.number().optional(),
  rrsets: z.array(rrset),
});

export type ZoneDocument = z.output<typeof zoneDocument>;

/** "rrsets[3].records" for a zod issue path; "(the document)" for the root. */
export function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(the document)';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

/**
 * What is wrong with a document, as short lines ("rrsets[0].records: expected array, received
 * undefined (RRset a.example.com. A)"), at most `max` of them.
 */
export function documentProblems(doc: unknown, error: z.ZodError, max = 3): string[] {
  const lines = error.issues.slice(0, max).map((issue) => {
    const what = issue.message.replace(/^Invalid input: /, '');
    return `${fieldPath(issue.path)}: ${what}${rrsetOf(doc, issue.path)}`;
  });
  if (error.issues.length > max) lines.push(`and ${error.issues.length - max} more`);
  return lines;
}

/** " (RRset NAME TYPE)" when the path is inside an RRset whose name and type can be read. */
function rrsetOf(doc: unknown, path: readonly PropertyKey[]): string {
  if (path[0] !== 'rrsets' || typeof path[1] !== 'number' || path.length < 3) return '';
  const rr = (doc as { rrsets?: unknown[] } | null)?.rrsets?.[path[1]] as
    | { name?: unknown; type?: unknown }
    | undefined;
  return typeof rr?.name === 'string' && typeof rr.type === 'string' ? ` (RRset ${rr.name} ${rr.type})` : '';
}
