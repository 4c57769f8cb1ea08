// What the shard tests share: the arguments of one shard's replica, and what a shard wrote as the API server and
// its own metrics tell it.
import type { IdentityProvider, PrivilegedRole } from '../../src/api/v1alpha1/types.js';
import { kubernetesRunArgs, type RolegateProcess } from './controller-process.js';

/**
 * `rolegate run --kubernetes` for a replica of shard `name` picking `selector`: PrivilegedRoles of `namespace`,
 * leader election in `namespace` under `lease` (so `lease-name`) with short timings (a 6 s lease).
 */
export function shardRunArgs(
  namespace: string,
  lease: string,
  name: string,
  selector: string,
): string[] {
  return kubernetesRunArgs([
    '--namespace',
    namespace,
    '--leader-elect',
    '--leader-election-namespace',
    namespace,
    '--leader-election-id',
    lease,
    '--leader-elect-lease-duration',
    '6s',
    '--leader-elect-renew-deadline',
    '4s',
    '--leader-elect-retry-period',
    '1s',
    '--watch-label-selector',
    selector,
    '--shard-name',
    name,
  ]);
}

/** The field managers that wrote an object's status, with when each last did. */
export function statusManagers(obj: PrivilegedRole | IdentityProvider): Record<string, string> {
  const out: Record<string, string> = {};
  const meta = obj.metadata as {
    managedFields?: { manager?: string; subresource?: string; time?: string }[];
  };
  for (const f of meta.managedFields ?? [])
    if (f.subresource === 'status') out[f.manager ?? ''] = f.time ?? '';
  return out;
}

/** A controller's /metrics text. */
export async function scrape(p: RolegateProcess): Promise<string> {
  return (await fetch(`${await p.opsUrl()}/metrics`)).text();
}

/** The status writes a controller counted (rolegate_status_writes_total over every kind), from its metrics. */
export const statusWrites = (metrics: string): number =>
  metrics
    .split('\n')
    .filter((l) => l.startsWith('rolegate_status_writes_total{'))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
