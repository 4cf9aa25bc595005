// Instantiates a module without imports in Node's WebAssembly (V8) and prints what the export
// named by the second argument returns. Used by cli/tests/cli_init.rs to run a pre-initialized
// GC module in another runtime (Node 22 or later: earlier V8s predate the final GC encoding).
import { readFile } from 'node:fs/promises';
import { argv } from 'node:process';

const module = await WebAssembly.compile(await readFile(argv[2]));
const instance = await WebAssembly.instantiate(module, {});
console.log(String(instance.exports[argv[3]]()));
