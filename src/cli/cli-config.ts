// The service's configuration as a command reads it: a mistake is a usage error (exit 2).
import { ConfigError, loadConfig, loadDatabaseConfig, type Config, type DatabaseConfig } from '../config.js';
import { CliError } from './cli-error.js';

function asUsageError<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(`configuration error: ${error.message}`);
    throw error;
  }
}

export function loadCliConfig(): Config {
  return asUsageError(() => loadConfig());
}

/** The store's settings alone, so that a store command needs no other part of the service's configuration. */
export function loadCliDatabaseConfig(): DatabaseConfig {
  return asUsageError(() => loadDatabaseConfig());
}
