// --leader-elect-lease-duration, --leader-elect-renew-deadline and --leader-elect-retry-period: parsed as durations
// and held to client-go's ordering, so that a misconfiguration fails at start instead of letting two replicas lead.
import { describe, expect, it } from 'vitest';
import { leaderElectionTimings } from '../../../src/cli/run-kubernetes.js';

const flags = (lease: string, renew: string, retry: string) => ({
  leaderElectLeaseDuration: lease,
  leaderElectRenewDeadline: renew,
  leaderElectRetryPeriod: retry,
});

describe('leaderElectionTimings', () => {
  it.each([
    {
      reason: "controller-runtime's defaults",
      input: flags('15s', '10s', '2s'),
      want: { leaseDurationSeconds: 15, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 },
    },
    {
      reason: 'compound and sub-second durations',
      input: flags('1m30s', '1m', '500ms'),
      want: { leaseDurationSeconds: 90, renewDeadlineMs: 60_000, retryPeriodMs: 500 },
    },
  ])('accepts $reason', ({ input, want }) => {
    expect(leaderElectionTimings(input)).toEqual(want);
  });

  it.each([
    {
      reason: 'a value that is not a duration names its flag',
      input: flags('15', '10s', '2s'),
      message: '--leader-elect-lease-duration 15 is not a duration',
    },
    {
      reason: 'a renew deadline as long as the lease would let two replicas lead',
      input: flags('10s', '10s', '2s'),
      message: 'must be shorter than --leader-elect-lease-duration',
    },
    {
      reason:
        'a retry period (with jitter) not shorter than the renew deadline would miss renewals',
      input: flags('15s', '10s', '9s'),
      message: '--leader-elect-retry-period 9s (with 20% jitter) must be shorter',
    },
    {
      reason: 'a Lease counts whole seconds',
      input: flags('1500ms', '1s', '200ms'),
      message: 'must be whole seconds',
    },
    {
      reason: 'zero is not a timing',
      input: flags('15s', '10s', '0s'),
      message: '--leader-elect-retry-period 0s is not a duration',
    },
  ])('refuses $reason', ({ input, message }) => {
    expect(() => leaderElectionTimings(input)).toThrow(message);
  });
});
