import { rollingSuccess } from './CiCharts';

describe('rollingSuccess', () => {
  it('is the share of successes among the last 10 decided runs, skipping cancelled ones', () => {
    const runs = ['success', 'failure', 'cancelled', 'success'].map(conclusion => ({ conclusion }));
    expect(rollingSuccess(runs)).toEqual([100, 50, 50, 67]);
    expect(rollingSuccess([{ conclusion: 'cancelled' }])).toEqual([null]);
    const many = [...Array(10).fill({ conclusion: 'failure' }), ...Array(10).fill({ conclusion: 'success' })];
    expect(rollingSuccess(many).at(-1)).toBe(100);
  });
});
