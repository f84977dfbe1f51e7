// The demo's extra HTTP routes, served by the controller (startController extraRoutes):
//   POST /demo/regions/:id/fail|heal|slow|down   switch every backend of a region
//   GET  /demo/regions                           each region's backends and modes
// Loopback-only demo, so no token: breaking a demo region is the point.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pathParam, sendJson } from '../api/index.ts';
import type { BackendMode, DemoBackend } from './backend.ts';

/** Structurally the controller's Route (src/api). */
export interface DemoRoute {
  method: string;
  path: RegExp;
  handler: (req: IncomingMessage, res: ServerResponse, match: RegExpExecArray) => void | Promise<void>;
}

export type RegionBackends = ReadonlyMap<string, readonly DemoBackend[]>;

const ACTION_MODE: Record<string, BackendMode> = {
  fail: 'fail',
  heal: 'healthy',
  slow: 'slow',
  down: 'down',
};

function describe(regions: RegionBackends) {
  return [...regions].map(([id, backends]) => ({
    id,
    backends: backends.map((b) => ({ name: b.name, url: b.url, mode: b.mode })),
  }));
}

export function demoRoutes(
  regions: RegionBackends,
  onSwitch?: (region: string, mode: BackendMode) => void,
): DemoRoute[] {
  return [
    {
      method: 'GET',
      path: /^\/demo\/regions\/?$/,
      handler: (_req, res) => sendJson(res, 200, { regions: describe(regions) }),
    },
    {
      method: 'POST',
      path: /^\/demo\/regions\/([^/]+)\/(fail|heal|slow|down)\/?$/,
      handler: async (_req, res, m) => {
        const id = pathParam(m[1]!, 'region');
        const backends = regions.get(id);
        if (!backends) {
          sendJson(res, 404, {
            error: `no demo region "${id}"; try one of ${[...regions.keys()].join(', ')}`,
          });
          return;
        }
        const mode = ACTION_MODE[m[2]!]!;
        await Promise.all(backends.map((b) => b.setMode(mode)));
        onSwitch?.(id, mode);
        sendJson(res, 200, { region: id, mode, backends: describe(new Map([[id, backends]]))[0]!.backends });
      },
    },
  ];
}
