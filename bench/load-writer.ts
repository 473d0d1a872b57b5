/**
 * One generator of the load bench, in a worker thread: appends runs of ten
 * lines each (start, four phases, two inferences, end) to its own log at a
 * steady rate.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

interface WriterData {
  index: number;
  file: string;
  linesPerSecond: number;
  durationMs: number;
}

const { index, file, linesPerSecond, durationMs } = workerData as WriterData;
const PHASES = ['blueprint', 'codegen', 'validation', 'deployment'];
const TICK_MS = 20;
let written = 0;
let runs = 0;
let step = 0;
let runId = '';

function nextLine(): string {
  const ts = new Date().toISOString();
  const s = step++ % 10;
  if (s === 0) {
    runId = `w${index}-r${runs++}`;
    return JSON.stringify({ ts, run_id: runId, type: 'run.started', app: `app-${index}`, template: 'react-vite', features: ['auth'] });
  }
  if (s === 9) return JSON.stringify({ ts, run_id: runId, type: 'run.ended', status: runs % 7 === 0 ? 'failed' : 'success', duration_ms: 30_000 });
  if (s === 3 || s === 6) return JSON.stringify({ ts, run_id: runId, type: 'model.inference', model: 'gpt-4o', phase: 'codegen', latency_ms: 800, input_tokens: 900, output_tokens: 300 });
  const phase = PHASES[Math.min(3, Math.floor((s - 1) / 2))];
  return s % 2 === 1
    ? JSON.stringify({ ts, run_id: runId, type: 'phase.started', phase })
    : JSON.stringify({ ts, run_id: runId, type: 'phase.ended', phase, status: 'ok', duration_ms: 2000 });
}

const fd = openSync(file, 'a');
const start = performance.now();
let lastReport = start;
const tick = () => {
  const elapsed = performance.now() - start;
  if (elapsed >= durationMs) {
    closeSync(fd);
    parentPort!.postMessage({ type: 'done', written, runs });
    return;
  }
  const due = Math.floor((linesPerSecond * elapsed) / 1000) - written;
  let text = '';
  for (let i = 0; i < due; i++) text += `${nextLine()}\n`;
  written += due;
  if (text) writeSync(fd, text);
  if (performance.now() - lastReport >= 1000) {
    lastReport = performance.now();
    parentPort!.postMessage({ type: 'progress', written });
  }
  setTimeout(tick, TICK_MS);
};
tick();
