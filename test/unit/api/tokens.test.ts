// Named API tokens with roles: which role may make which call, wrong and missing tokens, open reads.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ApiTokens, type HttpError } from '../../../src/api/index.ts';

const req = (token?: string) =>
  ({ headers: token === undefined ? {} : { authorization: `Bearer ${token}` } }) as IncomingMessage;
const tokens = new ApiTokens([
  { name: 'viewer', role: 'read', secret: 'read-secret-1' },
  { name: 'oncall', role: 'operate', secret: 'operate-secret-2' },
  { name: 'admin', role: 'admin', secret: 'admin-secret-3' },
]);
const status = (f: () => unknown) => {
  try {
    f();
    return 200;
  } catch (err) {
    return (err as HttpError).status;
  }
};

describe('ApiTokens', () => {
  it('ranks roles: read < operate < admin', () => {
    expect(status(() => tokens.require(req('read-secret-1'), 'operate'))).toBe(403);
    expect(tokens.require(req('operate-secret-2'), 'operate')).toEqual({ name: 'oncall', role: 'operate' });
    expect(status(() => tokens.require(req('operate-secret-2'), 'admin'))).toBe(403);
    expect(tokens.require(req('admin-secret-3'), 'operate').name).toBe('admin');
    expect(tokens.require(req('read-secret-1'), 'read').name).toBe('viewer');
  });

  it('names the token and the role needed when refusing', () => {
    expect(() => tokens.require(req('read-secret-1'), 'operate')).toThrow(
      'token "viewer" has role read; this call needs operate or higher',
    );
  });

  it('401 without a token, with a wrong one, with a prefix of a right one, or a malformed header', () => {
    expect(status(() => tokens.require(req(), 'read'))).toBe(401);
    expect(status(() => tokens.require(req('nope'), 'read'))).toBe(401);
    expect(status(() => tokens.require(req('admin-secret'), 'read'))).toBe(401);
    expect(
      status(() => tokens.require({ headers: { authorization: 'Basic abc' } } as IncomingMessage, 'read')),
    ).toBe(401);
  });

  it('reads stay open unless requireReadToken; then any known token reads', () => {
    expect(tokens.read(req())).toBeUndefined();
    expect(tokens.read(req('garbage'))).toBeUndefined();
    const strict = new ApiTokens([{ name: 'viewer', role: 'read', secret: 's1' }], true);
    expect(status(() => strict.read(req()))).toBe(401);
    expect(strict.read(req('s1'))?.name).toBe('viewer');
  });

  it('no tokens configured: mutating calls are disabled (403), as with no tokenEnv before', () => {
    const none = new ApiTokens([]);
    expect(() => none.require(req('x'), 'operate')).toThrow(/no controller.tokens or controller.tokenEnv/);
    expect(status(() => none.require(req('x'), 'operate'))).toBe(403);
  });
});
