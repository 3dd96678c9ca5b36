/** Where the exchange reports what operators should see (rejected envelopes, an unreachable hub); pino fits. */
export interface ExchangeLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
