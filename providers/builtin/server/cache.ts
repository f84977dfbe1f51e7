// The answer cache: encoded answer variants per (type, name) and, for answers that depend on where
// the client is, per location key. Cleared whenever the zones change; bounded in size so random
// names (a scan, a fuzzer) cannot grow it without limit.
import type { EncodedVariant } from './encode.ts';

export interface CachedAnswer {
  aa: boolean;
  geo: boolean;
  variants: EncodedVariant[];
  /** Cumulative probabilities, for picking a weighted variant per query. */
  cumulative: number[];
}

const GEO = Symbol('geo');

export class AnswerCache {
  private map = new Map<string, CachedAnswer | typeof GEO>();
  hits = 0;
  misses = 0;

  constructor(private readonly maxEntries = 20_000) {}

  /** The cached answer, or undefined. `locationKey` is asked for only when the name is location-dependent. */
  get(type: number, name: string, locationKey: () => string): CachedAnswer | undefined {
    const k = `${type}|${name}`;
    const e = this.map.get(k);
    const found = e === GEO ? this.map.get(`${k}|${locationKey()}`) : e;
    if (found && found !== GEO) {
      this.hits++;
      return found;
    }
    this.misses++;
    return undefined;
  }

  set(type: number, name: string, answer: CachedAnswer, locationKey: string | undefined): void {
    if (this.map.size >= this.maxEntries) this.map.clear();
    const k = `${type}|${name}`;
    if (answer.geo) {
      this.map.set(k, GEO);
      this.map.set(`${k}|${locationKey ?? '-'}`, answer);
    } else {
      this.map.set(k, answer);
    }
  }

  clear(): void {
    this.map = new Map();
  }

  get size(): number {
    return this.map.size;
  }
}
