// The service's configuration as a command reads it: a mistake is a usage error (exit 2).
import { ConfigError, loadConfig, type Config } from '../config.js';
import { CliError } from './cli-error.js';

export function loadCliConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(`configuration error: ${error.message}`);
    throw error;
  }
}
