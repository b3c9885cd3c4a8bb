import { type Logger, pino } from 'pino';

/** Structured JSON logs on stdout (pino). `level` defaults to `info`. */
export function createLogger(level = 'info'): Logger {
  return pino({ level, base: { service: 'coco-ingest' }, timestamp: pino.stdTimeFunctions.isoTime });
}
