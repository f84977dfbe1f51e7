// Builds the GeoLocator of a config's `geoip` section (CIDR table and optional MaxMind database),
// for the server and for each of its worker processes.
import maxmind from 'maxmind';
import { UsageError } from '../../../src/model/index.ts';
import { bundledMmdbPath, GeoLocator, type GeoNetwork } from './geo.ts';

export interface GeoSettings {
  networks: readonly GeoNetwork[];
  /** A MaxMind-format file, `bundled`, or undefined for the table only. */
  mmdb?: string | undefined;
}

export async function openGeoLocator(settings: GeoSettings): Promise<GeoLocator> {
  return new GeoLocator(settings.networks, await openMmdb(settings.mmdb));
}

async function openMmdb(path: string | undefined) {
  if (!path) return undefined;
  const file = path === 'bundled' ? bundledMmdbPath() : path;
  try {
    return await maxmind.open(file, { watchForUpdates: false, cache: { max: 10_000 } });
  } catch (err) {
    throw new UsageError(`cannot open geoip.mmdb ${file}: ${(err as Error).message}`, {
      value: file,
      cause: err,
      remedy: 'point geoip.mmdb at a MaxMind-format database file, or use `bundled`',
    });
  }
}
