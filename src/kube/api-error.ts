// The error of a refused Kubernetes API request: the HTTP status and the Status object the API server sent.

/** The fields of a metav1.Status that rolegate reads. */
export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
}

/** A KubeApiError is an API-server answer with an HTTP status of 400 or more (or a watch ERROR event). */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  constructor(
    /** The HTTP status, e.g. 404, 409, 410. */
    readonly code: number,
    /** The metav1.Status of the answer, when it was one. */
    readonly status: KubeStatus | undefined,
    /** What was asked, e.g. PATCH /apis/rolegate.io/v1alpha1/… (no query, no body). */
    readonly request: string,
  ) {
    super(
      `${request}: HTTP ${code}${status?.reason ? ` ${status.reason}` : ''}${status?.message ? `: ${status.message}` : ''}`,
    );
  }
}

/** The HTTP status of a KubeApiError, else undefined. */
export function apiStatusCode(err: unknown): number | undefined {
  return err instanceof KubeApiError ? err.code : undefined;
}

/**
 * A short description of a failed API-server request for logs: what was asked, the status, the server's reason and
 * message (never a body); for other errors the first line of the message, after the error's name when it says
 * something (AbortError, TimeoutError).
 */
export function apiErrorMessage(err: unknown): string {
  if (err instanceof KubeApiError) return err.message.slice(0, 300);
  if (err instanceof Error) {
    const first = (err.message.split('\n')[0] ?? '').slice(0, 200);
    return err.name === 'Error' ? first : `${err.name}: ${first}`;
  }
  return String(err);
}
