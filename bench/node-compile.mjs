// Time V8's compilation of a module, for the benchmark harness's compile-throughput figures.
//
//   node [V8 flags] bench/node-compile.mjs FILE
//       prints `seconds=S`: the time `new WebAssembly.Module(bytes)` took (after reading the file)
//
// What that covers depends on V8's flags. By default (Node 20) wasm compilation is lazy:
// the module is decoded and validated, and each function is compiled by Liftoff on its first
// call, then tiered up to TurboFan when hot. --no-wasm-lazy-compilation compiles every
// function with Liftoff up front; adding --no-liftoff compiles every function with TurboFan.
// The harness starts a new process for every repetition: V8 caches compiled modules by their
// bytes within a process.
import { readFileSync } from 'node:fs';
import { argv, exit, hrtime } from 'node:process';

if (argv.length !== 3) {
  console.error('usage: node-compile.mjs FILE');
  exit(2);
}
const bytes = readFileSync(argv[2]);
const start = hrtime.bigint();
const module = new WebAssembly.Module(bytes);
const seconds = Number(hrtime.bigint() - start) / 1e9;
if (WebAssembly.Module.exports(module).length === 0) {
  console.error('the module has no exports');
}
console.log(`seconds=${seconds.toFixed(6)}`);
