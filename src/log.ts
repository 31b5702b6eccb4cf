// The desk's log, as the code sees it: a message plus fields that are ids, codes and
// numbers. Never content, keys or identities (issue 10): a field value is an id (message
// number, notice id, case id, job name), a stable code (kind, verdict, reason) or a count.
// The adapter (src/adapters/pino.ts) writes it with pino; tests use textLog.
export type Fields = Record<string, string | number | boolean | null | undefined>;

export interface Log {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
}

/** A Log over a function of one line of text (tests, the embedded benches). */
export function textLog(write: (line: string) => void): Log {
  const line = (level: string) => (msg: string, fields?: Fields): void => {
    const f = Object.entries(fields ?? {})
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ');
    write(`${level === 'info' ? '' : `${level}: `}${msg}${f ? ` ${f}` : ''}`);
  };
  return { debug: () => undefined, info: line('info'), warn: line('warn'), error: line('error') };
}

/**
 * An error's reason as it may be logged: the first line, quoted values cut out (a database
 * or template error can quote the value it refused, and that value can be report content).
 */
export function loggableReason(e: unknown): string {
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as { code?: unknown }).code;
  const first = (err.message.split('\n')[0] ?? '').replace(/"[^"]*"|'[^']*'|«[^»]*»|「[^」]*」/g, '"…"');
  const cut = first.length > 200 ? `${first.slice(0, 200)}…` : first;
  return typeof code === 'string' && code ? `${err.name} ${code}: ${cut}` : `${err.name}: ${cut}`;
}
