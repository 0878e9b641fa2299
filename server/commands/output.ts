// What a command prints, wherever it runs: in the command's own process (to the terminal),
// or in the server for a command handed to it (sent back and printed by the command).
import type { commandLineActor } from '../audit/audit-log.ts';

export interface CommandOutput {
  /** One line or several to standard output, as console.log writes them. */
  out(text: string): void;
  /** The same to standard error. */
  err(text: string): void;
}

export const consoleOutput: CommandOutput = {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
};

/** Who ran a command, as its audit entries name them: the operating-system account, `lokal`. */
export type CommandActor = ReturnType<typeof commandLineActor>;
