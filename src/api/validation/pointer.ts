// Pure. RFC 6901 JSON pointers, and the dotted paths users know from kubectl.

/** Escapes one RFC 6901 reference token. */
export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Splits an RFC 6901 pointer into its unescaped tokens. */
export function splitPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Joins tokens into an RFC 6901 pointer. */
export function joinPointer(tokens: readonly (string | number)[]): string {
  return tokens.map((t) => `/${escapePointerToken(String(t))}`).join('');
}

/**
 * A pointer as the dotted path users know from kubectl (`spec.role.id`, `status.conditions[0].type`,
 * `metadata.annotations["rolegate.io/paused"]`).
 */
export function fieldPath(pointer: string): string {
  const tokens = splitPointer(pointer);
  if (tokens.length === 0) return '(the object)';
  let out = '';
  for (const t of tokens) {
    if (/^\d+$/.test(t)) out += `[${t}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(t)) out += out === '' ? t : `.${t}`;
    else out += `[${JSON.stringify(t)}]`;
  }
  return out;
}
