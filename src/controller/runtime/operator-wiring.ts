// Startup wiring for the operator layers: the API's named tokens (secrets resolved now,
// a missing one is a startup error), the persisted overrides and API maintenance windows restored
// into the engine, and the hooks through which etcd's copies reach this replica.

import { ApiTokens, type NamedToken } from '../../api/index.ts';
import { type Config, secretFromEnv, secretFromFile } from '../../config/index.ts';
import type { HealthEngine, HealthEvent } from '../../health/index.ts';
import type { Logger } from '../../log/index.ts';
import type { MaintenanceRecord, OverrideRecord } from '../../model/index.ts';
import {
  applySharedOverride,
  overrideActions,
  overrideOf,
  overrideRecordOf,
} from '../../reconcile/operator-conversions.ts';
import { MaintenanceStore, OverrideStore } from '../../reconcile/operator-stores.ts';
import { ApiWindows } from '../api/operator-api.ts';

/** controller.tokenEnv is one admin token named `admin`; controller.tokens adds named ones with roles. */
export function apiTokensOf(config: Config, env: NodeJS.ProcessEnv): ApiTokens {
  const c = config.controller;
  const list: NamedToken[] = [];
  if (c.tokenEnv)
    list.push({
      name: 'admin',
      role: 'admin',
      secret: secretFromEnv(c.tokenEnv, 'controller.tokenEnv', env),
    });
  c.tokens.forEach((t, i) => {
    const where = `controller.tokens[${i}] (${t.name})`;
    const secret = t.tokenFile
      ? secretFromFile(t.tokenFile, `${where}.tokenFile`)
      : secretFromEnv(t.tokenEnv!, `${where}.tokenEnv`, env);
    list.push({ name: t.name, role: t.role, secret });
  });
  return new ApiTokens(list, c.requireReadToken);
}

export function wireOperator(o: {
  stateDir: string;
  engine: HealthEngine;
  logger: Logger;
  /** Late-bound: the health event handler is built after the coordinator. */
  onHealthEvents: () => (list: readonly HealthEvent[]) => void;
}) {
  const overrideStore = new OverrideStore(o.stateDir);
  o.engine.restoreOverrides(overrideStore.load().map(overrideOf));
  const windows = new ApiWindows(o.engine, new MaintenanceStore(o.stateDir));
  const localOverrides = () => o.engine.overrides().map(overrideRecordOf);
  return {
    windows,
    saveOverrides: () => overrideStore.save(localOverrides()),
    /** Coordinator hooks: etcd's overrides and API windows, after every read. */
    applyOverrides: (remote: OverrideRecord[]) => {
      const events = overrideActions(localOverrides(), remote, Date.now()).map((a) => {
        o.logger.info({ region: a.region, forcedUp: a.override !== undefined }, 'override from etcd');
        return applySharedOverride(o.engine, a);
      });
      if (events.length > 0) o.onHealthEvents()(events);
    },
    applyWindows: (remote: MaintenanceRecord[]) => windows.set(remote),
  };
}
