// Ctrl-C for the CLI. The first SIGINT aborts `stopSignal`; commands that write a run directory pass it down
// to their loops (src/train checks it between env steps and fitting epochs), so the run stops within one
// step, with every write in flight finished (writes are synchronous; a signal is only handled between
// them), and the entry point prints how to continue and exits 130. A command that registered no resume hint
// (nothing to lose) exits at once; a second Ctrl-C always exits at once.
import path from 'node:path';

const controller = new AbortController();

/** Aborted on the first Ctrl-C; its reason is an Error "interrupted". */
export const stopSignal: AbortSignal = controller.signal;

let hint: string | undefined;

/** The exit code of a process stopped by SIGINT (128 + 2), as shells report it. */
export const INTERRUPTED_EXIT = 130;

/** Declares that the running command stops on `stopSignal`; `hint` is printed after it stopped. */
export function onInterruptPrint(text: string): void {
  hint = text;
}

/** `diffmpc <command> --name NAME [--out DIR] --resume`, the command that continues a run. */
export function resumeCommand(command: string, runDir: string, outFlag: string): string {
  const q = (s: string) => (/^[\w./-]+$/.test(s) ? s : JSON.stringify(s));
  const out = path.resolve(outFlag) === path.resolve('runs') ? '' : ` --out ${q(outFlag)}`;
  return `diffmpc ${command} --name ${q(path.basename(runDir))}${out} --resume`;
}

/** The message printed when a command stopped on Ctrl-C. */
export function interruptMessage(): string {
  return `interrupted${hint ? `: ${hint}` : ''}`;
}

/** Installs the SIGINT handler (once, by the CLI entry point). */
export function installInterruptHandler(): void {
  process.on('SIGINT', () => {
    if (stopSignal.aborted || hint === undefined) {
      process.stderr.write(`\n${interruptMessage()}\n`);
      process.exit(INTERRUPTED_EXIT);
    }
    process.stderr.write('\nCtrl-C: stopping after the current step (press Ctrl-C again to quit at once)\n');
    controller.abort(new Error('interrupted'));
  });
}
