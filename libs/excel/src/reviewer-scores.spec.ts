import { describe, expect, it } from '@jest/globals';
import { computeScores, reviewerTotalOf } from './index.js';
import { seedFixtures } from './testing/round-trip.js';

const bigData = seedFixtures().find((f) => f.name.includes('big-data'))!.document;
const computed = computeScores(bigData)!.view;

describe('the reviewer total of the summary sheet', () => {
  it('is empty while the representation carries no reviewer score', () => {
    expect(reviewerTotalOf({ status: 'submitted' }, computed)).toBeNull();
    expect(reviewerTotalOf({ review: null }, computed)).toBeNull();
    expect(reviewerTotalOf({ review: { reviewerScores: {} } }, computed)).toBeNull();
    expect(reviewerTotalOf({ review: { reviewerScores: { budget: { score: null } } } }, computed)).toBeNull();
  });

  it('takes each reviewer score in place of the computed one (review.reviewerScores or reviewerScores)', () => {
    expect(computed.total).toBe('100.00');
    const scores = { 'indicators[p1-c01]': { score: '80.5', reason: '核查扣分', stageId: 'performance' } };
    expect(reviewerTotalOf({ review: { reviewerScores: scores } }, computed)).toBe('90.50');
    expect(reviewerTotalOf({ reviewerScores: { budget: '8', 'indicators[p1-c01]': '80.5' } }, computed)).toBe('88.50');
    expect(reviewerTotalOf({ reviewerTotal: '77.25', review: { reviewerScores: scores } }, computed)).toBe('77.25');
  });
});
