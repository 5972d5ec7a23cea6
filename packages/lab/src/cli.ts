#!/usr/bin/env node
import { runLabCli } from './run-cli.js'

process.exitCode = await runLabCli(process.argv.slice(2))
