/** The part of autocannon's untyped API that the examples use. */
declare module 'autocannon' {
  interface Options {
    url: string;
    connections?: number;
    amount?: number;
    duration?: number;
  }
  interface Histogram {
    average: number;
    p50: number;
    p90: number;
    p99: number;
    max: number;
  }
  interface Result {
    requests: Histogram & { total: number };
    latency: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    duration: number;
  }
  /** A running load test: awaitable, and emits 'response' for each response. */
  interface Instance extends PromiseLike<Result> {
    on(event: 'response', listener: () => void): this;
  }
  function autocannon(options: Options): Instance;
  export default autocannon;
}
