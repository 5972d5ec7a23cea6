import { addCommand } from './add-command.js'
import { demoCommand } from './demo-command.js'
import { catCommand, getCommand } from './get-command.js'
import { lsCommand } from './ls-command.js'
import { idCommand } from './id-command.js'
import { labCommand } from './lab-command.js'
import { serveCommand } from './serve-command.js'
import type { Command } from '../command.js'

/** Every subcommand, in the order `--help` lists them. */
export const commands: Command[] = [addCommand, serveCommand, getCommand, catCommand, lsCommand, idCommand, demoCommand, labCommand]
