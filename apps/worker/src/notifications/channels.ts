import { createHash } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import { IDEMPOTENCY_HEADER, signWebhook, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './webhook-signature.js';

export interface OutgoingNotification {
  /** The delivery key: the receiver's idempotency key. */
  key: string;
  title: string;
  body: string;
  /** The JSON a webhook receives (an e-mail carries title and body only). */
  payload: Record<string, unknown>;
}

/** A failed send; `permanent` ones (refused outright) are dead-lettered without further tries. */
export class SendError extends Error {
  override readonly name = 'SendError';
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/** The SMTP Message-ID is derived from the delivery key, so a resent mail is recognisably the same mail. */
export function messageIdOf(key: string): string {
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@jixiao.notifications>`;
}

export class EmailChannel {
  private readonly transport: Transporter;

  constructor(
    url: string,
    private readonly from: string,
    timeoutMs: number,
  ) {
    this.transport = nodemailer.createTransport(url, { connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs } as never);
  }

  async send(to: string, notification: OutgoingNotification): Promise<void> {
    try {
      await this.transport.sendMail({
        from: this.from,
        to,
        subject: notification.title,
        text: notification.body,
        messageId: messageIdOf(notification.key),
        headers: { 'X-Jixiao-Idempotency-Key': notification.key },
      });
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      // 5xx: the server refuses this message for good (no such mailbox, policy).
      throw new SendError(`smtp: ${(error as Error).message}`, code !== undefined && code >= 500 && code < 600);
    }
  }

  close(): void {
    this.transport.close();
  }
}

export class WebhookChannel {
  constructor(
    private readonly url: string,
    private readonly secret: string,
    private readonly timeoutMs: number,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  async send(notification: OutgoingNotification): Promise<void> {
    const body = JSON.stringify(notification.payload);
    const timestamp = this.nowSeconds();
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          [IDEMPOTENCY_HEADER]: notification.key,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signWebhook(this.secret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
    } catch (error) {
      throw new SendError(`webhook: ${(error as Error).message}`, false);
    }
    if (response.ok) return;
    // 4xx other than timeout / too many requests: the receiver will not take it, however often we try.
    const permanent = response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429;
    throw new SendError(`webhook: HTTP ${response.status}`, permanent);
  }
}
