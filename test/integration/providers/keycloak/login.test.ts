// End-to-end proof against a real Keycloak: after rolegate enforces MFA on a role, a holder logging in
// through the browser flow (plain HTTP form posts, no browser) must pass OTP, and a non-holder must not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestRealm,
  loginWithPassword,
  setMfa,
  totp,
  type LoginOutcome,
  type TestRealm,
} from './fixtures.js';

const REALM = 'rg-login';
let t: TestRealm;

function page(o: LoginOutcome): Extract<LoginOutcome, { kind: 'page' }> {
  if (o.kind !== 'page') throw new Error(`expected a page, got a redirect to ${o.location}`);
  return o;
}

beforeAll(async () => {
  t = await createTestRealm(REALM, ['breakglass'], {
    alice: ['breakglass'],
    bob: [],
    carol: ['breakglass'],
  });
});
afterAll(async () => {
  await t?.destroy();
});

describe('browser login after enforcement (real server)', () => {
  it('before enforcement, a holder gets a code with the password alone', async () => {
    const { outcome } = await loginWithPassword(t.admin.url, REALM, 'alice');
    expect(outcome.kind).toBe('code');
  });

  it('after enforcement, a holder without OTP must enrol it, a non-holder gets a code', async () => {
    const [res] = await t.provider.apply([setMfa(t.roles.breakglass!, 'breakglass', true)]);
    expect(res?.ok, res && !res.ok ? res.error.message : '').toBe(true);

    const bob = await loginWithPassword(t.admin.url, REALM, 'bob');
    expect(bob.outcome.kind).toBe('code');
    if (bob.outcome.kind === 'code')
      expect(new URL(bob.outcome.location).searchParams.get('code')).toBeTruthy();

    const alice = page((await loginWithPassword(t.admin.url, REALM, 'alice')).outcome);
    // Keycloak sends a holder without OTP to the CONFIGURE_TOTP required action.
    expect(alice.formAction ?? '').toContain('execution=CONFIGURE_TOTP');
    expect(alice.html).toContain('totpSecret');
  });

  it('a holder enrols OTP, then every later login stops at rolegate’s OTP step, once', async () => {
    const { browser, outcome } = await loginWithPassword(t.admin.url, REALM, 'carol');
    const setup = page(outcome);
    const secret =
      /name="totpSecret"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="totpSecret"/.exec(
        setup.html,
      );
    const raw = secret?.[1] ?? secret?.[2];
    expect(raw, 'totpSecret on the setup page').toBeTruthy();
    const enrolled = await browser.go(setup.formAction!, {
      totp: totp(raw!),
      totpSecret: raw!,
      userLabel: 'test',
    });
    expect(enrolled.kind, enrolled.kind === 'page' ? enrolled.html.slice(0, 500) : '').toBe('code');

    // A fresh session: the OTP form must come from rolegate's own auth-otp-form execution.
    const rows = await t.executions('rolegate-browser');
    const sub = rows.findIndex((x) => x.displayName === 'rolegate-mfa-breakglass');
    const ourOtp = rows.slice(sub + 1).find((x) => x.providerId === 'auth-otp-form')!;
    const second = await loginWithPassword(t.admin.url, REALM, 'carol');
    const otpPage = page(second.outcome);
    expect(otpPage.html).toContain('name="otp"');
    const action = new URL(otpPage.formAction!);
    const defaultOtp = rows.find((x) => x.providerId === 'auth-otp-form' && x.id !== ourOtp.id);
    // Either step may ask first; what matters is that the holder passes exactly one OTP prompt.
    expect([ourOtp.id, defaultOtp?.id]).toContain(action.searchParams.get('execution'));
    const done = await second.browser.go(otpPage.formAction!, {
      otp: totp(raw!, Date.now() + 30_000),
    });
    // The same code is not accepted twice, so the next 30 s window is used; a second prompt would be a page.
    expect(
      done.kind,
      done.kind === 'page'
        ? `asked again: first ${action.searchParams.get('execution')} ours ${ourOtp.id} default ${defaultOtp?.id} then ${new URL(done.formAction!).searchParams.get('execution')} invalid=${done.html.includes('Invalid authenticator code')}`
        : '',
    ).toBe('code');
  });

  it('after the step is disabled by an admin, the holder logs in without OTP again (drift is real)', async () => {
    const rows = await t.executions('rolegate-browser');
    const sub = rows.find((x) => x.displayName === 'rolegate-mfa-breakglass')!;
    await t.admin.call('PUT', `/${REALM}/authentication/flows/rolegate-browser/executions`, {
      ...sub,
      requirement: 'DISABLED',
    });
    expect((await loginWithPassword(t.admin.url, REALM, 'alice')).outcome.kind).toBe('code');
    // rolegate repairs it and the holder is asked again.
    const [res] = await t.provider.apply([setMfa(t.roles.breakglass!, 'breakglass', true)]);
    expect(res?.ok).toBe(true);
    const again = page((await loginWithPassword(t.admin.url, REALM, 'alice')).outcome);
    expect(again.formAction ?? '').toContain('execution=CONFIGURE_TOTP');
  });
});
