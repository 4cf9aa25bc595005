// Run a wasm module under Node's V8, for the benchmark harness.
//
//   node --no-warnings bench/node-wasi.mjs prog.wasm [args...]
//       a WASI command: runs _start with args, exits with its status
//   node --no-warnings bench/node-wasi.mjs --invoke NAME prog.wasm [args...]
//       calls the export NAME with numeric args and prints each result
//
// The harness adds --no-concurrent-marking: without it Node 20 sometimes
// crashes in V8 while running the hashtable benchmark (see harness/engines.py).
import { readFile } from 'node:fs/promises';
import { argv, exit, stdout } from 'node:process';
import { WASI } from 'node:wasi';

const usage = 'usage: node-wasi.mjs [--invoke NAME] FILE [ARGS...]';
let args = argv.slice(2);
let invoke = null;
if (args[0] === '--invoke') {
  invoke = args[1];
  args = args.slice(2);
}
if (args.length === 0 || invoke === undefined) {
  console.error(usage);
  exit(2);
}

const [file, ...rest] = args;
const module = await WebAssembly.compile(await readFile(file));
const wasi = new WASI({ version: 'preview1', args: [file, ...rest], env: {}, preopens: {}, returnOnExit: true });
const needsWasi = WebAssembly.Module.imports(module).some((i) => i.module === 'wasi_snapshot_preview1');
const instance = await WebAssembly.instantiate(module, needsWasi ? wasi.getImportObject() : {});

if (invoke === null) {
  exit(wasi.start(instance));
}

const func = instance.exports[invoke];
if (typeof func !== 'function') {
  console.error(`no exported function ${invoke}`);
  exit(2);
}
let result;
try {
  result = func(...rest.map(Number));
} catch (e) {
  if (!(e instanceof TypeError)) throw e;
  result = func(...rest.map(BigInt)); // i64 parameters want BigInt
}
for (const value of Array.isArray(result) ? result : result === undefined ? [] : [result]) {
  stdout.write(`${value}\n`);
}
