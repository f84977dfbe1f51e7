// Every provider kind's conformance harness, in the order the table runs them.
import type { Harness } from '../harness.ts';
import { builtinHarness } from './builtin.ts';
import { memoryHarness } from './memory.ts';

export const HARNESSES: Harness[] = [memoryHarness(), builtinHarness()];
