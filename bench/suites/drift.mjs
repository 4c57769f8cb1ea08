// Suite "drift": an out-of-band change in the emulator (MFA removed from one role, as an administrator in the
// portal would) and the time until rolegate has corrected it (the PrivilegedRole's status.drift.corrections
// goes up), at resync intervals of 2s and 10s. Each trial starts at a random point of the resync cycle.
import { converge } from '../lib/scenario.mjs';
import { GROUP, VERSION, startApiServer } from '../lib/k8s.mjs';
import { median, progress, sleep, table, until } from '../lib/common.mjs';

const MFA = 'MultiFactorAuthentication';

export async function runDriftSuite({ runs, quick, sizes }) {
  const n = sizes?.[0] ?? 100;
  const k = await startApiServer();
  const rows = [];
  try {
    for (const interval of [2, 10]) {
      const trials = interval <= 2 ? Math.max(5, runs) : quick ? Math.min(runs, 2) : runs;
      progress(`drift: ${n} roles, resyncInterval ${interval}s, ${trials} trials`);
      const { scenario } = await converge(k, n, { resync: `${interval}s`, label: 'drift' });
      const { emulator, ns, ids } = scenario;
      const lat = [];
      const missed = [];
      try {
        await sleep(2000);
        for (let t = 0; t < trials; t++) {
          const i = (t * 7 + 1) % ids.length;
          const name = `role-${i}`;
          const get = () =>
            k.custom.getNamespacedCustomObject({
              group: GROUP,
              version: VERSION,
              plural: 'privilegedroles',
              namespace: ns,
              name,
            });
          // A random phase of the resync cycle.
          await sleep(Math.random() * interval * 1000);
          const before = (await get()).status?.drift?.corrections ?? 0;
          const rule = emulator.getRule(ids[i], 'Enablement_EndUser_Assignment');
          emulator.setEnabledRules(
            ids[i],
            (rule?.enabledRules ?? []).filter((r) => r !== MFA),
          );
          const t0 = performance.now();
          const ok = await until(
            async () => ((await get()).status?.drift?.corrections ?? 0) > before,
            { timeoutMs: interval * 3000 + 15_000, everyMs: 50 },
          );
          const ms = performance.now() - t0;
          const fixed = emulator
            .getRule(ids[i], 'Enablement_EndUser_Assignment')
            ?.enabledRules?.includes(MFA);
          if (ok && fixed) lat.push(ms);
          else missed.push({ trial: t, ok: Boolean(ok), fixed });
          progress(`  trial ${t + 1}: ${ok ? `${Math.round(ms)} ms` : 'not corrected in time'}`);
        }
      } finally {
        await scenario.teardown();
      }
      const med = median(lat);
      rows.push({
        intervalS: interval,
        roles: n,
        trials,
        corrected: lat.length,
        medianMs: med,
        minMs: Math.min(...lat),
        maxMs: Math.max(...lat),
        medianOverInterval: med / (interval * 1000),
        latenciesMs: lat,
        missed,
      });
    }
  } finally {
    await k.down();
  }
  const text = table(
    'drift: MFA removed out of band in the emulator -> corrected (status.drift.corrections +1)',
    [
      'interval s',
      'roles',
      'trials',
      'corrected',
      'median s',
      'min s',
      'max s',
      'median / interval',
    ],
    rows.map((x) => [
      x.intervalS,
      x.roles,
      x.trials,
      x.corrected,
      x.medianMs / 1000,
      x.minMs / 1000,
      x.maxMs / 1000,
      `${x.medianOverInterval.toFixed(2)}`,
    ]),
  );
  return { rows, text };
}
