/** Made-up generator runs: live for demos, or a long history at once for benchmarks and tests. */
export { startDemoGenerator, type DemoGeneratorOptions } from './live';
export { writeDemoHistory, type DemoHistoryOptions } from './history';
