// The options commander gives `rolegate run --kubernetes` with every default, for tests of runSettings.
import type { RunOptions } from '../../../src/cli/run-settings.js';

/** `rolegate run --kubernetes --leader-elect --http-addr 127.0.0.1:0` as parsed. */
export const base: RunOptions = {
  logFormat: 'json',
  kubernetes: true,
  emulator: false,
  emulatorPort: '0',
  allowWeakening: false,
  workers: '20',
  resync: '5m',
  requestTimeout: '30s',
  shutdownTimeout: '25s',
  httpAddr: '127.0.0.1:0',
  leaderElect: true,
  leaderElectionId: 'rolegate-controller',
  leaderElectLeaseDuration: '15s',
  leaderElectRenewDeadline: '10s',
  leaderElectRetryPeriod: '2s',
  optimizeFor: 'auto',
};
