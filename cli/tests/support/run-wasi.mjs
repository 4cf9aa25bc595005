// Runs a WASI (preview 1) program in Node's WebAssembly (V8) with node:wasi: the module's path,
// then its arguments. Its exit code is the program's. Used by cli/tests/cli_init.rs to run what
// `silo init` wrote in another runtime.
import { readFile } from 'node:fs/promises';
import { argv, exit } from 'node:process';
import { WASI } from 'node:wasi';

const wasi = new WASI({ version: 'preview1', args: argv.slice(2), env: {}, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(argv[2]));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
exit(wasi.start(instance));
