import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { defaultDeadlineOffsets, deadlineEventSchemas, deadlineStreamId, deliveryKey, notificationId, systemActor, type DeadlineEvent } from '#domain';
import { deliveryJobId } from '../../apps/worker/src/reminders/queues.js';
import { DeliveryBusyError } from '../../apps/worker/src/notifications/delivery-processor.js';
import { appendDirectory, rawEvent, region } from './support/fixtures.js';
import { startHarness, waitFor, type Harness } from './support/harness.js';
import { ManualClock } from './support/manual-clock.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/receivers.js';

const org = region('dl', 1, 1);
const unit = org.units[0]!;
const at = '2026-05-20T01:00:00.000Z';

/** A deadline stream with one reminder sent to the given users over the webhook only. */
function deadlineWithReminder(deadlineId: string, userIds: string[]): DeadlineEvent[] {
  const by = systemActor(unit);
  const subject = { kind: 'submission' as const, campaignId: 'c', unitId: unit };
  return [
    {
      type: 'DeadlineScheduled',
      data: {
        at: '2026-05-06T00:00:00.000Z',
        by,
        deadlineId,
        subject,
        title: '2026年度预算绩效自评',
        organisationId: unit,
        organisationName: '第1部门第1单位',
        dueDate: '2026-05-29',
        offsets: [...defaultDeadlineOffsets],
        recipients: { organisationId: unit, roles: ['unit_filler'], scope: 'organisation' },
        cause: null,
      },
    },
    {
      type: 'ReminderSent',
      data: {
        at,
        by,
        deadlineId,
        offsetId: 'before-7',
        dueVersion: 1,
        dueDate: '2026-05-29',
        workingDays: -7,
        phase: 'before',
        plannedAt: at,
        subject,
        title: '2026年度预算绩效自评',
        organisationName: '第1部门第1单位',
        recipients: userIds.map((userId) => ({ userId, displayName: userId, organisationId: unit, role: 'unit_filler' as const, reason: 'responsible' as const, channels: ['in-app' as const, 'webhook' as const] })),
      },
    },
  ];
}

const keyOf = (deadlineId: string, userId: string) => deliveryKey(notificationId(deadlineId, 'before-7', 1, userId), 'webhook');

describe('deliveries: retries with backoff, dead letters, one delivery per key', () => {
  const clock = new ManualClock(at);
  let h: Harness;
  let webhook: WebhookReceiver;

  async function ledger(key: string) {
    return h.runtime.ledger.get(key);
  }

  beforeAll(async () => {
    webhook = await startWebhookReceiver('deliveries-secret-0123456789');
    webhook.failWith = (key, attempt) => {
      if (key.includes('~u-flaky~')) return attempt <= 2 ? 503 : null;
      if (key.includes('~u-down~')) return 500;
      if (key.includes('~u-refused~')) return 400;
      return null;
    };
    h = await startHarness('deliveries', clock, { WEBHOOK_URL: webhook.url, WEBHOOK_SECRET: webhook.secret, NOTIFY_MAX_ATTEMPTS: '3', NOTIFY_BACKOFF_MS: '100' });
    await appendDirectory(h.store, org.regionId, org.organisations, org.users);
    await h.runtime.start();
    await h.store.append(
      deadlineStreamId('d1'),
      deadlineWithReminder('d1', ['u-ok', 'u-flaky', 'u-down', 'u-refused']).map((e) => rawEvent(e.type, e.data as never, e.data.at, undefined, deadlineEventSchemas[e.type].version)),
      'no_stream',
    );
  });

  afterAll(async () => {
    await h?.close();
    await webhook?.close();
  });

  it('delivers at once when the receiver takes it', async () => {
    const row = await waitFor('u-ok sent', async () => ((await ledger(keyOf('d1', 'u-ok')))?.status === 'sent' ? ledger(keyOf('d1', 'u-ok')) : null));
    expect(row).toMatchObject({ attempts: 1, channel: 'webhook', userId: 'u-ok' });
    expect(webhook.requests.filter((r) => r.key === keyOf('d1', 'u-ok'))).toHaveLength(1);
  });

  it('retries with exponential backoff until the receiver takes it', async () => {
    const key = keyOf('d1', 'u-flaky');
    const row = await waitFor('u-flaky sent', async () => ((await ledger(key))?.status === 'sent' ? ledger(key) : null));
    expect(row!.attempts).toBe(3);
    expect(webhook.requests.filter((r) => r.key === key)).toHaveLength(3);
    expect(webhook.processed.get(key)?.body.recipient.userId).toBe('u-flaky');
  });

  it('dead-letters after NOTIFY_MAX_ATTEMPTS failed tries', async () => {
    const key = keyOf('d1', 'u-down');
    const row = await waitFor('u-down dead', async () => ((await ledger(key))?.status === 'dead' ? ledger(key) : null));
    expect(row).toMatchObject({ attempts: 3, lastError: 'webhook: HTTP 500' });
    expect(webhook.requests.filter((r) => r.key === key)).toHaveLength(3);
    const dead = await h.runtime.queues.deadLetters.getJob(deliveryJobId(key));
    expect(dead?.data).toMatchObject({ key, channel: 'webhook', attempts: 3, error: 'webhook: HTTP 500' });
  });

  it('dead-letters at once what the receiver refuses outright (4xx)', async () => {
    const key = keyOf('d1', 'u-refused');
    const row = await waitFor('u-refused dead', async () => ((await ledger(key))?.status === 'dead' ? ledger(key) : null));
    expect(row!.attempts).toBe(1);
    expect(webhook.requests.filter((r) => r.key === key)).toHaveLength(1);
  });

  it('sends a delivery once however often its job runs, even twice at the same moment', async () => {
    expect(await h.runtime.deliveryProcessor.deliver(keyOf('d1', 'u-ok'))).toBe('already-sent');
    const key = keyOf('d2', 'u-twice');
    webhook.delayMs = 300;
    await h.store.append(
      deadlineStreamId('d2'),
      deadlineWithReminder('d2', ['u-twice']).map((e) => rawEvent(e.type, e.data as never, e.data.at, undefined, deadlineEventSchemas[e.type].version)),
      'no_stream',
    );
    await waitFor('the delivery planned', async () => (await ledger(key)) !== null);
    // Two direct runs race the queued job: one claims and sends (slowly); the others find it claimed or sent.
    const outcomes = await Promise.allSettled([h.runtime.deliveryProcessor.deliver(key), h.runtime.deliveryProcessor.deliver(key)]);
    await waitFor('u-twice sent', async () => (await ledger(key))?.status === 'sent');
    webhook.delayMs = 0;
    expect(outcomes.some((o) => o.status === 'rejected' && o.reason instanceof DeliveryBusyError)).toBe(true);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(DeliveryBusyError);
      else expect(['sent', 'already-sent']).toContain(outcome.value);
    }
    await waitFor('the queued job to have run too', async () => {
      const counts = await h.runtime.queues.deliveries.getJobCounts('wait', 'active', 'delayed');
      return (counts.wait ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0) === 0;
    });
    expect(webhook.requests.filter((r) => r.key === key)).toHaveLength(1);
  });
});
