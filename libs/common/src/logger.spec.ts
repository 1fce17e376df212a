import { Writable } from 'node:stream';
import { createLogger, resolveLogFormat } from './logger';

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { stream, text: () => chunks.join('') };
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 50));

describe('createLogger', () => {
  it('json: one object a line, the level by name, one service key even through children', async () => {
    const out = sink();
    const root = createLogger({ level: 'debug', destination: out.stream });
    root
      .child({ service: 'message' })
      .child({ module: 'push' })
      .info({ userId: 'u1', token: 'abc.def.ghi', content: 'secret words' }, 'hello');
    createLogger({ service: 'gateway', destination: out.stream }).warn('careful');
    await settle();
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.match(/"service":/g)).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      level: 'info',
      service: 'message',
      module: 'push',
      userId: 'u1',
      token: '[redacted]',
      content: '[redacted]',
      msg: 'hello',
    });
    expect(JSON.parse(lines[1] ?? '')).toMatchObject({ level: 'warn', service: 'gateway', msg: 'careful' });
    expect(out.text()).not.toContain('abc.def.ghi');
    expect(out.text()).not.toContain('secret words');
  });

  it('pretty: readable lines (level name, service, message), still redacted', async () => {
    const out = sink();
    createLogger({ format: 'pretty', destination: out.stream })
      .child({ service: 'gateway' })
      .info({ userId: 'u1', token: 'abc.def.ghi' }, 'connected');
    await settle();
    const text = out.text();
    expect(() => JSON.parse(text)).toThrow();
    expect(text).toMatch(/INFO/);
    expect(text).toContain('connected');
    expect(text).toContain('gateway');
    expect(text).toContain('u1');
    expect(text).not.toContain('abc.def.ghi');
  });

  it('IM_LOG_FORMAT wins; unset, embedded mode at a terminal is pretty and everything else json', () => {
    expect(resolveLogFormat('json', { embedded: true, tty: true })).toBe('json');
    expect(resolveLogFormat('pretty', { embedded: false, tty: false })).toBe('pretty');
    expect(resolveLogFormat(undefined, { embedded: true, tty: true })).toBe('pretty');
    expect(resolveLogFormat(undefined, { embedded: true, tty: false })).toBe('json');
    expect(resolveLogFormat(undefined, { embedded: false, tty: true })).toBe('json');
  });
});
