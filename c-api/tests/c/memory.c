/* Memories: data, size and growth from the host, loads and stores from WebAssembly, and the
 * trap on an access out of bounds. */

#include "common.h"

static wasm_trap_t* call(const wasm_func_t* f, wasm_val_t* args, size_t nargs, wasm_val_t* results,
                         size_t nresults) {
  wasm_val_vec_t a = {nargs, args};
  wasm_val_vec_t r = {nresults, results};
  return wasm_func_call(f, &a, &r);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile(store,
      "(module"
      "  (memory (export \"memory\") 2 3)"
      "  (func (export \"size\") (result i32) (memory.size))"
      "  (func (export \"load\") (param i32) (result i32) (i32.load8_s (local.get 0)))"
      "  (func (export \"store\") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))"
      "  (data (i32.const 0x1000) \"\\01\\02\\03\\04\"))");
  wasm_instance_t* instance = instantiate(store, module, NULL, 0);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_memory_t* memory = wasm_extern_as_memory(exports.data[0]);
  const wasm_func_t* size = wasm_extern_as_func(exports.data[1]);
  const wasm_func_t* load = wasm_extern_as_func(exports.data[2]);
  const wasm_func_t* store_fn = wasm_extern_as_func(exports.data[3]);
  CHECK(memory && size && load && store_fn);

  CHECK(wasm_memory_size(memory) == 2);
  CHECK(wasm_memory_data_size(memory) == 2 * MEMORY_PAGE_SIZE);
  byte_t* data = wasm_memory_data(memory);
  CHECK(data[0] == 0 && data[0x1000] == 1 && data[0x1003] == 4);
  wasm_memorytype_t* type = wasm_memory_type(memory);
  const wasm_limits_t* limits = wasm_memorytype_limits(type);
  CHECK(limits->min == 2 && limits->max == 3);
  wasm_memorytype_delete(type);

  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_t a1[1] = {WASM_I32_VAL(0x1002)};
  CHECK(call(load, a1, 1, r, 1) == NULL && r[0].of.i32 == 3);
  data[0x1002] = 9;
  CHECK(call(load, a1, 1, r, 1) == NULL && r[0].of.i32 == 9);
  wasm_val_t a2[2] = {WASM_I32_VAL(0x1002), WASM_I32_VAL(5)};
  CHECK(call(store_fn, a2, 2, NULL, 0) == NULL);
  CHECK(wasm_memory_data(memory)[0x1002] == 5);

  /* The last byte is in bounds, the next one traps. */
  wasm_val_t last[1] = {WASM_I32_VAL(0x1ffff)};
  CHECK(call(load, last, 1, r, 1) == NULL && r[0].of.i32 == 0);
  wasm_val_t past[1] = {WASM_I32_VAL(0x20000)};
  wasm_trap_t* trap = call(load, past, 1, r, 1);
  CHECK(trap != NULL);
  print_trap("load out of bounds", trap);

  /* Growing to the maximum, then past it. */
  CHECK(wasm_memory_grow(memory, 1));
  CHECK(wasm_memory_size(memory) == 3);
  CHECK(call(size, NULL, 0, r, 1) == NULL && r[0].of.i32 == 3);
  CHECK(call(load, past, 1, r, 1) == NULL);
  CHECK(!wasm_memory_grow(memory, 1));
  CHECK(wasm_memory_grow(memory, 0));
  printf("memory: %u pages\n", (unsigned)wasm_memory_size(memory));

  /* A memory made by the host. */
  wasm_limits_t host_limits = {5, 5};
  wasm_memorytype_t* host_type = wasm_memorytype_new(&host_limits);
  wasm_memory_t* host_memory = wasm_memory_new(store, host_type);
  CHECK(host_memory != NULL && wasm_memory_size(host_memory) == 5);
  CHECK(!wasm_memory_grow(host_memory, 1));
  wasm_memorytype_delete(host_type);
  wasm_memory_delete(host_memory);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
