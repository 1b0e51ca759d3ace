import { createHash } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import canonicalize from 'canonicalize';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SqlClient } from '#eventstore';
import { READ_STORE } from '#platform';
import { HttpProblem } from './http-problem.js';

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

const schema = /* sql */ `
CREATE TABLE IF NOT EXISTS http_idempotency (
  principal text NOT NULL,
  key text NOT NULL,
  request_hash text NOT NULL,
  state text NOT NULL,
  status int,
  headers jsonb,
  body jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (principal, key)
);`;

/** How long an unanswered key blocks a retry before the retry may take it over. */
const ABANDONED_AFTER_SECONDS = 30;

export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${canonicalize(body ?? null) ?? ''}`)
    .digest('hex');
}

/** An event id derived from the idempotency key, so a retried command can never append twice. */
export function deterministicEventId(principal: string, key: string, index: number): string {
  const hex = createHash('sha256').update(`${principal}\u0000${key}\u0000${index}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

export function parseIdempotencyKey(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^[\x21-\x7e]{1,255}$/.test(value)) {
    throw HttpProblem.of(400, 'IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key', 'Idempotency-Key须为1至255个可见ASCII字符', 'Idempotency-Key must be 1 to 255 visible ASCII characters');
  }
  return value;
}

/**
 * Idempotency-Key: the first successful response to a key is stored and returned again for every
 * repeat of the same request; a different request under the same key is refused. Failed commands
 * change nothing, so their key is released and a retry runs again.
 */
@Injectable()
export class IdempotencyStore implements OnModuleInit {
  constructor(@Inject(READ_STORE) private readonly sql: SqlClient) {}

  async onModuleInit(): Promise<void> {
    await this.sql.exec(schema);
  }

  async run(principal: string, key: string, fingerprint: string, execute: () => Promise<StoredResponse>): Promise<StoredResponse & { replayed: boolean }> {
    const claimed = await this.claim(principal, key, fingerprint);
    if (claimed !== true) return { ...claimed, replayed: true };
    try {
      const response = await execute();
      await this.sql.query(
        `UPDATE http_idempotency SET state = 'done', status = $3, headers = $4::jsonb, body = $5::jsonb WHERE principal = $1 AND key = $2`,
        [principal, key, response.status, JSON.stringify(response.headers), JSON.stringify(response.body ?? null)],
      );
      return { ...response, replayed: false };
    } catch (error) {
      await this.sql.query(`DELETE FROM http_idempotency WHERE principal = $1 AND key = $2 AND state = 'pending'`, [principal, key]);
      throw error;
    }
  }

  /**
   * Answers a command request: under its Idempotency-Key when it has one (`fingerprint`, by
   * default over the parsed body, is computed only then), else by running it. Sets the reply's
   * status and headers and resolves to its body.
   */
  async respond(
    request: FastifyRequest,
    reply: FastifyReply,
    principal: string,
    key: string | null,
    execute: () => Promise<StoredResponse>,
    fingerprint: () => string = () => requestFingerprint(request.method, request.url, request.body),
  ): Promise<unknown> {
    const response = key ? await this.run(principal, key, fingerprint(), execute) : { ...(await execute()), replayed: false };
    void reply.status(response.status).headers(response.headers);
    if (response.replayed) void reply.header('idempotent-replayed', 'true');
    return response.body;
  }

  /** True when this request now owns the key; the stored response when it was answered before. */
  private async claim(principal: string, key: string, fingerprint: string): Promise<true | StoredResponse> {
    const inserted = await this.sql.query(
      `INSERT INTO http_idempotency (principal, key, request_hash, state) VALUES ($1, $2, $3, 'pending') ON CONFLICT DO NOTHING RETURNING 1`,
      [principal, key, fingerprint],
    );
    if (inserted.rows.length > 0) return true;
    const { rows } = await this.sql.query<{ request_hash: string; state: string; status: number; headers: Record<string, string>; body: unknown; abandoned: boolean }>(
      `SELECT request_hash, state, status, headers, body, created_at < now() - make_interval(secs => $3) AS abandoned
         FROM http_idempotency WHERE principal = $1 AND key = $2`,
      [principal, key, ABANDONED_AFTER_SECONDS],
    );
    const row = rows[0];
    if (!row) return this.claim(principal, key, fingerprint);
    if (row.request_hash !== fingerprint) {
      throw HttpProblem.of(422, 'IDEMPOTENCY_KEY_REUSED', 'Idempotency-Key', '该Idempotency-Key已用于另一个请求', 'This Idempotency-Key was used for a different request');
    }
    if (row.state === 'done') return { status: row.status, headers: row.headers, body: row.body };
    if (row.abandoned) {
      const taken = await this.sql.query(
        `UPDATE http_idempotency SET created_at = now() WHERE principal = $1 AND key = $2 AND state = 'pending' AND created_at < now() - make_interval(secs => $3) RETURNING 1`,
        [principal, key, ABANDONED_AFTER_SECONDS],
      );
      if (taken.rows.length > 0) return true;
    }
    throw HttpProblem.of(409, 'IDEMPOTENCY_KEY_IN_FLIGHT', 'Idempotency-Key', '相同Idempotency-Key的请求正在处理，请稍后重试', 'A request with this Idempotency-Key is still being processed; retry shortly', {
      headers: { 'retry-after': '1' },
    });
  }
}
