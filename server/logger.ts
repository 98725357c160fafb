import { pino, type DestinationStream, type Logger } from 'pino';

/** Structured JSON log lines; secrets are redacted by path wherever they might appear. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'micro-observe' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'req.headers.authorization',
          'headers.authorization',
          '*.password',
          '*.token',
          'token',
          'password',
          'pass',
          '*.pass',
          '*.*.pass',
          'smtp.auth',
          '*.smtp.auth',
          'clickhouseUrl',
          '*.clickhouseUrl',
        ],
        censor: '[redacted]',
      },
    },
    destination ?? pino.destination({ fd: 1, sync: false }),
  );
}
