#!/usr/bin/env node
import { main } from './program.js';

// `serve` keeps running after main returns: set the exit code and let the event loop decide when the process ends.
process.exitCode = await main(process.argv);
