import { describe, expect, it } from 'vitest';
import { gateKey, gateWaitMs, holdGate } from '../../../src/providers/throttle-gate.js';

describe('throttle gate', () => {
  it('holds every caller of the same endpoint until the Retry-After time, and no longer', () => {
    const k = gateKey('https://graph.example/', 'tenant-a');
    holdGate(k, 45_000, 1_000);
    expect(gateWaitMs(k, 1_000)).toBe(45_000);
    expect(gateWaitMs(gateKey('https://GRAPH.example', 'tenant-a'), 31_000)).toBe(15_000);
    expect(gateWaitMs(k, 46_000)).toBe(0);
  });

  it('a shorter Retry-After never shortens a longer pause', () => {
    const k = gateKey('https://graph.example', 'tenant-b');
    holdGate(k, 45_000, 0);
    holdGate(k, 1_000, 0);
    expect(gateWaitMs(k, 0)).toBe(45_000);
  });

  it('gates are per partition: another tenant is not held back', () => {
    holdGate(gateKey('https://graph.example', 'tenant-c'), 45_000, 0);
    expect(gateWaitMs(gateKey('https://graph.example', 'tenant-d'), 0)).toBe(0);
  });
});
