// Adapter: pino (https://getpino.io) behind the desk's Log (src/log.ts). JSON lines when
// the output is not a terminal (a service manager, a log shipper), pino-pretty's one line
// per event in a terminal. The level comes from `madoguchi start --log-level` or
// MADOGUCHI_LOG_LEVEL (default info).
import { pino, type Level } from 'pino';
import pretty from 'pino-pretty';
import type { Fields, Log } from '../log.ts';

export const LOG_LEVELS: readonly Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

export function isLogLevel(s: string): s is Level {
  return (LOG_LEVELS as readonly string[]).includes(s);
}

export function createPinoLog(opts: { level: Level; pretty: boolean; destination?: NodeJS.WritableStream }): Log {
  const base = { level: opts.level, base: { name: 'madoguchi' }, timestamp: pino.stdTimeFunctions.isoTime };
  const logger = opts.pretty
    ? pino(base, pretty({ colorize: true, translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l', ignore: 'pid,hostname,name', destination: opts.destination ?? process.stdout, sync: true }))
    : pino(base, opts.destination ?? pino.destination({ dest: 1, sync: true }));
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (msg: string, fields?: Fields): void => logger[level](fields ?? {}, msg);
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
