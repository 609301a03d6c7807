import { createInterface } from 'node:readline';

/**
 * Asks a yes/no question on a terminal; anything but "y"/"yes" is no, and so
 * are end of input and no answer within `deadlineMs`.
 */
export function askYesNo(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, question: string, deadlineMs: number): Promise<boolean> {
  const lines = createInterface({ input, output, terminal: false });
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => {
      output.write(`\nno answer within ${Math.round(deadlineMs / 1000)} s\n`);
      finish(false);
    }, deadlineMs);
    let answered = false;
    const finish = (answer: boolean) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      lines.close();
      resolve(answer);
    };
    lines.once('line', (line) => finish(/^\s*y(es)?\s*$/i.test(line)));
    lines.once('close', () => finish(false));
    lines.setPrompt(question);
    lines.prompt();
  });
}
