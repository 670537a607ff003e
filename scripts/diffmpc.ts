#!/usr/bin/env node
// `diffmpc <command> [options]`: the command line. Commands are thin wrappers over the library, each in
// scripts/commands/, registered in scripts/commands/index.ts.
import { commandHelp, getCommand, isUsageError, listCommands, parseCommandArgs, withCommand } from './cli.ts';
import { didYouMean } from './lib/closest.ts';
import { silenceAutoBackendNotice } from '../src/tensor/backend.ts';
import './commands/index.ts';
import { INTERRUPTED_EXIT, installInterruptHandler, interruptMessage, stopSignal } from './lib/interrupt.ts';

function help(): string {
  const rows = listCommands().map((c) => `  ${c.name.padEnd(18)} ${c.summary}`);
  return [
    'usage: diffmpc <command> [options]',
    '',
    'commands:',
    ...rows,
    '',
    'common options: --backend auto|tensorflow-gpu|tensorflow|wasm|cpu (or $DIFFMPC_BACKEND), --seed N, --help',
    "run 'diffmpc <command> --help' for every flag of a command",
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  silenceAutoBackendNotice(); // each command prints the backend it chose; a user module importing 'diffmpc' must not announce another
  const [name, ...rest] = argv;
  const topic = name === 'help' && rest[0] ? getCommand(rest[0]) : undefined;
  if (topic) {
    console.log(commandHelp(topic));
    return 0;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return 0;
  }
  const cmd = getCommand(name);
  if (!cmd) {
    console.error(`diffmpc: unknown command "${name}".${didYouMean(name, listCommands().map((c) => c.name))}\n\n${help()}`);
    return 2;
  }
  const args = parseCommandArgs(cmd, rest);
  if (args.values.help) {
    console.log(commandHelp(cmd));
    return 0;
  }
  try {
    return (await cmd.run(args)) ?? 0;
  } catch (e) {
    // Input errors found while resolving the config name the command, like parse errors do.
    throw withCommand(cmd, e);
  }
}

installInterruptHandler();
main(process.argv.slice(2)).then(
  (code) => {
    if (stopSignal.aborted) {
      console.error(interruptMessage());
      process.exit(INTERRUPTED_EXIT);
    }
    process.exit(code);
  },
  (e: unknown) => {
    if (stopSignal.aborted) {
      console.error(interruptMessage());
      process.exit(INTERRUPTED_EXIT);
    }
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(isUsageError(e) ? 2 : 1);
  },
);
