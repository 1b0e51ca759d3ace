import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { verifyWebhook } from '../../../apps/worker/src/notifications/webhook-signature.js';

export interface ReceivedMail {
  to: string[];
  subject: string;
  messageId: string;
  idempotencyKey: string;
  text: string;
}

function header(raw: string, name: string): string {
  // Unfolds continuation lines, decodes RFC 2047 UTF-8 encoded words (subjects in Chinese).
  const unfolded = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const line = unfolded.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  if (!line) return '';
  return line
    .slice(name.length + 1)
    .trim()
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_m, encoding: string, text: string) =>
      encoding.toLowerCase() === 'b' ? Buffer.from(text, 'base64').toString('utf8') : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
    );
}

function body(raw: string): string {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const text = rest.join('\n\n');
  if (/content-transfer-encoding:\s*base64/i.test(head!)) return Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/content-transfer-encoding:\s*quoted-printable/i.test(head!)) {
    return Buffer.from(text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  }
  return text;
}

/** A real SMTP server in this process: it keeps every mail, like a mailbox would. */
export async function startSmtpReceiver(): Promise<{ url: string; mails: ReceivedMail[]; close(): Promise<void> }> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    // Closing waits this long for clients (a killed worker's connection) before dropping them.
    closeTimeout: 500,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: header(raw, 'Subject'),
          messageId: header(raw, 'Message-ID'),
          idempotencyKey: header(raw, 'X-Jixiao-Idempotency-Key'),
          text: body(raw),
        });
        callback();
      });
    },
  });
  // A worker killed in the middle of a session resets its connection: that is the test, not a failure.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = (server as unknown as { server: Server }).server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, mails, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export interface ReceivedWebhook {
  key: string;
  body: Record<string, any>;
  signatureValid: boolean;
}

export interface WebhookReceiver {
  url: string;
  secret: string;
  /** Every request, duplicates included. */
  requests: ReceivedWebhook[];
  /** What an idempotent receiver acted on: once per key. */
  processed: Map<string, ReceivedWebhook>;
  /** Answers with this status (instead of 200) while it returns one. */
  failWith: (key: string, attempt: number) => number | null;
  delayMs: number;
  close(): Promise<void>;
}

/** An HTTP receiver that checks the signature and acts once per Idempotency-Key, as receivers should. */
export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = {
    url: '',
    secret,
    requests: [],
    processed: new Map(),
    failWith: () => null,
    delayMs: 0,
    close: async () => undefined,
  };
  const attempts = new Map<string, number>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const key = String(request.headers['idempotency-key'] ?? '');
      const signatureValid = verifyWebhook(
        secret,
        { timestamp: request.headers['x-jixiao-timestamp'] as string | undefined, signature: request.headers['x-jixiao-signature'] as string | undefined },
        raw,
        Math.floor(Date.now() / 1000),
      );
      const received: ReceivedWebhook = { key, body: JSON.parse(raw) as Record<string, any>, signatureValid };
      receiver.requests.push(received);
      const attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, attempt);
      const answer = () => {
        const failure = receiver.failWith(key, attempt);
        if (failure !== null) {
          response.writeHead(failure).end();
          return;
        }
        if (!signatureValid) {
          response.writeHead(401).end();
          return;
        }
        if (!receiver.processed.has(key)) receiver.processed.set(key, received);
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      };
      if (receiver.delayMs > 0) setTimeout(answer, receiver.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://127.0.0.1:${port}/hooks/jixiao`;
  receiver.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
