/* Fuel (silo.h): a metered store stops an infinite loop with a trap, and reports the fuel
 * left after a finite call. */

#include "common.h"

int main(void) {
  wasm_config_t* config = wasm_config_new();
  silo_config_consume_fuel(config, true);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  CHECK(engine != NULL);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile(store,
      "(module"
      "  (func (export \"spin\") (loop $l (br $l)))"
      "  (func (export \"add\") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))");
  wasm_instance_t* instance = instantiate(store, module, NULL, 0);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  const wasm_func_t* spin = wasm_extern_as_func(exports.data[0]);
  const wasm_func_t* add = wasm_extern_as_func(exports.data[1]);

  check_error(silo_store_set_fuel(store, 10000), "set fuel");
  uint64_t fuel = 0;
  check_error(silo_store_get_fuel(store, &fuel), "get fuel");
  CHECK(fuel == 10000);

  wasm_val_t a[2] = {WASM_I32_VAL(2), WASM_I32_VAL(3)};
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(a);
  wasm_val_vec_t results = WASM_ARRAY_VEC(r);
  CHECK(wasm_func_call(add, &args, &results) == NULL && r[0].of.i32 == 5);
  check_error(silo_store_get_fuel(store, &fuel), "get fuel");
  CHECK(fuel < 10000 && fuel > 0);
  printf("fuel used by add: %s\n", fuel < 10000 ? "some" : "none");

  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t* trap = wasm_func_call(spin, &none, &none);
  CHECK(trap != NULL);
  print_trap("spin", trap);
  check_error(silo_store_get_fuel(store, &fuel), "get fuel");
  printf("fuel left: %llu\n", (unsigned long long)fuel);

  /* Refilled, the store runs again. */
  check_error(silo_store_set_fuel(store, 100), "set fuel");
  CHECK(wasm_func_call(add, &args, &results) == NULL && r[0].of.i32 == 5);

  /* An engine without fuel refuses to set it. */
  wasm_engine_t* plain = wasm_engine_new();
  wasm_store_t* plain_store = wasm_store_new(plain);
  silo_error_t* error = silo_store_set_fuel(plain_store, 1);
  CHECK(error != NULL);
  wasm_name_t message;
  silo_error_message(error, &message);
  printf("without fuel: %.*s\n", (int)message.size, message.data);
  wasm_name_delete(&message);
  silo_error_delete(error);
  wasm_store_delete(plain_store);
  wasm_engine_delete(plain);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
