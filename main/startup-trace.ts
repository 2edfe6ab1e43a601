/**
 * Start-up timeline of web mode for the bench's cold-start figure: with RETURNDESK_STARTUP_TRACE set, each
 * step prints one stderr line `[startup] <step> <epoch ms> cpu=<process CPU ms>`; without it, nothing.
 */
const enabled = Boolean(process.env.RETURNDESK_STARTUP_TRACE);

export function startupMark(step: string): void {
  if (!enabled) return;
  const cpu = process.cpuUsage();
  process.stderr.write(`[startup] ${step} ${(performance.timeOrigin + performance.now()).toFixed(1)} cpu=${((cpu.user + cpu.system) / 1000).toFixed(0)}\n`);
}
