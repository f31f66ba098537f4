/**
 * The activity API's HTTP contract, the one client of it (docs/design.md §2 "The request", §5
 * "Answers"): sync's batches (`post-batch.ts`) and the options page's "Test connection"
 * (`src/ui/connection-test.ts`) both send through it, so the test meets what sync meets.
 */

/** How long a request may take: as long as sync waits, or a server sync works with would show as "no answer". */
export const REQUEST_TIMEOUT_MS = 30_000;

/** The most of the server's reason kept: enough to read in the popup and the options page. */
export const REASON_MAX_CHARS = 500;

export interface ActivityApiRequest {
  fetch: typeof fetch;
  endpointUrl: string;
  token: string;
  /** The JSON body, `{"events": […]}`. */
  body: string;
  timeoutMs?: number;
}

/** What came back: an HTTP answer, or none (docs/design.md §5). */
export type ActivityApiAnswer =
  | {
      kind: 'answered';
      status: number;
      statusText: string;
      /** The server's reason: `error` or `message` of a JSON body, else the body; trimmed, at most `REASON_MAX_CHARS`. */
      reason: string;
      /** A 2xx that carries a web page: the request reached something, but not the activity API. */
      webPage: boolean;
      /** The `Retry-After` header, as sent. */
      retryAfter: string | null;
    }
  | { kind: 'network'; reason: string }
  | { kind: 'timeout'; seconds: number };

/**
 * A catch-all route, a login page or a captive portal answers 200 with HTML; the activity API
 * answers JSON or nothing. Such a 2xx delivered nothing.
 */
export function isWebPage(contentType: string | null, body: string): boolean {
  if (contentType !== null && /\b(text\/html|application\/xhtml\+xml)\b/i.test(contentType)) return true;
  return /^\s*<(!doctype\s+html|html|head|body)\b/i.test(body);
}

/** The reason in a body: a JSON answer's `error` or `message`, else the text itself. */
function reasonIn(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: unknown; message?: unknown };
    return String(parsed.error ?? parsed.message ?? text);
  } catch {
    return text;
  }
}

export async function postToActivityApi(request: ActivityApiRequest): Promise<ActivityApiAnswer> {
  const { fetch, endpointUrl, token, body, timeoutMs = REQUEST_TIMEOUT_MS } = request;
  let response: Response;
  try {
    response = await fetch(endpointUrl, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        ...(token && { Authorization: `Bearer ${token}` }),
      },
      body,
      // The token goes to the endpoint's origin and nowhere else: no redirects, no cookies.
      redirect: 'error',
      credentials: 'omit',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'TimeoutError') return { kind: 'timeout', seconds: timeoutMs / 1000 };
    return { kind: 'network', reason: error instanceof Error ? error.message : String(error) };
  }
  const { status, statusText, headers } = response;
  const text = (await response.text().catch(() => '')).trim();
  return {
    kind: 'answered',
    status,
    statusText,
    reason: reasonIn(text).slice(0, REASON_MAX_CHARS),
    webPage: status >= 200 && status < 300 && isWebPage(headers.get('Content-Type'), text),
    retryAfter: headers.get('Retry-After'),
  };
}
