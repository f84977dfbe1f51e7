// The single-controller coordinator (`coordination: {kind: none}`): always allowed to write, role
// `single`, drains stay local (the runtime's drains.json).
import type { CoordinationView, Coordinator } from './types.ts';

export function noneCoordinator(replica: string): Coordinator {
  const view: CoordinationView = { kind: 'none', role: 'single', leader: replica };
  return {
    kind: 'none',
    start: async () => undefined,
    canWrite: () => ({ ok: true }),
    view: () => ({ ...view }),
    publishDrain: async () => undefined,
    publishUndrain: async () => undefined,
    publishOverride: async () => undefined,
    publishClearOverride: async () => undefined,
    publishWindow: async () => undefined,
    publishDeleteWindow: async () => undefined,
    abandon: () => undefined,
    stop: async () => undefined,
  };
}
