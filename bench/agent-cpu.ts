/**
 * The whole agent's CPU while it samples the machine every second with no
 * log traffic, child processes counted (from /proc), beside a naive loop that
 * polls systeminformation for the same figures, measured over the same time.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { readProcessTreeCpuMs } from '../agent/sampler/proc-cpu';
import { sleep, startBenchAgent, type Results } from './lib';

async function cpuPercent(pid: number, seconds: number): Promise<number> {
  const cpu0 = readProcessTreeCpuMs(pid);
  const t0 = performance.now();
  await sleep(seconds * 1000);
  return ((readProcessTreeCpuMs(pid) - cpu0) / (performance.now() - t0)) * 100;
}

/**
 * Measuring starts `warmupSeconds` after the agent is ready: V8 compiles
 * sql.js's wasm to optimized code in background threads during the first
 * seconds, a one-time cost that is not the steady state the target is about.
 */
export async function benchAgentCpu(results: Results, seconds: number, warmupSeconds = 15): Promise<void> {
  if (process.platform !== 'linux') {
    results.add({ figure: 'agent CPU at 1 s sampling', value: null, unit: '% of a core', target: '< 0.3', met: null, note: 'needs Linux /proc' });
    return;
  }
  const agent = await startBenchAgent(['--interval', '1000']);
  const naive = fork(join(__dirname, 'sampler-child.ts'), ['naive'], { execArgv: ['--import', 'tsx'], stdio: 'ignore' });
  try {
    await new Promise<void>((resolve) => naive.on('message', (m: { type: string }) => m.type === 'ready' && resolve()));
    await sleep(warmupSeconds * 1000);
    const [agentCpu, naiveCpu] = await Promise.all([cpuPercent(agent.child.pid!, seconds), cpuPercent(naive.pid!, seconds)]);
    results.add({
      figure: `agent CPU, ${seconds} s of 1 s sampling, children counted (after ${warmupSeconds} s warm-up)`,
      value: agentCpu,
      unit: '% of a core',
      target: '< 0.3',
      met: agentCpu < 0.3,
      peer: { name: 'naive systeminformation poll', value: naiveCpu },
      ratio: naiveCpu > 0 ? agentCpu / naiveCpu : null,
    });
  } finally {
    naive.kill();
    await agent.stop();
  }
}
