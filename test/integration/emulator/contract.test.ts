// The emulator's contract: every row of the table in docs/emulator.md (between the contract markers) is a request
// against a fresh emulator over HTTP and the answer it must give. The table is the test's data, so the documented
// behaviour and the emulator cannot drift apart.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_EMULATOR_CLIENT_ID,
  DEFAULT_SUBSCRIPTION_ID,
  groupId,
  SEEDED_TIER0_GROUP,
  groupPolicyId,
  startGraphEmulator,
  userId,
  type GraphEmulator,
} from '../../../src/emulator/graph/index.js';

const GA = '62e90394-69f5-4237-9190-012177145e10';
const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const READER = 'contract-reader';
/** An application that may write directory role policies but not PIM for Groups ones. */
const DIRECTORY_WRITER = 'contract-directory-writer';

/** One row of the contract table. */
interface Row {
  behaviour: string;
  method: string;
  path: string;
  body?: { kind: 'json' | 'form'; text: string };
  as: string;
  status: number;
  checks: string[];
  source: string;
}

/** Reads the rows between `<!-- contract:begin -->` and `<!-- contract:end -->`. */
function contractRows(): Row[] {
  const doc = readFileSync('docs/emulator.md', 'utf8');
  const table = doc.split('<!-- contract:begin -->')[1]?.split('<!-- contract:end -->')[0];
  if (!table) throw new Error('docs/emulator.md has no contract table');
  const rows: Row[] = [];
  for (const line of table.split('\n').slice(3)) {
    if (!line.startsWith('|')) continue;
    const cells = line
      .slice(1, -1)
      .split(' | ')
      .map((c) => c.trim());
    const [behaviour, req, as, expectCell, source] = cells;
    if (cells.length !== 5 || !behaviour || !req || !as || !expectCell || source === undefined)
      throw new Error(`malformed contract row: ${line}`);
    const r = /^`(\w+) (.+)`$/.exec(req);
    if (!r) throw new Error(`malformed request cell: ${req}`);
    let path = r[2]!;
    let body: Row['body'];
    const at = path.search(/ (\{|\[|form:)/);
    if (at >= 0) {
      const text = path.slice(at + 1);
      path = path.slice(0, at);
      body = text.startsWith('form:')
        ? { kind: 'form', text: text.slice('form:'.length) }
        : { kind: 'json', text };
    }
    const [status, ...checks] = expectCell.split(';').map((c) => c.trim());
    rows.push({
      behaviour,
      method: r[1]!,
      path,
      ...(body ? { body } : {}),
      as,
      status: Number(status),
      checks,
      source,
    });
  }
  return rows;
}

const running: GraphEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function emulator(): Promise<GraphEmulator> {
  const e = await startGraphEmulator({
    clients: [
      {
        clientId: READER,
        graphRoles: ['RoleManagementPolicy.Read.Directory', 'RoleManagementAlert.Read.Directory'],
        armActions: ['Microsoft.Authorization/*/read'],
      },
      {
        clientId: DIRECTORY_WRITER,
        graphRoles: [
          'RoleManagementPolicy.ReadWrite.Directory',
          'RoleManagement.ReadWrite.Directory',
          'RoleManagementPolicy.Read.AzureADGroup',
        ],
        armActions: [],
      },
    ],
  });
  running.push(e);
  return e;
}

/** Replaces the placeholders of a request with this emulator's ids. */
async function resolve(e: GraphEmulator, text: string): Promise<string> {
  const policy = e.getPolicy(GA)!.id;
  let armPolicy = '';
  if (text.includes('{armPolicy}')) {
    const res = await fetch(
      `${e.armUrl}/subscriptions/${DEFAULT_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleManagementPolicyAssignments?api-version=2020-10-01`,
      { headers: { authorization: `Bearer ${e.armToken}` } },
    );
    const list = (await res.json()) as { value: Array<{ name: string }> };
    armPolicy = list.value.find((a) => a.name.endsWith(`_${OWNER}`))!.name.split('_')[0]!;
  }
  return text
    .replaceAll('{tenant}', e.tenantId)
    .replaceAll('{client}', DEFAULT_EMULATOR_CLIENT_ID)
    .replaceAll('{policy}', policy)
    .replaceAll('{dpolicy}', policy.replace(/^DirectoryRole_/, 'Directory_'))
    .replaceAll('{sub}', DEFAULT_SUBSCRIPTION_ID)
    .replaceAll('{armPolicy}', armPolicy)
    .replaceAll('{tier0}', groupId(SEEDED_TIER0_GROUP))
    .replaceAll('{gpolicy}', groupPolicyId(groupId(SEEDED_TIER0_GROUP), 'member'))
    .replaceAll('{alice}', userId('alice@contoso.example'))
    .replaceAll('{alert}', `DirectoryRole_${e.tenantId}_NoMfaOnRoleActivationAlert`);
}

/** The request headers of an `As` cell. */
async function headersFor(
  e: GraphEmulator,
  as: string,
  arm: boolean,
): Promise<Record<string, string>> {
  const bearer = (t: string): Record<string, string> => ({ authorization: `Bearer ${t}` });
  const own = arm ? e.armToken : e.token;
  if (as === 'none') return {};
  if (as === 'default') return bearer(own);
  if (as === 'arm-token') return bearer(e.armToken);
  if (as === 'graph-token') return bearer(e.token);
  if (as === 'reader')
    return bearer(e.issueToken({ clientId: READER, api: arm ? 'arm' : 'graph' }));
  if (as === 'directory-writer')
    return bearer(e.issueToken({ clientId: DIRECTORY_WRITER, api: 'graph' }));
  if (as === 'expired') return bearer(e.issueToken({ api: arm ? 'arm' : 'graph', lifetimeS: -60 }));
  if (as === 'foreign') {
    const other = await emulator();
    return bearer(arm ? other.armToken : other.token);
  }
  if (as === 'origin:{self}') return { ...bearer(own), origin: arm ? e.armUrl : e.url };
  if (as.startsWith('origin:')) return { ...bearer(own), origin: as.slice('origin:'.length) };
  if (as.startsWith('host:')) return { ...bearer(own), host: as.slice('host:'.length) };
  throw new Error(`unknown As cell ${as}`);
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: unknown;
}

/** One request with node:http, which lets a test send any Host header. */
function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<Answer> {
  const url = new URL(path, base);
  return new Promise((resolveAnswer, reject) => {
    const req = request(
      url,
      {
        method,
        headers: {
          ...headers,
          ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text === '' ? undefined : (JSON.parse(text) as unknown);
          } catch {
            json = text;
          }
          resolveAnswer({ status: res.statusCode ?? 0, headers: res.headers, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function at(json: unknown, path: string): unknown {
  let v = json;
  for (const k of path.split('.')) v = (v as Record<string, unknown> | undefined)?.[k];
  return v;
}

/** Checks one `Expect` term; returns a description of the failure or undefined. */
function check(a: Answer, term: string): string | undefined {
  const m = /^(code|header|json|count):([^=~]+)(?:([=~])(.*))?$/.exec(
    term.startsWith('code=') ? `code:error.code=${term.slice(5)}` : term,
  );
  if (!m) return `cannot read check '${term}'`;
  const [, kind, key, op, want] = m as unknown as [string, string, string, string?, string?];
  let got: unknown;
  if (kind === 'header') got = a.headers[key.toLowerCase()];
  else if (kind === 'count') {
    const v = at(a.json, key);
    got = Array.isArray(v) ? v.length : undefined;
  } else got = at(a.json, key);
  if (op === undefined) return got === undefined ? `${key} missing` : undefined;
  const text = typeof got === 'string' ? got : JSON.stringify(got);
  if (op === '=') return text === want ? undefined : `${key}: want ${want}, got ${text}`;
  return new RegExp(want ?? '').test(text ?? '') ? undefined : `${key}: ${text} !~ ${want}`;
}

const rows = contractRows();

describe('emulator contract (docs/emulator.md)', () => {
  it('has a row for each kind of client and each listener', () => {
    expect(rows.length).toBeGreaterThan(40);
    expect(new Set(rows.map((r) => r.as.replace(/:.*/, '')))).toEqual(
      new Set([
        'none',
        'default',
        'arm-token',
        'graph-token',
        'reader',
        'directory-writer',
        'expired',
        'foreign',
        'origin',
        'host',
      ]),
    );
    // every Microsoft behaviour names its page
    for (const r of rows)
      expect(r.source).toMatch(/^\[.+\]\(https:\/\/learn\.microsoft\.com\/|^— \(emulator\)$/);
  });

  it.each(rows.map((r) => [r.behaviour, r] as const))('%s', async (_, row) => {
    const e = await emulator();
    const path = await resolve(e, row.path);
    const arm = /^\/(subscriptions|providers)\//i.test(path);
    const headers = await headersFor(e, row.as, arm);
    let body: string | undefined;
    if (row.body) {
      body = await resolve(e, row.body.text);
      headers['content-type'] =
        row.body.kind === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
    }
    const a = await send(arm ? e.armUrl : e.url, row.method, path, headers, body);
    const failures = row.checks.map((c) => check(a, c)).filter((f) => f !== undefined);
    expect({ status: a.status, failures }, JSON.stringify(a.json)).toEqual({
      status: row.status,
      failures: [],
    });
  });
});
