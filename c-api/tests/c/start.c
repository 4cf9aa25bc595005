/* The start function: it runs during wasm_instance_new (calling the host here), and a start
 * function that traps makes instantiation fail with that trap. Also a tiered engine told to
 * compile every function on its first call (silo_config_tier_up_after). */

#include "common.h"

static wasm_trap_t* started(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)results;
  printf("start ran with %d\n", args->data[0].of.i32);
  return NULL;
}

int main(void) {
  wasm_config_t* config = wasm_config_new();
  CHECK(silo_config_strategy(config, SILO_STRATEGY_TIERED));
  CHECK(silo_config_tier_up_after(config, 0));
  CHECK(!silo_config_tier_up_after(NULL, 0));
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  CHECK(engine != NULL);
  wasm_store_t* store = wasm_store_new(engine);

  wasm_module_t* module = compile(store,
      "(module"
      "  (import \"\" \"started\" (func $started (param i32)))"
      "  (global $g (mut i32) (i32.const 0))"
      "  (func $init (global.set $g (i32.const 41)) (call $started (global.get $g)))"
      "  (start $init)"
      "  (func (export \"sum\") (param $n i32) (result i32) (local $s i32)"
      "    (loop $l (local.set $s (i32.add (local.get $s) (local.get $n)))"
      "      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))"
      "    (i32.add (local.get $s) (global.get $g))))");
  wasm_functype_t* type = wasm_functype_new_1_0(wasm_valtype_new_i32());
  wasm_func_t* host = wasm_func_new(store, type, started);
  wasm_functype_delete(type);
  wasm_extern_t* imports[] = {wasm_func_as_extern(host)};
  wasm_instance_t* instance = instantiate(store, module, imports, 1);
  printf("instantiated\n");

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_t args_data[] = {WASM_I32_VAL(100000)};
  wasm_val_t results_data[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(args_data);
  wasm_val_vec_t results = WASM_ARRAY_VEC(results_data);
  CHECK(wasm_func_call(wasm_extern_as_func(exports.data[0]), &args, &results) == NULL);
  printf("sum: %d\n", results_data[0].of.i32);
  wasm_extern_vec_delete(&exports);

  /* A start function that traps: no instance, the trap instead. */
  wasm_module_t* failing = compile(store, "(module (func $f unreachable) (start $f))");
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t* trap = NULL;
  CHECK(wasm_instance_new(store, failing, &none, &trap) == NULL);
  CHECK(trap != NULL);
  print_trap("start trapped", trap);

  wasm_module_delete(failing);
  wasm_instance_delete(instance);
  wasm_func_delete(host);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
