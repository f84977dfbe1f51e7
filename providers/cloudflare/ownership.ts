// How ownership is written on Cloudflare: not a TXT marker but a tag `geofailover-owner:<id>` plus a
// comment on each record we manage (and `owner=<id>` in the description of pools and load balancers).
export const OWNER_TAG = 'geofailover-owner';

export function ownerTag(owner: string): string {
  return `${OWNER_TAG}:${owner}`;
}

export function ownerComment(owner: string): string {
  // Short: Free plans allow 100 characters of comment and owner ids run to 63.
  return `geofailover owner=${owner}`;
}

/** Owner ids named by a record's tags (normally zero or one). */
export function tagOwners(tags: readonly string[] | undefined): string[] {
  return (tags ?? [])
    .filter((t) => t.startsWith(`${OWNER_TAG}:`))
    .map((t) => t.slice(OWNER_TAG.length + 1))
    .filter((o) => o !== '');
}

/** The tags with our owner tag added or removed, other tags (the user's) kept in their order. */
export function withOwnerTag(tags: readonly string[] | undefined, owner: string, on: boolean): string[] {
  const others = (tags ?? []).filter((t) => t !== ownerTag(owner));
  return on ? [...others, ownerTag(owner)] : others;
}

/** The comment after marking or unmarking: ours when marked; cleared when unmarking our own. */
export function withOwnerComment(comment: string | null | undefined, owner: string, on: boolean): string {
  if (on) return ownerComment(owner);
  return comment === ownerComment(owner) ? '' : (comment ?? '');
}

/** `owner=<id>` in a pool or load balancer description; undefined when absent. */
export function descriptionOwner(description: string | null | undefined): string | undefined {
  return /(?:^|\s|\()owner=([a-z0-9-]+)/.exec(description ?? '')?.[1];
}
