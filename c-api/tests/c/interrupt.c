/* Interrupts and deadlines (silo.h): an infinite loop stopped from another thread, and one
 * stopped by the store's deadline. */

#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <time.h>

#include "common.h"

static void* interrupt_later(void* handle) {
  struct timespec delay = {0, 100 * 1000 * 1000};
  nanosleep(&delay, NULL);
  silo_interrupt_handle_interrupt(handle);
  return NULL;
}

int main(int argc, char** argv) {
  wasm_config_t* config = wasm_config_new();
  silo_config_interruptible(config, true);
  /* The strategy is the test's argument: interp, jit or tiered. */
  if (argc > 1 && strcmp(argv[1], "interp") == 0) CHECK(silo_config_strategy(config, SILO_STRATEGY_INTERP));
  if (argc > 1 && strcmp(argv[1], "jit") == 0) CHECK(silo_config_strategy(config, SILO_STRATEGY_JIT));
  CHECK(!silo_config_strategy(config, 99));
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  CHECK(engine != NULL);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = compile(store, "(module (func (export \"spin\") (loop $l (br $l))))");
  wasm_instance_t* instance = instantiate(store, module, NULL, 0);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  const wasm_func_t* spin = wasm_extern_as_func(exports.data[0]);
  wasm_val_vec_t none = WASM_EMPTY_VEC;

  silo_interrupt_handle_t* handle = silo_store_interrupt_handle_new(store);
  CHECK(handle != NULL);
  pthread_t thread;
  CHECK(pthread_create(&thread, NULL, interrupt_later, handle) == 0);
  wasm_trap_t* trap = wasm_func_call(spin, &none, &none);
  CHECK(pthread_join(thread, NULL) == 0);
  CHECK(trap != NULL);
  print_trap("interrupt", trap);
  silo_interrupt_handle_delete(handle);

  check_error(silo_store_set_timeout_ms(store, 100), "set timeout");
  trap = wasm_func_call(spin, &none, &none);
  CHECK(trap != NULL);
  print_trap("timeout", trap);
  check_error(silo_store_set_timeout_ms(store, 0), "remove timeout");

  /* Without `interruptible`, there are no handles. */
  wasm_engine_t* plain = wasm_engine_new();
  wasm_store_t* plain_store = wasm_store_new(plain);
  CHECK(silo_store_interrupt_handle_new(plain_store) == NULL);
  silo_error_t* error = silo_store_set_timeout_ms(plain_store, 10);
  CHECK(error != NULL);
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
