/* A host function imported by a module and called back from WebAssembly. */

#include "common.h"

static int calls = 0;

static wasm_trap_t* hello_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK(args->size == 0 && results->size == 0);
  calls++;
  printf("Hello, World!\n");
  return NULL;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile(store,
      "(module (import \"\" \"hello\" (func $hello)) (func (export \"run\") (call $hello)))");

  wasm_functype_t* hello_type = wasm_functype_new_0_0();
  wasm_func_t* hello = wasm_func_new(store, hello_type, hello_callback);
  wasm_functype_delete(hello_type);
  CHECK(wasm_func_param_arity(hello) == 0 && wasm_func_result_arity(hello) == 0);

  wasm_extern_t* imports[] = {wasm_func_as_extern(hello)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 1);
  CHECK(wasm_extern_kind(exports.data[0]) == WASM_EXTERN_FUNC);
  const wasm_func_t* run = wasm_extern_as_func(exports.data[0]);
  CHECK(run != NULL);
  CHECK(wasm_extern_as_global(exports.data[0]) == NULL);

  printf("Calling export...\n");
  wasm_val_vec_t args = WASM_EMPTY_VEC;
  wasm_val_vec_t results = WASM_EMPTY_VEC;
  wasm_trap_t* trap = wasm_func_call(run, &args, &results);
  CHECK(trap == NULL);
  CHECK(calls == 1);

  /* The host function can be called directly too. */
  CHECK(wasm_func_call(hello, &args, &results) == NULL);
  CHECK(calls == 2);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(hello);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
