// kube-client/util/log: leaf utility. The one Logger of the library (klog-like verbosity levels),
// the global logger and verbosity, and the text, JSON and silent loggers.
export { globalLogger, setLogger, toLogger } from './global.js';
export {
  getVerbosity,
  type LogEntry,
  type LogFields,
  type Logger,
  type LoggerOptions,
  type LogSeverity,
  newLogger,
  setVerbosity,
  silentLogger,
} from './logger.js';
export { defaultTextLogger, newJsonLogger, newTextLogger, type StreamLoggerOptions } from './stderr-logger.js';
