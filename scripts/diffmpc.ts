#!/usr/bin/env node
// `diffmpc <command> [options]`: the command line. Commands are thin wrappers over the library, each in
// scripts/commands/, registered in scripts/commands/index.ts.
import { getCommand, listCommands, parseCommandArgs } from './cli.ts';
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
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return 0;
  }
  const cmd = getCommand(name);
  if (!cmd) {
    console.error(`diffmpc: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  const args = parseCommandArgs(cmd, rest);
  if (args.values.help) {
    console.log(`usage: diffmpc ${cmd.name} ${cmd.usage ?? ''}\n\n${cmd.summary}`);
    return 0;
  }
  return (await cmd.run(args)) ?? 0;
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
    process.exit(1);
  },
);
