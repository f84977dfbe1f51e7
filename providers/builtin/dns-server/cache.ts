// The answer cache: encoded answer variants per (name, type) and, for answers that depend on where
// the client is, per location key. Cleared whenever the zones change; bounded in size so random
// names (a scan, a fuzzer) cannot grow it without limit. Nested maps: no key strings per query.
import type { EncodedVariant } from './encode.ts';

export interface CachedAnswer {
  aa: boolean;
  geo: boolean;
  variants: EncodedVariant[];
  /** Cumulative probabilities, for picking a weighted variant per query. */
  cumulative: number[];
}

/** A location-dependent answer: one CachedAnswer per location key. */
export type GeoAnswers = Map<string, CachedAnswer>;

export class AnswerCache {
  private byName = new Map<string, Map<number, CachedAnswer | GeoAnswers>>();
  private entries = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly maxEntries = 20_000) {}

  /** The answer, a per-location map (ask it with the client's location key), or undefined. */
  lookup(name: string, type: number): CachedAnswer | GeoAnswers | undefined {
    return this.byName.get(name)?.get(type);
  }

  set(name: string, type: number, answer: CachedAnswer, locationKey: string | undefined): void {
    if (this.entries >= this.maxEntries) this.clear();
    let types = this.byName.get(name);
    if (!types) {
      types = new Map();
      this.byName.set(name, types);
    }
    if (answer.geo) {
      let geo = types.get(type);
      if (!(geo instanceof Map)) {
        geo = new Map();
        types.set(type, geo);
      }
      geo.set(locationKey ?? '-', answer);
    } else {
      types.set(type, answer);
    }
    this.entries++;
  }

  clear(): void {
    this.byName = new Map();
    this.entries = 0;
  }

  get size(): number {
    return this.entries;
  }
}
