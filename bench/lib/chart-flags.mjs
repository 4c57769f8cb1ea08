// The Node.js flags the Helm chart ships: `helm template` of helm/rolegate with its default values, and the
// controller container's NODE_OPTIONS from the rendered Deployment. The benchmarks run the controller with exactly
// these, so that their memory and time figures are those of a default install (BENCH_CONTROLLER_NODE_OPTIONS
// overrides them; set it empty for V8's defaults).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const CHART = resolve(dirname(fileURLToPath(import.meta.url)), '../../helm/rolegate');

/** NODE_OPTIONS of the chart's controller container with default values ('' when the chart sets none). */
export function chartNodeOptions(helm) {
  const home = mkdtempSync(join(tmpdir(), 'rolegate-bench-helm-'));
  try {
    const out = execFileSync(helm, ['template', 'rolegate', CHART], {
      encoding: 'utf8',
      // helm keeps its config, cache and data out of the user's home
      env: {
        ...process.env,
        HELM_CONFIG_HOME: join(home, 'config'),
        HELM_CACHE_HOME: join(home, 'cache'),
        HELM_DATA_HOME: join(home, 'data'),
      },
    });
    const deployment = parseAllDocuments(out)
      .map((d) => d.toJS())
      .find((o) => o?.kind === 'Deployment');
    const container = deployment?.spec?.template?.spec?.containers?.find(
      (c) => c.name === 'controller',
    );
    if (!container) throw new Error('helm template: no Deployment with a controller container');
    return container.env?.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** What the controller child runs with: BENCH_CONTROLLER_NODE_OPTIONS when set (even empty), else the chart's. */
export function controllerNodeOptions(helm) {
  const override = process.env.BENCH_CONTROLLER_NODE_OPTIONS;
  return override !== undefined ? override : chartNodeOptions(helm);
}
