import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  createLogger,
  objectFields,
  renderTextRecord,
  resolveLogLevel,
  withReconcileID,
  type LogLevel,
} from '../../src/log.js';

/** A destination that keeps what the logger writes. */
function sink(isTTY = false): Writable & { text: () => string; isTTY: boolean } {
  let text = '';
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  }) as Writable & { text: () => string; isTTY: boolean };
  w.text = () => text;
  w.isTTY = isTTY;
  return w;
}

describe('resolveLogLevel', () => {
  it.each<{ reason: string; flag?: string; env?: string; want: LogLevel | Error }>([
    { reason: 'the default without flag or environment', want: 'warn' },
    { reason: 'ROLEGATE_LOG_LEVEL when no flag is given', env: 'debug', want: 'debug' },
    { reason: 'the flag wins over the environment', flag: 'error', env: 'debug', want: 'error' },
    { reason: 'an empty variable counts as unset', env: '', want: 'warn' },
    { reason: 'case does not matter in the environment', env: 'DEBUG', want: 'debug' },
    {
      reason: 'a typo in the environment is an error naming the variable',
      env: 'verbose',
      want: new Error('ROLEGATE_LOG_LEVEL verbose is not a log level'),
    },
  ])('$reason', ({ flag, env, want }) => {
    const run = (): LogLevel =>
      resolveLogLevel(flag, 'warn', env === undefined ? {} : { ROLEGATE_LOG_LEVEL: env });
    if (want instanceof Error) expect(run).toThrow(want.message);
    else expect(run()).toBe(want);
  });
});

describe('objectFields', () => {
  it.each([
    {
      reason: 'a namespaced key',
      kind: 'PrivilegedRole',
      ref: 'identity/ga',
      want: { kind: 'PrivilegedRole', namespace: 'identity', name: 'ga' },
    },
    {
      reason: 'a cluster-scoped key has no namespace field',
      kind: 'IdentityProvider',
      ref: 'tenant',
      want: { kind: 'IdentityProvider', name: 'tenant' },
    },
    {
      reason: 'from metadata',
      kind: 'PrivilegedRole',
      ref: { name: 'pra', namespace: 'ops' },
      want: { kind: 'PrivilegedRole', namespace: 'ops', name: 'pra' },
    },
  ])('$reason', ({ kind, ref, want }) => {
    expect(objectFields(kind, ref)).toEqual(want);
  });
});

describe('JSON lines', () => {
  it('have string levels, ISO-8601 times, pid, hostname, the object fields and the reconcile id', async () => {
    const out = sink();
    const log = createLogger({ level: 'info', format: 'json', destination: out });
    await withReconcileID('r-1', () => {
      log.warn(objectFields('PrivilegedRole', 'identity/ga'), 'drift');
      return Promise.resolve();
    });
    log.info('outside');
    const [inside, outside] = out
      .text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(inside).toMatchObject({
      level: 'warn',
      app: 'rolegate',
      pid: process.pid,
      kind: 'PrivilegedRole',
      namespace: 'identity',
      name: 'ga',
      reconcileID: 'r-1',
      msg: 'drift',
    });
    expect(typeof inside!.hostname).toBe('string');
    expect(inside!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(outside).not.toHaveProperty('reconcileID');
  });

  it('redacts secrets', () => {
    const out = sink();
    createLogger({ level: 'info', format: 'json', destination: out }).info(
      { credentials: { clientSecret: 's3cret' } },
      'x',
    );
    expect(out.text()).not.toContain('s3cret');
  });

  it('auto is text on a terminal and JSON otherwise', () => {
    const tty = sink(true);
    const pipe = sink(false);
    createLogger({ level: 'info', destination: tty }).warn('careful');
    createLogger({ level: 'info', destination: pipe }).warn('careful');
    expect(tty.text()).toBe('Warning: careful\n');
    expect(JSON.parse(pipe.text())).toMatchObject({ level: 'warn', msg: 'careful' });
  });
});

describe('renderTextRecord', () => {
  it.each([
    { reason: 'info has no prefix', record: { level: 'info', msg: 'started' }, want: 'started' },
    { reason: 'warn is Warning:', record: { level: 'warn', msg: 'x' }, want: 'Warning: x' },
    { reason: 'error is Error:', record: { level: 'error', msg: 'x' }, want: 'Error: x' },
    {
      reason: 'context follows as key=value, quoted when it has spaces',
      record: { level: 'info', msg: 'wrote', provider: 'tenant', role: 'Global Administrator' },
      want: 'wrote  provider=tenant role="Global Administrator"',
    },
    {
      reason: 'a manifest problem says its position once, as file:line:col',
      record: {
        level: 'error',
        msg: 'roles.yaml:3:5: Field x is bad [schema.type] (at /spec/x)',
        file: 'roles.yaml',
        line: 3,
        col: 5,
        rule: 'schema.type',
        pointer: '/spec/x',
      },
      want: 'Error: roles.yaml:3:5: Field x is bad [schema.type] (at /spec/x)',
    },
    {
      reason: 'an object the message names is not repeated',
      record: {
        level: 'info',
        msg: 'identity/ga: Ready=True',
        kind: 'PrivilegedRole',
        namespace: 'identity',
        name: 'ga',
      },
      want: 'identity/ga: Ready=True',
    },
    {
      reason: 'what every line has, and the reconcile id, are left out',
      record: {
        level: 'info',
        msg: 'm',
        time: '2026-01-01T00:00:00.000Z',
        pid: 1,
        hostname: 'h',
        app: 'rolegate',
        reconcileID: 'r',
      },
      want: 'm',
    },
  ])('$reason', ({ record, want }) => {
    expect(renderTextRecord(record)).toBe(`${want}\n`);
  });
});
