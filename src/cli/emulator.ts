// `rolegate emulator`: runs the Graph and Azure Resource Manager emulator of Entra PIM on its own, for demos and
// for out-of-process tests (its control API takes faults, applications and out-of-band changes over HTTP).
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import {
  DEFAULT_EMULATOR_CLIENT_ID,
  DEFAULT_SUBSCRIPTION_ID,
  startGraphEmulator,
  type EmulatorClient,
  type GraphEmulatorOptions,
} from '../emulator/graph/index.js';

interface EmulatorOptions {
  port: number;
  state?: string;
  pageSize?: number;
  maxPageSize?: number;
  refuseTop?: boolean;
  latency?: number;
  tenant?: string;
  roles?: number;
  tlsCert?: string;
  tlsKey?: string;
  armPort: number;
  clients?: string;
  requestLogLimit?: number;
}

/** Reads `--clients FILE`: a JSON list of {clientId, graphRoles, armActions, secret?}. */
function readClients(file: string): EmulatorClient[] {
  const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(v)) throw new Error(`${file}: expected a JSON list of clients`);
  return v as EmulatorClient[];
}

function nonNegativeInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

function positiveInt(v: string): number {
  const n = nonNegativeInt(v);
  if (n === 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

/** The IdentityProvider manifest that points rolegate at a running emulator (Graph, and ARM when given). */
export function emulatorIdentityProvider(url: string, tenantId: string, armUrl?: string): string {
  return [
    'apiVersion: rolegate.io/v1alpha1',
    'kind: IdentityProvider',
    'metadata:',
    '  name: emulator',
    'spec:',
    '  entra:',
    `    tenantId: ${tenantId}`,
    `    graphBaseUrl: ${url}`,
    '    credentials:',
    '      type: Emulator',
    ...(armUrl
      ? [
          '    azureRbac:',
          `      resourceManagerUrl: ${armUrl}`,
          '      scopes:',
          `        - /subscriptions/${DEFAULT_SUBSCRIPTION_ID}`,
        ]
      : []),
  ].join('\n');
}

/** The `emulator` command. */
export function emulatorCommand(): Command {
  return new Command('emulator')
    .description(
      'Run an emulator of Entra PIM (Microsoft Graph and Azure Resource Manager) on 127.0.0.1, seeded with drift to find',
    )
    .option(
      '--port <port>',
      'port of Graph and the token endpoint (0 = any free port)',
      nonNegativeInt,
      0,
    )
    .option(
      '--arm-port <port>',
      'port of Azure Resource Manager (0 = any free port)',
      nonNegativeInt,
      0,
    )
    .option(
      '--clients <file>',
      'JSON list of applications to register: [{"clientId","graphRoles":[...],"armActions":[...],"secret"?}]',
    )
    .option(
      '--request-log-limit <n>',
      'requests the log keeps before dropping the oldest (default 50000)',
      positiveInt,
    )
    .option('--state <file>', 'JSON file to load the tenant from and save every change to')
    .option(
      '--page-size <n>',
      'server-side page size of collections without $top (default 25)',
      positiveInt,
    )
    .option(
      '--max-page-size <n>',
      'the most items a page holds when a client asks with $top (default 999)',
      positiveInt,
    )
    .option(
      '--refuse-top',
      'answer 400 to $top on the PIM listings, as a server without $top support would',
    )
    .option('--latency <ms>', 'delay added to every response', nonNegativeInt)
    .option('--tenant <id>', 'tenant id of the emulated tenant')
    .option('--roles <n>', 'seed N synthetic roles instead of the built-in catalog', positiveInt)
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (with --tls-key)')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .addHelpText(
      'after',
      `
Examples:
  rolegate emulator --port 8943 --arm-port 8944 --state tenant.json
  rolegate emulator --page-size 5 --latency 50
  rolegate emulator --refuse-top --page-size 100        # a Graph that refuses $top: rolegate pages at 100
  curl -X POST localhost:8943/_emulator/faults -d '{"status":429,"retryAfter":"1.5","times":2}'
  curl localhost:8943/_emulator/requests
  curl -X PUT localhost:8943/_emulator/roles/62e90394-69f5-4237-9190-012177145e10/enabledRules -d '["Justification"]'
  curl -X PUT localhost:8943/_emulator/clients/reader -d '{"graphRoles":["RoleManagementPolicy.Read.Directory"]}'
  curl localhost:8943/{tenant}/oauth2/v2.0/token -d grant_type=client_credentials \\
    -d client_id=${DEFAULT_EMULATOR_CLIENT_ID} -d client_secret=x -d scope=https://graph.microsoft.com/.default`,
    )
    .action(async (o: EmulatorOptions) => {
      if (Boolean(o.tlsCert) !== Boolean(o.tlsKey)) {
        throw new Error('give both --tls-cert and --tls-key, or neither');
      }
      const opts: GraphEmulatorOptions = {
        port: o.port,
        ...(o.state ? { stateFile: o.state } : {}),
        ...(o.pageSize ? { pageSize: o.pageSize } : {}),
        ...(o.maxPageSize ? { maxPageSize: o.maxPageSize } : {}),
        ...(o.refuseTop ? { refuseTop: true } : {}),
        ...(o.latency ? { latencyMs: o.latency } : {}),
        ...(o.tenant ? { tenantId: o.tenant } : {}),
        ...(o.roles ? { seed: { roles: o.roles } } : {}),
        ...(o.tlsCert && o.tlsKey
          ? { tls: { cert: readFileSync(o.tlsCert), key: readFileSync(o.tlsKey) } }
          : {}),
        armPort: o.armPort,
        ...(o.clients ? { clients: readClients(o.clients) } : {}),
        ...(o.requestLogLimit ? { requestLogLimit: o.requestLogLimit } : {}),
      };
      const emulator = await startGraphEmulator(opts);
      process.stdout.write(
        `Graph emulator listening on ${emulator.url} (tenant ${emulator.tenantId})\n` +
          `Graph API:   ${emulator.url}/v1.0  (needs a token from the token endpoint)\n` +
          `ARM:         ${emulator.armUrl}  (subscription /subscriptions/${DEFAULT_SUBSCRIPTION_ID})\n` +
          `Token:       ${emulator.url}/${emulator.tenantId}/oauth2/v2.0/token  (client ${DEFAULT_EMULATOR_CLIENT_ID} holds every permission rolegate needs)\n` +
          `Control API: ${emulator.url}/_emulator/{requests,faults,state,clients/ID,roles/ID/enabledRules}\n` +
          (o.state ? `State file:  ${o.state}\n` : '') +
          `\nAn IdentityProvider that uses it:\n---\n${emulatorIdentityProvider(emulator.url, emulator.tenantId, emulator.armUrl)}\n---\n` +
          'Press Ctrl+C to stop.\n',
      );
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await emulator.close();
      process.stdout.write('Graph emulator stopped.\n');
    });
}
