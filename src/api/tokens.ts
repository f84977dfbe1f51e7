// Named API tokens with roles (README "Tokens, roles and the audit trail"). read: status, events,
// explain; operate: also drains, overrides and maintenance windows; admin: everything (reconcile);
// signal: below read, it may only deliver the signals whose config names it (signal-routes.ts).
// A presented token is hashed and compared with every configured token's hash in constant time
// (crypto.timingSafeEqual over equal-length digests), so neither its length nor its prefix leaks.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-util.ts';

export type Role = 'read' | 'operate' | 'admin' | 'signal';
const RANK: Record<Role, number> = { signal: 0, read: 1, operate: 2, admin: 3 };

export interface NamedToken {
  name: string;
  role: Role;
  secret: string;
}

/** Who made a call: the token's name is the actor in the event log. */
export interface Caller {
  name: string;
  role: Role;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export class ApiTokens {
  private readonly tokens: { name: string; role: Role; hash: Buffer }[];

  constructor(
    tokens: readonly NamedToken[],
    /** Read endpoints need a token too (any role). Off by default: status stays open as before. */
    readonly requireReadToken = false,
  ) {
    this.tokens = tokens.map((t) => ({ name: t.name, role: t.role, hash: digest(t.secret) }));
  }

  get configured(): boolean {
    return this.tokens.length > 0;
  }

  /** The caller a request's bearer token names; undefined without one; 401 for a wrong one. */
  identify(req: IncomingMessage): Caller | undefined {
    const header = req.headers.authorization;
    if (header === undefined || header === '') return undefined;
    const m = /^Bearer\s+(.+)$/i.exec(header);
    if (!m) throw new HttpError(401, 'the Authorization header must be "Bearer <token>"', 'unauthorized');
    const given = digest(m[1]!.trim());
    let found: Caller | undefined;
    // Compare against every token, without stopping at a match: the time does not say which matched.
    for (const t of this.tokens)
      if (timingSafeEqual(given, t.hash) && !found) found = { name: t.name, role: t.role };
    if (!found) throw new HttpError(401, 'unknown bearer token', 'unauthorized');
    return found;
  }

  /** The caller, if it may make a call that needs `role`; else 401 (no or wrong token) or 403 (role too low). */
  require(req: IncomingMessage, role: Role): Caller {
    if (!this.configured) {
      throw new HttpError(
        403,
        'mutating API calls are disabled: no controller.tokens or controller.tokenEnv is configured',
        'no-token-configured',
      );
    }
    const caller = this.identify(req);
    if (!caller)
      throw new HttpError(401, `this call needs a bearer token with role ${role} or higher`, 'unauthorized');
    if (RANK[caller.role] < RANK[role]) {
      throw new HttpError(
        403,
        `token "${caller.name}" has role ${caller.role}; this call needs ${role} or higher`,
        'forbidden',
      );
    }
    return caller;
  }

  /** Read endpoints: open unless requireReadToken; a presented token must still be a known one. */
  read(req: IncomingMessage): Caller | undefined {
    if (this.requireReadToken && this.configured) return this.require(req, 'read');
    return undefined;
  }
}
