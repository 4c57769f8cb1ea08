// The exit-code contract of every command, Terraform's: 0 success, 1 error, 2 only when asked for with
// --detailed-exitcode, and then only for "it worked, and there is something to review" (drift, roles or
// accounts without MFA). A usage error, a missing path or a provider that cannot be reached is 1 everywhere, so
// a CI step that tolerates 2 never hides a broken run. Kept in one place so every --help and the README say the same.

/** Exit code: the command did what was asked, and (with --detailed-exitcode) found nothing to review. */
export const EXIT_OK = 0;
/** Exit code: an error (usage, I/O, provider, invalid manifests, blocked roles). */
export const EXIT_ERROR = 1;
/** Exit code, only with --detailed-exitcode: success, with changes or findings to review. */
export const EXIT_CHANGES = 2;

/** The "Exit codes:" paragraph of each command's --help. */
export const EXIT_CODES_HELP = {
  program:
    'Exit codes (every command): 0 success, 1 error (usage, I/O, provider, invalid manifests),\n' +
    '2 only with --detailed-exitcode: it worked and there is something to review (plan: drift;\n' +
    'alerts: roles or accounts without MFA). A usage error is never 2.',
  validate:
    'Exit codes: 0 valid (warnings allowed unless --strict), 1 invalid, or could not run (usage error, missing\npath, unreadable file; the report says which). Never 2.',
  plan: 'Exit codes: 0 success; 1 error (usage, I/O, provider, blocked roles); with --detailed-exitcode,\n2 success with drift (changes to apply, Audit drift or refused weakening). A usage error is never 2.',
  apply:
    'Exit codes: 0 every role reconciled; 1 error (usage, I/O, provider, blocked roles, retries left at --timeout).',
  alerts:
    'Exit codes: 0 success; 1 error (usage, I/O, provider); with --detailed-exitcode, 2 success with roles\nthat do not require MFA on activation or accounts not behind MFA (uncovered or conditional).',
  export: 'Exit codes: 0 success; 1 error (usage, I/O, provider).',
  report:
    'Exit codes: 0 the report was written (whatever it shows); 1 error (usage, I/O, provider, unreadable status).',
  other: 'Exit codes: 0 success; 1 error.',
} as const;
