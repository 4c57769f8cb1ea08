// Pure. The coverage rules for holders who use the role by signing in through the provider (Keycloak): the
// browser flow's OTP step for holders of the role asks them (path SignIn), unless the role's name cannot be
// resolved unambiguously; so does the step of another role that the holder's grant also gives them (a role a
// composite contains, see the provider's askedThrough); and tokens obtained without the browser flow are never
// asked (path DirectGrant).
import type { HoldingCoverage } from '../../api/coverage.js';
import { covered, notCovered, type RuleInput } from './rule-input.js';

/** Judges a holder who signs in through the browser flow. */
export function signInCoverage(input: RuleInput): HoldingCoverage {
  const req = input.role.requirements.find((r) => r.path === 'All');
  const sw = req?.mechanisms.find((m) => m.kind === 'Switch');
  const on = sw?.kind === 'Switch' && sw.enabled;
  const name = input.role.roleDisplayName;
  if (on && input.facts.ambiguity === undefined) {
    return covered(input.holding, 'OTP step', `Signing in as a holder of ${name} asks for OTP`);
  }
  // Keycloak's role condition matches effective roles: a holder whose grant of the role (a composite) also gives
  // them another role is asked by that role's step, whatever this role's own step or name says.
  const through = input.facts.askedThrough?.[input.holding.principal.id] ?? [];
  if (through.length > 0) {
    const others = through.join(', ');
    return covered(
      input.holding,
      `OTP step of ${others}`,
      `Holding ${name} also gives ${others}, whose OTP step asks at sign-in`,
    );
  }
  const why =
    input.facts.ambiguity !== undefined
      ? `The OTP step's role condition cannot be proven to match ${name}: ${input.facts.ambiguity}`
      : `The browser flow does not ask holders of ${name} for OTP`;
  return notCovered(input.holding, 'SignInWithoutMfa', why);
}

/** Judges a holder who can get tokens through a client with direct access grants. */
export function directGrantCoverage(input: RuleInput): HoldingCoverage {
  const client = input.holding.via?.kind === 'Client' ? ` '${input.holding.via.displayName}'` : '';
  return notCovered(
    input.holding,
    'DirectGrant',
    `Client${client} allows direct access grants: a password grant issues tokens without the browser flow's OTP step`,
  );
}
