// A histogram of numbers (durations, batch sizes) by one label, counted in plain numbers and handed to prom-client's
// registry as the same metric object its own Histogram hands it. prom-client's observe checks the
// labels and hashes them, sorted, on every call — a bound child included — ~1 µs a request on the
// hot path; here a request costs a map lookup and a few comparisons, and the work of the text
// format is done at scrape time, as before.
import type { Metric } from 'prom-client';

/** One line of the text format, as prom-client's registry reads it from a histogram. */
interface ExportedValue {
  labels: Record<string, string | number>;
  sharedLabels: Record<string, string>;
  value: number;
  metricName: string;
}

interface ExportedMetric<V> {
  name: string;
  help: string;
  type: 'histogram';
  aggregator: 'sum';
  values: V[];
}

interface Series {
  labelValue: string;
  /** Observations per bucket (not cumulative); the last is above every bound. */
  counts: number[];
  sum: number;
  count: number;
}

export class DurationHistogram {
  readonly type = 'histogram';
  // The registry reads it when it aggregates metrics across cluster workers.
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelName: string,
    private readonly buckets: readonly number[],
  ) {}

  observe(labelValue: string, seconds: number): void {
    let series = this.series.get(labelValue);
    if (series === undefined) {
      series = { labelValue, counts: new Array<number>(this.buckets.length + 1).fill(0), sum: 0, count: 0 };
      this.series.set(labelValue, series);
    }
    let bucket = 0;
    while (bucket < this.buckets.length && seconds > this.buckets[bucket]!) bucket++;
    series.counts[bucket]!++;
    series.sum += seconds;
    series.count++;
  }

  /** What the registry formats: the values prom-client's Histogram gives it, in the same order. */
  getForPromString(): ExportedMetric<ExportedValue> {
    const values: ExportedValue[] = [];
    for (const { labelValue, counts, sum, count } of this.series.values()) {
      const sharedLabels = { [this.labelName]: labelValue };
      let cumulative = 0;
      this.buckets.forEach((bound, i) => {
        cumulative += counts[i]!;
        values.push({ labels: { le: bound }, sharedLabels, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { le: '+Inf' }, sharedLabels, value: count, metricName: `${this.name}_bucket` });
      values.push({ labels: {}, sharedLabels, value: sum, metricName: `${this.name}_sum` });
      values.push({ labels: {}, sharedLabels, value: count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** The JSON form (registry.getMetricsAsJSON): each value's labels merged, as prom-client does. */
  get(): ExportedMetric<Omit<ExportedValue, 'sharedLabels'>> {
    const metric = this.getForPromString();
    return {
      ...metric,
      values: metric.values.map(({ sharedLabels, labels, ...rest }) => ({ ...rest, labels: { ...labels, ...sharedLabels } })),
    };
  }

  /** registry.resetMetrics() */
  reset(): void {
    this.series.clear();
  }

  /** For registry.registerMetric, which is typed for prom-client's own metrics. */
  asMetric(): Metric<string> {
    return this as unknown as Metric<string>;
  }
}
