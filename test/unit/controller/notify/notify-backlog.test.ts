// The queue of one webhook (pure): pages first in their own lane, order kept within a lane (also
// across retries), and a bounded backlog that drops the oldest non-page first and never what is in flight.
import { describe, expect, it } from 'vitest';
import {
  Backlog,
  type BacklogEntry,
  type NextStep,
} from '../../../../src/controller/notify/notify-backlog.ts';

const sent = <T>(step: NextStep<T>): T | undefined => (step && 'send' in step ? step.send.item : undefined);
const entry = <T>(step: NextStep<T>): BacklogEntry<T> => {
  if (!step || !('send' in step)) throw new Error(`nothing to send: ${JSON.stringify(step)}`);
  return step.send;
};

describe('webhook backlog', () => {
  it('sends a page beside a non-page in flight, one per lane, each lane in order', () => {
    const b = new Backlog<string>(10);
    b.add('drain-1', false);
    b.add('drain-2', false);
    expect(sent(b.next(0))).toBe('drain-1');
    expect(b.next(0)).toBeUndefined(); // the non-page lane is busy
    b.add('page-1', true);
    b.add('page-2', true);
    const p1 = entry(b.next(0));
    expect(p1.item).toBe('page-1');
    expect(b.next(0)).toBeUndefined();
    b.finish(p1);
    expect(sent(b.next(0))).toBe('page-2');
  });

  it('keeps a failed entry at the head of its lane until its retry time', () => {
    const b = new Backlog<string>(10);
    b.add('trigger', true);
    b.add('resolve', true);
    b.retryAt(entry(b.next(0)), 1000);
    expect(b.next(500)).toEqual({ waitMs: 500 }); // the resolve does not overtake its trigger
    expect(sent(b.next(1000))).toBe('trigger');
  });

  it('trims waiting entries beyond the limit: oldest non-page first, then the oldest page, never one in flight', () => {
    const b = new Backlog<string>(2);
    b.add('d1', false);
    expect(sent(b.next(0))).toBe('d1'); // in flight: not counted, not droppable
    b.add('d2', false);
    b.add('p1', true);
    expect(b.trim()).toEqual([]);
    b.add('d3', false);
    expect(b.trim()).toEqual(['d2']);
    b.add('p2', true);
    expect(b.trim()).toEqual(['d3']);
    b.add('p3', true);
    expect(b.trim()).toEqual(['p1']); // only pages wait: the oldest page goes
    expect(b.waiting()).toBe(2);
    expect(b.size).toBe(3);
  });

  it('lets a failed entry that waits again give way when the backlog is full', () => {
    const b = new Backlog<string>(1);
    b.add('d1', false);
    const d1 = entry(b.next(0));
    b.add('d2', false);
    expect(b.trim()).toEqual([]);
    b.retryAt(d1, 100);
    expect(b.trim()).toEqual(['d1']);
    expect(sent(b.next(0))).toBe('d2');
  });
});
