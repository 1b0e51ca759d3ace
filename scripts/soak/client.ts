import { randomBytes } from 'node:crypto';

export interface Answer {
  status: number;
  body: any;
  etag: string | null;
}

/** One accepted (2xx) command: its events' ids follow from (userId, key, index). */
export interface AcceptedCommand {
  userId: string;
  key: string;
  what: string;
  /** The answer's ETag equals the If-Match sent: the command changed nothing (e.g. the same value again). */
  unchanged?: boolean;
}

/** Everything the load saw, for the final checks and the summary. */
export class Ledger {
  accepted: AcceptedCommand[] = [];
  /** Keys of commands answered 4xx: they must have appended nothing. */
  refused: AcceptedCommand[] = [];
  serverErrors: Array<{ at: string; method: string; path: string; status: number; body: string }> = [];
  networkErrors = 0;
  statuses = new Map<number, number>();
  conflicts412 = 0;
  requests = 0;
  /** The problem code of each kind of refused command, to tell load mistakes from product refusals. */
  firstRefusals = new Map<string, string>();

  count(status: number): void {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }
}

export const newKey = (what: string) => `soak-${what}-${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;

export class Client {
  constructor(
    readonly base: string,
    readonly username: string,
    readonly userId: string,
    private token: string,
    private readonly ledger: Ledger,
  ) {}

  static async login(base: string, username: string, password: string, ledger: Ledger): Promise<Client> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const response = await fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) }).catch(() => null);
      if (response?.status === 200) {
        const { accessToken } = (await response.json()) as { accessToken: string };
        const me = (await (await fetch(`${base}/users/me`, { headers: { authorization: `Bearer ${accessToken}` } })).json()) as { userId: string };
        return new Client(base, username, me.userId, accessToken, ledger);
      }
      if (Date.now() > deadline) throw new Error(`login of ${username} failed: ${response?.status}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async request(method: string, path: string, options: { body?: unknown; ifMatch?: string | null; key?: string } = {}): Promise<Answer> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, 'accept-language': 'en' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.ifMatch) headers['if-match'] = options.ifMatch;
    if (options.key) headers['idempotency-key'] = options.key;
    // A lost answer is retried with the same key: the product must not append twice.
    for (let attempt = 1; ; attempt++) {
      this.ledger.requests++;
      let response: Response;
      try {
        response = await fetch(`${this.base}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), signal: AbortSignal.timeout(30_000) });
      } catch (error) {
        this.ledger.networkErrors++;
        if (attempt >= 3) throw error;
        await new Promise((r) => setTimeout(r, 200 * attempt));
        continue;
      }
      const text = await response.text();
      this.ledger.count(response.status);
      if (response.status >= 500) this.ledger.serverErrors.push({ at: new Date().toISOString(), method, path, status: response.status, body: text.slice(0, 300) });
      if (response.status === 412) this.ledger.conflicts412++;
      if (options.key && method !== 'GET') {
        const entry = { userId: this.userId, key: options.key, what: `${method} ${path.replace(/\/reports\/[^/]+/, '/reports/:id')}` };
        if (response.status >= 200 && response.status < 300) {
          const etag = response.headers.get('etag');
          this.ledger.accepted.push({ ...entry, unchanged: options.ifMatch != null && etag === options.ifMatch });
        }
        else if (response.status >= 400 && response.status < 500) {
          this.ledger.refused.push(entry);
          const kind = `${entry.what} ${response.status}`;
          let code = text.slice(0, 200);
          try {
            code = String((JSON.parse(text) as { code?: string }).code ?? code);
          } catch {
            // not a problem document: keep the text
          }
          this.ledger.firstRefusals.set(kind, code);
        }
      }
      let body: any = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = text;
      }
      return { status: response.status, body, etag: response.headers.get('etag') };
    }
  }
}
