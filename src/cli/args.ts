/** Command-line walking shared by the CLI commands. */

export interface Flag {
  flag: string;
  /** The flag's argument (the next word); an error names the flag when it is missing. */
  value: () => string;
}

/** Yields every word of `args` as a flag; `value()` consumes the following word as its argument. */
export function* flags(args: readonly string[]): Generator<Flag> {
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    yield {
      flag,
      value: () => {
        const v = args[++i];
        if (v === undefined) throw new Error(`${flag} needs a value`);
        return v;
      },
    };
  }
}
