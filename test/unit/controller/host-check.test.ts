import { describe, expect, it } from 'vitest';
import { hostChecker } from '../../../src/controller/host-check.js';

describe('hostChecker', () => {
  it.each([
    { bind: '127.0.0.1', host: '127.0.0.1:8080', want: true, reason: 'its own address' },
    { bind: '127.0.0.1', host: 'localhost:8080', want: true, reason: 'localhost' },
    { bind: '127.0.0.1', host: '[::1]:8080', want: true, reason: 'IPv6 loopback' },
    {
      bind: '127.0.0.1',
      host: 'attacker.example',
      want: false,
      reason: 'DNS rebinding: a foreign name',
    },
    {
      bind: '127.0.0.1',
      host: '10.0.0.5:8080',
      want: false,
      reason: 'a loopback server answers loopback only',
    },
    {
      bind: '',
      host: '10.0.0.5:8080',
      want: true,
      reason: 'all interfaces: kubelet probes and Prometheus use the pod IP',
    },
    {
      bind: '',
      host: 'attacker.example:8080',
      want: false,
      reason: 'all interfaces: still no foreign names',
    },
    {
      bind: '',
      host: 'rolegate.rolegate-system.svc',
      want: false,
      reason: 'a Service name must be allowed explicitly',
    },
    {
      bind: '127.0.0.1',
      host: undefined,
      want: true,
      reason: 'HTTP/1.0 without Host: no browser, no rebinding',
    },
    { bind: '127.0.0.1', host: 'local host', want: false, reason: 'malformed' },
  ])('bind $bind, Host $host: $reason', ({ bind, host, want }) => {
    expect(hostChecker(bind)(host)).toBe(want);
  });

  it('answers names it was given (case-insensitive)', () => {
    const ok = hostChecker('', ['rolegate.rolegate-system.svc']);
    expect(ok('ROLEGATE.rolegate-system.svc:8080')).toBe(true);
    expect(ok('other.svc')).toBe(false);
  });
});
