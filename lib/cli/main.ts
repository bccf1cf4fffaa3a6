#!/usr/bin/env node
/**
 * The `modeflow` executable (package.json `bin`). See `modeflow --help` and docs/cli.md.
 */
import { main } from './program.ts';

const code = await main(process.argv.slice(2));
process.exitCode = code;
// A resource or solid that leaks a handle (an open socket, a timer) must not keep the
// command from ending once the run is over.
setTimeout(() => process.exit(code), 1000).unref();
