import { Counter, Gauge, Histogram, MetricsRegistry } from './prometheus';

describe('the Prometheus registry', () => {
  it('renders a histogram with cumulative buckets, +Inf, sum and count per label set', async () => {
    const histogram = new Histogram('wait_seconds', 'How long it took', [60, 300]);
    histogram.observe({ urgency: 'immediate', service: 'detox' }, 30);
    histogram.observe({ service: 'detox', urgency: 'immediate' }, 120);
    histogram.observe({ service: 'detox', urgency: 'immediate' }, 900);
    const text = await new MetricsRegistry().register(() => [histogram]).render();
    expect(text).toBe(
      [
        '# HELP wait_seconds How long it took',
        '# TYPE wait_seconds histogram',
        'wait_seconds_bucket{service="detox",urgency="immediate",le="60"} 1',
        'wait_seconds_bucket{service="detox",urgency="immediate",le="300"} 2',
        'wait_seconds_bucket{service="detox",urgency="immediate",le="+Inf"} 3',
        'wait_seconds_sum{service="detox",urgency="immediate"} 1050',
        'wait_seconds_count{service="detox",urgency="immediate"} 3',
        '',
      ].join('\n'),
    );
  });

  it('renders counters and gauges, escaping label values', async () => {
    const counter = new Counter('escalations_total', 'Escalations');
    counter.inc({ missed: 'acknowledge' });
    counter.inc({ missed: 'acknowledge' }, 2);
    const gauge = new Gauge('open', 'Open');
    gauge.set({ note: 'a "quoted"\\value\nnext' }, 4);
    const text = await new MetricsRegistry().register(() => [counter]).register(async () => [gauge]).render();
    expect(text.split('\n')).toEqual([
      '# HELP escalations_total Escalations',
      '# TYPE escalations_total counter',
      'escalations_total{missed="acknowledge"} 3',
      '# HELP open Open',
      '# TYPE open gauge',
      'open{note="a \\"quoted\\"\\\\value\\nnext"} 4',
      '',
    ]);
  });

  it('refuses a metric name Prometheus would reject', () => {
    expect(() => new Counter('time-to-start', 'bad')).toThrow('invalid metric name');
  });
});
