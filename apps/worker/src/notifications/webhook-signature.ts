import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, in the manner of Stripe's and GitHub's: the sender puts the Unix time in
 * `X-Jixiao-Timestamp` and `sha256=<hex>` of HMAC-SHA256(secret, "<timestamp>.<body>") in
 * `X-Jixiao-Signature`. A receiver recomputes it over the raw body, compares in constant time,
 * and refuses timestamps older than a few minutes (replays). `Idempotency-Key` names the delivery:
 * a receiver that has seen it answers 2xx again and does nothing.
 */
export const TIMESTAMP_HEADER = 'x-jixiao-timestamp';
export const SIGNATURE_HEADER = 'x-jixiao-signature';
export const IDEMPOTENCY_HEADER = 'idempotency-key';

export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function verifyWebhook(secret: string, headers: { timestamp: string | undefined; signature: string | undefined }, body: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || headers.signature === undefined) return false;
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
