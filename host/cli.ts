#!/usr/bin/env -S node --import tsx
// The `stubdom` command: `stubdom boot` runs a guest on the development host (host/sim: v86 as
// the CPU, our device modules behind Xen-format ioreqs); `stubdom demo` probes every device in the
// Node runtime and prints what a guest sees. Usage errors exit with code 2.
import { boot } from "./sim/boot.ts";
import { demo } from "./demo.ts";

const USAGE = `usage: stubdom <command> [options]
  boot [options]   boot a guest on the development host (stubdom boot --help for its options)
  demo             probe every device through ioreqs and print what a guest sees`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case "boot": return boot(rest);
    case "demo": return demo(rest);
    case "-h": case "--help": case "help": process.stdout.write(USAGE + "\n"); return 0;
    default:
      process.stderr.write(`${cmd === undefined ? "no command given" : `unknown command ${cmd}`}\n${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: unknown) => {
  process.stderr.write(`stubdom: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exitCode = 1;
});
