// The bounded result buffer keeps the newest results and counts what it drops.
import { describe, expect, it } from 'vitest';
import { ResultBuffer } from '../../../src/probe/index.ts';

describe('ResultBuffer', () => {
  it('keeps the newest items and counts drops', () => {
    const b = new ResultBuffer<number>(5);
    for (let i = 0; i < 12; i++) b.push(i);
    expect(b.size).toBe(5);
    expect(b.dropped).toBe(7);
    expect(b.take(3)).toEqual([7, 8, 9]);
    expect(b.take(10)).toEqual([10, 11]);
    expect(b.size).toBe(0);
  });

  it('puts a failed batch back in front, dropping its oldest when there is no room', () => {
    const b = new ResultBuffer<number>(5);
    for (let i = 0; i < 4; i++) b.push(i);
    const batch = b.take(4);
    b.push(10);
    b.push(11);
    b.putBack(batch); // room for 3 of 4: item 0 is dropped
    expect(b.dropped).toBe(1);
    expect(b.take(10)).toEqual([1, 2, 3, 10, 11]);
  });
});
