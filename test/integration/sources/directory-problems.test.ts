// The directory source tells the reconciler when a manifest file stops (and starts again) being usable: the
// object itself does not change (its last good content is kept), so without this the role's conditions would
// only catch up at the next resync. Real files, a real watcher.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DirectorySource } from '../../../src/sources/directory.js';
import { createLogger } from '../../../src/log.js';
import { eventually } from '../../harness/kube-client.js';

const dir = mkdtempSync(join(tmpdir(), 'rolegate-source-problem-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const role = `apiVersion: rolegate.io/v1alpha1
kind: PrivilegedRole
metadata: { name: ga, namespace: identity }
spec: { providerRef: { name: tenant }, role: { displayName: Global Administrator }, mfaRequired: true }
`;

describe('DirectorySource and a file that cannot be used', () => {
  it('enqueues the objects of a file when its problem starts and when it ends, keeping the object', async () => {
    const file = join(dir, 'roles.yaml');
    writeFileSync(file, role);
    const source = new DirectorySource([dir], {
      watch: true,
      debounceMs: 20,
      log: createLogger({ level: 'silent', format: 'json', destination: process.stderr }),
    });
    const enqueued: string[] = [];
    await source.start(
      (kind, key) => enqueued.push(`${kind}/${key}`),
      new AbortController().signal,
    );
    try {
      await source.waitForSync();
      expect(source.sourceProblem('PrivilegedRole', 'identity/ga')).toBeUndefined();
      const kept = source.roles.get('identity/ga');
      expect(kept?.spec.mfaRequired).toBe(true);
      enqueued.length = 0;

      // a half-saved edit: the object stays as it was, its problem is reported and the object enqueued
      writeFileSync(file, `${role}  mfaRequired: [\n`);
      await eventually(() => {
        expect(source.sourceProblem('PrivilegedRole', 'identity/ga')).toEqual({
          file: expect.stringMatching(/roles\.yaml$/),
          problem: expect.stringMatching(/roles\.yaml:\d+:\d+: /),
        });
        expect(enqueued).toContain('PrivilegedRole/identity/ga');
      }, 5_000);
      expect(source.roles.get('identity/ga')?.spec).toEqual(kept?.spec);
      expect(source.roles.get('identity/ga')?.metadata.generation).toBe(kept?.metadata.generation);
      enqueued.length = 0;

      // fixed with the same content: nothing about the object changed, yet it is enqueued so its condition clears
      writeFileSync(file, role);
      await eventually(() => {
        expect(source.sourceProblem('PrivilegedRole', 'identity/ga')).toBeUndefined();
        expect(enqueued).toContain('PrivilegedRole/identity/ga');
      }, 5_000);
    } finally {
      await source.stop();
    }
  });
});
