import '@testing-library/jest-dom';

// recharts' ResponsiveContainer measures itself; jsdom has no ResizeObserver (nor layout).
class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
(globalThis as any).ResizeObserver ??= ResizeObserverStub;
