// npm run sandbox -- --port 4010 --seed 42 --api-key KEY --returns 500
import { parseArgs } from 'node:util';
import { startSandbox } from './index.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    host: { type: 'string', default: '127.0.0.1' },
    seed: { type: 'string', default: '42' },
    'api-key': { type: 'string' },
    returns: { type: 'string' },
    'limit-scale': { type: 'string' },
    'start-time': { type: 'string' },
    'skew-ms': { type: 'string' },
  },
});

const num = (v: string | undefined, name: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) {
    console.error(`--${name} must be a number, got ${v}`);
    process.exit(2);
  }
  return n;
};

const sandbox = await startSandbox({
  port: num(values.port, 'port'),
  host: values.host,
  seed: num(values.seed, 'seed'),
  apiKey: values['api-key'],
  returns: num(values.returns, 'returns'),
  limitScale: num(values['limit-scale'], 'limit-scale'),
  startTime: values['start-time'] ? new Date(values['start-time']) : undefined,
  skewMs: num(values['skew-ms'], 'skew-ms'),
});
if (!values['api-key']) console.log(`[sandbox] demo Api-Key: ${sandbox.apiKey}`);
console.log(`[sandbox] second seller's key (for 403 checks): ${sandbox.otherApiKey}`);
console.log('[sandbox] admin: GET ' + sandbox.url + '/_sandbox/info');
const stop = (): void => {
  void sandbox.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
